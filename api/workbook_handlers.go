package api

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firstask/books"
	"firstask/metrics"
	"firstask/models"
	"firstask/reports"
)

// workbookLang reads ?lang= (Chinese unless it asks for English).
func workbookLang(c *gin.Context) reports.Lang { return reports.ParseLang(c.Query("lang")) }

func pick(lang reports.Lang, zh, en string) string {
	if lang == reports.LangEN {
		return en
	}
	return zh
}

func (s *Server) resultsTemplate(c *gin.Context) {
	month, err := workbookMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	deptID, err := s.queryID(c, "department_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, err := s.store.ResultsTemplate(c.Request.Context(), actor(c), month, deptID)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := workbookLang(c)
	tr := make([]reports.TemplateRow, len(rows))
	for i, r := range rows {
		tr[i] = reports.TemplateRow{EmployeeNo: r.EmployeeNo, Name: r.Name, Department: r.DepartmentName, BaseScore: r.Score, Note: r.Note}
	}
	ascii := "results-" + month.String() + ".xlsx"
	a := newAttachment(c, pick(lang, "月度考核结果-"+month.String()+".xlsx", ascii), ascii)
	s.finishAttachment(c, a, reports.WriteResultsTemplate(a, month.String(), lang, tr))
}

// uploadLimits are the limits every workbook upload is read with: the
// reports defaults (100,000 rows, 100 MiB uncompressed), problems worded
// in the language asked for.
func uploadLimits(lang reports.Lang) reports.UploadLimits {
	return reports.UploadLimits{
		MaxRows:        reports.DefaultMaxRows,
		UnzipSizeLimit: reports.DefaultUnzipSizeLimit,
		Lang:           lang,
	}
}

// parseWorkbook runs a reports reader, recovering a panic that escaped it
// (reports recovers excelize's own) into a refusal of the file.
func parseWorkbook[T any](read func() ([]T, error)) (rows []T, err error) {
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, fmt.Errorf("%w (panic: %v)", reports.ErrNotXLSX, p)
		}
	}()
	return read()
}

// unreadableWorkbook maps the readers' file-level errors: 413 for a file
// too large or with too many rows, 415 for something that is not a zip
// package at all (a CSV, a PDF, an old .xls), 422 for a package that
// claims to be a workbook but cannot be read.
func (s *Server) unreadableWorkbook(c *gin.Context, data []byte, err error) error {
	lang := workbookLang(c)
	say := func(code, zh, en string) error { return models.Errorf(code, "%s", pick(lang, zh, en)) }
	switch {
	case errors.Is(err, reports.ErrTooLarge):
		return say(models.ETooLarge,
			fmt.Sprintf("工作簿解压后过大（最多 %d MiB）：只保留第一个工作表的数据后重新保存", reports.DefaultUnzipSizeLimit>>20),
			fmt.Sprintf("the workbook is too large once uncompressed (at most %d MiB): keep only the first sheet's data and save again", reports.DefaultUnzipSizeLimit>>20))
	case errors.Is(err, reports.ErrTooManyRows):
		return say(models.ETooLarge,
			fmt.Sprintf("工作簿的数据超过 %d 行：请拆分后分别上传", reports.DefaultMaxRows),
			fmt.Sprintf("the workbook has more than %d data rows: split it", reports.DefaultMaxRows))
	case errors.Is(err, reports.ErrNotXLSX):
		s.log.Info("unreadable workbook", slog.String("request_id", requestID(c)), slog.Any("error", err))
		if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
			return say(models.EUnsupported,
				"文件是旧版 .xls 或设有密码的工作簿：请在 Excel 或 WPS 中另存为无密码的 .xlsx（Excel 工作簿）后上传",
				"the file is an old .xls or a password-protected workbook: save it in Excel or WPS as an unprotected .xlsx (Excel Workbook) and upload that")
		}
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) || !hasWorkbookPart(data) {
			return say(models.EUnsupported,
				"文件不是 .xlsx 工作簿：请在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）后上传",
				"the file is not an .xlsx workbook: save it in Excel or WPS as .xlsx (Excel Workbook) and upload that")
		}
		return say(models.EInvalid,
			".xlsx 工作簿已损坏或无法读取：请在 Excel 或 WPS 中打开，重新另存为 .xlsx 后上传",
			"the .xlsx workbook is damaged or could not be read: open it in Excel or WPS, save it again as .xlsx and upload that")
	}
	return err
}

