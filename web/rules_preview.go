package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// previewListed is how many changed people the page lists per month; the
// totals cover everyone and the workbook (POST /rules/preview.xlsx, or
// /api/v1/rules/preview.xlsx) lists them all.
const previewListed = 100

// rulesPreviewView is 规则变更预览: the draft, the month, the preview once
// asked for, and the save form (admin) for the draft just previewed.
type rulesPreviewView struct {
	Draft   string
	Month   string
	Version models.RuleSetVersion // the rules in force for the current month
	Errors  []models.FieldProblem
	// Previewed is the draft the preview was computed from: the save form
	// sends this text, not the textarea, so what is saved is what was seen.
	Previewed     string
	Preview       *models.MonthPreview
	Distribution  []gradeLine
	CanSave       bool
	EffectiveFrom string
	Note          string
	SaveErrors    []models.FieldProblem
}

// gradeLine is one line of the grade distribution: people per grade A–D and the bonus withheld.
type gradeLine struct {
	After  bool
	Counts [4]int
	Bonus  float64
}

// rulesPreviewAllowed keeps the page to those the store lets preview (HR
// and admin); anyone else gets the pages' 404.
func rulesPreviewAllowed(rq *request) error {
	return models.MayPreviewRules(rq.Actor)
}

// rulesPreview shows the draft editor, prefilled with the rules in force.
func (h *Handler) rulesPreview(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := rulesPreviewAllowed(rq); err != nil {
		return err
	}
	v, err := h.previewView(r, rq)
	if err != nil {
		return err
	}
	doc, err := json.MarshalIndent(v.Version.Rules, "", "  ")
	if err != nil {
		return err
	}
	v.Draft = string(doc)
	h.render(w, r, rq, http.StatusOK, "rules_preview", pick(rq.Lang, "规则变更预览", "Preview a rule change"), v)
	return nil
}

// previewView is the page's common part: last month by default, the rules
// in force now, whether the caller may save.
func (h *Handler) previewView(r *http.Request, rq *request) (rulesPreviewView, error) {
	cur := scoring.MonthOf(h.store.Now(), h.store.Location())
	ver, err := h.store.EffectiveRules(r.Context(), rq.Actor, cur)
	if err != nil {
		return rulesPreviewView{}, err
	}
	return rulesPreviewView{Month: cur.Prev().String(), Version: ver, CanSave: models.MayKeepRules(rq.Actor) == nil,
		EffectiveFrom: cur.Next().String()}, nil
}

// previewRulesPage previews the posted draft on the posted month.
func (h *Handler) previewRulesPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := rulesPreviewAllowed(rq); err != nil {
		return err
	}
	return h.showPreview(w, r, rq, r.PostFormValue("rules"), strings.TrimSpace(r.PostFormValue("month")))
}

// showPreview shows the page with the draft previewed on the month.
func (h *Handler) showPreview(w http.ResponseWriter, r *http.Request, rq *request, draft, month string) error {
	v, err := h.previewView(r, rq)
	if err != nil {
		return err
	}
	v.Draft, v.Month = draft, month
	status := h.runPreview(r, rq, &v)
	h.render(w, r, rq, status, "rules_preview", pick(rq.Lang, "规则变更预览", "Preview a rule change"), v)
	return nil
}

// runPreview computes v's preview, or its problems; it answers the status.
func (h *Handler) runPreview(r *http.Request, rq *request, v *rulesPreviewView) int {
	in := models.RulePreviewInput{Rules: json.RawMessage(v.Draft), Months: []string{v.Month}}
	if strings.TrimSpace(v.Draft) == "" {
		in.Rules = nil
	}
	p, err := h.store.PreviewRules(r.Context(), rq.Actor, in, models.PreviewOptions{Page: &models.Page{Number: 1, Size: previewListed}})
	if problems, ok := fieldProblemsOf(err); ok {
		v.Errors = problems
		return http.StatusUnprocessableEntity
	} else if err != nil {
		v.Errors = []models.FieldProblem{{Field: "", Message: models.ErrorMessage(err)}}
		return http.StatusInternalServerError
	}
	v.Preview, v.Previewed = &p.Months[0], v.Draft
	before, after := gradeLine{Bonus: v.Preview.BonusWithheldBefore}, gradeLine{After: true, Bonus: v.Preview.BonusWithheldAfter}
	for i, g := range scoring.AllGrades {
		before.Counts[i], after.Counts[i] = v.Preview.GradesBefore[g], v.Preview.GradesAfter[g]
	}
	v.Distribution = []gradeLine{before, after}
	return http.StatusOK
}

