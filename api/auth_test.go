package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"firstask/throttle"
)

func TestLogin(t *testing.T) {
	e := newTestEnv(t)
	t.Run("OK", func(t *testing.T) {
		e.t = t
		var out loginResponse
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffA", "password": testPassword}).want(http.StatusOK).decode(&out)
		if !strings.HasPrefix(out.Token, "fa_") || out.Staff.EmployeeNo != "staffA" {
			t.Fatalf("unexpected login answer %+v", out)
		}
		exp, err := time.Parse(time.RFC3339, out.ExpiresAt)
		if err != nil || !exp.Equal(testStart.Add(time.Hour)) {
			t.Fatalf("expires_at %q, want %s", out.ExpiresAt, testStart.Add(time.Hour))
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		e.t = t
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffB", "password": "nope-nope"}).wantError(http.StatusUnauthorized, "unauthorized")
	})
	t.Run("ErrMissingFields", func(t *testing.T) {
		e.t = t
		d := e.do("POST", "/api/v1/auth/login", "", map[string]string{}).wantError(http.StatusUnprocessableEntity, "invalid")
		if len(d.Details) != 2 {
			t.Fatalf("want two field problems, got %v", d.Details)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	e := newTestEnv(t)
	bad := map[string]string{"employee_no": "staffA", "password": "wrong-password"}
	for i := 0; i < throttle.MaxAccountFailures; i++ {
		e.do("POST", "/api/v1/auth/login", "", bad).want(http.StatusUnauthorized)
	}
	// Even the right password is refused while the account is locked.
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffA", "password": testPassword})
	r.wantError(http.StatusTooManyRequests, "too_many_requests")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// Another account from the same IP still works (below the IP limit).
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffB", "password": testPassword}).want(http.StatusOK)
	// After the window the account can sign in again.
	e.clock.Advance(throttle.Window + time.Second)
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffA", "password": testPassword}).want(http.StatusOK)

	t.Run("PerIP", func(t *testing.T) {
		e.t = t
		for i := 0; i < throttle.MaxIPFailures; i++ {
			e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "ghost" + id(int64(i)), "password": "wrong-password"}).want(http.StatusUnauthorized)
		}
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "hr", "password": testPassword}).want(http.StatusTooManyRequests)
	})
}

func TestForgedForwardedForIsIgnored(t *testing.T) {
	e := newTestEnv(t)
	for i := 0; i < throttle.MaxIPFailures; i++ {
		bad := map[string]string{"employee_no": "ghost" + id(int64(i)), "password": "wrong-password"}
		req := newJSONRequest(t, "POST", "/api/v1/auth/login", bad)
		req.Header.Set("X-Forwarded-For", "10.9.9."+id(int64(i)))
		e.send(req, "", nil).want(http.StatusUnauthorized)
	}
	// No proxy is trusted: all those came from one IP, which is now blocked.
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "hr", "password": testPassword}).want(http.StatusTooManyRequests)
}

func TestTokenLifecycle(t *testing.T) {
	e := newTestEnv(t)
	t.Run("Expiry", func(t *testing.T) {
		e.t = t
		tok := e.login("staffB")
		e.do("GET", "/api/v1/me", tok, nil).want(http.StatusOK)
		e.clock.Advance(time.Hour + time.Second)
		e.do("GET", "/api/v1/me", tok, nil).wantError(http.StatusUnauthorized, "unauthorized")
	})
	t.Run("Logout", func(t *testing.T) {
		e.t = t
		tok := e.login("staffB")
		e.do("POST", "/api/v1/auth/logout", tok, nil).want(http.StatusNoContent)
		e.do("GET", "/api/v1/me", tok, nil).want(http.StatusUnauthorized)
	})
	t.Run("Garbage", func(t *testing.T) {
		e.t = t
		e.do("GET", "/api/v1/me", "fa_not-a-token", nil).want(http.StatusUnauthorized)
		req := newJSONRequest(t, "GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Basic abc")
		e.send(req, "", nil).want(http.StatusUnauthorized)
	})
	t.Run("Deactivated", func(t *testing.T) {
		e.t = t
		tok := e.login("staffB")
		e.tokens["hr"] = e.login("hr") // the expiry test aged every token
		e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"active": false}).want(http.StatusOK)
		e.do("GET", "/api/v1/me", tok, nil).want(http.StatusUnauthorized)
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffB", "password": testPassword}).want(http.StatusUnauthorized)
		// Reactivated: a new login works, the old token stays revoked.
		e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"active": true}).want(http.StatusOK)
		e.login("staffB")
		e.do("GET", "/api/v1/me", tok, nil).want(http.StatusUnauthorized)
	})
	t.Run("PasswordChange", func(t *testing.T) {
		e.t = t
		other := e.login("staffA1")
		cur := e.login("staffA1")
		e.do("POST", "/api/v1/me/password", cur, map[string]string{"current_password": "wrong-one", "new_password": "another-pass-1"}).wantError(http.StatusUnprocessableEntity, "invalid")
		e.do("POST", "/api/v1/me/password", cur, map[string]string{"current_password": testPassword, "new_password": "short"}).wantError(http.StatusUnprocessableEntity, "invalid")
		e.do("POST", "/api/v1/me/password", cur, map[string]string{"current_password": testPassword, "new_password": strings.Repeat("x", 73)}).wantError(http.StatusUnprocessableEntity, "invalid")
		e.do("POST", "/api/v1/me/password", cur, map[string]string{"current_password": testPassword, "new_password": "another-pass-1"}).want(http.StatusNoContent)
		e.do("GET", "/api/v1/me", cur, nil).want(http.StatusOK)
		e.do("GET", "/api/v1/me", other, nil).want(http.StatusUnauthorized)
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "staffA1", "password": "another-pass-1"}).want(http.StatusOK)
	})
}

