package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tests with readers that are not excelize. Locally a missing reader skips
// the test; in CI (CI=true, which .ci/run sets after installing them) it
// fails, so the check cannot silently vanish there.

// needTool returns the path of a reader, or skips (fails in CI).
func needTool(t *testing.T, what string, found bool) {
	t.Helper()
	if found {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; .ci/run installs it", what)
	}
	t.Skipf("%s is not installed (CI installs it)", what)
}

// openpyxlScript opens each file with openpyxl twice (formulas, then cached
// values) and prints what a consumer would see as JSON.
const openpyxlScript = `
import json, sys, openpyxl
out = {}
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    vals = openpyxl.load_workbook(path, data_only=True)
    info = {"sheets": wb.sheetnames, "title": wb.properties.title,
            "created": wb.properties.created.isoformat() if wb.properties.created else "",
            "cells": {}, "protected": {}, "headers": {}}
    for ws in wb.worksheets:
        info["protected"][ws.title] = bool(ws.protection.sheet)
        info["headers"][ws.title] = ws.oddHeader.center.text or ""
        v = vals[ws.title]
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 8)):
            for c in row:
                if c.value is None:
                    continue
                cached = v[c.coordinate].value
                info["cells"][ws.title + "!" + c.coordinate] = [str(c.value), str(cached)]
    out[path] = info
print(json.dumps(out, ensure_ascii=False))
`

// TestWorkbooksOpenInOpenpyxl opens every kind of workbook with Python's
// openpyxl: the appraisal workbook (sheets, document properties, formulas
// with their cached values, protection, headers), the personal sheet, the
// results template and the staff template.
func TestWorkbooksOpenInOpenpyxl(t *testing.T) {
	python := "/usr/bin/python3"
	err := exec.Command(python, "-c", "import openpyxl").Run()
	needTool(t, "python3-openpyxl", err == nil)

	dir := t.TempDir()
	files := map[string][]byte{
		"appraisal.xlsx":    appraisalBytes(t, orgAppraisal(3, 2, LangZH)),
		"appraisal-en.xlsx": appraisalBytes(t, orgAppraisal(3, 2, LangEN)),
		"personal.xlsx":     writeBytes(t, func(b *bytes.Buffer) error { return WritePersonalSheet(b, orgPersonal(LangZH)) }),
		"results.xlsx": writeBytes(t, func(b *bytes.Buffer) error {
			return WriteResultsTemplate(b, "2026-11", LangZH, []TemplateRow{{EmployeeNo: "001", Name: "张三", Department: "客服中心"}})
		}),
		"staff.xlsx": writeBytes(t, func(b *bytes.Buffer) error {
			return WriteStaffImportTemplate(b, StaffTemplate{Lang: LangZH, Departments: []DepartmentCode{{"KF", "客服中心"}}})
		}),
	}
	var args []string
	for name, b := range files {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, b, 0o600))
		args = append(args, p)
	}
	cmd := exec.Command(python, append([]string{"-c", openpyxlScript}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, stderr.String())
	}
	var got map[string]struct {
		Sheets    []string
		Title     string
		Created   string
		Cells     map[string][2]string
		Protected map[string]bool
		Headers   map[string]string
	}
	must(t, json.Unmarshal(stdout, &got))
	a := got[filepath.Join(dir, "appraisal.xlsx")]
	if want := []string{"汇总", "考核表", "明细", "服务指标", "图表"}; fmt.Sprint(a.Sheets) != fmt.Sprint(want) {
		t.Errorf("openpyxl sheets %q", a.Sheets)
	}
	if a.Title != "示例物业管理有限公司 2026-11 月度考核表 (暂定)" || !strings.HasPrefix(a.Created, "2026-11-20T01:30") {
		t.Errorf("openpyxl properties: title %q, created %q", a.Title, a.Created)
	}
	// A formula and the value cached with it.
	final := a.Cells["考核表!J4"]
	if !strings.HasPrefix(final[0], "=ROUND(MAX(0,E4-G4+I4),2)") || !sameNumber(final[1], strconv.FormatFloat(orgAppraisal(3, 2, LangZH).Rows[0].Final, 'f', -1, 64)) {
		t.Errorf("考核表!J4 in openpyxl: %q", final)
	}
	if head := a.Cells["汇总!B5"]; !strings.HasPrefix(head[0], "=COUNTIFS(") || head[1] != "2" {
		t.Errorf("汇总!B5 in openpyxl: %q", head)
	}
	if !a.Protected["考核表"] || a.Protected["明细"] {
		t.Errorf("protection seen by openpyxl: %v", a.Protected)
	}
	for sheet, h := range a.Headers {
		if !strings.Contains(h, "2026-11") {
			t.Errorf("%s header in openpyxl: %q", sheet, h)
		}
	}
	for name := range files {
		if len(got[filepath.Join(dir, name)].Sheets) == 0 {
			t.Errorf("openpyxl read no sheet of %s", name)
		}
	}
	if s := got[filepath.Join(dir, "staff.xlsx")].Sheets; len(s) != 2 || s[1] != "部门编码" {
		t.Errorf("staff template sheets in openpyxl: %q", s)
	}
}

