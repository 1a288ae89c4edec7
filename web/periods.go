package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// Sizes of the month pages.
const (
	periodsPageSize = 12
	scoresPageSize  = 50
	// maxUploadBytes bounds a results or staff workbook sent from a page.
	maxUploadBytes = 32 << 20
)

// supervisorUp reports whether the role may open the months (supervisors
// read their department's, HR and admins everyone's), as the API's
// supervisorsUp routes.
func supervisorUp(rq *request) bool {
	return rq.Actor.Role == models.RoleSupervisor || rq.Actor.Role.SeesEveryone()
}

func notFound() error { return models.Errorf(models.ENotFound, "no such page") }

// periodsView is 考核周期: the months with their figures.
type periodsView struct {
	Months []models.PeriodDetail
	Page   int
	More   bool
}

func (h *Handler) periods(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !supervisorUp(rq) {
		return notFound()
	}
	ctx := r.Context()
	page := pageParam(r, "page")
	ps, total, err := h.store.ListPeriods(ctx, rq.Actor, models.PeriodFilter{Page: models.Page{Number: page, Size: periodsPageSize}})
	if err != nil {
		return err
	}
	v := periodsView{Page: page, More: int64(page*periodsPageSize) < total}
	for _, p := range ps {
		m, err := scoring.ParseMonth(p.Month)
		if err != nil {
			return err
		}
		d, err := h.store.GetPeriod(ctx, rq.Actor, m)
		if err != nil {
			return err
		}
		v.Months = append(v.Months, d)
	}
	h.render(w, r, rq, http.StatusOK, "periods", pick(rq.Lang, "考核周期", "Months"), v)
	return nil
}

// monthView is one month: figures, a page of scores, the results upload
// and its history, the workbook and the way to close.
type monthView struct {
	Month        scoring.Month
	Scores       models.MonthScores
	Total        int64
	Page         int
	More         bool
	Departments  []models.Department
	DepartmentID int64
	HR           bool
	Uploads      []models.ResultUploadView
	Problems     []reports.Problem
	Message      string
	Distribution [4]int
}

func monthParam(r *http.Request) (scoring.Month, error) {
	m, err := scoring.ParseMonth(strings.TrimSuffix(r.PathValue("month"), ".xlsx"))
	if err != nil {
		return m, models.Errorf(models.ENotFound, "no such month")
	}
	return m, nil
}

// monthOf reads the month of a page that only those allowed may see; for
// anyone else the page is not found.
func monthOf(r *http.Request, allowed bool) (scoring.Month, error) {
	if !allowed {
		return scoring.Month{}, notFound()
	}
	return monthParam(r)
}

func (h *Handler) month(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderMonth(w, r, rq, http.StatusOK, nil, "")
}

func (h *Handler) renderMonth(w http.ResponseWriter, r *http.Request, rq *request, status int, problems []reports.Problem, msg string) error {
	m, err := monthOf(r, supervisorUp(rq))
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := monthView{Month: m, Page: pageParam(r, "page"), HR: rq.Actor.Role.SeesEveryone(), Problems: problems, Message: msg}
	v.DepartmentID, _ = strconv.ParseInt(r.URL.Query().Get("department_id"), 10, 64)
	// The month's figures (headcount, counted records, appeals) are on
	// 考核周期 and the close page; this page keeps to the scores' own call
	// so that it costs about what the JSON of the same call costs.
	if v.Scores, v.Total, err = h.store.ListMonthScores(ctx, rq.Actor, m, models.ScoreFilter{DepartmentID: v.DepartmentID,
		Page: models.Page{Number: v.Page, Size: scoresPageSize}}); err != nil {
		return err
	}
	v.More = int64(v.Page*scoresPageSize) < v.Total
	if v.Departments, err = h.store.ListDepartments(ctx, rq.Actor); err != nil {
		return err
	}
	if v.HR {
		if v.Uploads, _, err = h.store.ListResultUploads(ctx, rq.Actor, m, models.Page{Number: 1, Size: 20}); err != nil {
			return err
		}
	}
	h.render(w, r, rq, status, "month", pick(rq.Lang, "考核周期 ", "Month ")+m.String(), v)
	return nil
}

