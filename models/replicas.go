package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/plugin/dbresolver"
)

// Read replicas (FIRSTASK_DB_READ): the store's reads for people — the
// lists, details, scores, exports and bulletins that Store.read and
// Store.readOnly run — go to a replica through gorm's dbresolver plugin,
// while every write transaction, every read inside one, the sign-in and
// token checks and the system's own work (timers, workers, seeding) stay
// on the primary. A person who wrote reads from the primary for
// ReadAfterWrite; a replica that is unreachable, has stopped replicating
// or lags more than the allowed lag is skipped until a check finds it well
// again (docs/decisions.md, "Read replicas").

// Outcomes of a read that could go to a replica (for ReplicaObserver.Read).
const (
	ReadReplica     = "replica"     // read from a replica
	ReadAfterWrite  = "after_write" // from the primary: the person wrote within the window
	ReadUnavailable = "unavailable" // from the primary: no replica is available
	ReadFallback    = "fallback"    // a replica failed mid-read; read again from the primary
)

// DefaultReplicaMaxLag is how far a replica may lag before reads skip it.
const DefaultReplicaMaxLag = 5 * time.Second

// replicaCheckEvery is how often the replicas are checked.
const replicaCheckEvery = 2 * time.Second

// ReplicaStatus is the state of one read replica at its last check.
type ReplicaStatus struct {
	// Name is the replica's address and database (host:port/db), never
	// its credentials.
	Name string
	// Available says that reads may go to it.
	Available bool
	// Reason says why not: "checking" (not checked yet), "unreachable",
	// "replication stopped" or "lagging".
	Reason string
	// Lag is how far it is behind its primary as it reports it
	// (Seconds_Behind_Master), or -1 when it does not say (it is not a
	// replica, or its account may not ask: grant it REPLICATION CLIENT).
	Lag time.Duration
	// Err is the error of the last check, for the log only.
	Err string
}

// ReplicaObserver receives the routing events of read replicas for
// metrics and the log; both functions must be cheap and never block.
type ReplicaObserver struct {
	// Read is called once per routed read with its outcome (ReadReplica,
	// ReadAfterWrite, ReadUnavailable, ReadFallback).
	Read func(outcome string)
	// Changed is called when a replica becomes available or unavailable.
	Changed func(ReplicaStatus)
}

type replicaSet struct {
	names    []string // dbresolver names
	labels   []string // host:port/db
	dbs      []*sql.DB
	state    []atomic.Pointer[ReplicaStatus]
	next     atomic.Uint64
	maxLag   time.Duration
	window   time.Duration
	observer atomic.Pointer[ReplicaObserver]
	// wrote remembers when (Unix milliseconds of the store's clock) each
	// person last wrote through this process, so that most of their reads
	// in the window need no look-up of read_marks.
	wrote sync.Map
	stop  chan struct{}
	done  chan struct{}
}

// openReplicas connects the read replicas and registers them with db's
// dbresolver plugin, one named resolver per replica, none global: a
// statement goes to a replica only when asked to (replicaDB).
func openReplicas(db *gorm.DB, d dialect, dsns []string, maxLag time.Duration) (*replicaSet, error) {
	if !d.takesReplicas() {
		return nil, errors.New("read replicas (FIRSTASK_DB_READ) need a MySQL or MariaDB primary")
	}
	if maxLag <= 0 {
		maxLag = DefaultReplicaMaxLag
	}
	r := &replicaSet{maxLag: maxLag, window: 2 * maxLag, stop: make(chan struct{}), done: make(chan struct{})}
	r.state = make([]atomic.Pointer[ReplicaStatus], len(dsns))
	var resolver *dbresolver.DBResolver
	for i, dsn := range dsns {
		cfg, err := mysqldrv.ParseDSN(dsn)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("read replica %d: %w", i+1, err)
		}
		label := cfg.Addr + "/" + cfg.DBName
		sqlDB, err := sql.Open("mysql", dsn)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("read replica %s: %w", label, err)
		}
		d.tunePool(sqlDB)
		name := "replica-" + strconv.Itoa(i)
		r.names, r.labels, r.dbs = append(r.names, name), append(r.labels, label), append(r.dbs, sqlDB)
		r.state[i].Store(&ReplicaStatus{Name: label, Reason: "checking", Lag: -1})
		// The connection is given, so opening asks the server nothing: a
		// replica that is down at start-up only means reads stay on the
		// primary until a check finds it.
		dialector := mysql.New(mysql.Config{Conn: sqlDB, SkipInitializeWithVersion: true, DisableWithReturning: true})
		cfgR := dbresolver.Config{Replicas: []gorm.Dialector{dialector}}
		if resolver == nil {
			resolver = dbresolver.Register(cfgR, name)
		} else {
			resolver = resolver.Register(cfgR, name)
		}
	}
	// dbresolver opens each replica with a copy of the primary's config:
	// without its ping, so that a replica down at start-up does not stop
	// the server (the primary has been pinged already).
	db.Config.DisableAutomaticPing = true
	if err := db.Use(resolver); err != nil {
		r.close()
		return nil, fmt.Errorf("read replicas: %w", err)
	}
	go r.run()
	return r, nil
}

