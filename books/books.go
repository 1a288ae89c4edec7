// Package books turns the Store's answers into the workbooks' display-ready
// content (wording, labels, layout order) for reports to write; the API and
// the pages both use it, so a workbook is the same whichever door it came
// through.
package books

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// The appraisal workbooks' wording: how scores, records and service
// figures read in each language. The handlers (api/appraisal_handlers.go,
// web) only fetch and stream.

// pick chooses the text of the language.
func pick(lang reports.Lang, zh, en string) string {
	if lang == reports.LangEN {
		return en
	}
	return zh
}

// DepartmentCode is a department's code for the plain file name.
func DepartmentCode(depts []models.Department, id int64) string {
	for _, d := range depts {
		if d.ID == id {
			return d.Code
		}
	}
	return fmt.Sprint(id)
}

// Appraisal turns a month's scores and its counted records into the
// workbook's display-ready content in the language asked for; the records
// are ranged over once, as the details are written.
func Appraisal(ms models.MonthScores, records iter.Seq[*models.CountedRecord], depts []models.Department, deptID int64, lang reports.Lang) reports.AppraisalWorkbook {
	l := string(lang)
	wb := reports.AppraisalWorkbook{Month: ms.Month.String(), Closed: ms.Closed, Lang: lang}
	for i, g := range []scoring.Grade{scoring.GradeA, scoring.GradeB, scoring.GradeC, scoring.GradeD} {
		wb.GradeLabels[i] = g.Label(l)
	}
	if deptID != 0 {
		for _, d := range depts {
			if d.ID == deptID {
				wb.Department = d.Name
			}
		}
	}
	order := map[int64]int{}
	for i, d := range depts { // departments listed by code
		order[d.ID] = i
	}
	byDept := map[int64]*reports.DepartmentSummary{}
	var deptOrder []int64
	staff := make(map[int64]*models.StaffScore, len(ms.Results))
	wb.Rows = make([]reports.AppraisalRow, len(ms.Results))
	for i := range ms.Results {
		r := &ms.Results[i]
		staff[r.ID] = r
		wb.Rows[i] = reports.AppraisalRow{
			Seq: i + 1, EmployeeNo: r.EmployeeNo, Name: r.Name, Department: r.DepartmentName,
			Base: r.Base, ViolationCount: r.ViolationCount, Deductions: r.Deductions,
			PraiseCount: r.PraiseCount, Additions: r.Additions, Final: r.Final,
			Grade: string(r.Grade), HighestSanction: SanctionLabel(r.HighestSanction, l),
			BonusDeductionPercent: r.BonusDeductionPercent, Note: appraisalNote(&r.Result, lang),
		}
		d := byDept[r.DepartmentID]
		if d == nil {
			d = &reports.DepartmentSummary{Name: r.DepartmentName}
			byDept[r.DepartmentID] = d
			deptOrder = append(deptOrder, r.DepartmentID)
		}
		d.Headcount++
		d.AverageFinal += r.Final // a sum until divided below
		if gi := r.Grade.Index(); gi >= 0 {
			d.GradeCounts[gi]++
		}
		d.TotalDeductions += r.Deductions
		d.TotalAdditions += r.Additions
	}
	slices.SortFunc(deptOrder, func(x, y int64) int { return order[x] - order[y] })
	for _, id := range deptOrder {
		d := byDept[id]
		d.AverageFinal /= float64(d.Headcount)
		wb.Departments = append(wb.Departments, *d)
	}
	wb.Details = func(yield func(reports.DetailRow) bool) {
		for rec := range records {
			row := reports.DetailRow{
				Date: rec.OccurredAt, Kind: rec.Kind.Label(l), Points: rec.Points,
				InquiryRef: rec.InquiryRef, State: recordStateLabel(rec.State, lang), Reason: rec.Note,
			}
			if st := staff[rec.StaffID]; st != nil {
				row.EmployeeNo, row.Name, row.Department = st.EmployeeNo, st.Name, st.DepartmentName
			}
			switch {
			case rec.PraiseKind != "":
				row.Type = rec.PraiseKind.Label(l)
			case rec.ViolationType != "":
				row.Type = rec.ViolationType.Label(l)
			}
			if rec.Capped { // as the personal sheet says it (ItemDescription)
				row.Type += " · " + pick(lang, "超出月度加分上限", "over the monthly praise cap")
			}
			if rec.Severity != "" {
				row.Severity = rec.Severity.Label(l)
			}
			row.Sanction = SanctionLabel(rec.Sanction, l)
			if rec.CarriedOverFrom != nil {
				row.CarriedOver = pick(lang, "自 "+rec.CarriedOverFrom.String()+" 结转", "carried over from "+rec.CarriedOverFrom.String())
			}
			if !yield(row) {
				return
			}
		}
	}
	return wb
}