// hasWorkbookPart reports whether a zip holds xl/workbook.xml, telling a
// damaged workbook from another kind of zip (a .docx, an archive); an
// unreadable zip directory counts as a damaged workbook.
func hasWorkbookPart(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return true
	}
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, "xl/workbook.xml") {
			return true
		}
	}
	return false
}

// countUpload records the outcome of an upload in firstask_uploads_total
// once the handler has answered.
func (s *Server) countUpload(c *gin.Context, kind string) {
	if s.metrics == nil {
		return
	}
	switch st := c.Writer.Status(); {
	case st < 300:
		s.metrics.Upload(kind, metrics.UploadAccepted)
	case st >= 500:
		s.metrics.Upload(kind, metrics.UploadFailed)
	default:
		s.metrics.Upload(kind, metrics.UploadRejected)
	}
}

// uploadBatchRows is how many parsed rows of a results upload go to the
// store at a time.
const uploadBatchRows = 500

// baseInput is a parsed results row as the store takes it.
func baseInput(r reports.ResultRow) models.BaseResultInput {
	return models.BaseResultInput{Row: r.Row, EmployeeNo: r.EmployeeNo, Name: r.Name, Score: r.Score, Note: r.Note}
}

func (s *Server) uploadResults(c *gin.Context) {
	defer s.countUpload(c, metrics.UploadResults)
	month, err := workbookMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := workbookLang(c)
	limits := uploadLimits(lang)
	switch c.Query("allow_other_month") {
	case "", "false":
		limits.Month = month.String()
	case "true":
	default:
		s.fail(c, models.Invalid(models.FieldProblem{Field: "allow_other_month", Message: pick(lang, "只能是 true 或 false", "must be true or false")}))
		return
	}
	data, filename, err := readUpload(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The rows are checked and inserted as they are read: the parsing runs
	// here on a second goroutine while the store's transaction takes its
	// batches (Store.ReplaceBaseResultsAsRead). What the reading found
	// wrong is answered first, as if it had run alone.
	var (
		parsed  []reports.ResultRow
		readErr error
	)
	batches := make(chan []models.BaseResultInput, 4)
	go func() {
		defer close(batches)
		var batch []models.BaseResultInput
		_, readErr = parseWorkbook(func() ([]struct{}, error) {
			return nil, reports.ScanResults(bytes.NewReader(data), limits, func(r reports.ResultRow) {
				parsed = append(parsed, r)
				batch = append(batch, baseInput(r))
				if len(batch) == uploadBatchRows {
					batches <- batch
					batch = nil
				}
			})
		})
		if len(batch) > 0 {
			batches <- batch
		}
	}()
	ctx, a := c.Request.Context(), actor(c)
	sum, err := s.store.ReplaceBaseResultsAsRead(ctx, a, month, filename, batches, func() error { return readErr })
	for range batches { // the store stopped early: let the reading end
	}
	var perr *reports.ParseError
	if readErr != nil && !errors.As(readErr, &perr) {
		s.fail(c, s.unreadableWorkbook(c, data, readErr))
		return
	}
	if perr != nil {
		// The parser refused some rows: check the others too, so that
		// the answer lists every problem of the file at once.
		rows := make([]models.BaseResultInput, len(parsed))
		for i, r := range parsed {
			rows[i] = baseInput(r)
		}
		checked, err := s.store.CheckBaseResults(ctx, a, month, rows)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.fail(c, books.UploadProblems(perr.Problems, checked, lang))
		return
	}
	if err != nil {
		s.fail(c, books.StoreProblems(err, lang))
		return
	}
	warnings := reports.ResultWarnings(parsed, lang)
	if warnings == nil {
		warnings = []reports.Problem{}
	}
	c.JSON(http.StatusOK, uploadAnswer{UploadSummary: sum, Warnings: warnings})
}

// uploadAnswer is a results upload taken, with what was taken but looks
// wrong (a score of 0.95 among 60–100s).
type uploadAnswer struct {
	models.UploadSummary
	Warnings []reports.Problem `json:"warnings"`
}

func (s *Server) listResultUploads(c *gin.Context) {
	month, err := workbookMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListResultUploads(c.Request.Context(), actor(c), month, p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, total, p))
}

