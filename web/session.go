package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"firstask/models"
)

// Cookie names. The session cookie holds the same kind of token as the
// API's bearer token: random, stored only as a hash, revocable.
const (
	sessionCookie = "fa_session"
	langCookie    = "fa_lang"
	flashCookie   = "fa_flash"
)

// idleSessions remembers when each session was last used, so that a
// session unused for IdleTimeout ends even though its token is still
// within its absolute lifetime. It lives in memory: after a restart a
// session's idle time counts from its next request (docs/decisions.md).
type idleSessions struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

func newIdleSessions() *idleSessions { return &idleSessions{seen: map[string]time.Time{}} }

// touch records a use at now and reports whether the session had been idle
// longer than limit.
func (s *idleSessions) touch(hash string, now time.Time, limit time.Duration) (expired bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if last, ok := s.seen[hash]; ok && now.Sub(last) > limit {
		delete(s.seen, hash)
		return true
	}
	s.seen[hash] = now
	if len(s.seen) > 100000 { // drop the long idle to bound memory
		for k, t := range s.seen {
			if now.Sub(t) > limit {
				delete(s.seen, k)
			}
		}
	}
	return false
}

func (s *idleSessions) forget(hash string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.seen, hash)
}

// secureRequest reports whether cookies should be marked Secure.
func (h *Handler) secureRequest(r *http.Request) bool { return h.opts.SecureCookies || r.TLS != nil }

// loadSession resolves the session cookie into the signed-in person.
func (h *Handler) loadSession(w http.ResponseWriter, r *http.Request, rq *request) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return
	}
	ctx := r.Context()
	hash := models.HashToken(c.Value)
	if h.idle.touch(hash, time.Now(), h.opts.IdleTimeout) {
		st, err := h.store.Authenticate(ctx, c.Value)
		if err == nil {
			_ = h.store.Logout(ctx, actorOf(st, rq.ID), c.Value)
		}
		h.clearSession(w, r)
		setFlash(w, r, h.opts.SecureCookies, pick(rq.Lang, "长时间未操作，已自动退出，请重新登录。", "You were signed out after a while without activity; please sign in again."))
		return
	}
	st, err := h.store.Authenticate(ctx, c.Value)
	if err != nil {
		h.idle.forget(hash)
		h.clearSession(w, r)
		return
	}
	rq.Me, rq.Actor, rq.token = st, actorOf(st, rq.ID), c.Value
	if _, _, n, err := h.store.ListNotifications(ctx, rq.Actor, models.NotificationFilter{UnreadOnly: true, Page: models.Page{Number: 1, Size: 1}}); err == nil {
		rq.Unread = n
	}
}

func actorOf(st models.Staff, requestID string) models.Actor {
	return models.Actor{StaffID: st.ID, Role: st.Role, DepartmentID: st.DepartmentID, RequestID: requestID}
}

func (h *Handler) setSession(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secureRequest(r)})
}

func (h *Handler) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secureRequest(r)})
}

// root sends people to their home page or to sign in.
func (h *Handler) root(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.signed() {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	}
	return nil
}

// loginView is the sign-in form.
type loginView struct {
	Next       string
	EmployeeNo string
	Error      string
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.signed() {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return nil
	}
	h.render(w, r, rq, http.StatusOK, "login", pick(rq.Lang, "登录", "Sign in"), loginView{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

// safeNext keeps only a local path to return to after signing in.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/home"
	}
	return next
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request, rq *request) error {
	no, pw := strings.TrimSpace(r.PostFormValue("employee_no")), r.PostFormValue("password")
	v := loginView{Next: safeNext(r.PostFormValue("next")), EmployeeNo: no}
	again := func(status int, msg string) error {
		v.Error = msg
		h.render(w, r, rq, status, "login", pick(rq.Lang, "登录", "Sign in"), v)
		return nil
	}
	if no == "" || pw == "" {
		return again(http.StatusUnprocessableEntity, pick(rq.Lang, "请输入工号和密码。", "Enter your employee number and password."))
	}
	sess, err := h.store.SignIn(r.Context(), rq.ID, no, pw, clientIP(r), h.opts.SessionTTL)
	var te *models.ThrottledError
	switch {
	case errors.As(err, &te):
		mins := int(math.Ceil(te.Wait.Minutes()))
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(te.Wait.Seconds()))))
		return again(http.StatusTooManyRequests, pick(rq.Lang, fmt.Sprintf("登录失败次数过多，请 %d 分钟后再试。", mins), fmt.Sprintf("Too many failed sign-ins; try again in %d minutes.", mins)))
	case models.ErrorCode(err) == models.EUnauthorized:
		return again(http.StatusUnauthorized, pick(rq.Lang, "工号或密码错误。", "Wrong employee number or password."))
	case models.ErrorCode(err) == models.EInvalid:
		return again(http.StatusUnprocessableEntity, pick(rq.Lang, "工号格式不正确。", "That is not a valid employee number."))
	case err != nil:
		return err
	}
	h.idle.touch(models.HashToken(sess.Token), time.Now(), h.opts.IdleTimeout)
	h.setSession(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := h.store.Logout(r.Context(), rq.Actor, rq.token); err != nil {
		return err
	}
	h.idle.forget(models.HashToken(rq.token))
	h.clearSession(w, r)
	return h.redirect(w, r, "/login", pick(rq.Lang, "您已退出。", "You are signed out."))
}

// FormView is a form shown again with the values entered and the problems
// found, each next to its field.
type FormView struct {
	Values map[string]string
	Errors map[string]string
}

func (h *Handler) passwordForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	h.render(w, r, rq, http.StatusOK, "password", pick(rq.Lang, "修改密码", "Change password"), FormView{})
	return nil
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, rq *request) error {
	cur, nw := r.PostFormValue("current_password"), r.PostFormValue("new_password")
	if nw != r.PostFormValue("confirm_password") {
		h.render(w, r, rq, http.StatusUnprocessableEntity, "password", pick(rq.Lang, "修改密码", "Change password"),
			FormView{Errors: map[string]string{"confirm_password": pick(rq.Lang, "两次输入的新密码不一致", "does not match the new password")}})
		return nil
	}
	err := h.store.ChangePassword(r.Context(), rq.Actor, rq.token, cur, nw)
	if fe, ok := fieldErrors(err); ok {
		h.render(w, r, rq, http.StatusUnprocessableEntity, "password", pick(rq.Lang, "修改密码", "Change password"), FormView{Errors: fe})
		return nil
	} else if err != nil {
		return err
	}
	return h.redirect(w, r, "/home", pick(rq.Lang, "密码已修改，其他设备上的登录已退出。", "Password changed; your other sessions were signed out."))
}

// langOf is the language the person chose (Chinese unless English).
func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "zh"
}

// setLang remembers the chosen language for a year.
func (h *Handler) setLang(w http.ResponseWriter, r *http.Request, rq *request) error {
	lang := "zh"
	if r.PostFormValue("lang") == "en" {
		lang = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secureRequest(r)})
	http.Redirect(w, r, safeNext(r.PostFormValue("back")), http.StatusSeeOther)
	return nil
}

// setFlash leaves a message for the next page shown.
func setFlash(w http.ResponseWriter, r *http.Request, secure bool, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(msg)), Path: "/",
		MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure || r.TLS != nil})
}

// takeFlash reads and clears the flash message.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(b) > 500 {
		return ""
	}
	return string(b)
}
