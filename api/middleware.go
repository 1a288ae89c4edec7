package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

const (
	ctxRequestID = "firstask.request_id"
	ctxActor     = "firstask.actor"
	ctxToken     = "firstask.token"
)

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// requestIDMiddleware accepts a well-formed X-Request-ID or makes one,
// and echoes it on the response.
func (s *Server) requestIDMiddleware(c *gin.Context) {
	rid := c.GetHeader("X-Request-ID")
	if !requestIDRE.MatchString(rid) {
		b := make([]byte, 8)
		rand.Read(b)
		rid = hex.EncodeToString(b)
	}
	c.Set(ctxRequestID, rid)
	c.Header("X-Request-ID", rid)
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// routeOf is the route template of the request ("unmatched" when no route
// took it): the only path that logs and metrics record, since a raw path
// or query may hold personal data and has no bounded set of values.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// instrument records the request in the in-flight gauge and, once
// answered, in the request counter and latency histogram.
func (s *Server) instrument(c *gin.Context) {
	done := s.metrics.RequestStarted()
	defer func() { done(c.Request.Method, routeOf(c), c.Writer.Status()) }()
	c.Next()
}

// accessLog writes one structured line per request. It logs the route
// template, never the raw path or query (which may hold personal data).
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := routeOf(c)
	attrs := []slog.Attr{
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", c.Writer.Status()),
		slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("ip", c.ClientIP()),
	}
	if a, ok := c.Get(ctxActor); ok {
		attrs = append(attrs, slog.Int64("user_id", a.(models.Actor).StaffID))
	}
	level := slog.LevelInfo
	switch status := c.Writer.Status(); {
	case status == http.StatusServiceUnavailable:
		level = slog.LevelWarn // /readyz while draining or without a database
	case status >= 500:
		level = slog.LevelError
	case status < 400 && operational[route]:
		level = slog.LevelDebug // probes and scrapes every few seconds
	}
	s.log.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

// operational routes are polled by load balancers and Prometheus; their
// successes are logged only at debug level.
var operational = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// recoverPanic turns a panic into a 500 that shows only the request id.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.log.Error("panic", slog.String("request_id", requestID(c)), slog.String("panic", fmt.Sprint(r)), slog.String("stack", string(debug.Stack())))
			s.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// limitBody caps the request body; reading past it fails with a 413.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, ErrorBody{Error: ErrorDetail{
				Code: models.ETooLarge, Message: fmt.Sprintf("the body is larger than %d bytes", n)}})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// bearerToken reads the token of an Authorization header. The scheme name
// is case-insensitive (RFC 7235 §2.1): "bearer x" and "BEARER x" are as
// good as "Bearer x".
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// authenticate resolves the bearer token into the actor.
func (s *Server) authenticate(c *gin.Context) {
	token, ok := bearerToken(c.GetHeader("Authorization"))
	if !ok {
		c.Header("WWW-Authenticate", `Bearer realm="firstask"`)
		s.failCode(c, models.EUnauthorized, "sign in first: send Authorization: Bearer <token>")
		return
	}
	st, err := s.store.Authenticate(c.Request.Context(), token)
	if err != nil {
		c.Header("WWW-Authenticate", `Bearer realm="firstask", error="invalid_token"`)
		s.fail(c, err)
		return
	}
	c.Set(ctxActor, models.Actor{StaffID: st.ID, Role: st.Role, DepartmentID: st.DepartmentID, RequestID: requestID(c)})
	c.Set(ctxToken, token)
	c.Next()
}

// actor is the signed-in caller (or the system actor on public routes).
func actor(c *gin.Context) models.Actor {
	if a, ok := c.Get(ctxActor); ok {
		return a.(models.Actor)
	}
	return models.System(requestID(c))
}