// previewRulesWorkbook downloads the workbook of the draft just previewed
// on the page (规则变更预览: everyone of the month before and after, the
// changed first), from the same Store call and writer as
// POST /api/v1/rules/preview.xlsx; Chinese unless the page is in English.
// A draft or month the store refuses shows the page again with its
// problems, as the preview does.
func (h *Handler) previewRulesWorkbook(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := rulesPreviewAllowed(rq); err != nil {
		return err
	}
	draft, month := r.PostFormValue("rules"), strings.TrimSpace(r.PostFormValue("month"))
	in := models.RulePreviewInput{Rules: json.RawMessage(draft), Months: []string{month}}
	if strings.TrimSpace(draft) == "" {
		in.Rules = nil
	}
	out, err := h.store.PreviewRules(r.Context(), rq.Actor, in, models.PreviewOptions{Everyone: true})
	if _, ok := fieldProblemsOf(err); ok {
		return h.showPreview(w, r, rq, draft, month)
	} else if err != nil {
		return err
	}
	lang := workbookLang(rq)
	wb := books.RulePreview(out, lang)
	wb.Organisation = h.opts.Organisation
	wb.GeneratedAt = h.store.Now().In(h.store.Location())
	return h.xlsx(w, "rule-preview-"+month+".xlsx", func(wr io.Writer) error { return reports.WriteRulePreview(wr, wb) })
}

// saveRulesPage saves the previewed draft as a new version (admin only;
// the store numbers it and writes the audit entry).
func (h *Handler) saveRulesPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := rulesPreviewAllowed(rq); err != nil {
		return err
	}
	in := models.RuleSetInput{EffectiveFrom: strings.TrimSpace(r.PostFormValue("effective_from")),
		Rules: json.RawMessage(r.PostFormValue("previewed")), Note: r.PostFormValue("note")}
	if strings.TrimSpace(string(in.Rules)) == "" {
		in.Rules = nil
	}
	saved, err := h.store.CreateRuleVersion(r.Context(), rq.Actor, in)
	if err == nil {
		return h.redirect(w, r, "/rules/preview", pick(rq.Lang, "已保存为规则第 ", "Saved as rule set version ")+
			strconv.FormatInt(saved.Version, 10)+pick(rq.Lang, " 版，自 "+saved.EffectiveFrom.String()+" 起生效。", ", effective from "+saved.EffectiveFrom.String()+"."))
	}
	problems, ok := fieldProblemsOf(err)
	if !ok && models.ErrorCode(err) != models.EConflict {
		return err
	}
	if !ok {
		problems = []models.FieldProblem{{Field: "effective_from", Message: models.ErrorMessage(err)}}
	}
	// Show the preview again with the problems next to the save form.
	v, verr := h.previewView(r, rq)
	if verr != nil {
		return verr
	}
	v.Draft, v.Month = r.PostFormValue("previewed"), strings.TrimSpace(r.PostFormValue("month"))
	v.EffectiveFrom, v.Note = in.EffectiveFrom, in.Note
	h.runPreview(r, rq, &v)
	v.SaveErrors = problems
	status := http.StatusUnprocessableEntity
	if !ok {
		status = http.StatusConflict
	}
	h.render(w, r, rq, status, "rules_preview", pick(rq.Lang, "规则变更预览", "Preview a rule change"), v)
	return nil
}

// fieldProblemsOf lists a 422's field problems in order; ok is false for any other error.
func fieldProblemsOf(err error) ([]models.FieldProblem, bool) {
	var e *models.Error
	if !errors.As(err, &e) || e.Code != models.EInvalid {
		return nil, false
	}
	var out []models.FieldProblem
	for _, d := range e.Details {
		if p, ok := d.(models.FieldProblem); ok {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = append(out, models.FieldProblem{Message: e.Message})
	}
	return out, true
}
