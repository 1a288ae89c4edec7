package models

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// StaffImportRow is one row of a staff import file as read by the workbook
// parser. Empty optional cells leave an existing account's value as it is
// (and take the default for a new one): role staff, employment regular,
// active yes, a generated password.
type StaffImportRow struct {
	Row            int
	EmployeeNo     string
	Name           string
	Department     string // department code (or its unique name)
	Role           string // staff | supervisor | hr | admin, or 员工 | 主管 | 人事 | 管理员
	EmploymentType string // regular | dispatched, or 正式 | 派遣
	Phone          string
	Active         string // yes/no, true/false, 1/0, 是/否, 在职/离职
	Password       string
	Appraised      string // yes/no as Active; empty: appraised when new, unchanged otherwise
}

// InitialPassword is a generated password of an account the import
// created, shown once in the answer.
type InitialPassword struct {
	EmployeeNo string `json:"employee_no"`
	Name       string `json:"name"`
	Password   string `json:"password"`
}

// StaffImportSummary is the answer to a successful staff import.
type StaffImportSummary struct {
	Rows             int               `json:"rows"`
	Created          int               `json:"created"`
	Updated          int               `json:"updated"`
	Unchanged        int               `json:"unchanged"`
	InitialPasswords []InitialPassword `json:"initial_passwords"`
}

// MaxStaffImportRows bounds one import: bcrypt makes each new account cost
// tens of milliseconds.
const MaxStaffImportRows = 20_000

var roleWords = map[string]Role{
	"staff": RoleStaff, "员工": RoleStaff, "职员": RoleStaff,
	"supervisor": RoleSupervisor, "主管": RoleSupervisor,
	"hr": RoleHR, "人事": RoleHR,
	"admin": RoleAdmin, "管理员": RoleAdmin,
}

var employmentWords = map[string]EmploymentType{
	"regular": EmploymentRegular, "正式": EmploymentRegular, "在编": EmploymentRegular,
	"dispatched": EmploymentDispatched, "派遣": EmploymentDispatched, "劳务派遣": EmploymentDispatched,
}

var activeWords = map[string]bool{
	"yes": true, "y": true, "true": true, "1": true, "是": true, "在职": true, "启用": true, "active": true,
	"no": false, "n": false, "false": false, "0": false, "否": false, "离职": false, "停用": false, "inactive": false,
}

// importPlan is a checked row: what to set, and on whom.
type importPlan struct {
	row      StaffImportRow
	existing *Staff
	in       StaffInput
	hash     string // bcrypt hash of the given or generated password
	initial  string // the generated password of a new account
}

// ImportStaff creates or updates staff in bulk, keyed by employee number,
// in one transaction: every row is checked first and any problem refuses
// the whole file (EInvalid with every Problem). A password in the file is
// the initial password of a new account only: an import never resets an
// existing account's password (PATCH /staff/{id} does). Role grants follow
// CreateStaff and UpdateStaff: only an admin grants or removes hr and
// admin, and nobody re-roles or deactivates themselves.
func (s *Store) ImportStaff(ctx context.Context, a Actor, rows []StaffImportRow) (StaffImportSummary, error) {
	if len(rows) > MaxStaffImportRows {
		var pl problemList
		pl.add(0, "", "", ReasonTooManyRows, MaxStaffImportRows)
		return StaffImportSummary{}, pl.err()
	}
	// Check everything against a first reading, so that a bad file never
	// holds the write lock and passwords are hashed outside it.
	var plans []importPlan
	err := s.read(ctx, a, func(tx *Tx) error {
		var err error
		plans, err = tx.planStaffImport(a, rows)
		return err
	})
	if err != nil {
		return StaffImportSummary{}, err
	}
	hashes, err := s.hashImportPasswords(ctx, plans)
	if err != nil {
		return StaffImportSummary{}, err
	}
	var sum StaffImportSummary
	err = s.write(ctx, a, func(tx *Tx) error {
		plans, err := tx.planStaffImport(a, rows) // again, under the lock
		if err != nil {
			return err
		}
		sum = StaffImportSummary{Rows: len(plans), InitialPasswords: []InitialPassword{}}
		for i := range plans {
			p := &plans[i]
			if h, ok := hashes[p.row.Row]; ok && p.existing == nil {
				p.hash, p.initial = h.hash, h.initial
			}
			if p.hash == "" && p.existing == nil {
				h := hashImportPassword(p, tx.store.bcryptCost)
				p.hash, p.initial = h.hash, h.initial
			}
			changed, err := tx.applyStaffImport(a, p)
			if err != nil {
				return err
			}
			switch {
			case p.existing == nil:
				sum.Created++
				if p.initial != "" {
					sum.InitialPasswords = append(sum.InitialPasswords, InitialPassword{EmployeeNo: *p.in.EmployeeNo, Name: *p.in.Name, Password: p.initial})
				}
			case changed:
				sum.Updated++
			default:
				sum.Unchanged++
			}
		}
		tx.audit("staff.import", "staff", 0, nil, map[string]any{"rows": sum.Rows, "created": sum.Created, "updated": sum.Updated, "unchanged": sum.Unchanged})
		return nil
	})
	return sum, err
}

