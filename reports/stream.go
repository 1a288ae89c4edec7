package reports

import (
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"
)

// Layout shared by the streamed tables: title in row 1, the generated-at
// note in row 2, the header in row 3, data from row 4.
const streamHeaderRow = 3

// streamTable writes one large table with excelize's stream writer, keeping
// its rules: column widths, styles and panes before the first row, rows in
// ascending order, merges, the filter and print titles before Flush. Page
// setup (sheetPr) goes before the stream writer is created.
type streamTable struct {
	f     *excelize.File
	sw    *excelize.StreamWriter
	sheet string
	cols  []column
	row   int // last row written
}

func startStreamTable(f *excelize.File, st *styleSet, sheet, title, note string, cols []column) (*streamTable, error) {
	if _, err := f.NewSheet(sheet); err != nil {
		return nil, fmt.Errorf("reports: sheet %q: %w", sheet, err)
	}
	if err := pageSetup(f, sheet, "landscape", 0); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("reports: stream writer for %q: %w", sheet, err)
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, colWidth(c.header, c.width)); err != nil {
			return nil, fmt.Errorf("reports: width of %q: %w", c.header, err)
		}
		if c.style != 0 {
			if err := sw.SetColStyle(i+1, i+1, c.style); err != nil {
				return nil, fmt.Errorf("reports: style of %q: %w", c.header, err)
			}
		}
	}
	if err := sw.SetPanes(frozenBelow(streamHeaderRow)); err != nil {
		return nil, fmt.Errorf("reports: panes of %q: %w", sheet, err)
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: title}}, excelize.RowOpts{Height: titleRowH}); err != nil {
		return nil, fmt.Errorf("reports: title of %q: %w", sheet, err)
	}
	if note != "" {
		if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.note, Value: note}}); err != nil {
			return nil, fmt.Errorf("reports: note of %q: %w", sheet, err)
		}
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	if err := sw.SetRow(cell(1, streamHeaderRow), hdr, excelize.RowOpts{Height: headerRowH}); err != nil {
		return nil, fmt.Errorf("reports: header of %q: %w", sheet, err)
	}
	return &streamTable{f: f, sw: sw, sheet: sheet, cols: cols, row: streamHeaderRow}, nil
}

// add writes the next data row; values may be reused by the caller after.
func (t *streamTable) add(values []any) error {
	t.row++
	if err := t.sw.SetRow(cell(1, t.row), values); err != nil {
		return fmt.Errorf("reports: %q row %d: %w", t.sheet, t.row, err)
	}
	return nil
}

// finish merges the title, sets the filter over header and data, repeats the
// header on every printed page and flushes.
func (t *streamTable) finish() error {
	last := colName(len(t.cols))
	if err := t.sw.MergeCell("A1", last+"1"); err != nil {
		return fmt.Errorf("reports: title of %q: %w", t.sheet, err)
	}
	ref := fmt.Sprintf("A%d:%s%d", streamHeaderRow, last, t.row)
	if err := t.f.AutoFilter(t.sheet, ref, nil); err != nil {
		return fmt.Errorf("reports: filter of %q: %w", t.sheet, err)
	}
	if err := printTitles(t.f, t.sheet, streamHeaderRow); err != nil {
		return err
	}
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("reports: flushing %q: %w", t.sheet, err)
	}
	return nil
}

// text leaves an empty string out of the sheet instead of writing an empty
// string cell.
func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ratio is a rate cell: empty for "no data".
func ratio(p *float64) any {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return nil
	}
	return *p
}

// In the streamed sheets only the columns that need a number format or an
// alignment have a style: General already shows text and integers as they
// are, and a style attribute on each of millions of cells costs time.

func writeAppraisalSheet(f *excelize.File, st *styleSet, wb *AppraisalWorkbook) error {
	lang := wb.Lang
	noW, nameW, deptW, sanctionW := 8.0, 8.0, 12.0, 8.0
	for _, r := range wb.Rows {
		noW = max(noW, float64(len(r.EmployeeNo))+2)
		nameW = max(nameW, float64(displayWidth(r.Name))+2)
		deptW = max(deptW, float64(displayWidth(r.Department))+2)
		sanctionW = max(sanctionW, float64(displayWidth(r.HighestSanction))+2)
	}
	cols := []column{
		{lang.pick("序号", "No."), 5, 0},
		{lang.pick("工号", "Employee No"), noW, 0},
		{lang.pick("姓名", "Name"), nameW, 0},
		{lang.pick("部门", "Department"), deptW, 0},
		{lang.pick("基础分", "Base"), 7, st.score},
		{lang.pick("违规次数", "Violations"), 6, 0},
		{lang.pick("扣分", "Deductions"), 7, st.score},
		{lang.pick("表扬次数", "Praises"), 6, 0},
		{lang.pick("加分", "Additions"), 7, st.score},
		{lang.pick("最终得分", "Final Score"), 7, st.score},
		{lang.pick("等级", "Grade"), 6, st.center},
		{lang.pick("最高处分", "Highest Sanction"), sanctionW, 0},
		{lang.pick("扣发奖金%", "Bonus Deduction %"), 7, st.percent},
		{lang.pick("备注", "Note"), 20, 0},
	}
	title := lang.title(wb.Organisation+" "+wb.Department, wb.Month, lang.pick("月度考核表", "monthly appraisal"), wb.Closed)
	t, err := startStreamTable(f, st, lang.sheetAppraisal(), title, wb.generated(), cols)
	if err != nil {
		return err
	}
	values := make([]any, len(cols))
	for i, r := range wb.Rows {
		seq := r.Seq
		if seq == 0 {
			seq = i + 1
		}
		values[0], values[1], values[2], values[3] = seq, text(r.EmployeeNo), text(r.Name), text(r.Department)
		values[4], values[5], values[6] = r.Base, r.ViolationCount, r.Deductions
		values[7], values[8], values[9] = r.PraiseCount, r.Additions, r.Final
		values[10], values[11], values[12], values[13] = text(r.Grade), text(r.HighestSanction), r.BonusDeductionPercent, text(r.Note)
		if err := t.add(values); err != nil {
			return err
		}
	}
	return t.finish()
}

