-- +goose Up
-- Audit chain segments (docs/security.md, "Audit chain"): each process
-- appends to segments of its own; a row is a segment's head. Segment 1 is
-- the single chain written before segments, whose head stays in audit_head
-- (so that a release before segments keeps working during a rolling
-- upgrade), and the register in which every other segment is opened.
CREATE TABLE IF NOT EXISTS audit_segments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash CHAR(64) NOT NULL,
  opened_at DATETIME(3) NOT NULL,
  opened_by VARCHAR(128) NOT NULL DEFAULT ''
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS audit_segments;
