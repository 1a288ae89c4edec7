-- +goose Up
-- Read replicas: when each person last wrote (see the MySQL migration).
-- SQLite takes no read replicas; the table keeps the schemas alike.
CREATE TABLE IF NOT EXISTS read_marks (
  staff_id INTEGER NOT NULL PRIMARY KEY,
  wrote_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE read_marks;
