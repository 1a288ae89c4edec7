package models

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// EmploymentType says how a person is employed.
type EmploymentType string

// Employment types: regular staff and dispatched workers (派遣人员), who
// carry the same first-inquiry duty.
const (
	EmploymentRegular    EmploymentType = "regular"
	EmploymentDispatched EmploymentType = "dispatched"
)

// Staff is a member of staff and also the login account (employee_no).
type Staff struct {
	ID             int64          `json:"id"`
	EmployeeNo     string         `json:"employee_no"`
	Name           string         `json:"name"`
	DepartmentID   int64          `json:"department_id"`
	Role           Role           `json:"role"`
	EmploymentType EmploymentType `json:"employment_type"`
	Phone          string         `json:"phone"`
	Active         bool           `json:"active"`
	// Appraised is false for people left out of the monthly appraisal
	// (the bootstrap admin, and whoever HR exempts): no template row, no
	// score, no line in the workbooks or the headcount.
	Appraised    bool      `json:"appraised" gorm:"default:true"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TableName names the staff table.
func (Staff) TableName() string { return "staff" }

// auditView is what the audit log keeps of a staff member: never the hash.
func (s Staff) auditView() map[string]any {
	return map[string]any{
		"employee_no": s.EmployeeNo, "name": s.Name, "department_id": s.DepartmentID,
		"role": s.Role, "employment_type": s.EmploymentType, "phone": s.Phone, "active": s.Active,
		"appraised": s.Appraised,
	}
}

// StaffInput is what HR sets on a staff member. Nil fields stay unchanged
// on update.
type StaffInput struct {
	EmployeeNo     *string         `json:"employee_no"`
	Name           *string         `json:"name"`
	DepartmentID   *int64          `json:"department_id"`
	Role           *Role           `json:"role"`
	EmploymentType *EmploymentType `json:"employment_type"`
	Phone          *string         `json:"phone"`
	Active         *bool           `json:"active"`
	Appraised      *bool           `json:"appraised"`
	Password       *string         `json:"password"`

	// passwordHash (and generatedPassword, when none was given) are worked
	// out before the write transaction so that bcrypt never runs while
	// SQLite's write lock is held.
	passwordHash, generatedPassword string
}

// hashPassword fills in.passwordHash outside any transaction, generating
// a password when creating without one.
func (in *StaffInput) hashPassword(cost int, creating bool) error {
	if in.Password == nil && creating {
		in.generatedPassword = GeneratePassword()
		in.Password = &in.generatedPassword
	}
	if in.Password == nil {
		return nil
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(*in.Password), cost)
	in.passwordHash = string(hash)
	return err
}

// Password rules.
const (
	MinPasswordLength = 8
	MaxPasswordBytes  = 72 // bcrypt's limit: longer is an error, never truncated
)

var employeeNoRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`)

// ValidEmployeeNo reports whether s is a well-formed employee number.
func ValidEmployeeNo(s string) bool { return employeeNoRE.MatchString(s) }

func checkPassword(v *Validation, field, p string) {
	switch {
	case utf8.RuneCountInString(p) < MinPasswordLength:
		v.Add(field, "must be at least %d characters", MinPasswordLength)
	case len(p) > MaxPasswordBytes:
		v.Add(field, "must be at most %d bytes", MaxPasswordBytes)
	}
}

func (in StaffInput) validate(creating bool) error {
	var v Validation
	if creating {
		v.Check(in.EmployeeNo != nil, "employee_no", "is required")
		v.Check(in.Name != nil, "name", "is required")
		v.Check(in.DepartmentID != nil, "department_id", "is required")
	}
	if in.EmployeeNo != nil {
		// One form everywhere (see NormalizeEmployeeNo): full-width and
		// padded spellings are taken as the plain number; invisible and
		// control characters are refused.
		no, ok := NormalizeEmployeeNo(*in.EmployeeNo)
		v.Check(ok, "employee_no", "must be 1–32 letters, digits, '_' or '-'")
		if ok {
			*in.EmployeeNo = no
		}
	}
	if in.Name != nil {
		n := NormalizeName(*in.Name)
		v.Check(n != "" && utf8.RuneCountInString(n) <= 64, "name", "must be 1–64 characters")
	}
	if in.Role != nil {
		v.Check(in.Role.Valid(), "role", "must be one of staff, supervisor, hr, admin")
	}
	if in.EmploymentType != nil {
		v.Check(*in.EmploymentType == EmploymentRegular || *in.EmploymentType == EmploymentDispatched,
			"employment_type", "must be regular or dispatched")
	}
	if in.Phone != nil {
		v.Check(utf8.RuneCountInString(*in.Phone) <= 32, "phone", "must be at most 32 characters")
	}
	if in.Password != nil {
		checkPassword(&v, "password", *in.Password)
	}
	return v.Err()
}

