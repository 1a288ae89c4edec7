package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one link of the append-only, hash-chained audit log.
type AuditEntry struct {
	ID int64 `json:"id"`
	// SegmentID is the chain the entry belongs to (see audit_segment.go);
	// Seq numbers the entries of one segment without gaps.
	SegmentID int64     `json:"segment_id"`
	Seq       int64     `json:"seq"`
	CreatedAt time.Time `json:"created_at"`
	ActorID   *int64    `json:"actor_id"`
	ActorRole string    `json:"actor_role"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  int64     `json:"entity_id"`
	Before    *string   `json:"-" gorm:"column:before_json"`
	After     *string   `json:"-" gorm:"column:after_json"`
	RequestID string    `json:"request_id"`
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`

	BeforeJSON json.RawMessage `json:"before" gorm:"-"`
	AfterJSON  json.RawMessage `json:"after" gorm:"-"`
}

// TableName names the audit table.
func (AuditEntry) TableName() string { return "audit_log" }

type auditEntry struct {
	action, entity string
	entityID       int64
	before, after  any
}

// audit queues an entry; it is chained and written just before commit, in
// the same transaction as the change it describes. before and after are
// marshalled to JSON (nil stays NULL).
func (tx *Tx) audit(action, entity string, entityID int64, before, after any) {
	tx.audits = append(tx.audits, auditEntry{action: action, entity: entity, entityID: entityID, before: before, after: after})
}

// flushAudit appends the queued entries to a segment of this process's
// own (see audit_segment.go): one INSERT of the entries and one
// conditional UPDATE of the segment's head row, which no other process
// writes, so that writers on different database nodes do not conflict.
// The UPDATE names the head the process last committed; when it finds
// another (the row was changed or restored by hand, or a commit whose
// outcome was unknown did happen) the head is read again and the whole
// transaction rerun.
func (tx *Tx) flushAudit() error {
	if len(tx.audits) == 0 {
		return nil
	}
	// On MariaDB, once the server has answered @@in_transaction, the audit
	// head's UPDATE checks it itself (one round trip fewer a write);
	// otherwise it is asked here, before anything is chained.
	guarded := tx.guardedHead()
	if guarded {
		tx.openUnchecked = true
	} else if err := tx.checkStillOpen(); err != nil {
		return err
	}
	seg, err := tx.takeSegment()
	if err != nil {
		return err
	}
	seq, hash := seg.seq, seg.hash
	rows := make([]AuditEntry, 0, len(tx.audits))
	for _, a := range tx.audits {
		e := AuditEntry{
			SegmentID: seg.id,
			Seq:       seq + 1,
			CreatedAt: tx.now,
			ActorRole: string(tx.actor.Role),
			Action:    a.action,
			Entity:    a.entity,
			EntityID:  a.entityID,
			RequestID: tx.actor.RequestID,
			PrevHash:  hash,
		}
		if tx.actor.StaffID != 0 {
			id := tx.actor.StaffID
			e.ActorID = &id
		}
		if e.Before, err = marshalAudit(a.before); err != nil {
			return err
		}
		if e.After, err = marshalAudit(a.after); err != nil {
			return err
		}
		e.Hash = e.computeHash(tx.store.auditKey)
		seq, hash = e.Seq, e.Hash
		rows = append(rows, e)
	}
	head := "UPDATE audit_segments SET seq = ?, hash = ? WHERE id = ? AND seq = ?"
	if guarded {
		head += " AND @@in_transaction = 1"
	}
	res, err := tx.db.Statement.ConnPool.ExecContext(tx.db.Statement.Context, head, seq, hash, seg.id, seg.seq)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("audit head: %w", err)
	} else if n != 1 {
		seg.stale = true
		if err := tx.cutShort(); err != nil {
			return err
		}
		if err := tx.db.Model(&auditSegmentRow{}).Where("id = ?", seg.id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 && tx.segOpened {
			// This transaction inserted the row a few statements ago and
			// holds its lock: nobody deleted it, the database rolled the
			// transaction back without reporting it (audit_segment.go).
			return tx.lostTransaction()
		}
		// A row really missing is reported by the rerun, which reads the
		// head again (takeSegment); on the cluster a brute-force abort
		// was seen answering "0 rows" here for a row that was there.
		return errRerun
	}
	if err := tx.db.CreateInBatches(&rows, 200).Error; err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	tx.audits = nil
	tx.segWrote, tx.segSeq, tx.segHash = true, seq, hash
	return nil
}

func marshalAudit(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	s := string(b)
	return &s, nil
}

