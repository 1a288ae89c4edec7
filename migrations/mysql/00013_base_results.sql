-- +goose Up
CREATE TABLE IF NOT EXISTS base_results (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  upload_id BIGINT NOT NULL,
  month CHAR(7) NOT NULL,
  staff_id BIGINT NOT NULL,
  score DECIMAL(6,2) NOT NULL,
  note VARCHAR(500) NOT NULL DEFAULT '',
  row_no INT NOT NULL,
  UNIQUE KEY uq_base_results_upload_staff (upload_id, staff_id),
  KEY idx_base_results_month (month, staff_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS base_results;
