package models

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"firstask/models/testdb"
)

var testAuditKey = []byte("0123456789abcdef0123456789abcdef-audit")

// keyedStores opens n stores (n processes) on one new database, with the
// given audit key; the first writes five departments.
func keyedStores(t *testing.T, key []byte, n int) ([]*Store, *sql.DB) {
	t.Helper()
	driver, dsn := testdb.DSN(t)
	var out []*Store
	for i := 0; i < n; i++ {
		s, err := Open(driver, dsn, Options{BcryptCost: 4, AuditKey: key})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if i == 0 {
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, s)
	}
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		code := fmt.Sprintf("K%d", i)
		if _, err := out[0].CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code}); err != nil {
			t.Fatal(err)
		}
	}
	db, err := out[0].SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	return out, db
}

func keyedStore(t *testing.T, key []byte) (*Store, *sql.DB) {
	t.Helper()
	s, db := keyedStores(t, key, 1)
	return s[0], db
}

// ownSegment is the segment the store's writes went to: the newest.
func ownSegment(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow("SELECT MAX(id) FROM audit_segments").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// setHead moves a segment's head row (audit_head for segment 1).
func setHead(t *testing.T, db *sql.DB, seg, seq int64, hash string) {
	t.Helper()
	q := "UPDATE audit_segments SET seq = ?, hash = ? WHERE id = ?"
	if seg == 1 {
		q = "UPDATE audit_head SET seq = ?, hash = ? WHERE id = ?"
	}
	if _, err := db.Exec(q, seq, hash, seg); err != nil {
		t.Fatal(err)
	}
}

// forge edits entry seq of segment seg and re-hashes it and every later
// entry of the trail that depends on it (later entries of the segment; for
// the register, the segments its re-hashed entries opened) with plain
// SHA-256, then moves the heads: what someone with write access to the
// database, but not the key, can do.
func forge(t *testing.T, s *Store, db *sql.DB, seg, seq int64) {
	t.Helper()
	if _, err := db.Exec("UPDATE audit_log SET after_json = ? WHERE segment_id = ? AND seq = ?", `{"code":"forged"}`, seg, seq); err != nil {
		t.Fatal(err)
	}
	rows, err := (&Tx{db: s.db, store: s}).auditSegments()
	if err != nil {
		t.Fatal(err)
	}
	opened := map[int64]string{} // re-hashed openings: segment → new hash
	for _, r := range rows {
		var entries []AuditEntry
		if err := s.db.Where("segment_id = ?", r.ID).Order("seq").Find(&entries).Error; err != nil {
			t.Fatal(err)
		}
		newOpening, reopened := opened[r.ID]
		prev := ""
		for i, e := range entries {
			if i == 0 && reopened {
				prev = newOpening
			}
			if reopened || (r.ID == seg && e.Seq >= seq) {
				e.PrevHash = prev
				e.Hash = e.computeHash(nil)
				if _, err := db.Exec("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", e.PrevHash, e.Hash, e.ID); err != nil {
					t.Fatal(err)
				}
				if e.Action == actionSegmentOpen {
					opened[e.EntityID] = e.Hash
				}
			}
			prev = e.Hash
		}
		setHead(t, db, r.ID, int64(len(entries)), prev)
	}
}

// TestAuditEditAndRehash: an entry edited and the chain recomputed passed
// verification; with the key it is caught at the edited entry. Without a
// key it still passes (the limit docs/security.md states).
func TestAuditEditAndRehash(t *testing.T) {
	ctx := context.Background()
	s, db := keyedStore(t, testAuditKey)
	seg := ownSegment(t, db)
	forge(t, s, db, seg, 3)
	res, err := s.VerifyAudit(ctx, System("t"))
	if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 3 || *res.BrokenSegment != seg {
		t.Fatalf("keyed chain after a re-hashed edit: %+v %v", res, err)
	}
	// Re-hashing a segment whole: it was opened by a keyed entry, so its
	// first plain entry is caught.
	s2, db2 := keyedStore(t, testAuditKey)
	seg2 := ownSegment(t, db2)
	forge(t, s2, db2, seg2, 1)
	if res, err := s2.VerifyAudit(ctx, System("t")); err != nil || res.OK || *res.BrokenSegment != seg2 || *res.BrokenAt != 1 {
		t.Fatalf("keyed segment rewritten whole: %+v %v", res, err)
	}
	// Re-hashing everything from the register's first entry leaves no
	// keyed entry.
	s3, db3 := keyedStore(t, testAuditKey)
	forge(t, s3, db3, 1, 1)
	if res, err := s3.VerifyAudit(ctx, System("t")); err != nil || res.OK {
		t.Fatalf("keyed trail rewritten whole: %+v %v", res, err)
	}
	s4, db4 := keyedStore(t, nil)
	forge(t, s4, db4, ownSegment(t, db4), 3)
	if res, err := s4.VerifyAudit(ctx, System("t")); err != nil || !res.OK {
		t.Fatalf("unkeyed chain: %+v %v (expected to pass: the key is what stops this)", res, err)
	}
}

// TestAuditCutTailCaughtByAnchor: cutting a segment's tail and moving its
// head (or cutting and writing new entries) passes a plain verification;
// an anchor recorded outside the database catches it.
func TestAuditCutTailCaughtByAnchor(t *testing.T) {
	ctx := context.Background()
	s, db := keyedStore(t, testAuditKey)
	seg := ownSegment(t, db)
	res, err := s.VerifyAudit(ctx, System("t"))
	if err != nil || !res.OK || len(res.Heads) != 2 || res.Heads[1].Segment != seg || res.Heads[1].Seq != 5 ||
		res.Head == nil || res.Head.Segment != 1 || res.Head.Seq != 1 || res.KeyedFrom == nil || *res.KeyedFrom != 1 || res.Checked != 6 {
		t.Fatalf("intact: %+v %v", res, err)
	}
	head := res.Heads[1]
	if head.Signature != SignAuditHead(testAuditKey, seg, 5, head.Hash) || head.Signature == SignAuditHead([]byte("another key of enough length!!!!"), seg, 5, head.Hash) ||
		head.Signature == SignAuditHead(testAuditKey, seg+1, 5, head.Hash) {
		t.Fatal("head signature does not depend on the key and the segment")
	}
	anchor := AuditAnchor{Segment: seg, Seq: head.Seq, Hash: head.Hash}
	var h3 string
	if err := db.QueryRow("SELECT hash FROM audit_log WHERE segment_id = ? AND seq = 3", seg).Scan(&h3); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM audit_log WHERE segment_id = ? AND seq > 3", seg); err != nil {
		t.Fatal(err)
	}
	setHead(t, db, seg, 3, h3)
	if res, err := s.VerifyAudit(ctx, System("t")); err != nil || !res.OK {
		t.Fatalf("without an anchor a clean cut passes: %+v %v", res, err)
	}
	res, err = s.VerifyAuditAnchor(ctx, System("t"), anchor)
	if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 4 || *res.BrokenSegment != seg {
		t.Fatalf("cut tail with an anchor: %+v %v", res, err)
	}
	// Grown back to seq 5 with other content (the process finds its head
	// moved, reads it again and reruns): still caught.
	for i := 0; i < 2; i++ {
		code := fmt.Sprintf("R%d", i)
		if _, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code}); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := s.VerifyAudit(ctx, System("t")); err != nil || !res.OK || res.Heads[1].Seq != 5 {
		t.Fatalf("re-grown without an anchor: %+v %v", res, err)
	}
	res, err = s.VerifyAuditAnchor(ctx, System("t"), anchor)
	if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 5 {
		t.Fatalf("cut and re-grown chain with an anchor: %+v %v", res, err)
	}
	// An anchor of a segment that is gone.
	res, err = s.VerifyAuditAnchor(ctx, System("t"), AuditAnchor{Segment: seg + 7, Seq: 1, Hash: head.Hash})
	if err != nil || res.OK || *res.BrokenSegment != seg+7 {
		t.Fatalf("anchor of a missing segment: %+v %v", res, err)
	}
}

