-- +goose Up
CREATE TABLE IF NOT EXISTS settings (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at DATETIME NOT NULL,
  updated_by INTEGER NULL
);

-- +goose Down
DROP TABLE IF EXISTS settings;
