package web

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"firstask/models"
	"firstask/scoring"
)

// deptView is 部门, the supervisor's page: what is overdue in scope,
// extension requests to decide, this month's scores with the grade
// distribution, and the forms to record praise or report a violation.
type deptView struct {
	Inquiries   []models.Inquiry
	Referrals   []models.Referral
	Extensions  []models.Extension
	Month       scoring.Month
	Closed      bool
	Scores      []models.StaffScore
	Sort        string
	Chart       template.HTML
	Grades      [4]int
	People      []models.Staff
	Praise      FormView
	Violation   FormView
	Types       []scoring.ViolationType
	Severities  []scoring.Severity
	PraiseKinds []scoring.PraiseKind
	Requesters  map[int64]string
}

func (h *Handler) dept(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderDept(w, r, rq, http.StatusOK, FormView{}, FormView{})
}

func (h *Handler) renderDept(w http.ResponseWriter, r *http.Request, rq *request, status int, praise, violation FormView) error {
	if rq.Actor.Role != models.RoleSupervisor {
		return notFound()
	}
	ctx, a := r.Context(), rq.Actor
	v := deptView{Praise: praise, Violation: violation, Types: scoring.AllViolationTypes, Severities: []scoring.Severity{scoring.SeverityMinor, scoring.SeverityOrdinary, scoring.SeveritySerious},
		PraiseKinds: scoring.AllPraiseKinds, Requesters: map[int64]string{}}
	var err error
	page := models.Page{Number: 1, Size: 100}
	if v.Inquiries, _, err = h.store.ListInquiries(ctx, a, models.InquiryFilter{Overdue: true, Page: page}); err != nil {
		return err
	}
	if v.Referrals, _, err = h.store.ListReferrals(ctx, a, models.ReferralFilter{Overdue: true, Page: page}); err != nil {
		return err
	}
	if v.Extensions, _, err = h.store.ListExtensions(ctx, a, models.ExtensionFilter{Status: "pending", Page: page}); err != nil {
		return err
	}
	if v.People, _, err = h.store.ListStaff(ctx, a, models.StaffFilter{Active: ptrBool(true), Page: models.Page{Number: 1, Size: models.MaxPageSize}}); err != nil {
		return err
	}
	for _, p := range v.People {
		v.Requesters[p.ID] = p.Name
	}
	v.Month = scoring.MonthOf(h.store.Now(), h.store.Location())
	if m, err := scoring.ParseMonth(r.URL.Query().Get("month")); err == nil {
		v.Month = m
	}
	ms, err := h.store.MonthResults(ctx, a, v.Month, 0)
	if err != nil {
		return err
	}
	v.Closed, v.Scores = ms.Closed, ms.Results
	v.Sort = sortScores(v.Scores, r.URL.Query().Get("sort"))
	for _, s := range v.Scores {
		if i := s.Grade.Index(); i >= 0 {
			v.Grades[i]++
		}
	}
	v.Chart = gradeChart(v.Grades, rq.Lang)
	h.render(w, r, rq, status, "dept", pick(rq.Lang, "部门", "Department"), v)
	return nil
}

func ptrBool(b bool) *bool { return &b }

// sortScores orders the scores by the column asked for (final score high
// to low by default) and returns the key used.
func sortScores(s []models.StaffScore, key string) string {
	less := map[string]func(a, b models.StaffScore) bool{
		"final":     func(a, b models.StaffScore) bool { return a.Final > b.Final },
		"final_asc": func(a, b models.StaffScore) bool { return a.Final < b.Final },
		"no":        func(a, b models.StaffScore) bool { return a.EmployeeNo < b.EmployeeNo },
		"name":      func(a, b models.StaffScore) bool { return a.Name < b.Name },
		"deductions": func(a, b models.StaffScore) bool {
			return a.Deductions > b.Deductions
		},
	}
	f, ok := less[key]
	if !ok {
		key, f = "final", less["final"]
	}
	sort.SliceStable(s, func(i, j int) bool { return f(s[i], s[j]) })
	return key
}

// gradeChart draws the grade distribution as a bar chart in SVG with
// presentation attributes only (the CSP allows no inline style).
func gradeChart(n [4]int, lang string) template.HTML {
	const w, h, left, bottom = 400, 180, 16, 30
	maxN := 1
	for _, c := range n {
		maxN = max(maxN, c)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="gd-title"><title id="gd-title">%s</title>`, w, h,
		template.HTMLEscapeString(pick(lang, "等级分布", "Grade distribution")))
	colors := []string{"#1d7a3a", "#1f5fbf", "#9a6100", "#b3261e"}
	grades := []scoring.Grade{scoring.GradeA, scoring.GradeB, scoring.GradeC, scoring.GradeD}
	slot := float64(w-2*left) / 4
	for i, c := range n {
		bh := float64(h-bottom-24) * float64(c) / float64(maxN)
		x := float64(left) + slot*float64(i) + slot*0.2
		y := float64(h-bottom) - bh
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %d</title></rect>`, x, y, slot*0.6, bh, colors[i],
			template.HTMLEscapeString(label(lang, "grade", grades[i])), c)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="15" text-anchor="middle" fill="#1d2330">%d</text>`, x+slot*0.3, y-6, c)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="15" text-anchor="middle" fill="#5b6475">%s</text>`, x+slot*0.3, h-10,
			template.HTMLEscapeString(label(lang, "grade", grades[i])))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// deptForm reads the common fields of the praise and violation forms.
