package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"firstask/models"
)

// reviewPageSize is how many records each queue of 核实 shows at once.
const reviewPageSize = 50

// reviewItem is one violation in a queue, with the names HR needs and,
// when the signed-in person may not decide it, why.
type reviewItem struct {
	models.Violation
	StaffName, EmployeeNo, Department, Reporter string
	// Blocked says why the signed-in person may not decide this record
	// (they reported it, or it is about them); empty when they may.
	Blocked string
	// AboutMe is set when the record is about the signed-in person.
	AboutMe bool
}

// vcardCtx is what the violation card template receives.
type vcardCtx struct {
	Lang  string
	Item  reviewItem
	View  reviewView
	Queue string
}

func vctx(lang string, it reviewItem, v reviewView, queue string) vcardCtx {
	return vcardCtx{Lang: lang, Item: it, View: v, Queue: queue}
}

// reviewView is 核实: the verification queue and the appeals queue.
type reviewView struct {
	Reported, Appealed           []reviewItem
	ReportedTotal, AppealedTotal int64
	RPage, APage                 int
	RMore, AMore                 bool
	Errors                       map[string]string
	ErrorFor                     int64
	Values                       map[string]string
}

// names looks up staff and department names once per page.
type names struct {
	h     *Handler
	ctx   context.Context
	a     models.Actor
	staff map[int64]models.Staff
	depts map[int64]string
}

func (h *Handler) newNames(ctx context.Context, a models.Actor) (*names, error) {
	n := &names{h: h, ctx: ctx, a: a, staff: map[int64]models.Staff{}, depts: map[int64]string{}}
	ds, err := h.store.ListDepartments(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		n.depts[d.ID] = d.Name
	}
	return n, nil
}

// person returns a staff member in the actor's scope (zero when not).
func (n *names) person(id int64) models.Staff {
	if st, ok := n.staff[id]; ok {
		return st
	}
	st, _ := n.h.store.GetStaff(n.ctx, n.a, id)
	n.staff[id] = st
	return st
}

func pageParam(r *http.Request, name string) int {
	p, _ := strconv.Atoi(r.URL.Query().Get(name))
	if p < 1 {
		return 1
	}
	return p
}

func (h *Handler) review(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderReview(w, r, rq, http.StatusOK, nil, 0)
}

func (h *Handler) renderReview(w http.ResponseWriter, r *http.Request, rq *request, status int, fe map[string]string, errFor int64) error {
	if !rq.Actor.Role.SeesEveryone() {
		return models.Errorf(models.ENotFound, "no such page")
	}
	ctx := r.Context()
	v := reviewView{RPage: pageParam(r, "rp"), APage: pageParam(r, "ap"), Errors: fe, ErrorFor: errFor, Values: map[string]string{}}
	if errFor != 0 {
		v.Values["note"] = r.PostFormValue("note")
	}
	nm, err := h.newNames(ctx, rq.Actor)
	if err != nil {
		return err
	}
	load := func(state models.ViolationState, page int) ([]reviewItem, int64, error) {
		vs, total, err := h.store.ListViolations(ctx, rq.Actor, models.ViolationFilter{State: state, Page: models.Page{Number: page, Size: reviewPageSize}})
		if err != nil {
			return nil, 0, err
		}
		out := make([]reviewItem, 0, len(vs))
		for _, vi := range vs {
			st := nm.person(vi.StaffID)
			it := reviewItem{Violation: vi, StaffName: st.Name, EmployeeNo: st.EmployeeNo, Department: nm.depts[st.DepartmentID]}
			if vi.ReportedBy != nil {
				it.Reporter = nm.person(*vi.ReportedBy).Name
			}
			it.Blocked, it.AboutMe = blockedReason(rq, vi), vi.StaffID == rq.Me.ID
			out = append(out, it)
		}
		return out, total, nil
	}
	if v.Reported, v.ReportedTotal, err = load(models.ViolationReported, v.RPage); err != nil {
		return err
	}
	if v.Appealed, v.AppealedTotal, err = load(models.ViolationAppealed, v.APage); err != nil {
		return err
	}
	v.RMore, v.AMore = int64(v.RPage*reviewPageSize) < v.ReportedTotal, int64(v.APage*reviewPageSize) < v.AppealedTotal
	h.render(w, r, rq, status, "review", pick(rq.Lang, "核实", "Review"), v)
	return nil
}

// blockedReason is why the signed-in person may not decide a record: the
// same four-eyes rules the Store enforces, worded for the page.
func blockedReason(rq *request, v models.Violation) string {
	switch {
	case v.StaffID == rq.Me.ID:
		return pick(rq.Lang, "此记录与您本人有关，须由其他人力资源人员处理。", "This record is about you; another HR officer must decide it.")
	case v.State == models.ViolationReported && v.ReportedBy != nil && *v.ReportedBy == rq.Me.ID:
		return pick(rq.Lang, "您是此记录的报告人，须由其他人核实（四眼原则）。", "You reported this record; someone else must verify it (four eyes).")
	}
	return ""
}

// reviewAction verifies, dismisses or decides the appeal of one violation.
func (h *Handler) reviewAction(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.Actor.Role.SeesEveryone() {
		return models.Errorf(models.ENotFound, "no such page")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return models.Errorf(models.ENotFound, "no such violation")
	}
	ctx, a := r.Context(), rq.Actor
	note := strings.TrimSpace(r.PostFormValue("note"))
	var msg string
	switch r.PathValue("action") {
	case "verify":
		_, err = h.store.VerifyViolation(ctx, a, id, models.DecisionInput{Note: note})
		msg = pick(rq.Lang, "已核实，已通知本人及其主管。", "Verified; the person and their supervisor were told.")
	case "dismiss":
		_, err = h.store.DismissViolation(ctx, a, id, models.DecisionInput{Note: note})
		msg = pick(rq.Lang, "已驳回。", "Dismissed.")
	case "decide":
		var upheld bool
		switch r.PostFormValue("decision") {
		case "uphold":
			upheld = true
			msg = pick(rq.Lang, "已维持原处理。", "Upheld.")
		case "overturn":
			msg = pick(rq.Lang, "已撤销该违规记录。", "Overturned.")
		default:
			return h.renderReview(w, r, rq, http.StatusUnprocessableEntity, map[string]string{"decision": pick(rq.Lang, "请选择维持或撤销", "Choose uphold or overturn")}, id)
		}
		_, err = h.store.DecideAppeal(ctx, a, id, models.AppealDecisionInput{Upheld: &upheld, Note: note})
	default:
		return models.Errorf(models.ENotFound, "no such action")
	}
	if fe, ok := fieldErrors(err); ok {
		return h.renderReview(w, r, rq, http.StatusUnprocessableEntity, translateErrors(rq.Lang, fe), id)
	}
	switch models.ErrorCode(err) {
	case "":
		return h.redirect(w, r, "/review", msg)
	case models.EForbidden:
		// The record is visible (HR sees all) but four eyes refuse this
		// person: say why next to it rather than a bare 404.
		if _, gerr := h.store.GetViolation(ctx, a, id); gerr != nil {
			return gerr
		}
		reason := pick(rq.Lang, "您不能处理此记录：须由其他人处理（四眼原则）。", "You may not decide this record: ")
		if rq.Lang == "en" {
			reason += models.ErrorMessage(err)
		}
		return h.renderReview(w, r, rq, http.StatusForbidden, map[string]string{"_": reason}, id)
	case models.EConflict:
		return h.redirect(w, r, "/review", pick(rq.Lang, "当前状态下不能执行：", "Not possible now: ")+models.ErrorMessage(err))
	}
	return err
}
