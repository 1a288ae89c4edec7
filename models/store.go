// Package models holds firstask's domain types with their state changes and
// the Store that keeps them in SQLite or MySQL. Each exported Store method is
// one transaction; every change of state writes the audit log inside it.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"firstask/migrations"
)

// Store is the database behind the API.
type Store struct {
	db          *gorm.DB
	dialect     dialect
	now         func() time.Time
	bcryptCost  int
	loc         *time.Location
	notifyHooks []NotifyHook
	schedules   scheduleCache
	outboxWake  atomic.Pointer[func()]
	// throttlePurged is when (Unix seconds) this process last purged the
	// login throttle's ended windows.
	throttlePurged atomic.Int64
	auditKey       []byte
	retryHook      atomic.Pointer[RetryHook]
	// replicas are the read replicas; nil without them.
	replicas *replicaSet
	// serviceTotalsOK is set once service_totals is known to be kept in
	// this store's zone (service_totals.go).
	serviceTotalsOK atomic.Bool
	// segs are this process's audit segments, refs its reserved blocks
	// of inquiry reference numbers (see audit_segment.go, ref_block.go).
	segs segmentPool
	refs refPool
	// inTxVar says whether the server answers @@in_transaction (see
	// checkStillOpen).
	inTxVar atomic.Int32
	// rules are parsed rule set versions (see create_config.go).
	rules ruleCache
	// scoreRules are parsed rule sets by version number (int64 to
	// scoring.RuleSet; see my_scores.go).
	scoreRules sync.Map
}

// Options tunes a Store.
type Options struct {
	// BcryptCost is the cost of stored password hashes (default 10).
	BcryptCost int
	// Location is the organisation's time zone (default Asia/Shanghai).
	Location *time.Location
	// Now is the clock (default time.Now); tests inject their own.
	Now func() time.Time
	// AuditKey keys the audit chain's hashes (HMAC-SHA256) and signs its
	// head. It comes from the configuration, never from the database, so
	// that database access alone cannot rewrite the chain unnoticed.
	AuditKey []byte
	// ReadDSNs are the driver DSNs of read replicas (MySQL or MariaDB
	// only; see replicas.go); none by default.
	ReadDSNs []string
	// ReplicaMaxLag is how far a replica may lag before reads skip it
	// (default DefaultReplicaMaxLag); a person who wrote reads from the
	// primary for twice as long.
	ReplicaMaxLag time.Duration
}

// Open connects to the database. driver is "sqlite" or "mysql" and dsn the
// driver's own DSN (see the config package).
func Open(driver, dsn string, opts Options) (*Store, error) {
	// Each gorm.Open gets its own Config: sharing one between dialects
	// mixes up their clause builders.
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) },
	}
	dialect, dialector, err := dialectFor(driver, dsn)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", driver, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	dialect.tunePool(sqlDB)
	s := &Store{db: db, dialect: dialect, now: time.Now, bcryptCost: 10, loc: mustShanghai()}
	if len(opts.ReadDSNs) > 0 {
		if s.replicas, err = openReplicas(db, dialect, opts.ReadDSNs, opts.ReplicaMaxLag); err != nil {
			sqlDB.Close()
			return nil, err
		}
	}
	if opts.BcryptCost > 0 {
		s.bcryptCost = opts.BcryptCost
	}
	if opts.Location != nil {
		s.loc = opts.Location
	}
	if opts.Now != nil {
		s.now = opts.Now
	}
	s.auditKey = opts.AuditKey
	s.segs.max = dialect.auditSegments()
	s.refs.block = refBlockSize
	// Every inbox notification is also an outgoing webhook event, queued
	// in the same transaction.
	s.OnNotify(queueNotificationEvent)
	return s, nil
}

func mustShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Migrate applies every pending migration, then makes sure the service
// totals are kept in the store's zone (EnsureServiceTotals).
func (s *Store) Migrate(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if err := migrations.Up(ctx, s.dialect.name, sqlDB); err != nil {
		return err
	}
	_, err = s.EnsureServiceTotals(ctx)
	return err
}