func (s *Server) staffImportTemplate(c *gin.Context) {
	lang := workbookLang(c)
	depts, err := s.store.ListDepartments(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	t := reports.StaffTemplate{Lang: lang, Organisation: s.opts.Organisation}
	for _, d := range depts {
		if d.Active {
			t.Departments = append(t.Departments, reports.DepartmentCode{Code: d.Code, Name: d.Name})
		}
	}
	a := newAttachment(c, pick(lang, "员工导入模板.xlsx", "staff-import.xlsx"), "staff-import.xlsx")
	s.finishAttachment(c, a, reports.WriteStaffImportTemplate(a, t))
}

func (s *Server) importStaff(c *gin.Context) {
	defer s.countUpload(c, metrics.UploadStaff)
	lang := workbookLang(c)
	data, _, err := readUpload(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	parsed, err := parseWorkbook(func() ([]reports.StaffRow, error) {
		return reports.ReadStaffImport(bytes.NewReader(data), uploadLimits(lang))
	})
	var perr *reports.ParseError
	if err != nil && !errors.As(err, &perr) {
		s.fail(c, s.unreadableWorkbook(c, data, err))
		return
	}
	rows := make([]models.StaffImportRow, len(parsed))
	for i, r := range parsed {
		rows[i] = models.StaffImportRow{Row: r.Row, EmployeeNo: r.EmployeeNo, Name: r.Name, Department: r.DepartmentCode,
			Role: r.Role, EmploymentType: r.EmploymentType, Phone: r.Phone, Password: r.Password}
		if r.Active != nil {
			rows[i].Active = strings.ToLower(fmt.Sprint(*r.Active))
		}
		if r.Appraised != nil {
			rows[i].Appraised = strings.ToLower(fmt.Sprint(*r.Appraised))
		}
	}
	ctx, a := c.Request.Context(), actor(c)
	if perr != nil {
		checked, err := s.store.CheckStaffImport(ctx, a, rows)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.fail(c, books.UploadProblems(perr.Problems, checked, lang))
		return
	}
	async := len(rows) >= asyncImportRows
	switch c.Query("async") {
	case "true":
		async = true
	case "", "false":
	default:
		s.fail(c, models.Invalid(models.FieldProblem{Field: "async", Message: pick(lang, "只能是 true 或 false", "must be true or false")}))
		return
	}
	if async {
		// Check now (no bcrypt: quick), so that a bad file is still a 422
		// in the answer; the job checks again as it writes.
		checked, err := s.store.CheckStaffImport(ctx, a, rows)
		if err != nil {
			s.fail(c, err)
			return
		}
		if len(checked) > 0 {
			s.fail(c, books.UploadProblems(nil, checked, lang))
			return
		}
		s.startImportJob(c, a, rows, lang)
		return
	}
	sum, err := s.store.ImportStaff(ctx, a, rows)
	if err != nil {
		s.fail(c, books.StoreProblems(err, lang))
		return
	}
	c.JSON(http.StatusOK, sum)
}