// StaffFilter selects staff in a list.
type StaffFilter struct {
	DepartmentID int64
	Role         Role
	Active       *bool
	Query        string
	Page
}

// ListStaff lists staff within the actor's scope.
func (s *Store) ListStaff(ctx context.Context, a Actor, f StaffFilter) ([]Staff, int64, error) {
	var out []Staff
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		q := staffListScope(tx.db.Model(&Staff{}), sc)
		depts, err := tx.departmentsInScope(a, sc, f.DepartmentID)
		if err != nil {
			return err
		}
		if depts != nil {
			q = q.Where("department_id IN ?", depts)
		}
		if f.Role != "" {
			q = q.Where("role = ?", f.Role)
		}
		if f.Active != nil {
			q = q.Where("active = ?", *f.Active)
		}
		if f.Query != "" {
			like := "%" + escapeLike(f.Query) + "%"
			q = q.Where("(name LIKE ? ESCAPE '!' OR employee_no LIKE ? ESCAPE '!')", like, like)
		}
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		return q.Order("employee_no").Offset(f.Offset()).Limit(f.Size).Find(&out).Error
	})
	for i := range out {
		hideStaffPhone(a, &out[i])
	}
	return out, total, err
}

// escapeLike escapes LIKE wildcards with '!' (the same on both databases).
func escapeLike(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(s)
}

// GetStaff returns one staff member within the actor's scope (404 outside).
func (s *Store) GetStaff(ctx context.Context, a Actor, id int64) (Staff, error) {
	var st Staff
	err := s.read(ctx, a, func(tx *Tx) error {
		var err error
		st, err = tx.staffInScope(a, id)
		return err
	})
	hideStaffPhone(a, &st)
	return st, err
}

func (tx *Tx) staff(id int64) (Staff, error) {
	var st Staff
	err := tx.db.Where("id = ?", id).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return st, Errorf(ENotFound, "staff member %d not found", id)
	}
	return st, err
}

// CreatedStaff is a new staff member and, when none was given, the
// generated initial password (shown once).
type CreatedStaff struct {
	Staff
	InitialPassword string `json:"initial_password,omitempty"`
}

// CreateStaff adds a staff member. Only an admin may create hr or admin
// accounts.
func (s *Store) CreateStaff(ctx context.Context, a Actor, in StaffInput) (CreatedStaff, error) {
	if err := in.validate(true); err != nil {
		return CreatedStaff{}, err
	}
	if err := in.hashPassword(s.bcryptCost, true); err != nil {
		return CreatedStaff{}, err
	}
	var out CreatedStaff
	err := s.write(ctx, a, func(tx *Tx) error {
		st, generated, err := tx.createStaff(a, in)
		out = CreatedStaff{Staff: st, InitialPassword: generated}
		return err
	})
	return out, err
}

