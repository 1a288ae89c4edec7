-- +goose Up
CREATE TABLE IF NOT EXISTS result_uploads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  month TEXT NOT NULL,
  filename TEXT NOT NULL DEFAULT '',
  row_count INTEGER NOT NULL,
  replaced_upload_id INTEGER NULL,
  uploaded_by INTEGER NOT NULL,
  uploaded_at DATETIME NOT NULL,
  superseded_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS idx_result_uploads_month ON result_uploads (month, id);

-- +goose Down
DROP TABLE IF EXISTS result_uploads;
