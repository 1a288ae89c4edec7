package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// previewFixture is a preview of two months: October with two changes and
// one unchanged person, September (closed) with none.
func previewFixture(lang Lang) RulePreviewWorkbook {
	grades := [4]string{"优秀", "良好", "合格", "不合格"}
	none, verbal := "无", "口头警告"
	if lang == LangEN {
		grades = [4]string{"Excellent", "Good", "Pass", "Fail"}
		none, verbal = "None", "Verbal warning"
	}
	return RulePreviewWorkbook{
		Organisation: "示例物业管理有限公司", Lang: lang, GeneratedAt: time.Date(2026, 11, 20, 9, 30, 0, 0, time.FixedZone("CST", 8*3600)),
		GradeLabels: grades,
		Months: []PreviewMonth{{
			Month: "2026-10", RuleVersion: 1, People: 3, Changed: 2,
			GradesBefore: [4]int{2, 1, 0, 0}, GradesAfter: [4]int{1, 2, 0, 0}, BonusBefore: 5, BonusAfter: 5,
			Departments: []PreviewDepartment{{Name: "客服中心", Headcount: 3, AverageBefore: 98.33, AverageAfter: 96.67}},
			Rows: []PreviewRow{
				{EmployeeNo: "007", Name: "王五", Department: "客服中心", Before: PreviewFigures{110, grades[0], none, 0}, After: PreviewFigures{108, grades[0], none, 0}, Changed: true},
				{EmployeeNo: "001", Name: "张三", Department: "客服中心", Before: PreviewFigures{96, grades[0], verbal, 5}, After: PreviewFigures{94.5, grades[1], verbal, 5}, Changed: true},
				{EmployeeNo: "002", Name: "李四", Department: "客服中心", Before: PreviewFigures{89, grades[1], none, 0}, After: PreviewFigures{89, grades[1], none, 0}},
			},
		}, {Month: "2026-09", Closed: true, RuleVersion: 1, People: 0}},
	}
}

func previewBytes(t testing.TB, wb RulePreviewWorkbook) []byte {
	return writeBytes(t, func(b *bytes.Buffer) error { return WriteRulePreview(b, wb) })
}

// TestRulePreviewCells reads the preview workbook's cells back, in Chinese
// and in English: the summary's month lines and grade counts, every person
// before and after with the change, the changed rows highlighted and marked.
func TestRulePreviewCells(t *testing.T) {
	for _, lang := range []Lang{LangZH, LangEN} {
		f := openXLSX(t, previewBytes(t, previewFixture(lang)))
		summary, yes, no, status := "汇总", "是", "否", "已结账"
		if lang == LangEN {
			summary, yes, no, status = "Summary", "yes", "no", "closed"
		}
		if got := f.GetSheetList(); !slices.Equal(got, []string{summary, "2026-10", "2026-09"}) {
			t.Fatalf("%s: sheets %v", lang, got)
		}
		for ref, want := range map[string]string{
			"A4": "2026-10", "D4": "3", "E4": "2", "F4": "5%", "G4": "5%", "H4": "2", "I4": "1", "J4": "1", "K4": "2",
			"A5": "2026-09", "B5": status, "E5": "0",
			"B8": "客服中心", "C8": "3", "D8": "98.33", "E8": "96.67",
		} {
			if got := cellValue(t, f, summary, ref); got != want {
				t.Errorf("%s %s!%s = %q, want %q", lang, summary, ref, got, want)
			}
		}
		if h := cellValue(t, f, summary, "H3"); !strings.HasPrefix(h, previewFixture(lang).GradeLabels[0]) {
			t.Errorf("%s: grade header %q", lang, h)
		}
		for row, want := range map[int][]string{
			4: {"007", "王五", "客服中心", "110.00", "108.00", "-2.00"},
			5: {"001", "张三", "客服中心", "96.00", "94.50", "-1.50"},
			6: {"002", "李四", "客服中心", "89.00", "89.00"},
		} {
			got, err := f.GetRows("2026-10")
			must(t, err)
			if !slices.Equal(got[row-1][:len(want)], want) {
				t.Errorf("%s row %d: %v, want %v", lang, row, got[row-1][:len(want)], want)
			}
			mark := cellValue(t, f, "2026-10", "M"+string(rune('0'+row)))
			changed := row < 6
			if (mark == yes) != changed || (!changed && mark != no) {
				t.Errorf("%s row %d marked %q", lang, row, mark)
			}
			for _, col := range []string{"A", "D", "H", "M"} {
				id, err := f.GetCellStyle("2026-10", col+string(rune('0'+row)))
				must(t, err)
				st, err := f.GetStyle(id)
				must(t, err)
				lit := len(st.Fill.Color) > 0 && strings.EqualFold(st.Fill.Color[0], changedFill)
				if lit != changed || (changed && (st.Font == nil || !st.Font.Bold)) {
					t.Errorf("%s %s%d: highlighted %v, want %v", lang, col, row, lit, changed)
				}
			}
		}
		if raw, err := f.GetCellValue("2026-10", "F6", excelize.Options{RawCellValue: true}); err != nil || raw != "0" {
			t.Errorf("%s: unchanged row's change %q (%v)", lang, raw, err)
		}
		// The highlight keeps the column's number format.
		if v := cellValue(t, f, "2026-10", "E5"); v != "94.50" {
			t.Errorf("%s: highlighted score shown %q", lang, v)
		}
		if v := cellValue(t, f, "2026-10", "H5"); v != previewFixture(lang).GradeLabels[1] {
			t.Errorf("%s: grade after %q", lang, v)
		}
		must(t, f.Close())
	}
}

// TestRulePreviewOpensInOpenpyxl opens the preview workbook with Python's
// openpyxl, as TestWorkbooksOpenInOpenpyxl does the others.
func TestRulePreviewOpensInOpenpyxl(t *testing.T) {
	python := "/usr/bin/python3"
	err := exec.Command(python, "-c", "import openpyxl").Run()
	needTool(t, "python3-openpyxl", err == nil)
	p := filepath.Join(t.TempDir(), "preview.xlsx")
	must(t, os.WriteFile(p, previewBytes(t, previewFixture(LangZH)), 0o600))
	out, err := exec.Command(python, "-c", openpyxlScript, p).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	var got map[string]struct {
		Sheets []string
		Title  string
		Cells  map[string][2]string
	}
	must(t, json.Unmarshal(out, &got))
	g := got[p]
	if !slices.Equal(g.Sheets, []string{"汇总", "2026-10", "2026-09"}) || g.Title != "规则变更预览" {
		t.Fatalf("openpyxl: sheets %v, title %q", g.Sheets, g.Title)
	}
	if c := g.Cells["2026-10!E5"]; c[0] != "94.5" {
		t.Errorf("openpyxl 2026-10!E5 = %q", c)
	}
	if c := g.Cells["2026-10!A4"]; c[0] != "007" {
		t.Errorf("openpyxl 2026-10!A4 = %q", c)
	}
}
