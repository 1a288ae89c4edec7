package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestMetricsRecordRouteTemplates checks that requests are counted by route
// template and status, that nothing from the raw path (ids, phone numbers)
// reaches a label, and that the pool and business series are exposed.
func TestMetricsRecordRouteTemplates(t *testing.T) {
	e := newTestEnv(t)
	e.as("hr", "GET", "/api/v1/staff/"+id(e.users["staffA"].ID), nil).want(http.StatusOK)
	e.as("hr", "GET", "/api/v1/staff/13800138000", nil).want(http.StatusNotFound)
	e.as("hr", "GET", "/api/v1/no-such/13912345678", nil).want(http.StatusNotFound)

	res := e.do("GET", "/metrics", "", nil).want(http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type %q", ct)
	}
	body := string(res.Body)
	for _, want := range []string{
		`firstask_http_requests_total{method="GET",route="/api/v1/staff/:id",status="200"} 1`,
		`firstask_http_requests_total{method="GET",route="/api/v1/staff/:id",status="404"} 1`,
		`firstask_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`firstask_http_request_duration_seconds_bucket{method="GET",route="/api/v1/staff/:id",status="200",le="+Inf"} 1`,
		`firstask_http_requests_in_flight 1`, // this very request
		`go_sql_open_connections{db_name="firstask"}`,
		`firstask_sla_scan_duration_seconds_count 0`,
		`firstask_sla_breaches_total 0`,
		`firstask_webhook_deliveries_total{outcome="delivered"} 0`,
		`firstask_uploads_total{kind="results",outcome="accepted"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, leak := range []string{"13800138000", "13912345678", "no-such", "姓名"} {
		if strings.Contains(body, leak) {
			t.Errorf("/metrics shows %q from a request", leak)
		}
	}
}

// TestMetricsArePerServer: two servers in one process count separately.
func TestMetricsArePerServer(t *testing.T) {
	a, b := newTestEnv(t), newTestEnv(t)
	a.as("hr", "GET", "/api/v1/me", nil).want(http.StatusOK)
	if body := string(b.do("GET", "/metrics", "", nil).Body); strings.Contains(body, `route="/api/v1/me"`) {
		t.Fatalf("server b counted server a's request")
	}
}
