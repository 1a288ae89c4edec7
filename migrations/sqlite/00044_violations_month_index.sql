-- +goose Up
-- Covers the query that loads a month's counted violations, so that scoring
-- a month reads the index alone instead of one table row per record.
CREATE INDEX IF NOT EXISTS idx_violations_month_cover ON violations (counted_month, state, staff_id, type, severity, sanction, occurred_at, inquiry_id, carried_over_from);

-- +goose Down
DROP INDEX IF EXISTS idx_violations_month_cover;