// CheckStaffImport runs the checks of ImportStaff without writing anything
// and returns the problems found (nil when none). The api calls it when the
// workbook parser already refused some rows, so that the answer lists every
// problem of the file at once.
func (s *Store) CheckStaffImport(ctx context.Context, a Actor, rows []StaffImportRow) ([]Problem, error) {
	var out []Problem
	if len(rows) == 0 {
		return nil, nil // the parser has said so already
	}
	err := s.read(ctx, a, func(tx *Tx) error {
		_, err := tx.planStaffImport(a, rows)
		var e *Error
		if errors.As(err, &e) && e.Code == EInvalid {
			for _, d := range e.Details {
				if p, ok := d.(Problem); ok {
					out = append(out, p)
				}
			}
			return nil
		}
		return err
	})
	return out, err
}

type importHash struct{ hash, initial string }

// hashImportPasswords hashes, on every core, the passwords the import will
// store: given ones, and generated ones for new accounts, reporting
// progress to the import job when ctx carries one. A panic in a worker
// goroutine would kill the whole process (no handler's recovery reaches
// it): each hash recovers its own and the first becomes the import's error
// (a 500), while the workers go on draining the queue.
func (s *Store) hashImportPasswords(ctx context.Context, plans []importPlan) (map[int]importHash, error) {
	out := make(map[int]importHash)
	var mu sync.Mutex
	var failed error
	progress, _ := ctx.Value(progressKey{}).(func(done, total int))
	total := 0
	for i := range plans {
		if plans[i].existing == nil {
			total++
		}
	}
	work := make(chan *importPlan)
	var wg sync.WaitGroup
	hash := func(p *importPlan) {
		defer func() {
			if r := recover(); r != nil {
				mu.Lock()
				if failed == nil {
					failed = fmt.Errorf("hashing the password of import row %d: panic: %v", p.row.Row, r)
				}
				mu.Unlock()
			}
		}()
		h := hashImportPassword(p, s.bcryptCost)
		mu.Lock()
		out[p.row.Row] = h
		done := len(out)
		mu.Unlock()
		if progress != nil {
			progress(done, total)
		}
	}
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				hash(p)
			}
		}()
	}
	for i := range plans {
		if plans[i].existing == nil {
			work <- &plans[i]
		}
	}
	close(work)
	wg.Wait()
	return out, failed
}

func hashImportPassword(p *importPlan, cost int) importHash {
	var h importHash
	password := ""
	if p.in.Password != nil {
		password = *p.in.Password
	} else {
		h.initial = GeneratePassword()
		password = h.initial
	}
	b, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		// Only a password over 72 bytes fails, and planning refused those.
		panic(err)
	}
	h.hash = string(b)
	return h
}

