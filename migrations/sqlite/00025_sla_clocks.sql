-- +goose Up
CREATE TABLE IF NOT EXISTS sla_clocks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  clock_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  inquiry_id INTEGER NOT NULL,
  referral_id INTEGER NULL,
  owner_id INTEGER NULL,
  department_id INTEGER NOT NULL,
  state TEXT NOT NULL,
  started_at DATETIME NOT NULL,
  budget_ms INTEGER NOT NULL,
  anchor_at DATETIME NOT NULL,
  anchor_left_ms INTEGER NOT NULL,
  deadline_at DATETIME NOT NULL,
  remind_at DATETIME NOT NULL,
  reminded_at DATETIME NULL,
  breached_at DATETIME NULL,
  escalated_to INTEGER NULL,
  paused_at DATETIME NULL,
  pause_reason TEXT NOT NULL DEFAULT '',
  stopped_at DATETIME NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_sla_clocks_key ON sla_clocks (clock_key);
CREATE INDEX IF NOT EXISTS idx_sla_clocks_due ON sla_clocks (state, deadline_at);
CREATE INDEX IF NOT EXISTS idx_sla_clocks_remind ON sla_clocks (state, reminded_at, remind_at);
CREATE INDEX IF NOT EXISTS idx_sla_clocks_breach ON sla_clocks (state, breached_at, deadline_at);
CREATE INDEX IF NOT EXISTS idx_sla_clocks_inquiry ON sla_clocks (inquiry_id);
CREATE INDEX IF NOT EXISTS idx_sla_clocks_referral ON sla_clocks (referral_id);
CREATE INDEX IF NOT EXISTS idx_sla_clocks_owner ON sla_clocks (owner_id, state, deadline_at);
CREATE INDEX IF NOT EXISTS idx_sla_clocks_department ON sla_clocks (department_id, state, deadline_at);

-- +goose Down
DROP TABLE IF EXISTS sla_clocks;
