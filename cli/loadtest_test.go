package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"firstask/api"
	"firstask/models"
	"firstask/models/storetest"
	"firstask/seed"
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

// TestLoadtestMixedWrites drives a real server on a seeded organisation
// with the mixed-writes profile: every kind of write is sent and none
// fails, and what the report counts is what the database holds afterwards
// (each resolve a resolved referral, each feedback an inquiry fed back on).
func TestLoadtestMixedWrites(t *testing.T) {
	ctx := context.Background()
	store := storetest.Open(t, models.Options{})
	const departments, staff = 3, 40
	if _, err := seed.Fill(ctx, store, seed.Options{Departments: departments, Staff: staff, Inquiries: 20, Month: time.Now().Format("2006-01"), Seed: 3}, nil); err != nil {
		t.Fatal(err)
	}
	a, err := api.New(store, api.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	var out, errb bytes.Buffer
	// The first accounts are the supervisors and HR; the clients sign in
	// as staff after them.
	args := []string{"--url", srv.URL, "--profile", "mixed-writes", "--users", "6", "--first-staff", fmt.Sprint(departments + 2),
		"--staff", fmt.Sprint(staff), "--duration", "2m", "--requests", "600"}
	if code := loadtest(args, func(string) string { return "" }, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	t.Logf("report:\n%s", out.String())
	report := map[string][2]int{} // op → ok, failed
	for _, line := range strings.Split(out.String(), "\n") {
		var op string
		var ok, failed int
		if n, _ := fmt.Sscanf(line, "%s %d %d", &op, &ok, &failed); n == 3 {
			report[op] = [2]int{ok, failed}
		}
	}
	for _, op := range []string{"create_inquiry", "refer_inquiry", "accept", "contact", "resolve", "feedback", "mark_read"} {
		if report[op][0] == 0 || report[op][1] != 0 {
			t.Errorf("%s: %d ok, %d failed; want some and no failure\n%s", op, report[op][0], report[op][1], out.String())
		}
	}
	if w := report["writes"]; w[0] < 500 || w[1] != 0 {
		t.Errorf("writes: %d ok, %d failed; want at least 500 of the 600 requests, none failed\n%s", w[0], w[1], out.String())
	}
	count := func(q string) int {
		db, err := store.SQLDB()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The seed's own inquiries are older than the run; count what it made.
	if n := count("SELECT COUNT(*) FROM referrals WHERE status = 'resolved' AND resolution = '已按规定办结并答复'"); n != report["resolve"][0] {
		t.Errorf("%d referrals resolved by the run, the report says %d", n, report["resolve"][0])
	}
	if n := count("SELECT COUNT(*) FROM inquiries WHERE feedback_note = '来电回访，群众表示满意'"); n != report["feedback"][0] {
		t.Errorf("%d inquiries fed back on by the run, the report says %d", n, report["feedback"][0])
	}
}
