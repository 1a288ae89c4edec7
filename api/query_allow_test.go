package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"firstask/models"
)

// TestUnknownQueryParameters: a parameter the route does not document is
// refused with 422 naming each one, before anything is read or changed;
// documented ones still work; the probes take any query string.
func TestUnknownQueryParameters(t *testing.T) {
	e := newTestEnv(t)
	fields := func(d ErrorDetail) []string {
		var out []string
		for _, p := range d.Details {
			out = append(out, p.(map[string]any)["field"].(string))
		}
		return out
	}
	r := e.as("hr", "GET", "/api/v1/staff?departmnet_id=2&page_size=5&colour=red", nil)
	d := r.wantError(http.StatusUnprocessableEntity, "invalid")
	if got := fmt.Sprint(fields(d)); got != "[colour departmnet_id]" {
		t.Fatalf("named %s, want [colour departmnet_id]: %s", got, r.Body)
	}
	// A route without query parameters, and an action: nothing is changed.
	e.as("staffA", "GET", "/api/v1/me?verbose=1", nil).wantError(http.StatusUnprocessableEntity, "invalid")
	before := e.auditCount("staff", e.users["staffB"].ID)
	e.as("admin", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID)+"?force=true", map[string]any{"name": "改名"}).
		wantError(http.StatusUnprocessableEntity, "invalid")
	if after := e.auditCount("staff", e.users["staffB"].ID); after != before {
		t.Fatalf("a refused request changed the staff member (audit %d → %d)", before, after)
	}
	// Unauthenticated requests still answer 401 first.
	e.do("GET", "/api/v1/me?verbose=1", "", nil).wantError(http.StatusUnauthorized, "unauthorized")
	// Documented parameters pass.
	e.as("hr", "GET", "/api/v1/staff?department_id="+id(e.depts["A"].ID)+"&page_size=5", nil).want(http.StatusOK)
	// The probes and the document take any query string.
	e.do("GET", "/healthz?probe=lb", "", nil).want(http.StatusOK)
	e.do("GET", "/api/v1/openapi.json?v=2", "", nil).want(http.StatusOK)
}

// TestEveryRouteKnowsItsQueryParameters: every route registered through
// s.handle found its operation's parameters in the document, so none is
// left unchecked by mistake.
func TestEveryRouteKnowsItsQueryParameters(t *testing.T) {
	e := newTestEnv(t)
	for key := range e.srv.routes {
		method, path, _ := bytes.Cut([]byte(key), []byte(" "))
		k := docKey(string(method), string(path))
		if _, ok := e.srv.queries[k]; !ok {
			t.Errorf("%s: no documented operation %s", key, k)
		}
	}
}

// TestDetailsNeverAbsent: an error with nothing to list still carries
// "details": [].
func TestDetailsNeverAbsent(t *testing.T) {
	e := newTestEnv(t)
	for _, r := range []*response{
		e.as("hr", "GET", "/api/v1/staff/999999", nil),
		e.do("GET", "/api/v1/me", "", nil),
		e.as("staffA", "GET", "/api/v1/audit", nil),
		e.do("PUT", "/api/v1/me", "", nil),
	} {
		var raw struct {
			Error map[string]json.RawMessage `json:"error"`
		}
		r.decode(&raw)
		if d, ok := raw.Error["details"]; !ok || string(d) != "[]" {
			t.Errorf("%s: details %q, want []: %s", r.req, d, r.Body)
		}
	}
}

// TestShortListsArePaged: departments and webhooks take page/page_size and
// answer the usual envelope with total, page and page_size.
func TestShortListsArePaged(t *testing.T) {
	e := newTestEnv(t)
	var all List[models.Department]
	e.as("staffA", "GET", "/api/v1/departments", nil).want(http.StatusOK).decode(&all)
	if all.Total != 4 || len(all.Items) != 4 || all.Page != 1 || all.PageSize != 50 {
		t.Fatalf("departments: %+v", all)
	}
	var p2 List[models.Department]
	e.as("staffA", "GET", "/api/v1/departments?page=2&page_size=3", nil).want(http.StatusOK).decode(&p2)
	if p2.Total != 4 || len(p2.Items) != 1 || p2.Page != 2 || p2.PageSize != 3 || p2.Items[0].ID != all.Items[3].ID {
		t.Fatalf("departments page 2 of 3: %+v", p2)
	}
	var past List[models.Department]
	e.as("staffA", "GET", "/api/v1/departments?page=9", nil).want(http.StatusOK).decode(&past)
	if past.Total != 4 || past.Items == nil || len(past.Items) != 0 {
		t.Fatalf("departments past the end: %+v", past)
	}
	e.as("staffA", "GET", "/api/v1/departments?page_size=500", nil).wantError(http.StatusUnprocessableEntity, "invalid")

	for i := range 3 {
		e.as("admin", "POST", "/api/v1/webhooks", map[string]any{"url": fmt.Sprintf("https://hooks.example.com/%d", i), "events": []string{"inquiry.*"}}).
			want(http.StatusCreated)
	}
	var hooks List[map[string]any]
	e.as("admin", "GET", "/api/v1/webhooks?page=2&page_size=2", nil).want(http.StatusOK).decode(&hooks)
	if hooks.Total != 3 || len(hooks.Items) != 1 || hooks.Page != 2 || hooks.PageSize != 2 {
		t.Fatalf("webhooks page 2 of 2: %+v", hooks)
	}
	e.as("admin", "GET", "/api/v1/webhooks?page=0", nil).wantError(http.StatusUnprocessableEntity, "invalid")
}
