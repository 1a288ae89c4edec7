package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// authToken is a login session. Only the SHA-256 of the token is stored.
type authToken struct {
	ID        int64
	TokenHash string
	StaffID   int64
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

func (authToken) TableName() string { return "auth_tokens" }

// Session is a token just issued by a login.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Staff     Staff     `json:"staff"`
}

// HashToken is the stored form of a bearer token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// GeneratePassword returns a random 16-character password that begins
// with a letter or digit: never with = + - or @, which a spreadsheet would
// take for a formula when the password is pasted or opened from a sheet.
func GeneratePassword() string {
	for {
		if p := randomString(12); !strings.ContainsRune("=+-@_", rune(p[0])) {
			return p
		}
	}
}

// dummyHashes holds, per bcrypt cost, the hash compared against when the
// account does not exist, so that a failed login takes the same time
// whether or not the number is known, at the cost stored hashes have.
var dummyHashes sync.Map

func (s *Store) compareDummy(password string) {
	h, ok := dummyHashes.Load(s.bcryptCost)
	if !ok {
		b, err := bcrypt.GenerateFromPassword([]byte("firstask-dummy-password"), s.bcryptCost)
		if err != nil {
			return
		}
		h, _ = dummyHashes.LoadOrStore(s.bcryptCost, b)
	}
	_ = bcrypt.CompareHashAndPassword(h.([]byte), []byte(password))
}

// ErrBadCredentials is returned for a wrong employee number or password and
// for deactivated accounts alike, so that a login never reveals which.
var ErrBadCredentials = Errorf(EUnauthorized, "wrong employee number or password")

// byEmployeeNo selects the staff member with an employee number in any
// case (MySQL's collation compares case-insensitively; SQLite has an index
// on UPPER(employee_no)).
func (s *Store) byEmployeeNo(db *gorm.DB, no string) *gorm.DB {
	return s.dialect.employeeNoIs(db, no)
}

// Login checks the password and issues a token valid for ttl. The number
// is taken in its normal form (NormalizeEmployeeNo; 422 when it has none).
// The password is checked outside any transaction: only the token is
// written, in a short one that makes sure the account did not change
// meanwhile.
func (s *Store) Login(ctx context.Context, requestID, employeeNo, password string, ttl time.Duration) (Session, error) {
	no, ok := NormalizeEmployeeNo(employeeNo)
	if !ok {
		return Session{}, Invalid(FieldProblem{"employee_no", "is not a valid employee number (letters, digits, '_' or '-')"})
	}
	var st Staff
	err := s.byEmployeeNo(s.db.WithContext(ctx), no).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.compareDummy(password)
		return Session{}, ErrBadCredentials
	} else if err != nil {
		return Session{}, translate(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(st.PasswordHash), []byte(password)) != nil || !st.Active {
		return Session{}, ErrBadCredentials
	}
	var sess Session
	err = s.write(ctx, System(requestID), func(tx *Tx) error {
		var cur Staff
		if err := tx.db.Where("id = ?", st.ID).Take(&cur).Error; err != nil {
			return err
		}
		if !cur.Active || cur.PasswordHash != st.PasswordHash {
			return ErrBadCredentials // deactivated or password changed during the check
		}
		token := "fa_" + randomString(32)
		t := authToken{TokenHash: HashToken(token), StaffID: cur.ID, CreatedAt: tx.now, ExpiresAt: tx.now.Add(ttl)}
		if err := tx.db.Create(&t).Error; err != nil {
			return err
		}
		tx.actor = Actor{StaffID: cur.ID, Role: cur.Role, DepartmentID: cur.DepartmentID, RequestID: requestID}
		tx.audit("auth.login", "staff", cur.ID, nil, map[string]any{"token_id": t.ID, "expires_at": t.ExpiresAt})
		sess = Session{Token: token, ExpiresAt: t.ExpiresAt, Staff: cur}
		return nil
	})
	return sess, err
}

