package models

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

var testAuditKey = []byte("0123456789abcdef0123456789abcdef-audit")

func keyedStore(t *testing.T, key []byte) (*Store, *sql.DB) {
	t.Helper()
	s := openStore(t)
	s.auditKey = key
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		code := fmt.Sprintf("K%d", i)
		if _, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code}); err != nil {
			t.Fatal(err)
		}
	}
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	return s, db
}

// forge edits entry seq and re-hashes it and every later entry with plain
// SHA-256, then moves the head: what someone with write access to the
// database, but not the key, can do.
func forge(t *testing.T, s *Store, db *sql.DB, seq int64) {
	t.Helper()
	if _, err := db.Exec("UPDATE audit_log SET after_json = ? WHERE seq = ?", `{"code":"forged"}`, seq); err != nil {
		t.Fatal(err)
	}
	var entries []AuditEntry
	if err := s.db.Order("seq").Find(&entries).Error; err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, e := range entries {
		if e.Seq >= seq {
			e.PrevHash = prev
			e.Hash = e.computeHash(nil)
			if _, err := db.Exec("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", e.PrevHash, e.Hash, e.Seq); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
	if _, err := db.Exec("UPDATE audit_head SET hash = ? WHERE id = 1", prev); err != nil {
		t.Fatal(err)
	}
}

// TestAuditEditAndRehash: an entry edited and the chain recomputed passed
// verification; with the key it is caught at the edited entry. Without a
// key it still passes (the limit docs/security.md states).
func TestAuditEditAndRehash(t *testing.T) {
	ctx := context.Background()
	s, db := keyedStore(t, testAuditKey)
	forge(t, s, db, 3)
	res, err := s.VerifyAudit(ctx, System("t"))
	if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 3 {
		t.Fatalf("keyed chain after a re-hashed edit: %+v %v", res, err)
	}
	// Re-hashing everything from the first entry leaves no keyed entry.
	s2, db2 := keyedStore(t, testAuditKey)
	forge(t, s2, db2, 1)
	if res, err := s2.VerifyAudit(ctx, System("t")); err != nil || res.OK {
		t.Fatalf("keyed chain rewritten whole: %+v %v", res, err)
	}
	s3, db3 := keyedStore(t, nil)
	forge(t, s3, db3, 3)
	if res, err := s3.VerifyAudit(ctx, System("t")); err != nil || !res.OK {
		t.Fatalf("unkeyed chain: %+v %v (expected to pass: the key is what stops this)", res, err)
	}
}

// TestAuditCutTailCaughtByAnchor: cutting the tail and moving the head (or
// cutting and writing new entries) passes a plain verification; an anchor
// recorded outside the database catches it.
func TestAuditCutTailCaughtByAnchor(t *testing.T) {
	ctx := context.Background()
	s, db := keyedStore(t, testAuditKey)
	res, err := s.VerifyAudit(ctx, System("t"))
	if err != nil || !res.OK || res.Head == nil || res.Head.Seq != 5 || res.KeyedFrom == nil || *res.KeyedFrom != 1 {
		t.Fatalf("intact: %+v %v", res, err)
	}
	if res.Head.Signature != SignAuditHead(testAuditKey, 5, res.Head.Hash) || res.Head.Signature == SignAuditHead([]byte("another key of enough length!!!!"), 5, res.Head.Hash) {
		t.Fatal("head signature does not depend on the key")
	}
	anchor := &AuditAnchor{Seq: res.Head.Seq, Hash: res.Head.Hash}
	var h3 string
	if err := db.QueryRow("SELECT hash FROM audit_log WHERE seq = 3").Scan(&h3); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM audit_log WHERE seq > 3"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE audit_head SET seq = 3, hash = ? WHERE id = 1", h3); err != nil {
		t.Fatal(err)
	}
	if res, err := s.VerifyAudit(ctx, System("t")); err != nil || !res.OK {
		t.Fatalf("without an anchor a clean cut passes: %+v %v", res, err)
	}
	res, err = s.VerifyAuditAnchor(ctx, System("t"), anchor)
	if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 4 {
		t.Fatalf("cut tail with an anchor: %+v %v", res, err)
	}
	// Grown back to seq 5 with other content: still caught.
	for i := 0; i < 2; i++ {
		code := fmt.Sprintf("R%d", i)
		if _, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code}); err != nil {
			t.Fatal(err)
		}
	}
	res, err = s.VerifyAuditAnchor(ctx, System("t"), anchor)
	if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 5 {
		t.Fatalf("cut and re-grown chain with an anchor: %+v %v", res, err)
	}
}

// TestAuditHeadRowDeleted: every write answered 404 once the head row was
// deleted; now it is an internal error naming the cause, and verify says so.
func TestAuditHeadRowDeleted(t *testing.T) {
	ctx := context.Background()
	s, db := keyedStore(t, testAuditKey)
	if _, err := db.Exec("DELETE FROM audit_head"); err != nil {
		t.Fatal(err)
	}
	code := "AFTER"
	_, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code})
	if ErrorCode(err) != EInternal || err != ErrAuditHeadMissing {
		t.Fatalf("write without a head: %v (code %s)", err, ErrorCode(err))
	}
	res, err := s.VerifyAudit(ctx, System("t"))
	if err != nil || res.OK || res.Reason != "the audit head row (audit_head id 1) is missing" {
		t.Fatalf("verify without a head: %+v %v", res, err)
	}
}
