package models

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"firstask/scoring"
)

// TestMonthScoresOfInTwoStatements builds a month with every kind of
// record (violations with an inquiry and a sanction, appealed, carried
// over; capped praise; a correction of a violation overturned after its
// month closed), an uploaded base and a stored rule set version, then
// checks that one person's month (MonthScoresOf, which GET /me/scores
// answers) equals the month computed for a scope of that person with the
// notes read separately, for everyone and for an open and a closed month;
// and that an open month costs two statements once the rule set version
// is cached (three the first time; a scope check more for someone else's),
// so the number cannot grow unnoticed.
func TestMonthScoresOfInTwoStatements(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	hr, staff := scoringOrg(t, s, 4)
	ctx := context.Background()
	sys := System("t")
	reporter := Actor{StaffID: staff[0], Role: RoleHR, RequestID: "t"}
	inq, err := s.CreateInquiry(ctx, reporter, consultation(staff[1]))
	if err != nil {
		t.Fatal(err)
	}
	report := func(who int64, at time.Time, sev scoring.Severity, inquiry *int64) Violation {
		t.Helper()
		v, err := s.ReportViolation(ctx, reporter, ViolationInput{StaffID: who, Type: scoring.ViolationBuckPassing,
			Severity: sev, OccurredAt: &at, InquiryID: inquiry, Description: "说明 " + at.Format(time.DateOnly)})
		if err != nil {
			t.Fatal(err)
		}
		if v, err = s.VerifyViolation(ctx, hr, v.ID, DecisionInput{}); err != nil {
			t.Fatal(err)
		}
		return v
	}
	oct30 := time.Date(2026, 10, 30, 3, 0, 0, 0, time.UTC)
	nov1 := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	late := report(staff[1], oct30, scoring.SeverityOrdinary, &inq.ID)
	report(staff[1], oct30, scoring.SeveritySerious, nil)
	for i := 0; i < 4; i++ {
		at := oct30.Add(time.Duration(i) * time.Hour)
		if _, err := s.RecordPraise(ctx, hr, PraiseInput{StaffID: staff[2], Kind: scoring.PraiseVisitorCommendation, OccurredAt: &at, InquiryID: &inq.ID, Reason: "锦旗"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ClosePeriod(ctx, hr, october); err != nil {
		t.Fatal(err)
	}
	// Overturned after October closed: a correction counted in November.
	if _, err := s.AppealViolation(ctx, Actor{StaffID: staff[1], Role: RoleStaff, RequestID: "t"}, late.ID, AppealInput{Explanation: "当天请假"}); err != nil {
		t.Fatal(err)
	}
	no := false
	if _, err := s.DecideAppeal(ctx, hr, late.ID, AppealDecisionInput{Upheld: &no, Note: "撤销"}); err != nil {
		t.Fatal(err)
	}
	november := october.AddMonths(1)
	appealed := report(staff[1], nov1, scoring.SeverityMinor, &inq.ID)
	if _, err := s.AppealViolation(ctx, Actor{StaffID: staff[1], Role: RoleStaff, RequestID: "t"}, appealed.ID, AppealInput{Explanation: "不服"}); err != nil {
		t.Fatal(err)
	}
	report(staff[2], nov1, scoring.SeveritySerious, nil)
	for i := 0; i < 6; i++ {
		at := nov1.Add(time.Duration(i) * time.Minute)
		if _, err := s.RecordPraise(ctx, hr, PraiseInput{StaffID: staff[1], Kind: scoring.PraiseSupervisor, OccurredAt: &at, Reason: "表扬"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ReplaceBaseResults(ctx, hr, november, "十一月.xlsx", []BaseResultInput{
		{Row: 2, EmployeeNo: "s001", Name: "s001", Score: 93.5}, {Row: 3, EmployeeNo: "s003", Name: "s003", Score: 88},
	}); err != nil {
		t.Fatal(err)
	}
	rules := scoring.DefaultRuleSet()
	rules.PraiseCap = 4
	doc, err := json.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := s.CreateRuleVersion(ctx, sys, RuleSetInput{EffectiveFrom: "2026-11", Rules: doc, Note: "cap 4"})
	if err != nil {
		t.Fatal(err)
	}

	n := countQueries(t, s)
	n.Store(0)
	me := Actor{StaffID: staff[1], Role: RoleStaff, RequestID: "t"}
	first, err := s.MonthScoresOf(ctx, me, november, staff[1])
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Load(); got > 3 {
		t.Errorf("first open month read ran %d statements, want at most 3", got)
	}
	r := first.Results[0]
	if first.RuleVersion != rv.Version || !r.BaseUploaded || r.Base != 93.5 || r.CorrectionCount != 1 ||
		r.ViolationCount != 1 || r.PraiseCount != 6 || len(first.Records) != 8 {
		t.Fatalf("November for s001: version %d, %+v, %d records", first.RuleVersion, r.Result, len(first.Records))
	}

	for _, m := range []scoring.Month{october, november} {
		for _, id := range append([]int64{hr.StaffID}, staff...) {
			n.Store(0)
			got, err := s.MonthScoresOf(ctx, hr, m, id)
			// One's own month: two statements; someone else's: a scope
			// check besides.
			if ran, want := n.Load(), map[bool]int64{true: 2, false: 3}[id == hr.StaffID]; m == november && ran != want {
				t.Errorf("%s, staff %d: %d statements, want %d", m, id, ran, want)
			}
			var want MonthScores
			werr := s.read(ctx, hr, func(tx *Tx) error {
				var err error
				if want, _, err = tx.monthScores(m, scoreScope{staffIDs: []int64{id}}, nil, true); err != nil {
					return err
				}
				return tx.fillNotes(&want)
			})
			if err != nil || werr != nil {
				t.Fatalf("%s, staff %d: %v / %v", m, id, err, werr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, staff %d:\n got %+v\nwant %+v", m, id, got, want)
			}
			for _, res := range got.Results {
				for _, it := range res.Items {
					if it.Note == "" {
						t.Errorf("%s, staff %d: item %s %d without its note", m, id, it.Kind, it.RecordID)
					}
				}
			}
		}
	}
}
