-- +goose Up
CREATE TABLE IF NOT EXISTS violations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  staff_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  occurred_at DATETIME NOT NULL,
  inquiry_id INTEGER NULL,
  description TEXT NOT NULL,
  evidence TEXT NOT NULL,
  source TEXT NOT NULL,
  sla_clock TEXT NULL,
  reported_by INTEGER NULL,
  state TEXT NOT NULL,
  sanction TEXT NOT NULL DEFAULT '',
  rule_version INTEGER NULL,
  window_count INTEGER NOT NULL DEFAULT 0,
  verified_by INTEGER NULL,
  verified_at DATETIME NULL,
  decision_note TEXT NULL,
  appeal_text TEXT NULL,
  appealed_at DATETIME NULL,
  appeal_deadline DATETIME NULL,
  appeal_decided_by INTEGER NULL,
  appeal_decided_at DATETIME NULL,
  appeal_note TEXT NULL,
  counted_month TEXT NULL,
  carried_over_from TEXT NULL,
  correction_month TEXT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_violations_sla_clock ON violations (sla_clock);
CREATE INDEX IF NOT EXISTS idx_violations_staff ON violations (staff_id, occurred_at);
CREATE INDEX IF NOT EXISTS idx_violations_counted ON violations (counted_month, state);
CREATE INDEX IF NOT EXISTS idx_violations_correction ON violations (correction_month);
CREATE INDEX IF NOT EXISTS idx_violations_state ON violations (state, created_at);

-- +goose Down
DROP TABLE IF EXISTS violations;