// TestAppraisalPrintsInLibreOffice converts a 200-department appraisal
// workbook and a personal sheet to PDF with LibreOffice, as an HR office
// would print them: the personal sheet is one page, every page of the
// workbook carries the organisation, the month and the status, and the
// charts sheet prints its charts. It also has LibreOffice recalculate a
// workbook whose base score was edited and whose department names need an
// escaped criterion.
func TestAppraisalPrintsInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	_, perr := exec.LookPath("pdftotext")
	needTool(t, "LibreOffice (soffice) and poppler-utils", err == nil && perr == nil)
	// The conversion takes about 10 s; `go test -short` leaves it out for a
	// quick local loop. .ci/run never passes -short, so CI always runs it.
	if testing.Short() {
		t.Skip("converts with LibreOffice")
	}
	dir := t.TempDir()
	profile := filepath.Join(dir, "profile")
	// A profile that recalculates OOXML files on load, as Excel does.
	must(t, os.MkdirAll(filepath.Join(profile, "user"), 0o700))
	must(t, os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(`<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`), 0o600))
	convert := func(to string, files ...string) {
		t.Helper()
		args := append([]string{"-env:UserInstallation=file://" + profile, "--headless", "--convert-to", to, "--outdir", dir}, files...)
		ctx := exec.Command(soffice, args...)
		out, err := ctx.CombinedOutput()
		if err != nil {
			t.Fatalf("soffice %v: %v\n%s", args, err, out)
		}
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, b, 0o600))
		return p
	}
	book := write("appraisal.xlsx", appraisalBytes(t, orgAppraisal(200, 1, LangZH)))
	personal := write("personal.xlsx", writeBytes(t, func(b *bytes.Buffer) error { return WritePersonalSheet(b, orgPersonal(LangZH)) }))

	// The edited workbook: names that need escaping, and the first base
	// score raised by 10 with the cached values left stale.
	special := orgAppraisal(3, 2, LangZH)
	names := []string{"客服*中心", ">=工程?部", "~物业"}
	for i := range special.Rows {
		special.Rows[i].Department = names[i/2]
	}
	for i := range special.Departments {
		special.Departments[i].Name = names[i]
	}
	f := openXLSX(t, appraisalBytes(t, special))
	must(t, f.SetCellValue("考核表", "E4", special.Rows[0].Base+10))
	var buf bytes.Buffer
	must(t, f.Write(&buf))
	edited := write("edited.xlsx", buf.Bytes())

	start := time.Now()
	convert("pdf", book, personal)
	convert("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,1", edited)
	t.Logf("LibreOffice conversions took %v", time.Since(start).Round(time.Millisecond))

	pdfText := func(name string, page int) string {
		t.Helper()
		out, err := exec.Command("pdftotext", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), "-layout", filepath.Join(dir, name), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", name, err)
		}
		return string(out)
	}
	pages := func(name string) int {
		t.Helper()
		out, err := exec.Command("pdfinfo", filepath.Join(dir, name)).Output()
		if err != nil {
			t.Fatalf("pdfinfo %s: %v", name, err)
		}
		m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("pdfinfo %s: %s", name, out)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	if n := pages("personal.pdf"); n != 1 {
		t.Errorf("the personal sheet prints on %d pages, want 1", n)
	}
	p := pdfText("personal.pdf", 1)
	for _, want := range []string{"2026-10-09", "员工签字", "主管签字", "来访人反映", "已查实", "自 2026-09 结转"} {
		if !strings.Contains(p, want) {
			t.Errorf("the printed personal sheet lacks %q", want)
		}
	}
	n := pages("appraisal.pdf")
	if n < 6 || n > 40 {
		t.Errorf("the 200-department workbook prints on %d pages", n)
	}
	for _, page := range []int{2, n / 2, n} {
		text := pdfText("appraisal.pdf", page)
		for _, want := range []string{"示例物业管理有限公司", "2026-11", "暂定", fmt.Sprintf("第 %d 页，共 %d 页", page, n)} {
			if !strings.Contains(text, want) {
				t.Errorf("printed page %d lacks %q", page, want)
			}
		}
	}
	charts := false
	for page := max(1, n-3); page <= n; page++ {
		text := pdfText("appraisal.pdf", page)
		charts = charts || strings.Contains(text, "等级分布") && strings.Contains(text, "各部门平均最终得分")
	}
	if !charts {
		t.Errorf("no printed page of the charts sheet shows both charts' titles")
	}

	// The recalculated summary of the edited workbook (sheet 1 as CSV).
	csv, err := os.ReadFile(filepath.Join(dir, "edited-汇总.csv"))
	must(t, err)
	lines := strings.Split(string(csv), "\n")
	d := special.Departments[0]
	r := special.Rows[0]
	newFinal := r.Base + 10 - r.Deductions + r.Additions
	wantAvg := (d.AverageFinal*float64(d.Headcount) - r.Final + newFinal) / float64(d.Headcount)
	if len(lines) < 8 {
		t.Fatalf("recalculated summary: %q", csv)
	}
	for i, name := range names {
		fields := strings.Split(lines[4+i], ",")
		if len(fields) < 2 || fields[0] != name || fields[1] != "2" {
			t.Errorf("recalculated summary row %d: %q (want %s with 2 people)", 5+i, lines[4+i], name)
		}
	}
	if fields := strings.Split(lines[4], ","); len(fields) < 3 || !sameNumber(fields[2], strconv.FormatFloat(wantAvg, 'f', 2, 64)) {
		t.Errorf("recalculated average of %s: %q, want %.2f", names[0], lines[4], wantAvg)
	}
}

