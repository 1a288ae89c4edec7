-- +goose Up
CREATE TABLE IF NOT EXISTS inquiry_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  inquiry_id INTEGER NOT NULL,
  referral_id INTEGER NULL,
  kind TEXT NOT NULL,
  actor_id INTEGER NULL,
  occurred_at DATETIME NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_inquiry_events_inquiry ON inquiry_events (inquiry_id, id);

-- +goose Down
DROP TABLE IF EXISTS inquiry_events;
