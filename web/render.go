package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"firstask/models"
	"firstask/reports"
)

// pageTemplate is one page parsed together with the layout.
type pageTemplate struct{ t *template.Template }

// navItem is one link of the navigation.
type navItem struct {
	Href, Label string
	Active      bool
	Badge       int64
}

// view is what every template receives: the page's own data in Data and
// what the layout needs around it.
type view struct {
	Lang      string
	Title     string
	Org       string
	Me        models.Staff
	Nav       []navItem
	Flash     string
	RequestID string
	Path      string
	Unread    int64
	Data      any
	h         *Handler
}

// parseTemplates parses each page with the layout.
func (h *Handler) parseTemplates() (map[string]*pageTemplate, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*pageTemplate{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(h.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		out[base] = &pageTemplate{t: t}
	}
	return out, nil
}

// render writes a page inside the layout.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, rq *request, status int, page, title string, data any) {
	v := view{Lang: rq.Lang, Title: title, Org: h.opts.Organisation, Me: rq.Me, RequestID: rq.ID, Path: r.URL.RequestURI(),
		Unread: rq.Unread, Data: data, h: h}
	if rq.signed() {
		v.Nav = navFor(rq, r.URL.Path)
	}
	if r.Method == http.MethodGet {
		v.Flash = takeFlash(w, r)
	}
	var buf bytes.Buffer
	pt, ok := h.pages[page]
	if !ok {
		h.log.Error("no such template: " + page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := pt.t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		h.log.Error("template failed", "page", page, "error", err.Error(), "request_id", rq.ID)
		http.Error(w, "internal error, request id "+rq.ID, http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// navFor lists the pages the role may use: everyone's, then 部门 for
// supervisors, 核实 / 考核周期 / 员工 for HR and admins (supervisors read
// their department's months), 设置 for HR and admins.
func navFor(rq *request, path string) []navItem {
	role := rq.Actor.Role
	items := []navItem{
		{Href: "/home", Label: pick(rq.Lang, "首页", "Home")},
		{Href: "/todo", Label: pick(rq.Lang, "待办", "To do")},
		{Href: "/register", Label: pick(rq.Lang, "登记", "Register")},
		{Href: "/inquiries", Label: pick(rq.Lang, "我登记的", "My registrations")},
		{Href: "/my/score", Label: pick(rq.Lang, "我的考核", "My appraisal")},
	}
	if role == models.RoleSupervisor {
		items = append(items, navItem{Href: "/dept", Label: pick(rq.Lang, "部门", "Department")})
	}
	if role.SeesEveryone() {
		items = append(items, navItem{Href: "/review", Label: pick(rq.Lang, "核实", "Review")})
	}
	if role.SeesEveryone() || role == models.RoleSupervisor {
		items = append(items, navItem{Href: "/periods", Label: pick(rq.Lang, "考核周期", "Months")})
	}
	if role.SeesEveryone() {
		items = append(items, navItem{Href: "/staff", Label: pick(rq.Lang, "员工", "Staff")},
			navItem{Href: "/settings", Label: pick(rq.Lang, "设置", "Settings")})
	}
	items = append(items, navItem{Href: "/notifications", Label: pick(rq.Lang, "通知", "Notifications"), Badge: rq.Unread})
	for i := range items {
		items[i].Active = path == items[i].Href || strings.HasPrefix(path, items[i].Href+"/")
	}
	return items
}

// pick chooses the text of the language.
func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func (h *Handler) funcs() template.FuncMap {
	loc := h.store.Location()
	return template.FuncMap{
		"t":      pick,
		"static": h.static.url,
		"label":  label,
		"when":   func(lang string, t any) string { return formatTime(lang, t, loc) },
		"day":    func(lang string, t any) string { return formatDay(lang, t, loc) },
		"left":   func(lang string, deadline time.Time) string { return remaining(lang, deadline, h.store.Now()) },
		"points": formatPoints,
		"score":  formatScore,
		"neg":    func(f float64) float64 { return -f },
		"eventnote": func(lang string, kind models.EventKind, note string) string {
			if kind == models.EventCreated {
				return label(lang, "disposition", note)
			}
			return note
		},
		"deref":    derefString,
		"link":     entityLink,
		"refctx":   refctx,
		"itemtext": itemText,
		"clockctx": func(lang string, c any) map[string]any { return map[string]any{"Lang": lang, "Clock": c} },
		// stepctx is what the shared step forms need: the language, the
		// item's address the step is posted under, and the suffix that
		// keeps element ids apart where a page lists several items.
		"problemsctx": func(lang string, p []reports.Problem) map[string]any {
			return map[string]any{"Lang": lang, "Problems": p}
		},
		// deptctx is what the shared fields of the department page's two
		// forms need: the language, the forms' id prefix, the form, the
		// people to choose from and the signed-in person (not offered).
		"deptctx": func(lang, prefix string, f FormView, people []models.Staff, me int64) map[string]any {
			return map[string]any{"Lang": lang, "P": prefix, "Form": f, "People": people, "Me": me}
		},
		"stepctx": func(lang, action string, n any) map[string]any {
			return map[string]any{"Lang": lang, "Action": action, "N": n}
		},
		"deref64": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"list": func(s ...string) []string { return s },
		"field": func(f FormView, name string) string {
			return f.Values[name]
		},
		"fielderr": func(f FormView, name string) string {
			return f.Errors[name]
		},
		"add":    func(a, b int) int { return a + b },
		"vctx":   vctx,
		"hasday": func(ds []time.Weekday, d time.Weekday) bool { return slices.Contains(ds, d) },
		"weekday": func(lang string, d time.Weekday) string {
			if lang == "en" {
				return d.String()[:3]
			}
			return "周" + []string{"日", "一", "二", "三", "四", "五", "六"}[d]
		},
		"dtlocal": func(t time.Time) string { return t.In(loc).Format("2006-01-02T15:04") },
	}
}

func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// formatScore writes a score without a sign: 92.5.
func formatScore(p float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", p), "0"), ".")
}

// formatPoints writes points with their sign.
func formatPoints(p float64) string {
	if p == 0 { // also −0, from negating nothing deducted
		return "0"
	}
	s := formatScore(p)
	if p > 0 {
		return "+" + s
	}
	if p < 0 {
		return "−" + strings.TrimPrefix(s, "-")
	}
	return s
}

// formatTime writes an instant as people write it in the organisation's
// zone: 11月30日 14:05 (with the year when it is not this year).
func formatTime(lang string, v any, loc *time.Location) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	t = t.In(loc)
	now := time.Now().In(loc)
	if lang == "en" {
		if t.Year() != now.Year() {
			return t.Format("2 Jan 2006 15:04")
		}
		return t.Format("2 Jan 15:04")
	}
	if t.Year() != now.Year() {
		return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
	}
	return fmt.Sprintf("%d月%d日 %02d:%02d", t.Month(), t.Day(), t.Hour(), t.Minute())
}

// formatDay writes a date alone: 11月30日.
func formatDay(lang string, v any, loc *time.Location) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	t = t.In(loc)
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil {
			return time.Time{}, false
		}
		return *t, !t.IsZero()
	}
	return time.Time{}, false
}

// remaining words the time to a deadline: 还剩 1 小时 20 分 / 已超时 35 分.
func remaining(lang string, deadline, now time.Time) string {
	d := deadline.Sub(now)
	over := d < 0
	if over {
		d = -d
	}
	mins := int64(d / time.Minute)
	days, hours, m := mins/(24*60), mins/60%24, mins%60
	var zh, en []string
	if days > 0 {
		zh, en = append(zh, fmt.Sprintf("%d 天", days)), append(en, fmt.Sprintf("%d d", days))
	}
	if hours > 0 {
		zh, en = append(zh, fmt.Sprintf("%d 小时", hours)), append(en, fmt.Sprintf("%d h", hours))
	}
	if days == 0 && (m > 0 || hours == 0) {
		zh, en = append(zh, fmt.Sprintf("%d 分", m)), append(en, fmt.Sprintf("%d min", m))
	}
	if over {
		return pick(lang, "已超时 "+strings.Join(zh, " "), strings.Join(en, " ")+" overdue")
	}
	return pick(lang, "还剩 "+strings.Join(zh, " "), strings.Join(en, " ")+" left")
}
