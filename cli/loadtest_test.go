package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestLoadtestFirstOfMonth drives a stand-in server (the load driver is
// under test here, not the store) with the first-of-month profile: every
// client signs in once as its own account, then only opens its score for
// the month asked.
func TestLoadtestFirstOfMonth(t *testing.T) {
	var mu sync.Mutex
	logins := map[string]int{}
	paths := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		paths[r.Method+" "+r.URL.RequestURI()]++
		if r.URL.Path == "/api/v1/auth/login" {
			var b bytes.Buffer
			b.ReadFrom(r.Body)
			logins[b.String()]++
			w.Write([]byte(`{"token":"t"}`))
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()

	var out, errb bytes.Buffer
	args := []string{"--url", srv.URL, "--profile", "first-of-month", "--users", "4", "--duration", "30s", "--month", "2026-11", "--requests", "40"}
	if code := loadtest(args, func(string) string { return "" }, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	if len(logins) != 4 {
		t.Errorf("%d accounts signed in, want 4 different ones: %v", len(logins), logins)
	}
	for p, n := range paths {
		if p != "POST /api/v1/auth/login" && p != "GET /api/v1/me/scores?month=2026-11" {
			t.Errorf("the first-of-month profile sent %d× %s", n, p)
		}
	}
	if paths["GET /api/v1/me/scores?month=2026-11"] != 36 || !strings.Contains(out.String(), "scores") {
		t.Errorf("scores opened %d times, want the 36 left of 40 requests after 4 sign-ins:\n%s", paths["GET /api/v1/me/scores?month=2026-11"], out.String())
	}

	errb.Reset()
	if code := loadtest([]string{"--url", srv.URL, "--profile", "rush"}, func(string) string { return "" }, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--profile") {
		t.Errorf("--profile rush: exit %d, %q; want 2 and the flag named", code, errb.String())
	}
}