// run checks the replicas at once and then every replicaCheckEvery.
func (r *replicaSet) run() {
	defer close(r.done)
	t := time.NewTicker(replicaCheckEvery)
	defer t.Stop()
	for {
		r.checkAll(context.Background())
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
	}
}

// halt stops the periodic checks (run then ends after the check under way).
func (r *replicaSet) halt() {
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
}

func (r *replicaSet) close() {
	r.halt()
	for _, db := range r.dbs {
		db.Close()
	}
}

// checkAll checks every replica and reports the changes.
func (r *replicaSet) checkAll(ctx context.Context) {
	for i := range r.dbs {
		st := r.check(ctx, i)
		old := r.state[i].Swap(&st)
		if old.Available != st.Available || old.Reason != st.Reason {
			if o := r.observer.Load(); o != nil && o.Changed != nil {
				o.Changed(st)
			}
		}
	}
}

// check pings replica i and asks how far it lags.
func (r *replicaSet) check(ctx context.Context, i int) ReplicaStatus {
	st := ReplicaStatus{Name: r.labels[i], Lag: -1}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := r.dbs[i].PingContext(ctx); err != nil {
		st.Reason, st.Err = "unreachable", err.Error()
		return st
	}
	lag, err := replicaLag(ctx, r.dbs[i])
	switch {
	case err != nil:
		st.Reason, st.Err = "unreachable", err.Error()
	case lag == lagStopped:
		st.Reason = "replication stopped"
	case lag > r.maxLag:
		st.Reason, st.Lag = "lagging", lag
	default:
		st.Available, st.Lag = true, lag
	}
	return st
}

// lagStopped is replicaLag's answer for a replica whose replication
// threads do not run (Seconds_Behind_Master is NULL).
const lagStopped = time.Duration(-2)

// replicaLag asks a replica how far it is behind: SHOW SLAVE STATUS on
// MariaDB and MySQL up to 8.3, SHOW REPLICA STATUS where the old words are
// gone. It answers -1 when the server is not a replica (a copy kept by
// other means) or the account may not ask (no REPLICATION CLIENT / SLAVE
// MONITOR privilege), and lagStopped when replication is not running.
func replicaLag(ctx context.Context, db *sql.DB) (time.Duration, error) {
	rows, err := db.QueryContext(ctx, "SHOW SLAVE STATUS")
	var me *mysqldrv.MySQLError
	if errors.As(err, &me) && me.Number == 1064 {
		rows, err = db.QueryContext(ctx, "SHOW REPLICA STATUS")
	}
	if errors.As(err, &me) && (me.Number == 1227 || me.Number == 1044 || me.Number == 1045) {
		return -1, nil
	}
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	if !rows.Next() {
		return -1, rows.Err()
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return 0, err
	}
	for i, c := range cols {
		if c != "Seconds_Behind_Master" && c != "Seconds_Behind_Source" {
			continue
		}
		if !vals[i].Valid {
			return lagStopped, nil
		}
		n, err := strconv.ParseInt(vals[i].String, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("replica lag %q: %w", vals[i].String, err)
		}
		return time.Duration(n) * time.Second, nil
	}
	return -1, nil
}

// pick chooses an available replica in turn, or -1 when none is.
func (r *replicaSet) pick() int {
	n := uint64(len(r.dbs))
	start := r.next.Add(1)
	for k := uint64(0); k < n; k++ {
		i := int((start + k) % n)
		if st := r.state[i].Load(); st != nil && st.Available {
			return i
		}
	}
	return -1
}

func (r *replicaSet) note(outcome string) {
	if o := r.observer.Load(); o != nil && o.Read != nil {
		o.Read(outcome)
	}
}

// ObserveReplicas registers o to receive the replicas' routing events,
// replacing any before, and reports the states already known to
// o.Changed; without read replicas it does nothing.
func (s *Store) ObserveReplicas(o ReplicaObserver) {
	if s.replicas == nil {
		return
	}
	s.replicas.observer.Store(&o)
	// The states found before o was registered (the first check runs at
	// Open) are reported to it now.
	if o.Changed != nil {
		for _, st := range s.Replicas() {
			if st.Reason != "checking" {
				o.Changed(st)
			}
		}
	}
}

