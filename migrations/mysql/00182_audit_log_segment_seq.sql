-- +goose Up
-- seq numbers the entries of one segment (segment 1: the chain before
-- segments, whose entries all take the default 1).
ALTER TABLE audit_log ADD UNIQUE KEY uq_audit_log_segment_seq (segment_id, seq), DROP INDEX uq_audit_log_seq;

-- +goose Down
ALTER TABLE audit_log ADD UNIQUE KEY uq_audit_log_seq (seq), DROP INDEX uq_audit_log_segment_seq;
