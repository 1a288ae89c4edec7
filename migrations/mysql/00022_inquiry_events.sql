-- +goose Up
CREATE TABLE IF NOT EXISTS inquiry_events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  inquiry_id BIGINT NOT NULL,
  referral_id BIGINT NULL,
  kind VARCHAR(32) NOT NULL,
  actor_id BIGINT NULL,
  occurred_at DATETIME(3) NOT NULL,
  note TEXT NOT NULL,
  KEY idx_inquiry_events_inquiry (inquiry_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS inquiry_events;