// Ready reports whether the database answers and its schema is current.
func (s *Store) Ready(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	pending, err := migrations.Pending(ctx, s.dialect.name, sqlDB)
	if err != nil {
		return err
	}
	if pending {
		return errors.New("migrations pending")
	}
	return nil
}

// SQLDB exposes the connection pool for pool statistics and shutdown.
func (s *Store) SQLDB() (*sql.DB, error) { return s.db.DB() }

// Dialect names the database behind the store: "sqlite" or "mysql".
func (s *Store) Dialect() string { return string(s.dialect.name) }

// Location is the organisation's time zone.
func (s *Store) Location() *time.Location { return s.loc }

// Close closes the connection pool (and the read replicas' pools).
func (s *Store) Close() error {
	if s.replicas != nil {
		s.replicas.close()
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Now returns the store's clock reading in UTC, truncated to the
// millisecond precision both databases keep.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Tx is one open transaction: the database handle, the single instant that
// everything written in it carries, the actor, and the audit entries that
// are appended to the chain just before commit.
type Tx struct {
	db     *gorm.DB
	now    time.Time
	actor  Actor
	store  *Store
	audits []auditEntry
	after  []func()
	// parallel says that fn may run independent queries at once, each on
	// its own pooled connection: true for plain reads (read), false inside
	// a transaction, which holds one connection.
	parallel bool
	// service holds the differences to service_totals that this
	// transaction's writes made, written when it ends.
	service map[serviceKey]*serviceCounts
	// rollback are run when the transaction does not commit (giving
	// reference numbers back to the process's block).
	rollback []func()
	// The audit segment the transaction holds, whether it opened it, and
	// the head it wrote (see flushAudit).
	seg                 *auditSegment
	segTaken, segOpened bool
	segWrote            bool
	segSeq              int64
	segHash             string
	// openUnchecked: flushAudit left the check that the transaction is
	// still open to the audit head's UPDATE (guardedHead).
	openUnchecked bool
	// cfg is the configuration read in one statement by a registration
	// (loadConfig); nil elsewhere.
	cfg *txConfig
	// createdInquiry is the inquiry this transaction registered (0 when
	// none): no other transaction can see its clocks yet, so they are read
	// without locks (see lockedClocks).
	createdInquiry int64
	// heldInquiries are the inquiries whose rows this transaction has
	// locked (inquiryFor), whose clocks no other transaction can add to
	// until it ends (see clockIDsNoGap).
	heldInquiries map[int64]bool
}

// holdInquiry records that the transaction holds the inquiry's row lock.
func (tx *Tx) holdInquiry(id int64) {
	if tx.heldInquiries == nil {
		tx.heldInquiries = map[int64]bool{}
	}
	tx.heldInquiries[id] = true
}

// onRollback registers fn to run if the transaction does not commit.
func (tx *Tx) onRollback(fn func()) { tx.rollback = append(tx.rollback, fn) }

// OnCommit registers fn to run after a successful commit (for example to
// wake the webhook sender); it never runs when the transaction rolls back.
func (tx *Tx) OnCommit(fn func()) { tx.after = append(tx.after, fn) }

// Transaction retry bounds: a write transaction that loses a lock
// conflict (see dialect.retryable) is run again from the start up to
// txAttempts times in all, after a jittered pause that doubles from
// txBackoffMin up to txBackoffMax.
const (
	txAttempts   = 10
	txBackoffMin = 5 * time.Millisecond
	txBackoffMax = 200 * time.Millisecond
)

// retryPause waits d before a conflicting transaction runs again, or
// until ctx ends; tests replace it to record the pauses.
var retryPause = func(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// Outcomes passed to a RetryHook.
const (
	RetryRetried   = "retried"   // a conflict; the transaction runs again
	RetryRecovered = "recovered" // committed after one or more retries
	RetryExhausted = "exhausted" // still conflicting after the last attempt
)

// RetryHook observes write transactions that met a lock conflict (for the
// retry counter in metrics); it must be cheap and never block.
type RetryHook func(outcome string)

// OnRetry registers h to observe conflict retries, replacing any before.
func (s *Store) OnRetry(h RetryHook) { s.retryHook.Store(&h) }

func (s *Store) noteRetry(outcome string) {
	if h := s.retryHook.Load(); h != nil && *h != nil {
		(*h)(outcome)
	}
}

// write runs fn in one transaction and, if fn succeeds, appends its audit
// entries to the chain before committing. A transaction that loses a lock
// conflict (a deadlock, a lock wait timeout, a Galera certification
// failure, a busy SQLite database) is rolled back and run again whole, so
// fn must compute everything it returns afresh on each run (assign, never
// append to, variables outside it) and leave side effects to OnCommit,
// which runs once, after the commit that succeeded. When every attempt
// conflicts the error is EInternal with a message that says so.
func (s *Store) write(ctx context.Context, actor Actor, fn func(tx *Tx) error) error {
	pause := txBackoffMin
	for attempt := 1; ; attempt++ {
		after, err := s.writeOnce(ctx, actor, fn)
		if err == nil {
			if attempt > 1 {
				s.noteRetry(RetryRecovered)
			}
			for _, f := range after {
				f()
			}
			return nil
		}
		if errors.Is(err, errRerun) && attempt < txAttempts {
			continue
		}
		if !s.dialect.retryable(err) {
			return translate(err)
		}
		if attempt == txAttempts {
			s.noteRetry(RetryExhausted)
			return Errorf(EInternal, "the database stayed busy with conflicting changes; nothing was saved, try again")
		}
		s.noteRetry(RetryRetried)
		// Full jitter between half the pause and the pause, so that the
		// transactions that collided do not collide again in step.
		if err := retryPause(ctx, pause/2+rand.N(pause/2+1)); err != nil {
			return err
		}
		pause = min(2*pause, txBackoffMax)
	}
}

// writeOnce is one attempt of write: the transaction and the functions to
// run after its commit.
func (s *Store) writeOnce(ctx context.Context, actor Actor, fn func(tx *Tx) error) ([]func(), error) {
	var after []func()
	tx := &Tx{now: s.Now(), actor: actor, store: s}
	err := s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		tx.db = g
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.flushServiceTotals(); err != nil {
			return err
		}
		if err := tx.flushAudit(); err != nil {
			return err
		}
		if err := tx.markWrite(); err != nil {
			return err
		}
		after = tx.after
		return nil
	})
	tx.releaseSegment(err == nil)
	if err != nil {
		for _, f := range tx.rollback {
			f()
		}
	}
	return after, err
}

// readOnly runs fn in one read-only transaction, so that every query sees
// the database at one moment: for reads made of several queries whose
// answers must agree (an open month's export). A person's read may run on
// a read replica (see replicas.go).
func (s *Store) readOnly(ctx context.Context, actor Actor, fn func(tx *Tx) error) error {
	now := s.Now()
	return translate(s.onReplica(ctx, actor, func(db *gorm.DB) error {
		return db.Transaction(func(g *gorm.DB) error {
			return fn(&Tx{db: g, now: now, actor: actor, store: s})
		}, &sql.TxOptions{ReadOnly: true})
	}))
}

// read runs fn with a plain (non-transactional) handle. A person's read
// may run on a read replica (see replicas.go).
func (s *Store) read(ctx context.Context, actor Actor, fn func(tx *Tx) error) error {
	now := s.Now()
	return translate(s.onReplica(ctx, actor, func(db *gorm.DB) error {
		return fn(&Tx{db: db, now: now, actor: actor, store: s, parallel: true})
	}))
}

// together runs independent reads, each on its own pooled connection at
// once when the handle allows it (tx.parallel: a plain read), else one
// after the other on tx; it returns their errors joined. Each function
// gets the Tx to query through and must write only to its own variables.
func (tx *Tx) together(fns ...func(tx *Tx) error) error {
	if !tx.parallel {
		for _, fn := range fns {
			if err := fn(tx); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn(tx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// translate maps database errors to application errors.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return Errorf(ENotFound, "not found")
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return Errorf(EConflict, "a record with the same key already exists")
	}
	return err
}
