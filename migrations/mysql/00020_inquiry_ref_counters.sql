-- +goose Up
CREATE TABLE IF NOT EXISTS inquiry_ref_counters (
  day CHAR(8) NOT NULL PRIMARY KEY,
  last_no INT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS inquiry_ref_counters;
