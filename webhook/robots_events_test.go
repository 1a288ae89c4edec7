package webhook

import (
	"context"
	"strings"
	"testing"
	"time"

	"firstask/models"
	"firstask/scoring"
)

// TestRobotEventKinds: every event kind a robot can subscribe to reaches
// the department's robot once, saying what happened and naming whom it
// concerns: assignment, extension requested and decided, violation
// verified, appeal decided, month closed.
func TestRobotEventKinds(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	s, clock, staff, depts := robotOrg(t, start)
	ctx, sys := context.Background(), models.System("t")
	eng := depts["ENG"].ID
	no, pw, role, dept := "hr1", "password-123", models.RoleHR, depts["FRONT"].ID
	hr, err := s.CreateStaff(ctx, sys, models.StaffInput{EmployeeNo: &no, Name: &no, DepartmentID: &dept, Role: &role, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	rc := newRobotReceiver(t, `{"errcode":0,"errmsg":"ok"}`)
	addRobot(t, s, models.RobotChannelInput{Kind: "wecom", Name: "工程群", URL: rc.server.URL + "/cgi-bin/webhook/send?key=k", DepartmentID: &eng})
	sender := New(s, Options{Now: clock.Now, Targets: loopbackOK})
	step := func(what string, wantTitle, wantText string) {
		t.Helper()
		clock.Advance(time.Minute)
		before := len(rc.got())
		if _, err := sender.RunOnce(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
		got := rc.got()
		if len(got) != before+1 {
			t.Fatalf("%s: %d messages, want 1", what, len(got)-before)
		}
		content := str(got[len(got)-1].Body, "markdown", "content")
		if !strings.Contains(content, wantTitle) || !strings.Contains(content, wantText) {
			t.Fatalf("%s: want %q and %q in\n%s", what, wantTitle, wantText, content)
		}
	}
	boss, fixer := actorOf(staff["boss"]), actorOf(staff["fixer"])
	hrA := actorOf(hr.Staff)

	inq := referToFixer(t, s, staff, depts)
	step("assignment", "新移交", "提醒：fixer")

	newDeadline := time.Date(2026, 10, 16, 8, 0, 0, 0, time.UTC)
	ext, err := s.RequestReferralExtension(ctx, fixer, inq.Referrals[0].ID, models.ExtensionInput{Reason: "等配件", NewDeadline: &newDeadline})
	if err != nil {
		t.Fatal(err)
	}
	step("extension requested", "延期申请：联系时限", "提醒：boss")
	if _, err := s.DecideExtension(ctx, boss, ext.ID, true, models.ExtensionDecision{Note: "同意"}); err != nil {
		t.Fatal(err)
	}
	step("extension decided", "延期申请已批准", "提醒：fixer")

	at := clock.Now().Add(-time.Hour)
	v, err := s.ReportViolation(ctx, boss, models.ViolationInput{StaffID: staff["fixer"].ID, Type: scoring.ViolationLateReferral,
		Severity: scoring.SeverityMinor, OccurredAt: &at, Description: "未按时转办"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyViolation(ctx, hrA, v.ID, models.DecisionInput{}); err != nil {
		t.Fatal(err)
	}
	step("violation verified", "违规记录已查实", "提醒：fixer")
	if _, err := s.AppealViolation(ctx, fixer, v.ID, models.AppealInput{Explanation: "已按时转办"}); err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := s.DecideAppeal(ctx, hrA, v.ID, models.AppealDecisionInput{Upheld: &yes, Note: "维持"}); err != nil {
		t.Fatal(err)
	}
	step("appeal decided", "申诉结果：维持原处理", "提醒：fixer")

	clock.Set(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	m, _ := scoring.ParseMonth("2026-10")
	if _, err := s.ClosePeriod(ctx, hrA, m); err != nil {
		t.Fatal(err)
	}
	step("month closed", "2026-10 月度考核已结账", "成绩已定稿")
}
