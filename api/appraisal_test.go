package api

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"firstask/scoring"
)

// appraisalFixture gives October 2026 uploaded bases, violations and praise
// in departments A, A1 and B.
func appraisalFixture(t *testing.T) *testEnv {
	e := newTestEnv(t)
	e.upload("hr", resultsPath, "bases.xlsx", xlsxOf(t, []any{"工号", "基础绩效分"}, []any{"staffA", 96}, []any{"staffB", 88.5})).want(http.StatusOK)
	e.verify("hr", e.report("supA", "staffA", "late_referral", "minor", shAt(2026, time.October, 12, 10)).ID)
	e.verify("hr", e.report("supA", "staffA", "rude_or_forbidden_phrase", "ordinary", shAt(2026, time.October, 13, 10)).ID)
	e.praise("supA", "staffA", "visitor_commendation", shAt(2026, time.October, 14, 7)) // 23:00 UTC on the 13th
	e.praise("supA", "staffA1", "supervisor_praise", shAt(2026, time.October, 14, 10))
	e.verify("hr", e.report("supB", "staffB", "buck_passing", "serious", shAt(2026, time.October, 9, 15)).ID)
	e.mkInquiry("staffA", map[string]any{"disposition": "referred",
		"referral": map[string]any{"to_department_id": e.depts["B"].ID, "to_staff_id": e.users["staffB"].ID, "note": "请联系"}})
	e.mkInquiry("staffA", nil)
	return e
}

