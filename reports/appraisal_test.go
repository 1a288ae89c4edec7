package reports

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var shanghai = time.FixedZone("CST", 8*3600)

func sampleAppraisal(lang Lang) AppraisalWorkbook {
	details := []DetailRow{
		{Date: time.Date(2026, 10, 9, 23, 30, 0, 0, shanghai), EmployeeNo: "1001", Name: "张三", Department: "客服中心", Kind: "违规", Type: "未及时移交", Severity: "轻微", Sanction: "教育", Points: -2, InquiryRef: "SW-20261009-0007", State: "已查实"},
		{Date: time.Date(2026, 10, 12, 10, 0, 0, 0, shanghai), EmployeeNo: "1001", Name: "张三", Department: "客服中心", Kind: "表扬", Type: "表扬信", Points: 3, State: "已记录"},
		{Date: time.Date(2026, 9, 28, 9, 0, 0, 0, shanghai), EmployeeNo: "1003", Name: "王五", Department: "工程部", Kind: "违规", Type: "推诿扯皮", Severity: "严重", Sanction: "书面警告", Points: -20, State: "申诉维持", CarriedOver: "2026-09 结转"},
	}
	return AppraisalWorkbook{
		Organisation: "示例物业",
		Month:        "2026-10",
		Closed:       true,
		Lang:         lang,
		GeneratedAt:  time.Date(2026, 11, 1, 9, 30, 0, 0, shanghai),
		GradeLabels:  [4]string{"优秀", "良好", "合格", "不合格"},
		Departments: []DepartmentSummary{
			{Name: "客服中心", Headcount: 2, AverageFinal: 99.5, GradeCounts: [4]int{1, 1, 0, 0}, TotalDeductions: 12, TotalAdditions: 15},
			{Name: "工程部", Headcount: 2, AverageFinal: 45, GradeCounts: [4]int{0, 0, 1, 1}, TotalDeductions: 70},
		},
		Rows: []AppraisalRow{
			{Seq: 1, EmployeeNo: "1001", Name: "张三", Department: "客服中心", Base: 96, ViolationCount: 2, Deductions: 12, PraiseCount: 2, Additions: 5, Final: 89, Grade: "良好", HighestSanction: "口头警告", BonusDeductionPercent: 5},
			{Seq: 2, EmployeeNo: "1002", Name: "李四", Department: "客服中心", Base: 100, PraiseCount: 6, Additions: 10, Final: 110, Grade: "优秀"},
			{Seq: 3, EmployeeNo: "1003", Name: "王五", Department: "工程部", Base: 100, ViolationCount: 1, Deductions: 20, Final: 80, Grade: "合格", HighestSanction: "书面警告", BonusDeductionPercent: 10},
			{EmployeeNo: "1004", Name: "赵六", Department: "工程部", Base: 60, ViolationCount: 4, Deductions: 50, Final: 10, Grade: "不合格", HighestSanction: "通报批评", BonusDeductionPercent: 50, Note: "基础分上传"},
		},
		Details: slices.Values(details),
		Service: []ServiceRow{
			{Level: ServiceLevelPerson, Department: "客服中心", Name: "张三", Received: 40, Referred: 10, OnTimeHandover: ptr(0.9), OnTimeContact: ptr(1.0), OnTimeFeedback: ptr(0.8), Satisfaction: ptr(0.95)},
			{Level: ServiceLevelDepartment, Department: "客服中心", Received: 120, Referred: 30, OnTimeHandover: ptr(0.925), OnTimeContact: ptr(0.5), OnTimeFeedback: ptr(1.0), Satisfaction: ptr(0.875)},
			{Level: ServiceLevelDepartment, Department: "工程部", Received: 0, Referred: 0, Satisfaction: ptr(math.NaN())},
		},
	}
}

