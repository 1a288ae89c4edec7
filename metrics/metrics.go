// Package metrics holds firstask's Prometheus metrics: one registry per
// Metrics value (so tests and servers never share global state), the HTTP
// instruments the api package records, and the counters that background
// work (the SLA scan, the webhook sender, workbook uploads) increments.
//
// Labels carry only route templates, methods, statuses and fixed
// vocabularies (outcomes, kinds): never ids, names, phone numbers or paths.
// Every method is safe on a nil *Metrics, which records nothing, so code
// under test may leave it unset.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Outcomes of a webhook delivery attempt (the outcome label of
// firstask_webhook_deliveries_total).
const (
	WebhookDelivered = "delivered" // the receiver answered 2xx
	WebhookFailed    = "failed"    // this attempt failed; it will be retried
	WebhookAbandoned = "abandoned" // the last attempt failed; no more retries
)

// Kinds and outcomes of an uploaded workbook (the labels of
// firstask_uploads_total).
const (
	UploadResults = "results" // POST /periods/{month}/results
	UploadStaff   = "staff"   // POST /staff/import

	UploadAccepted = "accepted" // every row taken
	UploadRejected = "rejected" // refused with row problems, too large, wrong type, closed month
	UploadFailed   = "failed"   // an internal error
)

// durationBuckets suit both quick API calls and a month's workbook export.
var durationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// Metrics is the set of instruments of one server process.
type Metrics struct {
	registry *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inFlight prometheus.Gauge

	slaScanDuration   prometheus.Histogram
	slaBreaches       prometheus.Counter
	webhookDeliveries *prometheus.CounterVec
	uploads           *prometheus.CounterVec
	txRetries         *prometheus.CounterVec
	replicaReads      *prometheus.CounterVec
}

// Outcomes of a write transaction that met a lock conflict (the same words
// as models.RetryRetried, RetryRecovered and RetryExhausted).
const (
	TxRetried   = "retried"
	TxRecovered = "recovered"
	TxExhausted = "exhausted"
)

// New creates the instruments in a fresh registry, with the Go runtime and
// process collectors and, when db is not nil, its connection pool
// statistics (go_sql_* with db_name="firstask").
func New(db *sql.DB) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstask_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "firstask_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method, route template and status.",
			Buckets: durationBuckets,
		}, []string{"method", "route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "firstask_http_requests_in_flight",
			Help: "HTTP requests being served right now.",
		}),
		slaScanDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "firstask_sla_scan_duration_seconds",
			Help:    "Time one SLA scan took (timer or on demand).",
			Buckets: durationBuckets,
		}),
		slaBreaches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "firstask_sla_breaches_total",
			Help: "SLA breaches raised as violations by this process.",
		}),
		webhookDeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstask_webhook_deliveries_total",
			Help: "Outgoing webhook delivery attempts, by outcome (delivered, failed, abandoned).",
		}, []string{"outcome"}),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstask_uploads_total",
			Help: "Uploaded workbooks, by kind (results, staff) and outcome (accepted, rejected, failed).",
		}, []string{"kind", "outcome"}),
		txRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstask_db_tx_retries_total",
			Help: "Write transactions that met a lock conflict (deadlock, lock wait timeout, certification failure, busy SQLite), by outcome: retried (each rerun), recovered (committed after reruns), exhausted (reported as an error).",
		}, []string{"outcome"}),
		replicaReads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstask_db_replica_reads_total",
			Help: "People's reads when read replicas are configured, by where they went: replica, after_write (primary: the person wrote within the read-after-write window), unavailable (primary: no replica available), fallback (primary: a replica failed mid-read).",
		}, []string{"outcome"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.inFlight, m.slaScanDuration, m.slaBreaches,
		m.webhookDeliveries, m.uploads, m.txRetries, m.replicaReads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(db, "firstask"))
	}
	// Known label values start at zero so that rates and alerts work before
	// the first event.
	for _, o := range []string{WebhookDelivered, WebhookFailed, WebhookAbandoned} {
		m.webhookDeliveries.WithLabelValues(o)
	}
	for _, o := range []string{TxRetried, TxRecovered, TxExhausted} {
		m.txRetries.WithLabelValues(o)
	}
	for _, o := range []string{ReplicaRead, ReplicaAfterWrite, ReplicaUnavailable, ReplicaFallback} {
		m.replicaReads.WithLabelValues(o)
	}
	for _, k := range []string{UploadResults, UploadStaff} {
		for _, o := range []string{UploadAccepted, UploadRejected, UploadFailed} {
			m.uploads.WithLabelValues(k, o)
		}
	}
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Registry is the registry behind Handler, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.registry
}

