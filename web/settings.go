package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"firstask/models"
	"firstask/scoring"
	"firstask/worktime"
)

// settingsView is 设置: the working calendar of a year, the rule set in
// force and its versions, the audit check; for admins the role grants and
// webhooks.
type settingsView struct {
	Year           int
	Years          []int
	Calendar       models.CalendarView
	Holidays       []worktime.Date
	Makeup         []worktime.Date
	Estimated      bool
	CalForm        FormView
	Rules          models.RuleSetVersion
	RulesJSON      string
	Versions       []models.RuleSetVersion
	RuleForm       FormView
	Admin          bool
	Audit          *models.AuditVerification
	Webhooks       []models.Webhook
	HookForm       FormView
	NewSecret      string
	Privileged     []models.Staff
	RoleForm       FormView
	Weekdays       []time.Weekday
	CurrentMonth   scoring.Month
	DeptNames      map[int64]string
	GrantableRoles []models.Role
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderSettings(w, r, rq, http.StatusOK, settingsView{})
}

func (h *Handler) renderSettings(w http.ResponseWriter, r *http.Request, rq *request, status int, v settingsView) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	ctx, a := r.Context(), rq.Actor
	now := h.store.Now().In(h.store.Location())
	if v.Year == 0 {
		v.Year, _ = strconv.Atoi(r.URL.Query().Get("year"))
		if v.Year < 2000 || v.Year > 2100 {
			v.Year = now.Year()
		}
	}
	v.Years = []int{now.Year() - 1, now.Year(), now.Year() + 1}
	v.Admin = rq.Actor.Role == models.RoleAdmin
	v.Weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var err error
	if v.Calendar, err = h.store.GetCalendar(ctx, a); err != nil {
		return err
	}
	for _, d := range v.Calendar.Holidays {
		if d.Year == v.Year {
			v.Holidays = append(v.Holidays, d)
		}
	}
	for _, d := range v.Calendar.MakeupWorkdays {
		if d.Year == v.Year {
			v.Makeup = append(v.Makeup, d)
		}
	}
	// A year's dates are estimates when nothing official backs them: no
	// holiday at all, or the built-in list still in use for a year the
	// State Council's arrangement (as the library knows it) does not cover.
	v.Estimated = len(v.Holidays) == 0 || (v.Calendar.IsDefault && len(worktime.ChinaDays(v.Year)) == 0)
	if v.CalForm.Values == nil {
		v.CalForm.Values = map[string]string{"holidays": joinDates(v.Holidays), "makeup": joinDates(v.Makeup),
			"day_start": v.Calendar.DayStart, "day_end": v.Calendar.DayEnd}
	}
	v.CurrentMonth = scoring.MonthOf(h.store.Now(), h.store.Location())
	if v.Rules, err = h.store.EffectiveRules(ctx, a, v.CurrentMonth); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(v.Rules.Rules, "", "  ")
	v.RulesJSON = string(b)
	if v.Versions, _, err = h.store.ListRuleVersions(ctx, a, models.Page{Number: 1, Size: 50}); err != nil {
		return err
	}
	if v.RuleForm.Values == nil {
		v.RuleForm.Values = map[string]string{"rules": v.RulesJSON, "effective_from": v.CurrentMonth.AddMonths(1).String()}
	}
	if v.Admin {
		if v.Webhooks, err = h.store.ListWebhooks(ctx, a); err != nil {
			return err
		}
		v.DeptNames = map[int64]string{}
		ds, err := h.store.ListDepartments(ctx, a)
		if err != nil {
			return err
		}
		for _, d := range ds {
			v.DeptNames[d.ID] = d.Name
		}
		for _, role := range []models.Role{models.RoleAdmin, models.RoleHR} {
			ps, _, err := h.store.ListStaff(ctx, a, models.StaffFilter{Role: role, Active: ptrBool(true), Page: models.Page{Number: 1, Size: models.MaxPageSize}})
			if err != nil {
				return err
			}
			v.Privileged = append(v.Privileged, ps...)
		}
		v.GrantableRoles = models.AllRoles
	}
	h.render(w, r, rq, status, "settings", pick(rq.Lang, "设置", "Settings"), v)
	return nil
}

func joinDates(ds []worktime.Date) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return strings.Join(out, "\n")
}

// parseDates reads dates one per line (or separated by commas or spaces).
func parseDates(s string) ([]worktime.Date, string) {
	var out []worktime.Date
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '，' || r == '、' }) {
		d, err := worktime.ParseDate(strings.TrimSpace(f))
		if err != nil {
			return nil, f
		}
		out = append(out, d)
	}
	return out, ""
}