// resultsTemplate is the results template of GET
// /api/v1/periods/{month}/results-template.xlsx, from the same Store call.
func (h *Handler) resultsTemplate(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, err := monthOf(r, supervisorUp(rq))
	if err != nil {
		return err
	}
	rows, err := h.store.ResultsTemplate(r.Context(), rq.Actor, m, 0)
	if err != nil {
		return err
	}
	tr := make([]reports.TemplateRow, len(rows))
	for i, row := range rows {
		tr[i] = reports.TemplateRow{EmployeeNo: row.EmployeeNo, Name: row.Name, Department: row.DepartmentName, BaseScore: row.Score, Note: row.Note}
	}
	return h.xlsx(w, "results-"+m.String()+".xlsx", func(wr io.Writer) error {
		return reports.WriteResultsTemplate(wr, m.String(), workbookLang(rq), tr)
	})
}

// xlsx streams a workbook as an attachment; it is built in memory first so
// that a failure still answers with the error page.
func (h *Handler) xlsx(w http.ResponseWriter, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	hd.Set("Content-Disposition", `attachment; filename="`+books.ASCIIName(name)+`"`)
	hd.Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

func workbookLang(rq *request) reports.Lang {
	if rq.Lang == "en" {
		return reports.LangEN
	}
	return reports.LangZH
}

// uploadResults takes a results workbook from the month page: all of it,
// or, when any row is wrong, nothing, with the problems as a table.
func (h *Handler) uploadResults(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, err := monthOf(r, rq.Actor.Role.SeesEveryone())
	if err != nil {
		return err
	}
	lang := workbookLang(rq)
	data, filename, err := readFormFile(w, r)
	if err != nil {
		return h.renderMonth(w, r, rq, http.StatusUnprocessableEntity, nil, pick(rq.Lang, "请选择要上传的 .xlsx 文件（最大 32 MiB）。", "Choose the .xlsx file to upload (at most 32 MiB)."))
	}
	parsed, err := readWorkbook(func() ([]reports.ResultRow, error) {
		return reports.ReadResults(bytes.NewReader(data), reports.UploadLimits{MaxRows: reports.DefaultMaxRows, UnzipSizeLimit: reports.DefaultUnzipSizeLimit, Lang: lang})
	})
	var perr *reports.ParseError
	if err != nil && !errors.As(err, &perr) {
		return h.renderMonth(w, r, rq, http.StatusUnprocessableEntity, nil, unreadableMessage(rq.Lang, err))
	}
	rows := make([]models.BaseResultInput, len(parsed))
	for i, p := range parsed {
		rows[i] = models.BaseResultInput{Row: p.Row, EmployeeNo: p.EmployeeNo, Name: p.Name, Score: p.Score, Note: p.Note}
	}
	ctx := r.Context()
	if perr != nil {
		checked, err := h.store.CheckBaseResults(ctx, rq.Actor, m, rows)
		if err != nil {
			return err
		}
		return h.renderMonth(w, r, rq, http.StatusUnprocessableEntity, problemsOf(books.UploadProblems(perr.Problems, checked, lang)), "")
	}
	sum, err := h.store.ReplaceBaseResults(ctx, rq.Actor, m, filename, rows)
	if err != nil {
		if ps := problemsOf(books.StoreProblems(err, lang)); ps != nil {
			return h.renderMonth(w, r, rq, http.StatusUnprocessableEntity, ps, "")
		}
		if c := models.ErrorCode(err); c == models.EConflict || c == models.EInvalid {
			return h.renderMonth(w, r, rq, http.StatusConflict, nil, models.ErrorMessage(err))
		}
		return err
	}
	return h.redirect(w, r, "/periods/"+m.String()+"#results", pick(rq.Lang, fmt.Sprintf("已导入 %d 行基础分。", sum.Rows), fmt.Sprintf("%d base scores taken.", sum.Rows)))
}

// problemsOf returns the problem rows of an upload's 422, sorted by row.
func problemsOf(err error) []reports.Problem {
	var e *models.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []reports.Problem
	for _, d := range e.Details {
		if p, ok := d.(reports.Problem); ok {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Row < out[j].Row })
	return out
}

// readFormFile reads the "file" part of a multipart form, bounded.
func readFormFile(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, "", err
	}
	if len(data) == 0 {
		return nil, "", errors.New("empty file")
	}
	return data, hdr.Filename, nil
}

