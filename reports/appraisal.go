package reports

import (
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/xuri/excelize/v2"
)

// AppraisalWorkbook is everything the monthly appraisal workbook
// (月度考核表) shows, display-ready: labels (grades, sanctions, violation
// types, severities, states) are already in the workbook's language.
type AppraisalWorkbook struct {
	Organisation string
	Department   string // set when the export covers one department; shown in the titles
	Month        string // YYYY-MM
	Closed       bool   // closed month: "(已结账)"; open: "(暂定)"
	Lang         Lang
	GeneratedAt  time.Time // shown under the titles; zero leaves the line out

	Departments []DepartmentSummary
	GradeLabels [4]string // display labels of grades A, B, C, D (e.g. "优秀")
	Rows        []AppraisalRow
	Details     DetailSource // may be nil
	Service     []ServiceRow
}

// DepartmentSummary is one line of the summary sheet.
type DepartmentSummary struct {
	Name            string
	Headcount       int
	AverageFinal    float64
	GradeCounts     [4]int // people graded A, B, C, D
	TotalDeductions float64
	TotalAdditions  float64
}

// AppraisalRow is one staff member on the appraisal sheet. Seq 0 is
// replaced by the row's position (1, 2, …). BonusDeductionPercent is a
// percentage (5 means 5 %).
type AppraisalRow struct {
	Seq                   int
	EmployeeNo            string
	Name                  string
	Department            string
	Base                  float64
	ViolationCount        int
	Deductions            float64
	PraiseCount           int
	Additions             float64
	Final                 float64
	Grade                 string
	HighestSanction       string
	BonusDeductionPercent float64
	Note                  string
}

// DetailRow is one counted conduct record on the details sheet. Kind is the
// caller's label for 违规/表扬; Points is signed: negative for a deduction,
// positive for praise. CarriedOver explains a record counted in a later
// month than its own ("" when it is not carried over).
type DetailRow struct {
	Date        time.Time
	EmployeeNo  string
	Name        string
	Department  string
	Kind        string
	Type        string
	Severity    string
	Sanction    string
	Points      float64
	InquiryRef  string
	State       string
	CarriedOver string
}

// DetailSource yields the detail rows one at a time, so that 200,000 records
// need not be held in memory next to the workbook being built; a slice
// becomes one with slices.Values. It is an alias, so any iter.Seq[DetailRow]
// can be assigned.
type DetailSource = iter.Seq[DetailRow]

// Service row levels.
const (
	ServiceLevelDepartment = "department"
	ServiceLevelPerson     = "person"
)

// ServiceRow is one line of the service indicators sheet, for a department
// (Name empty) or a person. The rates are ratios from 0 to 1, shown as
// percentages; nil (or NaN) means "no data" and leaves the cell empty, which
// is not the same as 0 %.
type ServiceRow struct {
	Level          string // ServiceLevelDepartment or ServiceLevelPerson
	Department     string
	Name           string
	Received       int
	Referred       int
	OnTimeHandover *float64
	OnTimeContact  *float64
	OnTimeFeedback *float64
	Satisfaction   *float64
}

// WriteAppraisal writes the monthly appraisal workbook to w: the sheets
// 汇总, 考核表, 明细, 服务指标 (Summary, Appraisal, Details, Service in
// English) in that order. The summary is a normal sheet with two charts; the
// other three are streamed, so memory stays bounded with 10,000 staff and
// 200,000 detail rows.
func WriteAppraisal(w io.Writer, wb AppraisalWorkbook) error {
	lang := wb.Lang
	title := lang.title(wb.Organisation+" "+wb.Department, wb.Month, lang.pick("月度考核汇总", "monthly appraisal summary"), wb.Closed)
	f, st, err := newBook(lang.sheetSummary(), title, lang)
	if err != nil {
		return err
	}
	return finish(f, w, writeAppraisal(f, st, &wb, title))
}

