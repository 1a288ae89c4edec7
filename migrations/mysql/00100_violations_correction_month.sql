-- +goose Up
-- A month's corrections (violations overturned after their month closed)
-- by month, state and person: scoring one person's month, the month's
-- summary and the records' inquiry refs read them from this range. Before
-- it both databases chose idx_violations_state and read every overturned
-- violation of every month (docs/performance.md).
CREATE INDEX idx_violations_correction_state ON violations (correction_month, state, staff_id);

-- +goose Down
DROP INDEX idx_violations_correction_state ON violations;
