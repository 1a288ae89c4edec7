-- +goose Up
CREATE TABLE IF NOT EXISTS periods (
  month TEXT NOT NULL PRIMARY KEY,
  state TEXT NOT NULL,
  rule_version INTEGER NULL,
  opened_at DATETIME NOT NULL,
  closed_at DATETIME NULL,
  closed_by INTEGER NULL
);

-- +goose Down
DROP TABLE IF EXISTS periods;
