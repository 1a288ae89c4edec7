-- +goose Up
-- HR's overdue lists with many rows overdue walk the inquiries (or
-- referrals) in the list's order and probe each one's clocks
-- (models/overdue.go, overdueProbed): these answer the probe from the index.
CREATE INDEX idx_sla_clocks_inquiry_due ON sla_clocks (inquiry_id, state, deadline_at);
CREATE INDEX idx_sla_clocks_referral_due ON sla_clocks (referral_id, state, deadline_at);

-- +goose Down
DROP INDEX idx_sla_clocks_inquiry_due ON sla_clocks;
DROP INDEX idx_sla_clocks_referral_due ON sla_clocks;