// readWorkbook runs a reports reader, turning a panic that escaped it into
// a refusal of the file.
func readWorkbook[T any](read func() ([]T, error)) (rows []T, err error) {
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, fmt.Errorf("%w (panic: %v)", reports.ErrNotXLSX, p)
		}
	}()
	return read()
}

// unreadableMessage words a file-level refusal of a workbook.
func unreadableMessage(lang string, err error) string {
	switch {
	case errors.Is(err, reports.ErrTooLarge):
		return pick(lang, "文件解压后过大：请只保留第一张表的数据后重新保存。", "The workbook is too large once uncompressed: keep only the first sheet's data and save again.")
	case errors.Is(err, reports.ErrTooManyRows):
		return pick(lang, "文件行数过多，请拆分后上传。", "The workbook has too many rows: split it.")
	}
	return pick(lang, "无法读取此文件：请在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）后上传。", "The file could not be read: save it in Excel or WPS as .xlsx (Excel Workbook) and upload that.")
}

// appraisal is the month's appraisal workbook, the same as GET
// /api/v1/periods/{month}/appraisal.xlsx (supervisors: their department).
func (h *Handler) appraisal(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, err := monthOf(r, supervisorUp(rq))
	if err != nil {
		return err
	}
	deptID, _ := strconv.ParseInt(r.URL.Query().Get("department_id"), 10, 64)
	ex, err := h.store.AppraisalExport(r.Context(), rq.Actor, m, deptID)
	if err != nil {
		return err
	}
	lang := workbookLang(rq)
	wb := books.AppraisalOf(ex, func(keys []models.RecordKey) (map[models.RecordKey]models.RecordNote, error) {
		return h.store.RecordNotes(r.Context(), rq.Actor, keys)
	}, lang, h.opts.Organisation, h.store.Now(), h.store.Location())
	name := "appraisal-" + m.String()
	if ex.DepartmentID != 0 {
		name += "-" + books.DepartmentCode(ex.Departments, ex.DepartmentID)
	}
	return h.xlsx(w, name+".xlsx", func(wr io.Writer) error { return reports.WriteAppraisal(wr, wb) })
}

// closeView is the confirmation before closing a month.
type closeView struct {
	Month    scoring.Month
	Detail   models.PeriodDetail
	Ended    bool
	Appeals  []reviewItem
	Blockers []string
}

func (h *Handler) closeForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderClose(w, r, rq, http.StatusOK, "")
}

