-- +goose Up
CREATE TABLE IF NOT EXISTS periods (
  month CHAR(7) NOT NULL PRIMARY KEY,
  state VARCHAR(16) NOT NULL,
  rule_version BIGINT NULL,
  opened_at DATETIME(3) NOT NULL,
  closed_at DATETIME(3) NULL,
  closed_by BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS periods;