func writeAppraisal(f *excelize.File, st *styleSet, wb *AppraisalWorkbook, summaryTitle string) error {
	if err := writeSummary(f, st, wb, summaryTitle); err != nil {
		return err
	}
	if err := writeAppraisalSheet(f, st, wb); err != nil {
		return err
	}
	if err := writeDetailsSheet(f, st, wb); err != nil {
		return err
	}
	if err := writeServiceSheet(f, st, wb); err != nil {
		return err
	}
	// The summary, the first sheet, stays the active one. (SetActiveSheet
	// would parse every streamed sheet back into memory.)
	return nil
}

// generated is the "generated at" line of every sheet.
func (wb *AppraisalWorkbook) generated() string {
	if wb.GeneratedAt.IsZero() {
		return ""
	}
	return wb.Lang.generatedLine(wb.GeneratedAt.Format(timeLayout))
}

// gradeHeader is the header of a grade column: the letter and the caller's
// label, e.g. "A 优秀".
func (wb *AppraisalWorkbook) gradeHeader(i int) string {
	letter := string(rune('A' + i))
	label := wb.GradeLabels[i]
	switch {
	case label == "" || label == letter:
		return letter
	case len(label) > 1 && label[:1] == letter && (label[1] == ' ' || label[1] == '('):
		return label
	default:
		return letter + " " + label
	}
}

// Layout of the summary sheet.
const (
	summaryHeaderRow = 4
	summaryCols      = 9 // 部门, 人数, 平均最终得分, A–D, 扣分合计, 加分合计
	chartColumn      = "K"
)

func writeSummary(f *excelize.File, st *styleSet, wb *AppraisalWorkbook, title string) error {
	lang, sheet := wb.Lang, wb.Lang.sheetSummary()
	deptW := 12.0
	for _, d := range wb.Departments {
		deptW = max(deptW, float64(displayWidth(d.Name))+2)
	}
	cols := []column{
		{lang.pick("部门", "Department"), deptW, st.text},
		{lang.pick("人数", "Headcount"), 6, st.count},
		{lang.pick("平均最终得分", "Average Final Score"), 8, st.score},
		{wb.gradeHeader(0), 6, st.count},
		{wb.gradeHeader(1), 6, st.count},
		{wb.gradeHeader(2), 6, st.count},
		{wb.gradeHeader(3), 6, st.count},
		{lang.pick("扣分合计", "Total Deductions"), 8, st.score},
		{lang.pick("加分合计", "Total Additions"), 8, st.score},
	}
	if err := writeHeader(f, sheet, summaryHeaderRow, cols, st); err != nil {
		return err
	}
	if err := writeTitle(f, st, sheet, title, wb.generated(), len(cols)); err != nil {
		return err
	}
	var (
		grades    [4]int
		headcount int
		sumFinal  float64
		ded, add  float64
	)
	row := summaryHeaderRow
	for _, d := range wb.Departments {
		row++
		values := []any{d.Name, d.Headcount, round2(d.AverageFinal),
			d.GradeCounts[0], d.GradeCounts[1], d.GradeCounts[2], d.GradeCounts[3],
			round2(d.TotalDeductions), round2(d.TotalAdditions)}
		if err := f.SetSheetRow(sheet, cell(1, row), &values); err != nil {
			return fmt.Errorf("reports: summary row %d: %w", row, err)
		}
		headcount += d.Headcount
		sumFinal += d.AverageFinal * float64(d.Headcount)
		for i, n := range d.GradeCounts {
			grades[i] += n
		}
		ded += d.TotalDeductions
		add += d.TotalAdditions
	}
	firstData, lastData := summaryHeaderRow+1, row
	totalRow := row + 1
	avg := 0.0
	if headcount > 0 {
		avg = sumFinal / float64(headcount)
	}
	totals := []any{lang.pick("合计", "Total"), headcount, round2(avg), grades[0], grades[1], grades[2], grades[3], round2(ded), round2(add)}
	if err := f.SetSheetRow(sheet, cell(1, totalRow), &totals); err != nil {
		return fmt.Errorf("reports: summary total: %w", err)
	}
	for i, s := range []int{st.totalText, st.totalCount, st.totalScore, st.totalCount, st.totalCount, st.totalCount, st.totalCount, st.totalScore, st.totalScore} {
		if err := f.SetCellStyle(sheet, cell(i+1, totalRow), cell(i+1, totalRow), s); err != nil {
			return fmt.Errorf("reports: summary total style: %w", err)
		}
	}
	if err := f.SetPanes(sheet, frozenBelow(summaryHeaderRow)); err != nil {
		return fmt.Errorf("reports: freezing the summary header: %w", err)
	}
	if lastData >= firstData {
		if err := addSummaryCharts(f, wb, sheet, firstData, lastData, totalRow); err != nil {
			return err
		}
	}
	if err := printTitles(f, sheet, summaryHeaderRow); err != nil {
		return err
	}
	return pageSetup(f, sheet, "landscape", 0)
}