// computeHash is the entry's link: over its content and the previous hash,
// HMAC-SHA256 with the audit key when one is configured, else plain
// SHA-256 (which anyone with write access to the database can recompute).
func (e *AuditEntry) computeHash(key []byte) string {
	actor := ""
	if e.ActorID != nil {
		actor = strconv.FormatInt(*e.ActorID, 10)
	}
	opt := func(s *string) string {
		if s == nil {
			return "\x00"
		}
		return *s
	}
	parts := []string{
		strconv.FormatInt(e.Seq, 10),
		e.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
		actor, e.ActorRole, e.Action, e.Entity,
		strconv.FormatInt(e.EntityID, 10),
		opt(e.Before), opt(e.After), e.RequestID, e.PrevHash,
	}
	content := []byte(strings.Join(parts, "\x1f"))
	if key != nil {
		m := hmac.New(sha256.New, key)
		m.Write(content)
		return hex.EncodeToString(m.Sum(nil))
	}
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

func (e *AuditEntry) decode() {
	if e.Before != nil {
		e.BeforeJSON = json.RawMessage(*e.Before)
	}
	if e.After != nil {
		e.AfterJSON = json.RawMessage(*e.After)
	}
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity   string
	EntityID int64
	Page
}

// ListAudit returns audit entries, newest first.
func (s *Store) ListAudit(ctx context.Context, a Actor, f AuditFilter) ([]AuditEntry, int64, error) {
	var out []AuditEntry
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		q := tx.db.Model(&AuditEntry{})
		if f.Entity != "" {
			q = q.Where("entity = ?", f.Entity)
		}
		if f.EntityID != 0 {
			q = q.Where("entity_id = ?", f.EntityID)
		}
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		return q.Order("id DESC").Offset(f.Offset()).Limit(f.Size).Find(&out).Error
	})
	for i := range out {
		out[i].decode()
	}
	return out, total, err
}

// AuditVerification is the result of checking every segment of the trail.
type AuditVerification struct {
	OK      bool  `json:"ok"`
	Checked int64 `json:"checked"`
	// BrokenSegment and BrokenAt locate the first problem found (segment
	// 1 first, then the others in the order of their ids).
	BrokenSegment *int64 `json:"broken_at_segment,omitempty"`
	BrokenAt      *int64 `json:"broken_at_seq,omitempty"`
	Reason        string `json:"reason,omitempty"`
	// KeyedFrom is the first entry of segment 1 hashed with the audit key
	// (entries before it predate the key); absent when none is.
	KeyedFrom *int64 `json:"keyed_from_seq,omitempty"`
	// Head is segment 1's head (the audit_head row), the register of
	// segments, signed with the audit key (absent when the row is missing).
	Head *SignedAuditHead `json:"head,omitempty"`
	// Heads are every segment's signed heads, in the order of their ids,
	// for an operator or monitor to record outside the database and pass
	// back later as anchors.
	Heads []SignedAuditHead `json:"heads"`
}

// VerifyAudit walks every segment in order and reports the first entry
// whose hash does not match its content or whose link to the previous
// entry is broken, whether each head still points at its segment's last
// entry, and whether every segment the register opened is still there.
func (s *Store) VerifyAudit(ctx context.Context, a Actor) (AuditVerification, error) {
	return s.VerifyAuditAnchor(ctx, a)
}

// segmentOpening is a segment's opening entry in the register.
type segmentOpening struct {
	seq   int64
	hash  string
	keyed bool
}

