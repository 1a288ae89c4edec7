package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// StaffRow is one person of a staff import (or of the template, prefilled).
// Role and EmploymentType are codes ("staff", "supervisor", "hr", "admin";
// "regular", "dispatched") or empty when the cell is empty, so the caller's
// defaults apply; Active is nil when the cell is empty. Password is taken
// verbatim (not trimmed): an empty one means "let the caller decide".
type StaffRow struct {
	Row            int
	EmployeeNo     string
	Name           string
	DepartmentCode string
	Role           string
	EmploymentType string
	Phone          string
	Active         *bool
	Password       string
	// Appraised is nil when the cell (参加考核) is empty.
	Appraised *bool
}

// Field keys of the staff import.
const (
	keyDeptCode   = "department_code"
	keyRole       = "role"
	keyEmployment = "employment_type"
	keyPhone      = "phone"
	keyActive     = "active"
	keyPassword   = "password"
	keyAppraised  = "appraised"
)

var staffFields = []field{
	{key: keyEmployeeNo, zh: "工号", en: "Employee No", aliases: []string{"员工编号", "员工工号", "EmployeeNo", "employee_no", "Emp No"}, required: true},
	{key: keyName, zh: "姓名", en: "Name", aliases: []string{"员工姓名", "Full Name"}, required: true},
	{key: keyDeptCode, zh: "部门编码", en: "Department Code", aliases: []string{"部门代码", "部门编号", "DeptCode", "Dept Code", "department_code"}, required: true},
	{key: keyRole, zh: "角色", en: "Role"},
	{key: keyEmployment, zh: "用工类型", en: "Employment Type", aliases: []string{"用工性质", "EmploymentType", "employment_type"}},
	{key: keyPhone, zh: "电话", en: "Phone", aliases: []string{"手机", "手机号", "联系电话", "Mobile", "Tel", "Telephone"}},
	{key: keyActive, zh: "在职", en: "Active", aliases: []string{"是否在职", "在职状态"}},
	{key: keyPassword, zh: "初始密码", en: "Initial Password", aliases: []string{"密码", "Password", "initial_password"}},
	{key: keyAppraised, zh: "参加考核", en: "Appraised", aliases: []string{"考核", "是否考核", "是否参加考核"}},
}

// choice is one accepted value of a coded column and the words that mean it.
type choice struct {
	code  string
	words []string // compared after clean + lower-case
}

var (
	roleChoices = []choice{
		{"staff", []string{"staff", "员工"}},
		{"supervisor", []string{"supervisor", "主管"}},
		{"hr", []string{"hr", "人事"}},
		{"admin", []string{"admin", "管理员", "administrator"}},
	}
	employmentChoices = []choice{
		{"regular", []string{"regular", "正式", "正式员工", "正式工"}},
		{"dispatched", []string{"dispatched", "派遣", "劳务派遣", "派遣员工", "派遣工"}},
	}
	activeChoices = []choice{
		{"true", []string{"是", "yes", "y", "true", "1", "在职"}},
		{"false", []string{"否", "no", "n", "false", "0", "离职"}},
	}
)

// parseChoice maps a cell to a code: ("", true) for an empty cell, ("", false)
// for a value that is not accepted.
func parseChoice(raw string, choices []choice) (string, bool) {
	v := strings.ToLower(clean(raw))
	if v == "" {
		return "", true
	}
	for _, c := range choices {
		for _, w := range c.words {
			if v == w {
				return c.code, true
			}
		}
	}
	return "", false
}

// choiceHint lists the accepted values of a column for a Problem message.
func choiceHint(choices []choice) []string {
	out := make([]string, 0, len(choices))
	for _, c := range choices {
		out = append(out, strings.Join(c.words[:min(2, len(c.words))], "/"))
	}
	return out
}

// staffValidationRows is how many data rows (at least) the staff template's
// drop lists cover: a large onboarding is pasted in one go.
const staffValidationRows = 10000

// DepartmentCode is one department the staff template lists, so that the
// person filling it in can pick a code.
type DepartmentCode struct {
	Code string
	Name string
}

// StaffTemplate is the content of the staff import template: the language,
// the rows to prefill (may be empty) and the departments to list on the
// second sheet (may be empty: the sheet then only has its header).
type StaffTemplate struct {
	Lang         Lang
	Rows         []StaffRow
	Departments  []DepartmentCode
	Organisation string
}

// WriteStaffTemplate writes the staff import template without a list of
// departments; see WriteStaffImportTemplate.
func WriteStaffTemplate(w io.Writer, lang Lang, rows []StaffRow) error {
	return WriteStaffImportTemplate(w, StaffTemplate{Lang: lang, Rows: rows})
}