// writeTitle puts the title (merged across width columns) in row 1 and the
// generated-at note in row 2 of a normal sheet.
func writeTitle(f *excelize.File, st *styleSet, sheet, title, note string, width int) error {
	if err := f.SetCellStr(sheet, "A1", title); err != nil {
		return fmt.Errorf("reports: title: %w", err)
	}
	if err := f.MergeCell(sheet, "A1", cell(width, 1)); err != nil {
		return fmt.Errorf("reports: title: %w", err)
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", st.title); err != nil {
		return fmt.Errorf("reports: title: %w", err)
	}
	if err := f.SetRowHeight(sheet, 1, titleRowH); err != nil {
		return fmt.Errorf("reports: title: %w", err)
	}
	if note != "" {
		if err := f.SetCellStr(sheet, "A2", note); err != nil {
			return fmt.Errorf("reports: title note: %w", err)
		}
		if err := f.SetCellStyle(sheet, "A2", "A2", st.note); err != nil {
			return fmt.Errorf("reports: title note: %w", err)
		}
	}
	return nil
}

// addSummaryCharts adds the two charts of the summary sheet, both drawn from
// the table's cells so that an edit of the table redraws them: a column
// chart of the average final score by department, and a pie of the grade
// distribution (the total row).
func addSummaryCharts(f *excelize.File, wb *AppraisalWorkbook, sheet string, firstData, lastData, totalRow int) error {
	lang, q := wb.Lang, quoteSheet(sheet)
	n := lastData - firstData + 1
	width := uint(min(max(480, 48*n), 1400))
	noLegend := excelize.ChartLegend{Position: "none"}
	zero, single := 0.0, false
	byDept := &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$C$%d", q, summaryHeaderRow),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", q, firstData, lastData),
			Values:     fmt.Sprintf("%s!$C$%d:$C$%d", q, firstData, lastData),
		}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: lang.pick("各部门平均最终得分", "Average final score by department")}}},
		Legend:     noLegend,
		VaryColors: &single,
		Dimension:  excelize.ChartDimension{Width: width, Height: 300},
		Format:     excelize.GraphicOptions{OffsetX: 10},
		YAxis:      excelize.ChartAxis{Minimum: &zero, MajorGridLines: true},
		PlotArea:   excelize.ChartPlotArea{ShowVal: n <= 20},
	}
	if err := f.AddChart(sheet, fmt.Sprintf("%s%d", chartColumn, summaryHeaderRow), byDept); err != nil {
		return fmt.Errorf("reports: average chart: %w", err)
	}
	grades := &excelize.Chart{
		Type: excelize.Pie,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$A$%d", q, totalRow),
			Categories: fmt.Sprintf("%s!$D$%d:$G$%d", q, summaryHeaderRow, summaryHeaderRow),
			Values:     fmt.Sprintf("%s!$D$%d:$G$%d", q, totalRow, totalRow),
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: lang.pick("等级分布", "Grade distribution")}}},
		Legend:    excelize.ChartLegend{Position: "right"},
		Dimension: excelize.ChartDimension{Width: 480, Height: 300},
		Format:    excelize.GraphicOptions{OffsetX: 10},
		PlotArea:  excelize.ChartPlotArea{ShowPercent: true, ShowCatName: false},
	}
	// 300 px of chart ≈ 16 rows of the default height; leave one row free.
	if err := f.AddChart(sheet, fmt.Sprintf("%s%d", chartColumn, summaryHeaderRow+17), grades); err != nil {
		return fmt.Errorf("reports: grade chart: %w", err)
	}
	return nil
}
