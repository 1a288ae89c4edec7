-- +goose Up
ALTER TABLE audit_log ADD COLUMN segment_id INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE audit_log DROP COLUMN segment_id;
