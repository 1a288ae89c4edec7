package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestInventedMethodsDoNotGrowMetrics: 5,000 anonymous requests with
// invented methods once added 80,000 lines (22 MB) to /metrics for good.
func TestInventedMethodsDoNotGrowMetrics(t *testing.T) {
	e := newTestEnv(t)
	scrape := func() (int, int) {
		b := e.do("GET", "/metrics", "", nil).want(http.StatusOK).Body
		return strings.Count(string(b), "\n"), len(b)
	}
	e.do("FOO0", "/healthz", "", nil)
	e.do("GET", "/metrics", "", nil)
	lines0, bytes0 := scrape()
	for i := 1; i < 5000; i++ {
		req := httptest.NewRequest(fmt.Sprintf("X%dMETHOD", i), "/api/v1/no-such", nil)
		e.srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}
	lines1, bytes1 := scrape()
	t.Logf("/metrics before and after 5,000 invented methods: %d → %d lines, %d → %d bytes", lines0, lines1, bytes0, bytes1)
	if lines1-lines0 > 40 {
		t.Fatalf("/metrics grew by %d lines", lines1-lines0)
	}
	if body := string(e.do("GET", "/metrics", "", nil).Body); strings.Contains(body, "X42METHOD") || !strings.Contains(body, `method="other"`) {
		t.Fatal("an invented method reached a label")
	}
}
