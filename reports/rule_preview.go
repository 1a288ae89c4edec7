package reports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// changedFill is the light yellow behind the rows a draft rule set changes.
const changedFill = "FFF2CC"

// RulePreviewWorkbook is a draft rule set's effect on some months
// (规则变更预览), display-ready: grades and sanctions already labelled in
// the workbook's language. It has a summary sheet (one line per month, the
// grade distribution and the department averages before and after) and one
// sheet per month with a row per person, the changed ones first and
// highlighted.
type RulePreviewWorkbook struct {
	Organisation string
	Lang         Lang
	GeneratedAt  time.Time // shown under the titles in its own location; zero leaves the line out
	GradeLabels  [4]string // display labels of grades A, B, C, D
	Months       []PreviewMonth
}

// PreviewMonth is one month of a rule preview.
type PreviewMonth struct {
	Month       string // YYYY-MM
	Closed      bool
	RuleVersion int64 // the version scoring the month now
	People      int
	Changed     int
	// GradesBefore and GradesAfter count people graded A, B, C, D.
	GradesBefore, GradesAfter [4]int
	// BonusBefore and BonusAfter add up the people's bonus withheld, in percent.
	BonusBefore, BonusAfter float64
	Departments             []PreviewDepartment
	// Rows lists every person: the changed ones first (Changed set), largest change first.
	Rows []PreviewRow
}

// PreviewDepartment is one department's average final score before and after.
type PreviewDepartment struct {
	Name                        string
	Headcount                   int
	AverageBefore, AverageAfter float64
}

// PreviewRow is one person before and after the draft.
type PreviewRow struct {
	EmployeeNo, Name, Department string
	Before, After                PreviewFigures
	Changed                      bool
}

// PreviewFigures is what a rule change can move: the final score, the
// grade and highest sanction (labels), the bonus withheld in percent.
type PreviewFigures struct {
	Final    float64
	Grade    string
	Sanction string
	Bonus    float64
}

// previewFirstRow is the first data row of a month sheet and of the
// summary (after the title, the note and the header).
const previewFirstRow = 4

func (l Lang) previewTitle() string { return l.pick("规则变更预览", "Rule change preview") }

// WriteRulePreview writes the rule preview workbook to w.
func WriteRulePreview(w io.Writer, wb RulePreviewWorkbook) error {
	for _, m := range wb.Months {
		if err := checkMonth(m.Month); err != nil {
			return err
		}
	}
	lang := wb.Lang
	summary := lang.pick("汇总", "Summary")
	f, st, err := newBook(summary, docMeta{title: lang.previewTitle(), org: wb.Organisation, created: wb.GeneratedAt}, lang)
	if err != nil {
		return err
	}
	return finish(f, w, writeRulePreview(f, st, &wb, summary))
}

func writeRulePreview(f *excelize.File, st *styleSet, wb *RulePreviewWorkbook, summary string) error {
	lang := wb.Lang
	changed, err := f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Family: fontName, Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{changedFill}},
	})
	if err != nil {
		return fmt.Errorf("reports: creating a style: %w", err)
	}
	generated := ""
	if !wb.GeneratedAt.IsZero() {
		generated = lang.generatedLine(wb.GeneratedAt.Format(timeLayout))
	}
	head := pageHead{org: wb.Organisation, doc: lang.previewTitle(), generated: generated, lang: lang}
	if err := writePreviewSummary(f, st, wb, summary, generated, head); err != nil {
		return err
	}
	for i := range wb.Months {
		m := &wb.Months[i]
		if _, err := f.NewSheet(m.Month); err != nil {
			return fmt.Errorf("reports: sheet %s: %w", m.Month, err)
		}
		if err := writePreviewMonth(f, st, wb, m, changed, generated, head); err != nil {
			return err
		}
	}
	return nil
}

