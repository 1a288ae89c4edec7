package reports

import (
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"
)

// Layout shared by the streamed tables: title in row 1, the generated-at
// note in row 2, the header in row 3, data from row 4.
const streamHeaderRow = 3

// streamTable writes one table with excelize's stream writer, keeping its
// rules: column widths and panes before the first row, rows in ascending
// order, merges, the filter and print titles before Flush. Page setup
// (sheetPr) and the sheet protection go before the stream writer is
// created. Every data cell carries its column's ruled style (an empty cell
// too, so that the ruling has no holes); the columns themselves carry no
// style, so the empty rows below the table are not ruled on screen.
type streamTable struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	sheet  string
	cols   []column
	cells  []excelize.Cell // the row being written, reused
	ptrs   []any           // &cells[i], boxed once
	row    int             // last row written
	header int             // the header row
	filter bool
}

// tableOpts are the choices of a streamed table beyond its columns.
type tableOpts struct {
	headerRow   int // 0: streamHeaderRow
	orientation string
	head        pageHead
	protect     bool // protect the sheet (no password); *Edit styles stay editable
	noFilter    bool
	locked      []bool // per column: a rule-derived column, its header shaded
}

func startStreamTable(f *excelize.File, st *styleSet, sheet, title, note string, cols []column, o tableOpts) (*streamTable, error) {
	if o.headerRow == 0 {
		o.headerRow = streamHeaderRow
	}
	if o.orientation == "" {
		o.orientation = "landscape"
	}
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		if _, err := f.NewSheet(sheet); err != nil {
			return nil, fmt.Errorf("reports: sheet %q: %w", sheet, err)
		}
	}
	if err := pageSetup(f, sheet, o.orientation, 0, o.head); err != nil {
		return nil, err
	}
	if o.protect {
		// No password: the protection makes an edit of a rule-derived cell
		// deliberate (Review > Unprotect), it does not forbid it. Filtering,
		// sorting and resizing stay allowed.
		if err := f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
			AutoFilter: true, Sort: true, FormatColumns: true, FormatRows: true,
			SelectLockedCells: true, SelectUnlockedCells: true,
		}); err != nil {
			return nil, fmt.Errorf("reports: protecting %q: %w", sheet, err)
		}
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("reports: stream writer for %q: %w", sheet, err)
	}
	// Each call puts its column first in the list, so going from the last
	// column to the first leaves <cols> in ascending order, which readers
	// such as exceljs require.
	for i := len(cols) - 1; i >= 0; i-- {
		c := cols[i]
		if err := sw.SetColWidth(i+1, i+1, colWidth(c.header, c.width)); err != nil {
			return nil, fmt.Errorf("reports: width of %q: %w", c.header, err)
		}
	}
	if err := sw.SetPanes(frozenBelow(o.headerRow)); err != nil {
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
	lines := 1
	for i, c := range cols {
		style := st.header
		if i < len(o.locked) && o.locked[i] {
			style = st.lockedHeader
		}
		hdr[i] = excelize.Cell{StyleID: style, Value: c.header}
		lines = max(lines, headerLines(c.header, colWidth(c.header, c.width)))
	}
	if err := sw.SetRow(cell(1, o.headerRow), hdr, excelize.RowOpts{Height: max(tableHeaderH, float64(lines)*15+4)}); err != nil {
		return nil, fmt.Errorf("reports: header of %q: %w", sheet, err)
	}
	t := &streamTable{f: f, sw: sw, sheet: sheet, cols: cols, row: o.headerRow, header: o.headerRow, filter: !o.noFilter}
	t.cells = make([]excelize.Cell, len(cols))
	t.ptrs = make([]any, len(cols))
	for i := range t.cells {
		t.ptrs[i] = &t.cells[i]
	}
	return t, nil
}

