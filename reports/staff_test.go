package reports

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestStaffImport(t *testing.T) {
	people := []StaffRow{
		{EmployeeNo: "000123", Name: "张三", DepartmentCode: "KF01", Role: "staff", EmploymentType: "regular", Phone: "13800138000", Active: ptr(true), Password: "Init#2026"},
		{EmployeeNo: "1002", Name: "李四", DepartmentCode: "GC", Role: "supervisor", EmploymentType: "dispatched", Phone: "0755-88886666", Active: ptr(false)},
		{EmployeeNo: "1003", Name: "王五", DepartmentCode: "HR"},
	}
	for _, lang := range []Lang{LangZH, LangEN} {
		t.Run("RoundTrip/"+string(lang), func(t *testing.T) {
			var buf bytes.Buffer
			must(t, WriteStaffTemplate(&buf, lang, people))
			f := openXLSX(t, buf.Bytes())
			sheet := f.GetSheetList()[0]
			wantHeader := []string{"工号", "姓名", "部门编码", "角色", "用工类型", "电话", "在职", "初始密码"}
			if lang == LangEN {
				wantHeader = []string{"Employee No", "Name", "Department Code", "Role", "Employment Type", "Phone", "Active", "Initial Password"}
			}
			if got := rowValues(t, f, sheet, 1, 8); !reflect.DeepEqual(got, wantHeader) {
				t.Errorf("header %q", got)
			}
			dvs, err := f.GetDataValidations(sheet)
			must(t, err)
			lists := map[string]string{}
			for _, dv := range dvs {
				lists[dv.Sqref] = dv.Formula1
			}
			// The lists offer the labels of the language, cover at least
			// 10,000 rows, and only warn; the department code refers to the
			// department sheet.
			wantLists := map[string]string{"D2:D10001": `"员工,主管,人事,管理员"`, "E2:E10001": `"正式,派遣"`, "G2:G10001": `"是,否"`, "C2:C10001": `'部门编码'!$A$2:$A$2`}
			if lang == LangEN {
				wantLists = map[string]string{"D2:D10001": `"staff,supervisor,hr,admin"`, "E2:E10001": `"regular,dispatched"`, "G2:G10001": `"yes,no"`, "C2:C10001": `'Departments'!$A$2:$A$2`}
			}
			for ref, w := range wantLists {
				if lists[ref] != w {
					t.Errorf("drop list %s = %s, want %s (all: %v)", ref, lists[ref], w, lists)
				}
			}
			for _, dv := range dvs {
				if dv.ErrorStyle == nil || *dv.ErrorStyle != "warning" {
					t.Errorf("drop list %s: error style %v, want warning", dv.Sqref, dv.ErrorStyle)
				}
				// Every label offered is one the importer takes.
				if items := strings.Trim(dv.Formula1, `"`); !strings.HasPrefix(dv.Formula1, "'") {
					for _, item := range strings.Split(items, ",") {
						ok := false
						for _, cs := range [][]choice{roleChoices, employmentChoices, activeChoices} {
							if _, valid := parseChoice(item, cs); valid {
								ok = true
							}
						}
						if !ok {
							t.Errorf("drop list %s offers %q, which the importer refuses", dv.Sqref, item)
						}
					}
				}
			}
			rows, err := ReadStaffImport(&buf, UploadLimits{})
			must(t, err)
			want := make([]StaffRow, len(people))
			for i, p := range people {
				p.Row = i + 2
				want[i] = p
			}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("got  %+v\nwant %+v", rows, want)
			}
		})
	}
	t.Run("LabelsAndProblems", func(t *testing.T) {
		b := sheetBook(t,
			[]any{"员工导入"},
			[]any{"工号", "姓名", "部门代码", "角色", "用工性质", "手机", "是否在职", "密码"},
			[]any{1001, "张三", "KF", "主管", "派遣", 13800138000.0, "是", 123456}, // 3 ok, labels
			[]any{"1002", "李四", "GC", "ADMIN", "正式", nil, "no"},             // 4 ok
			[]any{"1003", nil, nil, "boss", "contract", nil, "maybe"},       // 5 five problems
			[]any{nil, "赵六", "KF"},                           // 6 no employee number
			[]any{"1001", "张三", "KF"},                        // 7 duplicate of row 3
			[]any{"1004", "钱七", "KF", "", "", "", "0", "  "}, // 8 ok, blank password
		)
		rows, err := ReadStaffImport(bytes.NewReader(b), UploadLimits{})
		got := problemsOf(t, err)
		want := []Problem{
			{Row: 5, Column: "姓名", Message: "姓名不能为空"},
			{Row: 5, Column: "部门代码", Message: "部门代码不能为空"},
			{Row: 5, Column: "角色", Value: "boss", Message: "取值无效，应为：staff/员工、supervisor/主管、hr/人事、admin/管理员"},
			{Row: 5, Column: "用工性质", Value: "contract", Message: "取值无效，应为：regular/正式、dispatched/派遣"},
			{Row: 5, Column: "是否在职", Value: "maybe", Message: "取值无效，应为：是/yes、否/no"},
			{Row: 6, Column: "工号", Message: "工号不能为空"},
			{Row: 7, Column: "工号", Value: "1001", Message: "与第 3 行重复"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("problems:\n%s\nwant:\n%s", dumpProblems(got), dumpProblems(want))
		}
		wantRows := []StaffRow{
			{Row: 3, EmployeeNo: "1001", Name: "张三", DepartmentCode: "KF", Role: "supervisor", EmploymentType: "dispatched", Phone: "13800138000", Active: ptr(true), Password: "123456"},
			{Row: 4, EmployeeNo: "1002", Name: "李四", DepartmentCode: "GC", Role: "admin", EmploymentType: "regular", Active: ptr(false)},
			{Row: 8, EmployeeNo: "1004", Name: "钱七", DepartmentCode: "KF", Active: ptr(false)},
		}
		if !reflect.DeepEqual(rows, wantRows) {
			t.Errorf("rows:\n%+v\nwant:\n%+v", rows, wantRows)
		}
	})
	t.Run("ErrMissingColumns", func(t *testing.T) {
		_, err := ReadStaffImport(bytes.NewReader(sheetBook(t, []any{"Employee No", "Role"}, []any{"1", "hr"})), UploadLimits{})
		got := problemsOf(t, err)
		want := []Problem{
			{Row: 1, Column: "Name", Message: "缺少必需的列“Name”：在工作表“Sheet1”的第 1–2 行中未找到含“Name”的表头行"},
			{Row: 1, Column: "Department Code", Message: "缺少必需的列“Department Code”：在工作表“Sheet1”的第 1–2 行中未找到含“Department Code”的表头行"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}