// VerifyAuditAnchor is VerifyAudit that also checks anchors recorded
// outside the database earlier (heads from a previous verification or
// the serve log): the entry at each anchor's segment and seq must still
// exist with its hash, so that a segment cut back and re-grown, or
// rewritten and re-hashed, no longer passes.
func (s *Store) VerifyAuditAnchor(ctx context.Context, a Actor, anchors ...AuditAnchor) (AuditVerification, error) {
	res := AuditVerification{Heads: []SignedAuditHead{}}
	err := s.read(ctx, a, func(tx *Tx) error {
		segs, err := tx.auditSegments()
		if err != nil {
			return err
		}
		byID := make(map[int64]auditSegmentRow, len(segs))
		for _, r := range segs {
			byID[r.ID] = r
			res.Heads = append(res.Heads, *s.signHead(r))
		}
		fail := func(seg, seq int64, reason string) {
			res.BrokenSegment, res.BrokenAt, res.Reason = &seg, &seq, reason
		}
		anchorsOf := map[int64][]AuditAnchor{}
		for _, an := range anchors {
			seg := max(an.Segment, registrySegment)
			if _, ok := byID[seg]; !ok {
				fail(seg, an.Seq, fmt.Sprintf("the anchored segment %d is gone", seg))
				return nil
			}
			anchorsOf[seg] = append(anchorsOf[seg], an)
		}
		reg, ok := byID[registrySegment]
		if !ok {
			var n int64
			if err := tx.db.Model(&AuditEntry{}).Where("segment_id = ?", registrySegment).Count(&n).Error; err != nil {
				return err
			}
			fail(registrySegment, n+1, "the audit head row (audit_head id 1) is missing")
			return nil
		}
		res.Head = s.signHead(reg)
		openings := map[int64]segmentOpening{}
		keyedAny := false
		walk := func(seg auditSegmentRow, prevHash string, mustKey bool) (bool, error) {
			prevSeq := int64(0)
			keyed := mustKey
			seen := map[int64]bool{}
			for {
				var batch []AuditEntry
				if err := tx.db.Where("segment_id = ? AND seq > ?", seg.ID, prevSeq).Order("seq").Limit(1000).Find(&batch).Error; err != nil {
					return false, err
				}
				for i := range batch {
					e := &batch[i]
					isKeyed := s.auditKey != nil && e.computeHash(s.auditKey) == e.Hash
					switch {
					case e.Seq != prevSeq+1:
						fail(seg.ID, e.Seq, fmt.Sprintf("entry %d of segment %d is missing", prevSeq+1, seg.ID))
					case e.PrevHash != prevHash:
						fail(seg.ID, e.Seq, "the link to the previous entry is broken")
					case isKeyed:
						keyed, keyedAny = true, true
						if seg.ID == registrySegment && res.KeyedFrom == nil {
							seq := e.Seq
							res.KeyedFrom = &seq
						}
					case keyed:
						// After the first keyed entry (or in a segment opened
						// by a keyed entry) every entry must be keyed: a
						// plain hash here was computed without the key.
						fail(seg.ID, e.Seq, "the entry's content does not match its keyed hash")
					case e.computeHash(nil) != e.Hash:
						fail(seg.ID, e.Seq, "the entry's content does not match its hash")
					}
					if res.BrokenAt == nil {
						for _, an := range anchorsOf[seg.ID] {
							if an.Seq == e.Seq {
								seen[an.Seq] = true
								if an.Hash != e.Hash {
									fail(seg.ID, e.Seq, "the entry differs from the anchor recorded outside the database")
								}
							}
						}
					}
					if res.BrokenAt != nil {
						return false, nil
					}
					if seg.ID == registrySegment && e.Action == actionSegmentOpen {
						openings[e.EntityID] = segmentOpening{seq: e.Seq, hash: e.Hash, keyed: isKeyed}
					}
					res.Checked++
					prevHash, prevSeq = e.Hash, e.Seq
				}
				if len(batch) < 1000 {
					break
				}
			}
			for _, an := range anchorsOf[seg.ID] {
				if !seen[an.Seq] {
					fail(seg.ID, prevSeq+1, fmt.Sprintf("the anchored entry %d of segment %d is gone: the segment was cut", an.Seq, seg.ID))
					return false, nil
				}
			}
			if seg.Seq != prevSeq || (prevSeq > 0 && seg.Hash != prevHash) {
				fail(seg.ID, prevSeq+1, fmt.Sprintf("entries of segment %d after this point were removed", seg.ID))
				return false, nil
			}
			return true, nil
		}
		if ok, err := walk(reg, "", false); !ok || err != nil {
			return err
		}
		for _, seg := range segs {
			if seg.ID == registrySegment {
				continue
			}
			op, ok := openings[seg.ID]
			if !ok {
				fail(seg.ID, 1, fmt.Sprintf("segment %d was not opened in the register (segment 1)", seg.ID))
				return nil
			}
			if ok, err := walk(seg, op.hash, op.keyed); !ok || err != nil {
				return err
			}
		}
		for id, op := range openings {
			if _, ok := byID[id]; !ok {
				fail(id, 1, fmt.Sprintf("segment %d, opened by entry %d of segment 1, is gone", id, op.seq))
				return nil
			}
		}
		// Entries filed under a segment with no head row (and so not walked).
		var ids []int64
		if err := tx.db.Model(&AuditEntry{}).Distinct("segment_id").Pluck("segment_id", &ids).Error; err != nil {
			return err
		}
		for _, id := range ids {
			if _, ok := byID[id]; !ok {
				fail(id, 1, fmt.Sprintf("entries of segment %d have no head row (audit_segments id %d)", id, id))
				return nil
			}
		}
		if s.auditKey != nil && res.Checked > 0 && !keyedAny {
			fail(registrySegment, reg.Seq, "no entry carries the audit key: the trail was rewritten, or the key is not the one it was written with")
			return nil
		}
		res.OK = true
		return nil
	})
	return res, err
}
