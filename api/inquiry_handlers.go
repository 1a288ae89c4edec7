package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

func (s *Server) listInquiries(c *gin.Context) {
	q := s.query(c)
	f := models.InquiryFilter{Page: q.Page(), Status: q.String("status"), Channel: q.String("channel"),
		Category: q.String("category"), Query: q.String("q"), FirstResponderID: q.ID("first_responder_id"),
		DepartmentID: q.ID("department_id"), From: q.Time("from", false), To: q.Time("to", true)}
	overdue := q.Bool("overdue")
	f.Overdue = overdue != nil && *overdue
	if q.note(f.Validate()); q.Err() != nil {
		s.fail(c, q.Err())
		return
	}
	items, total, err := s.store.ListInquiriesTotal(c.Request.Context(), actor(c), f)
	s.reply(c, http.StatusOK, boundedList(items, total, f.Page), err)
}

func (s *Server) createInquiry(c *gin.Context) {
	ctx, err := idempotent(c, "inquiries")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in models.InquiryInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inq, err := s.store.CreateInquiry(ctx, actor(c), in)
	if replayed(c, err) {
		return
	}
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
