package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"firstask/models"
)

// TestHRCannotRenameAdminOrHRLogin: HR renaming an admin's (or another HR
// user's) employee number would lock them out; only an admin may, as for
// role changes (issue #11 item 7). Nothing changes on refusal.
func TestHRCannotRenameAdminOrHRLogin(t *testing.T) {
	e := newTestEnv(t)
	hr2 := e.addStaff("hr2", "HQ", models.RoleHR)
	for _, target := range []models.Staff{e.users["admin"], hr2} {
		e.as("hr", "PATCH", "/api/v1/staff/"+id(target.ID), map[string]any{"employee_no": "TAKEN1"}).wantError(http.StatusForbidden, "forbidden")
		var got models.Staff
		e.as("admin", "GET", "/api/v1/staff/"+id(target.ID), nil).want(http.StatusOK).decode(&got)
		if got.EmployeeNo != target.EmployeeNo {
			t.Fatalf("refused rename changed %q to %q", target.EmployeeNo, got.EmployeeNo)
		}
	}
	// The admin still signs in under the old number.
	e.login("admin")
	// HR renames ordinary staff, and an admin renames HR.
	var st models.Staff
	e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"employee_no": "staffB2"}).want(http.StatusOK).decode(&st)
	if st.EmployeeNo != "staffB2" {
		t.Fatalf("HR renamed staff to %q", st.EmployeeNo)
	}
	e.as("admin", "PATCH", "/api/v1/staff/"+id(hr2.ID), map[string]any{"employee_no": "hr3"}).want(http.StatusOK)
	// Sending one's unchanged number along is not a rename.
	e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["admin"].ID), map[string]any{"employee_no": "admin"}).want(http.StatusOK)
}

// TestPhoneSearchOnlyWhereThePhoneIsSeen: a queue member sees the visitor's
// phone masked and must not recover it by searching candidate numbers
// (issue #11 item 8); the first responder, assignees, supervisors and HR
// still find the inquiry by its phone.
func TestPhoneSearchOnlyWhereThePhoneIsSeen(t *testing.T) {
	e := newTestEnv(t)
	r := e.mkReferral("staffB", "A", "") // queued at A, phone 13800138000
	if d := e.getInquiry("staffA", r.InquiryID); !d.PhoneMasked {
		t.Fatal("queue member should see the phone masked")
	}
	search := func(user, q string) int64 {
		var l List[models.Inquiry]
		e.as(user, "GET", "/api/v1/inquiries?q="+url.QueryEscape(q), nil).want(http.StatusOK).decode(&l)
		return l.Total
	}
	if n := search("staffA", "13800138000"); n != 0 {
		t.Fatalf("a queue member's phone search matched %d inquiries: the masked number is recoverable", n)
	}
	if n := search("staffA", "13800138001"); n != 0 {
		t.Fatalf("a wrong number matched %d", n)
	}
	// Nor by its start, one digit at a time (the indexed prefix search).
	if n := search("staffA", "1380013"); n != 0 {
		t.Fatalf("a queue member's phone-prefix search matched %d inquiries: the masked number is recoverable", n)
	}
	if n := search("staffB", "1380013"); n != 1 {
		t.Fatalf("the first responder's phone-prefix search found %d, want 1", n)
	}
	// The name search still finds it for the queue member.
	if n := search("staffA", "王先生"); n != 1 {
		t.Fatalf("name search found %d, want 1", n)
	}
	for _, user := range []string{"staffB", "supA", "supB", "hr", "admin"} {
		if n := search(user, "138 0013 8000"); n != 1 {
			t.Fatalf("%s sees the full phone but the search found %d", user, n)
		}
	}
	e.step("staffA", r, "accept", nil)
	if n := search("staffA", "13800138000"); n != 1 {
		t.Fatalf("the assignee's phone search found %d, want 1", n)
	}
}

// TestReporterCannotDecideAppeal: four eyes on appeals (issue #11 item 9):
// the person who reported a violation may not decide the appeal against
// it; someone else may.
func TestReporterCannotDecideAppeal(t *testing.T) {
	e := newTestEnv(t)
	occurred := e.clock.Now().Add(-2 * time.Hour)
	v := e.verify("admin", e.report("hr", "staffB", "late_contact", "minor", occurred).ID)
	path := "/api/v1/violations/" + id(v.ID)
	e.as("staffB", "POST", path+"/appeal", map[string]any{"explanation": "I called back"}).want(http.StatusOK)
	e.as("hr", "POST", path+"/appeal-decision", map[string]any{"upheld": true, "note": "mine stands"}).wantError(http.StatusForbidden, "forbidden")
	var still violationBody
	e.as("admin", "GET", path, nil).want(http.StatusOK).decode(&still)
	if still.State != "appealed" {
		t.Fatalf("refused decision changed the state to %s", still.State)
	}
	var decided violationBody
	e.as("admin", "POST", path+"/appeal-decision", map[string]any{"upheld": true, "note": "stands"}).want(http.StatusOK).decode(&decided)
	if decided.State != "upheld" {
		t.Fatalf("state %s", decided.State)
	}
}

