package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firstask/models"
)

// TestSettingsPages: HR saves a year's holidays and 调休 days (a bad date
// shown at its field), sees the rules and verifies the audit chain but
// may not save rules or open the admin parts; the admin saves rules (a bad
// value reported at its path), grants a role, adds a webhook whose secret
// shows once and opens its delivery log; staff get 404.
func TestSettingsPages(t *testing.T) {
	e := newTestEnv(t, Options{})
	hr := e.signedIn("D028")
	resp, body := hr.get("/settings?year=2031")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="estimated"`) || strings.Contains(body, `id="rules-form"`) || strings.Contains(body, `id="webhooks"`) {
		t.Fatalf("HR's settings: %d", resp.StatusCode)
	}
	form := url.Values{"year": {"2031"}, "holidays": {"2031-10-01\n2031-13-40"}, "makeup": {""}, "day_start": {"09:00"}, "day_end": {"18:00"}, "weekday": {"1", "2", "3", "4", "5"}}
	if resp, body := hr.post("/settings/calendar", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "2031-13-40") {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
	form.Set("holidays", "2031-10-01\n2031-10-02")
	form.Set("makeup", "2031-10-11")
	if resp, _ := hr.post("/settings/calendar", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save calendar: %d", resp.StatusCode)
	}
	cv, err := e.store.GetCalendar(t.Context(), models.System("t"))
	if err != nil || cv.IsDefault {
		t.Fatalf("calendar not saved: %v", err)
	}
	n := 0
	for _, d := range cv.Holidays {
		if d.Year == 2031 {
			n++
		}
	}
	if n != 2 || len(cv.Holidays) < 3 {
		t.Fatalf("2031 holidays %d of %d (other years must be kept)", n, len(cv.Holidays))
	}
	if _, body := hr.get("/settings?year=2031"); strings.Contains(body, `id="estimated"`) {
		t.Fatal("a saved year is still marked estimated")
	}
	if resp, body := hr.post("/settings/audit", nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, "审计链完整") {
		t.Fatalf("audit: %d", resp.StatusCode)
	}
	if resp, _ := hr.post("/settings/rules", url.Values{"rules": {"{}"}, "effective_from": {"2099-01"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("HR saving rules: %d", resp.StatusCode)
	}
	admin := e.signedIn("D030")
	_, body = admin.get("/settings")
	if !strings.Contains(body, `id="rules-form"`) || !strings.Contains(body, `id="webhook-form"`) {
		t.Fatal("the admin lacks the rules or webhook forms")
	}
	resp, body = admin.post("/settings/rules", url.Values{"rules": {`{"praise_cap": -5}`}, "effective_from": {"2099-01"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>rules.") {
		t.Fatalf("bad rules: %d", resp.StatusCode)
	}
	if resp, body := admin.post("/settings/roles", url.Values{"employee_no": {"D003"}, "role": {"hr"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: %d %s", resp.StatusCode, body)
	}
	if st, _ := e.store.GetStaff(t.Context(), models.System("t"), e.staff["D003"].ID); st.Role != models.RoleHR {
		t.Fatal("role not granted")
	}
	resp, body = admin.post("/settings/webhooks", url.Values{"url": {"https://hooks.example.com/hr"}, "events": {"violation.*, notification.*"}})
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `id="webhook-secret"`) {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	hooks, _ := e.store.ListWebhooks(t.Context(), models.System("t"))
	if len(hooks) != 1 {
		t.Fatalf("webhooks %d", len(hooks))
	}
	if resp, _ := admin.get("/settings/webhooks/" + itoa(hooks[0].ID)); resp.StatusCode != http.StatusOK {
		t.Fatalf("deliveries: %d", resp.StatusCode)
	}
	if resp, _ := hr.get("/settings/webhooks/" + itoa(hooks[0].ID)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("HR's deliveries: %d", resp.StatusCode)
	}
	staff := e.signedIn("D004")
	if resp, _ := staff.get("/settings"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("staff settings: %d", resp.StatusCode)
	}
}
