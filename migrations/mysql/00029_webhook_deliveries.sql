-- +goose Up
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  outbox_id BIGINT NOT NULL,
  webhook_id BIGINT NOT NULL,
  event_id VARCHAR(40) NOT NULL,
  attempt INT NOT NULL,
  attempted_at DATETIME(3) NOT NULL,
  status_code INT NOT NULL DEFAULT 0,
  error VARCHAR(500) NOT NULL DEFAULT '',
  duration_ms INT NOT NULL DEFAULT 0,
  KEY idx_webhook_deliveries_outbox (outbox_id, id),
  KEY idx_webhook_deliveries_webhook (webhook_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS webhook_deliveries;
