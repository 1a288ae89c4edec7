package reports

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func samplePersonal(lang Lang) PersonalSheet {
	return PersonalSheet{
		Organisation: "示例物业", Month: "2026-10", Closed: true, Lang: lang,
		EmployeeNo: "1001", Name: "张三", Department: "客服中心",
		Base: 96, BaseUploaded: true,
		Items: []PersonalItem{
			{Date: time.Date(2026, 10, 9, 10, 0, 0, 0, shanghai), Description: "未及时移交（轻微）", Points: -2, Note: "教育"},
			{Date: time.Date(2026, 10, 15, 10, 0, 0, 0, shanghai), Description: "态度恶劣 / 使用忌语（一般）", Points: -10, Note: "口头警告"},
			{Date: time.Date(2026, 10, 20, 10, 0, 0, 0, shanghai), Description: "表扬信", Points: 3},
			{Date: time.Date(2026, 10, 21, 10, 0, 0, 0, shanghai), Description: "主管表扬", Points: 2},
		},
		Deductions: 12, Additions: 5, Final: 89, Grade: "B 良好", HighestSanction: "口头警告", BonusDeductionPercent: 5,
	}
}

func TestWritePersonalSheet(t *testing.T) {
	var buf bytes.Buffer
	must(t, WritePersonalSheet(&buf, samplePersonal(LangZH)))
	f := openXLSX(t, buf.Bytes())
	sheet := f.GetSheetList()[0]
	if sheet != "个人考核单" {
		t.Errorf("sheet %q", sheet)
	}
	if got := cellValue(t, f, sheet, "A1"); got != "示例物业 2026-10 个人月度考核单 (已结账)" {
		t.Errorf("title %q", got)
	}
	for row, want := range map[int][]string{
		3:  {"工号", "1001", "姓名", "张三"},
		4:  {"部门", "客服中心", "考核月份", "2026-10"},
		5:  {"基础分", "96.00", "基础分来源", "已上传"},
		7:  {"日期", "事项", "分值", "备注"},
		8:  {"2026-10-09", "未及时移交（轻微）", "-2.00", "教育"},
		10: {"2026-10-20", "表扬信", "+3.00", ""},
		13: {"扣分合计", "12.00", "", ""},
		14: {"加分合计", "5.00", "", ""},
		15: {"最终得分", "89.00", "", ""},
		16: {"等级", "B 良好", "", ""},
		17: {"最高处分", "口头警告", "", ""},
		18: {"扣发奖金", "5%", "", ""},
	} {
		if got := rowValues(t, f, sheet, row, 4); !reflect.DeepEqual(got, want) {
			t.Errorf("row %d %q, want %q", row, got, want)
		}
	}
	var signatures []string
	rows, err := f.GetRows(sheet)
	must(t, err)
	for _, r := range rows {
		if len(r) > 0 && strings.Contains(r[0], "签字：") {
			signatures = append(signatures, r[0])
		}
	}
	want := []string{
		"员工签字：" + signatureBlank + "    日期：" + signatureBlank,
		"主管签字：" + signatureBlank + "    日期：" + signatureBlank,
	}
	if !reflect.DeepEqual(signatures, want) {
		t.Errorf("signature lines %q, want %q", signatures, want)
	}
	layout, err := f.GetPageLayout(sheet)
	must(t, err)
	if *layout.Orientation != "portrait" || *layout.FitToWidth != 1 || *layout.FitToHeight != 1 {
		t.Errorf("page layout %s %d×%d, want portrait on one page", *layout.Orientation, *layout.FitToWidth, *layout.FitToHeight)
	}
	found := false
	for _, dn := range f.GetDefinedName() {
		found = found || (dn.Name == "_xlnm.Print_Area" && dn.RefersTo == "'个人考核单'!$A$1:$D$23")
	}
	if !found {
		t.Errorf("print area missing: %+v", f.GetDefinedName())
	}
}

func TestWritePersonalSheetEnglishNoItems(t *testing.T) {
	p := samplePersonal(LangEN)
	p.Items, p.HighestSanction, p.BaseUploaded, p.Closed = nil, "", false, false
	var buf bytes.Buffer
	must(t, WritePersonalSheet(&buf, p))
	f := openXLSX(t, buf.Bytes())
	sheet := f.GetSheetList()[0]
	if got := cellValue(t, f, sheet, "A1"); got != "示例物业 2026-10 personal monthly appraisal (provisional)" {
		t.Errorf("title %q", got)
	}
	if got := rowValues(t, f, sheet, 5, 4); !reflect.DeepEqual(got, []string{"Base Score", "96.00", "Base Source", "default"}) {
		t.Errorf("base row %q", got)
	}
	if got := cellValue(t, f, sheet, "A8"); got != "No violations or praise this month" {
		t.Errorf("empty items %q", got)
	}
	rows, err := f.GetRows(sheet)
	must(t, err)
	var text []string
	for _, r := range rows {
		text = append(text, strings.Join(r, "|"))
	}
	all := strings.Join(text, "\n")
	for _, s := range []string{"Highest Sanction|none", "Employee signature: " + signatureBlank + "    Date: " + signatureBlank, "Supervisor signature: "} {
		if !strings.Contains(all, s) {
			t.Errorf("sheet lacks %q:\n%s", s, all)
		}
	}
}
