package models

import (
	"context"

	"firstask/scoring"
)

// ResultsTemplateRow is one active staff member in a month's results
// template, with the score of the month's current upload when there is one.
type ResultsTemplateRow struct {
	StaffID        int64
	EmployeeNo     string
	Name           string
	DepartmentID   int64
	DepartmentCode string
	DepartmentName string
	Score          *float64
	Note           string
}

// ResultsTemplate lists the active staff to fill in a month's results:
// everyone in the caller's scope, or one department and its
// sub-departments when departmentID is not 0 (404 outside the scope).
// Rows come ordered by department code, then employee number.
func (s *Store) ResultsTemplate(ctx context.Context, a Actor, month scoring.Month, departmentID int64) ([]ResultsTemplateRow, error) {
	var out []ResultsTemplateRow
	err := s.read(ctx, a, func(tx *Tx) error {
		depts, err := tx.departmentsFor(a, departmentID)
		if err != nil {
			return err
		}
		q := tx.db.Table("staff AS s").
			Select("s.id AS staff_id, s.employee_no, s.name, s.department_id, d.code AS department_code, d.name AS department_name").
			Joins("JOIN departments d ON d.id = s.department_id").
			Where("s.active = ? AND s.appraised = ?", true, true)
		if depts != nil {
			q = q.Where("s.department_id IN ?", depts)
		}
		if err := q.Order("d.code, s.employee_no").Find(&out).Error; err != nil {
			return err
		}
		bases, err := tx.uploadedBases(month)
		if err != nil {
			return err
		}
		for i := range out {
			if b, ok := bases[out[i].StaffID]; ok {
				score := b.Score
				out[i].Score, out[i].Note = &score, b.Note
			}
		}
		return nil
	})
	return out, err
}
