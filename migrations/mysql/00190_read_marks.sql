-- +goose Up
-- Read replicas: when each person last wrote, so that their reads go to
-- the primary for a while afterwards on every instance (read-your-writes;
-- see docs/decisions.md, "Read replicas"). Written only when read
-- replicas are configured.
CREATE TABLE IF NOT EXISTS read_marks (
  staff_id BIGINT NOT NULL,
  wrote_at DATETIME(3) NOT NULL,
  PRIMARY KEY (staff_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE read_marks;
