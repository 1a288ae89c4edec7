package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"firstask/models"
)

// RegisterView is the registration form: the values typed so far, the
// problems found and the lists to choose from.
type RegisterView struct {
	FormView
	Departments []models.Department
	Targets     []models.ReferralTarget
	Channels    []models.Channel
	Categories  []models.Category
	Disps       []models.Disposition
}

func (h *Handler) buildRegister(r *http.Request, rq *request, f FormView) (RegisterView, error) {
	depts, err := h.store.ListDepartments(r.Context(), rq.Actor)
	if err != nil {
		return RegisterView{}, err
	}
	active := depts[:0]
	for _, d := range depts {
		if d.Active {
			active = append(active, d)
		}
	}
	v := RegisterView{FormView: f, Departments: active, Channels: models.AllChannels, Categories: models.AllCategories, Disps: models.AllDispositions}
	if f.Values == nil {
		v.Values = map[string]string{"channel": "visit", "category": "consultation"}
	}
	if id, _ := strconv.ParseInt(v.Values["to_department_id"], 10, 64); id > 0 {
		if v.Targets, err = h.store.ReferralTargets(r.Context(), rq.Actor, id); err != nil && models.ErrorCode(err) != models.ENotFound {
			return v, err
		}
	}
	return v, nil
}

func (h *Handler) registerForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := h.buildRegister(r, rq, FormView{})
	if err != nil {
		return err
	}
	h.render(w, r, rq, http.StatusOK, "register", pick(rq.Lang, "登记来访事项", "Register an inquiry"), v)
	return nil
}

// registerFields are the form's inputs, kept to show the form again.
var registerFields = []string{"channel", "visitor_name", "visitor_phone", "visitor_org", "category", "summary",
	"read_back_confirmed", "disposition", "guidance", "to_department_id", "to_staff_id", "note"}

func (h *Handler) register(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return models.Errorf(models.EMalformed, "bad form")
	}
	f := FormView{Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range registerFields {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	again := func(status int) error {
		v, err := h.buildRegister(r, rq, f)
		if err != nil {
			return err
		}
		h.render(w, r, rq, status, "register", pick(rq.Lang, "登记来访事项", "Register an inquiry"), v)
		return nil
	}
	// Without script, choosing a department submits the form to list its
	// people; nothing is saved.
	if r.PostFormValue("pick") != "" {
		return again(http.StatusOK)
	}
	in := models.InquiryInput{}
	str := func(k string) *string {
		s := f.Values[k]
		return &s
	}
	in.Channel, in.VisitorName, in.VisitorPhone, in.VisitorOrg = str("channel"), str("visitor_name"), str("visitor_phone"), str("visitor_org")
	in.Category, in.Summary, in.Guidance = str("category"), str("summary"), str("guidance")
	rb := f.Values["read_back_confirmed"] != ""
	in.ReadBackConfirmed = &rb
	if d := f.Values["disposition"]; d != "" {
		in.Disposition = &d
	}
	if f.Values["disposition"] == string(models.DispositionReferred) {
		ref := &models.ReferralInput{Note: f.Values["note"]}
		if id, err := strconv.ParseInt(f.Values["to_department_id"], 10, 64); err == nil {
			ref.ToDepartmentID = &id
		}
		if id, err := strconv.ParseInt(f.Values["to_staff_id"], 10, 64); err == nil {
			ref.ToStaffID = &id
		}
		in.Referral = ref
	}
	d, err := h.store.CreateInquiry(r.Context(), rq.Actor, in)
	if fe, ok := fieldErrors(err); ok {
		for k, m := range translateErrors(rq.Lang, fe) {
			f.Errors[strings.TrimPrefix(k, "referral.")] = m
		}
		return again(http.StatusUnprocessableEntity)
	} else if err != nil {
		return err
	}
	return h.redirect(w, r, "/inquiries/"+strconv.FormatInt(d.ID, 10),
		pick(rq.Lang, "已登记，编号 "+d.Ref+"。可打印回执交给来访人。", "Registered as "+d.Ref+". Print the receipt for the visitor."))
}

// referralTargets answers the picker's script: names and ids only, from
// the same store call as GET /api/v1/referral-targets.
func (h *Handler) referralTargets(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, _ := strconv.ParseInt(r.URL.Query().Get("department_id"), 10, 64)
	out, err := h.store.ReferralTargets(r.Context(), rq.Actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]any{"items": out})
}

// inquiryRow is one line of 我登记的 with its most pressing clock.
type inquiryRow struct {
	models.Inquiry
	Clock *models.ClockView
}

// urgentClock is the running (or paused) clock with the earliest deadline.
func urgentClock(cs []models.ClockView) *models.ClockView {
	var best *models.ClockView
	for i := range cs {
		c := &cs[i]
		if c.Status == models.ClockStopped {
			continue
		}
		if best == nil || c.DeadlineAt.Before(best.DeadlineAt) {
			best = c
		}
	}
	return best
}

// inquiriesView is the list of my registrations.
type inquiriesView struct {
	Rows   []inquiryRow
	Total  int64
	Page   int
	More   bool
	Status string
}

func (h *Handler) myInquiries(w http.ResponseWriter, r *http.Request, rq *request) error {
	page := pageParam(r, "page")
	status := r.URL.Query().Get("status")
	if status != "" && !slices.Contains(models.AllInquiryStatuses, models.InquiryStatus(status)) {
		status = ""
	}
	items, total, err := h.store.ListInquiries(r.Context(), rq.Actor, models.InquiryFilter{FirstResponderID: rq.Me.ID, Status: status, Page: models.Page{Number: page, Size: 50}})
	if err != nil {
		return err
	}
	v := inquiriesView{Total: total, Page: page, More: int64(page*50) < total, Status: status}
	for _, it := range items {
		v.Rows = append(v.Rows, inquiryRow{Inquiry: it, Clock: urgentClock(it.Clocks)})
	}
	h.render(w, r, rq, http.StatusOK, "inquiries", pick(rq.Lang, "我登记的", "My registrations"), v)
	return nil
}