// Authenticate resolves a bearer token to its staff member. Expired,
// revoked and deactivated accounts' tokens are refused.
func (s *Store) Authenticate(ctx context.Context, token string) (Staff, error) {
	var st Staff
	err := s.db.WithContext(ctx).Table("auth_tokens t").
		Select("s.*").
		Joins("JOIN staff s ON s.id = t.staff_id").
		Where("t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND s.active = ?", HashToken(token), s.Now(), true).
		Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return st, Errorf(EUnauthorized, "the token is invalid, expired or revoked")
	}
	return st, err
}

// Logout revokes the token.
func (s *Store) Logout(ctx context.Context, a Actor, token string) error {
	return s.write(ctx, a, func(tx *Tx) error {
		res := tx.db.Model(&authToken{}).Where("token_hash = ? AND revoked_at IS NULL", HashToken(token)).Update("revoked_at", tx.now)
		if res.Error != nil {
			return res.Error
		}
		tx.audit("auth.logout", "staff", a.StaffID, nil, nil)
		return nil
	})
}

// revokeTokens revokes every live token of a staff member except the one
// with keepHash (may be "").
func (tx *Tx) revokeTokens(staffID int64, keepHash string) error {
	return tx.db.Model(&authToken{}).
		Where("staff_id = ? AND revoked_at IS NULL AND token_hash <> ?", staffID, keepHash).
		Update("revoked_at", tx.now).Error
}

// ChangePassword sets a new password for the actor after checking the
// current one, and signs out every other session. Checks of the current
// password are throttled like sign-in (MaxAccountFailures wrong ones per
// ThrottleWindow, counted in the database; 429 beyond), and bcrypt runs
// outside the write transaction.
func (s *Store) ChangePassword(ctx context.Context, a Actor, currentToken, oldPassword, newPassword string) error {
	var v Validation
	v.Check(oldPassword != "", "current_password", "is required")
	checkPassword(&v, "new_password", newPassword)
	if err := v.Err(); err != nil {
		return err
	}
	key := PasswordKey(a.StaffID)
	if err := s.ReserveAttempt(ctx, key, MaxAccountFailures); err != nil {
		var te *ThrottledError
		if errors.As(err, &te) {
			return te.Throttled()
		}
		return err
	}
	var st Staff
	if err := s.db.WithContext(ctx).Where("id = ?", a.StaffID).Take(&st).Error; err != nil {
		s.ReleaseAttempt(context.WithoutCancel(ctx), key)
		return translate(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(st.PasswordHash), []byte(oldPassword)) != nil {
		return Invalid(FieldProblem{"current_password", "is wrong"}) // the reservation stays: a failure
	}
	if err := s.ReleaseAttempt(ctx, key); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(newPassword), s.bcryptCost)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *Tx) error {
		cur, err := tx.staff(a.StaffID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != st.PasswordHash {
			return Errorf(EConflict, "the password was changed meanwhile; sign in again")
		}
		if err := tx.db.Model(&Staff{}).Where("id = ?", cur.ID).Updates(map[string]any{
			"password_hash": string(hash), "password_changed_at": tx.now, "updated_at": tx.now,
		}).Error; err != nil {
			return err
		}
		if err := tx.revokeTokens(cur.ID, HashToken(currentToken)); err != nil {
			return err
		}
		tx.audit("auth.password_change", "staff", cur.ID, nil, nil)
		return nil
	})
}

// EnsureAdmin creates the first department and admin account on an empty
// database. It returns the admin's employee number and, when password was
// empty, the generated password; created is false when staff already exist.
// Several instances may start on one empty database at once: the one that
// loses the race for the unique keys finds the admin there and creates
// nothing.
func (s *Store) EnsureAdmin(ctx context.Context, password string) (employeeNo, generated string, created bool, err error) {
	employeeNo, generated, created, err = s.ensureAdmin(ctx, password)
	if ErrorCode(err) == EConflict {
		employeeNo, generated, created, err = s.ensureAdmin(ctx, password)
	}
	return employeeNo, generated, created, err
}