// saveCalendar replaces one year's holidays and 调休 days (and the working
// hours and weekdays) and saves the whole calendar.
func (h *Handler) saveCalendar(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PostFormValue("year"))
	if err != nil || year < 2000 || year > 2100 {
		return models.Errorf(models.EMalformed, "bad year")
	}
	v := settingsView{Year: year, CalForm: FormView{Values: map[string]string{"holidays": r.PostFormValue("holidays"), "makeup": r.PostFormValue("makeup"),
		"day_start": strings.TrimSpace(r.PostFormValue("day_start")), "day_end": strings.TrimSpace(r.PostFormValue("day_end"))}, Errors: map[string]string{}}}
	cv, err := h.store.GetCalendar(r.Context(), rq.Actor)
	if err != nil {
		return err
	}
	c := cv.Calendar
	hol, bad := parseDates(v.CalForm.Values["holidays"])
	if bad != "" {
		v.CalForm.Errors["holidays"] = pick(rq.Lang, "日期格式应为 YYYY-MM-DD：", "Dates are YYYY-MM-DD: ") + bad
	}
	mk, bad := parseDates(v.CalForm.Values["makeup"])
	if bad != "" {
		v.CalForm.Errors["makeup"] = pick(rq.Lang, "日期格式应为 YYYY-MM-DD：", "Dates are YYYY-MM-DD: ") + bad
	}
	for _, d := range append(slices.Clone(hol), mk...) {
		if d.Year != year {
			v.CalForm.Errors["holidays"] = pick(rq.Lang, "只能填写 "+strconv.Itoa(year)+" 年的日期："+d.String(), "Only dates of "+strconv.Itoa(year)+": "+d.String())
		}
	}
	if len(v.CalForm.Errors) == 0 {
		keep := func(ds []worktime.Date) []worktime.Date {
			return slices.DeleteFunc(slices.Clone(ds), func(d worktime.Date) bool { return d.Year == year })
		}
		c.Holidays = append(keep(c.Holidays), hol...)
		c.MakeupWorkdays = append(keep(c.MakeupWorkdays), mk...)
		slices.SortFunc(c.Holidays, worktime.Date.Compare)
		slices.SortFunc(c.MakeupWorkdays, worktime.Date.Compare)
		c.DayStart, c.DayEnd = v.CalForm.Values["day_start"], v.CalForm.Values["day_end"]
		var wds []time.Weekday
		for _, s := range r.PostForm["weekday"] {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 6 {
				wds = append(wds, time.Weekday(n))
			}
		}
		c.Weekdays = wds
		_, err = h.store.PutCalendar(r.Context(), rq.Actor, c)
		if fe, ok := fieldErrors(err); ok {
			for k, m := range fe {
				field := k
				switch {
				case strings.HasPrefix(k, "holidays"):
					field = "holidays"
				case strings.HasPrefix(k, "makeup"):
					field = "makeup"
				case strings.HasPrefix(k, "weekdays"):
					field = "weekday"
				}
				v.CalForm.Errors[field] = k + ": " + m
			}
		} else if err != nil {
			return err
		} else {
			return h.redirect(w, r, "/settings?year="+strconv.Itoa(year)+"#calendar", pick(rq.Lang, "工作日历已保存。", "Calendar saved."))
		}
	}
	return h.renderSettings(w, r, rq, http.StatusUnprocessableEntity, v)
}

