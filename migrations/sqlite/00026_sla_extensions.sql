-- +goose Up
CREATE TABLE IF NOT EXISTS sla_extensions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  clock_id INTEGER NOT NULL,
  inquiry_id INTEGER NOT NULL,
  referral_id INTEGER NULL,
  requested_by INTEGER NOT NULL,
  reason TEXT NOT NULL,
  old_deadline DATETIME NOT NULL,
  new_deadline DATETIME NOT NULL,
  status TEXT NOT NULL,
  pending_clock_id INTEGER NULL,
  decided_by INTEGER NULL,
  decided_at DATETIME NULL,
  decision_note TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_sla_extensions_pending ON sla_extensions (pending_clock_id);
CREATE INDEX IF NOT EXISTS idx_sla_extensions_clock ON sla_extensions (clock_id);
CREATE INDEX IF NOT EXISTS idx_sla_extensions_status ON sla_extensions (status, created_at);
CREATE INDEX IF NOT EXISTS idx_sla_extensions_requester ON sla_extensions (requested_by, created_at);

-- +goose Down
DROP TABLE IF EXISTS sla_extensions;