// writePreviewSummary writes one line per month, then each month's department averages.
func writePreviewSummary(f *excelize.File, st *styleSet, wb *RulePreviewWorkbook, sheet, generated string, head pageHead) error {
	lang := wb.Lang
	before, after := lang.pick("（前）", " (before)"), lang.pick("（后）", " (after)")
	cols := []column{
		{lang.pick("月份", "Month"), 8, st.cText},
		{lang.pick("状态", "Status"), 8, st.cCenter},
		{lang.pick("现行规则版本", "Rule version in force"), 6, st.cCount},
		{lang.pick("人数", "People"), 6, st.cCount},
		{lang.pick("变化人数", "Changed"), 6, st.cCount},
		{lang.pick("扣发奖金合计%", "Bonus withheld total %") + before, 8, st.cPercent},
		{lang.pick("扣发奖金合计%", "Bonus withheld total %") + after, 8, st.cPercent},
	}
	for g := range 4 {
		cols = append(cols, column{wb.GradeLabels[g] + before, 6, st.cCount}, column{wb.GradeLabels[g] + after, 6, st.cCount})
	}
	if err := writeTitle(f, st, sheet, lang.previewTitle(), generated, len(cols)); err != nil {
		return err
	}
	if err := writeHeader(f, sheet, 3, cols, st); err != nil {
		return err
	}
	row := previewFirstRow
	for _, m := range wb.Months {
		vals := []any{m.Month, lang.statusLabel(m.Closed), m.RuleVersion, m.People, m.Changed, round2(m.BonusBefore), round2(m.BonusAfter)}
		for g := range 4 {
			vals = append(vals, m.GradesBefore[g], m.GradesAfter[g])
		}
		if err := f.SetSheetRow(sheet, cell(1, row), &vals); err != nil {
			return fmt.Errorf("reports: summary row %d: %w", row, err)
		}
		row++
	}
	// Department averages, one block below the months.
	row++
	dcols := []column{
		{lang.pick("月份", "Month"), 0, 0},
		{lang.pick("部门", "Department"), 0, 0},
		{lang.pick("人数", "People"), 0, 0},
		{lang.pick("平均分", "Average") + before, 0, 0},
		{lang.pick("平均分", "Average") + after, 0, 0},
	}
	hdr := headers(dcols)
	if err := f.SetSheetRow(sheet, cell(1, row), &hdr); err != nil {
		return fmt.Errorf("reports: department header: %w", err)
	}
	if err := f.SetCellStyle(sheet, cell(1, row), cell(len(dcols), row), st.header); err != nil {
		return fmt.Errorf("reports: department header style: %w", err)
	}
	row++
	for _, m := range wb.Months {
		for _, d := range m.Departments {
			vals := []any{m.Month, d.Name, d.Headcount, round2(d.AverageBefore), round2(d.AverageAfter)}
			if err := f.SetSheetRow(sheet, cell(1, row), &vals); err != nil {
				return fmt.Errorf("reports: department row %d: %w", row, err)
			}
			if err := f.SetCellStyle(sheet, cell(4, row), cell(5, row), st.cScore); err != nil {
				return fmt.Errorf("reports: department row style: %w", err)
			}
			row++
		}
	}
	return pageSetup(f, sheet, "landscape", 0, head)
}

// previewColumns are the columns of a month sheet.
func previewColumns(st *styleSet, lang Lang) []column {
	before, after := lang.pick("（前）", " (before)"), lang.pick("（后）", " (after)")
	return []column{
		{lang.pick("工号", "Employee No"), 10, st.cCode},
		{lang.pick("姓名", "Name"), 8, st.cText},
		{lang.pick("部门", "Department"), 14, st.cText},
		{lang.pick("最终得分", "Final score") + before, 8, st.cScore},
		{lang.pick("最终得分", "Final score") + after, 8, st.cScore},
		{lang.pick("变化", "Change"), 8, st.cPoints},
		{lang.pick("等级", "Grade") + before, 6, st.cCenter},
		{lang.pick("等级", "Grade") + after, 6, st.cCenter},
		{lang.pick("最高处分", "Highest sanction") + before, 10, st.cCenter},
		{lang.pick("最高处分", "Highest sanction") + after, 10, st.cCenter},
		{lang.pick("扣发奖金%", "Bonus withheld %") + before, 8, st.cPercent},
		{lang.pick("扣发奖金%", "Bonus withheld %") + after, 8, st.cPercent},
		{lang.pick("是否变化", "Changed"), 6, st.cCenter},
	}
}

