package metrics

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCountersHaveStableNames(t *testing.T) {
	m := New(nil)
	m.SLAScanned(1500*time.Millisecond, 2)
	m.SLAScanned(time.Second, 0)
	m.WebhookDelivery(WebhookDelivered)
	m.WebhookDelivery(WebhookFailed)
	m.WebhookDelivery(WebhookFailed)
	m.Upload(UploadResults, UploadRejected)
	m.TxRetry(TxRetried)
	m.TxRetry(TxRetried)
	m.TxRetry(TxRecovered)
	if got := testutil.ToFloat64(m.slaBreaches); got != 2 {
		t.Errorf("breaches %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.webhookDeliveries.WithLabelValues(WebhookFailed)); got != 2 {
		t.Errorf("failed deliveries %v, want 2", got)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		"firstask_sla_scan_duration_seconds_count 2",
		"firstask_sla_scan_duration_seconds_sum 2.5",
		"firstask_sla_breaches_total 2",
		`firstask_webhook_deliveries_total{outcome="abandoned"} 0`,
		`firstask_webhook_deliveries_total{outcome="failed"} 2`,
		`firstask_uploads_total{kind="results",outcome="rejected"} 1`,
		`firstask_uploads_total{kind="staff",outcome="accepted"} 0`,
		`firstask_db_tx_retries_total{outcome="retried"} 2`,
		`firstask_db_tx_retries_total{outcome="recovered"} 1`,
		`firstask_db_tx_retries_total{outcome="exhausted"} 0`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.SLAScanned(time.Second, 1)
	m.WebhookDelivery(WebhookDelivered)
	m.Upload(UploadStaff, UploadAccepted)
	m.RequestStarted()("GET", "/x", 200)
	if m.Registry() != nil {
		t.Fatal("nil metrics have a registry")
	}
}

func TestRequestsInFlight(t *testing.T) {
	m := New(nil)
	done := m.RequestStarted()
	if got := testutil.ToFloat64(m.inFlight); got != 1 {
		t.Fatalf("in flight %v, want 1", got)
	}
	done("POST", "/api/v1/auth/login", 200)
	if got := testutil.ToFloat64(m.inFlight); got != 0 {
		t.Fatalf("in flight %v, want 0", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("POST", "/api/v1/auth/login", "200")); got != 1 {
		t.Fatalf("requests %v, want 1", got)
	}
}

// An anonymous client inventing methods must not add label values: 5,000
// invented methods once added 80,000 lines to /metrics.
func TestInventedMethodsShareOneLabel(t *testing.T) {
	m := New(nil)
	for i := 0; i < 5000; i++ {
		m.RequestStarted()("X"+strconv.Itoa(i), "unmatched", 404)
	}
	m.RequestStarted()("GET", "unmatched", 404)
	m.RequestStarted()("get", "unmatched", 404)
	if got := testutil.CollectAndCount(m.requests); got != 2 {
		t.Fatalf("%d request series, want 2 (GET and other)", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("other", "unmatched", "404")); got != 5001 {
		t.Fatalf("other requests %v, want 5001", got)
	}
}
