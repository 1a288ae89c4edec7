package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink safe for the handler's writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAccessLogKeepsSecretsOut: each request gives one JSON line with the
// request id, route template, status, latency and user id, and neither the
// password of a login nor any token ever appears in the log.
func TestAccessLogKeepsSecretsOut(t *testing.T) {
	e := newTestEnv(t)
	var logs syncBuffer
	srv, err := New(e.store, Options{TokenTTL: time.Hour, Now: e.clock.Now,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv

	const secret = "correct-horse-battery"
	e.as("admin", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"password": secret}).want(http.StatusOK)
	var login struct{ Token string }
	req := newJSONRequest(t, "POST", "/api/v1/auth/login", map[string]string{"employee_no": "staffB", "password": secret})
	req.Header.Set("X-Request-ID", "login-1")
	e.send(req, "", nil).want(http.StatusOK).decode(&login)
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffB", "password": secret + "-wrong"}).want(http.StatusUnauthorized)
	// An unknown query parameter is refused (422), and still never logged.
	e.do("GET", "/api/v1/me?phone=13800138000", login.Token, nil).want(http.StatusUnprocessableEntity)
	e.do("POST", "/api/v1/me/password", login.Token, map[string]string{"current_password": secret, "new_password": secret + "-2"}).want(http.StatusNoContent)

	out := logs.String()
	for _, leak := range []string{secret, login.Token, e.tokens["admin"], "13800138000", "Bearer"} {
		if strings.Contains(out, leak) {
			t.Errorf("the log contains %q:\n%s", leak, out)
		}
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		lines = append(lines, m)
	}
	find := func(rid string) map[string]any {
		for _, m := range lines {
			if m["request_id"] == rid {
				return m
			}
		}
		return nil
	}
	l := find("login-1")
	if l == nil {
		t.Fatalf("no line for the login:\n%s", out)
	}
	if l["msg"] != "request" || l["route"] != "/api/v1/auth/login" || l["method"] != "POST" || l["status"] != float64(200) || l["latency_ms"] == nil {
		t.Errorf("login line %v", l)
	}
	var me map[string]any
	for _, m := range lines {
		if m["route"] == "/api/v1/me" {
			me = m
		}
	}
	if me == nil || me["user_id"] != float64(e.users["staffB"].ID) {
		t.Errorf("the /me line does not name the user: %v", me)
	}
}
