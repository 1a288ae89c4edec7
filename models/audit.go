package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AuditEntry is one link of the append-only, hash-chained audit log.
type AuditEntry struct {
	ID        int64     `json:"id"`
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

type auditHead struct {
	ID   int
	Seq  int64
	Hash string
}

func (auditHead) TableName() string { return "audit_head" }

// flushAudit locks the chain's head row, so that concurrent transactions on
// MySQL append one after another (SQLite's immediate transactions already
// serialise writers), then writes the queued entries. It runs last in the
// transaction so that the head lock is held as briefly as possible and is
// never held while waiting for another row.
func (tx *Tx) flushAudit() error {
	if len(tx.audits) == 0 {
		return nil
	}
	var head auditHead
	if err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = 1").Take(&head).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrAuditHeadMissing
		}
		return fmt.Errorf("audit head: %w", err)
	}
	rows := make([]AuditEntry, 0, len(tx.audits))
	for _, a := range tx.audits {
		e := AuditEntry{
			Seq:       head.Seq + 1,
			CreatedAt: tx.now,
			ActorRole: string(tx.actor.Role),
			Action:    a.action,
			Entity:    a.entity,
			EntityID:  a.entityID,
			RequestID: tx.actor.RequestID,
			PrevHash:  head.Hash,
		}
		if tx.actor.StaffID != 0 {
			id := tx.actor.StaffID
			e.ActorID = &id
		}
		var err error
		if e.Before, err = marshalAudit(a.before); err != nil {
			return err
		}
		if e.After, err = marshalAudit(a.after); err != nil {
			return err
		}
		e.Hash = e.computeHash(tx.store.auditKey)
		head.Seq, head.Hash = e.Seq, e.Hash
		rows = append(rows, e)
	}
	if err := tx.db.CreateInBatches(&rows, 200).Error; err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	tx.audits = nil
	return tx.db.Model(&auditHead{}).Where("id = 1").Updates(map[string]any{"seq": head.Seq, "hash": head.Hash}).Error
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
		return q.Order("seq DESC").Offset(f.Offset()).Limit(f.Size).Find(&out).Error
	})
	for i := range out {
		out[i].decode()
	}
	return out, total, err
}

// AuditVerification is the result of checking the whole chain.
type AuditVerification struct {
	OK       bool   `json:"ok"`
	Checked  int64  `json:"checked"`
	BrokenAt *int64 `json:"broken_at_seq,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// KeyedFrom is the first entry hashed with the audit key (entries
	// before it predate the key); absent when none is.
	KeyedFrom *int64 `json:"keyed_from_seq,omitempty"`
	// Head is the chain's head, signed with the audit key, for an operator
	// or monitor to record outside the database (absent when the head row
	// is missing).
	Head *SignedAuditHead `json:"head,omitempty"`
}

// VerifyAudit walks the chain in order and reports the first entry whose
// hash does not match its content or whose link to the previous entry is
// broken, and whether the head still points at the last entry.
func (s *Store) VerifyAudit(ctx context.Context, a Actor) (AuditVerification, error) {
	return s.VerifyAuditAnchor(ctx, a, nil)
}

// VerifyAuditAnchor is VerifyAudit that also checks an anchor recorded
// outside the database earlier (a head from a previous verification): the
// entry at its seq must still exist with its hash, so that a chain cut
// back and re-grown, or rewritten and re-hashed, no longer passes.
func (s *Store) VerifyAuditAnchor(ctx context.Context, a Actor, anchor *AuditAnchor) (AuditVerification, error) {
	var res AuditVerification
	err := s.read(ctx, a, func(tx *Tx) error {
		prevHash, prevSeq := "", int64(0)
		anchorSeen := false
		for {
			var batch []AuditEntry
			if err := tx.db.Where("seq > ?", prevSeq).Order("seq").Limit(1000).Find(&batch).Error; err != nil {
				return err
			}
			for i := range batch {
				e := &batch[i]
				fail := func(reason string) {
					seq := e.Seq
					res.BrokenAt, res.Reason = &seq, reason
				}
				keyed := s.auditKey != nil && e.computeHash(s.auditKey) == e.Hash
				switch {
				case e.Seq != prevSeq+1:
					fail(fmt.Sprintf("entry %d is missing", prevSeq+1))
				case e.PrevHash != prevHash:
					fail("the link to the previous entry is broken")
				case keyed:
					if res.KeyedFrom == nil {
						seq := e.Seq
						res.KeyedFrom = &seq
					}
				case res.KeyedFrom != nil:
					// After the first keyed entry every entry must be keyed:
					// a plain hash here was computed without the key.
					fail("the entry's content does not match its keyed hash")
				case e.computeHash(nil) != e.Hash:
					fail("the entry's content does not match its hash")
				}
				if res.BrokenAt == nil && anchor != nil && e.Seq == anchor.Seq {
					anchorSeen = true
					if e.Hash != anchor.Hash {
						fail("the entry differs from the anchor recorded outside the database")
					}
				}
				if res.BrokenAt != nil {
					return nil
				}
				res.Checked++
				prevHash, prevSeq = e.Hash, e.Seq
			}
			if len(batch) < 1000 {
				break
			}
		}
		if anchor != nil && !anchorSeen {
			seq := prevSeq + 1
			res.BrokenAt, res.Reason = &seq, fmt.Sprintf("the anchored entry %d is gone: the chain was cut", anchor.Seq)
			return nil
		}
		var head auditHead
		err := tx.db.Where("id = 1").Take(&head).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			seq := prevSeq + 1
			res.BrokenAt, res.Reason = &seq, "the audit head row (audit_head id 1) is missing"
			return nil
		}
		if err != nil {
			return err
		}
		res.Head = s.signHead(head)
		if head.Seq != prevSeq || head.Hash != prevHash {
			seq := prevSeq + 1
			res.BrokenAt, res.Reason = &seq, "entries after this point were removed"
			return nil
		}
		if s.auditKey != nil && prevSeq > 0 && res.KeyedFrom == nil {
			seq := prevSeq
			res.BrokenAt, res.Reason = &seq, "no entry carries the audit key: the chain was rewritten, or the key is not the one it was written with"
			return nil
		}
		res.OK = true
		return nil
	})
	return res, err
}