// AppraisalOf is the appraisal workbook of one export: its scores, its
// records with their notes and refs (read a batch at a time through notes,
// see WithNotes), its departments and service figures, titled for the
// organisation and generated at now, dates in loc. The API and the pages
// export through it, so both doors write the same workbook the same way.
func AppraisalOf(ex models.AppraisalExport, notes func([]models.RecordKey) (map[models.RecordKey]models.RecordNote, error),
	lang reports.Lang, organisation string, now time.Time, loc *time.Location) reports.AppraisalWorkbook {
	wb := Appraisal(ex.MonthScores, WithNotes(ex.Records(), notes), ex.Departments, ex.DepartmentID, lang)
	wb.DetailCount = ex.RecordCount()
	wb.Service = ServiceRows(ex.Service)
	wb.Organisation = organisation
	wb.GeneratedAt = now.In(loc)
	wb.Location = loc
	return wb
}

// ServiceRows lays out the service bulletin: departments, then people.
func ServiceRows(m models.ServiceMetrics) []reports.ServiceRow {
	out := make([]reports.ServiceRow, 0, len(m.Departments)+len(m.People))
	line := func(level string, f models.ServiceFigures) reports.ServiceRow {
		return reports.ServiceRow{
			Level: level, Department: f.DepartmentName, Name: f.Name, Received: f.Received, Referred: f.Referred,
			OnTimeHandover: models.Rate(f.HandoverMet, f.HandoverDecided),
			OnTimeContact:  models.Rate(f.ContactMet, f.ContactDecided),
			OnTimeFeedback: models.Rate(f.FeedbackMet, f.FeedbackDecided),
			Satisfaction:   models.Rate(f.Satisfied, f.Answered),
		}
	}
	for _, f := range m.Departments {
		out = append(out, line(reports.ServiceLevelDepartment, f))
	}
	for _, f := range m.People {
		out = append(out, line(reports.ServiceLevelPerson, f))
	}
	return out
}

// SanctionLabel is a sanction's display name, empty for none.
func SanctionLabel(s scoring.Sanction, lang string) string {
	if s == scoring.SanctionNone {
		return ""
	}
	return s.Label(lang)
}

// appraisalNote explains what the figures alone do not: a default base, a
// vetoed top grade, corrections.
func appraisalNote(r *scoring.Result, lang reports.Lang) string {
	var notes []string
	if !r.BaseUploaded {
		notes = append(notes, pick(lang, "基础分取默认值", "default base score"))
	}
	if r.GradeVetoed {
		notes = append(notes, pick(lang, "受处分影响不评优秀", "top grade withheld by a sanction"))
	}
	if r.CorrectionCount > 0 {
		notes = append(notes, pick(lang, fmt.Sprintf("含更正 %d 条", r.CorrectionCount), fmt.Sprintf("%d correction(s)", r.CorrectionCount)))
	}
	return strings.Join(notes, pick(lang, "；", "; "))
}

// recordStateLabel names a counted record's state.
func recordStateLabel(state string, lang reports.Lang) string {
	zh, en := map[string]string{
		"verified": "已查实", "appealed": "申诉中", "upheld": "申诉驳回", "overturned": "已撤销", models.PraiseRecorded: "已记录",
	}, map[string]string{
		"verified": "Verified", "appealed": "Under appeal", "upheld": "Upheld", "overturned": "Overturned", models.PraiseRecorded: "Recorded",
	}
	m := zh
	if lang == reports.LangEN {
		m = en
	}
	if v, ok := m[state]; ok {
		return v
	}
	return state
}

// ItemDescription words one applied record for the personal sheet (the
// month it came from goes to 备注, PersonalItem.FromMonth).
func ItemDescription(it scoring.Item, lang reports.Lang) string {
	l := string(lang)
	parts := []string{it.Kind.Label(l)}
	switch {
	case it.PraiseKind != "":
		parts = append(parts, it.PraiseKind.Label(l))
	case it.ViolationType != "":
		parts = append(parts, it.ViolationType.Label(l))
	}
	if it.Severity != "" {
		parts = append(parts, it.Severity.Label(l))
	}
	if it.Sanction != scoring.SanctionNone {
		parts = append(parts, it.Sanction.Label(l))
	}
	if it.Capped {
		parts = append(parts, pick(lang, "超出月度加分上限", "over the monthly praise cap"))
	}
	return strings.Join(parts, " · ")
}

