package models

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
				return missingAs(err, "parent_id", "no such department")
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
		if in.ParentID != nil {
			// Lock and check first, so the row read below is the latest.
			if err := tx.checkReparent(id, *in.ParentID); err != nil {
				return err
			}
		}
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

// checkReparent checks that department id may move under parent, with
// every department row locked in id order first: two concurrent moves (A
// under B, B under A) each passed a cycle check made on what they read
// before the other committed (MariaDB's consistent read), and both
// committed a cycle. With the rows locked, the second move waits for the
// first, then reads the tree as committed (a locking read sees the latest
// rows) and refuses the cycle. The departments table is small, so locking
// all of it costs little; the fixed order rules out deadlocks between
// moves. SQLite serialises writers anyway (_txlock=immediate).
func (tx *Tx) checkReparent(id, parent int64) error {
	var rows []struct{ ID, ParentID int64 }
	if err := tx.db.Table("departments").Clauses(clause.Locking{Strength: "UPDATE"}).
		Select("id, COALESCE(parent_id, 0) AS parent_id").Order("id").Find(&rows).Error; err != nil {
		return err
	}
	children := map[int64][]int64{}
	exists, found := false, false
	for _, r := range rows {
		children[r.ParentID] = append(children[r.ParentID], r.ID)
		exists = exists || r.ID == parent
		found = found || r.ID == id
	}
	if !found {
		return Errorf(ENotFound, "department %d not found", id)
	}
	if !exists {
		return Invalid(FieldProblem{"parent_id", "no such department"})
	}
	sub := []int64{id}
	for i := 0; i < len(sub); i++ {
		if sub[i] == parent {
			return Invalid(FieldProblem{"parent_id", "a department cannot be moved under itself or its sub-departments"})
		}
		sub = append(sub, children[sub[i]]...)
	}
	return nil
}

func (tx *Tx) department(id int64) (Department, error) {
	var d Department
	err := tx.db.Where("id = ?", id).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, Errorf(ENotFound, "department %d not found", id)
	}
	return d, err
}
