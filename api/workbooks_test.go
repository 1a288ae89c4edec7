package api

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"firstask/models"
)

const resultsPath = "/api/v1/periods/2026-10/results"

func TestResultsTemplate(t *testing.T) {
	e := newTestEnv(t)

	t.Run("OK", func(t *testing.T) {
		e.t = t
		res := e.as("hr", "GET", "/api/v1/periods/2026-10/results-template.xlsx", nil).want(http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != xlsxMediaType {
			t.Fatalf("Content-Type %q", ct)
		}
		cd := res.Header.Get("Content-Disposition")
		if !strings.HasPrefix(cd, `attachment; filename="results-2026-10.xlsx"; filename*=UTF-8''`) ||
			!strings.Contains(cd, "%E6%9C%88%E5%BA%A6%E8%80%83%E6%A0%B8%E7%BB%93%E6%9E%9C-2026-10.xlsx") { // 月度考核结果
			t.Fatalf("Content-Disposition %q", cd)
		}
		f := openBook(t, res.Body)
		sheet := f.GetSheetList()[0]
		if sheet != "考核结果 2026-10" {
			t.Fatalf("sheet %q", sheet)
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rows[0], ","); got != "工号,姓名,部门,基础绩效分,备注" {
			t.Fatalf("header %q", got)
		}
		// Every active fixture user, ordered by department code then number.
		if len(rows) != 1+len(e.users) {
			t.Fatalf("%d rows, want %d staff", len(rows)-1, len(e.users))
		}
		found := false
		for _, r := range rows[1:] {
			if r[0] == "staffA" {
				found = r[1] == "姓名staffA" && r[2] == "部门A"
			}
		}
		if !found {
			t.Fatalf("no row for staffA: %v", rows)
		}
		dvs, err := f.GetDataValidations(sheet)
		if err != nil || len(dvs) != 1 || !strings.HasPrefix(dvs[0].Sqref, "D2:D") || dvs[0].Type != "decimal" {
			t.Fatalf("score validation %+v %v", dvs, err)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Fatalf("panes %+v %v", panes, err)
		}
	})

	t.Run("EnglishAndPrefilled", func(t *testing.T) {
		e.t = t
		e.upload("hr", resultsPath, "r.xlsx", xlsxOf(t, []any{"工号", "基础绩效分", "备注"}, []any{"staffB", 87.5, "ok"})).want(http.StatusOK)
		res := e.as("hr", "GET", "/api/v1/periods/2026-10/results-template.xlsx?lang=en&department_id="+id(e.depts["B"].ID), nil).want(http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''results-2026-10.xlsx") {
			t.Fatalf("Content-Disposition %q", cd)
		}
		f := openBook(t, res.Body)
		rows, _ := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
		if strings.Join(rows[0], ",") != "Employee No,Name,Department,Base Score,Note" || len(rows) != 3 {
			t.Fatalf("rows %q", rows)
		}
		for _, r := range rows[1:] {
			if r[0] == "staffB" && (r[3] != "87.5" || r[4] != "ok") {
				t.Fatalf("staffB not prefilled: %q", r)
			}
		}
	})

	t.Run("SupervisorScope", func(t *testing.T) {
		e.t = t
		f := openBook(t, e.as("supA", "GET", "/api/v1/periods/2026-10/results-template.xlsx", nil).want(http.StatusOK).Body)
		rows, _ := f.GetRows(f.GetSheetList()[0])
		var nos []string
		for _, r := range rows[1:] {
			nos = append(nos, r[0])
		}
		if strings.Join(nos, ",") != "staffA,supA,staffA1" {
			t.Fatalf("supervisor of A sees %v", nos)
		}
		e.as("supA", "GET", "/api/v1/periods/2026-10/results-template.xlsx?department_id="+id(e.depts["B"].ID), nil).wantError(http.StatusNotFound, "not_found")
		e.as("hr", "GET", "/api/v1/periods/2026-13/results-template.xlsx", nil).wantError(http.StatusNotFound, "not_found")
	})
}

// fillTemplate downloads the template, gives everyone a score (and one a
// note) with excelize, as HR would in Excel, and returns the bytes.
func fillTemplate(t *testing.T, e *testEnv, score func(row int) float64) []byte {
	t.Helper()
	f := openBook(t, e.as("hr", "GET", "/api/v1/periods/2026-10/results-template.xlsx", nil).want(http.StatusOK).Body)
	sheet := f.GetSheetList()[0]
	rows, _ := f.GetRows(sheet)
	for i := 2; i <= len(rows); i++ {
		ref, _ := excelize.CoordinatesToCellName(4, i)
		if err := f.SetCellValue(sheet, ref, score(i)); err != nil {
			t.Fatal(err)
		}
	}
	f.SetCellValue(sheet, "E2", "优秀窗口")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestResultsUpload(t *testing.T) {
	e := newTestEnv(t)

	t.Run("OK", func(t *testing.T) {
		e.t = t
		data := fillTemplate(t, e, func(row int) float64 { return 80 + float64(row) + 0.25 })
		var sum models.UploadSummary
		e.upload("hr", resultsPath, "十月.xlsx", data).want(http.StatusOK).decode(&sum)
		if sum.Rows != len(e.users) || sum.ReplacedUploadID != nil || sum.Month != "2026-10" {
			t.Fatalf("summary %+v", sum)
		}
		rows, err := e.store.BaseResultsOf(context.Background(), e.hrActor(), sum.UploadID)
		if err != nil || len(rows) != len(e.users) {
			t.Fatalf("base results %+v %v", rows, err)
		}
		for _, r := range rows {
			if r.Score != 80+float64(r.RowNo)+0.25 {
				t.Fatalf("row %d score %v", r.RowNo, r.Score)
			}
		}
		if rows[0].Note != "优秀窗口" {
			t.Fatalf("note %q", rows[0].Note)
		}
		ups := e.uploadsOf("2026-10")
		if len(ups) != 1 || ups[0].Filename != "十月.xlsx" || !ups[0].Current || ups[0].UploadedByName != "姓名hr" {
			t.Fatalf("history %+v", ups)
		}
		if n := e.auditCount("result_upload", sum.UploadID); n != 1 {
			t.Fatalf("audit entries %d", n)
		}
	})

	t.Run("ReuploadReplacesKeepingHistory", func(t *testing.T) {
		e.t = t
		var sum models.UploadSummary
		e.upload("admin", resultsPath, "again.xlsx", xlsxOf(t, []any{"Employee No", "Base Score"}, []any{"staffA", 99})).
			want(http.StatusOK).decode(&sum)
		if sum.Rows != 1 || sum.ReplacedUploadID == nil || sum.ReplacedRows != len(e.users) {
			t.Fatalf("summary %+v", sum)
		}
		var page List[models.ResultUploadView]
		e.as("hr", "GET", resultsPath+"/uploads", nil).want(http.StatusOK).decode(&page)
		if page.Total != 2 || !page.Items[0].Current || page.Items[1].Current || page.Items[1].SupersededAt == nil ||
			*page.Items[0].ReplacedUploadID != page.Items[1].ID {
			t.Fatalf("history %+v", page)
		}
		old, _ := e.store.BaseResultsOf(context.Background(), e.hrActor(), page.Items[1].ID)
		if len(old) != len(e.users) {
			t.Fatalf("the replaced upload lost its rows: %d", len(old))
		}
	})

	t.Run("LibreOfficeFile", func(t *testing.T) {
		e.t = t
		for _, p := range [][2]string{{"1001", "张三"}, {"1002", "李四"}, {"1003", "王五"}, {"A-7", "赵六"}} {
			if _, err := e.store.CreateStaff(context.Background(), models.System("t"), models.StaffInput{
				EmployeeNo: ptr(p[0]), Name: ptr(p[1]), DepartmentID: ptr(e.depts["B"].ID)}); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile("../reports/testdata/results-libreoffice.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		var sum models.UploadSummary
		e.upload("hr", "/api/v1/periods/2026-11/results", "results-libreoffice.xlsx", data).want(http.StatusOK).decode(&sum)
		rows, _ := e.store.BaseResultsOf(context.Background(), e.hrActor(), sum.UploadID)
		if sum.Rows != 4 || len(rows) != 4 || rows[3].Score != 79.25 || rows[3].Note != "试用期" || rows[3].RowNo != 6 {
			t.Fatalf("summary %+v rows %+v", sum, rows)
		}
	})
}

// TestResultsUploadRefusals sends one bad file per case and checks the
// status, the problems and that nothing at all was written.
func TestResultsUploadRefusals(t *testing.T) {
	e := newTestEnv(t)
	inactive := e.addStaff("gone", "B", models.RoleStaff)
	if _, err := e.store.UpdateStaff(context.Background(), models.System("t"), inactive.ID, models.StaffInput{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	e.closeMonth("2026-09")
	hdr := []any{"工号", "姓名", "部门", "基础绩效分", "备注"}
	type problem struct {
		Row     int
		Column  string
		Value   any
		Message string
	}
	cases := []struct {
		name     string
		path     string
		data     []byte
		status   int
		code     string
		problems []problem // row, column and a piece of the message
	}{
		{"UnknownEmployee", "", xlsxOf(t, hdr, []any{"9999", "无名", "", 90}), 422, "invalid",
			[]problem{{Row: 2, Column: "工号", Message: "工号 9999 不存在"}}},
		{"NameMismatch", "", xlsxOf(t, hdr, []any{"staffA", "张三", "", 90}), 422, "invalid",
			[]problem{{Row: 2, Column: "姓名", Message: "姓名staffA"}}},
		{"Duplicate", "", xlsxOf(t, hdr, []any{"staffA", "", "", 90}, []any{"staffA", "", "", 91}), 422, "invalid",
			[]problem{{Row: 3, Column: "工号", Message: "第 2 行"}}},
		{"MissingScore", "", xlsxOf(t, hdr, []any{"staffA", "", "", nil}), 422, "invalid",
			[]problem{{Row: 2, Column: "基础绩效分"}}},
		{"NonNumericScore", "", xlsxOf(t, hdr, []any{"staffA", "", "", "九十"}), 422, "invalid",
			[]problem{{Row: 2, Column: "基础绩效分", Message: "数字"}}},
		{"OutOfRange", "", xlsxOf(t, hdr, []any{"staffA", "", "", 100.5}), 422, "invalid",
			[]problem{{Row: 2, Column: "基础绩效分", Message: "100"}}},
		{"InactiveStaff", "", xlsxOf(t, hdr, []any{"gone", "", "", 90}), 422, "invalid",
			[]problem{{Row: 2, Column: "工号", Message: "不在职"}}},
		{"EveryProblemAtOnce", "", xlsxOf(t, hdr, []any{"staffA", "", "", "x"}, []any{"9999", "", "", 90}, []any{"staffB", "李四", "", 90}), 422, "invalid",
			[]problem{{Row: 2, Column: "基础绩效分"}, {Row: 3, Column: "工号"}, {Row: 4, Column: "姓名"}}},
		{"MissingColumn", "", xlsxOf(t, []any{"工号", "姓名"}, []any{"staffA", "姓名staffA"}), 422, "invalid",
			[]problem{{Row: 1, Column: "基础绩效分"}}},
		{"NoRows", "", xlsxOf(t, hdr), 422, "invalid", []problem{{Row: 1}}},
		{"ClosedMonth", "/api/v1/periods/2026-09/results", xlsxOf(t, hdr, []any{"staffA", "", "", 90}), 409, "conflict", nil},
		{"ClosedMonthWithBadRows", "/api/v1/periods/2026-09/results", xlsxOf(t, hdr, []any{"staffA", "", "", "x"}), 409, "conflict", nil},
		{"NotXLSX", "", []byte("工号,姓名,基础绩效分\nstaffA,姓名staffA,90\n"), 415, "unsupported_media", nil},
		{"OldXLS", "", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), 415, "unsupported_media", nil},
		{"OtherZip", "", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), 415, "unsupported_media", nil},
		{"DamagedXLSX", "", xlsxOf(t, hdr, []any{"staffA", "", "", 90})[:600], 422, "invalid", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			path := resultsPath
			if c.path != "" {
				path = c.path
			}
			audits := e.auditCount("", 0)
			res := e.upload("hr", path, c.name+".xlsx", c.data)
			d := res.wantError(c.status, c.code)
			if len(d.Details) < len(c.problems) {
				t.Fatalf("problems %+v, want %+v", d.Details, c.problems)
			}
			for i, want := range c.problems {
				var got problem
				if err := json.Unmarshal(mustJSON(t, d.Details[i]), &got); err != nil {
					t.Fatal(err)
				}
				if got.Row != want.Row || (want.Column != "" && got.Column != want.Column) || !strings.Contains(got.Message, want.Message) || got.Message == "" {
					t.Errorf("problem %d = %+v, want %+v", i, got, want)
				}
			}
			if n := e.auditCount("", 0); n != audits {
				t.Fatalf("audit grew %d → %d", audits, n)
			}
			if ups := e.uploadsOf("2026-10"); len(ups) != 0 {
				t.Fatalf("a refused file was taken: %+v", ups)
			}
			if ups := e.uploadsOf("2026-09"); len(ups) != 0 {
				t.Fatalf("a closed month took a file: %+v", ups)
			}
		})
	}

	t.Run("EnglishProblems", func(t *testing.T) {
		e.t = t
		d := e.upload("hr", resultsPath+"?lang=en", "x.xlsx", xlsxOf(t, []any{"Employee No", "Base Score"}, []any{"9999", 90})).
			wantError(http.StatusUnprocessableEntity, "invalid")
		if ps := detailProblems(t, d); len(ps) != 1 || ps[0] != (uploadProblem{2, "Employee No", "9999", "no staff member has employee number 9999"}) {
			t.Fatalf("details %+v", ps)
		}
	})

	t.Run("ErrNotMultipart", func(t *testing.T) {
		e.t = t
		req := httptest.NewRequest("POST", resultsPath, bytes.NewReader(xlsxOf(t, hdr)))
		req.Header.Set("Content-Type", xlsxMediaType)
		e.send(req, e.tokens["hr"], nil).wantError(http.StatusUnsupportedMediaType, "unsupported_media")
		body, ct := multipartBody(t, "x.xlsx", xlsxOf(t, hdr, []any{"staffA", "", "", 90}))
		body = bytes.Replace(body, []byte(`name="file"`), []byte(`name="other"`), 1)
		req = httptest.NewRequest("POST", resultsPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		e.send(req, e.tokens["hr"], body).wantError(http.StatusUnprocessableEntity, "invalid")
	})

	t.Run("ErrTooLarge", func(t *testing.T) {
		e.t = t
		big := make([]byte, e.srv.opts.MaxUploadBytes+1)
		copy(big, "PK\x03\x04")
		e.upload("hr", resultsPath, "big.xlsx", big).wantError(http.StatusRequestEntityTooLarge, "too_large")
		// Without a Content-Length the limit bites while reading.
		body, ct := multipartBody(t, "big.xlsx", big)
		req := httptest.NewRequest("POST", resultsPath, io.MultiReader(bytes.NewReader(body)))
		req.ContentLength = -1
		req.Header.Set("Content-Type", ct)
		e.send(req, e.tokens["hr"], nil).wantError(http.StatusRequestEntityTooLarge, "too_large")
	})

	t.Run("ZipBombRefusedFast", func(t *testing.T) {
		e.t = t
		bomb := zipBomb(t, 120<<20)
		// Refused from the zip directory, before anything is inflated: the
		// request allocates a small fraction of the 120 MiB it would cost
		// to decompress (a count of bytes, not a timing).
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		e.upload("hr", resultsPath, "bomb.xlsx", bomb).wantError(http.StatusRequestEntityTooLarge, "too_large")
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
			t.Fatalf("refusing the zip bomb allocated %d MiB", alloc>>20)
		}
	})

	t.Run("Metrics", func(t *testing.T) {
		e.t = t
		body := string(e.do("GET", "/metrics", "", nil).want(http.StatusOK).Body)
		if !strings.Contains(body, `firstask_uploads_total{kind="results",outcome="rejected"}`) ||
			strings.Contains(body, `firstask_uploads_total{kind="results",outcome="rejected"} 0`) {
			t.Fatalf("rejected uploads not counted")
		}
	})
}

// uploadProblem is one problem of a refused upload as the API shows it.
type uploadProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

func detailProblems(t testing.TB, d ErrorDetail) []uploadProblem {
	t.Helper()
	var out []uploadProblem
	if err := json.Unmarshal(mustJSON(t, d.Details), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// zipOf builds a zip from names and contents.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipBomb is a small .xlsx-shaped zip whose worksheet inflates to size
// bytes of zeros.
func zipBomb(t testing.TB, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		io.WriteString(w, "<x/>")
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	zero := make([]byte, 1<<20)
	for written := 0; written < size; written += len(zero) {
		w.Write(zero)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestStaffImport(t *testing.T) {
	e := newTestEnv(t)

	t.Run("TemplateRoundTrip", func(t *testing.T) {
		e.t = t
		res := e.as("hr", "GET", "/api/v1/staff/import-template.xlsx", nil).want(http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="staff-import.xlsx"`) {
			t.Fatalf("Content-Disposition %q", cd)
		}
		f := openBook(t, res.Body)
		sheet := f.GetSheetList()[0]
		rows, _ := f.GetRows(sheet)
		if strings.Join(rows[0], ",") != "工号,姓名,部门编码,角色,用工类型,电话,在职,初始密码,参加考核" {
			t.Fatalf("header %q", rows[0])
		}
		// The second sheet lists the departments' codes and names.
		if sheets := f.GetSheetList(); len(sheets) != 2 || sheets[1] != "部门编码" {
			t.Fatalf("sheets %q", sheets)
		}
		if depts, _ := f.GetRows("部门编码"); len(depts) < 3 || depts[0][0] != "部门编码" || depts[1][0] == "" || depts[1][1] == "" {
			t.Fatalf("department list %q", depts)
		}
		for i, r := range [][]any{
			{"N001", "新员工", "A", "员工", "派遣", "13800138000", "是", "initial-pass-1"},
			{"N002", "新主管", "B", "supervisor", "", "", "", ""},
			{"staffA", "姓名staffA", "A1", "", "", "010-12345678", "", ""}, // moves to A1
		} {
			ref, _ := excelize.CoordinatesToCellName(1, i+2)
			f.SetSheetRow(sheet, ref, &r)
		}
		var buf bytes.Buffer
		f.Write(&buf)
		var sum models.StaffImportSummary
		e.upload("hr", "/api/v1/staff/import", "staff.xlsx", buf.Bytes()).want(http.StatusOK).decode(&sum)
		if sum.Created != 2 || sum.Updated != 1 || len(sum.InitialPasswords) != 1 || sum.InitialPasswords[0].EmployeeNo != "N002" {
			t.Fatalf("summary %+v", sum)
		}
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "N001", "password": "initial-pass-1"}).want(http.StatusOK)
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "N002", "password": sum.InitialPasswords[0].Password}).want(http.StatusOK)
		var st models.Staff
		e.as("hr", "GET", "/api/v1/staff/"+id(e.users["staffA"].ID), nil).want(http.StatusOK).decode(&st)
		if st.DepartmentID != e.depts["A1"].ID || st.Phone != "010-12345678" {
			t.Fatalf("updated %+v", st)
		}
	})

	t.Run("ErrProblemsAndNothingWritten", func(t *testing.T) {
		e.t = t
		audits := e.auditCount("", 0)
		d := e.upload("hr", "/api/v1/staff/import", "bad.xlsx", xlsxOf(t,
			[]any{"工号", "姓名", "部门编码", "角色"},
			[]any{"N100", "甲", "ZZ", ""},     // unknown department (store)
			[]any{"N101", "乙", "A", "boss"},  // bad role (parser)
			[]any{"N102", "丙", "A", "admin"}, // HR may not grant admin (store)
		)).wantError(http.StatusUnprocessableEntity, "invalid")
		ps := detailProblems(t, d)
		if len(ps) != 3 || ps[0] != (uploadProblem{2, "部门编码", "ZZ", "部门编码 ZZ 不存在"}) ||
			ps[1].Row != 3 || ps[1].Column != "角色" || ps[2].Row != 4 || ps[2].Column != "角色" || !strings.Contains(ps[2].Message, "管理员") {
			t.Errorf("details %+v", ps)
		}
		if n := e.auditCount("", 0); n != audits {
			t.Fatalf("audit grew %d → %d", audits, n)
		}
		e.as("hr", "GET", "/api/v1/staff?q=N10", nil).want(http.StatusOK)
		var l List[models.Staff]
		e.as("hr", "GET", "/api/v1/staff?q=N10", nil).decode(&l)
		if l.Total != 0 {
			t.Fatalf("a refused import created %+v", l.Items)
		}
	})

	t.Run("AdminGrantsHR", func(t *testing.T) {
		e.t = t
		var sum models.StaffImportSummary
		e.upload("admin", "/api/v1/staff/import", "hr.xlsx", xlsxOf(t, []any{"Employee No", "Name", "Department Code", "Role"}, []any{"N200", "新人事", "HQ", "hr"})).
			want(http.StatusOK).decode(&sum)
		if sum.Created != 1 {
			t.Fatalf("summary %+v", sum)
		}
	})
}

// TestUploadLeavesNoTempFiles uploads a workbook whose sheet is large
// enough uncompressed (mostly white space) for excelize to unpack it to a
// temporary file, once taken and once refused, and checks that no file is
// left behind.
func TestUploadLeavesNoTempFiles(t *testing.T) {
	e := newTestEnv(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, c := range []struct {
		no     string
		status int
	}{{"staffA", http.StatusOK}, {"nobody", http.StatusUnprocessableEntity}} {
		data := paddedSheet(t, xlsxOf(t, []any{"工号", "基础绩效分"}, []any{c.no, 90}), 20<<20)
		if len(data) > int(e.srv.opts.MaxUploadBytes) {
			t.Fatalf("the padded workbook is %d bytes", len(data))
		}
		e.upload("hr", resultsPath, "padded.xlsx", data).want(c.status)
		left, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 0 {
			t.Fatalf("temporary files left behind: %v", left)
		}
	}
}

// paddedSheet rewrites the first worksheet of a workbook with pad bytes of
// white space before </sheetData>: the same cells, a large sheet part.
func paddedSheet(t testing.TB, book []byte, pad int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(r)
		r.Close()
		if f.Name == "xl/worksheets/sheet1.xml" {
			content = bytes.Replace(content, []byte("</sheetData>"), append(bytes.Repeat([]byte(" "), pad), "</sheetData>"...), 1)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestResultsUploadMonthAndWarnings: last month's file is refused unless
// allow_other_month=true; a percent-looking score is taken with a warning.
func TestResultsUploadMonthAndWarnings(t *testing.T) {
	e := newTestEnv(t)
	last := xlsxOf(t, []any{"2026年9月 月度考核结果"}, []any{"工号", "基础绩效分"}, []any{"staffA", 0.95}, []any{"staffB", 90}, []any{"staffA1", 85})
	r := e.upload("hr", resultsPath, "sept.xlsx", last).wantError(http.StatusUnprocessableEntity, "invalid")
	if !strings.Contains(fmt.Sprint(r.Details), "文件属于 2026-09") {
		t.Fatalf("refusal %+v", r)
	}
	e.upload("hr", resultsPath+"?allow_other_month=maybe", "sept.xlsx", last).wantError(http.StatusUnprocessableEntity, "invalid")
	var sum struct {
		Rows     int `json:"rows"`
		Warnings []struct {
			Row     int    `json:"row"`
			Value   string `json:"value"`
			Message string `json:"message"`
		} `json:"warnings"`
	}
	e.upload("hr", resultsPath+"?allow_other_month=true&lang=en", "sept.xlsx", last).want(http.StatusOK).decode(&sum)
	if sum.Rows != 3 || len(sum.Warnings) != 1 || sum.Warnings[0].Row != 3 || sum.Warnings[0].Value != "0.95" || !strings.Contains(sum.Warnings[0].Message, "percent") {
		t.Fatalf("answer %+v", sum)
	}
}

// TestUploadMessagesFollowLang: every refusal of an upload a person reads
// (415, 413, 409, 403 and the top-level 422 message) is Chinese by default
// and English with lang=en.
func TestUploadMessagesFollowLang(t *testing.T) {
	e := newTestEnv(t)
	good := xlsxOf(t, []any{"工号", "基础绩效分"}, []any{"staffA", 90})
	big := make([]byte, e.srv.opts.MaxUploadBytes+1)
	copy(big, "PK\x03\x04")
	cases := []struct {
		name   string
		send   func(lang string) *response
		status int
		code   string
		zh, en string
	}{
		{"415", func(l string) *response {
			return e.upload("hr", resultsPath+l, "a.csv", []byte("工号,基础绩效分\nstaffA,90\n"))
		},
			http.StatusUnsupportedMediaType, "unsupported_media", "不是 .xlsx", "not an .xlsx"},
		{"413", func(l string) *response { return e.upload("hr", resultsPath+l, "big.xlsx", big) },
			http.StatusRequestEntityTooLarge, "too_large", "文件过大", "larger than"},
		{"403", func(l string) *response { return e.upload("staffA", resultsPath+l, "a.xlsx", good) },
			http.StatusForbidden, "forbidden", "只有人事和管理员", "role"},
		{"422", func(l string) *response {
			return e.upload("hr", resultsPath+l, "a.xlsx", xlsxOf(t, []any{"工号", "基础绩效分"}, []any{"staffA", "abc"}))
		}, http.StatusUnprocessableEntity, "invalid", "全部未被接收", "nothing was taken"},
		{"409", func(l string) *response { return e.upload("hr", "/api/v1/periods/2026-08/results"+l, "a.xlsx", good) },
			http.StatusConflict, "conflict", "已结账", "closed"},
	}
	e.closeMonth("2026-08")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			zh := tc.send("").wantError(tc.status, tc.code)
			if !strings.Contains(zh.Message, tc.zh) || !hasHan(zh.Message) {
				t.Errorf("Chinese message %q lacks %q", zh.Message, tc.zh)
			}
			en := tc.send("?lang=en").wantError(tc.status, tc.code)
			if !strings.Contains(en.Message, tc.en) || hasHan(en.Message) {
				t.Errorf("English message %q lacks %q", en.Message, tc.en)
			}
		})
	}
}
