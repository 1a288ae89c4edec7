package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

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
}
