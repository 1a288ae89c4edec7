package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
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

// TestLoadtestSpreadsOverURLs: with two servers in --url, the clients are
// shared between them (client i on server i mod 2), and the writes and
// reads profiles send only registrations, or only lists and scores.
func TestLoadtestSpreadsOverURLs(t *testing.T) {
	type server struct {
		mu    sync.Mutex
		paths map[string]int
		srv   *httptest.Server
	}
	mk := func() *server {
		s := &server{paths: map[string]int{}}
		s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.paths[r.Method+" "+r.URL.Path]++
			s.mu.Unlock()
			switch {
			case r.URL.Path == "/api/v1/auth/login":
				w.Write([]byte(`{"token":"t"}`))
			case r.Method == http.MethodPost:
				w.WriteHeader(http.StatusCreated)
				w.Write([]byte(`{}`))
			default:
				w.Write([]byte(`{}`))
			}
		}))
		t.Cleanup(s.srv.Close)
		return s
	}
	for _, c := range []struct {
		profile string
		allowed []string
	}{
		{"writes", []string{"POST /api/v1/inquiries"}},
		{"reads", []string{"GET /api/v1/inquiries", "GET /api/v1/me/scores"}},
	} {
		a, b := mk(), mk()
		var out, errb bytes.Buffer
		args := []string{"--url", a.srv.URL + "," + b.srv.URL, "--profile", c.profile, "--users", "4", "--duration", "30s", "--requests", "44"}
		if code := loadtest(args, func(string) string { return "" }, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s %s", c.profile, code, out.String(), errb.String())
		}
		for i, s := range []*server{a, b} {
			if s.paths["POST /api/v1/auth/login"] != 2 {
				t.Errorf("%s: server %d saw %d sign-ins, want 2 of the 4 clients", c.profile, i+1, s.paths["POST /api/v1/auth/login"])
			}
			work := 0
			for p, n := range s.paths {
				switch {
				case p == "POST /api/v1/auth/login":
				case slices.Contains(c.allowed, p):
					work += n
				default:
					t.Errorf("%s: server %d was sent %d× %s", c.profile, i+1, n, p)
				}
			}
			if work == 0 {
				t.Errorf("%s: server %d got no work: %v", c.profile, i+1, s.paths)
			}
		}
		if !strings.Contains(out.String(), "on 2 server(s)") {
			t.Errorf("%s: the report does not say two servers:\n%s", c.profile, out.String())
		}
	}
}
