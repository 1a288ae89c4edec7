package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
)

// staffPageSize is how many people 员工 lists at once.
const staffPageSize = 50

// staffListView is 员工: search and list.
type staffListView struct {
	Items        []models.Staff
	Total        int64
	Page         int
	More         bool
	Query        string
	DepartmentID int64
	Role         string
	Inactive     bool
	Departments  []models.Department
	DeptNames    map[int64]string
	Roles        []models.Role
	QS           string
}

func hrOnly(rq *request) error {
	if !rq.Actor.Role.SeesEveryone() {
		return notFound()
	}
	return nil
}

func (h *Handler) staffList(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	q := r.URL.Query()
	v := staffListView{Page: pageParam(r, "page"), Query: strings.TrimSpace(q.Get("q")), Role: q.Get("role"), Inactive: q.Get("inactive") == "1",
		Roles: models.AllRoles, DeptNames: map[int64]string{}}
	v.DepartmentID, _ = strconv.ParseInt(q.Get("department_id"), 10, 64)
	f := models.StaffFilter{Query: v.Query, DepartmentID: v.DepartmentID, Role: models.Role(v.Role), Page: models.Page{Number: v.Page, Size: staffPageSize}}
	if !v.Inactive {
		f.Active = ptrBool(true)
	}
	var err error
	if v.Items, v.Total, err = h.store.ListStaff(r.Context(), rq.Actor, f); err != nil {
		if models.ErrorCode(err) == models.EInvalid {
			v.Items, v.Total = nil, 0
		} else {
			return err
		}
	}
	if v.Departments, err = h.store.ListDepartments(r.Context(), rq.Actor); err != nil {
		return err
	}
	for _, d := range v.Departments {
		v.DeptNames[d.ID] = d.Name
	}
	v.More = int64(v.Page*staffPageSize) < v.Total
	qs := q
	qs.Del("page")
	v.QS = qs.Encode()
	h.render(w, r, rq, http.StatusOK, "staff_list", pick(rq.Lang, "员工", "Staff"), v)
	return nil
}

// staffFormView is the create/edit form of one person, with their
// absences when editing.
type staffFormView struct {
	FormView
	Staff       *models.Staff
	Departments []models.Department
	Roles       []models.Role
	Absences    []models.Absence
	AbsenceForm FormView
	AbsenceFor  int64
	// Password is the one-time initial password, shown once after creating.
	Password string
	Created  *models.Staff
}

func (h *Handler) staffFormData(r *http.Request, rq *request, v *staffFormView) error {
	var err error
	v.Roles = models.AllRoles
	if v.Departments, err = h.store.ListDepartments(r.Context(), rq.Actor); err != nil {
		return err
	}
	if v.Staff != nil {
		if v.Absences, _, err = h.store.ListAbsences(r.Context(), rq.Actor, v.Staff.ID, models.Page{Number: 1, Size: 100}); err != nil {
			return err
		}
	}
	return nil
}

func (h *Handler) staffNew(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	v := staffFormView{FormView: FormView{Values: map[string]string{"role": "staff", "employment_type": "regular"}}}
	if err := h.staffFormData(r, rq, &v); err != nil {
		return err
	}
	h.render(w, r, rq, http.StatusOK, "staff_form", pick(rq.Lang, "新建员工", "New staff member"), v)
	return nil
}

