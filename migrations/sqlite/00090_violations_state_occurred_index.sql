-- +goose Up
-- Counts the violations of a month still awaiting verification (the month's
-- figures on 考核周期 and GET /periods/{month}) from the index alone,
-- instead of reading every reported violation's row for its occurred_at.
CREATE INDEX IF NOT EXISTS idx_violations_state_occurred ON violations (state, occurred_at);

-- +goose Down
DROP INDEX IF EXISTS idx_violations_state_occurred;