// TestAuditHeadRowDeleted: every write answered 404 once the head row was
// deleted; now the writes that need it are an internal error naming the
// cause, and verify says so. A process already holding its segment does
// not need the register's head; a new process (opening a segment) does.
func TestAuditHeadRowDeleted(t *testing.T) {
	ctx := context.Background()
	stores, db := keyedStores(t, testAuditKey, 2)
	if _, err := db.Exec("DELETE FROM audit_head"); err != nil {
		t.Fatal(err)
	}
	code := "AFTER"
	if _, err := stores[0].CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code}); err != nil {
		t.Fatalf("write in an open segment: %v", err)
	}
	code = "OTHER"
	_, err := stores[1].CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code})
	if ErrorCode(err) != EInternal || err != ErrAuditHeadMissing {
		t.Fatalf("opening a segment without the register's head: %v (code %s)", err, ErrorCode(err))
	}
	res, err := stores[0].VerifyAudit(ctx, System("t"))
	if err != nil || res.OK || res.Reason != "the audit head row (audit_head id 1) is missing" || *res.BrokenSegment != 1 || *res.BrokenAt != 2 {
		t.Fatalf("verify without a head: %+v %v", res, err)
	}
	// The segment's own head row deleted: its process stops writing.
	if _, err := db.Exec("DELETE FROM audit_segments"); err != nil {
		t.Fatal(err)
	}
	code = "LAST"
	_, err = stores[0].CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code})
	if ErrorCode(err) != EInternal || err != ErrAuditSegmentMissing {
		t.Fatalf("write without its segment's row: %v (code %s)", err, ErrorCode(err))
	}
}

