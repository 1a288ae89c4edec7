-- +goose Up
CREATE TABLE IF NOT EXISTS absences (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  staff_id INTEGER NOT NULL,
  starts_at DATETIME NOT NULL,
  ends_at DATETIME NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_absences_staff ON absences (staff_id, ends_at);

-- +goose Down
DROP TABLE IF EXISTS absences;