// TestWorkbooksOpenInExcelJS opens every kind of workbook with exceljs 4.4
// (Node), which refused every firstask workbook before (descending column
// definitions, unprefixed core properties, the drawing's relationship
// prefix). FIRSTASK_EXCELJS_NODE_PATH is the node_modules directory that
// holds exceljs; .ci/run installs it there with npm.
func TestWorkbooksOpenInExcelJS(t *testing.T) {
	modules := os.Getenv("FIRSTASK_EXCELJS_NODE_PATH")
	node, err := exec.LookPath("node")
	_, serr := os.Stat(filepath.Join(modules, "exceljs", "package.json"))
	needTool(t, "node with exceljs (FIRSTASK_EXCELJS_NODE_PATH)", modules != "" && err == nil && serr == nil)

	dir := t.TempDir()
	files := map[string][]byte{
		"appraisal.xlsx":    appraisalBytes(t, orgAppraisal(3, 2, LangZH)),
		"appraisal-en.xlsx": appraisalBytes(t, orgAppraisal(3, 2, LangEN)),
		"personal.xlsx":     writeBytes(t, func(b *bytes.Buffer) error { return WritePersonalSheet(b, orgPersonal(LangZH)) }),
		"results.xlsx": writeBytes(t, func(b *bytes.Buffer) error {
			return WriteResultsTemplate(b, "2026-11", LangZH, []TemplateRow{{EmployeeNo: "001", Name: "张三", Department: "客服中心"}})
		}),
		"staff.xlsx": writeBytes(t, func(b *bytes.Buffer) error {
			return WriteStaffImportTemplate(b, StaffTemplate{Lang: LangZH, Departments: []DepartmentCode{{"KF", "客服中心"}}})
		}),
	}
	args := []string{"testdata/exceljs-read.js"}
	for name, b := range files {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, b, 0o600))
		args = append(args, p)
	}
	cmd := exec.Command(node, args...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("exceljs: %v\n%s", err, stderr.String())
	}
	var got map[string]struct {
		Sheets  []string
		Title   string
		Created string
		Company string
		Cells   map[string][]string
	}
	must(t, json.Unmarshal(stdout, &got))
	for name := range files {
		if len(got[filepath.Join(dir, name)].Sheets) == 0 {
			t.Errorf("exceljs read no sheet of %s", name)
		}
	}
	a := got[filepath.Join(dir, "appraisal.xlsx")]
	if want := []string{"汇总", "考核表", "明细", "服务指标", "图表"}; fmt.Sprint(a.Sheets) != fmt.Sprint(want) {
		t.Errorf("exceljs sheets %q", a.Sheets)
	}
	if a.Title != "示例物业管理有限公司 2026-11 月度考核表 (暂定)" || a.Company != "示例物业管理有限公司" || !strings.HasPrefix(a.Created, "2026-11-20T01:30") {
		t.Errorf("exceljs properties: title %q, company %q, created %q", a.Title, a.Company, a.Created)
	}
	final := a.Cells["考核表!J4"]
	if len(final) != 2 || final[0] != "=ROUND(MAX(0,E4-G4+I4),2)" || !sameNumber(final[1], strconv.FormatFloat(orgAppraisal(3, 2, LangZH).Rows[0].Final, 'f', -1, 64)) {
		t.Errorf("考核表!J4 in exceljs: %q", final)
	}
}

