package reports

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// TemplateRow is one staff member in the monthly results template. BaseScore
// is nil when no score has been uploaded yet (the cell is left empty).
type TemplateRow struct {
	EmployeeNo string
	Name       string
	Department string
	BaseScore  *float64
	Note       string
}

// ResultRow is one accepted row of a results upload. Row is the 1-based sheet
// row, so that the caller's own checks (unknown employee number, name
// mismatch, inactive staff, closed month) can point at the same row. Name is
// empty when the file has no name column or the cell is empty; compare it
// only when it is given.
type ResultRow struct {
	Row        int
	EmployeeNo string
	Name       string
	Score      float64
	Note       string
}

// ResultWarnings returns the rows of an upload taken as they are but
// probably not meant so: a score of 1 or less (a percent cell, 0.95 for 95)
// in a file where most scores are above 10. Messages are in lang.
func ResultWarnings(rows []ResultRow, lang Lang) []Problem {
	typical := 0
	for _, r := range rows {
		if r.Score > 10 {
			typical++
		}
	}
	if typical*2 <= len(rows) {
		return nil
	}
	msg := &messages{lang: lang}
	var out []Problem
	for _, r := range rows {
		if r.Score > 0 && r.Score <= 1 {
			out = append(out, Problem{Row: r.Row, Column: lang.pick("基础绩效分", "Base Score"),
				Value: strconv.FormatFloat(r.Score, 'f', -1, 64), Message: msg.implausibleScore(typical)})
		}
	}
	return out
}

// templateSpareRows is how many empty rows below the data keep the score
// validation, for people added by hand.
const templateSpareRows = 1000

// Score bounds of the results template and upload.
const (
	minScore = 0
	maxScore = 100
)

// Field keys of the results upload.
const (
	keyEmployeeNo = "employee_no"
	keyName       = "name"
	keyDepartment = "department"
	keyScore      = "score"
	keyNote       = "note"
)

// resultFields are the columns of the results template and upload. The
// department column is written for the reader's convenience and ignored on
// upload: the staff record decides the department.
var resultFields = []field{
	{key: keyEmployeeNo, zh: "工号", en: "Employee No", aliases: []string{"员工编号", "员工工号", "EmployeeNo", "employee_no", "Emp No"}, required: true},
	{key: keyName, zh: "姓名", en: "Name", aliases: []string{"员工姓名", "Full Name"}},
	{key: keyDepartment, zh: "部门", en: "Department", aliases: []string{"Dept"}},
	{key: keyScore, zh: "基础绩效分", en: "Base Score", aliases: []string{"基础分", "绩效分", "Score", "BaseScore", "base_score"}, required: true},
	{key: keyNote, zh: "备注", en: "Note", aliases: []string{"Remark", "Remarks", "Notes", "说明"}},
}

// WriteResultsTemplate writes the monthly results template (月度考核结果):
// one sheet whose first row is the header (工号, 姓名, 部门, 基础绩效分, 备注,
// or the English headers), so that the filled-in file uploads as it is. The
// header is bold, shaded and frozen; the score column is validated as a
// decimal 0–100 on every data row and templateSpareRows more; employee
// numbers are text so leading zeros survive.
func WriteResultsTemplate(w io.Writer, month string, lang Lang, rows []TemplateRow) (err error) {
	if err := checkMonth(month); err != nil {
		return err
	}
	sheet := lang.pick("考核结果 ", "Results ") + month
	title := lang.pick(month+" 月度考核结果", "Monthly results "+month)
	f, st, err := newBook(sheet, docMeta{title: title}, lang)
	if err != nil {
		return err
	}
	return finish(f, w, writeResultsTemplate(f, st, sheet, lang, rows, pageHead{doc: title, lang: lang}))
}

func writeResultsTemplate(f *excelize.File, st *styleSet, sheet string, lang Lang, rows []TemplateRow, head pageHead) error {
	nameW, deptW, noW := 8.0, 16.0, 10.0
	for _, r := range rows {
		noW = max(noW, float64(displayWidth(r.EmployeeNo))+2)
		nameW = max(nameW, float64(displayWidth(r.Name))+2)
		deptW = max(deptW, float64(displayWidth(r.Department))+2)
	}
	cols := []column{
		{lang.pick("工号", "Employee No"), noW, st.code},
		{lang.pick("姓名", "Name"), nameW, st.text},
		{lang.pick("部门", "Department"), deptW, st.text},
		{lang.pick("基础绩效分", "Base Score"), 12, st.score},
		{lang.pick("备注", "Note"), 30, st.text},
	}
	if err := writeHeader(f, sheet, 1, cols, st); err != nil {
		return err
	}
	for i, r := range rows {
		var score any
		if r.BaseScore != nil {
			score = round2(*r.BaseScore)
		}
		if err := f.SetSheetRow(sheet, cell(1, i+2), &[]any{r.EmployeeNo, r.Name, r.Department, score, r.Note}); err != nil {
			return fmt.Errorf("reports: template row %d: %w", i+2, err)
		}
	}
	if err := f.SetPanes(sheet, frozenBelow(1)); err != nil {
		return fmt.Errorf("reports: freezing the header: %w", err)
	}
	last := len(rows) + 1 + templateSpareRows
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("D2:D%d", last)
	if err := dv.SetRange(float64(minScore), float64(maxScore), excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
		return fmt.Errorf("reports: score validation: %w", err)
	}
	dv.SetError(excelize.DataValidationErrorStyleStop,
		lang.pick("基础绩效分无效", "Invalid base score"),
		lang.pick("请输入 0 到 100 之间的数字，最多两位小数。", "Enter a number from 0 to 100, with at most two decimals."))
	dv.SetInput(lang.pick("基础绩效分", "Base Score"), lang.pick("0–100，最多两位小数", "0–100, at most two decimals"))
	if err := f.AddDataValidation(sheet, dv); err != nil {
		return fmt.Errorf("reports: score validation: %w", err)
	}
	return pageSetup(f, sheet, "portrait", 0, head)
}

