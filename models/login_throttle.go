package models

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Throttle limits: failures evaluated per account (or per signed-in
// person's password check) and per client address in one window.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxAccountFailures = 5
	MaxIPFailures      = 20
)

// throttleRow is one key's failures in its current window. Rows are kept
// in the database so that every instance counts the same attempts.
type throttleRow struct {
	ScopeKey    string `gorm:"primaryKey"`
	Failures    int
	WindowStart time.Time
}

func (throttleRow) TableName() string { return "login_throttle" }

// AccountKey, AddressKey and PasswordKey name throttle counters.
func AccountKey(employeeNo string) string { return "a:" + CanonicalEmployeeNo(employeeNo) }

// AddressKey is the throttle key of a client address.
func AddressKey(ip string) string { return "i:" + cut(ip, 90) }

// PasswordKey is the throttle key of a signed-in person's password checks.
func PasswordKey(staffID int64) string { return fmt.Sprintf("p:%d", staffID) }

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ThrottledError is returned when a key has used up its attempts; Wait is
// how long until the window ends.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed attempts; try again in %d minutes", int(math.Ceil(e.Wait.Minutes())))
}

// Throttled builds the 429 answer of a ThrottledError.
func (e *ThrottledError) Throttled() *Error {
	return &Error{Code: ERateLimited, Message: e.Error()}
}

// ReserveAttempt takes one attempt for key before the password is checked:
// one conditional UPDATE (or INSERT for a new key) that only succeeds while
// fewer than limit attempts were taken in the window, so that however many
// requests arrive at once, at most limit are evaluated per window. A
// reservation is a failure unless ReleaseAttempt or ResetAttempts undoes
// it. Blocked keys get a *ThrottledError. A lost lock conflict (on a
// Galera cluster two nodes updating one key's row at once: error 1213 at
// commit) is retried like a write transaction (see retryStatements).
func (s *Store) ReserveAttempt(ctx context.Context, key string, limit int) error {
	return s.retryStatements(ctx, func() error { return s.reserveAttempt(ctx, key, limit) })
}

func (s *Store) reserveAttempt(ctx context.Context, key string, limit int) error {
	now := s.Now()
	cutoff := now.Add(-ThrottleWindow)
	db := s.db.WithContext(ctx)
	s.purgeThrottle(ctx, now)
	for try := 0; try < 3; try++ {
		// Within the window and under the limit: count it.
		res := db.Model(&throttleRow{}).Where("scope_key = ? AND window_start > ? AND failures < ?", key, cutoff, limit).
			Update("failures", gorm.Expr("failures + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return nil
		}
		// The window ended: start a new one with this attempt.
		res = db.Model(&throttleRow{}).Where("scope_key = ? AND window_start <= ?", key, cutoff).
			Updates(map[string]any{"failures": 1, "window_start": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return nil
		}
		// No row yet: create it (another request may do so at the same time).
		res = db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "scope_key"}}, DoNothing: true}).
			Create(&throttleRow{ScopeKey: key, Failures: 1, WindowStart: now})
		if res.Error != nil && !errors.Is(res.Error, gorm.ErrDuplicatedKey) {
			return res.Error
		}
		if res.Error == nil && res.RowsAffected == 1 {
			return nil
		}
		var row throttleRow
		err := db.Where("scope_key = ?", key).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue // purged in between: try again
		}
		if err != nil {
			return err
		}
		if row.WindowStart.After(cutoff) && row.Failures >= limit {
			return &ThrottledError{Wait: row.WindowStart.Add(ThrottleWindow).Sub(now)}
		}
	}
	return errors.New("login throttle: could not reserve an attempt")
}

// ReleaseAttempt gives back a reservation that turned out not to be a
// failure (the password was right, or the check could not be made).
func (s *Store) ReleaseAttempt(ctx context.Context, key string) error {
	return s.retryStatements(ctx, func() error {
		return s.db.WithContext(ctx).Model(&throttleRow{}).Where("scope_key = ? AND failures > 0", key).
			Update("failures", gorm.Expr("failures - 1")).Error
	})
}

