package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/models"
	"firstask/scoring"
)

// pathMonth reads the :month path parameter; a malformed month is a 404,
// since no such period can exist.
func pathMonth(c *gin.Context) (scoring.Month, error) {
	m, err := scoring.ParseMonth(c.Param("month"))
	if err != nil {
		return m, models.Errorf(models.ENotFound, "month %q not found: months are YYYY-MM", c.Param("month"))
	}
	return m, nil
}

// scoreStatus says whether a month's figures are final.
func scoreStatus(closed bool) string {
	if closed {
		return "closed"
	}
	return "provisional"
}

func (s *Server) listPeriods(c *gin.Context) {
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := models.PeriodFilter{Page: p, State: models.PeriodState(c.Query("state"))}
	if f.State != "" && f.State != models.PeriodOpen && f.State != models.PeriodClosed {
		s.fail(c, models.Invalid(models.FieldProblem{Field: "state", Message: "must be open or closed"}))
		return
	}
	items, total, err := s.store.ListPeriods(c.Request.Context(), actor(c), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, total, p))
}

func (s *Server) getPeriod(c *gin.Context) {
	m, err := pathMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.store.GetPeriod(c.Request.Context(), actor(c), m)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// ScoresPage is a page of a month's results.
type ScoresPage struct {
	List[models.StaffScore]
	Month       scoring.Month `json:"month"`
	Status      string        `json:"status"`
	RuleVersion int64         `json:"rule_version"`
}

func (s *Server) listPeriodScores(c *gin.Context) {
	m, err := pathMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := models.ScoreFilter{Page: p}
	if f.DepartmentID, err = s.queryID(c, "department_id"); err != nil {
		s.fail(c, err)
		return
	}
	ms, total, err := s.store.ListMonthScores(c.Request.Context(), actor(c), m, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ScoresPage{List: list(ms.Results, total, p), Month: m, Status: scoreStatus(ms.Closed), RuleVersion: ms.RuleVersion})
}

func (s *Server) closePeriod(c *gin.Context) {
	m, err := pathMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.store.ClosePeriod(c.Request.Context(), actor(c), m)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// MyScore is the caller's own result for a month: every figure, and each
// record that counted with its reason, points and state.
type MyScore struct {
	models.StaffScore
	Month       scoring.Month          `json:"month"`
	Status      string                 `json:"status"`
	RuleVersion int64                  `json:"rule_version"`
	Records     []models.CountedRecord `json:"records"`
}

func (s *Server) myScores(c *gin.Context) {
	m, err := s.queryMonth(c, "month")
	if err != nil {
		s.fail(c, err)
		return
	}
	if m == nil {
		cur := scoring.MonthOf(s.store.Now(), s.store.Location())
		m = &cur
	}
	a := actor(c)
	ms, err := s.store.MonthScoresOf(c.Request.Context(), a, *m, a.StaffID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, MyScore{StaffScore: ms.Results[0], Month: ms.Month, Status: scoreStatus(ms.Closed),
		RuleVersion: ms.RuleVersion, Records: ms.Records})
}

func (s *Server) myConduct(c *gin.Context) {
	out, err := s.store.MyConduct(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
