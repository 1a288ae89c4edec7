// Package web serves the pages people use: server-rendered HTML from
// html/template, one stylesheet and a little script, all embedded. It is a
// second adapter beside the API: it calls the same models.Store methods
// with the same actor, so who may see or do what is decided in models
// alone. It never imports the api package.
package web

import (
	"embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"firstask/models"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configures the pages.
type Options struct {
	// Organisation is shown in the header and on receipts.
	Organisation string
	// SessionTTL is a session's absolute lifetime (default 12 h).
	SessionTTL time.Duration
	// IdleTimeout signs a session out after this long without a request
	// (default 30 min).
	IdleTimeout time.Duration
	// SecureCookies marks cookies Secure even when the request did not
	// arrive over TLS (behind a TLS-terminating proxy).
	SecureCookies bool
	// Logger receives internal errors (default: discarded).
	Logger *slog.Logger
}

// Handler serves every page.
type Handler struct {
	store   *models.Store
	opts    Options
	log     *slog.Logger
	pages   map[string]*pageTemplate
	static  *staticFiles
	idle    *idleSessions
	handler http.Handler
}

// New builds the pages' handler.
func New(store *models.Store, opts Options) (*Handler, error) {
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = 30 * time.Minute
	}
	if opts.Organisation == "" {
		opts.Organisation = "firstask"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := loadStatic()
	if err != nil {
		return nil, err
	}
	h := &Handler{store: store, opts: opts, log: opts.Logger, static: st, idle: newIdleSessions()}
	if h.pages, err = h.parseTemplates(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	h.routes(mux)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.errorPage(w, r, newRequest(h, w, r), http.StatusForbidden)
	}))
	h.handler = h.secure(cop.Handler(mux))
	return h, nil
}

// ServeHTTP serves a page.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.handler.ServeHTTP(w, r) }

// Mount sends the API's paths (/api/, the probes and /metrics) to api and
// every other path to the pages.
func Mount(api http.Handler, pages *Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz" || p == "/metrics" {
			api.ServeHTTP(w, r)
			return
		}
		pages.ServeHTTP(w, r)
	})
}

// routes lists every page, so the whole UI can be read here at a glance.
func (h *Handler) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/{name}", h.serveStatic)
	mux.Handle("GET /{$}", h.public(h.root))
	mux.Handle("GET /login", h.public(h.loginForm))
	mux.Handle("POST /login", h.public(h.login))
	mux.Handle("POST /lang", h.public(h.setLang))
	mux.Handle("POST /logout", h.signedIn(h.logout))
	mux.Handle("GET /password", h.signedIn(h.passwordForm))
	mux.Handle("POST /password", h.signedIn(h.changePassword))

	mux.Handle("GET /home", h.signedIn(h.home))
	mux.Handle("GET /notifications", h.signedIn(h.notifications))
	mux.Handle("POST /notifications/read", h.signedIn(h.markRead))

	mux.Handle("GET /my/score", h.signedIn(h.myScore))
	mux.Handle("GET /my/sheet/{month}", h.signedIn(h.mySheet))
	mux.Handle("POST /my/violations/{id}/appeal", h.signedIn(h.appeal))

	mux.Handle("GET /register", h.signedIn(h.registerForm))
	mux.Handle("POST /register", h.signedIn(h.register))
	mux.Handle("GET /referral-targets", h.signedIn(h.referralTargets))
	mux.Handle("GET /inquiries", h.signedIn(h.myInquiries))
	mux.Handle("GET /inquiries/{id}", h.signedIn(h.inquiry))
	mux.Handle("GET /inquiries/{id}/receipt", h.signedIn(h.receipt))
	mux.Handle("POST /inquiries/{id}/{action}", h.signedIn(h.inquiryAction))

	mux.Handle("GET /todo", h.signedIn(h.todo))
	mux.Handle("POST /referrals/{id}/{action}", h.signedIn(h.referralAction))

	mux.Handle("GET /channels", h.signedIn(h.channels))
	mux.Handle("POST /channels", h.signedIn(h.addChannel))
	mux.Handle("POST /channels/{id}/delete", h.signedIn(h.deleteChannel))
	mux.Handle("GET /rules/preview", h.signedIn(h.rulesPreview))
	mux.Handle("POST /rules/preview", h.signedIn(h.previewRulesPage))
	mux.Handle("POST /rules/preview.xlsx", h.signedIn(h.previewRulesWorkbook))
	mux.Handle("POST /rules/preview/save", h.signedIn(h.saveRulesPage))

	mux.Handle("GET /review", h.signedIn(h.review))
	mux.Handle("POST /review/violations/{id}/{action}", h.signedIn(h.reviewAction))

	mux.Handle("GET /periods", h.signedIn(h.periods))
	mux.Handle("GET /periods/{month}", h.signedIn(h.month))
	mux.Handle("GET /periods/{month}/results-template.xlsx", h.signedIn(h.resultsTemplate))
	mux.Handle("POST /periods/{month}/results", h.signedIn(h.uploadResults))
	mux.Handle("GET /periods/{month}/appraisal.xlsx", h.signedIn(h.appraisal))
	mux.Handle("GET /periods/{month}/close", h.signedIn(h.closeForm))
	mux.Handle("POST /periods/{month}/close", h.signedIn(h.closeMonth))
	mux.Handle("GET /periods/{month}/staff/{id}", h.signedIn(h.personScore))
	mux.Handle("GET /periods/{month}/staff/{id}/sheet.xlsx", h.signedIn(h.personSheet))

	mux.Handle("GET /dept", h.signedIn(h.dept))
	mux.Handle("POST /dept/praise", h.signedIn(h.recordPraise))
	mux.Handle("POST /dept/violations", h.signedIn(h.reportViolation))
	mux.Handle("POST /extensions/{id}/{action}", h.signedIn(h.decideExtension))

	mux.Handle("GET /staff", h.signedIn(h.staffList))
	mux.Handle("GET /staff/new", h.signedIn(h.staffNew))
	mux.Handle("POST /staff", h.signedIn(h.staffCreate))
	mux.Handle("GET /staff/import", h.signedIn(h.staffImportForm))
	mux.Handle("GET /staff/import-template.xlsx", h.signedIn(h.staffImportTemplate))
	mux.Handle("POST /staff/import", h.signedIn(h.staffImport))
	mux.Handle("GET /staff/{id}", h.signedIn(h.staffEdit))
	mux.Handle("POST /staff/{id}", h.signedIn(h.staffUpdate))
	mux.Handle("POST /staff/{id}/absences", h.signedIn(h.absenceCreate))
	mux.Handle("POST /staff/{id}/absences/{aid}/{action}", h.signedIn(h.absenceChange))

	mux.Handle("GET /settings", h.signedIn(h.settings))
	mux.Handle("POST /settings/calendar", h.signedIn(h.saveCalendar))
	mux.Handle("POST /settings/rules", h.signedIn(h.saveRules))
	mux.Handle("POST /settings/audit", h.signedIn(h.verifyAudit))
	mux.Handle("POST /settings/roles", h.signedIn(h.grantRole))
	mux.Handle("POST /settings/webhooks", h.signedIn(h.createWebhook))
	mux.Handle("POST /settings/webhooks/{id}/delete", h.signedIn(h.deleteWebhook))
	mux.Handle("GET /settings/webhooks/{id}", h.signedIn(h.webhookDeliveries))

	mux.Handle("/", h.public(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		return models.Errorf(models.ENotFound, "no such page")
	}))
}
