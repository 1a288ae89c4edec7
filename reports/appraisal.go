package reports

import (
	"fmt"
	"io"
	"iter"
	"sort"
	"strings"
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
	// Location is the organisation's time zone: every date and time of the
	// workbook (details, generated-at) is shown in it. Nil takes the
	// location of GeneratedAt (which callers give in the organisation's
	// zone), and a zero GeneratedAt leaves times in their own location.
	Location *time.Location

	Departments []DepartmentSummary
	GradeLabels [4]string // display labels of grades A, B, C, D (e.g. "优秀")
	Rows        []AppraisalRow
	Details     DetailSource // may be nil
	// DetailCount is how many rows Details yields, when the caller knows
	// (0: unknown). Known, the rows are written several chunks at once
	// while the workbook is zipped, on every core (details_splice.go); a
	// source that then yields another number of rows fails the write.
	DetailCount int
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
	// Reason is the record's description or the praise reason (事由),
	// shown in the last column.
	Reason string
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
	if wb.Location == nil && !wb.GeneratedAt.IsZero() {
		wb.Location = wb.GeneratedAt.Location()
	}
	title := lang.title(wb.Organisation+" "+wb.Department, wb.Month, lang.pick("月度考核汇总", "monthly appraisal summary"), wb.Closed)
	doc := lang.title(wb.Organisation+" "+wb.Department, wb.Month, lang.pick("月度考核表", "monthly appraisal"), wb.Closed)
	f, st, err := newBook(lang.sheetSummary(), docMeta{title: doc, org: wb.Organisation, created: wb.GeneratedAt}, lang)
	if err != nil {
		return err
	}
	splice, err := writeAppraisal(f, st, &wb, title)
	return finishSpliced(f, w, splice, err)
}

// local returns t in the workbook's zone.
func (wb *AppraisalWorkbook) local(t time.Time) time.Time {
	if wb.Location == nil {
		return t
	}
	return t.In(wb.Location)
}

// head is the printed header and footer of the sheet showing doc.
func (wb *AppraisalWorkbook) head(doc string) pageHead {
	return pageHead{
		org:       wb.Organisation + " " + wb.Department,
		doc:       wb.Month + " " + doc,
		status:    wb.Lang.statusLabel(wb.Closed),
		generated: wb.generated(),
		lang:      wb.Lang,
	}
}

// writeAppraisal writes the sheets; the details' rows may be left to the
// returned splice, which writes them as the workbook is zipped.
func writeAppraisal(f *excelize.File, st *styleSet, wb *AppraisalWorkbook, summaryTitle string) (*rowSplice, error) {
	if err := writeSummary(f, st, wb, summaryTitle); err != nil {
		return nil, err
	}
	if err := writeAppraisalSheet(f, st, wb); err != nil {
		return nil, err
	}
	splice, err := writeDetailsSheet(f, st, wb)
	if err != nil {
		return nil, err
	}
	if err := writeServiceSheet(f, st, wb); err != nil {
		return nil, err
	}
	if len(wb.Departments) > 0 {
		if err := addSummaryCharts(f, st, wb); err != nil {
			return nil, err
		}
	}
	// The summary, the first sheet, stays the active one. (SetActiveSheet
	// would parse every streamed sheet back into memory.)
	return splice, nil
}

// generated is the "generated at" line of every sheet.
func (wb *AppraisalWorkbook) generated() string {
	if wb.GeneratedAt.IsZero() {
		return ""
	}
	return wb.Lang.generatedLine(wb.local(wb.GeneratedAt).Format(timeLayout))
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
)

// appraisalRange is an absolute reference to the data cells of one column
// (a letter) of the appraisal sheet, for the summary's formulas.
func (wb *AppraisalWorkbook) appraisalRange(col string) string {
	first, last := streamHeaderRow+1, streamHeaderRow+len(wb.Rows)
	return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(wb.Lang.sheetAppraisal()), col, first, col, last)
}

