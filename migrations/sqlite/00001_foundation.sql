-- +goose Up
CREATE TABLE IF NOT EXISTS departments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  parent_id INTEGER NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_departments_code ON departments (code);
CREATE INDEX IF NOT EXISTS idx_departments_parent ON departments (parent_id);

-- +goose Down
DROP TABLE IF EXISTS departments;