// appraisalRows reads the 考核表 sheet's data rows (header in row 3).
func appraisalRows(t *testing.T, f *excelize.File, sheet string) map[string][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range rows[3:] {
		if len(r) > 1 && r[1] != "" {
			out[r[1]] = r
		}
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

func TestAppraisalWorkbook(t *testing.T) {
	e := appraisalFixture(t)
	oct := scoring.Month{Year: 2026, Mon: time.October}
	ms, err := e.store.MonthScores(context.Background(), e.storeActor("hr"), oct, 0)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		e.t = t
		res := e.as("hr", "GET", "/api/v1/periods/2026-10/appraisal.xlsx", nil).want(http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != xlsxMediaType {
			t.Fatalf("Content-Type %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="appraisal-2026-10.xlsx"`) {
			t.Fatalf("Content-Disposition %q", cd)
		}
		f := openBook(t, res.Body)
		if got := strings.Join(f.GetSheetList(), ","); got != "汇总,考核表,明细,服务指标,图表" {
			t.Fatalf("sheets %s", got)
		}
		if title, _ := f.GetCellValue("汇总", "A1"); !strings.Contains(title, "2026-10") || !strings.Contains(title, "暂定") {
			t.Fatalf("title %q", title)
		}
		rows := appraisalRows(t, f, "考核表")
		if len(rows) != len(ms.Results) {
			t.Fatalf("%d appraisal rows, want %d", len(rows), len(ms.Results))
		}
		for _, r := range ms.Results {
			row := rows[r.EmployeeNo]
			if row == nil {
				t.Fatalf("no row for %s", r.EmployeeNo)
			}
			if num(t, row[4]) != r.Base || num(t, row[6]) != r.Deductions || num(t, row[8]) != r.Additions ||
				num(t, row[9]) != r.Final || row[10] != string(r.Grade) || num(t, row[12]) != r.BonusDeductionPercent {
				t.Errorf("%s: row %q, want %+v", r.EmployeeNo, row, r.Result)
			}
		}
		// The worked example's person A: 96 − 2 − 10 + 3 = 87, B (verbal warning).
		if a := rows["staffA"]; num(t, a[9]) != 87 || a[10] != "B" || a[11] != "口头警告" {
			t.Fatalf("staffA %q", a)
		}
		panes, err := f.GetPanes("考核表")
		if err != nil || !panes.Freeze || panes.YSplit != 3 {
			t.Fatalf("appraisal panes %+v %v", panes, err)
		}
		details, _ := f.GetRows("明细")
		if got := len(details) - 3; got != len(ms.Records) {
			t.Fatalf("%d detail rows, want %d records", got, len(ms.Records))
		}
		// Dates are the organisation's, not UTC's.
		for i, rec := range ms.Records {
			if want := rec.OccurredAt.In(e.store.Location()).Format("2006-01-02"); details[3+i][0] != want {
				t.Fatalf("detail %d dated %q, want the local %s", i, details[3+i][0], want)
			}
		}
		summary, _ := f.GetRows("汇总", excelize.Options{RawCellValue: true})
		heads := 0
		for _, r := range summary[4:] {
			if len(r) > 1 && r[0] != "合计" && r[0] != "" {
				heads += int(num(t, r[1]))
			}
		}
		if heads != len(ms.Results) {
			t.Fatalf("summary headcount %d, want %d", heads, len(ms.Results))
		}
		service, _ := f.GetRows("服务指标", excelize.Options{RawCellValue: true})
		found := false
		for _, r := range service[3:] {
			if len(r) > 5 && r[0] == "部门" && r[1] == "部门A" {
				found = r[3] == "2" && r[4] == "1" && r[5] == "1"
			}
		}
		if !found {
			t.Fatalf("service sheet %q", service)
		}
		charts := 0
		zr, _ := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
		for _, zf := range zr.File {
			if strings.HasPrefix(zf.Name, "xl/charts/chart") {
				charts++
			}
		}
		if charts != 2 {
			t.Fatalf("%d chart parts, want 2", charts)
		}
	})

	t.Run("English", func(t *testing.T) {
		e.t = t
		f := openBook(t, e.as("admin", "GET", "/api/v1/periods/2026-10/appraisal.xlsx?lang=en", nil).want(http.StatusOK).Body)
		if got := strings.Join(f.GetSheetList(), ","); got != "Summary,Appraisal,Details,Service,Charts" {
			t.Fatalf("sheets %s", got)
		}
	})

	t.Run("SupervisorOnlyTheirDepartment", func(t *testing.T) {
		e.t = t
		f := openBook(t, e.as("supA", "GET", "/api/v1/periods/2026-10/appraisal.xlsx", nil).want(http.StatusOK).Body)
		rows := appraisalRows(t, f, "考核表")
		if len(rows) != 3 || rows["staffA"] == nil || rows["staffA1"] == nil || rows["supA"] == nil {
			t.Fatalf("supA sees %v", rows)
		}
		if title, _ := f.GetCellValue("汇总", "A1"); !strings.Contains(title, "部门A") {
			t.Fatalf("title %q", title)
		}
		e.as("supA", "GET", "/api/v1/periods/2026-10/appraisal.xlsx?department_id="+id(e.depts["B"].ID), nil).wantError(http.StatusNotFound, "not_found")
		f = openBook(t, e.as("hr", "GET", "/api/v1/periods/2026-10/appraisal.xlsx?department_id="+id(e.depts["B"].ID), nil).want(http.StatusOK).Body)
		if rows := appraisalRows(t, f, "考核表"); len(rows) != 2 {
			t.Fatalf("department B: %v", rows)
		}
	})

	t.Run("ClosedMonthShowsTheSnapshot", func(t *testing.T) {
		e.t = t
		e.moveClock(shAt(2026, time.November, 1, 9))
		e.as("hr", "POST", "/api/v1/periods/2026-10/close", nil).want(http.StatusOK)
		first := openBook(t, e.as("hr", "GET", "/api/v1/periods/2026-10/appraisal.xlsx", nil).want(http.StatusOK).Body)
		if title, _ := first.GetCellValue("汇总", "A1"); !strings.Contains(title, "已结账") {
			t.Fatalf("title %q", title)
		}
		// A late October violation counts in November; October's workbook stays.
		e.verify("hr", e.report("supA", "staffA1", "buck_passing", "ordinary", shAt(2026, time.October, 30, 10)).ID)
		e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"active": false}).want(http.StatusOK)
		again := openBook(t, e.as("hr", "GET", "/api/v1/periods/2026-10/appraisal.xlsx", nil).want(http.StatusOK).Body)
		a, b := appraisalRows(t, first, "考核表"), appraisalRows(t, again, "考核表")
		if len(a) != len(b) {
			t.Fatalf("rows %d then %d", len(a), len(b))
		}
		for no, r := range a {
			if strings.Join(r, "|") != strings.Join(b[no], "|") {
				t.Fatalf("%s changed: %q → %q", no, r, b[no])
			}
		}
	})
}

