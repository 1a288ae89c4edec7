package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/models"
	"firstask/scoring"
)

func (s *Server) reportViolation(c *gin.Context) {
	ctx, err := idempotent(c, "violations")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in models.ViolationInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.store.ReportViolation(ctx, actor(c), in)
	if replayed(c, err) {
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

func (s *Server) listViolations(c *gin.Context) {
	q := s.query(c)
	f := models.ViolationFilter{Page: q.Page(),
		State: queryEnum(q, "state", models.ViolationReported, models.ViolationVerified, models.ViolationDismissed,
			models.ViolationAppealed, models.ViolationUpheld, models.ViolationOverturned),
		Type:    scoring.ViolationType(q.String("type")),
		Source:  queryEnum(q, "source", models.SourceSupervisor, models.SourceSLA, models.SourceVisitorComplaint),
		StaffID: q.ID("staff_id"), DepartmentID: q.ID("department_id"), CountedMonth: q.Month("month"),
		From: q.Time("from", false), To: q.Time("to", true)}
	q.Check(f.Type == "" || f.Type.Valid(), "type", "is not a violation type")
	if err := q.Err(); err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListViolations(c.Request.Context(), actor(c), f)
	s.reply(c, http.StatusOK, list(items, total, f.Page), err)
}

func (s *Server) getViolation(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.store.GetViolation(c.Request.Context(), actor(c), id)
	s.reply(c, http.StatusOK, v, err)
}

func (s *Server) verifyViolation(c *gin.Context) {
	var in models.DecisionInput
	if id, ok := s.idAndBody(c, &in, true); ok {
		v, err := s.store.VerifyViolation(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusOK, v, err)
	}
}

func (s *Server) dismissViolation(c *gin.Context) {
	var in models.DecisionInput
	if id, ok := s.idAndBody(c, &in, false); ok {
		v, err := s.store.DismissViolation(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusOK, v, err)
	}
}

func (s *Server) appealViolation(c *gin.Context) {
	var in models.AppealInput
	if id, ok := s.idAndBody(c, &in, false); ok {
		v, err := s.store.AppealViolation(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusOK, v, err)
	}
}

func (s *Server) decideAppeal(c *gin.Context) {
	var in models.AppealDecisionInput
	if id, ok := s.idAndBody(c, &in, false); ok {
		v, err := s.store.DecideAppeal(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusOK, v, err)
	}
}

func (s *Server) recordPraise(c *gin.Context) {
	ctx, err := idempotent(c, "praises")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in models.PraiseInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.store.RecordPraise(ctx, actor(c), in)
	if replayed(c, err) {
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, p)
}

func (s *Server) listPraise(c *gin.Context) {
	q := s.query(c)
	f := models.PraiseFilter{Page: q.Page(), Kind: scoring.PraiseKind(q.String("kind")),
		StaffID: q.ID("staff_id"), DepartmentID: q.ID("department_id"), CountedMonth: q.Month("month")}
	q.Check(f.Kind == "" || f.Kind.Valid(), "kind", "must be supervisor_praise or visitor_commendation")
	if err := q.Err(); err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListPraise(c.Request.Context(), actor(c), f)
	s.reply(c, http.StatusOK, list(items, total, f.Page), err)
}
