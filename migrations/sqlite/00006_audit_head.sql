-- +goose Up
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER NOT NULL PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);

-- +goose Down
DROP TABLE IF EXISTS audit_head;
