package web

import (
	"net/http"
	"strconv"
	"strings"

	"firstask/models"
	"firstask/scoring"
)

// homeView is what waits for the signed-in person, each count linking to
// its list.
type homeView struct {
	ToMe, Queue, Overdue int
	OpenRegistrations    int64
	Unread               int64
	Appealable           int
	Score                *models.StaffScore
	Month                scoring.Month
	Closed               bool
	// HR and admins: the two queues of 核实.
	ShowQueues                bool
	AwaitVerify, AwaitAppeals int64
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	var v homeView
	todo, err := h.todoItems(r, rq)
	if err != nil {
		return err
	}
	for _, it := range todo {
		if it.Queue {
			v.Queue++
		} else {
			v.ToMe++
		}
		if it.Clock != nil && it.Clock.State == models.ClockOverdue {
			v.Overdue++
		}
	}
	_, open, err := h.store.ListInquiries(ctx, rq.Actor, models.InquiryFilter{FirstResponderID: rq.Me.ID, Status: string(models.InquiryOpen), Page: models.Page{Number: 1, Size: 1}})
	if err != nil {
		return err
	}
	_, referred, err := h.store.ListInquiries(ctx, rq.Actor, models.InquiryFilter{FirstResponderID: rq.Me.ID, Status: string(models.InquiryReferred), Page: models.Page{Number: 1, Size: 1}})
	if err != nil {
		return err
	}
	_, resolved, err := h.store.ListInquiries(ctx, rq.Actor, models.InquiryFilter{FirstResponderID: rq.Me.ID, Status: string(models.InquiryResolved), Page: models.Page{Number: 1, Size: 1}})
	if err != nil {
		return err
	}
	v.OpenRegistrations = open + referred + resolved
	v.Unread = rq.Unread
	v.Month = scoring.MonthOf(h.store.Now(), h.store.Location())
	if ms, err := h.store.MonthScoresOf(ctx, rq.Actor, v.Month, rq.Me.ID); err == nil && len(ms.Results) > 0 {
		v.Score, v.Closed = &ms.Results[0], ms.Closed
	} else if err != nil && models.ErrorCode(err) != models.ENotFound {
		return err
	}
	if c, err := h.store.MyConduct(ctx, rq.Actor); err == nil {
		for _, cv := range c.Violations {
			if cv.CanAppeal {
				v.Appealable++
			}
		}
	} else {
		return err
	}
	if rq.Actor.Role.SeesEveryone() {
		v.ShowQueues = true
		one := models.Page{Number: 1, Size: 1}
		if _, v.AwaitVerify, err = h.store.ListViolations(ctx, rq.Actor, models.ViolationFilter{State: models.ViolationReported, Page: one}); err != nil {
			return err
		}
		if _, v.AwaitAppeals, err = h.store.ListViolations(ctx, rq.Actor, models.ViolationFilter{State: models.ViolationAppealed, Page: one}); err != nil {
			return err
		}
	}
	h.render(w, r, rq, http.StatusOK, "home", pick(rq.Lang, "首页", "Home"), v)
	return nil
}

// notificationsView is the inbox.
type notificationsView struct {
	Items  []models.Notification
	Total  int64
	Unread int64
	Page   int
	More   bool
}

func (h *Handler) notifications(w http.ResponseWriter, r *http.Request, rq *request) error {
	page := pageParam(r, "page")
	items, total, unread, err := h.store.ListNotifications(r.Context(), rq.Actor, models.NotificationFilter{Page: models.Page{Number: page, Size: 50}})
	if err != nil {
		return err
	}
	h.render(w, r, rq, http.StatusOK, "notifications", pick(rq.Lang, "通知", "Notifications"),
		notificationsView{Items: items, Total: total, Unread: unread, Page: page, More: int64(page*50) < total})
	return nil
}

// markRead marks one notification (id) or all shown (ids, or none: all).
func (h *Handler) markRead(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return models.Errorf(models.EMalformed, "bad form")
	}
	var ids []int64
	for _, s := range r.PostForm["id"] {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return models.Errorf(models.EMalformed, "bad id")
		}
		ids = append(ids, n)
	}
	n, err := h.store.MarkNotificationsRead(r.Context(), rq.Actor, ids)
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/notifications", pick(rq.Lang, "已标记 "+strconv.FormatInt(n, 10)+" 条为已读。", strconv.FormatInt(n, 10)+" marked read."))
}

// entityLink is the page a notification is about, when there is one.
func entityLink(n models.Notification) string {
	switch n.Entity {
	case "inquiry":
		return "/inquiries/" + strconv.FormatInt(n.EntityID, 10)
	case "referral":
		return "/todo#r" + strconv.FormatInt(n.EntityID, 10)
	case "violation":
		switch n.Kind {
		case models.NotifyVerificationQueue, models.NotifyAppealQueue:
			return "/review#v" + strconv.FormatInt(n.EntityID, 10)
		case models.NotifyStaffRecord:
			return "/dept#records"
		}
		return "/my/score#v" + strconv.FormatInt(n.EntityID, 10)
	}
	return ""
}
