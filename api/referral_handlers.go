package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

func (s *Server) createReferral(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	// The key is scoped to the inquiry (idempotency_keys.scope holds 32
	// characters): the same key on another inquiry's referral is another
	// request.
	ctx, err := idempotent(c, "referrals/"+strconv.FormatInt(id, 10))
	if err != nil {
		s.fail(c, err)
		return
	}
	var in models.ReferralInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.store.CreateReferral(ctx, actor(c), id, in)
	if replayed(c, err) {
		return
	}
	s.reply(c, http.StatusCreated, r, err)
}

func (s *Server) listReferrals(c *gin.Context) {
	q := s.query(c)
	f := models.ReferralFilter{Page: q.Page(), Assignee: q.String("assignee"), Status: q.String("status"),
		DepartmentID: q.ID("department_id"), InquiryID: q.ID("inquiry_id")}
	overdue := q.Bool("overdue")
	f.Overdue = overdue != nil && *overdue
	if err := q.Err(); err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListReferralsTotal(c.Request.Context(), actor(c), f)
	s.reply(c, http.StatusOK, boundedList(items, total, f.Page), err)
}

func (s *Server) getReferral(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.store.GetReferral(c.Request.Context(), actor(c), id)
	s.reply(c, http.StatusOK, r, err)
}

func (s *Server) acceptReferral(c *gin.Context) {
	var req struct{}
	if id, ok := s.idAndBody(c, &req, true); ok {
		r, err := s.store.AcceptReferral(c.Request.Context(), actor(c), id)
		s.reply(c, http.StatusOK, r, err)
	}
}

func (s *Server) contactReferral(c *gin.Context) {
	var req noteRequest
	if id, ok := s.idAndBody(c, &req, true); ok {
		r, err := s.store.ContactReferral(c.Request.Context(), actor(c), id, models.ReferralAction{Note: req.Note})
		s.reply(c, http.StatusOK, r, err)
	}
}

func (s *Server) resolveReferral(c *gin.Context) {
	var req resolveRequest
	if id, ok := s.idAndBody(c, &req, false); ok {
		r, err := s.store.ResolveReferral(c.Request.Context(), actor(c), id, models.ReferralAction{Resolution: req.Resolution})
		s.reply(c, http.StatusOK, r, err)
	}
}

func (s *Server) returnReferral(c *gin.Context) {
	var req reasonRequest
	if id, ok := s.idAndBody(c, &req, false); ok {
		r, err := s.store.ReturnReferral(c.Request.Context(), actor(c), id, models.ReferralAction{Reason: req.Reason})
		s.reply(c, http.StatusOK, r, err)
	}
}

func (s *Server) pauseReferral(c *gin.Context) {
	var req reasonRequest
	if id, ok := s.idAndBody(c, &req, false); ok {
		r, err := s.store.PauseReferral(c.Request.Context(), actor(c), id, models.InquiryAction{Reason: req.Reason})
		s.reply(c, http.StatusOK, r, err)
	}
}

func (s *Server) resumeReferral(c *gin.Context) {
	var req struct{}
	if id, ok := s.idAndBody(c, &req, true); ok {
		r, err := s.store.ResumeReferral(c.Request.Context(), actor(c), id)
		s.reply(c, http.StatusOK, r, err)
	}
}

func (s *Server) requestReferralExtension(c *gin.Context) {
	var in models.ExtensionInput
	if id, ok := s.idAndBody(c, &in, false); ok {
		ext, err := s.store.RequestReferralExtension(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusCreated, ext, err)
	}
}

func (s *Server) listExtensions(c *gin.Context) {
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListExtensions(c.Request.Context(), actor(c), models.ExtensionFilter{Page: p, Status: c.Query("status")})
	s.reply(c, http.StatusOK, list(items, total, p), err)
}

func (s *Server) approveExtension(c *gin.Context) { s.decideExtension(c, true) }

func (s *Server) refuseExtension(c *gin.Context) { s.decideExtension(c, false) }

func (s *Server) decideExtension(c *gin.Context, approve bool) {
	var in models.ExtensionDecision
	if id, ok := s.idAndBody(c, &in, true); ok {
		ext, err := s.store.DecideExtension(c.Request.Context(), actor(c), id, approve, in)
		s.reply(c, http.StatusOK, ext, err)
	}
}
