package models

import (
	"strings"
	"testing"
	"time"
)

// TestWorkflowQueriesUseIndexes checks the hot queries of the workflow
// against the query planner: the SLA scan, the overdue filters, a first
// responder's newest-first list and the outbox claim must be index range
// queries, never full scans of tables that reach millions of rows. On
// SQLite the plan must search the index; on MySQL/MariaDB (whose plan on a
// near-empty test table is not meaningful) the index must be among the
// possible keys.
func TestWorkflowQueriesUseIndexes(t *testing.T) {
	s := openStore(t)
	now := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, index, sql string
		args             []any
	}{
		{"ScanBreaches", "idx_sla_clocks_breach",
			"SELECT id FROM sla_clocks WHERE state = ? AND breached_at IS NULL AND deadline_at < ? ORDER BY deadline_at, id LIMIT 200",
			[]any{ClockRunning, now}},
		{"ScanReminders", "idx_sla_clocks_remind",
			"SELECT id FROM sla_clocks WHERE state = ? AND reminded_at IS NULL AND remind_at <= ? AND deadline_at >= ? ORDER BY remind_at, id LIMIT 200",
			[]any{ClockRunning, now, now}},
		// idx_sla_clocks_overdue (00150) extends idx_sla_clocks_due with the
		// inquiry and referral ids, so the overdue clocks are read from it alone.
		{"OverdueClocks", "idx_sla_clocks_overdue",
			"SELECT inquiry_id FROM sla_clocks WHERE state = ? AND deadline_at < ?", []any{ClockRunning, now}},
		{"OwnInquiriesNewestFirst", "idx_inquiries_responder",
			"SELECT id FROM inquiries WHERE first_responder_id = ? ORDER BY received_at DESC, id DESC LIMIT 50", []any{7}},
		{"DepartmentInquiriesByStatus", "idx_inquiries_department_status",
			"SELECT id FROM inquiries WHERE department_id = ? AND status = ? ORDER BY received_at DESC, id DESC LIMIT 50", []any{3, InquiryOpen}},
		{"InquiryByRef", "uq_inquiries_ref", "SELECT id FROM inquiries WHERE ref = ?", []any{"SW-20261015-0001"}},
		{"AssigneeReferrals", "idx_referrals_assignee",
			"SELECT id FROM referrals WHERE to_staff_id = ? AND status = ? ORDER BY referred_at DESC LIMIT 50", []any{7, ReferralPending}},
		{"DepartmentQueue", "idx_referrals_department",
			"SELECT id FROM referrals WHERE to_department_id = ? AND to_staff_id IS NULL AND status = ?", []any{3, ReferralPending}},
		{"OutboxDue", "idx_webhook_outbox_due",
			"SELECT id FROM webhook_outbox WHERE status = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at, id LIMIT 50",
			[]any{OutboxPending, now, now}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if s.Dialect() == "sqlite" {
				var rows []struct {
					ID, Parent, Notused int
					Detail              string
				}
				if err := s.db.Raw("EXPLAIN QUERY PLAN "+c.sql, c.args...).Scan(&rows).Error; err != nil {
					t.Fatal(err)
				}
				plan := ""
				for _, r := range rows {
					plan += r.Detail + "; "
				}
				if !strings.Contains(plan, "SEARCH") || !strings.Contains(plan, "INDEX "+c.index) || strings.Contains(plan, "SCAN ") {
					t.Fatalf("plan %q does not search %s", plan, c.index)
				}
				return
			}
			var rows []map[string]any
			if err := s.db.Raw("EXPLAIN "+c.sql, c.args...).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			text := func(v any) string {
				if b, ok := v.([]byte); ok {
					return string(b)
				}
				s, _ := v.(string)
				return s
			}
			for _, r := range rows {
				// A unique-key lookup on an empty table is resolved from
				// the index before execution ("Impossible WHERE noticed
				// after reading const tables").
				if strings.Contains(text(r["possible_keys"]), c.index) || strings.Contains(text(r["Extra"]), "const tables") {
					return
				}
			}
			t.Fatalf("EXPLAIN %v does not offer %s", rows, c.index)
		})
	}
}
