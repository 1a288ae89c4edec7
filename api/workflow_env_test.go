package api

import (
	"context"
	"net/http"
	"time"

	"firstask/models"
)

// inquiryBody is a valid phone consultation, changed by extra.
func inquiryBody(extra map[string]any) map[string]any {
	b := map[string]any{
		"channel": "phone", "category": "consultation", "summary": "询问物业费缴纳方式",
		"visitor_name": "王先生", "visitor_phone": "138 0013 8000",
	}
	for k, v := range extra {
		if v == nil {
			delete(b, k)
			continue
		}
		b[k] = v
	}
	return b
}

// complaintBody is a valid, read-back phone complaint.
func complaintBody(extra map[string]any) map[string]any {
	b := inquiryBody(map[string]any{"category": "complaint", "summary": "楼道灯坏了三天无人修", "read_back_confirmed": true})
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// mkInquiry registers an inquiry as user.
func (e *testEnv) mkInquiry(user string, extra map[string]any) models.InquiryDetail {
	e.t.Helper()
	var out models.InquiryDetail
	e.as(user, "POST", "/api/v1/inquiries", inquiryBody(extra)).want(http.StatusCreated).decode(&out)
	return out
}

// mkReferral registers an inquiry as from and refers it to a department
// (queue) or, when toUser is set, to that person in their department.
func (e *testEnv) mkReferral(from, toDept, toUser string) models.Referral {
	e.t.Helper()
	inq := e.mkInquiry(from, nil)
	body := map[string]any{"to_department_id": e.depts[toDept].ID, "note": "请处理"}
	if toUser != "" {
		body["to_department_id"] = e.users[toUser].DepartmentID
		body["to_staff_id"] = e.users[toUser].ID
	}
	var r models.Referral
	e.as(from, "POST", "/api/v1/inquiries/"+id(inq.ID)+"/referrals", body).want(http.StatusCreated).decode(&r)
	return r
}

// referralTo makes a referral from staffB (or staffA when the target is
// staffB) to user personally; user may be "" (anonymous matrix call), which
// gives staffA.
func (e *testEnv) referralTo(user string) models.Referral {
	e.t.Helper()
	if user == "" {
		user = "staffA"
	}
	from := "staffB"
	if user == "staffB" {
		from = "staffA"
	}
	return e.mkReferral(from, "", user)
}

// step posts an action on a referral as user and wants 200.
func (e *testEnv) step(user string, r models.Referral, action string, body any) models.Referral {
	e.t.Helper()
	var out models.Referral
	e.as(user, "POST", "/api/v1/referrals/"+id(r.ID)+"/"+action, body).want(http.StatusOK).decode(&out)
	return out
}

// getInquiry reads an inquiry as user.
func (e *testEnv) getInquiry(user string, inquiryID int64) models.InquiryDetail {
	e.t.Helper()
	var out models.InquiryDetail
	e.as(user, "GET", "/api/v1/inquiries/"+id(inquiryID), nil).want(http.StatusOK).decode(&out)
	return out
}

// clock finds a clock of an inquiry by kind (the latest of that kind).
func clock(d models.InquiryDetail, kind models.ClockKind) *models.ClockView {
	var found *models.ClockView
	for i := range d.Clocks {
		if d.Clocks[i].Kind == kind {
			found = &d.Clocks[i]
		}
	}
	return found
}

// at is a wall-clock instant in Shanghai.
func at(y int, m time.Month, d, h, min int) time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// scan runs the SLA scan at t.
func (e *testEnv) scan(t time.Time) models.ScanResult {
	e.t.Helper()
	e.clock.Set(t)
	res, err := e.store.ScanSLA(context.Background(), t)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// violations lists the violations raised for a clock key.
func (e *testEnv) violationsFor(key string) []models.Violation {
	e.t.Helper()
	out, err := e.store.SLAViolations(context.Background(), key)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// setClock moves the test clock to t and signs every fixture user in
// again (tokens live an hour in tests).
func (e *testEnv) setClock(t time.Time) {
	e.t.Helper()
	e.clock.Set(t)
	for u := range e.users {
		e.tokens[u] = e.login(u)
	}
}
