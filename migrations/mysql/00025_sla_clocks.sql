-- +goose Up
CREATE TABLE IF NOT EXISTS sla_clocks (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  clock_key VARCHAR(64) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  inquiry_id BIGINT NOT NULL,
  referral_id BIGINT NULL,
  owner_id BIGINT NULL,
  department_id BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  budget_ms BIGINT NOT NULL,
  anchor_at DATETIME(3) NOT NULL,
  anchor_left_ms BIGINT NOT NULL,
  deadline_at DATETIME(3) NOT NULL,
  remind_at DATETIME(3) NOT NULL,
  reminded_at DATETIME(3) NULL,
  breached_at DATETIME(3) NULL,
  escalated_to BIGINT NULL,
  paused_at DATETIME(3) NULL,
  pause_reason VARCHAR(500) NOT NULL DEFAULT '',
  stopped_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_sla_clocks_key (clock_key),
  KEY idx_sla_clocks_due (state, deadline_at),
  KEY idx_sla_clocks_remind (state, reminded_at, remind_at),
  KEY idx_sla_clocks_breach (state, breached_at, deadline_at),
  KEY idx_sla_clocks_inquiry (inquiry_id),
  KEY idx_sla_clocks_referral (referral_id),
  KEY idx_sla_clocks_owner (owner_id, state, deadline_at),
  KEY idx_sla_clocks_department (department_id, state, deadline_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS sla_clocks;