// staffInput reads the person form; empty optional fields stay unset.
func staffInput(r *http.Request, fv *FormView) models.StaffInput {
	for _, n := range []string{"employee_no", "name", "department_id", "role", "employment_type", "phone"} {
		fv.Values[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	var in models.StaffInput
	str := func(n string) *string { s := fv.Values[n]; return &s }
	in.EmployeeNo, in.Name, in.Phone = str("employee_no"), str("name"), str("phone")
	if id, err := strconv.ParseInt(fv.Values["department_id"], 10, 64); err == nil {
		in.DepartmentID = &id
	}
	role := models.Role(fv.Values["role"])
	in.Role = &role
	et := models.EmploymentType(fv.Values["employment_type"])
	in.EmploymentType = &et
	return in
}

func (h *Handler) staffCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	v := staffFormView{FormView: FormView{Values: map[string]string{}, Errors: map[string]string{}}}
	in := staffInput(r, &v.FormView)
	created, err := h.store.CreateStaff(r.Context(), rq.Actor, in)
	if fe, ok := fieldErrors(err); ok {
		v.Errors = translateErrors(rq.Lang, fe)
	} else if models.ErrorCode(err) == models.EForbidden || models.ErrorCode(err) == models.EConflict {
		v.Errors["_"] = staffRefusal(rq.Lang, err)
	} else if err != nil {
		return err
	} else {
		// Shown once, on this answer only (not after a redirect).
		v.Password, v.Created = created.InitialPassword, &created.Staff
		h.render(w, r, rq, http.StatusCreated, "staff_created", pick(rq.Lang, "已创建员工", "Staff member created"), v)
		return nil
	}
	if err := h.staffFormData(r, rq, &v); err != nil {
		return err
	}
	h.render(w, r, rq, http.StatusUnprocessableEntity, "staff_form", pick(rq.Lang, "新建员工", "New staff member"), v)
	return nil
}

func (h *Handler) staffOf(r *http.Request, rq *request) (models.Staff, error) {
	if err := hrOnly(rq); err != nil {
		return models.Staff{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return models.Staff{}, notFound()
	}
	return h.store.GetStaff(r.Context(), rq.Actor, id)
}

func (h *Handler) staffEdit(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := h.staffOf(r, rq)
	if err != nil {
		return err
	}
	return h.renderStaffEdit(w, r, rq, http.StatusOK, st, FormView{}, FormView{}, 0)
}

func (h *Handler) renderStaffEdit(w http.ResponseWriter, r *http.Request, rq *request, status int, st models.Staff, fv, af FormView, absFor int64) error {
	if fv.Values == nil {
		fv.Values = map[string]string{"employee_no": st.EmployeeNo, "name": st.Name, "department_id": strconv.FormatInt(st.DepartmentID, 10),
			"role": string(st.Role), "employment_type": string(st.EmploymentType), "phone": st.Phone}
	}
	v := staffFormView{FormView: fv, Staff: &st, AbsenceForm: af, AbsenceFor: absFor}
	if err := h.staffFormData(r, rq, &v); err != nil {
		return err
	}
	h.render(w, r, rq, status, "staff_form", st.Name+" · "+st.EmployeeNo, v)
	return nil
}

func (h *Handler) staffUpdate(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := h.staffOf(r, rq)
	if err != nil {
		return err
	}
	fv := FormView{Values: map[string]string{}, Errors: map[string]string{}}
	in := staffInput(r, &fv)
	switch r.PostFormValue("active") {
	case "0":
		in = models.StaffInput{Active: ptrBool(false)}
	case "1":
		in = models.StaffInput{Active: ptrBool(true)}
	}
	_, err = h.store.UpdateStaff(r.Context(), rq.Actor, st.ID, in)
	if fe, ok := fieldErrors(err); ok {
		fv.Errors = translateErrors(rq.Lang, fe)
	} else if c := models.ErrorCode(err); c == models.EForbidden || c == models.EConflict {
		fv.Errors["_"] = staffRefusal(rq.Lang, err)
	} else if err != nil {
		return err
	} else {
		return h.redirect(w, r, "/staff/"+strconv.FormatInt(st.ID, 10), pick(rq.Lang, "已保存。", "Saved."))
	}
	if in.Active != nil {
		fv.Values = nil
	}
	return h.renderStaffEdit(w, r, rq, http.StatusUnprocessableEntity, st, fv, FormView{}, 0)
}

// staffRefusal words a refused change of a person (role grants beyond the
// actor's rights, changing oneself).
func staffRefusal(lang string, err error) string {
	msg := models.ErrorMessage(err)
	if lang == "en" {
		return msg
	}
	switch {
	case strings.Contains(msg, "admin"):
		return "只有管理员可以授予或取消人力资源、管理员角色，或停用此类账号。"
	case strings.Contains(msg, "you cannot"):
		return "不能修改自己的角色或停用自己的账号。"
	}
	return "不能执行此操作：" + msg
}

// absenceInput reads an absence form (datetime-local fields in the
// organisation's zone).
func absenceInput(r *http.Request, loc *time.Location) (FormView, *time.Time, *time.Time, string) {
	fv := FormView{Values: map[string]string{}, Errors: map[string]string{}}
	parse := func(n string) *time.Time {
		s := strings.TrimSpace(r.PostFormValue(n))
		fv.Values[n] = s
		if s == "" {
			return nil
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
		if err != nil {
			fv.Errors[n] = "must be a date and time"
			return nil
		}
		return &t
	}
	from, to := parse("from"), parse("to")
	fv.Values["reason"] = strings.TrimSpace(r.PostFormValue("reason"))
	return fv, from, to, fv.Values["reason"]
}

func (h *Handler) absenceCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := h.staffOf(r, rq)
	if err != nil {
		return err
	}
	af, from, to, reason := absenceInput(r, h.store.Location())
	if len(af.Errors) == 0 {
		_, err = h.store.CreateAbsence(r.Context(), rq.Actor, st.ID, models.AbsenceInput{From: from, To: to, Reason: reason})
		if fe, ok := fieldErrors(err); ok {
			af.Errors = fe
		} else if err != nil {
			return err
		} else {
			return h.redirect(w, r, "/staff/"+strconv.FormatInt(st.ID, 10)+"#absences", pick(rq.Lang, "缺勤已记录。", "Absence recorded."))
		}
	}
	af.Errors = translateErrors(rq.Lang, af.Errors)
	return h.renderStaffEdit(w, r, rq, http.StatusUnprocessableEntity, st, FormView{}, af, -1)
}

func (h *Handler) absenceChange(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := h.staffOf(r, rq)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil {
		return notFound()
	}
	back := "/staff/" + strconv.FormatInt(st.ID, 10) + "#absences"
	if r.PathValue("action") == "delete" {
		if err := h.store.DeleteAbsence(r.Context(), rq.Actor, st.ID, aid); err != nil {
			return err
		}
		return h.redirect(w, r, back, pick(rq.Lang, "缺勤记录已删除。", "Absence deleted."))
	}
	if r.PathValue("action") != "edit" {
		return notFound()
	}
	af, from, to, reason := absenceInput(r, h.store.Location())
	if len(af.Errors) == 0 {
		_, err = h.store.UpdateAbsence(r.Context(), rq.Actor, st.ID, aid, models.AbsencePatch{From: from, To: to, Reason: &reason})
		if fe, ok := fieldErrors(err); ok {
			af.Errors = fe
		} else if err != nil {
			return err
		} else {
			return h.redirect(w, r, back, pick(rq.Lang, "缺勤记录已更正。", "Absence corrected."))
		}
	}
	af.Errors = translateErrors(rq.Lang, af.Errors)
	return h.renderStaffEdit(w, r, rq, http.StatusUnprocessableEntity, st, FormView{}, af, aid)
}

// importView is the staff import page: the template, the upload, and
// after it the problems table or the one-time passwords.
type importView struct {
	Problems  []reports.Problem
	Message   string
	Summary   *models.StaffImportSummary
	Submitted bool
}

func (h *Handler) staffImportForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	h.render(w, r, rq, http.StatusOK, "staff_import", pick(rq.Lang, "导入员工", "Import staff"), importView{})
	return nil
}

func (h *Handler) staffImportTemplate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	depts, err := h.store.ListDepartments(r.Context(), rq.Actor)
	if err != nil {
		return err
	}
	t := reports.StaffTemplate{Lang: workbookLang(rq), Organisation: h.opts.Organisation}
	for _, d := range depts {
		if d.Active {
			t.Departments = append(t.Departments, reports.DepartmentCode{Code: d.Code, Name: d.Name})
		}
	}
	return h.xlsx(w, "staff-import.xlsx", func(wr io.Writer) error { return reports.WriteStaffImportTemplate(wr, t) })
}