// TestAuditSegmentTampering: what verify catches about whole segments.
func TestAuditSegmentTampering(t *testing.T) {
	ctx := context.Background()
	t.Run("SegmentDeleted", func(t *testing.T) {
		s, db := keyedStore(t, testAuditKey)
		seg := ownSegment(t, db)
		if _, err := db.Exec("DELETE FROM audit_log WHERE segment_id = ?", seg); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("DELETE FROM audit_segments WHERE id = ?", seg); err != nil {
			t.Fatal(err)
		}
		res, err := s.VerifyAudit(ctx, System("t"))
		if err != nil || res.OK || *res.BrokenSegment != seg || res.Reason != fmt.Sprintf("segment %d, opened by entry 1 of segment 1, is gone", seg) {
			t.Fatalf("segment deleted: %+v %v", res, err)
		}
	})
	t.Run("HeadRowDeleted", func(t *testing.T) {
		s, db := keyedStore(t, testAuditKey)
		seg := ownSegment(t, db)
		if _, err := db.Exec("DELETE FROM audit_segments WHERE id = ?", seg); err != nil {
			t.Fatal(err)
		}
		res, err := s.VerifyAudit(ctx, System("t"))
		if err != nil || res.OK || *res.BrokenSegment != seg {
			t.Fatalf("segment's head row deleted: %+v %v", res, err)
		}
	})
	t.Run("EntriesWithoutSegment", func(t *testing.T) {
		s, db := keyedStore(t, testAuditKey)
		if _, err := db.Exec("UPDATE audit_log SET segment_id = 99 WHERE segment_id = ? AND seq = 5", ownSegment(t, db)); err != nil {
			t.Fatal(err)
		}
		res, err := s.VerifyAudit(ctx, System("t"))
		if err != nil || res.OK {
			t.Fatalf("an entry moved to an unknown segment: %+v %v", res, err)
		}
	})
	t.Run("UnregisteredSegment", func(t *testing.T) {
		// A segment added by hand, with plain hashes, linked to nothing in
		// the register.
		s, db := keyedStore(t, nil)
		e := AuditEntry{SegmentID: 0, Seq: 1, Action: "staff.update", Entity: "staff", EntityID: 1}
		if _, err := db.Exec("INSERT INTO audit_segments (seq, hash, opened_at, opened_by) VALUES (0, '', ?, 'forger')", s.Now()); err != nil {
			t.Fatal(err)
		}
		e.SegmentID = ownSegment(t, db)
		e.CreatedAt = s.Now()
		e.Hash = e.computeHash(nil)
		if err := s.db.Create(&e).Error; err != nil {
			t.Fatal(err)
		}
		setHead(t, db, e.SegmentID, 1, e.Hash)
		res, err := s.VerifyAudit(ctx, System("t"))
		if err != nil || res.OK || *res.BrokenSegment != e.SegmentID || res.Reason != fmt.Sprintf("segment %d was not opened in the register (segment 1)", e.SegmentID) {
			t.Fatalf("unregistered segment: %+v %v", res, err)
		}
	})
}
