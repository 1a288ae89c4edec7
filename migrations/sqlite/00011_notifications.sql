-- +goose Up
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  staff_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  read_at DATETIME NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_notifications_staff ON notifications (staff_id, read_at, id);

-- +goose Down
DROP TABLE IF EXISTS notifications;