// add writes the next data row, each cell with its column's style (a value
// that is already an excelize.Cell keeps its own style if it has one);
// values may be reused by the caller after. The cells go through one
// reused []excelize.Cell, so that no cell of 200,000 rows is allocated.
func (t *streamTable) add(values []any, opts ...excelize.RowOpts) error {
	t.row++
	for i, v := range values {
		switch c := v.(type) {
		case excelize.Cell:
			if c.StyleID == 0 {
				c.StyleID = t.cols[i].style
			}
			t.cells[i] = c
		default: // nil too: an empty cell, ruled
			t.cells[i] = excelize.Cell{StyleID: t.cols[i].style, Value: v}
		}
	}
	if err := t.sw.SetRow(cell(1, t.row), t.ptrs[:len(values)], opts...); err != nil {
		return fmt.Errorf("reports: %q row %d: %w", t.sheet, t.row, err)
	}
	return nil
}

// line writes a free line (a signature block, a remark) merged across the
// table's width, skip rows below the last one.
func (t *streamTable) line(skip int, style int, text string, height float64) error {
	t.row += skip + 1
	if err := t.sw.SetRow(cell(1, t.row), []any{excelize.Cell{StyleID: style, Value: text}}, excelize.RowOpts{Height: height}); err != nil {
		return fmt.Errorf("reports: %q row %d: %w", t.sheet, t.row, err)
	}
	if err := t.sw.MergeCell(cell(1, t.row), cell(len(t.cols), t.row)); err != nil {
		return fmt.Errorf("reports: %q row %d: %w", t.sheet, t.row, err)
	}
	return nil
}