// ASCIIName keeps the printable ASCII of a file name for the plain
// filename parameter (quotes and backslashes dropped).
func ASCIIName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}

// PersonalSheet is one person's signed sheet for a month from MonthScoresOf
// (ms holds that person alone): figures, and each applied record with its
// description, reason, state and, for carried-over lines, the month it came
// from. The API and the pages write the same sheet from it.
func PersonalSheet(ms models.MonthScores, organisation string, lang reports.Lang, loc *time.Location, now time.Time) reports.PersonalSheet {
	r := ms.Results[0]
	l := string(lang)
	p := reports.PersonalSheet{
		Organisation: organisation, Month: ms.Month.String(), Closed: ms.Closed, Lang: lang,
		EmployeeNo: r.EmployeeNo, Name: r.Name, Department: r.DepartmentName,
		Base: r.Base, BaseUploaded: r.BaseUploaded, Deductions: r.Deductions, Additions: r.Additions,
		Final: r.Final, Grade: r.Grade.Label(l), HighestSanction: SanctionLabel(r.HighestSanction, l),
		BonusDeductionPercent: r.BonusDeductionPercent,
		Location:              loc, GeneratedAt: now,
	}
	if p.Grade != string(r.Grade) {
		p.Grade = string(r.Grade) + " " + p.Grade
	}
	states := make(map[models.RecordKey]string, len(ms.Records))
	for _, rec := range ms.Records {
		states[models.RecordKey{Kind: rec.Kind, ID: rec.ID}] = rec.State
	}
	for _, it := range r.Items {
		pi := reports.PersonalItem{Date: it.OccurredAt, Description: ItemDescription(it, lang), Points: it.Points, Reason: it.Note,
			State: recordStateLabel(states[models.RecordKey{Kind: it.Kind, ID: it.RecordID}], lang)}
		if it.CarriedOverFrom != nil {
			pi.FromMonth = it.CarriedOverFrom.String()
		}
		p.Items = append(p.Items, pi)
	}
	return p
}

// notesBatch is how many records of 明细 get their 事由 in one read.
const notesBatch = 2000

// notedBatch is a batch of records with their notes filled in.
type notedBatch []models.CountedRecord

// WithNotes hands the records over with their free text (CountedRecord.Note)
// and, where the record lacks it, its inquiry's ref (InquiryRef), read a
// batch at a time, so that the export never holds every record's
// description at once. The next batch is gathered and its notes read on
// another goroutine while the caller writes the current one (the database
// read overlaps the workbook's XML), so at most three batches are held. A
// failed read leaves the notes of its batch empty (the download has begun
// by then; the figures are still right). The records are ranged over on
// that goroutine, which ends before WithNotes' sequence returns, also when
// the caller stops early.
func WithNotes(records iter.Seq[*models.CountedRecord], read func([]models.RecordKey) (map[models.RecordKey]models.RecordNote, error)) iter.Seq[*models.CountedRecord] {
	return func(yield func(*models.CountedRecord) bool) {
		batches := make(chan notedBatch, 1)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(batches)
			batch := make(notedBatch, 0, notesBatch)
			keys := make([]models.RecordKey, 0, notesBatch)
			send := func() bool {
				notes, _ := read(keys)
				for i := range batch {
					n := notes[keys[i]]
					batch[i].Note = n.Text
					if batch[i].InquiryRef == "" {
						batch[i].InquiryRef = n.InquiryRef
					}
				}
				select {
				case batches <- batch:
				case <-stop:
					return false
				}
				batch, keys = make(notedBatch, 0, notesBatch), keys[:0]
				return true
			}
			for rec := range records {
				batch = append(batch, *rec)
				keys = append(keys, models.RecordKey{Kind: rec.Kind, ID: rec.ID})
				if len(batch) == notesBatch && !send() {
					return
				}
			}
			if len(batch) > 0 {
				send()
			}
		}()
		defer wg.Wait()
		defer close(stop)
		for batch := range batches {
			for i := range batch {
				if !yield(&batch[i]) {
					return
				}
			}
		}
	}
}