// retryStatements runs fn — autocommit statements that changed nothing
// when they return an error — again when it lost a lock conflict, with the
// attempts, pauses and metrics of a write transaction (Store.write).
func (s *Store) retryStatements(ctx context.Context, fn func() error) error {
	pause := txBackoffMin
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil && attempt > 1 {
			s.noteRetry(RetryRecovered)
		}
		if err == nil || !s.dialect.retryable(err) {
			return err
		}
		if attempt == txAttempts {
			s.noteRetry(RetryExhausted)
			return Errorf(EInternal, "the database stayed busy with conflicting changes; nothing was saved, try again")
		}
		s.noteRetry(RetryRetried)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause/2 + rand.N(pause/2+1)):
		}
		pause = min(2*pause, txBackoffMax)
	}
}

// ResetAttempts forgets a key's failures (an operator unlocking an
// account; a successful sign-in only releases its own reservation).
func (s *Store) ResetAttempts(ctx context.Context, key string) error {
	return s.db.WithContext(ctx).Where("scope_key = ?", key).Delete(&throttleRow{}).Error
}

// purgeThrottle deletes ended windows, at most once a minute per process,
// so that the table holds only the keys with failures in the last window.
func (s *Store) purgeThrottle(ctx context.Context, now time.Time) {
	last := s.throttlePurged.Load()
	if now.Unix()-last < 60 || !s.throttlePurged.CompareAndSwap(last, now.Unix()) {
		return
	}
	s.db.WithContext(ctx).Where("window_start <= ?", now.Add(-ThrottleWindow)).Delete(&throttleRow{})
}

// ThrottleRows counts the rows of the throttle table (tests and the
// security notes' figures).
func (s *Store) ThrottleRows(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&throttleRow{}).Count(&n).Error
	return n, err
}

// NormalizeEmployeeNo brings an employee number as typed to its one form:
// Unicode NFKC (full-width Ｄ becomes D), surrounding spaces trimmed; it
// refuses control, format (zero-width) and other invisible characters and
// anything that is not then a well-formed employee number.
func NormalizeEmployeeNo(s string) (string, bool) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return "", false
		}
	}
	return s, ValidEmployeeNo(s)
}

// CanonicalEmployeeNo is the identity of an employee number: its normal
// form in upper case. Two numbers with the same canonical form are the same
// account (sign-in, uniqueness, throttling), whatever the case they were
// typed or stored in.
func CanonicalEmployeeNo(s string) string {
	n, _ := NormalizeEmployeeNo(s)
	return upperASCII(n)
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// SignIn is sign-in through the throttle, the one path the API and the web
// pages share: the employee number is normalised (422 when it has no normal
// form), one attempt is reserved for the client address and one for the
// account before the password is checked, so that however many requests
// arrive at once, on however many instances, at most MaxAccountFailures per
// account (MaxIPFailures per address) are evaluated in a window. A blocked
// key answers a *ThrottledError (its Throttled method gives the 429). A
// check that could not be made gives both reservations back; a success
// gives back only its own, so the failures of the window stay counted and
// a right password inside a burst does not open five more guesses.
func (s *Store) SignIn(ctx context.Context, requestID, employeeNo, password, clientIP string, ttl time.Duration) (Session, error) {
	no, ok := NormalizeEmployeeNo(employeeNo)
	if !ok {
		return Session{}, Invalid(FieldProblem{"employee_no", "is not a valid employee number (letters, digits, '_' or '-')"})
	}
	account, ip := AccountKey(no), AddressKey(clientIP)
	if err := s.ReserveAttempt(ctx, ip, MaxIPFailures); err != nil {
		return Session{}, err
	}
	if err := s.ReserveAttempt(ctx, account, MaxAccountFailures); err != nil {
		s.ReleaseAttempt(context.WithoutCancel(ctx), ip)
		return Session{}, err
	}
	sess, err := s.Login(ctx, requestID, no, password, ttl)
	if err != nil && ErrorCode(err) == EUnauthorized {
		return Session{}, err
	}
	s.ReleaseAttempt(context.WithoutCancel(ctx), account)
	s.ReleaseAttempt(context.WithoutCancel(ctx), ip)
	return sess, err
}
