package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"firstask/models"
)

// todoItem is one referral waiting for the signed-in person: handed to
// them, or waiting unclaimed in their department's queue.
type todoItem struct {
	models.Referral
	Queue bool
	// Matter is the inquiry being handed on (visitor, category, summary),
	// filled for the to-do page only.
	Matter *models.Inquiry
}

// maxDetailed is how many to-do items show their inquiry's summary; the
// rest link to it.
const maxDetailed = 50

// todoItems lists the live referrals to the person and their department's
// queue, oldest deadline first. Both come from ListReferrals with the same
// actor as the API (assignee=me, then assignee=queue for the department).
func (h *Handler) todoItems(r *http.Request, rq *request) ([]todoItem, error) {
	ctx := r.Context()
	page := models.Page{Number: 1, Size: models.MaxPageSize}
	mine, _, err := h.store.ListReferrals(ctx, rq.Actor, models.ReferralFilter{Assignee: "me", Page: page})
	if err != nil {
		return nil, err
	}
	queue, _, err := h.store.ListReferrals(ctx, rq.Actor, models.ReferralFilter{Assignee: "queue", DepartmentID: rq.Me.DepartmentID,
		Status: string(models.ReferralPending), Page: page})
	if err != nil {
		return nil, err
	}
	var out []todoItem
	for _, ref := range mine {
		if ref.Live() {
			out = append(out, todoItem{Referral: ref})
		}
	}
	for _, ref := range queue {
		out = append(out, todoItem{Referral: ref, Queue: true})
	}
	slices.SortStableFunc(out, func(a, b todoItem) int { return deadlineOf(a.Referral).Compare(deadlineOf(b.Referral)) })
	return out, nil
}

// deadlineOf is the referral's running deadline (far future when none).
func deadlineOf(r models.Referral) time.Time {
	if r.Clock == nil {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return r.Clock.DeadlineAt
}

// todoView is the assignee's list.
type todoView struct {
	Mine, Queue []todoItem
	Errors      map[string]string
	ErrorFor    int64
}

func (h *Handler) todo(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderTodo(w, r, rq, http.StatusOK, nil, 0)
}

func (h *Handler) renderTodo(w http.ResponseWriter, r *http.Request, rq *request, status int, fe map[string]string, errFor int64) error {
	items, err := h.todoItems(r, rq)
	if err != nil {
		return err
	}
	v := todoView{Errors: fe, ErrorFor: errFor}
	for i := range items[:min(len(items), maxDetailed)] {
		d, err := h.store.GetInquiry(r.Context(), rq.Actor, items[i].InquiryID)
		if err != nil {
			return err
		}
		items[i].Matter = &d.Inquiry
	}
	for _, it := range items {
		if it.Queue {
			v.Queue = append(v.Queue, it)
		} else {
			v.Mine = append(v.Mine, it)
		}
	}
	h.render(w, r, rq, status, "todo", pick(rq.Lang, "待办", "To do"), v)
	return nil
}

// referralAction performs one step on a referral from the to-do list.
func (h *Handler) referralAction(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return models.Errorf(models.ENotFound, "no such referral")
	}
	ctx, a := r.Context(), rq.Actor
	in := models.ReferralAction{Note: strings.TrimSpace(r.PostFormValue("note")), Resolution: strings.TrimSpace(r.PostFormValue("resolution")),
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	var msg string
	switch r.PathValue("action") {
	case "accept":
		_, err = h.store.AcceptReferral(ctx, a, id)
		msg = pick(rq.Lang, "已接收。", "Accepted.")
	case "contact":
		_, err = h.store.ContactReferral(ctx, a, id, in)
		msg = pick(rq.Lang, "已记录联系来访人。", "Contact recorded.")
	case "resolve":
		_, err = h.store.ResolveReferral(ctx, a, id, in)
		msg = pick(rq.Lang, "已办结。", "Resolved.")
	case "return":
		_, err = h.store.ReturnReferral(ctx, a, id, in)
		msg = pick(rq.Lang, "已退回。", "Returned.")
	case "pause":
		_, err = h.store.PauseReferral(ctx, a, id, models.InquiryAction{Reason: in.Reason})
		msg = pick(rq.Lang, "计时已暂停。", "Clock paused.")
	case "resume":
		_, err = h.store.ResumeReferral(ctx, a, id)
		msg = pick(rq.Lang, "计时已恢复。", "Clock resumed.")
	case "extensions":
		var ext models.ExtensionInput
		if ext, err = h.extensionInput(r); err == nil {
			_, err = h.store.RequestReferralExtension(ctx, a, id, ext)
		}
		msg = pick(rq.Lang, "延期申请已提交，等待主管审批。", "Extension requested; your supervisor decides.")
	default:
		return models.Errorf(models.ENotFound, "no such action")
	}
	return h.afterStep(w, r, rq, err, "/todo", msg, func(errs map[string]string) error {
		return h.renderTodo(w, r, rq, http.StatusUnprocessableEntity, errs, id)
	})
}

// afterStep answers the outcome of one workflow step the same way on every
// page: field problems go (translated) to invalid, which shows the form
// again; a conflict (the state moved on in another tab, or a colleague
// acted) redirects to back saying why, so the page shows as it now is; any
// other error fails the request; success redirects to back with done.
func (h *Handler) afterStep(w http.ResponseWriter, r *http.Request, rq *request, err error, back, done string, invalid func(errs map[string]string) error) error {
	if fe, ok := fieldErrors(err); ok {
		return invalid(translateErrors(rq.Lang, fe))
	} else if models.ErrorCode(err) == models.EConflict {
		return h.redirect(w, r, back, pick(rq.Lang, "当前状态下不能执行此操作：", "This cannot be done now: ")+models.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	return h.redirect(w, r, back, done)
}

// extensionInput reads the requested deadline (a local date and time in
// the organisation's zone) and the reason.
func (h *Handler) extensionInput(r *http.Request) (models.ExtensionInput, error) {
	in := models.ExtensionInput{Clock: r.PostFormValue("clock"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if s := r.PostFormValue("new_deadline"); s != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", s, h.store.Location())
		if err != nil {
			return in, models.Invalid(models.FieldProblem{Field: "new_deadline", Message: "must be a date and time"})
		}
		in.NewDeadline = &t
	}
	return in, nil
}

// translateErrors puts the API's common field messages into Chinese.
func translateErrors(lang string, fe map[string]string) map[string]string {
	if lang == "en" {
		return fe
	}
	zh := map[string]string{"is required": "必填", "must be a date and time": "请填写日期和时间", "is wrong": "不正确"}
	out := map[string]string{}
	for k, v := range fe {
		if t, ok := zh[v]; ok {
			v = t
		} else if strings.HasPrefix(v, "is required") {
			v = "必填"
		}
		out[k] = v
	}
	return out
}

// referralCtx is what the referral card of the to-do list receives.
type referralCtx struct {
	Lang   string
	Item   todoItem
	Errors map[string]string
}

func refctx(lang string, it todoItem, v todoView) referralCtx {
	c := referralCtx{Lang: lang, Item: it}
	if v.ErrorFor == it.ID {
		c.Errors = v.Errors
	}
	return c
}
