package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"firstask/models"
)

// postKeyed posts body to path as user with an Idempotency-Key.
func (e *testEnv) postKeyed(user, path, key string, body any) *response {
	raw, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	req := httptest.NewRequest("POST", path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	return e.send(req, e.tokens[user], raw)
}

func (e *testEnv) inquiryTotal(user string) int {
	var out struct{ Total int }
	e.as(user, "GET", "/api/v1/inquiries", nil).want(http.StatusOK).decode(&out)
	return out.Total
}

func TestIdempotencyKeyCreatesOneInquiry(t *testing.T) {
	e := newTestEnv(t)
	before := e.inquiryTotal("staffA")
	body := inquiryBody(map[string]any{"visitor_org": "幂等测试"})

	// Concurrent twins: one creation, every answer the same.
	const twins = 4
	answers := make([]*response, twins)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() { defer wg.Done(); answers[i] = e.postKeyed("staffA", "/api/v1/inquiries", "reg-0001", body) }()
	}
	wg.Wait()
	var first models.InquiryDetail
	for i, r := range answers {
		if r.Status != http.StatusCreated {
			t.Fatalf("twin %d answered %d: %s", i, r.Status, r.Body)
		}
		var got models.InquiryDetail
		if err := json.Unmarshal(r.Body, &got); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = got
		} else if got.ID != first.ID || got.Ref != first.Ref {
			t.Fatalf("twin %d got %s (id %d), twin 0 %s (id %d)", i, got.Ref, got.ID, first.Ref, first.ID)
		}
	}
	if n := e.inquiryTotal("staffA") - before; n != 1 {
		t.Fatalf("%d inquiries created by %d twins, want 1", n, twins)
	}

	// A repeat after success: the first answer, byte for byte, marked.
	again := e.postKeyed("staffA", "/api/v1/inquiries", "reg-0001", body).want(http.StatusCreated)
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeat not marked as replayed: %v", again.Header)
	}
	var got models.InquiryDetail
	again.decode(&got)
	if got.Ref != first.Ref || got.ID != first.ID {
		t.Fatalf("repeat got %s, want %s", got.Ref, first.Ref)
	}
	if n := e.auditCount("inquiry", first.ID); n != 1 {
		t.Fatalf("%d audit entries for the inquiry, want 1", n)
	}

	// The same key with another body is refused and changes nothing.
	other := inquiryBody(map[string]any{"visitor_org": "另一个单位"})
	d := e.postKeyed("staffA", "/api/v1/inquiries", "reg-0001", other).wantError(http.StatusUnprocessableEntity, "invalid")
	if len(d.Details) != 1 {
		t.Fatalf("details %v", d.Details)
	}
	// Another actor's key is another key; a fresh key creates again.
	e.postKeyed("staffB", "/api/v1/inquiries", "reg-0001", other).want(http.StatusCreated)
	e.postKeyed("staffA", "/api/v1/inquiries", "reg-0002", body).want(http.StatusCreated)
	if n := e.inquiryTotal("staffA") - before; n != 2 {
		t.Fatalf("%d inquiries after a refused reuse and a fresh key, want 2", n)
	}

	// A malformed key is refused before anything is read or written.
	e.postKeyed("staffA", "/api/v1/inquiries", "has space", body).wantError(http.StatusUnprocessableEntity, "invalid")

	// Registered and referred in one request: the repeat gets the whole
	// first answer, referral included.
	referred := complaintBody(map[string]any{"disposition": "referred", "referral": map[string]any{"to_department_id": e.depts["B"].ID}})
	r1 := e.postKeyed("staffA", "/api/v1/inquiries", "reg-referred", referred).want(http.StatusCreated)
	r2 := e.postKeyed("staffA", "/api/v1/inquiries", "reg-referred", referred).want(http.StatusCreated)
	if r2.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r1.Body, r2.Body) {
		t.Fatalf("repeat of a referred registration: %v %s", r2.Header, r2.Body)
	}
}

