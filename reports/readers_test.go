package reports

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// orgAppraisal is a consistent appraisal workbook of an organisation with
// depts departments of perDept people each: the summary lines are computed
// from the rows as the API computes them, so every formula's cached value
// is what a spreadsheet recalculating it would find. Dates are UTC
// instants; Location is Shanghai.
func orgAppraisal(depts, perDept int, lang Lang) AppraisalWorkbook {
	loc := time.FixedZone("CST", 8*3600)
	wb := AppraisalWorkbook{
		Organisation: "示例物业管理有限公司", Month: "2026-11", Lang: lang,
		GeneratedAt: time.Date(2026, 11, 20, 1, 30, 0, 0, time.UTC), Location: loc,
		GradeLabels: [4]string{lang.pick("优秀", "Excellent"), lang.pick("良好", "Good"), lang.pick("合格", "Pass"), lang.pick("不合格", "Fail")},
	}
	sanctions := []string{"", lang.pick("教育", "Education"), lang.pick("口头警告", "Verbal warning"), lang.pick("书面警告", "Written warning"), lang.pick("通报批评", "Public criticism")}
	var details []DetailRow
	for d := range depts {
		name := fmt.Sprintf(lang.pick("第%03d服务中心", "Service centre %03d"), d+1)
		sum := DepartmentSummary{Name: name}
		for p := range perDept {
			i := d*perDept + p
			base := 80 + float64(i%21)
			ded := float64(i % 13)
			add := math.Min(float64(i%5)*2, 10)
			final := math.Max(0, base-ded+add)
			g := 3
			switch {
			case final >= 95:
				g = 0
			case final >= 85:
				g = 1
			case final >= 70:
				g = 2
			}
			wb.Rows = append(wb.Rows, AppraisalRow{
				EmployeeNo: fmt.Sprintf("%06d", 100000+i), Name: fmt.Sprintf(lang.pick("员工%d", "Person %d"), i), Department: name,
				Base: base, ViolationCount: i % 3, Deductions: ded, PraiseCount: i % 5, Additions: add, Final: final,
				Grade: string(rune('A' + g)), HighestSanction: sanctions[i%5], BonusDeductionPercent: float64(5 * (i % 3)),
			})
			sum.Headcount++
			sum.AverageFinal += final
			sum.GradeCounts[g]++
			sum.TotalDeductions += ded
			sum.TotalAdditions += add
			if ded > 0 {
				details = append(details, DetailRow{
					// 07:30 in Beijing on 2 Nov is 23:30 UTC on 1 Nov.
					Date: time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC), EmployeeNo: fmt.Sprintf("%06d", 100000+i), Name: fmt.Sprintf("员工%d", i),
					Department: name, Kind: "违规", Type: "未及时移交", Severity: "轻微", Sanction: sanctions[i%5], Points: -ded, State: "已查实",
					Reason: "来访人等候超过十五分钟无人接待，经核实属实",
				})
			}
		}
		sum.AverageFinal /= float64(sum.Headcount)
		wb.Departments = append(wb.Departments, sum)
	}
	wb.Details = slices.Values(details)
	return wb
}

// orgPersonal is the personal sheet of the README's walkthrough person A,
// with long reasons that wrap.
func orgPersonal(lang Lang) PersonalSheet {
	p := samplePersonal(lang)
	p.Location = time.FixedZone("CST", 8*3600)
	p.GeneratedAt = time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC)
	p.Items[0].Date = time.Date(2026, 10, 8, 23, 30, 0, 0, time.UTC) // 07:30 on 9 Oct in Beijing
	p.Items[0].Reason = "来访人反映其报修事项在窗口等候超过三十分钟，首问人未在时限内移交至工程部，经主管核实属实"
	p.Items[0].State = "已查实"
	p.Items[1].Reason = "对来访人使用忌语"
	p.Items[1].State = "申诉驳回"
	p.Items[1].FromMonth = "2026-09"
	return p
}

