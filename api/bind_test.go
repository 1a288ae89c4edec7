package api

import (
	"net/http"
	"slices"
	"testing"
)

// TestQueryBinderReportsEveryBadParameter checks the README's promise: a
// list given several bad query parameters answers all of them in one 422,
// whether the binder or the store's filter finds them.
func TestQueryBinderReportsEveryBadParameter(t *testing.T) {
	e := newTestEnv(t)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/api/v1/violations?page=0&state=lost&source=rumour&type=nope&staff_id=x&department_id=-1&month=2026-13&from=yesterday&to=soon",
			[]string{"page", "state", "source", "type", "staff_id", "department_id", "month", "from", "to"}},
		{"/api/v1/inquiries?page_size=999&first_responder_id=0&overdue=maybe&status=lost&from=x",
			[]string{"page_size", "first_responder_id", "overdue", "status", "from"}},
		{"/api/v1/staff?role=king&active=perhaps&department_id=abc", []string{"role", "active", "department_id"}},
		{"/api/v1/praises?kind=hug&month=13&staff_id=-5", []string{"kind", "month", "staff_id"}},
		{"/api/v1/referrals?department_id=x&inquiry_id=y&overdue=z", []string{"department_id", "inquiry_id", "overdue"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			e.t = t
			d := e.as("hr", "GET", tc.path, nil).wantError(http.StatusUnprocessableEntity, "invalid")
			var fields []string
			for _, x := range d.Details {
				if m, ok := x.(map[string]any); ok {
					if f, ok := m["field"].(string); ok {
						fields = append(fields, f)
					}
				}
			}
			for _, f := range tc.want {
				if !slices.Contains(fields, f) {
					t.Errorf("no problem reported for %s; got %v", f, fields)
				}
			}
		})
	}
}
