-- +goose Up
CREATE TABLE IF NOT EXISTS inquiries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ref TEXT NOT NULL,
  channel TEXT NOT NULL,
  received_at DATETIME NOT NULL,
  first_responder_id INTEGER NOT NULL,
  department_id INTEGER NOT NULL,
  visitor_name TEXT NOT NULL DEFAULT '',
  visitor_org TEXT NOT NULL DEFAULT '',
  visitor_phone TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL,
  summary TEXT NOT NULL,
  read_back_confirmed INTEGER NOT NULL DEFAULT 0,
  disposition TEXT NOT NULL DEFAULT '',
  guidance TEXT NOT NULL DEFAULT '',
  documents TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL,
  resolution TEXT NOT NULL DEFAULT '',
  resolved_at DATETIME NULL,
  resolved_by INTEGER NULL,
  feedback_at DATETIME NULL,
  feedback_by INTEGER NULL,
  satisfaction TEXT NOT NULL DEFAULT '',
  feedback_note TEXT NOT NULL DEFAULT '',
  closed_at DATETIME NULL,
  closed_by INTEGER NULL,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  paused_at DATETIME NULL,
  pause_reason TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_inquiries_ref ON inquiries (ref);
CREATE INDEX IF NOT EXISTS idx_inquiries_received ON inquiries (received_at);
CREATE INDEX IF NOT EXISTS idx_inquiries_responder ON inquiries (first_responder_id, received_at);
CREATE INDEX IF NOT EXISTS idx_inquiries_department ON inquiries (department_id, received_at);
CREATE INDEX IF NOT EXISTS idx_inquiries_department_status ON inquiries (department_id, status, received_at);
CREATE INDEX IF NOT EXISTS idx_inquiries_status ON inquiries (status, received_at);
CREATE INDEX IF NOT EXISTS idx_inquiries_channel ON inquiries (channel, received_at);
CREATE INDEX IF NOT EXISTS idx_inquiries_category ON inquiries (category, received_at);
CREATE INDEX IF NOT EXISTS idx_inquiries_phone ON inquiries (visitor_phone);

-- +goose Down
DROP TABLE IF EXISTS inquiries;
