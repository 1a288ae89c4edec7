package models

import (
	"slices"

	"gorm.io/gorm"
)

// Role is what a signed-in person may do.
type Role string

// The roles, from least to most powerful.
const (
	RoleStaff      Role = "staff"
	RoleSupervisor Role = "supervisor"
	RoleHR         Role = "hr"
	RoleAdmin      Role = "admin"
)

// AllRoles lists every role.
var AllRoles = []Role{RoleStaff, RoleSupervisor, RoleHR, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// SeesEveryone reports whether the role's scope is the whole organisation.
func (r Role) SeesEveryone() bool { return r == RoleHR || r == RoleAdmin }

// Actor is who performs a call: the signed-in staff member and the request
// it came with. The zero Actor is the system itself (timers, start-up).
type Actor struct {
	StaffID      int64
	Role         Role
	DepartmentID int64
	RequestID    string
}

// System is the actor of work nobody asked for directly (SLA scans, seeding).
func System(requestID string) Actor { return Actor{RequestID: requestID} }

// IsSystem reports whether the actor is the system.
func (a Actor) IsSystem() bool { return a.StaffID == 0 }

// Scope is the part of the organisation an actor may see: everyone, a set
// of departments (a supervisor's subtree), or only themselves.
type Scope struct {
	All           bool
	DepartmentIDs []int64
	StaffID       int64
}

// CoversDepartment reports whether the department lies in the scope.
func (sc Scope) CoversDepartment(id int64) bool {
	return sc.All || slices.Contains(sc.DepartmentIDs, id)
}

// scopeOf resolves the actor's scope. Supervisors see their department and
// all of its sub-departments; staff see themselves.
func (tx *Tx) scopeOf(a Actor) (Scope, error) {
	switch {
	case a.IsSystem() || a.Role.SeesEveryone():
		return Scope{All: true, StaffID: a.StaffID}, nil
	case a.Role == RoleSupervisor:
		ids, err := tx.departmentSubtree(a.DepartmentID)
		if err != nil {
			return Scope{}, err
		}
		return Scope{DepartmentIDs: ids, StaffID: a.StaffID}, nil
	default:
		return Scope{StaffID: a.StaffID}, nil
	}
}

// departmentSubtree returns root and every department below it.
func (tx *Tx) departmentSubtree(root int64) ([]int64, error) {
	var rows []struct{ ID, ParentID int64 }
	if err := tx.db.Table("departments").Select("id, COALESCE(parent_id, 0) AS parent_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	children := map[int64][]int64{}
	for _, r := range rows {
		children[r.ParentID] = append(children[r.ParentID], r.ID)
	}
	out := []int64{root}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// staffScopeQuery restricts a query on a table with the given staff and
// department columns to the scope: departmentCol may be "" when the table has
// none, in which case supervisors are limited through the staff table.
func staffScopeQuery(q *gorm.DB, sc Scope, staffCol string) *gorm.DB {
	switch {
	case sc.All:
		return q
	case len(sc.DepartmentIDs) > 0:
		return q.Where(staffCol+" IN (SELECT id FROM staff WHERE department_id IN ?)", sc.DepartmentIDs)
	default:
		return q.Where(staffCol+" = ?", sc.StaffID)
	}
}

// Scope resolves the actor's scope (for the api's own checks).
func (s *Store) Scope(a Actor) (Scope, error) {
	tx := &Tx{db: s.db, now: s.Now(), actor: a, store: s}
	return tx.scopeOf(a)
}