func (tx *Tx) createStaff(a Actor, in StaffInput) (Staff, string, error) {
	st := Staff{
		EmployeeNo: strings.TrimSpace(*in.EmployeeNo), Name: NormalizeName(*in.Name),
		DepartmentID: *in.DepartmentID, Role: RoleStaff, EmploymentType: EmploymentRegular, Active: true, Appraised: true,
	}
	if in.Role != nil {
		st.Role = *in.Role
	}
	if in.EmploymentType != nil {
		st.EmploymentType = *in.EmploymentType
	}
	if in.Phone != nil {
		st.Phone = strings.TrimSpace(*in.Phone)
	}
	if in.Active != nil {
		st.Active = *in.Active
	}
	if err := tx.checkGrant(a, "", st.Role); err != nil {
		return st, "", err
	}
	if err := tx.checkActiveDepartment(st.DepartmentID); err != nil {
		return st, "", err
	}
	if in.passwordHash == "" {
		if err := in.hashPassword(tx.store.bcryptCost, true); err != nil {
			return st, "", err
		}
	}
	generated := in.generatedPassword
	st.PasswordHash = in.passwordHash
	st.CreatedAt, st.UpdatedAt = tx.now, tx.now
	if err := tx.db.Create(&st).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return st, "", &Error{Code: EConflict, Message: "employee number " + st.EmployeeNo + " is already used",
				Details: []any{FieldProblem{"employee_no", "already used"}}}
		}
		return st, "", err
	}
	if in.Appraised != nil && !*in.Appraised {
		// The column's default (appraised) filled what gorm left out.
		if err := tx.db.Model(&st).Update("appraised", false).Error; err != nil {
			return st, "", err
		}
		st.Appraised = false
	}
	tx.audit("staff.create", "staff", st.ID, nil, st.auditView())
	return st, generated, nil
}

func (tx *Tx) checkActiveDepartment(id int64) error {
	d, err := tx.department(id)
	if err != nil {
		return missingAs(err, "department_id", "no such department")
	}
	if !d.Active {
		return Invalid(FieldProblem{"department_id", "the department is inactive"})
	}
	return nil
}

// UpdateStaff changes a staff member. Deactivating someone or setting a new
// password revokes their tokens; nobody can deactivate or demote themselves.
func (s *Store) UpdateStaff(ctx context.Context, a Actor, id int64, in StaffInput) (Staff, error) {
	if err := in.validate(false); err != nil {
		return Staff{}, err
	}
	if err := in.hashPassword(s.bcryptCost, false); err != nil {
		return Staff{}, err
	}
	var st Staff
	err := s.write(ctx, a, func(tx *Tx) error {
		var err error
		if st, err = tx.staffInScope(a, id); err != nil {
			return err
		}
		before := st.auditView()
		revoke := false
		if in.EmployeeNo != nil && strings.TrimSpace(*in.EmployeeNo) != st.EmployeeNo {
			if err := mayRenameLogin(a, st); err != nil {
				return err
			}
			st.EmployeeNo = strings.TrimSpace(*in.EmployeeNo)
		}
		if in.Name != nil {
			st.Name = NormalizeName(*in.Name)
		}
		if in.DepartmentID != nil && *in.DepartmentID != st.DepartmentID {
			if err := tx.checkActiveDepartment(*in.DepartmentID); err != nil {
				return err
			}
			st.DepartmentID = *in.DepartmentID
		}
		if in.Role != nil && *in.Role != st.Role {
			if err := notSelfChange(a, id, "change your own role"); err != nil {
				return err
			}
			if err := tx.checkGrant(a, st.Role, *in.Role); err != nil {
				return err
			}
			st.Role = *in.Role
			revoke = true
		}
		if in.EmploymentType != nil {
			st.EmploymentType = *in.EmploymentType
		}
		if in.Phone != nil {
			st.Phone = strings.TrimSpace(*in.Phone)
		}
		if in.Active != nil && *in.Active != st.Active {
			if err := notSelfChange(a, id, "deactivate yourself"); err != nil {
				return err
			}
			if err := tx.checkGrant(a, st.Role, st.Role); err != nil {
				return err
			}
			st.Active = *in.Active
			revoke = revoke || !st.Active
		}
		if in.Appraised != nil {
			st.Appraised = *in.Appraised
		}
		if in.Password != nil {
			if err := tx.checkGrant(a, st.Role, st.Role); err != nil {
				return err
			}
			st.PasswordHash = in.passwordHash
			revoke = true
		}
		st.UpdatedAt = tx.now
		if err := tx.db.Select("*").Omit("created_at").Updates(&st).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Errorf(EConflict, "employee number %s is already used", st.EmployeeNo)
			}
			return err
		}
		if revoke {
			if err := tx.revokeTokens(st.ID, ""); err != nil {
				return err
			}
		}
		after := st.auditView()
		if in.Password != nil {
			after["password_reset"] = true
		}
		tx.audit("staff.update", "staff", st.ID, before, after)
		return nil
	})
	return st, err
}