// Replicas reports the read replicas' states at their last check, in the
// order they were configured; nil without read replicas.
func (s *Store) Replicas() []ReplicaStatus {
	if s.replicas == nil {
		return nil
	}
	out := make([]ReplicaStatus, len(s.replicas.dbs))
	for i := range out {
		out[i] = *s.replicas.state[i].Load()
	}
	return out
}

// CheckReplicas checks every read replica now instead of waiting for the
// next periodic check.
func (s *Store) CheckReplicas(ctx context.Context) {
	if s.replicas != nil {
		s.replicas.checkAll(ctx)
	}
}

// ReadAfterWrite is how long a person's reads go to the primary after
// they wrote: twice the replica lag allowed (FIRSTASK_DB_READ_MAX_LAG), or
// zero without read replicas.
func (s *Store) ReadAfterWrite() time.Duration {
	if s.replicas == nil {
		return 0
	}
	return s.replicas.window
}

// readMark is when a person last wrote (read_marks).
type readMark struct {
	StaffID int64 `gorm:"primaryKey;autoIncrement:false"`
	WroteAt time.Time
}

func (readMark) TableName() string { return "read_marks" }

// markWrite records in the write transaction that its actor wrote, so
// that their next reads, on any instance, see it.
func (tx *Tx) markWrite() error {
	r := tx.store.replicas
	if r == nil || tx.actor.IsSystem() {
		return nil
	}
	err := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "staff_id"}}, DoUpdates: clause.AssignmentColumns([]string{"wrote_at"})}).
		Create(&readMark{StaffID: tx.actor.StaffID, WroteAt: tx.now}).Error
	if err != nil {
		return err
	}
	staffID, at := tx.actor.StaffID, tx.now.UnixMilli()
	tx.OnCommit(func() { r.wrote.Store(staffID, at) })
	return nil
}

// wroteRecently reports whether staffID wrote within the window: first
// from what this process saw, then from read_marks on the primary (a
// write through another instance). When the look-up fails it says yes:
// the primary is the safe place to read.
func (s *Store) wroteRecently(ctx context.Context, staffID int64) bool {
	r := s.replicas
	since := s.Now().Add(-r.window)
	if at, ok := r.wrote.Load(staffID); ok {
		if at.(int64) > since.UnixMilli() {
			return true
		}
		r.wrote.Delete(staffID)
	}
	var marks []readMark
	if err := s.db.WithContext(ctx).Where("staff_id = ?", staffID).Limit(1).Find(&marks).Error; err != nil {
		return true
	}
	return len(marks) == 1 && marks[0].WroteAt.After(since)
}

// replicaDB is the handle a person's read runs on: a replica when one is
// available and the person has not written within the window, else the
// primary. It returns the replica's index, or -1 for the primary.
func (s *Store) replicaDB(ctx context.Context, a Actor) (*gorm.DB, int) {
	r := s.replicas
	if r == nil || a.IsSystem() {
		return s.db.WithContext(ctx), -1
	}
	if s.wroteRecently(ctx, a.StaffID) {
		r.note(ReadAfterWrite)
		return s.db.WithContext(ctx), -1
	}
	i := r.pick()
	if i < 0 {
		r.note(ReadUnavailable)
		return s.db.WithContext(ctx), -1
	}
	r.note(ReadReplica)
	// Every statement of the read goes to the same replica (named
	// resolver i), so that its answers agree with each other.
	return s.db.Clauses(dbresolver.Use(r.names[i]), dbresolver.Read).Session(&gorm.Session{Context: ctx}), i
}

// onReplica runs a read on a replica handle and, when the replica fails
// under it (a lost or refused connection), marks the replica unavailable
// until its next check and runs the read again on the primary.
func (s *Store) onReplica(ctx context.Context, a Actor, run func(db *gorm.DB) error) error {
	db, i := s.replicaDB(ctx, a)
	err := run(db)
	if i < 0 || err == nil || !connectionLost(err) || ctx.Err() != nil {
		return err
	}
	r := s.replicas
	st := *r.state[i].Load()
	st.Available, st.Reason, st.Err = false, "unreachable", err.Error()
	if old := r.state[i].Swap(&st); old.Available {
		if o := r.observer.Load(); o != nil && o.Changed != nil {
			o.Changed(st)
		}
	}
	r.note(ReadFallback)
	return run(s.db.WithContext(ctx))
}

// connectionLost reports whether err means the connection to the server
// failed (not the statement).
func connectionLost(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysqldrv.ErrInvalidConn)
}
