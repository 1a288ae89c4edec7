-- +goose Up
CREATE TABLE IF NOT EXISTS referrals (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  inquiry_id BIGINT NOT NULL,
  from_staff_id BIGINT NOT NULL,
  to_department_id BIGINT NOT NULL,
  to_staff_id BIGINT NULL,
  note VARCHAR(1000) NOT NULL DEFAULT '',
  referred_at DATETIME(3) NOT NULL,
  status VARCHAR(16) NOT NULL,
  live_inquiry_id BIGINT NULL,
  accepted_at DATETIME(3) NULL,
  accepted_by BIGINT NULL,
  contacted_at DATETIME(3) NULL,
  contacted_by BIGINT NULL,
  contact_note VARCHAR(1000) NOT NULL DEFAULT '',
  resolved_at DATETIME(3) NULL,
  resolved_by BIGINT NULL,
  resolution TEXT NOT NULL,
  returned_at DATETIME(3) NULL,
  returned_by BIGINT NULL,
  return_reason VARCHAR(500) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_referrals_live (live_inquiry_id),
  KEY idx_referrals_inquiry (inquiry_id, id),
  KEY idx_referrals_assignee (to_staff_id, status, referred_at),
  KEY idx_referrals_department (to_department_id, status, referred_at),
  KEY idx_referrals_from (from_staff_id, referred_at),
  KEY idx_referrals_status (status, referred_at),
  KEY idx_referrals_referred (referred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS referrals;