// WriteStaffImportTemplate writes the staff import template: 工号, 姓名,
// 部门编码, 角色, 用工类型, 电话, 在职, 初始密码 on the first sheet, and a second
// sheet 部门编码 (Departments) listing the department codes and names. Role,
// employment type and active have drop lists of the labels of the template's
// language (员工/主管/人事/管理员, 正式/派遣, 是/否; staff/supervisor/hr/admin,
// regular/dispatched, yes/no), the department code one of the listed codes;
// each list warns rather than refuses ("warning" style), because the reader
// accepts more spellings (codes, labels of either language, 劳务派遣…). The
// lists cover at least staffValidationRows data rows.
func WriteStaffImportTemplate(w io.Writer, t StaffTemplate) error {
	lang := t.Lang
	sheet := lang.pick("员工导入", "Staff")
	title := lang.pick("员工导入", "Staff import")
	f, st, err := newBook(sheet, docMeta{title: title, org: t.Organisation}, lang)
	if err != nil {
		return err
	}
	return finish(f, w, writeStaffTemplate(f, st, sheet, &t, pageHead{org: t.Organisation, doc: title, lang: lang}))
}

func writeStaffTemplate(f *excelize.File, st *styleSet, sheet string, t *StaffTemplate, head pageHead) error {
	lang, rows := t.Lang, t.Rows
	noW, nameW, deptW := 10.0, 8.0, 12.0
	for _, r := range rows {
		noW = max(noW, float64(displayWidth(r.EmployeeNo))+2)
		nameW = max(nameW, float64(displayWidth(r.Name))+2)
		deptW = max(deptW, float64(displayWidth(r.DepartmentCode))+2)
	}
	cols := []column{
		{lang.pick("工号", "Employee No"), noW, st.code},
		{lang.pick("姓名", "Name"), nameW, st.text},
		{lang.pick("部门编码", "Department Code"), deptW, st.code},
		{lang.pick("角色", "Role"), 12, st.text},
		{lang.pick("用工类型", "Employment Type"), 12, st.text},
		{lang.pick("电话", "Phone"), 16, st.code},
		{lang.pick("在职", "Active"), 6, st.text},
		{lang.pick("初始密码", "Initial Password"), 16, st.code},
		{lang.pick("参加考核", "Appraised"), 8, st.text},
	}
	if err := writeHeader(f, sheet, 1, cols, st); err != nil {
		return err
	}
	yes, no := lang.pick("是", "yes"), lang.pick("否", "no")
	for i, r := range rows {
		active := ""
		if r.Active != nil {
			active = no
			if *r.Active {
				active = yes
			}
		}
		appraised := ""
		if r.Appraised != nil {
			appraised = no
			if *r.Appraised {
				appraised = yes
			}
		}
		values := []any{r.EmployeeNo, r.Name, r.DepartmentCode, r.Role, r.EmploymentType, r.Phone, active, r.Password, appraised}
		if err := f.SetSheetRow(sheet, cell(1, i+2), &values); err != nil {
			return fmt.Errorf("reports: staff template row %d: %w", i+2, err)
		}
	}
	if err := f.SetPanes(sheet, frozenBelow(1)); err != nil {
		return fmt.Errorf("reports: freezing the header: %w", err)
	}
	last := max(len(rows)+1+templateSpareRows, staffValidationRows+1)
	deptSheet := lang.pick("部门编码", "Departments")
	if err := writeDepartmentList(f, st, deptSheet, lang, t.Departments, head); err != nil {
		return err
	}
	lists := []struct {
		col         string
		keys        []string
		ref         string // a range of cells instead of keys
		title, hint string
	}{
		{"C", nil, fmt.Sprintf("%s!$A$2:$A$%d", quoteSheet(deptSheet), max(2, len(t.Departments)+1)), cols[2].header,
			lang.pick("见“部门编码”表", "see the Departments sheet")},
		{"D", []string{lang.pick("员工", "staff"), lang.pick("主管", "supervisor"), lang.pick("人事", "hr"), lang.pick("管理员", "admin")}, "", cols[3].header,
			lang.pick("员工 / 主管 / 人事 / 管理员（也可填 staff 等代码）；留空为员工", "staff / supervisor / hr / admin; empty means staff")},
		{"E", []string{lang.pick("正式", "regular"), lang.pick("派遣", "dispatched")}, "", cols[4].header,
			lang.pick("正式 / 派遣（也可填 regular、dispatched）；留空为正式", "regular / dispatched; empty means regular")},
		{"G", []string{yes, no}, "", cols[6].header, lang.pick("是 / 否", "yes / no")},
		{"I", []string{yes, no}, "", cols[8].header, lang.pick("是 / 否；留空为参加（新员工）或不变", "yes / no; empty means yes for a new account, unchanged otherwise")},
	}
	for _, l := range lists {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", l.col, l.col, last)
		if l.ref != "" {
			dv.SetSqrefDropList(l.ref)
		} else if err := dv.SetDropList(l.keys); err != nil {
			return fmt.Errorf("reports: drop list %s: %w", l.col, err)
		}
		dv.SetInput(l.title, l.hint)
		// A warning, not a stop: the reader accepts more than the list.
		dv.SetError(excelize.DataValidationErrorStyleWarning, l.title, l.hint)
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return fmt.Errorf("reports: drop list %s: %w", l.col, err)
		}
	}
	return pageSetup(f, sheet, "landscape", 0, head)
}

