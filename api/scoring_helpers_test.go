package api

import (
	"context"
	"time"

	"firstask/models"
	"firstask/scoring"
)

// actorOf is the store actor of a fixture user.
func (e *testEnv) actorOf(user string) models.Actor {
	u := e.users[user]
	return models.Actor{StaffID: u.ID, Role: u.Role, DepartmentID: u.DepartmentID, RequestID: "test"}
}

// violationState names how far mkViolation takes a new violation.
type violationState int

const (
	stReported violationState = iota
	stVerified
	stAppealed
)

// mkViolation reports a violation about target through the store (hr
// reports when reporter is ""), then verifies (by admin) and appeals it as asked.
func (e *testEnv) mkViolation(reporter, target string, upTo violationState) models.Violation {
	e.t.Helper()
	if reporter == "" {
		reporter = "hr"
	}
	ctx := context.Background()
	at := e.clock.Now().Add(-24 * time.Hour)
	v, err := e.store.ReportViolation(ctx, e.actorOf(reporter), models.ViolationInput{
		StaffID: e.users[target].ID, Type: scoring.ViolationLateReferral, Severity: scoring.SeverityMinor,
		OccurredAt: &at, Description: "did not hand over in time"})
	if err != nil {
		e.t.Fatal(err)
	}
	if upTo >= stVerified {
		if v, err = e.store.VerifyViolation(ctx, e.actorOf("admin"), v.ID, models.DecisionInput{}); err != nil {
			e.t.Fatal(err)
		}
	}
	if upTo >= stAppealed {
		if v, err = e.store.AppealViolation(ctx, e.actorOf(target), v.ID, models.AppealInput{Explanation: "I did hand it over"}); err != nil {
			e.t.Fatal(err)
		}
	}
	return v
}

// insertBases stores an upload of base scores for a month directly in the
// tables (the workbook upload is another part's job).
func (e *testEnv) insertBases(month string, scores map[string]float64) {
	e.t.Helper()
	db, err := e.store.SQLDB()
	if err != nil {
		e.t.Fatal(err)
	}
	now := e.clock.Now().UTC()
	if _, err := db.Exec("UPDATE result_uploads SET superseded_at = ? WHERE month = ? AND superseded_at IS NULL", now, month); err != nil {
		e.t.Fatal(err)
	}
	res, err := db.Exec("INSERT INTO result_uploads (month, filename, row_count, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)",
		month, "test.xlsx", len(scores), e.users["hr"].ID, now)
	if err != nil {
		e.t.Fatal(err)
	}
	upload, err := res.LastInsertId()
	if err != nil {
		e.t.Fatal(err)
	}
	row := 1
	for user, score := range scores {
		row++
		if _, err := db.Exec("INSERT INTO base_results (upload_id, month, staff_id, score, note, row_no) VALUES (?, ?, ?, ?, '', ?)",
			upload, month, e.users[user].ID, score, row); err != nil {
			e.t.Fatal(err)
		}
	}
}

// shanghai is the organisation's zone in the tests.
var shanghai = time.FixedZone("CST", 8*3600)

// shAt is an instant in Shanghai time (the hour only).
func shAt(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, shanghai) }

// moveClock sets the clock and signs every fixture user in again (tokens
// live an hour in the tests).
func (e *testEnv) moveClock(t time.Time) {
	e.t.Helper()
	e.clock.Set(t)
	for user := range e.tokens {
		e.tokens[user] = e.login(user)
	}
}
