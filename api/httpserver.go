package api

import (
	"context"
	"log"
	"net/http"
	"time"
)

// HTTPLimits are the connection limits of the HTTP server: how long a
// client may take to send its headers, its body (an upload has its own,
// longer allowance) and how long an idle keep-alive connection is kept.
type HTTPLimits struct {
	HeaderTimeout  time.Duration // request line and headers (FIRSTASK_HEADER_TIMEOUT)
	BodyTimeout    time.Duration // a request body, from the end of the headers (FIRSTASK_BODY_TIMEOUT)
	UploadTimeout  time.Duration // a workbook upload's body (FIRSTASK_UPLOAD_TIMEOUT)
	IdleTimeout    time.Duration // an idle keep-alive connection (FIRSTASK_IDLE_TIMEOUT)
	MaxHeaderBytes int           // request line and headers; 431 above (FIRSTASK_MAX_HEADER_BYTES)
}

func (l *HTTPLimits) defaults() {
	if l.HeaderTimeout <= 0 {
		l.HeaderTimeout = 10 * time.Second
	}
	if l.BodyTimeout <= 0 {
		l.BodyTimeout = 15 * time.Second
	}
	if l.UploadTimeout <= 0 {
		l.UploadTimeout = 2 * time.Minute
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = time.Minute
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 64 << 10
	}
}

// HTTPServer is the http.Server for this router with the limits applied.
//
// The body deadline is set per request, from the end of the headers,
// rather than with http.Server.ReadTimeout, which counts from the first
// byte of the request (slow headers would eat into the body's time) and
// is the same for every route. net/http lifts the read deadline itself
// once the body has been read (when it starts its background read), so a
// long answer such as an export is never cut by it.
//
// handler is what the server serves (the API mounted beside the web pages);
// nil serves the API alone.
func (s *Server) HTTPServer(handler http.Handler, l HTTPLimits, errorLog *log.Logger) *http.Server {
	l.defaults()
	if handler == nil {
		handler = s.Handler()
	}
	return &http.Server{
		Handler:           s.closeWhenDraining(bodyDeadline(handler, l)),
		ReadHeaderTimeout: l.HeaderTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          errorLog,
	}
}

// closeWhenDraining answers with "Connection: close" once Drain was
// called: during the shutdown delay connections keep being accepted and
// served, and each keep-alive connection is closed by the server right
// after its next answer, never under a request the client is sending
// (closing idle keep-alive connections at SIGTERM reset 20–66 requests per
// run at 32 concurrent clients).
func (s *Server) closeWhenDraining(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

type uploadAllowanceKey struct{}

// bodyDeadline gives each request with a body BodyTimeout to send it.
func bodyDeadline(next http.Handler, l HTTPLimits) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(l.BodyTimeout)); err != nil {
			next.ServeHTTP(w, r) // not a real connection (a test recorder)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), uploadAllowanceKey{}, func() {
			rc.SetReadDeadline(time.Now().Add(l.UploadTimeout))
		}))
		next.ServeHTTP(w, r)
	})
}

// allowUpload gives the body of r the upload allowance instead of the
// ordinary body timeout; readUpload calls it before reading the workbook.
func allowUpload(r *http.Request) {
	if f, ok := r.Context().Value(uploadAllowanceKey{}).(func()); ok {
		f()
	}
}
