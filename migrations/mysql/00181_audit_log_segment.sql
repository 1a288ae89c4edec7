-- +goose Up
ALTER TABLE audit_log ADD COLUMN segment_id BIGINT NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE audit_log DROP COLUMN segment_id;
