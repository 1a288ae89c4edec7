-- +goose Up
-- Audit chain segments (docs/security.md, "Audit chain"): each process
-- appends to segments of its own; a row is a segment's head. Segment 1 is
-- the single chain written before segments, whose head stays in audit_head
-- (so that a release before segments keeps working during a rolling
-- upgrade), and the register in which every other segment is opened.
CREATE TABLE IF NOT EXISTS audit_segments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  opened_at DATETIME NOT NULL,
  opened_by TEXT NOT NULL DEFAULT ''
);
-- Ids start at 2.
INSERT INTO sqlite_sequence (name, seq) SELECT 'audit_segments', 1
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'audit_segments');

-- +goose Down
DROP TABLE IF EXISTS audit_segments;