// inquiryView is the detail page: the record, its timeline and clocks,
// and the actions its state allows.
type inquiryView struct {
	RegisterView
	models.InquiryDetail
	Manage      bool
	Live        bool // a referral is being worked
	Paused      bool
	Names       map[int64]string
	DeptNames   map[int64]string
	Sats        []models.Satisfaction
	ClockKinds  []string
	ErrorAction string
}

func (h *Handler) inquiryDetail(r *http.Request, rq *request) (inquiryView, error) {
	id, err := pathID(r)
	if err != nil {
		return inquiryView{}, models.Errorf(models.ENotFound, "no such inquiry")
	}
	d, err := h.store.GetInquiry(r.Context(), rq.Actor, id)
	if err != nil {
		return inquiryView{}, err
	}
	v := inquiryView{InquiryDetail: d, Sats: models.AllSatisfactions, Paused: d.PausedAt != nil,
		Manage: d.FirstResponderID == rq.Me.ID || rq.Me.Role != models.RoleStaff}
	for _, ref := range d.Referrals {
		if ref.Live() {
			v.Live = true
		}
	}
	v.DeptNames = map[int64]string{}
	if v.RegisterView, err = h.buildRegister(r, rq, FormView{Values: map[string]string{}}); err != nil {
		return v, err
	}
	for _, dep := range v.Departments {
		v.DeptNames[dep.ID] = dep.Name
	}
	// Names of the people on the timeline come from the picker's list of
	// each department involved: names only, as the picker shows them.
	v.Names = map[int64]string{}
	for _, depID := range involvedDepartments(d) {
		ts, err := h.store.ReferralTargets(r.Context(), rq.Actor, depID)
		if err != nil {
			continue
		}
		for _, t := range ts {
			v.Names[t.ID] = t.Name
		}
	}
	return v, nil
}

func involvedDepartments(d models.InquiryDetail) []int64 {
	ids := []int64{d.DepartmentID}
	for _, ref := range d.Referrals {
		if !slices.Contains(ids, ref.ToDepartmentID) {
			ids = append(ids, ref.ToDepartmentID)
		}
	}
	return ids
}

func (h *Handler) inquiry(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := h.inquiryDetail(r, rq)
	if err != nil {
		return err
	}
	h.render(w, r, rq, http.StatusOK, "inquiry", v.Ref, v)
	return nil
}

func (h *Handler) receipt(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := h.inquiryDetail(r, rq)
	if err != nil {
		return err
	}
	h.render(w, r, rq, http.StatusOK, "receipt", pick(rq.Lang, "回执", "Receipt"), v)
	return nil
}

// inquiryAction performs one step on the first responder's side.
func (h *Handler) inquiryAction(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return models.Errorf(models.ENotFound, "no such inquiry")
	}
	ctx, a := r.Context(), rq.Actor
	in := models.InquiryAction{Resolution: strings.TrimSpace(r.PostFormValue("resolution")), Satisfaction: r.PostFormValue("satisfaction"),
		Note: strings.TrimSpace(r.PostFormValue("note")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	action := r.PathValue("action")
	var msg string
	switch action {
	case "referrals":
		ref := models.ReferralInput{Note: in.Note}
		if n, err := strconv.ParseInt(r.PostFormValue("to_department_id"), 10, 64); err == nil {
			ref.ToDepartmentID = &n
		}
		if n, err := strconv.ParseInt(r.PostFormValue("to_staff_id"), 10, 64); err == nil {
			ref.ToStaffID = &n
		}
		_, err = h.store.CreateReferral(ctx, a, id, ref)
		msg = pick(rq.Lang, "已转办。", "Referred.")
	case "resolve":
		_, err = h.store.ResolveInquiry(ctx, a, id, in)
		msg = pick(rq.Lang, "已办结，请回访来访人并记录反馈。", "Resolved; tell the visitor and record the feedback.")
	case "feedback":
		_, err = h.store.FeedbackInquiry(ctx, a, id, in)
		msg = pick(rq.Lang, "反馈已记录。", "Feedback recorded.")
	case "close":
		_, err = h.store.CloseInquiry(ctx, a, id, in)
		msg = pick(rq.Lang, "已关闭。", "Closed.")
	case "pause":
		_, err = h.store.PauseInquiry(ctx, a, id, in)
		msg = pick(rq.Lang, "计时已暂停。", "Clock paused.")
	case "resume":
		_, err = h.store.ResumeInquiry(ctx, a, id)
		msg = pick(rq.Lang, "计时已恢复。", "Clock resumed.")
	case "extensions":
		var ext models.ExtensionInput
		if ext, err = h.extensionInput(r); err == nil {
			_, err = h.store.RequestInquiryExtension(ctx, a, id, ext)
		}
		msg = pick(rq.Lang, "延期申请已提交。", "Extension requested.")
	default:
		return models.Errorf(models.ENotFound, "no such action")
	}
	return h.afterStep(w, r, rq, err, "/inquiries/"+strconv.FormatInt(id, 10), msg, func(errs map[string]string) error {
		v, derr := h.inquiryDetail(r, rq)
		if derr != nil {
			return derr
		}
		v.Errors, v.ErrorAction = errs, action
		h.render(w, r, rq, http.StatusUnprocessableEntity, "inquiry", v.Ref, v)
		return nil
	})
}
