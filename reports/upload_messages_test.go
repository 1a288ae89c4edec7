package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// bookOf builds a workbook with the named sheets, each with its rows, and
// lets edit change it before it is written.
func bookOf(t *testing.T, sheets []string, rows map[string][][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	for i, name := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for j, r := range rows[name] {
			if err := f.SetSheetRow(name, cell(1, j+1), &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestUploadSaysWhereItLooked: data on the second sheet is named as not
// read; a formula without a saved result says so.
func TestUploadSaysWhereItLooked(t *testing.T) {
	b := bookOf(t, []string{"说明", "数据"}, map[string][][]any{
		"说明": {{"请在第二个工作表填写"}},
		"数据": {{"工号", "基础绩效分"}, {"1", 90}},
	}, nil)
	_, err := ReadResults(bytes.NewReader(b), UploadLimits{})
	got := problemsOf(t, err)
	if len(got) != 2 || !strings.Contains(got[0].Message, "工作表“说明”的第 1–1 行") || !strings.Contains(got[0].Message, "未读取：数据") {
		t.Fatalf("problems %+v", got)
	}
	_, err = ReadResults(bytes.NewReader(b), UploadLimits{Lang: LangEN})
	if got := problemsOf(t, err); !strings.Contains(got[0].Message, `rows 1–1 of the sheet "说明"`) || !strings.Contains(got[0].Message, "only the first sheet is read, not 数据") {
		t.Fatalf("English problems %+v", got)
	}

	formula := bookOf(t, []string{"Sheet1"}, map[string][][]any{"Sheet1": {{"工号", "基础绩效分"}, {"1", nil}, {"2", nil}}}, func(f *excelize.File) {
		if err := f.SetCellFormula("Sheet1", "B2", "A2*90"); err != nil {
			t.Fatal(err)
		}
	})
	_, err = ReadResults(bytes.NewReader(formula), UploadLimits{})
	got = problemsOf(t, err)
	if len(got) != 2 || got[0].Row != 2 || !strings.Contains(got[0].Message, "是公式，但文件中没有保存计算结果") || got[1].Message != "基础绩效分不能为空" {
		t.Fatalf("problems %+v", got)
	}
}

// TestUploadRefusesAnotherMonth: a sheet or title naming another month is
// refused when the month is given, taken when it is not (the override).
func TestUploadRefusesAnotherMonth(t *testing.T) {
	bySheet := bookOf(t, []string{"考核结果 2026-10"}, map[string][][]any{"考核结果 2026-10": {{"工号", "基础绩效分"}, {"1", 90}}}, nil)
	byTitle := bookOf(t, []string{"Sheet1"}, map[string][][]any{"Sheet1": {{"2026年10月 月度考核结果"}, {"工号", "基础绩效分"}, {"1", 90}}}, nil)
	same := bookOf(t, []string{"考核结果 2026-11"}, map[string][][]any{"考核结果 2026-11": {{"2026年11月"}, {"工号", "基础绩效分"}, {"1", 90}}}, nil)
	for name, b := range map[string][]byte{"sheet": bySheet, "title": byTitle} {
		_, err := ReadResults(bytes.NewReader(b), UploadLimits{Month: "2026-11"})
		got := problemsOf(t, err)
		if len(got) != 1 || !strings.Contains(got[0].Message, "文件属于 2026-10") || !strings.Contains(got[0].Message, "allow_other_month=true") {
			t.Errorf("%s: problems %+v", name, got)
		}
		if rows, err := ReadResults(bytes.NewReader(b), UploadLimits{}); err != nil || len(rows) != 1 {
			t.Errorf("%s without a month: %v %v", name, rows, err)
		}
	}
	if rows, err := ReadResults(bytes.NewReader(same), UploadLimits{Month: "2026-11"}); err != nil || len(rows) != 1 {
		t.Errorf("same month: %v %v", rows, err)
	}
}

// TestScoreDecimalsAndWarnings: 95.555 is refused, a typed 95.1 stored with
// binary noise is not; 0.95 among scores of 60–100 is a warning.
func TestScoreDecimalsAndWarnings(t *testing.T) {
	b := sheetBook(t, []any{"工号", "基础绩效分"}, []any{"1", "95.555"}, []any{"2", "95.099999999999994"}, []any{"3", 88})
	rows, err := ReadResults(bytes.NewReader(b), UploadLimits{})
	got := problemsOf(t, err)
	if len(got) != 1 || got[0].Row != 2 || got[0].Message != "最多两位小数" {
		t.Fatalf("problems %+v", got)
	}
	if len(rows) != 2 || rows[0].Score != 95.1 {
		t.Fatalf("rows %+v", rows)
	}
	rows, err = ReadResults(bytes.NewReader(sheetBook(t, []any{"工号", "基础绩效分"}, []any{"1", 0.95}, []any{"2", 90}, []any{"3", 80}, []any{"4", 0}, []any{"5", 70})), UploadLimits{})
	if err != nil {
		t.Fatal(err)
	}
	w := ResultWarnings(rows, LangZH)
	if len(w) != 1 || w[0].Row != 2 || w[0].Value != "0.95" || !strings.Contains(w[0].Message, "百分比") {
		t.Fatalf("warnings %+v", w)
	}
	if w := ResultWarnings(rows[:1], LangEN); w != nil {
		t.Fatalf("a lone small score is no warning: %+v", w)
	}
}