func TestHTTPConventions(t *testing.T) {
	e := newTestEnv(t)
	t.Run("MalformedJSON", func(t *testing.T) {
		e.t = t
		e.as("hr", "POST", "/api/v1/departments", `{"code": "X",`).wantError(http.StatusBadRequest, "malformed")
		e.as("hr", "POST", "/api/v1/departments", `not json`).wantError(http.StatusBadRequest, "malformed")
		e.as("hr", "POST", "/api/v1/departments", ``).wantError(http.StatusBadRequest, "malformed")
	})
	t.Run("UnknownField", func(t *testing.T) {
		e.t = t
		d := e.as("hr", "POST", "/api/v1/departments", map[string]any{"code": "X1", "name": "x", "colour": "red"}).wantError(http.StatusUnprocessableEntity, "invalid")
		if !strings.Contains(truncate(mustJSON(t, d.Details)), "colour") {
			t.Fatalf("details do not name the field: %v", d.Details)
		}
	})
	t.Run("WrongType", func(t *testing.T) {
		e.t = t
		e.as("hr", "POST", "/api/v1/departments", map[string]any{"code": 12, "name": "x"}).wantError(http.StatusUnprocessableEntity, "invalid")
	})
	t.Run("WrongMediaType", func(t *testing.T) {
		e.t = t
		req := newJSONRequest(t, "POST", "/api/v1/departments", map[string]any{"code": "X2", "name": "x"})
		req.Header.Set("Content-Type", "text/plain")
		e.send(req, e.tokens["hr"], nil).wantError(http.StatusUnsupportedMediaType, "unsupported_media")
	})
	t.Run("OversizedBody", func(t *testing.T) {
		e.t = t
		big := `{"code":"X3","name":"` + strings.Repeat("a", 70<<10) + `"}`
		e.as("hr", "POST", "/api/v1/departments", big).wantError(http.StatusRequestEntityTooLarge, "too_large")
		// Without a Content-Length the limit still holds while reading.
		req := newJSONRequest(t, "POST", "/api/v1/departments", nil)
		req.Body = readerNoLength(big)
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		e.send(req, e.tokens["hr"], nil).wantError(http.StatusRequestEntityTooLarge, "too_large")
	})
	t.Run("BadPagination", func(t *testing.T) {
		e.t = t
		for _, q := range []string{"page=0", "page=-1", "page=x", "page_size=0", "page_size=201", "page_size=abc"} {
			e.as("hr", "GET", "/api/v1/staff?"+q, nil).wantError(http.StatusUnprocessableEntity, "invalid")
		}
		var l List[map[string]any]
		e.as("hr", "GET", "/api/v1/staff?page=2&page_size=3", nil).want(http.StatusOK).decode(&l)
		if l.Page != 2 || l.PageSize != 3 || len(l.Items) != 3 || l.Total != 7 {
			t.Fatalf("page 2 of 3: %+v", l)
		}
	})
	t.Run("RequestID", func(t *testing.T) {
		e.t = t
		req := newJSONRequest(t, "GET", "/healthz", nil)
		req.Header.Set("X-Request-ID", "abc-123")
		if got := e.send(req, "", nil).want(http.StatusOK).Header.Get("X-Request-ID"); got != "abc-123" {
			t.Fatalf("X-Request-ID %q, want echo", got)
		}
		req = newJSONRequest(t, "GET", "/healthz", nil)
		req.Header.Set("X-Request-ID", "bad id with spaces")
		if got := e.send(req, "", nil).Header.Get("X-Request-ID"); got == "" || strings.Contains(got, " ") {
			t.Fatalf("generated X-Request-ID %q", got)
		}
	})
	t.Run("UnknownRoute", func(t *testing.T) {
		e.t = t
		e.as("hr", "GET", "/api/v1/nothing-here", nil).wantError(http.StatusNotFound, "not_found")
		e.as("hr", "GET", "/api/v1/staff/abc", nil).wantError(http.StatusNotFound, "not_found")
	})
	t.Run("PanicShowsOnlyRequestID", func(t *testing.T) {
		e.t = t
		e.srv.engine.GET("/test-panic", func(*gin.Context) { panic("secret internals") })
		req := newJSONRequest(t, "GET", "/test-panic", nil)
		req.Header.Set("X-Request-ID", "rid-42")
		r := e.send(req, "", nil)
		d := r.wantError(http.StatusInternalServerError, "internal")
		if strings.Contains(string(r.Body), "secret") || !strings.Contains(d.Message, "rid-42") {
			t.Fatalf("500 body %s", r.Body)
		}
	})
}