func (s *Store) ensureAdmin(ctx context.Context, password string) (employeeNo, generated string, created bool, err error) {
	err = s.write(ctx, System("bootstrap"), func(tx *Tx) error {
		var n int64
		if err := tx.db.Model(&Staff{}).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		var d Department
		if err := tx.db.Where("code = ?", "HQ").Take(&d).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			d = Department{Code: "HQ", Name: "总部", Active: true, CreatedAt: tx.now, UpdatedAt: tx.now}
			if err := tx.db.Create(&d).Error; err != nil {
				return err
			}
			tx.audit("department.create", "department", d.ID, nil, d)
		} else if err != nil {
			return err
		}
		in := StaffInput{EmployeeNo: ptr(FirstAdminEmployeeNo), Name: ptr("管理员"), DepartmentID: &d.ID, Role: ptr(RoleAdmin), Appraised: ptr(false)}
		if password != "" {
			var v Validation
			checkPassword(&v, "FIRSTASK_ADMIN_PASSWORD", password)
			if err := v.Err(); err != nil {
				return err
			}
			in.Password = &password
		}
		st, gen, err := tx.createStaff(System("bootstrap"), in)
		if err != nil {
			return err
		}
		employeeNo, generated, created = st.EmployeeNo, gen, true
		return nil
	})
	return employeeNo, generated, created, err
}

func ptr[T any](v T) *T { return &v }

// PurgeTokens deletes the tokens that can no longer sign anyone in: expired
// before now, or revoked (logout, password change, deactivation). Without
// it auth_tokens grows by every sign-in forever. It returns how many went;
// the background worker "token-purge" calls it every hour. One audit entry
// records a purge that deleted anything. It also deletes the answers kept
// for Idempotency-Keys older than IdempotencyTTL.
func (s *Store) PurgeTokens(ctx context.Context) (int64, error) {
	var n int64
	err := s.write(ctx, System("token-purge"), func(tx *Tx) error {
		res := tx.db.Where("expires_at <= ? OR revoked_at IS NOT NULL", tx.now).Delete(&authToken{})
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		if n > 0 {
			tx.audit("auth.tokens_purged", "auth_tokens", 0, nil, map[string]any{"deleted": n})
		}
		// Stored answers to Idempotency-Keys past their 24 hours go too:
		// a replay cache, not a record, so not audited.
		return tx.db.Where("created_at <= ?", tx.now.Add(-IdempotencyTTL)).Delete(&idempotencyRow{}).Error
	})
	return n, err
}

// ResetPassword gives the account with employeeNo (in any case) a new
// generated password and returns it: the way back in when the first
// admin's one-time password was lost (`firstask admin reset-password`).
// Every token of the account is revoked, and the reset is audited as
// staff.password_reset by the system actor a.
func (s *Store) ResetPassword(ctx context.Context, a Actor, employeeNo string) (Staff, string, error) {
	no, ok := NormalizeEmployeeNo(employeeNo)
	if !ok {
		return Staff{}, "", Invalid(FieldProblem{"employee_no", "is not a valid employee number (letters, digits, '_' or '-')"})
	}
	password := GeneratePassword()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
	if err != nil {
		return Staff{}, "", err
	}
	var st Staff
	err = s.write(ctx, a, func(tx *Tx) error {
		if err := s.byEmployeeNo(tx.db, no).Take(&st).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(ENotFound, "no account with employee number %s", no)
		} else if err != nil {
			return err
		}
		before := st.auditView()
		st.PasswordHash = string(hash)
		st.UpdatedAt = tx.now
		if err := tx.db.Model(&Staff{}).Where("id = ?", st.ID).
			Updates(map[string]any{"password_hash": st.PasswordHash, "updated_at": st.UpdatedAt}).Error; err != nil {
			return err
		}
		if err := tx.revokeTokens(st.ID, ""); err != nil {
			return err
		}
		after := st.auditView()
		after["password_reset"] = true
		tx.audit("staff.password_reset", "staff", st.ID, before, after)
		return nil
	})
	if err != nil {
		return Staff{}, "", err
	}
	return st, password, nil
}

// FirstAdminEmployeeNo is the login name of the admin account created on
// an empty database.
const FirstAdminEmployeeNo = "admin"
