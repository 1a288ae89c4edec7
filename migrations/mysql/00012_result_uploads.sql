-- +goose Up
CREATE TABLE IF NOT EXISTS result_uploads (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  month CHAR(7) NOT NULL,
  filename VARCHAR(255) NOT NULL DEFAULT '',
  row_count INT NOT NULL,
  replaced_upload_id BIGINT NULL,
  uploaded_by BIGINT NOT NULL,
  uploaded_at DATETIME(3) NOT NULL,
  superseded_at DATETIME(3) NULL,
  KEY idx_result_uploads_month (month, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS result_uploads;