func (h *Handler) staffImport(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := hrOnly(rq); err != nil {
		return err
	}
	lang := workbookLang(rq)
	v := importView{Submitted: true}
	data, _, err := readFormFile(w, r)
	if err != nil {
		v.Message = pick(rq.Lang, "请选择要上传的 .xlsx 文件（最大 32 MiB）。", "Choose the .xlsx file to upload (at most 32 MiB).")
		h.render(w, r, rq, http.StatusUnprocessableEntity, "staff_import", pick(rq.Lang, "导入员工", "Import staff"), v)
		return nil
	}
	parsed, err := readWorkbook(func() ([]reports.StaffRow, error) {
		return reports.ReadStaffImport(bytes.NewReader(data), reports.UploadLimits{MaxRows: reports.DefaultMaxRows, UnzipSizeLimit: reports.DefaultUnzipSizeLimit, Lang: lang})
	})
	var perr *reports.ParseError
	if err != nil && !errors.As(err, &perr) {
		v.Message = unreadableMessage(rq.Lang, err)
		h.render(w, r, rq, http.StatusUnprocessableEntity, "staff_import", pick(rq.Lang, "导入员工", "Import staff"), v)
		return nil
	}
	rows := make([]models.StaffImportRow, len(parsed))
	for i, p := range parsed {
		rows[i] = models.StaffImportRow{Row: p.Row, EmployeeNo: p.EmployeeNo, Name: p.Name, Department: p.DepartmentCode,
			Role: p.Role, EmploymentType: p.EmploymentType, Phone: p.Phone, Password: p.Password}
		if p.Active != nil {
			rows[i].Active = strings.ToLower(fmt.Sprint(*p.Active))
		}
	}
	ctx := r.Context()
	if perr != nil {
		checked, err := h.store.CheckStaffImport(ctx, rq.Actor, rows)
		if err != nil {
			return err
		}
		v.Problems = problemsOf(books.UploadProblems(perr.Problems, checked, lang))
	} else {
		sum, err := h.store.ImportStaff(ctx, rq.Actor, rows)
		if err != nil {
			if v.Problems = problemsOf(books.StoreProblems(err, lang)); v.Problems == nil {
				return err
			}
		} else {
			v.Summary = &sum
		}
	}
	status := http.StatusOK
	if v.Summary == nil {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, rq, status, "staff_import", pick(rq.Lang, "导入员工", "Import staff"), v)
	return nil
}
