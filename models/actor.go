package models

import "slices"

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