// finish merges the title, sets the filter over header and data (up to
// lastData, 0 = the last row written), repeats the header on every printed
// page and flushes.
func (t *streamTable) finish(lastData int) error {
	last := colName(len(t.cols))
	if err := t.sw.MergeCell("A1", last+"1"); err != nil {
		return fmt.Errorf("reports: title of %q: %w", t.sheet, err)
	}
	if lastData == 0 {
		lastData = t.row
	}
	if t.filter {
		ref := fmt.Sprintf("A%d:%s%d", t.header, last, lastData)
		if err := t.f.AutoFilter(t.sheet, ref, nil); err != nil {
			return fmt.Errorf("reports: filter of %q: %w", t.sheet, err)
		}
	}
	if err := printTitles(t.f, t.sheet, t.header); err != nil {
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

// Widths of the columns whose text wraps: the details' 事由 and the
// appraisal sheet's 备注; their rows get the height the text needs.
const (
	detailsReasonW = 30.0
	noteW          = 20.0
)

// Columns of the appraisal sheet that the summary's formulas refer to.
const (
	colDept       = "D"
	colBase       = "E"
	colDeductions = "G"
	colAdditions  = "I"
	colFinal      = "J"
	colGrade      = "K"
)

func writeAppraisalSheet(f *excelize.File, st *styleSet, wb *AppraisalWorkbook) error {
	lang := wb.Lang
	noW, nameW, deptW, sanctionW := 8.0, 8.0, 12.0, 8.0
	for _, r := range wb.Rows {
		noW = max(noW, float64(len(r.EmployeeNo))+2)
		nameW = max(nameW, textWidth(r.Name)+2)
		deptW = max(deptW, textWidth(r.Department)+2)
		sanctionW = max(sanctionW, textWidth(r.HighestSanction)+2)
	}
	cols := []column{
		{lang.pick("序号", "No."), 5, st.cCount},
		{lang.pick("工号", "Employee No"), noW, st.cText},
		{lang.pick("姓名", "Name"), nameW, st.cText},
		{lang.pick("部门", "Department"), deptW, st.cText},
		{lang.pick("基础分", "Base"), 7, st.cScoreEdit},
		{lang.pick("违规次数", "Violations"), 6, st.cCount},
		{lang.pick("扣分", "Deductions"), 7, st.cScore},
		{lang.pick("表扬次数", "Praises"), 6, st.cCount},
		{lang.pick("加分", "Additions"), 7, st.cScore},
		{lang.pick("最终得分", "Final Score"), 7, st.cScore},
		{lang.pick("等级", "Grade"), 6, st.cCenter},
		{lang.pick("最高处分", "Highest Sanction"), sanctionW, st.cText},
		{lang.pick("扣发奖金%", "Bonus Deduction %"), 7, st.cPercent},
		{lang.pick("备注", "Note"), noteW, st.cTextEdit},
	}
	// Rule-derived columns: counted from the records or decided by the
	// rule set. They are locked (the sheet is protected without a password)
	// and their headers shaded; 基础分 and 备注 are editable, 最终得分 is a
	// formula of 基础分, 扣分 and 加分.
	locked := []bool{false, false, false, false, false, true, true, true, true, true, true, true, true, false}
	doc := lang.pick("月度考核表", "monthly appraisal")
	title := lang.title(wb.Organisation+" "+wb.Department, wb.Month, doc, wb.Closed)
	note := joinNote(lang, wb.generated(), lang.pick(
		"灰色表头的列由考核记录和规则得出，工作表已保护（无密码）；基础分、备注可修改，最终得分与汇总随之重算，等级须重新导出",
		"grey-headed columns come from the records and the rules and are protected (no password); Base and Note can be edited, Final Score and the Summary recompute, grades need a new export"))
	t, err := startStreamTable(f, st, lang.sheetAppraisal(), title, note, cols, tableOpts{
		head: wb.head(doc), protect: true, locked: locked,
	})
	if err != nil {
		return err
	}
	values := make([]any, len(cols))
	for i, r := range wb.Rows {
		seq := r.Seq
		if seq == 0 {
			seq = i + 1
		}
		row := t.row + 1
		values[0], values[1], values[2], values[3] = seq, text(r.EmployeeNo), text(r.Name), text(r.Department)
		values[4], values[5], values[6] = r.Base, r.ViolationCount, r.Deductions
		values[7], values[8] = r.PraiseCount, r.Additions
		// final = max(0, base − deductions + additions), kept to two
		// decimals as the scores are.
		values[9] = excelize.Cell{
			Formula: fmt.Sprintf("ROUND(MAX(0,%s%d-%s%d+%s%d),2)", colBase, row, colDeductions, row, colAdditions, row),
			Value:   r.Final,
		}
		values[10], values[11], values[12], values[13] = text(r.Grade), text(r.HighestSanction), r.BonusDeductionPercent, text(r.Note)
		var opts []excelize.RowOpts
		if h := wrappedHeight(r.Note, noteW, 2); h > 0 {
			opts = append(opts, excelize.RowOpts{Height: h})
		}
		if err := t.add(values, opts...); err != nil {
			return err
		}
	}
	lastData := t.row
	blank := signatureBlank
	sign := lang.pick("制表人："+blank+"        审核人："+blank+"        日期："+blank,
		"Prepared by: "+blank+"        Checked by: "+blank+"        Date: "+blank)
	if err := t.line(1, st.signature, sign, signatureRowH); err != nil {
		return err
	}
	return t.finish(lastData)
}

// detailColumns are the columns of the details sheet (明细).
func detailColumns(st *styleSet, lang Lang) []column {
	return []column{
		{lang.pick("日期", "Date"), 11, st.cDate},
		{lang.pick("工号", "Employee No"), 10, st.cText},
		{lang.pick("姓名", "Name"), 8, st.cText},
		{lang.pick("部门", "Department"), 14, st.cText},
		{lang.pick("类别", "Kind"), lang.width(6, 8), st.cCenter},
		{lang.pick("类型", "Type"), lang.width(16, 26), st.cText},
		{lang.pick("程度", "Severity"), lang.width(6, 10), st.cText},
		{lang.pick("处分", "Sanction"), lang.width(10, 18), st.cText},
		{lang.pick("分值", "Points"), 8, st.cPoints},
		{lang.pick("首问编号", "Inquiry Ref"), 18, st.cText},
		{lang.pick("状态", "State"), lang.width(8, 14), st.cText},
		{lang.pick("结转说明", "Carried Over"), lang.width(22, 30), st.cText},
		{lang.pick("事由", "Reason"), detailsReasonW, st.cTextWrap},
	}
}

// writeDetailsSheet writes 明细. When the workbook says how many detail
// rows there are (DetailCount), the sheet gets a marker row in their place
// and the returned splice writes the rows, several chunks at once, while
// the workbook is zipped (details_splice.go); otherwise the rows are
// written here, one by one, and the splice is nil.
func writeDetailsSheet(f *excelize.File, st *styleSet, wb *AppraisalWorkbook) (*rowSplice, error) {
	lang := wb.Lang
	cols := detailColumns(st, lang)
	title := lang.title(wb.Organisation+" "+wb.Department, wb.Month, lang.pick("考核明细", "appraisal details"), wb.Closed)
	t, err := startStreamTable(f, st, lang.sheetDetails(), title, wb.generated(), cols, tableOpts{head: wb.head(lang.pick("考核明细", "appraisal details"))})
	if err != nil {
		return nil, err
	}
	var splice *rowSplice
	switch {
	case wb.Details == nil:
	case wb.DetailCount > 0:
		if splice, err = spliceDetails(t, wb); err != nil {
			return nil, err
		}
	default:
		values := make([]any, len(cols))
		for d := range wb.Details {
			if err = t.add(values, wb.detailValues(&d, values)...); err != nil {
				break
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return splice, t.finish(0)
}

// detailValues fills values with the cells of one detail row and returns
// the row's options (the height a wrapped 事由 needs).
func (wb *AppraisalWorkbook) detailValues(d *DetailRow, values []any) []excelize.RowOpts {
	var date any
	if !d.Date.IsZero() {
		date = wb.local(d.Date)
	}
	values[0], values[1], values[2], values[3] = date, text(d.EmployeeNo), text(d.Name), text(d.Department)
	values[4], values[5], values[6], values[7] = text(d.Kind), text(d.Type), text(d.Severity), text(d.Sanction)
	values[8], values[9], values[10], values[11] = d.Points, text(d.InquiryRef), text(d.State), text(d.CarriedOver)
	values[12] = text(d.Reason)
	if h := wrappedHeight(d.Reason, detailsReasonW, 2); h > 0 {
		return []excelize.RowOpts{{Height: h}}
	}
	return nil
}

func writeServiceSheet(f *excelize.File, st *styleSet, wb *AppraisalWorkbook) error {
	lang := wb.Lang
	deptW, nameW := 12.0, 8.0
	for _, s := range wb.Service {
		deptW = max(deptW, float64(displayWidth(s.Department))+2)
		nameW = max(nameW, float64(displayWidth(s.Name))+2)
	}
	cols := []column{
		{lang.pick("层级", "Level"), lang.width(6, 12), st.cCenter},
		{lang.pick("部门", "Department"), deptW, st.cText},
		{lang.pick("姓名", "Name"), nameW, st.cText},
		{lang.pick("受理数", "Received"), 7, st.cCount},
		{lang.pick("移交数", "Referred"), 7, st.cCount},
		{lang.pick("按时移交率", "On-time Hand-over"), 8, st.cRatio},
		{lang.pick("按时联系率", "On-time Contact"), 8, st.cRatio},
		{lang.pick("按时反馈率", "On-time Feedback"), 8, st.cRatio},
		{lang.pick("满意率", "Satisfaction"), 8, st.cRatio},
	}
	title := lang.title(wb.Organisation+" "+wb.Department, wb.Month, lang.pick("服务指标", "service indicators"), wb.Closed)
	t, err := startStreamTable(f, st, lang.sheetService(), title, wb.generated(), cols, tableOpts{head: wb.head(lang.pick("服务指标", "service indicators"))})
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
	return t.finish(0)
}
