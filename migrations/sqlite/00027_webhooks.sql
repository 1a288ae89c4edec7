-- +goose Up
CREATE TABLE IF NOT EXISTS webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER NOT NULL,
  created_at DATETIME NOT NULL,
  deleted_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS idx_webhooks_active ON webhooks (active);

-- +goose Down
DROP TABLE IF EXISTS webhooks;
