package models

import (
	"context"
	"testing"
	"time"

	"firstask/scoring"
)

// TestConductQueuesNotify checks who is told what along a violation's
// life: HR officers (not the reporter, not the subject) when it awaits
// verification and when an appeal awaits a decision, the subject's
// supervisor when it is verified, appealed and decided, with the webhook
// events queued in the same transactions.
func TestConductQueuesNotify(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 10, 20, 2, 0, 0, 0, time.UTC))
	ctx, sys := context.Background(), System("t")
	hr, staff := scoringOrg(t, s, 2)
	hrStaff, err := s.GetStaff(ctx, sys, hr.StaffID)
	if err != nil {
		t.Fatal(err)
	}
	no, sup := "sup1", RoleSupervisor
	supervisor, err := s.CreateStaff(ctx, sys, StaffInput{EmployeeNo: &no, Name: &no, DepartmentID: &hrStaff.DepartmentID, Role: &sup})
	if err != nil {
		t.Fatal(err)
	}
	no2, hrRole := "hr2", RoleHR
	hr2, err := s.CreateStaff(ctx, sys, StaffInput{EmployeeNo: &no2, Name: &no2, DepartmentID: &hrStaff.DepartmentID, Role: &hrRole})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateWebhook(ctx, sys, WebhookInput{URL: "https://hooks.example.com/x", Events: []string{"violation.*"}}); err != nil {
		t.Fatal(err)
	}
	supA := Actor{StaffID: supervisor.ID, Role: RoleSupervisor, DepartmentID: hrStaff.DepartmentID, RequestID: "t"}
	hr2A := Actor{StaffID: hr2.ID, Role: RoleHR, RequestID: "t"}
	subject := Actor{StaffID: staff[0], Role: RoleStaff, RequestID: "t"}
	inbox := func(id int64, kind NotificationKind) int {
		t.Helper()
		var n int64
		if err := s.db.Model(&Notification{}).Where("staff_id = ? AND kind = ?", id, kind).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	events := func(typ string) int {
		t.Helper()
		var n int64
		if err := s.db.Model(&outboxRow{}).Where("event_type = ?", typ).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	at := time.Date(2026, 10, 10, 3, 0, 0, 0, time.UTC)
	v, err := s.ReportViolation(ctx, supA, ViolationInput{StaffID: staff[0], Type: scoring.ViolationNoFeedback, Severity: scoring.SeverityMinor, OccurredAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	if inbox(hr.StaffID, NotifyVerificationQueue) != 1 || inbox(hr2.ID, NotifyVerificationQueue) != 1 || inbox(supervisor.ID, NotifyVerificationQueue) != 0 {
		t.Fatal("every HR officer, and nobody else, is told a violation awaits verification")
	}
	if events("violation.reported") != 1 {
		t.Fatalf("violation.reported events: %d", events("violation.reported"))
	}
	if _, err := s.VerifyViolation(ctx, hr2A, v.ID, DecisionInput{Note: "查实"}); err != nil {
		t.Fatal(err)
	}
	if inbox(supervisor.ID, NotifyStaffRecord) != 1 {
		t.Fatal("the supervisor is told the record was verified")
	}
	if _, err := s.AppealViolation(ctx, subject, v.ID, AppealInput{Explanation: "当天请假"}); err != nil {
		t.Fatal(err)
	}
	if inbox(hr.StaffID, NotifyAppealQueue) != 1 || inbox(hr2.ID, NotifyAppealQueue) != 1 || inbox(supervisor.ID, NotifyStaffRecord) != 2 {
		t.Fatal("HR told of the appeal, the supervisor of the appeal")
	}
	if events("violation.appealed") != 1 {
		t.Fatal("violation.appealed event missing")
	}
	no3 := false
	if _, err := s.DecideAppeal(ctx, hr, v.ID, AppealDecisionInput{Upheld: &no3, Note: "请假属实"}); err != nil {
		t.Fatal(err)
	}
	if inbox(supervisor.ID, NotifyStaffRecord) != 3 {
		t.Fatal("the supervisor is told of the decision")
	}
	// A dismissal tells the supervisor too; a failed step tells nobody.
	v2, err := s.ReportViolation(ctx, supA, ViolationInput{StaffID: staff[1], Type: scoring.ViolationNoFeedback, Severity: scoring.SeverityMinor, OccurredAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DismissViolation(ctx, hr, v2.ID, DecisionInput{}); ErrorCode(err) != EInvalid {
		t.Fatalf("dismiss without note: %v", err)
	}
	if _, err := s.DismissViolation(ctx, hr, v2.ID, DecisionInput{Note: "不属实"}); err != nil {
		t.Fatal(err)
	}
	if inbox(supervisor.ID, NotifyStaffRecord) != 4 {
		t.Fatal("the supervisor is told of the dismissal")
	}
	var audits int64
	s.db.Table("audit_log").Where("action LIKE ?", "violation.%").Count(&audits)
	if audits != 6 {
		t.Fatalf("audit entries for violations: %d, want 6", audits)
	}
}
