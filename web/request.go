package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"firstask/models"
)

// request is what a page handler knows about the request it answers.
type request struct {
	ID    string
	Lang  string // "zh" or "en"
	Me    models.Staff
	Actor models.Actor
	token string
	// Unread is the signed-in person's unread notification count.
	Unread int64
}

// signed reports whether someone is signed in.
func (rq *request) signed() bool { return rq.Me.ID != 0 }

// pageFunc answers one page; an error it returns becomes the error page
// (or, for a missing session, a redirect to the sign-in page).
type pageFunc func(w http.ResponseWriter, r *http.Request, rq *request) error

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// newRequest reads the request id (or makes one) and the language.
func newRequest(h *Handler, w http.ResponseWriter, r *http.Request) *request {
	id := r.Header.Get("X-Request-ID")
	if !requestIDRE.MatchString(id) {
		b := make([]byte, 8)
		rand.Read(b)
		id = hex.EncodeToString(b)
	}
	return &request{ID: id, Lang: langOf(r)}
}

// public serves a page that needs no session (but knows one if present).
func (h *Handler) public(fn pageFunc) http.Handler {
	return h.wrap(fn, false)
}

// signedIn serves a page only to someone signed in; others are sent to the
// sign-in page and brought back afterwards.
func (h *Handler) signedIn(fn pageFunc) http.Handler {
	return h.wrap(fn, true)
}

func (h *Handler) wrap(fn pageFunc, needSession bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := newRequest(h, w, r)
		w.Header().Set("X-Request-ID", rq.ID)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.log.Error("panic", slog.String("request_id", rq.ID), slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
				h.errorPage(w, r, rq, http.StatusInternalServerError)
			}
		}()
		h.loadSession(w, r, rq)
		if needSession && !rq.signed() {
			back := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				back = "/home"
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(back), http.StatusSeeOther)
			return
		}
		if err := fn(w, r, rq); err != nil {
			h.fail(w, r, rq, err)
		}
	})
}

// fail answers an error a handler returned: what is absent or outside the
// caller's scope is a 404, exactly as the API answers.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	switch models.ErrorCode(err) {
	case models.ENotFound, models.EForbidden:
		h.errorPage(w, r, rq, http.StatusNotFound)
	case models.EUnauthorized:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case models.EMalformed, models.EInvalid:
		h.errorPage(w, r, rq, http.StatusBadRequest)
	case models.EConflict:
		h.errorPage(w, r, rq, http.StatusConflict)
	default:
		h.log.Error("page failed", slog.String("request_id", rq.ID), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		h.errorPage(w, r, rq, http.StatusInternalServerError)
	}
}

// errorView is what the error page shows.
type errorView struct {
	Status  int
	Message string
}

// errorPage renders the error page for status with the request id.
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, rq *request, status int) {
	msgs := map[int][2]string{
		http.StatusForbidden:           {"此请求被拒绝：表单必须从本站提交。", "This request was refused: forms must be sent from this site."},
		http.StatusNotFound:            {"找不到此页面，或您无权查看。", "This page does not exist or is not yours to see."},
		http.StatusBadRequest:          {"请求无法处理。", "The request could not be handled."},
		http.StatusConflict:            {"当前状态下不能执行此操作。", "This cannot be done in the current state."},
		http.StatusInternalServerError: {"服务器出错了，请稍后再试，或把请求编号告诉管理员。", "Something went wrong on our side; try again later or give the request id to the administrator."},
	}
	m := msgs[status]
	if m[0] == "" {
		m = msgs[http.StatusInternalServerError]
	}
	h.render(w, r, rq, status, "error", pick(rq.Lang, fmt.Sprintf("错误 %d", status), fmt.Sprintf("Error %d", status)),
		errorView{Status: status, Message: pick(rq.Lang, m[0], m[1])})
}

// fieldErrors maps the field details of a 422 to their fields; ok is false
// for any other error.
func fieldErrors(err error) (map[string]string, bool) {
	var e *models.Error
	if !errors.As(err, &e) || e.Code != models.EInvalid {
		return nil, false
	}
	out := map[string]string{}
	for _, d := range e.Details {
		if p, ok := d.(models.FieldProblem); ok {
			out[p.Field] = p.Message
		}
	}
	if len(out) == 0 {
		out["_"] = e.Message
	}
	return out, true
}

// secure sets the headers every answer carries: a strict CSP without
// unsafe-inline, no framing, no sniffing, no referrer to other sites.
func (h *Handler) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// redirect answers a successful POST: 303 to the page to show next, with
// a flash message to show there.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		setFlash(w, r, h.opts.SecureCookies, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// pathID reads the {id} of a page's path: ASCII digits only, so that "+1"
// is not a second address of record 1 (the API's rule too).
func pathID(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(v, 10, 64)
}
