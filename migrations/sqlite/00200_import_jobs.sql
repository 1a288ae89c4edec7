-- +goose Up
-- Staff imports running in the background, seen by every instance (see
-- the MySQL migration).
CREATE TABLE IF NOT EXISTS import_jobs (
  id TEXT NOT NULL PRIMARY KEY,
  owner_id INTEGER NOT NULL,
  lang TEXT NOT NULL,
  state TEXT NOT NULL,
  rows_total INTEGER NOT NULL,
  hashed INTEGER NOT NULL DEFAULT 0,
  to_hash INTEGER NOT NULL DEFAULT 0,
  result TEXT,
  error TEXT,
  passwords BLOB,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  finished_at DATETIME
);
CREATE INDEX IF NOT EXISTS idx_import_jobs_finished ON import_jobs (finished_at);

-- +goose Down
DROP TABLE import_jobs;