// gradeCriteria is, for each grade, the text its rows carry in the
// appraisal sheet's grade column (the letter, the label or "A 优秀"), so
// that the summary can count them; the letter when no row has that grade.
func (wb *AppraisalWorkbook) gradeCriteria() [4]string {
	var out [4]string
	for i := range out {
		letter := string(rune('A' + i))
		out[i] = letter
		for _, r := range wb.Rows {
			if r.Grade != "" && (r.Grade == letter || r.Grade == wb.GradeLabels[i] || r.Grade == wb.gradeHeader(i)) {
				out[i] = r.Grade
				break
			}
		}
	}
	return out
}

// criterion is the COUNTIFS/SUMIFS criterion "equals s" as a string
// literal. A name that a criterion would misread gets "=" first (so that a
// leading <, > or = is no operator) and its wildcards * and ? (and the
// escape ~) escaped with ~; other names are written as they are, which
// every calculation engine reads the same.
func criterion(s string) string {
	if strings.ContainsAny(s, "*?~") || strings.ContainsAny(s[:min(1, len(s))], "<>=") {
		s = "=" + strings.NewReplacer("~", "~~", "*", "~*", "?", "~?").Replace(s)
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func writeSummary(f *excelize.File, st *styleSet, wb *AppraisalWorkbook, title string) error {
	lang, sheet := wb.Lang, wb.Lang.sheetSummary()
	deptW := 12.0
	for _, d := range wb.Departments {
		deptW = max(deptW, textWidth(d.Name)+2)
	}
	cols := []column{
		{lang.pick("部门", "Department"), deptW, st.cText},
		{lang.pick("人数", "Headcount"), 6, st.cCount},
		{lang.pick("平均最终得分", "Average Final Score"), 8, st.cScore},
		{wb.gradeHeader(0), 6, st.cCount},
		{wb.gradeHeader(1), 6, st.cCount},
		{wb.gradeHeader(2), 6, st.cCount},
		{wb.gradeHeader(3), 6, st.cCount},
		{lang.pick("扣分合计", "Total Deductions"), 8, st.cScore},
		{lang.pick("加分合计", "Total Additions"), 8, st.cScore},
	}
	formulas := len(wb.Rows) > 0
	note := wb.generated()
	if formulas {
		note = joinNote(lang, note, lang.pick("各项为“考核表”的公式，修改考核表后自动更新", "figures are formulas over the Appraisal sheet and follow its edits"))
	}
	doc := lang.pick("月度考核汇总", "monthly appraisal summary")
	t, err := startStreamTable(f, st, sheet, title, note, cols, tableOpts{
		headerRow: summaryHeaderRow, orientation: "portrait", head: wb.head(doc), noFilter: true,
	})
	if err != nil {
		return err
	}
	var (
		grades    [4]int
		headcount int
		sumFinal  float64
		ded, add  float64
	)
	// Each figure is a formula over the appraisal sheet (COUNTIFS and
	// SUMIFS, which every reader calculates, on the department's name as
	// an exact-match criterion), with the caller's figure as its cached
	// value.
	dept, final := wb.appraisalRange(colDept), wb.appraisalRange(colFinal)
	gradeCol := wb.appraisalRange(colGrade)
	criteria := wb.gradeCriteria()
	values := make([]any, len(cols))
	for _, d := range wb.Departments {
		row := t.row + 1
		a := criterion(d.Name)
		values[0], values[1], values[2] = d.Name, d.Headcount, d.AverageFinal
		for i, n := range d.GradeCounts {
			values[3+i] = n
		}
		values[7], values[8] = round2(d.TotalDeductions), round2(d.TotalAdditions)
		if formulas {
			fx := make([]string, len(cols))
			fx[1] = fmt.Sprintf("COUNTIFS(%s,%s)", dept, a)
			fx[2] = fmt.Sprintf("IF(B%d=0,0,SUMIFS(%s,%s,%s)/B%d)", row, final, dept, a, row)
			for i, c := range criteria {
				fx[3+i] = fmt.Sprintf("COUNTIFS(%s,%s,%s,%s)", dept, a, gradeCol, criterion(c))
			}
			fx[7] = fmt.Sprintf("SUMIFS(%s,%s,%s)", wb.appraisalRange(colDeductions), dept, a)
			fx[8] = fmt.Sprintf("SUMIFS(%s,%s,%s)", wb.appraisalRange(colAdditions), dept, a)
			for i := 1; i < len(fx); i++ {
				values[i] = excelize.Cell{Formula: fx[i], Value: values[i]}
			}
		}
		if err := t.add(values); err != nil {
			return err
		}
		headcount += d.Headcount
		sumFinal += d.AverageFinal * float64(d.Headcount)
		for i, n := range d.GradeCounts {
			grades[i] += n
		}
		ded += d.TotalDeductions
		add += d.TotalAdditions
	}
	firstData, lastData := summaryHeaderRow+1, t.row
	totalRow := t.row + 1
	avg := 0.0
	if headcount > 0 {
		avg = sumFinal / float64(headcount)
	}
	totals := []any{lang.pick("合计", "Total"), headcount, avg, grades[0], grades[1], grades[2], grades[3], round2(ded), round2(add)}
	styles := []int{st.totalText, st.totalCount, st.totalScore, st.totalCount, st.totalCount, st.totalCount, st.totalCount, st.totalScore, st.totalScore}
	for i, v := range totals {
		c := excelize.Cell{StyleID: styles[i], Value: v}
		if i > 0 && lastData >= firstData {
			col := colName(i + 1)
			c.Formula = fmt.Sprintf("SUM(%s%d:%s%d)", col, firstData, col, lastData)
			if i == 2 {
				c.Formula = fmt.Sprintf("IF(B%d=0,0,SUMPRODUCT(B%d:B%d,C%d:C%d)/B%d)", totalRow, firstData, lastData, firstData, lastData, totalRow)
			}
		}
		totals[i] = c
	}
	if err := t.add(totals); err != nil {
		return err
	}
	if lastData >= firstData {
		line := lang.pick("图表见“图表”工作表。", "Charts: see the Charts sheet.")
		if err := t.line(1, st.note, line, 0); err != nil {
			return err
		}
	}
	return t.finish(0)
}

// joinNote joins the parts of a note line that are not empty.
func joinNote(lang Lang, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, lang.pick("；", "; "))
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

// Chart geometry: a bar per department, barPx high, so 200 departments
// make a chart about 3,600 px tall that prints over a few portrait pages.
const (
	chartWidthPx = 640
	barPx        = 18
)

// addSummaryCharts adds the charts on a sheet of their own (图表 /
// Charts), so that the summary table prints one page wide at full size: a
// pie of the grade distribution (drawn from the summary's total row) and a
// horizontal bar chart of the average final score by department, ranked
// from the highest down. The ranking is a small table on the chart sheet
// whose averages are formulas over the summary (so an edit redraws the
// bars); its order is the ranking at export time.
func addSummaryCharts(f *excelize.File, st *styleSet, wb *AppraisalWorkbook) error {
	lang, summary := wb.Lang, wb.Lang.sheetSummary()
	firstData, lastData := summaryHeaderRow+1, summaryHeaderRow+len(wb.Departments)
	totalRow := lastData + 1
	sheet := lang.pick("图表", "Charts")
	qs, q := quoteSheet(summary), quoteSheet(sheet)
	n := lastData - firstData + 1
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		return wb.Departments[order[i]].AverageFinal > wb.Departments[order[j]].AverageFinal
	})
	deptW := 12.0
	for _, d := range wb.Departments {
		deptW = max(deptW, textWidth(d.Name)+2)
	}
	cols := []column{
		{lang.pick("名次", "Rank"), 4, st.cCount},
		{lang.pick("部门", "Department"), deptW, st.cText},
		{lang.pick("平均最终得分", "Average Final Score"), 8, st.cScore},
	}
	const headerRow = streamHeaderRow
	// The charts go in before the table is streamed: the stream writer
	// writes the sheet's drawing reference when it flushes, and a streamed
	// sheet cannot take a chart afterwards.
	if _, err := f.NewSheet(sheet); err != nil {
		return fmt.Errorf("reports: sheet %q: %w", sheet, err)
	}
	first, last := headerRow+1, headerRow+n
	dark := excelize.Font{Color: "000000", Size: 9, Family: fontName}
	zero, single := 0.0, false
	byDept := &excelize.Chart{
		Type:       excelize.Bar,
		VaryColors: &single,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$C$%d", q, headerRow),
			Categories: fmt.Sprintf("%s!$B$%d:$B$%d", q, first, last),
			Values:     fmt.Sprintf("%s!$C$%d:$C$%d", q, first, last),
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: lang.pick("各部门平均最终得分", "Average final score by department"), Font: &excelize.Font{Bold: true, Color: "000000", Family: fontName}}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: chartWidthPx, Height: uint(max(300, 60+barPx*n))},
		Format:    excelize.GraphicOptions{OffsetX: 10},
		// Categories read top-down in rank order.
		XAxis:    excelize.ChartAxis{ReverseOrder: true, Font: dark},
		YAxis:    excelize.ChartAxis{Minimum: &zero, MajorGridLines: true, Font: dark},
		PlotArea: excelize.ChartPlotArea{ShowVal: true},
	}
	grades := &excelize.Chart{
		Type: excelize.Pie,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$A$%d", qs, totalRow),
			Categories: fmt.Sprintf("%s!$D$%d:$G$%d", qs, summaryHeaderRow, summaryHeaderRow),
			Values:     fmt.Sprintf("%s!$D$%d:$G$%d", qs, totalRow, totalRow),
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: lang.pick("等级分布", "Grade distribution"), Font: &excelize.Font{Bold: true, Color: "000000", Family: fontName}}}},
		Legend:    excelize.ChartLegend{Position: "right"},
		Dimension: excelize.ChartDimension{Width: chartWidthPx, Height: 300},
		Format:    excelize.GraphicOptions{OffsetX: 10},
		PlotArea:  excelize.ChartPlotArea{ShowPercent: true},
	}
	// The pie first, then the bars below it (300 px ≈ 16 rows of the
	// default height; leave one free), both right of the ranking table.
	if err := f.AddChart(sheet, "E1", grades); err != nil {
		return fmt.Errorf("reports: grade chart: %w", err)
	}
	if err := f.AddChart(sheet, "E18", byDept); err != nil {
		return fmt.Errorf("reports: average chart: %w", err)
	}
	// Readers size the printed range by the cells; the charts must be in
	// it (about 64 px a column and 20 px a row, with room to spare).
	bottom := max(last, 18+int(byDept.Dimension.Height)/20+2)
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", q, colName(5+chartWidthPx/64+1), bottom),
		Scope:    sheet,
	}); err != nil {
		return fmt.Errorf("reports: chart sheet print area: %w", err)
	}
	t, err := startStreamTable(f, st, sheet, lang.pick("各部门平均最终得分排名", "Departments ranked by average final score"), wb.generated(), cols, tableOpts{
		orientation: "portrait", head: wb.head(lang.pick("图表", "charts")), noFilter: true,
	})
	if err != nil {
		return err
	}
	values := make([]any, len(cols))
	for i, k := range order {
		src := firstData + k
		values[0] = i + 1
		values[1] = excelize.Cell{Formula: fmt.Sprintf("%s!$A$%d", qs, src), Value: wb.Departments[k].Name}
		values[2] = excelize.Cell{Formula: fmt.Sprintf("%s!$C$%d", qs, src), Value: wb.Departments[k].AverageFinal}
		if err := t.add(values); err != nil {
			return err
		}
	}
	return t.finish(0)
}