func deptForm(r *http.Request, loc *time.Location, names ...string) (FormView, *time.Time, int64, *int64) {
	fv := FormView{Values: map[string]string{}, Errors: map[string]string{}}
	for _, n := range names {
		fv.Values[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	staffID, _ := strconv.ParseInt(fv.Values["staff_id"], 10, 64)
	var at *time.Time
	if t, err := time.ParseInLocation("2006-01-02T15:04", fv.Values["occurred_at"], loc); err == nil {
		at = &t
	} else if fv.Values["occurred_at"] != "" {
		fv.Errors["occurred_at"] = "must be a date and time"
	}
	var inq *int64
	if s := fv.Values["inquiry_id"]; s != "" {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			inq = &id
		} else {
			fv.Errors["inquiry_id"] = "is wrong"
		}
	}
	return fv, at, staffID, inq
}

// recordPraise records praise for someone in the supervisor's scope.
func (h *Handler) recordPraise(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.Actor.Role != models.RoleSupervisor {
		return notFound()
	}
	fv, at, staffID, inq := deptForm(r, h.store.Location(), "staff_id", "kind", "occurred_at", "inquiry_id", "reason")
	if len(fv.Errors) == 0 {
		_, err := h.store.RecordPraise(r.Context(), rq.Actor, models.PraiseInput{StaffID: staffID, Kind: scoring.PraiseKind(fv.Values["kind"]),
			OccurredAt: at, InquiryID: inq, Reason: fv.Values["reason"]})
		if fe, ok := fieldErrors(err); ok {
			fv.Errors = fe
		} else if models.ErrorCode(err) == models.ENotFound {
			fv.Errors["staff_id"] = pick(rq.Lang, "只能选择本部门人员", "Choose someone in your department")
		} else if err != nil {
			return err
		} else {
			return h.redirect(w, r, "/dept", pick(rq.Lang, "表扬已记录。", "Praise recorded."))
		}
	}
	fv.Errors = translateErrors(rq.Lang, fv.Errors)
	return h.renderDept(w, r, rq, http.StatusUnprocessableEntity, fv, FormView{})
}

// reportViolation reports a violation of someone in the supervisor's
// scope; it waits for HR's verification.
func (h *Handler) reportViolation(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.Actor.Role != models.RoleSupervisor {
		return notFound()
	}
	fv, at, staffID, inq := deptForm(r, h.store.Location(), "staff_id", "type", "severity", "occurred_at", "inquiry_id", "description", "evidence")
	if len(fv.Errors) == 0 {
		_, err := h.store.ReportViolation(r.Context(), rq.Actor, models.ViolationInput{StaffID: staffID, Type: scoring.ViolationType(fv.Values["type"]),
			Severity: scoring.Severity(fv.Values["severity"]), OccurredAt: at, InquiryID: inq, Description: fv.Values["description"], Evidence: fv.Values["evidence"]})
		if fe, ok := fieldErrors(err); ok {
			fv.Errors = fe
		} else if models.ErrorCode(err) == models.ENotFound || models.ErrorCode(err) == models.EForbidden {
			fv.Errors["staff_id"] = pick(rq.Lang, "只能选择本部门人员（不含本人）", "Choose someone in your department (not yourself)")
		} else if err != nil {
			return err
		} else {
			return h.redirect(w, r, "/dept", pick(rq.Lang, "违规已报告，等待人力资源部核实。", "Violation reported; HR will verify it."))
		}
	}
	fv.Errors = translateErrors(rq.Lang, fv.Errors)
	return h.renderDept(w, r, rq, http.StatusUnprocessableEntity, FormView{}, fv)
}

// decideExtension approves or refuses an extension request.
func (h *Handler) decideExtension(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.Actor.Role != models.RoleSupervisor && !rq.Actor.Role.SeesEveryone() {
		return notFound()
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	approve := r.PathValue("action") == "approve"
	if !approve && r.PathValue("action") != "refuse" {
		return notFound()
	}
	_, err = h.store.DecideExtension(r.Context(), rq.Actor, id, approve, models.ExtensionDecision{Note: strings.TrimSpace(r.PostFormValue("note"))})
	if fe, ok := fieldErrors(err); ok {
		msg := ""
		for _, m := range translateErrors(rq.Lang, fe) {
			msg = m
		}
		return h.redirect(w, r, "/dept#extensions", pick(rq.Lang, "未能处理延期申请：", "Could not decide: ")+msg)
	}
	if c := models.ErrorCode(err); c == models.EConflict || c == models.EForbidden {
		return h.redirect(w, r, "/dept#extensions", pick(rq.Lang, "未能处理延期申请：", "Could not decide: ")+models.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	return h.redirect(w, r, "/dept#extensions", pick(rq.Lang, map[bool]string{true: "已批准延期。", false: "已拒绝延期。"}[approve], map[bool]string{true: "Extension approved.", false: "Extension refused."}[approve]))
}
