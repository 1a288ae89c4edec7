-- +goose Up
-- HR's overdue lists start their walk at the overdue horizon: now less the
-- smallest budget of a running clock of the kinds the list has (models/overdue.go,
-- overdueHorizon). This answers that with one index entry.
CREATE INDEX idx_sla_clocks_running_budget ON sla_clocks (state, kind, budget_ms);
-- Whether more than 1,000 inquiries (referrals) are overdue (manyOverdue)
-- reads the running clocks past their deadline from this index alone; on
-- idx_sla_clocks_due it fetched every clock to see its inquiry and referral,
-- and for the referrals skipped the many overdue clocks that have none.
CREATE INDEX idx_sla_clocks_overdue ON sla_clocks (state, deadline_at, inquiry_id, referral_id);

-- +goose Down
DROP INDEX IF EXISTS idx_sla_clocks_running_budget;
DROP INDEX IF EXISTS idx_sla_clocks_overdue;
