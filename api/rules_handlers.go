package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
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

// previewRules recomputes months with a draft rule set (issue 18): the
// same document and validation as createRules, plus the months; each
// month's changed people are paged by ?page= and ?page_size=. It writes
// nothing.
func (s *Server) previewRules(c *gin.Context) {
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in models.RulePreviewInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.store.PreviewRules(c.Request.Context(), actor(c), in, models.PreviewOptions{Page: &p})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"months": out.Months, "page": p.Number, "page_size": p.Size})
}

// previewRulesWorkbook is previewRules as a workbook (规则变更预览): every
// person of each month before and after, the changed rows first and
// highlighted; Chinese unless ?lang=en.
func (s *Server) previewRulesWorkbook(c *gin.Context) {
	lang := workbookLang(c)
	var in models.RulePreviewInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.store.PreviewRules(c.Request.Context(), actor(c), in, models.PreviewOptions{Everyone: true})
	if err != nil {
		s.fail(c, err)
		return
	}
	wb := books.RulePreview(out, lang)
	wb.Organisation = s.opts.Organisation
	wb.GeneratedAt = s.opts.Now().In(s.store.Location())
	att := newAttachment(c, pick(lang, "规则变更预览", "rule-preview")+".xlsx", "rule-preview.xlsx")
	s.finishAttachment(c, att, reports.WriteRulePreview(att, wb))
}
