-- +goose Up
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  webhook_id BIGINT NOT NULL,
  event_id VARCHAR(40) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  payload LONGTEXT NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL,
  claimed_until DATETIME(3) NULL,
  claim_token VARCHAR(40) NULL,
  last_error VARCHAR(500) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  delivered_at DATETIME(3) NULL,
  UNIQUE KEY uq_webhook_outbox_event (event_id, webhook_id),
  KEY idx_webhook_outbox_due (status, next_attempt_at),
  KEY idx_webhook_outbox_webhook (webhook_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS webhook_outbox;
