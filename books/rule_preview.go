package books

import (
	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// RulePreview turns a rule preview (every person of each month, the
// changed first) into the 规则变更预览 workbook's display-ready content; the
// API and the rule preview page both download it.
func RulePreview(p models.RulePreview, lang reports.Lang) reports.RulePreviewWorkbook {
	l := string(lang)
	wb := reports.RulePreviewWorkbook{Lang: lang}
	for i, g := range scoring.AllGrades {
		wb.GradeLabels[i] = g.Label(l)
	}
	figures := func(o models.PreviewOutcome) reports.PreviewFigures {
		return reports.PreviewFigures{Final: o.Final, Grade: o.Grade.Label(l), Sanction: o.HighestSanction.Label(l), Bonus: o.BonusDeductionPercent}
	}
	for _, m := range p.Months {
		pm := reports.PreviewMonth{Month: m.Month.String(), Closed: m.Closed, RuleVersion: m.RuleVersion, People: m.People,
			Changed: m.Changed, BonusBefore: m.BonusWithheldBefore, BonusAfter: m.BonusWithheldAfter}
		for i, g := range scoring.AllGrades {
			pm.GradesBefore[i], pm.GradesAfter[i] = m.GradesBefore[g], m.GradesAfter[g]
		}
		for _, d := range m.Departments {
			pm.Departments = append(pm.Departments, reports.PreviewDepartment{Name: d.DepartmentName, Headcount: d.Headcount,
				AverageBefore: d.AverageBefore, AverageAfter: d.AverageAfter})
		}
		for i, e := range m.Everyone {
			pm.Rows = append(pm.Rows, reports.PreviewRow{EmployeeNo: e.EmployeeNo, Name: e.Name, Department: e.DepartmentName,
				Before: figures(e.Before), After: figures(e.After), Changed: i < m.Changed})
		}
		wb.Months = append(wb.Months, pm)
	}
	return wb
}
