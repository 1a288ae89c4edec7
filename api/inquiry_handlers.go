package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

// queryTime reads an optional instant: RFC 3339, or a day YYYY-MM-DD in
// the organisation's zone (its midnight; for an upper bound, the next
// midnight, so that to=2026-10-15 includes that day).
func (s *Server) queryTime(c *gin.Context, name string, upper bool) (*time.Time, error) {
	v := strings.TrimSpace(c.Query(name))
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, s.store.Location())
	if err != nil {
		return nil, models.Invalid(models.FieldProblem{Field: name, Message: "must be RFC 3339 (2026-10-15T09:00:00+08:00) or a day (2026-10-15)"})
	}
	if upper {
		d = d.AddDate(0, 0, 1)
	}
	return &d, nil
}

func (s *Server) listInquiries(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := models.InquiryFilter{Page: p, Status: c.Query("status"), Channel: c.Query("channel"), Category: c.Query("category"), Query: c.Query("q")}
	if f.FirstResponderID, err = queryInt(c, "first_responder_id"); err != nil {
		s.fail(c, err)
		return
	}
	if f.DepartmentID, err = queryInt(c, "department_id"); err != nil {
		s.fail(c, err)
		return
	}
	if f.From, err = s.queryTime(c, "from", false); err != nil {
		s.fail(c, err)
		return
	}
	if f.To, err = s.queryTime(c, "to", true); err != nil {
		s.fail(c, err)
		return
	}
	overdue, err := queryBool(c, "overdue")
	if err != nil {
		s.fail(c, err)
		return
	}
	f.Overdue = overdue != nil && *overdue
	items, total, err := s.store.ListInquiries(c.Request.Context(), actor(c), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, total, p))
}

func (s *Server) createInquiry(c *gin.Context) {
	var in models.InquiryInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inq, err := s.store.CreateInquiry(c.Request.Context(), actor(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, inq)
}

func (s *Server) getInquiry(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	inq, err := s.store.GetInquiry(c.Request.Context(), actor(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, inq)
}

func (s *Server) updateInquiry(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in models.InquiryInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inq, err := s.store.UpdateInquiry(c.Request.Context(), actor(c), id, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, inq)
}

type resolveRequest struct {
	Resolution string `json:"resolution"`
}

type feedbackRequest struct {
	Satisfaction string `json:"satisfaction"`
	Note         string `json:"note"`
}

type noteRequest struct {
	Note string `json:"note"`
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) resolveInquiry(c *gin.Context) {
	var req resolveRequest
	if id, ok := s.idAndBody(c, &req, false); ok {
		out, err := s.store.ResolveInquiry(c.Request.Context(), actor(c), id, models.InquiryAction{Resolution: req.Resolution})
		s.reply(c, http.StatusOK, out, err)
	}
}

func (s *Server) feedbackInquiry(c *gin.Context) {
	var req feedbackRequest
	if id, ok := s.idAndBody(c, &req, false); ok {
		out, err := s.store.FeedbackInquiry(c.Request.Context(), actor(c), id, models.InquiryAction{Satisfaction: req.Satisfaction, Note: req.Note})
		s.reply(c, http.StatusOK, out, err)
	}
}

func (s *Server) closeInquiry(c *gin.Context) {
	var req noteRequest
	if id, ok := s.idAndBody(c, &req, true); ok {
		out, err := s.store.CloseInquiry(c.Request.Context(), actor(c), id, models.InquiryAction{Note: req.Note})
		s.reply(c, http.StatusOK, out, err)
	}
}

func (s *Server) pauseInquiry(c *gin.Context) {
	var req reasonRequest
	if id, ok := s.idAndBody(c, &req, false); ok {
		out, err := s.store.PauseInquiry(c.Request.Context(), actor(c), id, models.InquiryAction{Reason: req.Reason})
		s.reply(c, http.StatusOK, out, err)
	}
}

func (s *Server) resumeInquiry(c *gin.Context) {
	var req struct{}
	if id, ok := s.idAndBody(c, &req, true); ok {
		out, err := s.store.ResumeInquiry(c.Request.Context(), actor(c), id)
		s.reply(c, http.StatusOK, out, err)
	}
}

func (s *Server) requestInquiryExtension(c *gin.Context) {
	var in models.ExtensionInput
	if id, ok := s.idAndBody(c, &in, false); ok {
		ext, err := s.store.RequestInquiryExtension(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusCreated, ext, err)
	}
}