func appraisalBytes(t testing.TB, wb AppraisalWorkbook) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteAppraisal(&buf, wb); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteAppraisal(t *testing.T) {
	b := appraisalBytes(t, sampleAppraisal(LangZH))
	f := openXLSX(t, b)

	if got, want := f.GetSheetList(), []string{"汇总", "考核表", "明细", "服务指标", "图表"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}

	t.Run("Summary", func(t *testing.T) {
		if got := cellValue(t, f, "汇总", "A1"); got != "示例物业 2026-10 月度考核汇总 (已结账)" {
			t.Errorf("title %q", got)
		}
		if got := cellValue(t, f, "汇总", "A2"); !strings.HasPrefix(got, "生成时间：2026-11-01 09:30；") {
			t.Errorf("note %q", got)
		}
		if got, want := rowValues(t, f, "汇总", 4, 9), []string{"部门", "人数", "平均最终得分", "A 优秀", "B 良好", "C 合格", "D 不合格", "扣分合计", "加分合计"}; !reflect.DeepEqual(got, want) {
			t.Errorf("header %q", got)
		}
		if got, want := rowValues(t, f, "汇总", 5, 9), []string{"客服中心", "2", "99.50", "1", "1", "0", "0", "12.00", "15.00"}; !reflect.DeepEqual(got, want) {
			t.Errorf("first department %q, want %q", got, want)
		}
		// Total row: weighted average (99.5×2 + 45×2) / 4.
		if got, want := rowValues(t, f, "汇总", 7, 9), []string{"合计", "4", "72.25", "1", "1", "1", "1", "82.00", "15.00"}; !reflect.DeepEqual(got, want) {
			t.Errorf("total %q, want %q", got, want)
		}
		parts := zipEntries(t, b)
		unescape := strings.NewReplacer("&#39;", "'", "&apos;", "'").Replace
		chart1, chart2 := unescape(parts["xl/charts/chart1.xml"]), unescape(parts["xl/charts/chart2.xml"])
		if chart1 == "" || chart2 == "" {
			t.Fatalf("charts missing; parts: %v", keys(parts))
		}
		// The charts are on their own sheet: the pie of the summary's
		// total row, and horizontal bars of the ranking table, whose cells
		// refer to the summary.
		for _, ref := range []string{"'图表'!$B$4:$B$5", "'图表'!$C$4:$C$5", "<barChart>", `<barDir val="bar"`, "000000"} {
			if !strings.Contains(chart2, ref) {
				t.Errorf("average chart does not reference %s", ref)
			}
		}
		for _, ref := range []string{"'汇总'!$D$4:$G$4", "'汇总'!$D$7:$G$7", "<pieChart>"} {
			if !strings.Contains(chart1, ref) {
				t.Errorf("grade chart does not reference %s", ref)
			}
		}
		if strings.Contains(chart2, "D9D9D9") {
			t.Error("axis labels are still light grey")
		}
		// Ranked: the higher average first.
		if got, want := rowValues(t, f, "图表", 4, 3), []string{"1", "客服中心", "99.50"}; !reflect.DeepEqual(got, want) {
			t.Errorf("ranking row 4 %q, want %q", got, want)
		}
		if got, _ := f.GetCellFormula("图表", "C5"); got != "'汇总'!$C$6" {
			t.Errorf("ranking C5 formula %q", got)
		}
	})

	t.Run("Appraisal", func(t *testing.T) {
		if got := cellValue(t, f, "考核表", "A1"); got != "示例物业 2026-10 月度考核表 (已结账)" {
			t.Errorf("title %q", got)
		}
		wantHeader := []string{"序号", "工号", "姓名", "部门", "基础分", "违规次数", "扣分", "表扬次数", "加分", "最终得分", "等级", "最高处分", "扣发奖金%", "备注"}
		if got := rowValues(t, f, "考核表", 3, 14); !reflect.DeepEqual(got, wantHeader) {
			t.Errorf("header %q", got)
		}
		if got, want := rowValues(t, f, "考核表", 4, 14), []string{"1", "1001", "张三", "客服中心", "96.00", "2", "12.00", "2", "5.00", "89.00", "良好", "口头警告", "5%", ""}; !reflect.DeepEqual(got, want) {
			t.Errorf("row 4 %q, want %q", got, want)
		}
		if got, want := rowValues(t, f, "考核表", 7, 14), []string{"4", "1004", "赵六", "工程部", "60.00", "4", "50.00", "0", "0.00", "10.00", "不合格", "通报批评", "50%", "基础分上传"}; !reflect.DeepEqual(got, want) {
			t.Errorf("row 7 %q, want %q", got, want)
		}
		if got := rawValue(t, f, "考核表", "J5"); got != "110" {
			t.Errorf("final of row 5 = %q, want 110", got)
		}
		checkTableSheet(t, f, b, "考核表", "A3:N7", 14)
	})

	t.Run("Details", func(t *testing.T) {
		wantHeader := []string{"日期", "工号", "姓名", "部门", "类别", "类型", "程度", "处分", "分值", "首问编号", "状态", "结转说明", "事由"}
		if got := rowValues(t, f, "明细", 3, 13); !reflect.DeepEqual(got, wantHeader) {
			t.Errorf("header %q", got)
		}
		// The date is the organisation's wall-clock date, not UTC's.
		if got, want := rowValues(t, f, "明细", 4, 12), []string{"2026-10-09", "1001", "张三", "客服中心", "违规", "未及时移交", "轻微", "教育", "-2.00", "SW-20261009-0007", "已查实", ""}; !reflect.DeepEqual(got, want) {
			t.Errorf("row 4 %q, want %q", got, want)
		}
		if got := cellValue(t, f, "明细", "I5"); got != "+3.00" {
			t.Errorf("praise points %q", got)
		}
		if got := cellValue(t, f, "明细", "L6"); got != "2026-09 结转" {
			t.Errorf("carried over %q", got)
		}
		checkTableSheet(t, f, b, "明细", "A3:M6", 13)
	})

	t.Run("Service", func(t *testing.T) {
		// Departments first, in the caller's order, then persons.
		for row, want := range map[int][]string{
			4: {"部门", "客服中心", "", "120", "30", "92.5%", "50.0%", "100.0%", "87.5%"},
			5: {"部门", "工程部", "", "0", "0", "", "", "", ""},
			6: {"个人", "客服中心", "张三", "40", "10", "90.0%", "100.0%", "80.0%", "95.0%"},
		} {
			if got := rowValues(t, f, "服务指标", row, 9); !reflect.DeepEqual(got, want) {
				t.Errorf("row %d %q, want %q", row, got, want)
			}
		}
		checkTableSheet(t, f, b, "服务指标", "A3:I6", 9)
	})

	t.Run("PrintTitles", func(t *testing.T) {
		titles := map[string]string{}
		for _, dn := range f.GetDefinedName() {
			if dn.Name == "_xlnm.Print_Titles" {
				titles[dn.Scope] = dn.RefersTo
			}
		}
		want := map[string]string{"汇总": "'汇总'!$4:$4", "图表": "'图表'!$3:$3", "考核表": "'考核表'!$3:$3", "明细": "'明细'!$3:$3", "服务指标": "'服务指标'!$3:$3"}
		if !reflect.DeepEqual(titles, want) {
			t.Errorf("print titles %v, want %v", titles, want)
		}
	})
}

