-- +goose Up
CREATE TABLE IF NOT EXISTS sla_extensions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  clock_id BIGINT NOT NULL,
  inquiry_id BIGINT NOT NULL,
  referral_id BIGINT NULL,
  requested_by BIGINT NOT NULL,
  reason VARCHAR(500) NOT NULL,
  old_deadline DATETIME(3) NOT NULL,
  new_deadline DATETIME(3) NOT NULL,
  status VARCHAR(16) NOT NULL,
  pending_clock_id BIGINT NULL,
  decided_by BIGINT NULL,
  decided_at DATETIME(3) NULL,
  decision_note VARCHAR(500) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_sla_extensions_pending (pending_clock_id),
  KEY idx_sla_extensions_clock (clock_id),
  KEY idx_sla_extensions_status (status, created_at),
  KEY idx_sla_extensions_requester (requested_by, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS sla_extensions;
