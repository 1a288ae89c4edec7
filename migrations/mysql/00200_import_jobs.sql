-- +goose Up
-- Staff imports running in the background (202 and a status resource),
-- so that any instance behind the load balancer answers the status URL
-- and hands the generated passwords over once. The passwords are sealed
-- with a key derived from the sign-in token that started the import,
-- which the database does not hold (docs/decisions.md, "Import jobs on
-- every instance").
CREATE TABLE IF NOT EXISTS import_jobs (
  id CHAR(32) NOT NULL,
  owner_id BIGINT NOT NULL,
  lang VARCHAR(8) NOT NULL,
  state VARCHAR(16) NOT NULL,
  rows_total INT NOT NULL,
  hashed INT NOT NULL DEFAULT 0,
  to_hash INT NOT NULL DEFAULT 0,
  result MEDIUMTEXT NULL,
  error TEXT NULL,
  passwords MEDIUMBLOB NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  KEY idx_import_jobs_finished (finished_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE import_jobs;
