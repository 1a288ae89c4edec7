-- +goose Up
-- The month's service figures (服务指标) kept per (month, department,
-- person) as the workflow writes change them, so that the appraisal
-- export reads ~10,000 rows instead of a month of inquiries and clocks
-- (models/service_totals.go, docs/decisions.md). staff_id 0 holds the
-- clocks that have no owner. clocks counts the clocks started; the
-- other clock figures are the settled ones (stopped or breached); a
-- running clock past its deadline is counted live by the reader. month
-- is the local month ('YYYY-MM') of received_at (inquiries) or
-- started_at (clocks) in the zone named in service_totals_state; this
-- backfill uses Asia/Shanghai (UTC+8, the default), and a store
-- configured for another zone rebuilds the table on migrate
-- (Store.EnsureServiceTotals) before it trusts it.
CREATE TABLE service_totals (
  month TEXT NOT NULL,
  department_id INTEGER NOT NULL,
  staff_id INTEGER NOT NULL,
  clocks INTEGER NOT NULL DEFAULT 0,
  received INTEGER NOT NULL DEFAULT 0,
  referred INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  answered INTEGER NOT NULL DEFAULT 0,
  handover_met INTEGER NOT NULL DEFAULT 0,
  handover_decided INTEGER NOT NULL DEFAULT 0,
  contact_met INTEGER NOT NULL DEFAULT 0,
  contact_decided INTEGER NOT NULL DEFAULT 0,
  feedback_met INTEGER NOT NULL DEFAULT 0,
  feedback_decided INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, department_id, staff_id)
);
CREATE TABLE service_totals_state (
  id INTEGER NOT NULL PRIMARY KEY,
  location TEXT NOT NULL
);
INSERT INTO service_totals_state (id, location) VALUES (1, 'Asia/Shanghai');

INSERT INTO service_totals (month, department_id, staff_id, clocks, received, referred, satisfied, answered,
  handover_met, handover_decided, contact_met, contact_decided, feedback_met, feedback_decided)
SELECT month, department_id, staff_id, SUM(clocks), SUM(received), SUM(referred), SUM(satisfied), SUM(answered),
  SUM(handover_met), SUM(handover_decided), SUM(contact_met), SUM(contact_decided), SUM(feedback_met), SUM(feedback_decided)
FROM (
  SELECT strftime('%Y-%m', received_at, '+8 hours') AS month, department_id, first_responder_id AS staff_id,
    0 AS clocks, 1 AS received,
    CASE WHEN EXISTS (SELECT 1 FROM referrals r WHERE r.inquiry_id = inquiries.id) THEN 1 ELSE 0 END AS referred,
    CASE WHEN satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END AS satisfied,
    CASE WHEN satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied') THEN 1 ELSE 0 END AS answered,
    0 AS handover_met, 0 AS handover_decided, 0 AS contact_met, 0 AS contact_decided, 0 AS feedback_met, 0 AS feedback_decided
  FROM inquiries
  UNION ALL
  SELECT strftime('%Y-%m', started_at, '+8 hours'), department_id, COALESCE(owner_id, 0),
    1, 0, 0, 0, 0,
    CASE WHEN kind = 'handover' AND met = 1 THEN 1 ELSE 0 END, CASE WHEN kind = 'handover' AND settled = 1 THEN 1 ELSE 0 END,
    CASE WHEN kind = 'contact' AND met = 1 THEN 1 ELSE 0 END, CASE WHEN kind = 'contact' AND settled = 1 THEN 1 ELSE 0 END,
    CASE WHEN kind = 'feedback' AND met = 1 THEN 1 ELSE 0 END, CASE WHEN kind = 'feedback' AND settled = 1 THEN 1 ELSE 0 END
  FROM (SELECT started_at, department_id, owner_id, kind,
      CASE WHEN state = 'stopped' AND breached_at IS NULL AND stopped_at <= deadline_at THEN 1 ELSE 0 END AS met,
      CASE WHEN state = 'stopped' OR breached_at IS NOT NULL THEN 1 ELSE 0 END AS settled
    FROM sla_clocks) AS c
) AS t
GROUP BY month, department_id, staff_id;

-- +goose Down
DROP TABLE service_totals_state;
DROP TABLE service_totals;