// writeDepartmentList adds the sheet of department codes and names that
// the staff template's department code drop list refers to.
func writeDepartmentList(f *excelize.File, st *styleSet, sheet string, lang Lang, depts []DepartmentCode, head pageHead) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return fmt.Errorf("reports: sheet %q: %w", sheet, err)
	}
	codeW, nameW := 10.0, 16.0
	for _, d := range depts {
		codeW = max(codeW, float64(displayWidth(d.Code))+2)
		nameW = max(nameW, float64(displayWidth(d.Name))+2)
	}
	cols := []column{
		{lang.pick("部门编码", "Department Code"), codeW, 0},
		{lang.pick("部门名称", "Department Name"), nameW, 0},
	}
	if err := writeHeader(f, sheet, 1, cols, st); err != nil {
		return err
	}
	for i, d := range depts {
		if err := f.SetSheetRow(sheet, cell(1, i+2), &[]any{d.Code, d.Name}); err != nil {
			return fmt.Errorf("reports: department list row %d: %w", i+2, err)
		}
	}
	if len(depts) > 0 {
		if err := f.SetCellStyle(sheet, "A2", cell(1, len(depts)+1), st.cCode); err != nil {
			return fmt.Errorf("reports: department list style: %w", err)
		}
		if err := f.SetCellStyle(sheet, "B2", cell(2, len(depts)+1), st.cText); err != nil {
			return fmt.Errorf("reports: department list style: %w", err)
		}
	}
	if err := f.SetPanes(sheet, frozenBelow(1)); err != nil {
		return fmt.Errorf("reports: freezing the header: %w", err)
	}
	return pageSetup(f, sheet, "portrait", 0, head)
}

// ReadStaffImport reads a staff import with the same rules as ReadResults:
// first sheet, header found by name among the first five rows, every
// problem collected. Employee number, name and department code are required
// and employee numbers unique in the file; role, employment type and active
// accept the codes or the Chinese labels. As with ReadResults, a *ParseError
// comes with the rows that passed, for the caller's own checks only.
func ReadStaffImport(r io.Reader, limits UploadLimits) ([]StaffRow, error) {
	msg := &messages{lang: limits.Lang}
	var (
		out      []StaffRow
		problems []Problem
		seen     = map[string]int{}
	)
	add := func(p Problem) { problems = append(problems, p) }
	err := scanUpload(r, limits, msg, staffFields, func(h *headerRow, row int, cells []string) {
		ok := true
		require := func(key, value string) string {
			if value == "" {
				add(Problem{Row: row, Column: h.column(key), Message: h.emptyMessage(msg, row, key)})
				ok = false
			}
			return value
		}
		rawNo := h.raw(cells, keyEmployeeNo)
		no := require(keyEmployeeNo, normalizeCode(rawNo))
		if no != "" {
			if first, dup := seen[no]; dup {
				add(Problem{Row: row, Column: h.column(keyEmployeeNo), Value: shortValue(rawNo), Message: msg.duplicate(first)})
				ok = false
			} else {
				seen[no] = row
			}
		}
		s := StaffRow{
			Row:            row,
			EmployeeNo:     no,
			Name:           require(keyName, clean(h.raw(cells, keyName))),
			DepartmentCode: require(keyDeptCode, normalizeCode(h.raw(cells, keyDeptCode))),
			Phone:          normalizeCode(h.raw(cells, keyPhone)),
		}
		coded := func(key string, choices []choice) string {
			raw := h.raw(cells, key)
			code, valid := parseChoice(raw, choices)
			if !valid {
				add(Problem{Row: row, Column: h.column(key), Value: shortValue(raw), Message: msg.notOneOf(choiceHint(choices))})
				ok = false
			}
			return code
		}
		s.Role = coded(keyRole, roleChoices)
		s.EmploymentType = coded(keyEmployment, employmentChoices)
		if a := coded(keyActive, activeChoices); a != "" {
			v := a == "true"
			s.Active = &v
		}
		if a := coded(keyAppraised, activeChoices[:]); a != "" {
			v := a == "true"
			s.Appraised = &v
		}
		if pw := h.raw(cells, keyPassword); clean(pw) != "" {
			s.Password = pw
		}
		if ok {
			out = append(out, s)
		}
	})
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return out, &ParseError{Problems: problems}
	}
	return out, nil
}
