-- +goose Up
CREATE TABLE IF NOT EXISTS referrals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  inquiry_id INTEGER NOT NULL,
  from_staff_id INTEGER NOT NULL,
  to_department_id INTEGER NOT NULL,
  to_staff_id INTEGER NULL,
  note TEXT NOT NULL DEFAULT '',
  referred_at DATETIME NOT NULL,
  status TEXT NOT NULL,
  live_inquiry_id INTEGER NULL,
  accepted_at DATETIME NULL,
  accepted_by INTEGER NULL,
  contacted_at DATETIME NULL,
  contacted_by INTEGER NULL,
  contact_note TEXT NOT NULL DEFAULT '',
  resolved_at DATETIME NULL,
  resolved_by INTEGER NULL,
  resolution TEXT NOT NULL DEFAULT '',
  returned_at DATETIME NULL,
  returned_by INTEGER NULL,
  return_reason TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_referrals_live ON referrals (live_inquiry_id);
CREATE INDEX IF NOT EXISTS idx_referrals_inquiry ON referrals (inquiry_id, id);
CREATE INDEX IF NOT EXISTS idx_referrals_assignee ON referrals (to_staff_id, status, referred_at);
CREATE INDEX IF NOT EXISTS idx_referrals_department ON referrals (to_department_id, status, referred_at);
CREATE INDEX IF NOT EXISTS idx_referrals_from ON referrals (from_staff_id, referred_at);
CREATE INDEX IF NOT EXISTS idx_referrals_status ON referrals (status, referred_at);
CREATE INDEX IF NOT EXISTS idx_referrals_referred ON referrals (referred_at);

-- +goose Down
DROP TABLE IF EXISTS referrals;