// saveRules stores a new rule set version (admin); problems are shown at
// their path in the document.
func (h *Handler) saveRules(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.Actor.Role != models.RoleAdmin {
		return notFound()
	}
	v := settingsView{RuleForm: FormView{Values: map[string]string{"rules": r.PostFormValue("rules"), "effective_from": strings.TrimSpace(r.PostFormValue("effective_from")),
		"note": r.PostFormValue("note")}, Errors: map[string]string{}}}
	raw := json.RawMessage(strings.TrimSpace(v.RuleForm.Values["rules"]))
	if !json.Valid(raw) {
		v.RuleForm.Errors["rules"] = pick(rq.Lang, "不是有效的 JSON 文档。", "Not a valid JSON document.")
		return h.renderSettings(w, r, rq, http.StatusUnprocessableEntity, v)
	}
	rv, err := h.store.CreateRuleVersion(r.Context(), rq.Actor, models.RuleSetInput{EffectiveFrom: v.RuleForm.Values["effective_from"], Rules: raw, Note: v.RuleForm.Values["note"]})
	if fe, ok := fieldErrors(err); ok {
		v.RuleForm.Errors = fe
		return h.renderSettings(w, r, rq, http.StatusUnprocessableEntity, v)
	}
	if models.ErrorCode(err) == models.EConflict {
		v.RuleForm.Errors["effective_from"] = models.ErrorMessage(err)
		return h.renderSettings(w, r, rq, http.StatusConflict, v)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/settings#rules", pick(rq.Lang, "已保存规则版本 v", "Saved rule set v")+strconv.FormatInt(rv.Version, 10))
}

// verifyAudit walks the audit chain on request (it reads every entry).
func (h *Handler) verifyAudit(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	res, err := h.store.VerifyAudit(r.Context(), rq.Actor)
	if err != nil {
		return err
	}
	return h.renderSettings(w, r, rq, http.StatusOK, settingsView{Audit: &res})
}

// grantRole changes a person's role by employee number (admin).
func (h *Handler) grantRole(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.Actor.Role != models.RoleAdmin {
		return notFound()
	}
	no, role := strings.TrimSpace(r.PostFormValue("employee_no")), models.Role(r.PostFormValue("role"))
	v := settingsView{RoleForm: FormView{Values: map[string]string{"employee_no": no, "role": string(role)}, Errors: map[string]string{}}}
	ps, _, err := h.store.ListStaff(r.Context(), rq.Actor, models.StaffFilter{Query: no, Page: models.Page{Number: 1, Size: 20}})
	if err != nil {
		return err
	}
	var target *models.Staff
	for i := range ps {
		if strings.EqualFold(ps[i].EmployeeNo, no) {
			target = &ps[i]
		}
	}
	if target == nil {
		v.RoleForm.Errors["employee_no"] = pick(rq.Lang, "没有此工号", "No such employee number")
		return h.renderSettings(w, r, rq, http.StatusUnprocessableEntity, v)
	}
	_, err = h.store.UpdateStaff(r.Context(), rq.Actor, target.ID, models.StaffInput{Role: &role})
	if fe, ok := fieldErrors(err); ok {
		v.RoleForm.Errors = translateErrors(rq.Lang, fe)
		return h.renderSettings(w, r, rq, http.StatusUnprocessableEntity, v)
	}
	if c := models.ErrorCode(err); c == models.EForbidden || c == models.EConflict {
		v.RoleForm.Errors["employee_no"] = staffRefusal(rq.Lang, err)
		return h.renderSettings(w, r, rq, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/settings#roles", target.Name+" → "+label(rq.Lang, "role", role))
}

// createWebhook adds a webhook (admin); a generated secret is shown once.
func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.Actor.Role != models.RoleAdmin {
		return notFound()
	}
	v := settingsView{HookForm: FormView{Values: map[string]string{"url": strings.TrimSpace(r.PostFormValue("url")), "events": r.PostFormValue("events"),
		"description": r.PostFormValue("description")}, Errors: map[string]string{}}}
	var events []string
	for _, e := range strings.FieldsFunc(v.HookForm.Values["events"], func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '，' }) {
		events = append(events, strings.TrimSpace(e))
	}
	created, err := h.store.CreateWebhook(r.Context(), rq.Actor, models.WebhookInput{URL: v.HookForm.Values["url"], Events: events, Description: strings.TrimSpace(v.HookForm.Values["description"])})
	if fe, ok := fieldErrors(err); ok {
		v.HookForm.Errors = translateErrors(rq.Lang, fe)
		return h.renderSettings(w, r, rq, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	v = settingsView{NewSecret: created.Secret}
	return h.renderSettings(w, r, rq, http.StatusCreated, v)
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.Actor.Role != models.RoleAdmin {
		return notFound()
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	if err := h.store.DeleteWebhook(r.Context(), rq.Actor, id); err != nil {
		return err
	}
	return h.redirect(w, r, "/settings#webhooks", pick(rq.Lang, "已删除。", "Deleted."))
}

// deliveriesView is one webhook's delivery log.
type deliveriesView struct {
	Webhook models.Webhook
	Items   []models.DeliveryLog
	Total   int64
	Page    int
	More    bool
}

func (h *Handler) webhookDeliveries(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.Actor.Role != models.RoleAdmin {
		return notFound()
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	hooks, err := h.store.ListWebhooks(r.Context(), rq.Actor)
	if err != nil {
		return err
	}
	v := deliveriesView{Page: pageParam(r, "page")}
	found := false
	for _, wh := range hooks {
		if wh.ID == id {
			v.Webhook, found = wh, true
		}
	}
	if !found {
		return notFound()
	}
	if v.Items, v.Total, err = h.store.ListDeliveries(r.Context(), rq.Actor, id, models.Page{Number: v.Page, Size: 50}); err != nil {
		return err
	}
	v.More = int64(v.Page*50) < v.Total
	h.render(w, r, rq, http.StatusOK, "deliveries", pick(rq.Lang, "投递记录", "Deliveries")+" · "+v.Webhook.URL, v)
	return nil
}