func TestPersonalSheet(t *testing.T) {
	e := appraisalFixture(t)
	cells := func(t *testing.T, body []byte) string {
		f := openBook(t, body)
		if got := f.GetSheetList(); len(got) != 1 || got[0] != "个人考核单" {
			t.Fatalf("sheets %v", got)
		}
		rows, _ := f.GetRows("个人考核单")
		var all []string
		for _, r := range rows {
			all = append(all, strings.Join(r, "|"))
		}
		return strings.Join(all, "\n")
	}
	body := e.as("hr", "GET", "/api/v1/staff/"+id(e.users["staffA"].ID)+"/appraisal/2026-10.xlsx", nil).want(http.StatusOK).Body
	text := cells(t, body)
	for _, want := range []string{"姓名staffA", "87", "口头警告", "员工签字", "主管签字", "未及时移交"} {
		if !strings.Contains(text, want) {
			t.Errorf("personal sheet lacks %q:\n%s", want, text)
		}
	}
	e.as("supA", "GET", "/api/v1/staff/"+id(e.users["staffA1"].ID)+"/appraisal/2026-10.xlsx", nil).want(http.StatusOK)
	e.as("supA", "GET", "/api/v1/staff/"+id(e.users["staffB"].ID)+"/appraisal/2026-10.xlsx", nil).wantError(http.StatusNotFound, "not_found")
	e.as("staffA", "GET", "/api/v1/staff/"+id(e.users["staffA"].ID)+"/appraisal/2026-10.xlsx", nil).wantError(http.StatusForbidden, "forbidden")
	mine := cells(t, e.as("staffA", "GET", "/api/v1/me/appraisal/2026-10.xlsx?lang=zh", nil).want(http.StatusOK).Body)
	if !strings.Contains(mine, "姓名staffA") {
		t.Fatalf("own sheet:\n%s", mine)
	}
	e.as("staffA", "GET", "/api/v1/me/appraisal/2026-13.xlsx", nil).wantError(http.StatusNotFound, "not_found")
	// A month that has not begun is no sheet at all, for anyone.
	e.as("staffA", "GET", "/api/v1/me/appraisal/2031-01.xlsx", nil).wantError(http.StatusNotFound, "not_found")
	e.as("hr", "GET", "/api/v1/staff/"+id(e.users["staffA"].ID)+"/appraisal/2031-01.xlsx", nil).wantError(http.StatusNotFound, "not_found")
}

// TestPersonalSheetRemarks reads 备注 of the personal sheet and 事由 of 明细
// back: each line's description or praise reason, its state, and the month
// a carried-over line came from.
func TestPersonalSheetRemarks(t *testing.T) {
	e := appraisalFixture(t)
	f := openBook(t, e.as("hr", "GET", "/api/v1/staff/"+id(e.users["staffA"].ID)+"/appraisal/2026-10.xlsx", nil).want(http.StatusOK).Body)
	rows, err := f.GetRows("个人考核单")
	if err != nil {
		t.Fatal(err)
	}
	remarks := map[string]string{} // 事项 → 备注
	for _, r := range rows {
		if len(r) >= 4 && strings.HasPrefix(r[0], "2026-10-") {
			remarks[r[1]] = r[len(r)-1]
		}
	}
	want := map[string]string{
		"未及时移交": "late_referral at the front desk\n已查实",
		"态度恶劣":  "rude_or_forbidden_phrase at the front desk\n已查实",
		"群众表扬":  "helped a visitor find the right window\n已记录",
	}
	if len(remarks) != 3 {
		t.Fatalf("want 3 record lines, got %q (rows %q)", remarks, rows)
	}
	for desc, remark := range remarks {
		found := false
		for k, w := range want {
			if strings.Contains(desc, k) {
				found = true
				if remark != w {
					t.Errorf("%s: 备注 %q, want %q", desc, remark, w)
				}
			}
		}
		if !found {
			t.Errorf("unexpected line %q", desc)
		}
	}
	// 明细 carries the same text in 事由.
	book := openBook(t, e.as("hr", "GET", "/api/v1/periods/2026-10/appraisal.xlsx", nil).want(http.StatusOK).Body)
	details, err := book.GetRows("明细")
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	reasons := map[string]bool{}
	for _, r := range details {
		for j, c := range r {
			if c == "事由" {
				col = j
			}
		}
		if col >= 0 && len(r) > col && r[col] != "事由" {
			reasons[r[col]] = true
		}
	}
	for _, w := range []string{"late_referral at the front desk", "buck_passing at the front desk", "helped a visitor find the right window"} {
		if !reasons[w] {
			t.Errorf("明细 事由 lacks %q: %v", w, reasons)
		}
	}
}

