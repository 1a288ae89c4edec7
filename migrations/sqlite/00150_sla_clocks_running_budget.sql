-- +goose Up
-- HR's overdue lists start their walk at the overdue horizon: now less the
-- smallest budget of a running clock of the kinds the list has (models/overdue.go,
-- overdueHorizon). This answers that with one index entry.
CREATE INDEX idx_sla_clocks_running_budget ON sla_clocks (state, kind, budget_ms);

-- +goose Down
DROP INDEX IF EXISTS idx_sla_clocks_running_budget;