// writePreviewMonth writes a month's sheet: every person before and after,
// the changed rows highlighted (and marked in the last column, so colour is
// not the only signal).
func writePreviewMonth(f *excelize.File, st *styleSet, wb *RulePreviewWorkbook, m *PreviewMonth, changed int, generated string, head pageHead) error {
	lang := wb.Lang
	sheet := m.Month
	cols := previewColumns(st, lang)
	for i, c := range cols {
		switch i {
		case 0:
			c.width = maxWidth(c.width, m.Rows, func(r PreviewRow) string { return r.EmployeeNo })
		case 1:
			c.width = maxWidth(c.width, m.Rows, func(r PreviewRow) string { return r.Name })
		case 2:
			c.width = maxWidth(c.width, m.Rows, func(r PreviewRow) string { return r.Department })
		}
		cols[i] = c
	}
	title := lang.title(wb.Organisation, m.Month, lang.previewTitle(), m.Closed)
	note := joinNote(lang, generated, lang.pick(fmt.Sprintf("现行规则版本 %d；%d 人中 %d 人有变化", m.RuleVersion, m.People, m.Changed),
		fmt.Sprintf("rule version in force %d; %d of %d people change", m.RuleVersion, m.Changed, m.People)))
	if err := writeTitle(f, st, sheet, title, note, len(cols)); err != nil {
		return err
	}
	if err := writeHeader(f, sheet, previewFirstRow-1, cols, st); err != nil {
		return err
	}
	yes, no := lang.pick("是", "yes"), lang.pick("否", "no")
	// The highlight keeps each column's number format: one style per
	// column, the fill and bold font added.
	hl := make([]int, len(cols))
	for c := range cols {
		hl[c] = highlightOf(f, cols[c].style, changed)
	}
	for i, r := range m.Rows {
		row := previewFirstRow + i
		mark := no
		if r.Changed {
			mark = yes
		}
		vals := []any{r.EmployeeNo, r.Name, r.Department, round2(r.Before.Final), round2(r.After.Final),
			round2(r.After.Final - r.Before.Final), r.Before.Grade, r.After.Grade, r.Before.Sanction, r.After.Sanction,
			round2(r.Before.Bonus), round2(r.After.Bonus), mark}
		if err := f.SetSheetRow(sheet, cell(1, row), &vals); err != nil {
			return fmt.Errorf("reports: preview row %d: %w", row, err)
		}
		if r.Changed {
			for c := range cols {
				if err := f.SetCellStyle(sheet, cell(c+1, row), cell(c+1, row), hl[c]); err != nil {
					return fmt.Errorf("reports: highlighting row %d: %w", row, err)
				}
			}
		}
	}
	if err := f.SetPanes(sheet, frozenBelow(previewFirstRow-1)); err != nil {
		return fmt.Errorf("reports: freezing the header: %w", err)
	}
	if len(m.Rows) > 0 {
		if err := f.AutoFilter(sheet, cell(1, previewFirstRow-1)+":"+cell(len(cols), previewFirstRow-1+len(m.Rows)), nil); err != nil {
			return fmt.Errorf("reports: filter: %w", err)
		}
	}
	if err := printTitles(f, sheet, previewFirstRow-1); err != nil {
		return err
	}
	return pageSetup(f, sheet, "landscape", 0, head)
}

// highlightOf returns the style base with the changed-row fill and bold
// font, creating it once per base style.
func highlightOf(f *excelize.File, base, changed int) int {
	s, err := f.GetStyle(base)
	if err != nil || s == nil {
		return changed
	}
	hs := *s
	hs.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{changedFill}}
	font := excelize.Font{Family: fontName}
	if s.Font != nil {
		font = *s.Font
	}
	font.Bold = true
	hs.Font = &font
	id, err := f.NewStyle(&hs)
	if err != nil {
		return changed
	}
	return id
}

// maxWidth widens a column to its longest value.
func maxWidth(w float64, rows []PreviewRow, of func(PreviewRow) string) float64 {
	for _, r := range rows {
		w = max(w, textWidth(strings.TrimSpace(of(r)))+1)
	}
	return min(w, widthMax)
}