func writeBytes(t testing.TB, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAppraisalFormulas recalculates every formula of the workbook with
// excelize's calculation engine: unedited, each equals its cached value
// (which is the input); after a base score is edited, the final score, the
// department's figures and the totals follow.
func TestAppraisalFormulas(t *testing.T) {
	// Department names that a criterion would misread: wildcards, an
	// operator, the escape character.
	special := orgAppraisal(3, 2, LangZH)
	names := []string{"客服*中心", ">=工程?部", "~物业"}
	for i := range special.Rows {
		special.Rows[i].Department = names[i/2]
	}
	for i := range special.Departments {
		special.Departments[i].Name = names[i]
	}
	checkFormulas(t, orgAppraisal(3, 4, LangZH))
	// excelize's engine does not read the escaped criteria; Excel and
	// LibreOffice do (TestAppraisalPrintsInLibreOffice recalculates them).
	f := openXLSX(t, appraisalBytes(t, special))
	if got := mustFormula(t, f, "汇总", "B6"); got != `COUNTIFS('考核表'!$D$4:$D$9,"=>=工程~?部")` {
		t.Errorf("criterion of a name with an operator and a wildcard: %s", got)
	}
}

func checkFormulas(t *testing.T, wb AppraisalWorkbook) {
	f := openXLSX(t, appraisalBytes(t, wb))
	check := func(sheet, ref string) {
		t.Helper()
		formula, err := f.GetCellFormula(sheet, ref)
		must(t, err)
		if formula == "" {
			t.Fatalf("%s!%s is not a formula", sheet, ref)
		}
		cached := rawValue(t, f, sheet, ref)
		got, err := f.CalcCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		must(t, err)
		if !sameNumber(got, cached) {
			t.Errorf("%s!%s = %s recalculates to %s, cached %s", sheet, ref, formula, got, cached)
		}
	}
	for row := 4; row < 4+len(wb.Rows); row++ {
		check("考核表", fmt.Sprintf("J%d", row))
		if got := rawValue(t, f, "考核表", fmt.Sprintf("J%d", row)); !sameNumber(got, fmt.Sprint(wb.Rows[row-4].Final)) {
			t.Errorf("J%d caches %s, want the input %v", row, got, wb.Rows[row-4].Final)
		}
	}
	for row := 5; row <= 5+len(wb.Departments); row++ { // departments and the total row
		for col := 2; col <= summaryCols; col++ {
			check("汇总", cell(col, row))
		}
	}
	for row := 4; row < 4+len(wb.Departments); row++ {
		check("图表", fmt.Sprintf("C%d", row))
	}

	// Edit the first person's base score by +10.
	must(t, f.SetCellValue("考核表", "E4", wb.Rows[0].Base+10))
	want := math.Max(0, wb.Rows[0].Base+10-wb.Rows[0].Deductions+wb.Rows[0].Additions)
	got, err := f.CalcCellValue("考核表", "J4", excelize.Options{RawCellValue: true})
	must(t, err)
	if !sameNumber(got, fmt.Sprint(want)) {
		t.Errorf("edited final J4 = %s, want %v", got, want)
	}
	must(t, f.SetCellFormula("考核表", "J4", mustFormula(t, f, "考核表", "J4"))) // drop the stale cache
	must(t, f.SetCellValue("考核表", "J4", want))
	d := wb.Departments[0]
	wantAvg := (d.AverageFinal*float64(d.Headcount) - wb.Rows[0].Final + want) / float64(d.Headcount)
	got, err = f.CalcCellValue("汇总", "C5", excelize.Options{RawCellValue: true})
	must(t, err)
	if !sameNumber(got, fmt.Sprint(wantAvg)) {
		t.Errorf("department average after the edit = %s, want %v", got, wantAvg)
	}
}

func mustFormula(t testing.TB, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellFormula(sheet, ref)
	must(t, err)
	return v
}

// sameNumber compares two numbers written as text to 1e-9.
func sameNumber(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return math.Abs(x-y) < 1e-9
}

// TestAppraisalFiling checks what a filing office relies on, in the parts
// of the produced file: every date in the organisation's zone, the printed
// header and footer of every sheet, the protection of the appraisal sheet
// (no password, 基础分 and 备注 unlocked), ruled data cells, the signature
// block, the named font on every style, column definitions in ascending
// order and true document properties.
func TestAppraisalFiling(t *testing.T) {
	wb := orgAppraisal(2, 3, LangZH)
	b := appraisalBytes(t, wb)
	f := openXLSX(t, b)
	parts := zipEntries(t, b)

	// 23:30 UTC on 1 Nov is 07:30 on 2 Nov in Beijing.
	if got := cellValue(t, f, "明细", "A4"); got != "2026-11-02" {
		t.Errorf("detail date %q, want the local 2026-11-02", got)
	}
	if got := cellValue(t, f, "汇总", "A2"); !strings.HasPrefix(got, "生成时间：2026-11-20 09:30") {
		t.Errorf("generated line %q, want local time", got)
	}
	for _, sheet := range f.GetSheetList() {
		hf, err := f.GetHeaderFooter(sheet)
		must(t, err)
		for _, want := range []string{"示例物业管理有限公司", "2026-11", "暂定"} {
			if !strings.Contains(hf.OddHeader, want) {
				t.Errorf("%s: header %q lacks %q", sheet, hf.OddHeader, want)
			}
		}
		if !strings.Contains(hf.OddFooter, "第 &P 页，共 &N 页") {
			t.Errorf("%s: footer %q", sheet, hf.OddFooter)
		}
	}
	sheetXML := func(name string) string {
		t.Helper()
		idx, err := f.GetSheetIndex(name)
		must(t, err)
		return parts[fmt.Sprintf("xl/worksheets/sheet%d.xml", idx+1)]
	}
	colsRe := regexp.MustCompile(`<col [^>]*min="(\d+)"`)
	for _, sheet := range f.GetSheetList() {
		last := 0
		for _, m := range colsRe.FindAllStringSubmatch(sheetXML(sheet), -1) {
			n, _ := strconv.Atoi(m[1])
			if n <= last {
				t.Errorf("%s: column definitions not ascending (%d after %d)", sheet, n, last)
			}
			last = n
		}
	}
	appraisal := sheetXML("考核表")
	if !strings.Contains(appraisal, "<sheetProtection") || strings.Contains(appraisal, "password") || strings.Contains(appraisal, "hashValue") {
		t.Errorf("appraisal sheet protection: %s", regexp.MustCompile(`<sheetProtection[^>]*>`).FindString(appraisal))
	}
	locked := func(ref string) bool {
		id, err := f.GetCellStyle("考核表", ref)
		must(t, err)
		st, err := f.GetStyle(id)
		must(t, err)
		return st.Protection == nil || st.Protection.Locked
	}
	for ref, want := range map[string]bool{"E4": false, "N4": false, "J4": true, "K4": true, "G4": true, "M4": true} {
		if got := locked(ref); got != want {
			t.Errorf("考核表!%s locked = %v, want %v", ref, got, want)
		}
	}
	for _, ref := range []string{"A4", "N4", "L6"} { // empty cells are ruled too
		id, err := f.GetCellStyle("考核表", ref)
		must(t, err)
		st, err := f.GetStyle(id)
		must(t, err)
		if len(st.Border) != 4 {
			t.Errorf("考核表!%s has %d borders", ref, len(st.Border))
		}
	}
	sign := cellValue(t, f, "考核表", fmt.Sprintf("A%d", 4+len(wb.Rows)+1))
	// A long note wraps onto rows high enough for it.
	long := wb
	long.Rows = slices.Clone(wb.Rows)
	long.Rows[0].Note = "基础分取默认值；受处分影响不评优秀；含更正 2 条"
	lf := openXLSX(t, appraisalBytes(t, long))
	if h, err := lf.GetRowHeight("考核表", 4); err != nil || h < 2*lineH {
		t.Errorf("row with a wrapped note is %.0f pt high (%v)", h, err)
	}
	for _, want := range []string{"制表人", "审核人", "日期"} {
		if !strings.Contains(sign, want) {
			t.Errorf("signature block %q lacks %s", sign, want)
		}
	}
	fonts := regexp.MustCompile(`(?s)<font>.*?</font>`).FindAllString(parts["xl/styles.xml"], -1)
	if len(fonts) < 3 {
		t.Fatalf("%d fonts in styles.xml", len(fonts))
	}
	for _, font := range fonts {
		if !strings.Contains(font, `<name val="Microsoft YaHei"`) {
			t.Errorf("a font without the CJK family: %s", font)
		}
	}
	props, err := f.GetDocProps()
	must(t, err)
	if props.Title != "示例物业管理有限公司 2026-11 月度考核表 (暂定)" || props.Created != "2026-11-20T01:30:00Z" || props.Subject != "示例物业管理有限公司" {
		t.Errorf("document properties %+v", props)
	}
	app, err := f.GetAppProps()
	must(t, err)
	if app.Company != "示例物业管理有限公司" {
		t.Errorf("company %q", app.Company)
	}
}

// TestEnglishWidths: in English every header of the appraisal workbook fits
// its column in at most two lines, and the personal sheet's label column
// holds its longest label ("Highest Sanction").
func TestEnglishWidths(t *testing.T) {
	wb := orgAppraisal(2, 2, LangEN)
	f := openXLSX(t, appraisalBytes(t, wb))
	for _, sheet := range []string{"Summary", "Appraisal", "Details", "Service"} {
		headerRow := streamHeaderRow
		if sheet == "Summary" {
			headerRow = summaryHeaderRow
		}
		rows, err := f.GetRows(sheet)
		must(t, err)
		for i, h := range rows[headerRow-1] {
			w, err := f.GetColWidth(sheet, colName(i+1))
			must(t, err)
			if n := headerLines(h, w); n > 2 {
				t.Errorf("%s: header %q wraps into %d lines in width %.1f", sheet, h, n, w)
			}
		}
	}
	// "Public criticism" fits its cell.
	w, err := f.GetColWidth("Appraisal", "L")
	must(t, err)
	if w < textWidth("Public criticism")+1 {
		t.Errorf("Highest Sanction column %.1f narrower than its longest value", w)
	}
	pf := openXLSX(t, writeBytes(t, func(b *bytes.Buffer) error { return WritePersonalSheet(b, orgPersonal(LangEN)) }))
	w, err = pf.GetColWidth("Personal", "A")
	must(t, err)
	if w < textWidth("Highest Sanction")*boldFactor+1 {
		t.Errorf("personal label column %.1f cuts \"Highest Sanction\"", w)
	}
}

// TestPersonalSheetReasons: the 备注 cell holds the reason, the state and
// the month a carried-over line came from; the date is local; a wrapped
// line gets the height it needs.
func TestPersonalSheetReasons(t *testing.T) {
	f := openXLSX(t, writeBytes(t, func(b *bytes.Buffer) error { return WritePersonalSheet(b, orgPersonal(LangZH)) }))
	sheet := "个人考核单"
	rows, err := f.GetRows(sheet)
	must(t, err)
	found := 0
	for i, r := range rows {
		if len(r) < 4 {
			continue
		}
		switch r[0] {
		case "2026-10-09": // 23:30 UTC on 8 Oct
			found++
			if r[3] != "来访人反映其报修事项在窗口等候超过三十分钟，首问人未在时限内移交至工程部，经主管核实属实\n已查实\n教育" {
				t.Errorf("remark %q", r[3])
			}
			h, err := f.GetRowHeight(sheet, i+1)
			must(t, err)
			if lines := wrappedLines(r[3], 24); h < float64(lines)*lineH {
				t.Errorf("row %d is %.0f pt high for %d lines", i+1, h, lines)
			}
		case "2026-10-15":
			found++
			if r[3] != "对来访人使用忌语\n申诉驳回\n自 2026-09 结转\n口头警告" {
				t.Errorf("remark %q", r[3])
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of the 2 dated lines: %q", found, rows)
	}
}