// writeHeader writes a header row on a normal sheet and sets the column
// widths and data styles.
func writeHeader(f *excelize.File, sheet string, row int, cols []column, st *styleSet) error {
	for i, c := range cols {
		name := colName(i + 1)
		if err := f.SetColWidth(sheet, name, name, colWidth(c.header, c.width)); err != nil {
			return fmt.Errorf("reports: column width: %w", err)
		}
		if c.style != 0 {
			if err := f.SetColStyle(sheet, name, c.style); err != nil {
				return fmt.Errorf("reports: column style: %w", err)
			}
		}
	}
	hdr := headers(cols)
	if err := f.SetSheetRow(sheet, cell(1, row), &hdr); err != nil {
		return fmt.Errorf("reports: header row: %w", err)
	}
	if err := f.SetCellStyle(sheet, cell(1, row), cell(len(cols), row), st.header); err != nil {
		return fmt.Errorf("reports: header style: %w", err)
	}
	return f.SetRowHeight(sheet, row, tableHeaderH)
}

// ReadResults reads a monthly results upload: the first sheet, its header
// row found among the first five rows by header name (Chinese or English,
// any order, full-width or space-padded), then every non-empty row. Each row
// needs an employee number (unique in the file) and a score from 0 to 100,
// kept to two decimals.
//
// Every problem in the file is collected. When the error is a *ParseError,
// the rows returned are those that passed, so the caller can run its own
// checks on them and answer with all the problems at once; it must not
// import them. ErrNotXLSX, ErrTooLarge and ErrTooManyRows (wrapped) come back
// with no rows.
func ReadResults(r io.Reader, limits UploadLimits) ([]ResultRow, error) {
	var out []ResultRow
	err := ScanResults(r, limits, func(row ResultRow) { out = append(out, row) })
	var pe *ParseError
	if err != nil && !errors.As(err, &pe) {
		return nil, err
	}
	return out, err
}

// ScanResults is ReadResults handing each row that passes to each as soon
// as it is read, so that a caller can check and store rows while the rest
// of the file is read; its answer comes at the end, and a *ParseError then
// means that some rows (not handed over) or the file failed: what each was
// given must not be kept.
func ScanResults(r io.Reader, limits UploadLimits, each func(ResultRow)) error {
	msg := &messages{lang: limits.Lang}
	var (
		problems []Problem
		seen     = map[string]int{}
	)
	add := func(p Problem) { problems = append(problems, p) }
	err := scanUpload(r, limits, msg, resultFields, func(h *headerRow, row int, cells []string) {
		ok := true
		noCol, rawNo := h.column(keyEmployeeNo), h.raw(cells, keyEmployeeNo)
		no := normalizeCode(rawNo)
		switch first, dup := seen[no]; {
		case no == "":
			add(Problem{Row: row, Column: noCol, Message: h.emptyMessage(msg, row, keyEmployeeNo)})
			ok = false
		case dup:
			add(Problem{Row: row, Column: noCol, Value: shortValue(rawNo), Message: msg.duplicate(first)})
			ok = false
		default:
			seen[no] = row
		}
		score, scoreOK := readScore(h, row, cells, msg, add)
		if !ok || !scoreOK {
			return
		}
		each(ResultRow{
			Row:        row,
			EmployeeNo: no,
			Name:       clean(h.raw(cells, keyName)),
			Score:      score,
			Note:       clean(h.raw(cells, keyNote)),
		})
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &ParseError{Problems: problems}
	}
	return nil
}

// readScore checks the score cell of a row.
func readScore(h *headerRow, row int, cells []string, msg *messages, add func(Problem)) (float64, bool) {
	col, raw := h.column(keyScore), h.raw(cells, keyScore)
	if clean(raw) == "" {
		add(Problem{Row: row, Column: col, Message: h.emptyMessage(msg, row, keyScore)})
		return 0, false
	}
	v, ok := parseDecimal(raw)
	if !ok {
		add(Problem{Row: row, Column: col, Value: shortValue(raw), Message: msg.notNumber()})
		return 0, false
	}
	if v < minScore || v > maxScore {
		add(Problem{Row: row, Column: col, Value: shortValue(raw), Message: msg.outOfRange(minScore, maxScore)})
		return 0, false
	}
	// At most two decimals, as the template says; a typed 95.1 stored as
	// 95.099999999999994 is still two decimals.
	if c := v * 100; math.Abs(c-math.Round(c)) > 1e-6 {
		add(Problem{Row: row, Column: col, Value: shortValue(raw), Message: msg.tooManyDecimals()})
		return 0, false
	}
	return round2(v), true
}
