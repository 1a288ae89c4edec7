package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// AuditAnchor is a segment's head recorded outside the database.
type AuditAnchor struct {
	Segment int64  `json:"segment"`
	Seq     int64  `json:"seq"`
	Hash    string `json:"hash"`
}

// SignedAuditHead is a segment's head with, when an audit key is
// configured, an HMAC over it that only holders of the key can make: an
// operator or monitor records it (e.g. from each verification, or the log)
// and later passes it back as an anchor.
type SignedAuditHead struct {
	Segment   int64  `json:"segment"`
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	Signature string `json:"signature,omitempty"`
}

func (s *Store) signHead(h auditSegmentRow) *SignedAuditHead {
	out := &SignedAuditHead{Segment: h.ID, Seq: h.Seq, Hash: h.Hash}
	if s.auditKey != nil {
		out.Signature = SignAuditHead(s.auditKey, h.ID, h.Seq, h.Hash)
	}
	return out
}

// SignAuditHead is the signature of a segment's head: hex HMAC-SHA256 with
// the audit key over "firstask-audit-head", the segment, the seq and the
// hash, separated by 0x1f.
func SignAuditHead(key []byte, segment, seq int64, hash string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("firstask-audit-head\x1f" + strconv.FormatInt(segment, 10) + "\x1f" + strconv.FormatInt(seq, 10) + "\x1f" + hash))
	return hex.EncodeToString(m.Sum(nil))
}

// AuditHeads are every segment's current head, signed when an audit key
// is configured; serve logs them at start and at shutdown so that the
// log, kept outside the database, holds anchors.
func (s *Store) AuditHeads(ctx context.Context) ([]SignedAuditHead, error) {
	tx := &Tx{db: s.db.WithContext(ctx), store: s}
	rows, err := tx.auditSegments()
	if err != nil {
		return nil, err
	}
	hasRegister := false
	out := make([]SignedAuditHead, 0, len(rows))
	for _, r := range rows {
		hasRegister = hasRegister || r.ID == registrySegment
		out = append(out, *s.signHead(r))
	}
	if !hasRegister {
		return out, ErrAuditHeadMissing
	}
	return out, nil
}

// auditSegments are every segment's head row in the order of their ids:
// segment 1's from audit_head (when it is there), the others' from
// audit_segments.
func (tx *Tx) auditSegments() ([]auditSegmentRow, error) {
	var heads []auditHead
	if err := tx.db.Where("id = 1").Find(&heads).Error; err != nil {
		return nil, err
	}
	var rows []auditSegmentRow
	if err := tx.db.Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(heads) == 1 {
		rows = append([]auditSegmentRow{{ID: registrySegment, Seq: heads[0].Seq, Hash: heads[0].Hash}}, rows...)
	}
	return rows, nil
}
