package models

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Department is a unit of the organisation (部门 / 窗口部门), in a tree.
type Department struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	ParentID  *int64    `json:"parent_id"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DepartmentInput is what a caller may set on a department. Nil fields are
// left unchanged by an update.
type DepartmentInput struct {
	Code     *string `json:"code"`
	Name     *string `json:"name"`
	ParentID *int64  `json:"parent_id"`
	Active   *bool   `json:"active"`
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)

func (in DepartmentInput) validate(creating bool) error {
	var v Validation
	if creating {
		v.Check(in.Code != nil, "code", "is required")
		v.Check(in.Name != nil, "name", "is required")
	}
	if in.Code != nil {
		v.Check(codeRE.MatchString(*in.Code), "code", "must be 1–32 letters, digits, '_', '.' or '-'")
	}
	if in.Name != nil {
		n := strings.TrimSpace(*in.Name)
		v.Check(n != "" && utf8.RuneCountInString(n) <= 100, "name", "must be 1–100 characters")
	}
	if in.ParentID != nil {
		v.Check(*in.ParentID > 0, "parent_id", "must be a department id")
	}
	return v.Err()
}

// ListDepartments returns every department ordered by code.
func (s *Store) ListDepartments(ctx context.Context, a Actor) ([]Department, error) {
	var out []Department
	err := s.read(ctx, a, func(tx *Tx) error {
		return tx.db.Order("code").Find(&out).Error
	})
	return out, err
}

// CreateDepartment adds a department.
func (s *Store) CreateDepartment(ctx context.Context, a Actor, in DepartmentInput) (Department, error) {
	if err := in.validate(true); err != nil {
		return Department{}, err
	}
	d := Department{Code: *in.Code, Name: strings.TrimSpace(*in.Name), ParentID: in.ParentID, Active: true}
	if in.Active != nil {
		d.Active = *in.Active
	}
	err := s.write(ctx, a, func(tx *Tx) error {
		if d.ParentID != nil {
			if _, err := tx.department(*d.ParentID); err != nil {
				return Invalid(FieldProblem{"parent_id", "no such department"})
			}
		}
		d.CreatedAt, d.UpdatedAt = tx.now, tx.now
		if err := tx.db.Create(&d).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Errorf(EConflict, "department code %q is already used", d.Code)
			}
			return err
		}
		tx.audit("department.create", "department", d.ID, nil, d)
		return nil
	})
	return d, err
}

// UpdateDepartment changes a department; moving it under one of its own
// descendants is refused.
func (s *Store) UpdateDepartment(ctx context.Context, a Actor, id int64, in DepartmentInput) (Department, error) {
	if err := in.validate(false); err != nil {
		return Department{}, err
	}
	var d Department
	err := s.write(ctx, a, func(tx *Tx) error {
		var err error
		if d, err = tx.department(id); err != nil {
			return err
		}
		before := d
		if in.Code != nil {
			d.Code = *in.Code
		}
		if in.Name != nil {
			d.Name = strings.TrimSpace(*in.Name)
		}
		if in.Active != nil {
			d.Active = *in.Active
		}
		if in.ParentID != nil {
			if _, err := tx.department(*in.ParentID); err != nil {
				return Invalid(FieldProblem{"parent_id", "no such department"})
			}
			sub, err := tx.departmentSubtree(id)
			if err != nil {
				return err
			}
			for _, x := range sub {
				if x == *in.ParentID {
					return Invalid(FieldProblem{"parent_id", "a department cannot be moved under itself or its sub-departments"})
				}
			}
			d.ParentID = in.ParentID
		}
		d.UpdatedAt = tx.now
		if err := tx.db.Select("*").Updates(&d).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Errorf(EConflict, "department code %q is already used", d.Code)
			}
			return err
		}
		tx.audit("department.update", "department", d.ID, before, d)
		return nil
	})
	return d, err
}

func (tx *Tx) department(id int64) (Department, error) {
	var d Department
	err := tx.db.Where("id = ?", id).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, Errorf(ENotFound, "department %d not found", id)
	}
	return d, err
}
