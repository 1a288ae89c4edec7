-- +goose Up
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at DATETIME NOT NULL,
  claimed_until DATETIME NULL,
  claim_token TEXT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  delivered_at DATETIME NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_webhook_outbox_event ON webhook_outbox (event_id, webhook_id);
CREATE INDEX IF NOT EXISTS idx_webhook_outbox_due ON webhook_outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS idx_webhook_outbox_webhook ON webhook_outbox (webhook_id, id);

-- +goose Down
DROP TABLE IF EXISTS webhook_outbox;