// checkTableSheet checks what every streamed table has: the header frozen,
// a filter over header and data, landscape fit to one page wide.
func checkTableSheet(t *testing.T, f *excelize.File, b []byte, sheet, filterRef string, cols int) {
	t.Helper()
	panes, err := f.GetPanes(sheet)
	must(t, err)
	if !panes.Freeze || panes.YSplit != 3 || panes.TopLeftCell != "A4" {
		t.Errorf("%s panes %+v, want frozen below row 3", sheet, panes)
	}
	layout, err := f.GetPageLayout(sheet)
	must(t, err)
	if layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 || layout.FitToHeight == nil || *layout.FitToHeight != 0 {
		t.Errorf("%s page layout %+v", sheet, layout)
	}
	props, err := f.GetSheetProps(sheet)
	must(t, err)
	if props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("%s is not set to fit to page", sheet)
	}
	idx, err := f.GetSheetIndex(sheet)
	must(t, err)
	xml := zipEntries(t, b)["xl/worksheets/sheet"+string(rune('1'+idx))+".xml"]
	if !strings.Contains(xml, `<autoFilter ref="`+filterRef+`"`) && !strings.Contains(xml, `<autoFilter ref="`+absolute(filterRef)+`"`) {
		t.Errorf("%s has no autofilter over %s", sheet, filterRef)
	}
	if !strings.Contains(xml, `<mergeCell ref="A1:`+colName(cols)+`1"/>`) {
		t.Errorf("%s title is not merged across the table", sheet)
	}
	for c := 1; c <= cols; c++ {
		if w, err := f.GetColWidth(sheet, colName(c)); err != nil || w < widthMin {
			t.Errorf("%s column %d width %v (%v)", sheet, c, w, err)
		}
	}
}