// RequestStarted counts a request in flight; call the returned function
// when it is answered, with its route template ("unmatched" for none) and
// status.
func (m *Metrics) RequestStarted() func(method, route string, status int) {
	if m == nil {
		return func(string, string, int) {}
	}
	start := time.Now()
	m.inFlight.Inc()
	return func(method, route string, status int) {
		m.inFlight.Dec()
		method = MethodLabel(method)
		code := strconv.Itoa(status)
		m.requests.WithLabelValues(method, route, code).Inc()
		m.latency.WithLabelValues(method, route, code).Observe(time.Since(start).Seconds())
	}
}

// knownMethods are the request methods that get their own method label.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
	http.MethodConnect: true, http.MethodTrace: true,
}

// MethodLabel is the method label of a request: one of the methods of RFC
// 9110 (and PATCH) as sent, or "other" for anything a client invented, so
// that anonymous clients cannot grow /metrics without bound.
func MethodLabel(method string) string {
	if knownMethods[method] {
		return method
	}
	return "other"
}

// SLAScanned records one SLA scan: how long it took and how many breaches
// it raised.
func (m *Metrics) SLAScanned(took time.Duration, breaches int) {
	if m == nil {
		return
	}
	m.slaScanDuration.Observe(took.Seconds())
	if breaches > 0 {
		m.slaBreaches.Add(float64(breaches))
	}
}

// WebhookDelivery counts one delivery attempt with its outcome
// (WebhookDelivered, WebhookFailed or WebhookAbandoned).
func (m *Metrics) WebhookDelivery(outcome string) {
	if m == nil {
		return
	}
	m.webhookDeliveries.WithLabelValues(outcome).Inc()
}

// Upload counts one uploaded workbook by kind (UploadResults, UploadStaff)
// and outcome (UploadAccepted, UploadRejected, UploadFailed).
func (m *Metrics) Upload(kind, outcome string) {
	if m == nil {
		return
	}
	m.uploads.WithLabelValues(kind, outcome).Inc()
}

// TxRetry counts one lock conflict of a write transaction by outcome
// (TxRetried, TxRecovered or TxExhausted); models.Store.OnRetry takes it.
func (m *Metrics) TxRetry(outcome string) {
	if m == nil {
		return
	}
	m.txRetries.WithLabelValues(outcome).Inc()
}

// Outcomes of a person's read with read replicas configured (the same
// words as models.ReadReplica, ReadAfterWrite, ReadUnavailable and
// ReadFallback).
const (
	ReplicaRead        = "replica"
	ReplicaAfterWrite  = "after_write"
	ReplicaUnavailable = "unavailable"
	ReplicaFallback    = "fallback"
)

// ReplicaRead counts one of people's reads by where it went;
// models.Store.ObserveReplicas takes it.
func (m *Metrics) ReplicaRead(outcome string) {
	if m == nil {
		return
	}
	m.replicaReads.WithLabelValues(outcome).Inc()
}

// ReplicaState is one read replica's state at its last check.
type ReplicaState struct {
	Available bool
	// Lag is how far behind it reported to be, negative when unknown.
	Lag time.Duration
}

// WatchReplicas exports the read replicas' states as
// firstask_db_replica_available and firstask_db_replica_lag_seconds,
// labelled by the replica's position in FIRSTASK_DB_READ (1, 2, …),
// read from states at every scrape.
func (m *Metrics) WatchReplicas(states func() []ReplicaState) {
	if m == nil {
		return
	}
	m.registry.MustRegister(replicaCollector(states))
}

var (
	replicaAvailableDesc = prometheus.NewDesc("firstask_db_replica_available",
		"1 when reads may go to the read replica, 0 when it is unreachable, not replicating or lagging more than FIRSTASK_DB_READ_MAX_LAG.", []string{"replica"}, nil)
	replicaLagDesc = prometheus.NewDesc("firstask_db_replica_lag_seconds",
		"How far the read replica said it was behind at its last check (Seconds_Behind_Master); -1 when unknown.", []string{"replica"}, nil)
)

type replicaCollector func() []ReplicaState

// Describe implements prometheus.Collector.
func (c replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- replicaAvailableDesc
	ch <- replicaLagDesc
}

// Collect implements prometheus.Collector.
func (c replicaCollector) Collect(ch chan<- prometheus.Metric) {
	for i, st := range c() {
		label := strconv.Itoa(i + 1)
		up, lag := 0.0, -1.0
		if st.Available {
			up = 1
		}
		if st.Lag >= 0 {
			lag = st.Lag.Seconds()
		}
		ch <- prometheus.MustNewConstMetric(replicaAvailableDesc, prometheus.GaugeValue, up, label)
		ch <- prometheus.MustNewConstMetric(replicaLagDesc, prometheus.GaugeValue, lag, label)
	}
}