func writeDetailsSheet(f *excelize.File, st *styleSet, wb *AppraisalWorkbook) error {
	lang := wb.Lang
	cols := []column{
		{lang.pick("日期", "Date"), 11, st.date},
		{lang.pick("工号", "Employee No"), 10, 0},
		{lang.pick("姓名", "Name"), 8, 0},
		{lang.pick("部门", "Department"), 14, 0},
		{lang.pick("类别", "Kind"), 6, st.center},
		{lang.pick("类型", "Type"), 16, 0},
		{lang.pick("程度", "Severity"), 6, 0},
		{lang.pick("处分", "Sanction"), 10, 0},
		{lang.pick("分值", "Points"), 8, st.points},
		{lang.pick("首问编号", "Inquiry Ref"), 18, 0},
		{lang.pick("状态", "State"), 8, 0},
		{lang.pick("结转说明", "Carried Over"), 22, 0},
	}
	title := lang.title(wb.Organisation+" "+wb.Department, wb.Month, lang.pick("考核明细", "appraisal details"), wb.Closed)
	t, err := startStreamTable(f, st, lang.sheetDetails(), title, wb.generated(), cols)
	if err != nil {
		return err
	}
	if wb.Details != nil {
		values := make([]any, len(cols))
		for d := range wb.Details {
			var date any
			if !d.Date.IsZero() {
				date = d.Date
			}
			values[0], values[1], values[2], values[3] = date, text(d.EmployeeNo), text(d.Name), text(d.Department)
			values[4], values[5], values[6], values[7] = text(d.Kind), text(d.Type), text(d.Severity), text(d.Sanction)
			values[8], values[9], values[10], values[11] = d.Points, text(d.InquiryRef), text(d.State), text(d.CarriedOver)
			if err = t.add(values); err != nil {
				break
			}
		}
		if err != nil {
			return err
		}
	}
	return t.finish()
}

func writeServiceSheet(f *excelize.File, st *styleSet, wb *AppraisalWorkbook) error {
	lang := wb.Lang
	deptW, nameW := 12.0, 8.0
	for _, s := range wb.Service {
		deptW = max(deptW, float64(displayWidth(s.Department))+2)
		nameW = max(nameW, float64(displayWidth(s.Name))+2)
	}
	cols := []column{
		{lang.pick("层级", "Level"), 6, st.center},
		{lang.pick("部门", "Department"), deptW, 0},
		{lang.pick("姓名", "Name"), nameW, 0},
		{lang.pick("受理数", "Received"), 7, 0},
		{lang.pick("移交数", "Referred"), 7, 0},
		{lang.pick("按时移交率", "On-time Hand-over"), 8, st.ratio},
		{lang.pick("按时联系率", "On-time Contact"), 8, st.ratio},
		{lang.pick("按时反馈率", "On-time Feedback"), 8, st.ratio},
		{lang.pick("满意率", "Satisfaction"), 8, st.ratio},
	}
	title := lang.title(wb.Organisation+" "+wb.Department, wb.Month, lang.pick("服务指标", "service indicators"), wb.Closed)
	t, err := startStreamTable(f, st, lang.sheetService(), title, wb.generated(), cols)
	if err != nil {
		return err
	}
	values := make([]any, len(cols))
	// Departments first, then persons, each in the caller's order (which is
	// the ranking the caller chose).
	for _, persons := range []bool{false, true} {
		for _, s := range wb.Service {
			if (s.Level == ServiceLevelPerson) != persons {
				continue
			}
			level := s.Level
			switch s.Level {
			case ServiceLevelDepartment:
				level = lang.pick("部门", "Department")
			case ServiceLevelPerson:
				level = lang.pick("个人", "Person")
			}
			values[0], values[1], values[2] = text(level), text(s.Department), text(s.Name)
			values[3], values[4] = s.Received, s.Referred
			values[5], values[6], values[7], values[8] = ratio(s.OnTimeHandover), ratio(s.OnTimeContact), ratio(s.OnTimeFeedback), ratio(s.Satisfaction)
			if err := t.add(values); err != nil {
				return err
			}
		}
	}
	return t.finish()
}
