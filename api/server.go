// Package api is firstask's HTTP layer: it binds requests, checks the
// caller's role in one place, calls one Store method and renders the answer
// or the error envelope. It never touches the database directly.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"firstask/metrics"
	"firstask/models"
	"firstask/webhook"
)

// Options configures the HTTP layer.
type Options struct {
	TokenTTL       time.Duration
	TrustedProxies []string
	MaxBodyBytes   int64
	MaxUploadBytes int64
	Organisation   string
	Logger         *slog.Logger
	// Now is the clock of generated workbooks (default time.Now); the
	// login throttle counts in the store, on the store's clock.
	Now func() time.Time
	// Metrics receives the HTTP instruments and is served at /metrics;
	// when nil, New makes a fresh set with the store's pool statistics.
	Metrics *metrics.Metrics
	// MaxExports bounds the department-wide workbook exports built at once
	// (default 2); a request beyond it answers 429 with Retry-After.
	MaxExports int
	// WebhookTargets is the policy a new webhook's URL is checked against
	// (the sender enforces the same policy when it connects).
	WebhookTargets webhook.Targets
}

// Server holds what handlers share.
type Server struct {
	store    *models.Store
	opts     Options
	log      *slog.Logger
	engine   *gin.Engine
	routes   map[string]access
	draining atomic.Bool
	metrics  *metrics.Metrics
	// openapiJSON is the embedded document converted once at start.
	openapiJSON []byte
	// exports holds one token per export being built (see exportSlot).
	exports chan struct{}
	// queries holds each documented operation's query parameters
	// (refuseUnknownQuery).
	queries map[string]map[string]bool
}

// New builds the server and its router.
func New(store *models.Store, opts Options) (*Server, error) {
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 12 * time.Hour
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.MaxUploadBytes == 0 {
		opts.MaxUploadBytes = 10 << 20
	}
	if opts.MaxExports <= 0 {
		opts.MaxExports = 2
	}
	if opts.Organisation == "" {
		opts.Organisation = "firstask"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Metrics == nil {
		db, err := store.SQLDB()
		if err != nil {
			return nil, err
		}
		opts.Metrics = metrics.New(db)
	}
	store.OnRetry(opts.Metrics.TxRetry)
	watchReplicas(store, opts.Metrics, opts.Logger)
	doc, err := openapiJSON()
	if err != nil {
		return nil, err
	}
	queries, err := documentedQueries(doc)
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{
		store:   store,
		opts:    opts,
		log:     opts.Logger,
		engine:  gin.New(),
		routes:  map[string]access{},
		metrics: opts.Metrics,
		exports: make(chan struct{}, opts.MaxExports),

		openapiJSON: doc,
		queries:     queries,
	}
	// gin trusts every proxy unless told otherwise; a forged
	// X-Forwarded-For would then defeat per-IP login throttling.
	if err := s.engine.SetTrustedProxies(opts.TrustedProxies); err != nil {
		return nil, err
	}
	s.engine.HandleMethodNotAllowed = true
	s.engine.ContextWithFallback = true
	s.engine.Use(s.requestIDMiddleware, s.instrument, s.accessLog, s.recoverPanic)
	s.engine.NoRoute(func(c *gin.Context) {
		s.failCode(c, models.ENotFound, "no such route: %s %s", c.Request.Method, c.Request.URL.Path)
	})
	s.engine.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, ErrorBody{Error: ErrorDetail{Code: "method_not_allowed", Message: "method " + c.Request.Method + " is not allowed here"}})
	})
	s.registerRoutes()
	return s, nil
}

// Handler is the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return s.engine }

// Drain marks the server as shutting down: /readyz starts failing so that
// load balancers stop sending traffic.
func (s *Server) Drain() { s.draining.Store(true) }

// RouteInfo describes a registered route and who may call it.
type RouteInfo struct {
	Method, Path string
	Public       bool
	Roles        []models.Role
}

// Routes lists every registered route with its access rule, for tests and
// documentation.
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, r := range s.engine.Routes() {
		a, ok := s.routes[r.Method+" "+r.Path]
		out = append(out, RouteInfo{Method: r.Method, Path: r.Path, Public: a.public, Roles: a.roles})
		if !ok {
			out[len(out)-1].Roles = nil
		}
	}
	return out
}

func (s *Server) serveMetrics(c *gin.Context) { s.metrics.Handler().ServeHTTP(c.Writer, c.Request) }

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// exportRetryAfter is the Retry-After of an export refused because
// MaxExports are being built.
const exportRetryAfter = 10 * time.Second

// exportSlot admits a department-wide export only while fewer than
// MaxExports are being built: four 10,001-person appraisal exports at once
// peaked at 468 MB. A refused request answers 429 with Retry-After at
// once rather than queueing (a queue would hold its connection and memory
// for its turn too).
func (s *Server) exportSlot(c *gin.Context) {
	select {
	case s.exports <- struct{}{}:
		defer func() { <-s.exports }()
		c.Next()
	default:
		c.Header("Retry-After", fmt.Sprint(int(exportRetryAfter.Seconds())))
		s.failCode(c, models.ERateLimited, "%d workbook exports are being built; try again in %s", cap(s.exports), exportRetryAfter)
	}
}

func (s *Server) readyz(c *gin.Context) {
	if s.draining.Load() {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "shutting down"})
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := s.store.Ready(ctx); err != nil {
		// The error names the database's address and driver details:
		// log it, tell the (anonymous) caller only what is wrong.
		s.log.Error("readiness check failed", slog.String("request_id", requestID(c)), slog.Any("error", err))
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": "database unreachable"})
		return
	}
	if replicas := replicaHealth(s.store); replicas != nil {
		// A replica that is down does not make the instance unready: its
		// reads go to the primary meanwhile (the log and the metrics say so).
		c.JSON(http.StatusOK, gin.H{"status": "ready", "replicas": replicas})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
