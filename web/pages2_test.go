package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestSupervisorAndHRPagesByRole opens every page of Web II as each role:
// those a role may use answer 200 within the page budget and appear in its
// navigation, the others answer 404 and are not offered.
func TestSupervisorAndHRPagesByRole(t *testing.T) {
	e := newTestEnv(t, Options{})
	c0 := e.signedIn("D002")
	assets := c0.assetBytes()
	pages := map[string][]string{ // page → roles that may open it
		"/dept": {"supervisor"}, "/review": {"hr", "admin"}, "/periods": {"supervisor", "hr", "admin"},
		"/staff": {"hr", "admin"}, "/staff/new": {"hr", "admin"}, "/staff/import": {"hr", "admin"}, "/settings": {"hr", "admin"},
	}
	nav := map[string]string{"/dept": "部门", "/review": "核实", "/periods": "考核周期", "/staff": "员工", "/settings": "设置"}
	for _, no := range []string{"D002", "D001", "D028", "D030"} {
		role := string(e.staff[no].Role)
		c := e.signedIn(no)
		_, home := c.get("/home")
		for p, roles := range pages {
			allowed := false
			for _, r := range roles {
				allowed = allowed || r == role
			}
			resp, body := c.get(p)
			switch {
			case allowed && resp.StatusCode != http.StatusOK:
				t.Errorf("%s %s: %d", role, p, resp.StatusCode)
			case !allowed && resp.StatusCode != http.StatusNotFound:
				t.Errorf("%s %s: %d, want 404", role, p, resp.StatusCode)
			}
			if allowed && len(body)+assets > 150<<10 {
				t.Errorf("%s weighs %d bytes with its CSS and JS", p, len(body)+assets)
			}
			if label, ok := nav[p]; ok {
				if shown := strings.Contains(home, `href="`+p+`"`) && strings.Contains(home, label); shown != allowed {
					t.Errorf("%s: navigation offers %s: %v, may open: %v", role, p, shown, allowed)
				}
			}
		}
	}
}
