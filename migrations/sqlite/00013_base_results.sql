-- +goose Up
CREATE TABLE IF NOT EXISTS base_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  upload_id INTEGER NOT NULL,
  month TEXT NOT NULL,
  staff_id INTEGER NOT NULL,
  score REAL NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  row_no INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_base_results_upload_staff ON base_results (upload_id, staff_id);
CREATE INDEX IF NOT EXISTS idx_base_results_month ON base_results (month, staff_id);

-- +goose Down
DROP TABLE IF EXISTS base_results;