// planStaffImport checks every row against the database and returns what
// to do with each, or every problem found.
func (tx *Tx) planStaffImport(a Actor, rows []StaffImportRow) ([]importPlan, error) {
	var pl problemList
	if len(rows) == 0 {
		pl.add(0, "", "", ReasonNoRows)
		return nil, pl.err()
	}
	if err := onlyHR(a, "import staff"); err != nil {
		return nil, err
	}
	var depts []Department
	if err := tx.db.Find(&depts).Error; err != nil {
		return nil, err
	}
	deptByCode, deptByName := map[string]Department{}, map[string][]Department{}
	for _, d := range depts {
		deptByCode[strings.ToLower(d.Code)] = d
		deptByName[NormalizeCell(d.Name)] = append(deptByName[NormalizeCell(d.Name)], d)
	}
	var staff []Staff
	if err := tx.db.Find(&staff).Error; err != nil {
		return nil, err
	}
	byNo := make(map[string]*Staff, len(staff))
	for i := range staff {
		byNo[strings.ToLower(staff[i].EmployeeNo)] = &staff[i]
	}
	firstRow := map[string]int{}
	plans := make([]importPlan, 0, len(rows))
	for _, r := range rows {
		before := len(pl)
		p := importPlan{row: r}
		no := NormalizeCell(r.EmployeeNo)
		if n, ok := NormalizeEmployeeNo(no); ok {
			no = n // the one form of sign-in and creation
		}
		switch {
		case no == "":
			pl.add(r.Row, ColEmployeeNo, r.EmployeeNo, ReasonMissing, "employee number")
		case !ValidEmployeeNo(no):
			pl.add(r.Row, ColEmployeeNo, r.EmployeeNo, ReasonBadEmployeeNo)
		default:
			if first, dup := firstRow[strings.ToLower(no)]; dup {
				pl.add(r.Row, ColEmployeeNo, r.EmployeeNo, ReasonDuplicate, no, first)
			} else {
				firstRow[strings.ToLower(no)] = r.Row
			}
			p.existing = byNo[strings.ToLower(no)]
		}
		creating := p.existing == nil
		if creating {
			p.in.EmployeeNo = &no
		}
		if name := NormalizeName(NormalizeCell(r.Name)); name != "" {
			if utf8.RuneCountInString(name) > 64 {
				pl.add(r.Row, ColName, r.Name, ReasonTooLong, "name", 64)
			}
			p.in.Name = &name
		} else if creating {
			pl.add(r.Row, ColName, r.Name, ReasonMissing, "name")
		}
		if v := NormalizeCell(r.Department); v != "" {
			d, ok := deptByCode[strings.ToLower(v)]
			if !ok && len(deptByName[v]) == 1 {
				d, ok = deptByName[v][0], true
			}
			switch {
			case !ok:
				pl.add(r.Row, ColDepartment, r.Department, ReasonUnknownDepartment, v)
			case !d.Active && (creating || p.existing.DepartmentID != d.ID):
				pl.add(r.Row, ColDepartment, r.Department, ReasonInactiveDepartment, d.Code)
			default:
				id := d.ID
				p.in.DepartmentID = &id
			}
		} else if creating {
			pl.add(r.Row, ColDepartment, r.Department, ReasonMissing, "department")
		}
		var from Role
		if !creating {
			from = p.existing.Role
		}
		to := from
		if v := NormalizeCell(r.Role); v != "" {
			role, ok := roleWords[strings.ToLower(v)]
			if !ok {
				pl.add(r.Row, ColRole, r.Role, ReasonBadChoice, "role", "staff, supervisor, hr, admin")
			} else {
				p.in.Role, to = &role, role
			}
		}
		if creating && to == "" {
			to = RoleStaff
		}
		if v := NormalizeCell(r.EmploymentType); v != "" {
			et, ok := employmentWords[strings.ToLower(v)]
			if !ok {
				pl.add(r.Row, ColEmploymentType, r.EmploymentType, ReasonBadChoice, "employment type", "regular, dispatched")
			} else {
				p.in.EmploymentType = &et
			}
		}
		if v := NormalizeCell(r.Phone); v != "" {
			if utf8.RuneCountInString(v) > 32 {
				pl.add(r.Row, ColPhone, r.Phone, ReasonTooLong, "phone number", 32)
			}
			p.in.Phone = &v
		}
		if v := NormalizeCell(r.Active); v != "" {
			act, ok := activeWords[strings.ToLower(v)]
			if !ok {
				pl.add(r.Row, ColActive, r.Active, ReasonBadChoice, "active column", "yes, no")
			} else {
				p.in.Active = &act
			}
		}
		if v := NormalizeCell(r.Appraised); v != "" {
			if ap, ok := activeWords[strings.ToLower(v)]; !ok {
				pl.add(r.Row, ColAppraised, r.Appraised, ReasonBadChoice, "appraised column", "yes, no")
			} else {
				p.in.Appraised = &ap
			}
		}
		if r.Password != "" && creating {
			switch {
			case utf8.RuneCountInString(r.Password) < MinPasswordLength:
				pl.add(r.Row, ColPassword, "********", ReasonPasswordShort, MinPasswordLength)
			case len(r.Password) > MaxPasswordBytes:
				pl.add(r.Row, ColPassword, "********", ReasonPasswordLong, MaxPasswordBytes)
			}
			pw := r.Password
			p.in.Password = &pw
		}
		// Role grants, as CreateStaff and UpdateStaff decide them.
		if len(pl) == before {
			sensitive, grantFrom := creating, from
			if !creating {
				roleChange := to != from
				activeChange := p.in.Active != nil && *p.in.Active != p.existing.Active
				if roleChange && notSelfChange(a, p.existing.ID, "change your own role") != nil {
					pl.add(r.Row, ColRole, r.Role, ReasonOwnRole)
				}
				if activeChange && notSelfChange(a, p.existing.ID, "deactivate yourself") != nil {
					pl.add(r.Row, ColActive, r.Active, ReasonDeactivateSelf)
				}
				sensitive = roleChange || activeChange
			}
			if sensitive && tx.checkGrant(a, grantFrom, to) != nil {
				col, val := ColRole, r.Role
				if to == from {
					col, val = ColActive, r.Active
				}
				pl.add(r.Row, col, val, ReasonGrant)
			}
		}
		plans = append(plans, p)
	}
	if err := pl.err(); err != nil {
		return nil, err
	}
	return plans, nil
}

