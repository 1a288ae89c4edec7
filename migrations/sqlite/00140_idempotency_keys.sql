-- +goose Up
-- Idempotency-Key: the first answer to a creating POST, kept for 24 hours
-- per actor, route and key, written in the creating transaction (see
-- docs/deploy.md, "Retries and idempotency").
CREATE TABLE idempotency_keys (
  actor_id INTEGER NOT NULL,
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (actor_id, scope, idem_key)
);
CREATE INDEX idx_idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
