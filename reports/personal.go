package reports

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// PersonalSheet is one staff member's month on one printable page, to be
// signed by the person and the supervisor. Labels (grade, sanction, item
// descriptions) are display-ready.
type PersonalSheet struct {
	Organisation          string
	Month                 string
	Closed                bool
	Lang                  Lang
	EmployeeNo            string
	Name                  string
	Department            string
	Base                  float64
	BaseUploaded          bool // false: the default base score applied
	Items                 []PersonalItem
	Deductions            float64 // positive: the points taken off
	Additions             float64 // positive: the praise points counted
	Final                 float64
	Grade                 string
	HighestSanction       string // "" when none
	BonusDeductionPercent float64
	// Location is the organisation's time zone, in which the item dates
	// are shown; nil leaves each date in its own location.
	Location *time.Location
	// GeneratedAt, when set, is shown in the printed footer and is the
	// document's created time.
	GeneratedAt time.Time
}

// PersonalItem is one conduct record on the personal sheet; Points is signed
// (negative for a deduction). The 备注 cell shows, one per line, Reason (the
// record's description or the praise reason), State (the verification or
// appeal state, display-ready), "自 <FromMonth> 结转" for a carried-over or
// corrected line and Note.
type PersonalItem struct {
	Date        time.Time
	Description string
	Points      float64
	Note        string
	Reason      string
	State       string
	FromMonth   string // YYYY-MM the record came from, for a carried-over or corrected line
}

// remark is the 备注 cell of an item.
func (it *PersonalItem) remark(lang Lang) string {
	var parts []string
	for _, p := range []string{it.Reason, it.State} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if it.FromMonth != "" {
		parts = append(parts, lang.pick("自 "+it.FromMonth+" 结转", "from "+it.FromMonth))
	}
	if n := strings.TrimSpace(it.Note); n != "" {
		parts = append(parts, n)
	}
	return strings.Join(parts, "\n")
}

// The signature lines of the personal sheet: room to write, and height for a pen.
const (
	signatureBlank = "________________"
	signatureRowH  = 30.0
)

// WritePersonalSheet writes the personal sheet: title, the person, the
// itemised records, the totals, then the signature lines
// "员工签字：____  日期：____" and "主管签字：____  日期：____" (or their
// English equivalents), in portrait on one page.
func WritePersonalSheet(w io.Writer, p PersonalSheet) error {
	lang := p.Lang
	sheet := lang.pick("个人考核单", "Personal")
	title := lang.title(p.Organisation, p.Month, lang.pick("个人月度考核单", "personal monthly appraisal"), p.Closed)
	f, st, err := newBook(sheet, docMeta{title: title, org: p.Organisation, created: p.GeneratedAt}, lang)
	if err != nil {
		return err
	}
	return finish(f, w, writePersonal(f, st, sheet, title, &p))
}

// signatureLine is "员工签字：____  日期：____" for who = 员工 / Employee.
func signatureLine(lang Lang, who string) string {
	return lang.pick(who+"签字："+signatureBlank+"    日期："+signatureBlank,
		who+" signature: "+signatureBlank+"    Date: "+signatureBlank)
}