func (h *Handler) renderClose(w http.ResponseWriter, r *http.Request, rq *request, status int, refused string) error {
	m, err := monthOf(r, rq.Actor.Role.SeesEveryone())
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := closeView{Month: m}
	if v.Detail, err = h.store.GetPeriod(ctx, rq.Actor, m); err != nil {
		return err
	}
	v.Ended = !h.store.Now().Before(m.End(h.store.Location()))
	if refused != "" {
		v.Blockers = append(v.Blockers, refused)
	}
	if v.Detail.State == models.PeriodClosed {
		v.Blockers = append(v.Blockers, pick(rq.Lang, "本月已结账。", "This month is already closed."))
	}
	if !v.Ended {
		v.Blockers = append(v.Blockers, pick(rq.Lang, "本月尚未结束，月末之后才能结账。", "The month has not ended yet; it can be closed after its last day."))
	}
	cm := m
	vs, _, err := h.store.ListViolations(ctx, rq.Actor, models.ViolationFilter{State: models.ViolationAppealed, CountedMonth: &cm, Page: models.Page{Number: 1, Size: models.MaxPageSize}})
	if err != nil {
		return err
	}
	nm, err := h.newNames(ctx, rq.Actor)
	if err != nil {
		return err
	}
	for _, vi := range vs {
		st := nm.person(vi.StaffID)
		v.Appeals = append(v.Appeals, reviewItem{Violation: vi, StaffName: st.Name, EmployeeNo: st.EmployeeNo, Department: nm.depts[st.DepartmentID]})
	}
	if len(vs) > 0 {
		v.Blockers = append(v.Blockers, pick(rq.Lang, fmt.Sprintf("有 %d 条申诉尚未处理，须先在“核实”中处理。", v.Detail.UndecidedAppeals),
			fmt.Sprintf("%d appeal(s) await a decision: decide them in Review first.", v.Detail.UndecidedAppeals)))
	}
	h.render(w, r, rq, status, "close", pick(rq.Lang, "结账 ", "Close ")+m.String(), v)
	return nil
}

func (h *Handler) closeMonth(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, err := monthOf(r, rq.Actor.Role.SeesEveryone())
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		return h.renderClose(w, r, rq, http.StatusUnprocessableEntity, pick(rq.Lang, "请勾选确认后再结账。", "Tick the confirmation to close."))
	}
	if _, err := h.store.ClosePeriod(r.Context(), rq.Actor, m); err != nil {
		if models.ErrorCode(err) == models.EConflict {
			return h.renderClose(w, r, rq, http.StatusConflict, models.ErrorMessage(err))
		}
		return err
	}
	return h.redirect(w, r, "/periods/"+m.String(), pick(rq.Lang, m.String()+" 已结账，成绩已冻结。", m.String()+" is closed; its results are frozen."))
}

// personView is one person's itemised score for a month (drill-down).
type personView struct {
	Month  scoring.Month
	Score  models.StaffScore
	Closed bool
	Items  []scoreItem
	Cap    float64
}

// personParams reads the month and the person of a drill-down page, both
// not found for anyone below supervisor.
func personParams(r *http.Request, rq *request) (scoring.Month, int64, error) {
	m, err := monthOf(r, supervisorUp(rq))
	if err != nil {
		return m, 0, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return m, 0, notFound()
	}
	return m, id, nil
}

func (h *Handler) personScore(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, id, err := personParams(r, rq)
	if err != nil {
		return err
	}
	ms, err := h.store.MonthScoresOf(r.Context(), rq.Actor, m, id)
	if err != nil {
		return err
	}
	v := personView{Month: m, Score: ms.Results[0], Closed: ms.Closed, Cap: ms.Rules.PraiseCap}
	states := map[string]string{}
	for _, rec := range ms.Records {
		states[string(rec.Kind)+strconv.FormatInt(rec.ID, 10)] = rec.State
	}
	for _, it := range v.Score.Items {
		v.Items = append(v.Items, scoreItem{Item: it, State: states[string(it.Kind)+strconv.FormatInt(it.RecordID, 10)]})
	}
	h.render(w, r, rq, http.StatusOK, "person", v.Score.Name+" · "+m.String(), v)
	return nil
}

// personSheet is a person's appraisal sheet, the same workbook as GET
// /api/v1/staff/{id}/appraisal/{month}.xlsx.
func (h *Handler) personSheet(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, id, err := personParams(r, rq)
	if err != nil {
		return err
	}
	return h.sheetOf(w, r, rq, m, id)
}
