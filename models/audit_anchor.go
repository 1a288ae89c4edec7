package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"

	"gorm.io/gorm"
)

// ErrAuditHeadMissing stops every write when the audit chain's head row is
// gone (deleted by hand or by a bad restore): without it no entry can be
// linked, and a write without its audit entry is not allowed. It is a 500
// that names the cause, for the operator who must restore the row.
var ErrAuditHeadMissing = &Error{Code: EInternal, Message: "the audit log's head row (audit_head id 1) is missing, so no change can be audited and " +
	"writes are stopped; an operator must restore it (docs/security.md), and GET /api/v1/audit/verify reports it"}

// AuditAnchor is a head recorded outside the database.
type AuditAnchor struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// SignedAuditHead is the chain's head with, when an audit key is
// configured, an HMAC over it that only holders of the key can make: an
// operator or monitor records it (e.g. from each verification, or the log)
// and later passes it back as an anchor.
type SignedAuditHead struct {
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	Signature string `json:"signature,omitempty"`
}

func (s *Store) signHead(h auditHead) *SignedAuditHead {
	out := &SignedAuditHead{Seq: h.Seq, Hash: h.Hash}
	if s.auditKey != nil {
		out.Signature = SignAuditHead(s.auditKey, h.Seq, h.Hash)
	}
	return out
}

// SignAuditHead is the signature of a head: hex HMAC-SHA256 with the audit
// key over "firstask-audit-head", the seq and the hash.
func SignAuditHead(key []byte, seq int64, hash string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("firstask-audit-head\x1f" + strconv.FormatInt(seq, 10) + "\x1f" + hash))
	return hex.EncodeToString(m.Sum(nil))
}

// AuditHead is the chain's current head, signed when an audit key is
// configured; serve logs it at start and at shutdown so that the log,
// kept outside the database, holds anchors.
func (s *Store) AuditHead(ctx context.Context) (*SignedAuditHead, error) {
	var head auditHead
	err := s.db.WithContext(ctx).Where("id = 1").Take(&head).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrAuditHeadMissing
	}
	if err != nil {
		return nil, err
	}
	return s.signHead(head), nil
}
