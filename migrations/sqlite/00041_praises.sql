-- +goose Up
CREATE TABLE IF NOT EXISTS praises (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  staff_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  occurred_at DATETIME NOT NULL,
  inquiry_id INTEGER NULL,
  reason TEXT NOT NULL,
  recorded_by INTEGER NULL,
  counted_month TEXT NOT NULL,
  carried_over_from TEXT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_praises_staff ON praises (staff_id, occurred_at);
CREATE INDEX IF NOT EXISTS idx_praises_counted ON praises (counted_month, staff_id, kind, occurred_at, inquiry_id, carried_over_from);

-- +goose Down
DROP TABLE IF EXISTS praises;
