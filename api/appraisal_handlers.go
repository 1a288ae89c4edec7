package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// appraisalWorkbook streams the month's appraisal workbook (月度考核表):
// everyone for HR and admin (or one department and its sub-departments),
// a supervisor's own department always. A closed month shows its closing
// snapshot, an open one the live provisional figures.
func (s *Server) appraisalWorkbook(c *gin.Context) {
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
	lang := workbookLang(c)
	ex, err := s.store.AppraisalExport(c.Request.Context(), actor(c), month, deptID)
	if err != nil {
		s.fail(c, err)
		return
	}
	depts, deptID := ex.Departments, ex.DepartmentID
	wb := books.AppraisalOf(ex, func(keys []models.RecordKey) (map[models.RecordKey]models.RecordNote, error) {
		return s.store.RecordNotes(c.Request.Context(), actor(c), keys)
	}, lang, s.opts.Organisation, s.opts.Now(), s.store.Location())
	ascii := "appraisal-" + month.String()
	name := pick(lang, "月度考核表-", "appraisal-") + month.String()
	if wb.Department != "" {
		name += "-" + wb.Department
		ascii += "-" + books.DepartmentCode(depts, deptID)
	}
	att := newAttachment(c, name+".xlsx", ascii+".xlsx")
	s.finishAttachment(c, att, reports.WriteAppraisal(att, wb))
}

// staffAppraisal streams one person's personal sheet for a month (HR and
// admin: anyone; supervisors: their department's people).
func (s *Server) staffAppraisal(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.personalSheet(c, id)
}

// myAppraisal streams the caller's own personal sheet for a month.
func (s *Server) myAppraisal(c *gin.Context) { s.personalSheet(c, actor(c).StaffID) }

func (s *Server) personalSheet(c *gin.Context, staffID int64) {
	raw, ok := strings.CutSuffix(c.Param("month.xlsx"), ".xlsx")
	month, err := scoring.ParseMonth(raw)
	if !ok || err != nil {
		s.failCode(c, models.ENotFound, "no such workbook: %q (months are YYYY-MM)", c.Param("month.xlsx"))
		return
	}
	if start := month.Start(s.store.Location()); s.opts.Now().Before(start) {
		// A month that has not begun has nothing to sign: no sheet.
		s.failCode(c, models.ENotFound, "no appraisal for %s yet: the month begins on %s", month, start.Format("2006-01-02"))
		return
	}
	lang := workbookLang(c)
	ms, err := s.store.MonthScoresOf(c.Request.Context(), actor(c), month, staffID)
	if err != nil {
		s.fail(c, err)
		return
	}
	r := ms.Results[0]
	p := books.PersonalSheet(ms, s.opts.Organisation, lang, s.store.Location(), s.opts.Now())
	ascii := "appraisal-" + r.EmployeeNo + "-" + month.String() + ".xlsx"
	att := newAttachment(c, pick(lang, "个人考核单-", "appraisal-")+r.Name+"-"+month.String()+".xlsx", books.ASCIIName(ascii))
	s.finishAttachment(c, att, reports.WritePersonalSheet(att, p))
}