// TestNotAppraisedLeftOut: HR sets appraised=false on a person (PATCH, or
// the import column); they leave the template, the scores, the headcount
// and the workbook, and an upload naming them is refused.
func TestNotAppraisedLeftOut(t *testing.T) {
	e := appraisalFixture(t)
	a1 := id(e.users["staffA1"].ID)
	var st struct {
		Appraised bool `json:"appraised"`
	}
	e.as("hr", "PATCH", "/api/v1/staff/"+a1, map[string]any{"appraised": false}).want(http.StatusOK).decode(&st)
	if st.Appraised {
		t.Fatal("PATCH did not clear appraised")
	}
	e.as("supA", "PATCH", "/api/v1/staff/"+a1, map[string]any{"appraised": true}).wantError(http.StatusForbidden, "forbidden")

	tpl := openBook(t, e.as("hr", "GET", "/api/v1/periods/2026-10/results-template.xlsx", nil).want(http.StatusOK).Body)
	rows, _ := tpl.GetRows(tpl.GetSheetList()[0])
	for _, r := range rows {
		if len(r) > 0 && r[0] == "staffA1" {
			t.Fatalf("template lists %s", r[0])
		}
	}
	var scores struct {
		Items []struct {
			EmployeeNo string `json:"employee_no"`
		} `json:"items"`
		Total int `json:"total"`
	}
	e.as("hr", "GET", "/api/v1/periods/2026-10/scores?page_size=100", nil).want(http.StatusOK).decode(&scores)
	for _, it := range scores.Items {
		if it.EmployeeNo == "staffA1" {
			t.Fatal("scores list staffA1")
		}
	}
	book := openBook(t, e.as("hr", "GET", "/api/v1/periods/2026-10/appraisal.xlsx", nil).want(http.StatusOK).Body)
	if _, ok := appraisalRows(t, book, "考核表")["staffA1"]; ok {
		t.Fatal("考核表 lists staffA1")
	}
	e.upload("hr", resultsPath, "a.xlsx", xlsxOf(t, []any{"工号", "基础绩效分"}, []any{"staffA1", 90})).wantError(http.StatusUnprocessableEntity, "invalid")

	// The import column sets it back.
	imp := xlsxOf(t, []any{"工号", "姓名", "部门编码", "参加考核"}, []any{"staffA1", "姓名staffA1", e.depts["A1"].Code, "是"})
	e.upload("hr", "/api/v1/staff/import", "staff.xlsx", imp).want(http.StatusOK)
	e.as("hr", "GET", "/api/v1/staff/"+a1, nil).want(http.StatusOK).decode(&st)
	if !st.Appraised {
		t.Fatal("the import did not set appraised")
	}
}

// TestAppraisalDetailsInquiryRef: a violation and a praise that name an
// inquiry show its ref in 明细's 首问编号 (an open month's refs come with the
// notes, read as the rows are written), and a record without one shows none.
func TestAppraisalDetailsInquiryRef(t *testing.T) {
	e := appraisalFixture(t)
	inq := e.mkInquiry("staffA", nil)
	var v violationBody
	e.as("supA", "POST", "/api/v1/violations", map[string]any{
		"staff_id": e.users["staffA"].ID, "type": "late_referral", "severity": "minor", "inquiry_id": inq.ID,
		"occurred_at": shAt(2026, time.October, 14, 11).Format(time.RFC3339), "description": "named inquiry",
	}).want(http.StatusCreated).decode(&v)
	e.verify("hr", v.ID)
	e.as("hr", "POST", "/api/v1/praises", map[string]any{"staff_id": e.users["staffB"].ID, "kind": "visitor_commendation",
		"inquiry_id": inq.ID, "occurred_at": shAt(2026, time.October, 14, 12).Format(time.RFC3339), "reason": "praised for it"}).
		want(http.StatusCreated)
	book := openBook(t, e.as("hr", "GET", "/api/v1/periods/2026-10/appraisal.xlsx", nil).want(http.StatusOK).Body)
	rows, err := book.GetRows("明细")
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]string{} // 事由 → 首问编号
	for _, r := range rows[3:] {
		if len(r) == 13 {
			refs[r[12]] = r[9]
		}
	}
	if refs["named inquiry"] != inq.Ref || refs["praised for it"] != inq.Ref || inq.Ref == "" {
		t.Errorf("refs by reason %v, want %q for both records naming the inquiry", refs, inq.Ref)
	}
	if got, ok := refs["buck_passing at the front desk"]; !ok || got != "" {
		t.Errorf("a record naming no inquiry: ref %q (present %v), want empty", got, ok)
	}
}
