package models

import "context"

// ReferralTarget is a colleague a matter may be handed to: an id and a name
// only, so that anyone who registers inquiries can pick one without being
// allowed to list staff (whose records hold personal data).
type ReferralTarget struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ReferralTargets lists the active staff of a department by name, for the
// referral picker. Every signed-in actor may ask; an unknown or inactive
// department is not found.
func (s *Store) ReferralTargets(ctx context.Context, a Actor, departmentID int64) ([]ReferralTarget, error) {
	var v Validation
	v.Check(departmentID > 0, "department_id", "is required")
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := []ReferralTarget{}
	err := s.read(ctx, a, func(tx *Tx) error {
		d, err := tx.department(departmentID)
		if err != nil {
			return err
		}
		if !d.Active {
			return Errorf(ENotFound, "department %d not found", departmentID)
		}
		return tx.db.Model(&Staff{}).Select("id, name").
			Where("department_id = ? AND active = ?", departmentID, true).
			Order("name, id").Find(&out).Error
	})
	return out, err
}