func writePersonal(f *excelize.File, st *styleSet, sheet, title string, p *PersonalSheet) error {
	lang := p.Lang
	var err error
	set := func(ref string, v any, style int) {
		if err != nil {
			return
		}
		if err = f.SetCellValue(sheet, ref, v); err == nil && style != 0 {
			err = f.SetCellStyle(sheet, ref, ref, style)
		}
	}
	merge := func(from, to string) {
		if err == nil {
			err = f.MergeCell(sheet, from, to)
		}
	}
	// The label columns fit the longest label of the language.
	labelW := 14.0
	for _, l := range []string{"Employee No", "Department", "Base Score", "Deductions", "Final Score", "Highest Sanction", "Bonus Deduction", "Base Source"} {
		labelW = max(labelW, math.Ceil(textWidth(lang.pick("基础分来源", l))*boldFactor)+2)
	}
	widths := []float64{labelW, 40, labelW, 24}
	for i, wdt := range widths {
		if err = f.SetColWidth(sheet, colName(i+1), colName(i+1), wdt); err != nil {
			return fmt.Errorf("reports: personal sheet widths: %w", err)
		}
	}
	set("A1", title, st.title)
	merge("A1", "D1")

	source := lang.pick("默认", "default")
	if p.BaseUploaded {
		source = lang.pick("已上传", "uploaded")
	}
	person := [][4]any{
		{lang.pick("工号", "Employee No"), p.EmployeeNo, lang.pick("姓名", "Name"), p.Name},
		{lang.pick("部门", "Department"), p.Department, lang.pick("考核月份", "Month"), p.Month},
		{lang.pick("基础分", "Base Score"), round2(p.Base), lang.pick("基础分来源", "Base Source"), source},
	}
	row := 3
	for _, line := range person {
		for i, v := range line {
			style := st.boxed
			switch {
			case i%2 == 0:
				style = st.label
			case i == 1 && row == 5:
				style = st.boxedNum
			}
			set(cell(i+1, row), v, style)
		}
		row++
	}

	row++ // blank line
	itemHeader := []string{lang.pick("日期", "Date"), lang.pick("事项", "Record"), lang.pick("分值", "Points"), lang.pick("备注", "Note")}
	for i, h := range itemHeader {
		set(cell(i+1, row), h, st.header)
	}
	row++
	if len(p.Items) == 0 {
		set(cell(1, row), lang.pick("本月无违规或表扬记录", "No violations or praise this month"), st.boxed)
		merge(cell(1, row), cell(4, row))
		row++
	}
	for _, it := range p.Items {
		date := ""
		if !it.Date.IsZero() {
			d := it.Date
			if p.Location != nil {
				d = d.In(p.Location)
			}
			date = d.Format(dateLayout)
		}
		remark := it.remark(lang)
		set(cell(1, row), date, st.boxed)
		set(cell(2, row), it.Description, st.boxed)
		set(cell(3, row), round2(it.Points), st.boxedPoints)
		set(cell(4, row), remark, st.boxed)
		// Wrapped lines need the row's height: Excel does not grow a row
		// whose height it did not measure, LibreOffice overlaps the next.
		if h := max(wrappedHeight(it.Description, widths[1], 4), wrappedHeight(remark, widths[3], 4)); err == nil && h > 0 {
			err = f.SetRowHeight(sheet, row, h)
		}
		row++
	}

	row++ // blank line
	sanction := p.HighestSanction
	if sanction == "" {
		sanction = lang.pick("无", "none")
	}
	totals := [][2]any{
		{lang.pick("扣分合计", "Deductions"), round2(p.Deductions)},
		{lang.pick("加分合计", "Additions"), round2(p.Additions)},
		{lang.pick("最终得分", "Final Score"), round2(p.Final)},
		{lang.pick("等级", "Grade"), p.Grade},
		{lang.pick("最高处分", "Highest Sanction"), sanction},
		{lang.pick("扣发奖金", "Bonus Deduction"), fmt.Sprintf("%g%%", round2(p.BonusDeductionPercent))},
	}
	for i, t := range totals {
		style := st.boxed
		if i < 3 {
			style = st.boxedNum
		}
		set(cell(1, row), t[0], st.label)
		set(cell(2, row), t[1], style)
		row++
	}

	row += 2
	for _, who := range []string{lang.pick("员工", "Employee"), lang.pick("主管", "Supervisor")} {
		set(cell(1, row), signatureLine(lang, who), st.signature)
		merge(cell(1, row), cell(4, row))
		if err == nil {
			err = f.SetRowHeight(sheet, row, signatureRowH)
		}
		row += 2
	}
	if err != nil {
		return fmt.Errorf("reports: personal sheet: %w", err)
	}
	if err := f.SetRowHeight(sheet, 1, titleRowH); err != nil {
		return fmt.Errorf("reports: personal sheet: %w", err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("%s!$A$1:$D$%d", quoteSheet(sheet), row-2), // the last signature line
		Scope:    sheet,
	}); err != nil {
		return fmt.Errorf("reports: personal sheet print area: %w", err)
	}
	generated := ""
	if !p.GeneratedAt.IsZero() {
		g := p.GeneratedAt
		if p.Location != nil {
			g = g.In(p.Location)
		}
		generated = lang.generatedLine(g.Format(timeLayout))
	}
	return pageSetup(f, sheet, "portrait", 1, pageHead{
		org: p.Organisation, doc: p.Month + " " + lang.pick("个人月度考核单", "personal monthly appraisal"),
		status: lang.statusLabel(p.Closed), generated: generated, lang: lang,
	})
}
