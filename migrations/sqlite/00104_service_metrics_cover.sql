-- +goose Up
-- The month's service figures (服务指标 in the appraisal workbook) are two
-- aggregates over the month's inquiries and SLA clocks. Without these they
-- read every row of both tables whole (a million inquiries with their
-- summaries); with them each reads one index range and nothing else
-- (models/service_metrics.go, docs/performance.md).
CREATE INDEX idx_inquiries_service ON inquiries (received_at, department_id, first_responder_id, satisfaction);
CREATE INDEX idx_sla_clocks_service ON sla_clocks (started_at, department_id, owner_id, kind, state, breached_at, stopped_at, deadline_at);

-- +goose Down
DROP INDEX IF EXISTS idx_inquiries_service;
DROP INDEX IF EXISTS idx_sla_clocks_service;
