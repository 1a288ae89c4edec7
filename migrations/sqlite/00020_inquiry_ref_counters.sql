-- +goose Up
CREATE TABLE IF NOT EXISTS inquiry_ref_counters (
  day TEXT NOT NULL PRIMARY KEY,
  last_no INTEGER NOT NULL
);

-- +goose Down
DROP TABLE IF EXISTS inquiry_ref_counters;
