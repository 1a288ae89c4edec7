-- +goose Up
-- Idempotency-Key: the first answer to a creating POST, kept for 24 hours
-- per actor, route and key, written in the creating transaction (see
-- docs/deploy.md, "Retries and idempotency").
CREATE TABLE idempotency_keys (
  actor_id BIGINT NOT NULL,
  scope VARCHAR(32) NOT NULL,
  idem_key VARCHAR(255) NOT NULL,
  body_hash CHAR(64) NOT NULL,
  status INT NOT NULL,
  response MEDIUMTEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (actor_id, scope, idem_key),
  KEY idx_idempotency_keys_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE idempotency_keys;
