-- +goose Up
-- HR's queue (GET /violations?state=reported, newest first) and the
-- month summary's count of reported violations read this range in order;
-- idx_violations_state is on created_at, so both sorted or filtered every
-- violation in the state (docs/performance.md).
CREATE INDEX idx_violations_state_occurred ON violations (state, occurred_at);

-- +goose Down
DROP INDEX idx_violations_state_occurred ON violations;