// TestInputLimits: inputs that used to end in a 500 or reach a record by a
// second address (issue #11 item 17): an unbounded id list, year 0 in a
// date (MariaDB's DATETIME starts at 1000), and "+1" taken as id 1.
func TestInputLimits(t *testing.T) {
	e := newTestEnv(t)
	t.Run("NotificationIDsCapped", func(t *testing.T) {
		e.t = t
		ids := make([]int64, models.MaxNotificationIDs+1)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		d := e.as("staffA", "POST", "/api/v1/me/notifications/read", map[string]any{"ids": ids}).wantError(http.StatusUnprocessableEntity, "invalid")
		if p, _ := d.Details[0].(map[string]any); p["field"] != "ids" {
			t.Fatalf("details %+v, want the ids field", d.Details)
		}
		e.as("staffA", "POST", "/api/v1/me/notifications/read", map[string]any{"ids": ids[:models.MaxNotificationIDs]}).want(http.StatusOK)
	})
	t.Run("DateYears", func(t *testing.T) {
		e.t = t
		for _, q := range []string{"from=0000-01-01", "to=0000-01-01", "from=0999-12-31T00:00:00Z", "to=10000-01-01", "from=9999-12-31"} {
			d := e.as("hr", "GET", "/api/v1/inquiries?"+q, nil).wantError(http.StatusUnprocessableEntity, "invalid")
			if len(d.Details) != 1 {
				t.Fatalf("%s: details %+v", q, d.Details)
			}
		}
		e.as("hr", "GET", "/api/v1/inquiries?from=2026-01-01&to=2026-12-31T00:00:00%2B08:00", nil).want(http.StatusOK)
	})
	t.Run("StrictPathIDs", func(t *testing.T) {
		e.t = t
		inq := e.mkInquiry("staffA", nil)
		e.as("staffA", "GET", "/api/v1/inquiries/"+id(inq.ID), nil).want(http.StatusOK)
		for _, p := range []string{"+" + id(inq.ID), "0" + id(inq.ID) + "x", "-" + id(inq.ID), " " + id(inq.ID)} {
			e.as("staffA", "GET", "/api/v1/inquiries/"+url.PathEscape(p), nil).wantError(http.StatusNotFound, "not_found")
		}
		e.as("hr", "GET", "/api/v1/staff/+"+id(e.users["staffA"].ID), nil).wantError(http.StatusNotFound, "not_found")
		e.as("hr", "GET", "/api/v1/inquiries?first_responder_id=%2B1", nil).wantError(http.StatusUnprocessableEntity, "invalid")
	})
}