// rowCount counts a table's rows straight from the database.
func (e *testEnv) rowCount(table string) int {
	e.t.Helper()
	db, err := e.store.SQLDB()
	if err != nil {
		e.t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestIdempotencyKeyOtherCreations checks the Idempotency-Key of the other
// creating POSTs a client may repeat after a timeout: concurrent twins
// create one row and get one answer, a repeat is replayed and marked, the
// same key with another body is refused, and a fresh key creates again.
func TestIdempotencyKeyOtherCreations(t *testing.T) {
	e := newTestEnv(t)
	occurred := e.clock.Now().Add(-time.Hour).Format(time.RFC3339)
	inqs := []models.InquiryDetail{e.mkInquiry("staffA", complaintBody(nil)), e.mkInquiry("staffA", complaintBody(nil)), e.mkInquiry("staffA", complaintBody(nil))}
	referral := func(i int) string { return "/api/v1/inquiries/" + id(inqs[i].ID) + "/referrals" }
	cases := []struct {
		name, user, table, entity string
		path                      func(i int) string // i: 0 first, 1 fresh key, 2 another inquiry
		body, other               map[string]any
	}{
		{"Referral", "staffA", "referrals", "referral", referral,
			map[string]any{"to_department_id": e.depts["B"].ID},
			map[string]any{"to_department_id": e.depts["B"].ID, "to_staff_id": e.users["staffB"].ID}},
		{"Violation", "supA", "violations", "violation", func(int) string { return "/api/v1/violations" },
			map[string]any{"staff_id": e.users["staffA1"].ID, "type": "buck_passing", "severity": "ordinary", "occurred_at": occurred, "description": "sent the visitor away"},
			map[string]any{"staff_id": e.users["staffA1"].ID, "type": "buck_passing", "severity": "ordinary", "occurred_at": occurred, "description": "another time"}},
		{"Praise", "supA", "praises", "praise", func(int) string { return "/api/v1/praises" },
			map[string]any{"staff_id": e.users["staffA1"].ID, "kind": "supervisor_praise", "occurred_at": occurred, "reason": "stayed late for a visitor"},
			map[string]any{"staff_id": e.users["staffA1"].ID, "kind": "supervisor_praise", "occurred_at": occurred, "reason": "another reason"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			before := e.rowCount(tc.table)
			const twins = 4
			answers := make([]*response, twins)
			var wg sync.WaitGroup
			for i := range answers {
				wg.Add(1)
				go func() { defer wg.Done(); answers[i] = e.postKeyed(tc.user, tc.path(0), "k-"+tc.name, tc.body) }()
			}
			wg.Wait()
			var first struct{ ID int64 }
			for i, r := range answers {
				if r.Status != http.StatusCreated {
					t.Fatalf("twin %d answered %d: %s", i, r.Status, r.Body)
				}
				if i == 0 {
					r.decode(&first)
				} else if !bytes.Equal(r.Body, answers[0].Body) {
					t.Fatalf("twin %d answered %s, twin 0 %s", i, r.Body, answers[0].Body)
				}
			}
			if n := e.rowCount(tc.table) - before; n != 1 {
				t.Fatalf("%d %s created by %d twins, want 1", n, tc.table, twins)
			}
			if n := e.auditCount(tc.entity, first.ID); n != 1 {
				t.Fatalf("%d audit entries for %s %d, want 1", n, tc.entity, first.ID)
			}
			again := e.postKeyed(tc.user, tc.path(0), "k-"+tc.name, tc.body).want(http.StatusCreated)
			if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, answers[0].Body) {
				t.Fatalf("repeat: %v %s", again.Header, again.Body)
			}
			auditBefore := e.auditCount("", 0)
			e.postKeyed(tc.user, tc.path(0), "k-"+tc.name, tc.other).wantError(http.StatusUnprocessableEntity, "invalid")
			if e.rowCount(tc.table)-before != 1 || e.auditCount("", 0) != auditBefore {
				t.Fatal("a refused key reuse changed something")
			}
			// The same key on another inquiry's referrals is another request.
			if tc.name == "Referral" {
				e.postKeyed(tc.user, tc.path(2), "k-"+tc.name, tc.body).want(http.StatusCreated)
			} else {
				e.postKeyed(tc.user, tc.path(1), "k2-"+tc.name, tc.body).want(http.StatusCreated)
			}
			if n := e.rowCount(tc.table) - before; n != 2 {
				t.Fatalf("%d %s after a fresh request, want 2", n, tc.table)
			}
		})
	}
}
