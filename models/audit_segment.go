package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The audit trail is a set of hash chains, one per segment (see
// docs/security.md, "Audit chain"). Segment 1 is the chain written before
// segments existed, its head still the audit_head row, and from then on the
// register of segments: opening a segment appends an "audit.segment_open"
// entry to segment 1, and the new segment's first entry links to that
// entry's hash. Every other segment belongs to one process (one Store),
// which chains its own entries with a gap-free seq and keeps the segment's
// head in its row of audit_segments. Writers in different processes
// therefore never touch the same row; only opening a segment (a few times
// per process start) writes segment 1.

// registrySegment is the segment that records the opening of every other.
const registrySegment = 1

// actionSegmentOpen is the action of the registry entry opening a segment.
const actionSegmentOpen = "audit.segment_open"

// auditSegmentRow is a segment: its head (seq and hash of its last entry)
// and who opened it when.
type auditSegmentRow struct {
	ID       int64
	Seq      int64
	Hash     string
	OpenedAt time.Time
	OpenedBy string
}

func (auditSegmentRow) TableName() string { return "audit_segments" }

// auditSegment is a segment this process owns, with its head as last
// committed; stale means the head must be read again before use (after a
// failed transaction, whose outcome the process cannot be sure of).
type auditSegment struct {
	id    int64
	seq   int64
	hash  string
	stale bool
}

// segmentPool hands each writing transaction a segment of its own: up to
// max segments are opened lazily, and a transaction that finds all of
// them taken waits for one to be given back.
type segmentPool struct {
	mu     sync.Mutex
	free   []*auditSegment
	opened int
	max    int
	wake   chan struct{}
}

// take returns a free segment, or nil with true when the caller should
// open a new one (counted already; give the count back with unopened).
func (p *segmentPool) take(ctx context.Context) (*auditSegment, error) {
	for {
		p.mu.Lock()
		if n := len(p.free); n > 0 {
			seg := p.free[n-1]
			p.free = p.free[:n-1]
			p.mu.Unlock()
			return seg, nil
		}
		if p.opened < max(p.max, 1) {
			p.opened++
			p.mu.Unlock()
			return nil, nil
		}
		if p.wake == nil {
			p.wake = make(chan struct{})
		}
		wake := p.wake
		p.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// give hands a segment back (nil: an opening that did not commit).
func (p *segmentPool) give(seg *auditSegment) {
	p.mu.Lock()
	if seg == nil {
		p.opened--
	} else {
		p.free = append(p.free, seg)
	}
	if p.wake != nil {
		close(p.wake)
		p.wake = nil
	}
	p.mu.Unlock()
}

// auditHead is segment 1's head: the register's.
type auditHead struct {
	ID   int
	Seq  int64
	Hash string
}

func (auditHead) TableName() string { return "audit_head" }

// ErrAuditHeadMissing stops the writes that must open a segment when the
// register's head row is gone (deleted by hand or by a bad restore):
// without it no segment can be opened, and a write without its audit entry
// is not allowed. It is a 500 that names the cause, for the operator who
// must restore the row.
var ErrAuditHeadMissing = &Error{Code: EInternal, Message: "the audit log's head row (audit_head id 1) is missing, so no change can be audited and " +
	"writes are stopped; an operator must restore it (docs/security.md), and GET /api/v1/audit/verify reports it"}

// ErrAuditSegmentMissing stops this process's writes when the head row of
// its segment is gone, like ErrAuditHeadMissing.
var ErrAuditSegmentMissing = &Error{Code: EInternal, Message: "the head row of this instance's audit segment (audit_segments) is missing, so no change can be audited and " +
	"writes are stopped; an operator must restore it (docs/security.md), and GET /api/v1/audit/verify reports it"}

// ErrTransactionLost stops a write whose transaction the database ended
// without reporting an error to any of its statements (see
// checkStillOpen): what it wrote before that point was rolled back, and
// what it wrote afterwards ran outside a transaction and may have been
// saved. Nothing of it was audited or confirmed to the client; an
// operator should compare the request (its id is in the message) with
// the data.
var ErrTransactionLost = &Error{Code: EInternal, Message: "the database ended this change's transaction without reporting an error " +
	"(possible on a Galera cluster, docs/deploy.md); nothing was audited, part of the change may have been saved outside the transaction: " +
	"check it before trying again"}

// inTxVar says whether the server answers @@in_transaction (MariaDB 10.3
// and later): 0 not asked yet, 1 yes, 2 no (MySQL).
const (
	inTxUnknown = iota
	inTxKnown
	inTxAbsent
)

// inTransaction asks the server whether the connection is still inside a
// transaction; ok is false when the server cannot tell (SQLite, MySQL).
func (tx *Tx) inTransaction() (in, ok bool, err error) {
	st := tx.store
	if st.dialect.sqlite || st.inTxVar.Load() == inTxAbsent {
		return false, false, nil
	}
	var v int
	err = tx.db.Statement.ConnPool.QueryRowContext(tx.db.Statement.Context, "SELECT @@in_transaction").Scan(&v)
	var me *mysqldrv.MySQLError
	if errors.As(err, &me) && me.Number == 1193 { // unknown system variable
		st.inTxVar.Store(inTxAbsent)
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	st.inTxVar.Store(inTxKnown)
	return v == 1, true, nil
}

// checkStillOpen makes sure, before a write's audit entries are chained,
// that its transaction is still open. On a MariaDB Galera cluster a
// replicated transaction that needs a lock a local one holds aborts the
// local one (a brute-force abort); its next statement normally fails with
// error 1213, and write runs it again. Should the server ever roll it
// back without that error, the statements after it would run in
// autocommit mode and the final COMMIT succeed with nothing to commit: a
// change half lost, answered as saved, with audit entries for it. So on
// MariaDB the write asks @@in_transaction first and stops with
// ErrTransactionLost instead, writing no audit entry for a change that is
// not whole.
func (tx *Tx) checkStillOpen() error {
	in, ok, err := tx.inTransaction()
	if err != nil {
		return fmt.Errorf("audit: transaction state: %w", err)
	}
	if ok && !in {
		return ErrTransactionLost
	}
	return nil
}

// guardedHead says whether the audit head's UPDATE can check that the
// transaction is still open (AND @@in_transaction = 1, MariaDB) instead of
// checkStillOpen asking first: MariaDB, once it has answered the variable.
// A write then finding the head unchanged and the transaction gone stops
// with ErrTransactionLost, as checkStillOpen would have (cutShort).
func (tx *Tx) guardedHead() bool {
	return !tx.store.dialect.sqlite && tx.store.inTxVar.Load() == inTxKnown
}

// cutShort is asked when a statement found fewer rows than it must have:
// if the transaction is no longer open, the server aborted it without an
// error and the answer means nothing. Nothing has been written since
// checkStillOpen but the audit head, unless this transaction opened its
// segment or left that check to the head's UPDATE (then
// ErrTransactionLost: the request's own statements may have run outside
// the transaction); otherwise the attempt is rerun like a deadlock victim.
func (tx *Tx) cutShort() error {
	in, ok, err := tx.inTransaction()
	if err != nil || !ok || in {
		return nil
	}
	if tx.segOpened || tx.openUnchecked {
		return ErrTransactionLost
	}
	return errStatementCut
}

// lostTransaction is what flushAudit answers when the segment this
// transaction opened is gone before the transaction ended: the server
// rolled it back without reporting it. When the connection is still in a
// transaction block (the server began a new, implicit transaction for the
// statements after the rollback), rolling that back undoes everything the
// attempt did and it is run again; otherwise (autocommit, or a server that
// cannot tell) part of it may be saved, and the write stops with
// ErrTransactionLost.
func (tx *Tx) lostTransaction() error {
	in, ok, err := tx.inTransaction()
	if err != nil {
		return fmt.Errorf("audit: transaction state: %w", err)
	}
	if ok && in {
		return errRerun
	}
	return ErrTransactionLost
}

// instanceLabel names this process in the segments it opens.
var instanceLabel = func() string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid())
}()

// takeSegment gives the transaction a segment of this process for its
// entries, opening one when the process has fewer than its share; the
// segment is the transaction's until it ends (release).
func (tx *Tx) takeSegment() (*auditSegment, error) {
	seg, err := tx.store.segs.take(tx.db.Statement.Context)
	if err != nil {
		return nil, err
	}
	tx.segTaken = true
	if seg == nil {
		// Opening writes rows: make sure first that they go into the
		// transaction.
		if tx.openUnchecked {
			if err := tx.checkStillOpen(); err != nil {
				return nil, err
			}
		}
		tx.segOpened = true
		seg, err = tx.openSegment()
		if err != nil {
			return nil, err
		}
		tx.seg = seg
		return seg, nil
	}
	tx.seg = seg
	if seg.stale {
		// A locking read: it sees the row as last committed. A plain read
		// sees this transaction's snapshot, which on MySQL may predate the
		// segment (opened by another transaction of this process since)
		// or its latest head: on the Galera cluster that answered "no such
		// segment" and stopped a write (TestGaleraCluster, session 5).
		// The head's UPDATE below locks the row anyway.
		var row auditSegmentRow
		err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", seg.id).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			if err := tx.cutShort(); err != nil {
				return nil, err
			}
			return nil, ErrAuditSegmentMissing
		}
		if err != nil {
			return nil, fmt.Errorf("audit segment: %w", err)
		}
		seg.seq, seg.hash, seg.stale = row.Seq, row.Hash, false
	}
	return seg, nil
}