// TestSmallHardening covers issue #11 item 19 on the API: /readyz names no
// database detail, personal answers are not cached, download names carry no
// bidi or control characters, exports are bounded, and the Bearer scheme
// is case-insensitive.
func TestSmallHardening(t *testing.T) {
	e := newTestEnv(t)
	t.Run("NoStore", func(t *testing.T) {
		e.t = t
		for _, path := range []string{"/api/v1/me", "/api/v1/me/notifications", "/api/v1/staff/" + id(e.users["staffA"].ID)} {
			if r := e.as("hr", "GET", path, nil).want(http.StatusOK); r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s: Cache-Control %q, want no-store", path, r.Header.Get("Cache-Control"))
			}
		}
		r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffB", "password": testPassword}).want(http.StatusOK)
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the sign-in answer (a token) may be cached: %q", r.Header.Get("Cache-Control"))
		}
	})
	t.Run("BearerCaseInsensitive", func(t *testing.T) {
		e.t = t
		for _, scheme := range []string{"bearer", "BEARER", "Bearer", "bEaReR"} {
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Authorization", scheme+" "+e.tokens["staffA"])
			e.send(req, "", nil).want(http.StatusOK)
		}
		for _, h := range []string{"Basic " + e.tokens["staffA"], "Bearer", "Bearer  ", e.tokens["staffA"], "Bearerx " + e.tokens["staffA"]} {
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Authorization", h)
			e.send(req, "", nil).wantError(http.StatusUnauthorized, "unauthorized")
		}
	})
	t.Run("DownloadNameSanitised", func(t *testing.T) {
		e.t = t
		// A name that shows as "王\u202Exslx.exe" ends in ".exe" on screen.
		evil := "王五\u202Eexe.\u200b\x07/x"
		st, err := e.store.CreateStaff(context.Background(), models.System("t"), models.StaffInput{
			EmployeeNo: ptr("EVIL1"), Name: ptr(evil), DepartmentID: ptr(e.depts["A"].ID)})
		if err != nil {
			t.Fatal(err)
		}
		r := e.as("hr", "GET", "/api/v1/staff/"+id(st.ID)+"/appraisal/2026-10.xlsx", nil).want(http.StatusOK)
		cd := r.Header.Get("Content-Disposition")
		for _, bad := range []string{"%E2%80%AE", "%E2%80%8B", "%07", "%2F", "\u202e", "/x"} {
			if strings.Contains(cd, bad) {
				t.Fatalf("Content-Disposition %q carries %q", cd, bad)
			}
		}
		if !strings.Contains(cd, "filename*=UTF-8''") || !strings.Contains(cd, "%E7%8E%8B%E4%BA%94exe._x") {
			t.Fatalf("Content-Disposition %q: want the cleaned name in RFC 5987 form", cd)
		}
	})
	t.Run("ExportsBounded", func(t *testing.T) {
		e.t = t
		path := "/api/v1/periods/2026-10/appraisal.xlsx"
		for range cap(e.srv.exports) { // every slot busy, as while exports are built
			e.srv.exports <- struct{}{}
		}
		for _, p := range []string{path, "/api/v1/periods/2026-10/results-template.xlsx"} {
			r := e.as("hr", "GET", p, nil)
			r.wantError(http.StatusTooManyRequests, "too_many_requests")
			if r.Header.Get("Retry-After") == "" {
				t.Fatalf("%s: no Retry-After", p)
			}
		}
		<-e.srv.exports // one finishes
		e.as("hr", "GET", path, nil).want(http.StatusOK)
		if len(e.srv.exports) != cap(e.srv.exports)-1 {
			t.Fatal("a finished export did not give its slot back")
		}
		for len(e.srv.exports) > 0 {
			<-e.srv.exports
		}
	})
	t.Run("ReadyzSaysOnlyUnreachable", func(t *testing.T) {
		e.t = t
		e.do("GET", "/readyz", "", nil).want(http.StatusOK)
		db, err := e.store.SQLDB()
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		r := e.do("GET", "/readyz", "", nil).want(http.StatusServiceUnavailable)
		var body struct{ Status, Reason string }
		r.decode(&body)
		if body.Reason != "database unreachable" {
			t.Fatalf("/readyz reason %q, want only \"database unreachable\"", body.Reason)
		}
	})
}

// TestWebhookTargetsRefusedAtCreation: a webhook URL delivery would always
// refuse (loopback, link-local, metadata; private without the setting) is
// a 422 on the url field when it is created, not a silent failure later.
func TestWebhookTargetsRefusedAtCreation(t *testing.T) {
	e := newTestEnv(t)
	for _, u := range []string{
		"http://127.0.0.1:8080/api/v1/staff", "http://localhost/hook", "http://api.localhost/hook",
		"http://169.254.169.254/latest/meta-data/", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook",
		"http://100.100.100.200/", "http://[fe80::1]/hook", "http://10.0.0.5/hook", "https://192.168.1.10/hook",
	} {
		d := e.as("admin", "POST", "/api/v1/webhooks", map[string]any{"url": u}).wantError(http.StatusUnprocessableEntity, "invalid")
		if p, _ := d.Details[0].(map[string]any); p["field"] != "url" {
			t.Fatalf("%s: details %+v, want the url field", u, d.Details)
		}
	}
	// Group robots share the rule: a DingTalk robot on a loopback address
	// is refused when it is added, not only at delivery.
	d := e.as("admin", "POST", "/api/v1/channels", map[string]any{"kind": "dingtalk", "name": "群", "url": "http://127.0.0.1:8080/robot/send?access_token=x",
		"events": []string{"assignment"}}).wantError(http.StatusUnprocessableEntity, "invalid")
	if p, _ := d.Details[0].(map[string]any); p["field"] != "url" {
		t.Fatalf("robot channel: details %+v, want the url field", d.Details)
	}
	var l struct{ Items []any }
	e.as("admin", "GET", "/api/v1/webhooks", nil).want(http.StatusOK).decode(&l)
	if len(l.Items) != 0 {
		t.Fatalf("refused webhooks were stored: %+v", l.Items)
	}
	e.as("admin", "POST", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example.com/firstask"}).want(http.StatusCreated)
	// With private ranges allowed, an on-premises gateway is accepted; the
	// metadata address never is.
	e.srv.opts.WebhookTargets.AllowPrivate = true
	e.as("admin", "POST", "/api/v1/webhooks", map[string]any{"url": "http://10.0.0.5/hook"}).want(http.StatusCreated)
	e.as("admin", "POST", "/api/v1/webhooks", map[string]any{"url": "http://169.254.169.254/"}).wantError(http.StatusUnprocessableEntity, "invalid")
}