// applyStaffImport writes one checked row and audits it; it reports
// whether an existing account changed.
func (tx *Tx) applyStaffImport(a Actor, p *importPlan) (bool, error) {
	if p.existing == nil {
		st := Staff{
			EmployeeNo: *p.in.EmployeeNo, Name: *p.in.Name, DepartmentID: *p.in.DepartmentID,
			Role: RoleStaff, EmploymentType: EmploymentRegular, Active: true, PasswordHash: p.hash,
			CreatedAt: tx.now, UpdatedAt: tx.now,
		}
		if p.in.Role != nil {
			st.Role = *p.in.Role
		}
		if p.in.EmploymentType != nil {
			st.EmploymentType = *p.in.EmploymentType
		}
		if p.in.Phone != nil {
			st.Phone = *p.in.Phone
		}
		if p.in.Active != nil {
			st.Active = *p.in.Active
		}
		st.Appraised = true
		if err := tx.db.Create(&st).Error; err != nil {
			return false, err
		}
		if p.in.Appraised != nil && !*p.in.Appraised {
			if err := tx.db.Model(&st).Update("appraised", false).Error; err != nil {
				return false, err
			}
			st.Appraised = false
		}
		tx.audit("staff.create", "staff", st.ID, nil, st.auditView())
		return true, nil
	}
	st := *p.existing
	before := st.auditView()
	revoke := false
	if p.in.Name != nil {
		st.Name = *p.in.Name
	}
	if p.in.DepartmentID != nil {
		st.DepartmentID = *p.in.DepartmentID
	}
	if p.in.Role != nil && *p.in.Role != st.Role {
		st.Role, revoke = *p.in.Role, true
	}
	if p.in.EmploymentType != nil {
		st.EmploymentType = *p.in.EmploymentType
	}
	if p.in.Phone != nil {
		st.Phone = *p.in.Phone
	}
	if p.in.Active != nil && *p.in.Active != st.Active {
		st.Active = *p.in.Active
		revoke = revoke || !st.Active
	}
	if p.in.Appraised != nil {
		st.Appraised = *p.in.Appraised
	}
	after := st.auditView()
	if mapsEqual(before, after) {
		return false, nil
	}
	st.UpdatedAt = tx.now
	if err := tx.db.Select("*").Omit("created_at").Updates(&st).Error; err != nil {
		return false, err
	}
	if revoke {
		if err := tx.revokeTokens(st.ID, ""); err != nil {
			return false, err
		}
	}
	tx.audit("staff.update", "staff", st.ID, before, after)
	return true, nil
}

func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

type progressKey struct{}

// WithImportProgress returns a context under which ImportStaff calls fn
// as the new accounts' passwords are hashed (the long part of a large
// import): done of total accounts, from any goroutine.
func WithImportProgress(ctx context.Context, fn func(done, total int)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}
