package api

import (
	"iter"
	"strings"

	"github.com/gin-gonic/gin"

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
	records := withNotes(ex.Records(), func(keys []models.RecordKey) (map[models.RecordKey]string, error) {
		return s.store.RecordNotes(c.Request.Context(), actor(c), keys)
	})
	wb := appraisalBook(ex.MonthScores, records, depts, deptID, lang)
	wb.Service = serviceRows(ex.Service)
	wb.Organisation = s.opts.Organisation
	wb.GeneratedAt = s.opts.Now().In(s.store.Location())
	wb.Location = s.store.Location()
	ascii := "appraisal-" + month.String()
	name := pick(lang, "月度考核表-", "appraisal-") + month.String()
	if wb.Department != "" {
		name += "-" + wb.Department
		ascii += "-" + departmentCode(depts, deptID)
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
	l := string(lang)
	p := reports.PersonalSheet{
		Organisation: s.opts.Organisation, Month: month.String(), Closed: ms.Closed, Lang: lang,
		EmployeeNo: r.EmployeeNo, Name: r.Name, Department: r.DepartmentName,
		Base: r.Base, BaseUploaded: r.BaseUploaded, Deductions: r.Deductions, Additions: r.Additions,
		Final: r.Final, Grade: r.Grade.Label(l), HighestSanction: sanctionLabel(r.HighestSanction, l),
		BonusDeductionPercent: r.BonusDeductionPercent,
		Location:              s.store.Location(), GeneratedAt: s.opts.Now(),
	}
	if p.Grade != string(r.Grade) {
		p.Grade = string(r.Grade) + " " + p.Grade
	}
	states := make(map[models.RecordKey]string, len(ms.Records))
	for _, rec := range ms.Records {
		states[models.RecordKey{Kind: rec.Kind, ID: rec.ID}] = rec.State
	}
	for _, it := range r.Items {
		pi := reports.PersonalItem{Date: it.OccurredAt, Description: itemDescription(it, lang), Points: it.Points, Reason: it.Note,
			State: recordStateLabel(states[models.RecordKey{Kind: it.Kind, ID: it.RecordID}], lang)}
		if it.CarriedOverFrom != nil {
			pi.FromMonth = it.CarriedOverFrom.String()
		}
		p.Items = append(p.Items, pi)
	}
	ascii := "appraisal-" + r.EmployeeNo + "-" + month.String() + ".xlsx"
	att := newAttachment(c, pick(lang, "个人考核单-", "appraisal-")+r.Name+"-"+month.String()+".xlsx", asciiName(ascii))
	s.finishAttachment(c, att, reports.WritePersonalSheet(att, p))
}

// notesBatch is how many records of 明细 get their 事由 in one read.
const notesBatch = 2000

// withNotes hands the records over with their free text (CountedRecord.Note)
// read a batch at a time, so that the export never holds every record's
// description at once. A failed read leaves the notes of its batch empty
// (the download has begun by then; the figures are still right).
func withNotes(records iter.Seq[*models.CountedRecord], read func([]models.RecordKey) (map[models.RecordKey]string, error)) iter.Seq[*models.CountedRecord] {
	return func(yield func(*models.CountedRecord) bool) {
		batch := make([]models.CountedRecord, 0, notesBatch)
		keys := make([]models.RecordKey, 0, notesBatch)
		flush := func() bool {
			notes, _ := read(keys)
			for i := range batch {
				batch[i].Note = notes[keys[i]]
				if !yield(&batch[i]) {
					return false
				}
			}
			batch, keys = batch[:0], keys[:0]
			return true
		}
		for rec := range records {
			batch = append(batch, *rec)
			keys = append(keys, models.RecordKey{Kind: rec.Kind, ID: rec.ID})
			if len(batch) == notesBatch && !flush() {
				return
			}
		}
		if len(batch) > 0 {
			flush()
		}
	}
}
