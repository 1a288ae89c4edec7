package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// historyMonths is how many earlier months 我的考核 shows.
const historyMonths = 6

// scoreItem is one applied record of the month, with the record's state.
type scoreItem struct {
	scoring.Item
	State string
}

// monthSummary is one earlier month in the table and chart.
type monthSummary struct {
	Month  scoring.Month
	Final  float64
	Grade  scoring.Grade
	Closed bool
}

// scoreView is 我的考核.
type scoreView struct {
	Month      scoring.Month
	Score      models.StaffScore
	Closed     bool
	PraiseCap  float64
	Items      []scoreItem
	History    []monthSummary
	Chart      template.HTML
	Violations []models.ConductViolation
	Praise     []models.Praise
	Errors     map[string]string
	ErrorFor   int64
}

func (h *Handler) myScore(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderScore(w, r, rq, http.StatusOK, nil, 0)
}

func (h *Handler) renderScore(w http.ResponseWriter, r *http.Request, rq *request, status int, fe map[string]string, errFor int64) error {
	ctx := r.Context()
	cur := scoring.MonthOf(h.store.Now(), h.store.Location())
	month := cur
	if m, err := scoring.ParseMonth(r.URL.Query().Get("month")); err == nil {
		month = m
	}
	ms, err := h.store.MonthScoresOf(ctx, rq.Actor, month, rq.Me.ID)
	if err != nil {
		return err
	}
	v := scoreView{Month: month, Score: ms.Results[0], Closed: ms.Closed, PraiseCap: ms.Rules.PraiseCap, Errors: fe, ErrorFor: errFor}
	states := map[string]string{}
	for _, rec := range ms.Records {
		states[string(rec.Kind)+strconv.FormatInt(rec.ID, 10)] = rec.State
	}
	for _, it := range v.Score.Items {
		v.Items = append(v.Items, scoreItem{Item: it, State: states[string(it.Kind)+strconv.FormatInt(it.RecordID, 10)]})
	}
	for i := historyMonths; i >= 1; i-- {
		m := month.AddMonths(-i)
		hs, err := h.store.MonthScoresOf(ctx, rq.Actor, m, rq.Me.ID)
		if err != nil {
			return err
		}
		res := hs.Results[0]
		v.History = append(v.History, monthSummary{Month: m, Final: res.Final, Grade: res.Grade, Closed: hs.Closed})
	}
	v.Chart = scoreChart(append(v.History, monthSummary{Month: month, Final: v.Score.Final, Grade: v.Score.Grade, Closed: v.Closed}), rq.Lang)
	c, err := h.store.MyConduct(ctx, rq.Actor)
	if err != nil {
		return err
	}
	v.Violations, v.Praise = c.Violations, c.Praise
	h.render(w, r, rq, status, "score", pick(rq.Lang, "我的考核", "My appraisal"), v)
	return nil
}

// scoreChart draws the final scores as a small SVG line chart on the
// server: no script, no inline styles (the CSP allows none).
func scoreChart(ms []monthSummary, lang string) template.HTML {
	const w, h, left, right, top, bottom = 640, 200, 44, 28, 14, 30
	lo, hi := 60.0, 100.0
	for _, m := range ms {
		if m.Final < lo {
			lo = m.Final - 5
		}
		if m.Final > hi {
			hi = m.Final + 5
		}
	}
	x := func(i int) float64 {
		if len(ms) < 2 {
			return left
		}
		return left + float64(i)*float64(w-left-right)/float64(len(ms)-1)
	}
	y := func(p float64) float64 { return top + (hi-p)*float64(h-top-bottom)/(hi-lo) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h,
		template.HTMLEscapeString(pick(lang, "近几个月的最终得分", "Final score of recent months")))
	for _, g := range []float64{lo, (lo + hi) / 2, hi} {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d7dce4"/>`, left, w-right, y(g), y(g))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="15" text-anchor="end" fill="#5b6475">%.0f</text>`, left-4, y(g)+4, g)
	}
	var pts []string
	for i, m := range ms {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(m.Final)))
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#1f5fbf" stroke-width="2"/>`, strings.Join(pts, " "))
	for i, m := range ms {
		fill := "#1f5fbf"
		if !m.Closed {
			fill = "#ffffff" // provisional: hollow
		}
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s" stroke="#1f5fbf" stroke-width="2"><title>%s %s</title></circle>`,
			x(i), y(m.Final), fill, m.Month, formatScore(m.Final))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="15" text-anchor="middle" fill="#5b6475">%s</text>`, x(i), h-10, m.Month.String()[2:])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// appeal records the person's appeal of one of their verified violations.
func (h *Handler) appeal(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return models.Errorf(models.ENotFound, "no such violation")
	}
	_, err = h.store.AppealViolation(r.Context(), rq.Actor, id, models.AppealInput{Explanation: r.PostFormValue("explanation")})
	if fe, ok := fieldErrors(err); ok {
		return h.renderScore(w, r, rq, http.StatusUnprocessableEntity, translateErrors(rq.Lang, fe), id)
	} else if models.ErrorCode(err) == models.EConflict {
		return h.redirect(w, r, "/my/score", pick(rq.Lang, "无法申诉：", "Cannot appeal: ")+models.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	return h.redirect(w, r, "/my/score#v"+strconv.FormatInt(id, 10), pick(rq.Lang, "申诉已提交，人力资源部将处理。", "Appeal sent; HR will decide."))
}

// mySheet is the personal appraisal sheet, the same workbook as GET
// /api/v1/me/appraisal/{month}.xlsx, for the signed-in person.
func (h *Handler) mySheet(w http.ResponseWriter, r *http.Request, rq *request) error {
	month, err := monthParam(r)
	if err != nil {
		return err
	}
	return h.sheetOf(w, r, rq, month, rq.Me.ID)
}

// sheetOf writes one person's sheet for a month, if the actor may see it.
func (h *Handler) sheetOf(w http.ResponseWriter, r *http.Request, rq *request, month scoring.Month, staffID int64) error {
	ms, err := h.store.MonthScoresOf(r.Context(), rq.Actor, month, staffID)
	if err != nil {
		return err
	}
	lang := reports.LangZH
	if rq.Lang == "en" {
		lang = reports.LangEN
	}
	res := ms.Results[0]
	p := books.PersonalSheet(ms, h.opts.Organisation, lang, h.store.Location(), h.store.Now())
	name := "appraisal-" + res.EmployeeNo + "-" + month.String() + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	return reports.WritePersonalSheet(w, p)
}

// itemText words one applied record: kind, type, severity, sanction, cap.
func itemText(lang string, it scoring.Item) string {
	parts := []string{it.Kind.Label(lang)}
	switch {
	case it.PraiseKind != "":
		parts = append(parts, it.PraiseKind.Label(lang))
	case it.ViolationType != "":
		parts = append(parts, it.ViolationType.Label(lang))
	}
	if it.Severity != "" {
		parts = append(parts, it.Severity.Label(lang))
	}
	if it.Sanction != scoring.SanctionNone && it.Sanction != "" {
		parts = append(parts, it.Sanction.Label(lang))
	}
	if it.Capped {
		parts = append(parts, pick(lang, "超出月度加分上限", "over the monthly praise cap"))
	}
	if it.CarriedOverFrom != nil {
		parts = append(parts, pick(lang, "自 "+it.CarriedOverFrom.String()+" 结转", "carried over from "+it.CarriedOverFrom.String()))
	}
	return strings.Join(parts, " · ")
}
