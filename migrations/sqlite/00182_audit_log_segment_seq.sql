-- +goose Up
-- seq numbers the entries of one segment (segment 1: the chain before
-- segments, whose entries all take the default 1).
CREATE UNIQUE INDEX IF NOT EXISTS uq_audit_log_segment_seq ON audit_log (segment_id, seq);
DROP INDEX IF EXISTS uq_audit_log_seq;

-- +goose Down
CREATE UNIQUE INDEX IF NOT EXISTS uq_audit_log_seq ON audit_log (seq);
DROP INDEX IF EXISTS uq_audit_log_segment_seq;
