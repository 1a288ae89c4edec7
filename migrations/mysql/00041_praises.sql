-- +goose Up
CREATE TABLE IF NOT EXISTS praises (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  staff_id BIGINT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  occurred_at DATETIME(3) NOT NULL,
  inquiry_id BIGINT NULL,
  reason TEXT NOT NULL,
  recorded_by BIGINT NULL,
  counted_month CHAR(7) NOT NULL,
  carried_over_from CHAR(7) NULL,
  created_at DATETIME(3) NOT NULL,
  KEY idx_praises_staff (staff_id, occurred_at),
  KEY idx_praises_counted (counted_month, staff_id, kind, occurred_at, inquiry_id, carried_over_from)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS praises;