// TestWorkbooksOpenInSheetJS opens every kind of workbook with SheetJS (npm
// xlsx 0.18.5, what browser-side spreadsheet code uses): the appraisal
// workbook in both languages, the personal sheet, both import templates and
// the rule preview, and reads known cells back. FIRSTASK_SHEETJS_NODE_PATH
// is the node_modules directory that holds xlsx; .ci/run installs it there
// with npm.
func TestWorkbooksOpenInSheetJS(t *testing.T) {
	modules := os.Getenv("FIRSTASK_SHEETJS_NODE_PATH")
	node, err := exec.LookPath("node")
	_, serr := os.Stat(filepath.Join(modules, "xlsx", "package.json"))
	needTool(t, "node with SheetJS xlsx (FIRSTASK_SHEETJS_NODE_PATH)", modules != "" && err == nil && serr == nil)

	dir := t.TempDir()
	zh, en := orgAppraisal(3, 2, LangZH), orgAppraisal(3, 2, LangEN)
	files := map[string][]byte{
		"appraisal.xlsx":    appraisalBytes(t, zh),
		"appraisal-en.xlsx": appraisalBytes(t, en),
		"personal.xlsx":     writeBytes(t, func(b *bytes.Buffer) error { return WritePersonalSheet(b, orgPersonal(LangZH)) }),
		"results.xlsx": writeBytes(t, func(b *bytes.Buffer) error {
			return WriteResultsTemplate(b, "2026-11", LangZH, []TemplateRow{{EmployeeNo: "001", Name: "张三", Department: "客服中心"}})
		}),
		"staff.xlsx": writeBytes(t, func(b *bytes.Buffer) error {
			return WriteStaffImportTemplate(b, StaffTemplate{Lang: LangZH, Departments: []DepartmentCode{{"KF", "客服中心"}}})
		}),
		"preview.xlsx": previewBytes(t, previewFixture(LangZH)),
	}
	args := []string{"testdata/sheetjs-read.js"}
	for name, b := range files {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, b, 0o600))
		args = append(args, p)
	}
	cmd := exec.Command(node, args...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("SheetJS: %v\n%s", err, stderr.String())
	}
	var got map[string]struct {
		Sheets  []string
		Title   string
		Company string
		Cells   map[string][]string
	}
	must(t, json.Unmarshal(stdout, &got))
	for name := range files {
		if len(got[filepath.Join(dir, name)].Sheets) == 0 {
			t.Errorf("SheetJS read no sheet of %s", name)
		}
	}
	cell := func(name, ref string) []string { return got[filepath.Join(dir, name)].Cells[ref] }
	a := got[filepath.Join(dir, "appraisal.xlsx")]
	if want := []string{"汇总", "考核表", "明细", "服务指标", "图表"}; fmt.Sprint(a.Sheets) != fmt.Sprint(want) {
		t.Errorf("SheetJS sheets %q", a.Sheets)
	}
	if a.Title != "示例物业管理有限公司 2026-11 月度考核表 (暂定)" || a.Company != "示例物业管理有限公司" {
		t.Errorf("SheetJS properties: title %q, company %q", a.Title, a.Company)
	}
	for name, wb := range map[string]AppraisalWorkbook{"appraisal.xlsx": zh, "appraisal-en.xlsx": en} {
		sheet := got[filepath.Join(dir, name)].Sheets[1]
		final := cell(name, sheet+"!J4")
		if len(final) != 2 || final[0] != "=ROUND(MAX(0,E4-G4+I4),2)" || !sameNumber(final[1], strconv.FormatFloat(wb.Rows[0].Final, 'f', -1, 64)) {
			t.Errorf("%s %s!J4 in SheetJS: %q, want the formula and %v", name, sheet, final, wb.Rows[0].Final)
		}
		for ref, want := range map[string]string{"B4": wb.Rows[0].EmployeeNo, "C4": wb.Rows[0].Name} {
			if v := cell(name, sheet+"!"+ref); len(v) != 1 || v[0] != want {
				t.Errorf("%s %s!%s in SheetJS: %q, want %q", name, sheet, ref, v, want)
			}
		}
	}
	for _, c := range []struct{ file, ref, want string }{
		{"appraisal.xlsx", "考核表!J3", "最终得分"},
		{"appraisal.xlsx", "考核表!A1", a.Title},
		{"results.xlsx", "", "张三"},
		{"staff.xlsx", "", "KF"},
		{"preview.xlsx", "2026-10!B4", "王五"},
		{"preview.xlsx", "2026-10!A4", "007"},
		{"preview.xlsx", "汇总!A4", "2026-10"},
	} {
		if c.ref == "" {
			found := false
			for _, v := range got[filepath.Join(dir, c.file)].Cells {
				found = found || len(v) > 0 && v[len(v)-1] == c.want
			}
			if !found {
				t.Errorf("SheetJS did not read %q from %s", c.want, c.file)
			}
			continue
		}
		if v := cell(c.file, c.ref); len(v) == 0 || v[len(v)-1] != c.want {
			t.Errorf("%s %s in SheetJS: %q, want %q", c.file, c.ref, v, c.want)
		}
	}
}
