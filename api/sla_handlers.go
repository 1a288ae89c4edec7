package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firstask/models"
	"firstask/webhook"
	"firstask/worktime"
)

func (s *Server) getCalendar(c *gin.Context) {
	cal, err := s.store.GetCalendar(c.Request.Context(), actor(c))
	s.reply(c, http.StatusOK, cal, err)
}

func (s *Server) putCalendar(c *gin.Context) {
	var cal worktime.Calendar
	if err := decodeJSON(c, &cal); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.store.PutCalendar(c.Request.Context(), actor(c), cal)
	s.reply(c, http.StatusOK, out, err)
}

func (s *Server) scanSLA(c *gin.Context) {
	start := time.Now()
	res, err := s.store.RunSLAScan(c.Request.Context(), actor(c))
	s.metrics.SLAScanned(time.Since(start), res.Breaches)
	s.reply(c, http.StatusOK, res, err)
}

// notificationList is a page of the inbox with the number of unread
// entries.
type notificationList struct {
	List[models.Notification]
	Unread int64 `json:"unread"`
}

func (s *Server) listNotifications(c *gin.Context) {
	q := s.query(c)
	p, unread := q.Page(), q.Bool("unread")
	if err := q.Err(); err != nil {
		s.fail(c, err)
		return
	}
	f := models.NotificationFilter{Page: p, UnreadOnly: unread != nil && *unread}
	items, total, n, err := s.store.ListNotifications(c.Request.Context(), actor(c), f)
	s.reply(c, http.StatusOK, notificationList{List: list(items, total, p), Unread: n}, err)
}

type markReadRequest struct {
	IDs []int64 `json:"ids"`
}

func (s *Server) markNotificationsRead(c *gin.Context) {
	var req markReadRequest
	if err := decodeOptionalJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	n, err := s.store.MarkNotificationsRead(c.Request.Context(), actor(c), req.IDs)
	s.reply(c, http.StatusOK, gin.H{"marked": n}, err)
}

func (s *Server) listWebhooks(c *gin.Context) {
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	hooks, err := s.store.ListWebhooks(c.Request.Context(), actor(c))
	s.reply(c, http.StatusOK, pageOfAll(hooks, p), err)
}

func (s *Server) createWebhook(c *gin.Context) {
	var in models.WebhookInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.checkTarget(c, in.URL); err != nil {
		s.fail(c, err)
		return
	}
	w, err := s.store.CreateWebhook(c.Request.Context(), actor(c), in)
	s.reply(c, http.StatusCreated, w, err)
}

func (s *Server) deleteWebhook(c *gin.Context) {
	id, err := pathID(c, "id")
	if err == nil {
		err = s.store.DeleteWebhook(c.Request.Context(), actor(c), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listWebhookDeliveries(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListDeliveries(c.Request.Context(), actor(c), id, p)
	s.reply(c, http.StatusOK, list(items, total, p), err)
}

// checkTarget refuses at once a webhook or robot address that delivery
// would always refuse (loopback, link-local, metadata; private ranges
// unless allowed), so the url field is reported like any other bad field.
func (s *Server) checkTarget(c *gin.Context, url string) error {
	if err := s.opts.WebhookTargets.CheckURL(c.Request.Context(), url); err != nil {
		return models.Invalid(models.FieldProblem{Field: "url", Message: "this address is never delivered to: " +
			strings.TrimPrefix(err.Error(), webhook.ErrTargetRefused.Error()+": ")})
	}
	return nil
}