// openSegment opens a segment for this process inside the transaction: a
// row in audit_segments and its opening entry in the register (segment
// 1), whose head row (audit_head) is locked for the purpose. The new segment's first
// entry will link to the opening entry's hash.
func (tx *Tx) openSegment() (*auditSegment, error) {
	row := auditSegmentRow{OpenedAt: tx.now, OpenedBy: instanceLabel}
	if err := tx.db.Create(&row).Error; err != nil {
		return nil, fmt.Errorf("audit segment: %w", err)
	}
	var reg auditHead
	if err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = 1").Take(&reg).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrAuditHeadMissing
		}
		return nil, fmt.Errorf("audit register: %w", err)
	}
	e := AuditEntry{
		SegmentID: registrySegment, Seq: reg.Seq + 1, CreatedAt: tx.now, Action: actionSegmentOpen,
		Entity: "audit_segment", EntityID: row.ID, RequestID: tx.actor.RequestID, PrevHash: reg.Hash,
	}
	after := `{"opened_by":` + strconv.Quote(row.OpenedBy) + `}`
	e.After = &after
	e.Hash = e.computeHash(tx.store.auditKey)
	if err := tx.db.Create(&e).Error; err != nil {
		return nil, fmt.Errorf("audit register: %w", err)
	}
	if err := tx.db.Model(&auditHead{}).Where("id = 1").Updates(map[string]any{"seq": e.Seq, "hash": e.Hash}).Error; err != nil {
		return nil, err
	}
	return &auditSegment{id: row.ID, seq: 0, hash: e.Hash}, nil
}

// releaseSegment gives the transaction's segment back when it ends: with
// the head it wrote when it committed, else to be read again.
func (tx *Tx) releaseSegment(committed bool) {
	if !tx.segTaken {
		return
	}
	tx.segTaken = false
	seg := tx.seg
	tx.seg = nil
	switch {
	case seg == nil:
	case committed && tx.segWrote:
		seg.seq, seg.hash = tx.segSeq, tx.segHash
	case !committed && tx.segOpened:
		// Its opening rolled back with the transaction.
		seg = nil
	case !committed:
		seg.stale = true
	}
	tx.segWrote, tx.segOpened, tx.openUnchecked = false, false, false
	tx.store.segs.give(seg)
}
