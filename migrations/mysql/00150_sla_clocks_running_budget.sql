-- +goose Up
-- HR's overdue lists start their walk at the overdue horizon: now less the
-- smallest budget of any running clock (models/overdue.go,
-- overdueHorizon). This answers that with one index entry.
CREATE INDEX idx_sla_clocks_running_budget ON sla_clocks (state, budget_ms);

-- +goose Down
DROP INDEX idx_sla_clocks_running_budget ON sla_clocks;
