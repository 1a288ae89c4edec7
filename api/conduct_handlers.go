package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/models"
	"firstask/scoring"
)

// queryMonth reads an optional month query parameter (YYYY-MM).
func queryMonth(c *gin.Context, name string) (*scoring.Month, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	m, err := scoring.ParseMonth(v)
	if err != nil {
		return nil, models.Invalid(models.FieldProblem{Field: name, Message: "must be a month YYYY-MM"})
	}
	return &m, nil
}

func (s *Server) reportViolation(c *gin.Context) {
	var in models.ViolationInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.store.ReportViolation(c.Request.Context(), actor(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

func (s *Server) listViolations(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := models.ViolationFilter{Page: p, State: models.ViolationState(c.Query("state")),
		Type: scoring.ViolationType(c.Query("type")), Source: models.ViolationSource(c.Query("source"))}
	var v models.Validation
	switch f.State {
	case "", models.ViolationReported, models.ViolationVerified, models.ViolationDismissed,
		models.ViolationAppealed, models.ViolationUpheld, models.ViolationOverturned:
	default:
		v.Add("state", "must be one of reported, verified, dismissed, appealed, upheld, overturned")
	}
	v.Check(f.Type == "" || f.Type.Valid(), "type", "is not a violation type")
	switch f.Source {
	case "", models.SourceSupervisor, models.SourceSLA, models.SourceVisitorComplaint:
	default:
		v.Add("source", "must be one of supervisor, sla, visitor_complaint")
	}
	if err := v.Err(); err != nil {
		s.fail(c, err)
		return
	}
	if f.StaffID, err = queryInt(c, "staff_id"); err != nil {
		s.fail(c, err)
		return
	}
	if f.DepartmentID, err = queryInt(c, "department_id"); err != nil {
		s.fail(c, err)
		return
	}
	if f.CountedMonth, err = queryMonth(c, "month"); err != nil {
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
	items, total, err := s.store.ListViolations(c.Request.Context(), actor(c), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, total, p))
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
	var in models.PraiseInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.store.RecordPraise(c.Request.Context(), actor(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, p)
}

func (s *Server) listPraise(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := models.PraiseFilter{Page: p, Kind: scoring.PraiseKind(c.Query("kind"))}
	if f.Kind != "" && !f.Kind.Valid() {
		s.fail(c, models.Invalid(models.FieldProblem{Field: "kind", Message: "must be supervisor_praise or visitor_commendation"}))
		return
	}
	if f.StaffID, err = queryInt(c, "staff_id"); err != nil {
		s.fail(c, err)
		return
	}
	if f.DepartmentID, err = queryInt(c, "department_id"); err != nil {
		s.fail(c, err)
		return
	}
	if f.CountedMonth, err = queryMonth(c, "month"); err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListPraise(c.Request.Context(), actor(c), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, total, p))
}