func TestWriteAppraisalEnglish(t *testing.T) {
	wb := sampleAppraisal(LangEN)
	wb.Closed = false
	wb.Department = "Engineering"
	wb.GradeLabels = [4]string{"A Excellent", "Good", "", "D"}
	b := appraisalBytes(t, wb)
	f := openXLSX(t, b)
	if got, want := f.GetSheetList(), []string{"Summary", "Appraisal", "Details", "Service", "Charts"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if got := cellValue(t, f, "Summary", "A1"); got != "示例物业 Engineering 2026-10 monthly appraisal summary (provisional)" {
		t.Errorf("title %q", got)
	}
	if got, want := rowValues(t, f, "Summary", 4, 9), []string{"Department", "Headcount", "Average Final Score", "A Excellent", "B Good", "C", "D", "Total Deductions", "Total Additions"}; !reflect.DeepEqual(got, want) {
		t.Errorf("summary header %q", got)
	}
	if got := cellValue(t, f, "Appraisal", "M3"); got != "Bonus Deduction %" {
		t.Errorf("appraisal header M3 %q", got)
	}
	if got := cellValue(t, f, "Service", "A4"); got != "Department" {
		t.Errorf("service level %q", got)
	}
	if got := cellValue(t, f, "Details", "A1"); got != "示例物业 Engineering 2026-10 appraisal details (provisional)" {
		t.Errorf("details title %q", got)
	}
	if !strings.Contains(zipEntries(t, b)["xl/charts/chart1.xml"], "&#39;Summary&#39;!$D$7:$G$7") {
		t.Error("English chart does not reference the Summary sheet")
	}
}

func TestWriteAppraisalEmpty(t *testing.T) {
	// A month with nobody in it (a department just created) still gives a
	// workbook with every sheet and no chart over an empty range.
	b := appraisalBytes(t, AppraisalWorkbook{Month: "2026-10"})
	f := openXLSX(t, b)
	if got := f.GetSheetList(); len(got) != 4 {
		t.Fatalf("sheets %q", got)
	}
	if got := cellValue(t, f, "汇总", "A1"); got != "2026-10 月度考核汇总 (暂定)" {
		t.Errorf("title %q", got)
	}
	if _, ok := zipEntries(t, b)["xl/charts/chart1.xml"]; ok {
		t.Error("chart over an empty table")
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// absolute turns "A3:N7" into "$A$3:$N$7".
func absolute(ref string) string {
	from, to, _ := strings.Cut(ref, ":")
	abs := func(c string) string {
		i := strings.IndexAny(c, "0123456789")
		return "$" + c[:i] + "$" + c[i:]
	}
	return abs(from) + ":" + abs(to)
}
