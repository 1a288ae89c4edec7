package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/models"
	"firstask/scoring"
)

// getRules answers the rule set in force for ?month= (default: the current
// month in the organisation's zone) with its version.
func (s *Server) getRules(c *gin.Context) {
	m, err := s.queryMonth(c, "month")
	if err != nil {
		s.fail(c, err)
		return
	}
	if m == nil {
		cur := scoring.MonthOf(s.store.Now(), s.store.Location())
		m = &cur
	}
	v, err := s.store.EffectiveRules(c.Request.Context(), actor(c), *m)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"month": m, "version": v.Version, "effective_from": v.EffectiveFrom, "builtin": v.Builtin,
		"note": v.Note, "created_by": v.CreatedBy, "created_at": v.CreatedAt, "rules": v.Rules})
}

func (s *Server) listRuleVersions(c *gin.Context) {
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListRuleVersions(c.Request.Context(), actor(c), p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, total, p))
}

func (s *Server) createRules(c *gin.Context) {
	var in models.RuleSetInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.store.CreateRuleVersion(c.Request.Context(), actor(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}
