package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"

	"firstask/models/testdb"
)

// sqliteCoded stands for the SQLite driver's error, which carries the
// (possibly extended) result code.
type sqliteCoded struct{ code int }

func (e sqliteCoded) Error() string { return fmt.Sprintf("sqlite error %d", e.code) }
func (e sqliteCoded) Code() int     { return e.code }

func TestRetryableClassifiesConflictsPerDialect(t *testing.T) {
	my := dialect{}
	lite := dialect{sqlite: true}
	state := func(s string) (b [5]byte) { copy(b[:], s); return }
	cases := []struct {
		name string
		d    dialect
		err  error
		want bool
	}{
		{"mysql deadlock", my, &mysqldrv.MySQLError{Number: 1213, SQLState: state("40001"), Message: "Deadlock found"}, true},
		{"mysql deadlock wrapped", my, fmt.Errorf("audit head: %w", &mysqldrv.MySQLError{Number: 1213}), true},
		{"mysql lock wait timeout", my, &mysqldrv.MySQLError{Number: 1205, SQLState: state("HY000")}, true},
		{"mysql serialization failure", my, &mysqldrv.MySQLError{Number: 1020, SQLState: state("40001")}, true},
		{"mysql duplicate key", my, &mysqldrv.MySQLError{Number: 1062, SQLState: state("23000")}, false},
		{"mysql syntax", my, &mysqldrv.MySQLError{Number: 1064, SQLState: state("42000")}, false},
		{"mysql lost connection", my, errors.New("invalid connection"), false},
		{"mysql sees sqlite busy text", my, errors.New("database is locked (5) (SQLITE_BUSY)"), false},
		{"sqlite busy", lite, sqliteCoded{5}, true},
		{"sqlite busy snapshot", lite, sqliteCoded{517}, true},
		{"sqlite locked", lite, sqliteCoded{6}, true},
		{"sqlite constraint", lite, sqliteCoded{2067}, false},
		{"sqlite busy text", lite, errors.New("database is locked (5) (SQLITE_BUSY)"), true},
		{"sqlite sees mysql deadlock", lite, &mysqldrv.MySQLError{Number: 1213}, false},
		{"nil", lite, nil, false},
	}
	for _, c := range cases {
		if got := c.d.retryable(c.err); got != c.want {
			t.Errorf("%s: retryable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// TestWriteRetriesRealDeadlock makes two write transactions lock two rows
// in opposite order, each waiting until the other holds its first row: on
// MySQL/MariaDB one of them is chosen as the deadlock victim, and the store
// must run it again so that both succeed, counting the retry. On SQLite,
// where writers queue (BEGIN IMMEDIATE), no deadlock can arise: both must
// still succeed without any failure counted.
func TestWriteRetriesRealDeadlock(t *testing.T) {
	driver, dsn := testdb.DSN(t)
	s, err := Open(driver, dsn, Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Exec("INSERT INTO inquiry_ref_counters (day, last_no) VALUES ('20260101', 0), ('20260102', 0)").Error; err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	outcomes := map[string]int{}
	s.OnRetry(func(o string) { mu.Lock(); outcomes[o]++; mu.Unlock() })

	var holding sync.WaitGroup
	holding.Add(2)
	var firstRuns atomic.Int32
	lockBoth := func(first, second string) error {
		return s.write(ctx, Actor{}, func(tx *Tx) error {
			if err := tx.db.Exec("UPDATE inquiry_ref_counters SET last_no = last_no + 1 WHERE day = ?", first).Error; err != nil {
				return err
			}
			if firstRuns.Add(1) <= 2 {
				// Wait (boundedly: on SQLite the other writer cannot
				// begin while this one holds the lock) until the other
				// transaction holds its first row too.
				holding.Done()
				done := make(chan struct{})
				go func() { holding.Wait(); close(done) }()
				select {
				case <-done:
				case <-time.After(2 * time.Second):
				}
			}
			return tx.db.Exec("UPDATE inquiry_ref_counters SET last_no = last_no + 1 WHERE day = ?", second).Error
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- lockBoth("20260101", "20260102") }()
	go func() { errs <- lockBoth("20260102", "20260101") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("write failed despite retries: %v", err)
		}
	}
	var total int64
	if err := s.db.Raw("SELECT SUM(last_no) FROM inquiry_ref_counters").Scan(&total).Error; err != nil {
		t.Fatal(err)
	}
	if total != 4 {
		t.Fatalf("counters sum to %d, want 4: each transaction committed exactly once", total)
	}
	mu.Lock()
	defer mu.Unlock()
	if outcomes[RetryExhausted] != 0 {
		t.Fatalf("outcomes %v: a transaction gave up", outcomes)
	}
	if s.dialect.sqlite {
		if outcomes[RetryRetried] != 0 {
			t.Fatalf("outcomes %v: SQLite writers queue and should not conflict", outcomes)
		}
		return
	}
	if outcomes[RetryRetried] < 1 || outcomes[RetryRecovered] != 1 {
		t.Fatalf("outcomes %v: want the deadlock victim retried and recovered once", outcomes)
	}
}

// TestWriteGivesUpAfterBoundedAttempts: a conflict that never clears is
// tried txAttempts times, then reported as an internal error, and nothing
// registered with OnCommit runs.
func TestWriteGivesUpAfterBoundedAttempts(t *testing.T) {
	driver, dsn := testdb.DSN(t)
	s, err := Open(driver, dsn, Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	outcomes := map[string]int{}
	s.OnRetry(func(o string) { outcomes[o]++ })
	var conflict error = &mysqldrv.MySQLError{Number: 1213, Message: "Deadlock found"}
	if s.dialect.sqlite {
		conflict = sqliteCoded{5}
	}
	runs, committed := 0, false
	var pauses []time.Duration
	defer func(orig func(context.Context, time.Duration) error) { retryPause = orig }(retryPause)
	retryPause = func(_ context.Context, d time.Duration) error {
		pauses = append(pauses, d)
		return nil
	}
	err = s.write(context.Background(), Actor{}, func(tx *Tx) error {
		runs++
		tx.OnCommit(func() { committed = true })
		return conflict
	})
	var e *Error
	if !errors.As(err, &e) || e.Code != EInternal {
		t.Fatalf("error %v, want %s", err, EInternal)
	}
	if runs != txAttempts || committed {
		t.Fatalf("ran %d times (committed %v), want %d runs and no commit", runs, committed, txAttempts)
	}
	if outcomes[RetryRetried] != txAttempts-1 || outcomes[RetryExhausted] != 1 || outcomes[RetryRecovered] != 0 {
		t.Fatalf("outcomes %v", outcomes)
	}
	// The backoff is bounded: one pause between attempts, none longer
	// than txBackoffMax, and under a second in all.
	var total time.Duration
	for _, d := range pauses {
		if d <= 0 || d > txBackoffMax {
			t.Errorf("a pause of %v, want within (0, %v]", d, txBackoffMax)
		}
		total += d
	}
	if len(pauses) != txAttempts-1 || total > time.Second {
		t.Fatalf("%d pauses totalling %v, want %d under a second", len(pauses), total, txAttempts-1)
	}
}

// TestPurgeExpiresIdempotencyKeys: the token-purge worker also deletes the
// answers kept for Idempotency-Keys older than IdempotencyTTL, and only
// those.
func TestPurgeExpiresIdempotencyKeys(t *testing.T) {
	driver, dsn := testdb.DSN(t)
	s, err := Open(driver, dsn, Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := s.Now()
	for i, age := range []time.Duration{IdempotencyTTL + time.Minute, IdempotencyTTL - time.Minute} {
		row := idempotencyRow{ActorID: 1, Scope: "inquiries", IdemKey: fmt.Sprint("k", i), BodyHash: "h", Status: 201, Response: "{}", CreatedAt: now.Add(-age)}
		if err := s.db.Create(&row).Error; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PurgeTokens(ctx); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := s.db.Model(&idempotencyRow{}).Order("idem_key").Pluck("idem_key", &keys).Error; err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "k1" {
		t.Fatalf("keys left %v, want only the fresh k1", keys)
	}
}
