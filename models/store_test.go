package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"firstask/models/testdb"
)

func openStore(t testing.TB) *Store {
	t.Helper()
	driver, dsn := testdb.DSN(t)
	s, err := Open(driver, dsn, Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDatabaseInUse logs which database the storage tests ran on; CI checks
// the line to prove the MariaDB run really used MariaDB.
func TestDatabaseInUse(t *testing.T) {
	s := openStore(t)
	if s.Dialect() != testdb.Driver() {
		t.Fatalf("store dialect %s, want %s", s.Dialect(), testdb.Driver())
	}
	var version string
	q := "SELECT sqlite_version()"
	if s.Dialect() == "mysql" {
		q = "SELECT VERSION()"
	}
	if err := s.db.Raw(q).Scan(&version).Error; err != nil || version == "" {
		t.Fatalf("version: %q %v", version, err)
	}
	t.Logf("database=%s version=%s", s.Dialect(), version)
	if err := s.Ready(context.Background()); err != nil {
		t.Fatalf("ready after migrate: %v", err)
	}
}

func TestAuditWrittenWithChangeAndRolledBackWithIt(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.write(ctx, System("t"), func(tx *Tx) error {
		d := Department{Code: "RB", Name: "rollback", Active: true, CreatedAt: tx.now, UpdatedAt: tx.now}
		if err := tx.db.Create(&d).Error; err != nil {
			return err
		}
		tx.audit("department.create", "department", d.ID, nil, d)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	var depts, audits int64
	s.db.Model(&Department{}).Count(&depts)
	s.db.Model(&AuditEntry{}).Count(&audits)
	if depts != 0 || audits != 0 {
		t.Fatalf("after rollback: %d departments, %d audit entries; want none", depts, audits)
	}
	code := "OK"
	d, err := s.CreateDepartment(ctx, Actor{StaffID: 7, Role: RoleHR, RequestID: "rid-1"}, DepartmentInput{Code: &code, Name: &code})
	if err != nil {
		t.Fatal(err)
	}
	entries, total, err := s.ListAudit(ctx, System("t"), AuditFilter{Entity: "department", EntityID: d.ID, Page: Page{1, 10}})
	if err != nil || total != 1 {
		t.Fatalf("audit after commit: %d entries, %v", total, err)
	}
	e := entries[0]
	if e.Action != "department.create" || e.RequestID != "rid-1" || e.ActorID == nil || *e.ActorID != 7 || e.Before != nil || e.After == nil {
		t.Fatalf("entry %+v", e)
	}
}

func TestAuditVerifyCatchesTampering(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		code := fmt.Sprintf("T%d", i)
		if _, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.VerifyAudit(ctx, System("t"))
	// Five entries and the opening of the store's segment in segment 1.
	if err != nil || !res.OK || res.Checked != 6 {
		t.Fatalf("intact chain: %+v %v", res, err)
	}
	sqlDB, _ := s.SQLDB()

	t.Run("EditedContent", func(t *testing.T) {
		if _, err := sqlDB.Exec("UPDATE audit_log SET after_json = ? WHERE segment_id <> 1 AND seq = 3", `{"code":"forged"}`); err != nil {
			t.Fatal(err)
		}
		res, err := s.VerifyAudit(ctx, System("t"))
		if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 3 {
			t.Fatalf("verify after edit: %+v %v", res, err)
		}
	})
	t.Run("DeletedTail", func(t *testing.T) {
		s2 := openStore(t)
		for i := 0; i < 3; i++ {
			code := fmt.Sprintf("U%d", i)
			s2.CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code})
		}
		db2, _ := s2.SQLDB()
		if _, err := db2.Exec("DELETE FROM audit_log WHERE segment_id <> 1 AND seq = 3"); err != nil {
			t.Fatal(err)
		}
		res, err := s2.VerifyAudit(ctx, System("t"))
		if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 3 {
			t.Fatalf("verify after deleting the last entry: %+v %v", res, err)
		}
	})
}

// TestAuditChainUnderConcurrentWriters runs many writers at once; every
// segment must stay one unbroken line (a transaction holds its segment
// alone until it ends; SQLite's immediate transactions take turns anyway).
func TestAuditChainUnderConcurrentWriters(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code := fmt.Sprintf("C%02d", i)
			_, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: &code, Name: &code})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.VerifyAudit(ctx, System("t"))
	// 40 entries and the opening of each segment the store used (one on
	// SQLite, up to four on MySQL).
	segments := int64(len(res.Heads) - 1)
	if err != nil || !res.OK || res.Checked != 40+segments || segments < 1 || segments > 4 {
		t.Fatalf("chain after concurrent writes: %+v %v", res, err)
	}
}

func TestEnsureAdmin(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, _, _, err := s.EnsureAdmin(ctx, "short"); ErrorCode(err) != EInvalid {
		t.Fatalf("short admin password: %v, want invalid", err)
	}
	no, gen, created, err := s.EnsureAdmin(ctx, "")
	if err != nil || !created || no != "admin" || len(gen) < MinPasswordLength {
		t.Fatalf("first run: %q %q %v %v", no, gen, created, err)
	}
	if _, err := s.Login(ctx, "r", "admin", gen, time.Hour); err != nil {
		t.Fatalf("login with the generated password: %v", err)
	}
	if _, _, created, err := s.EnsureAdmin(ctx, ""); err != nil || created {
		t.Fatalf("second run must do nothing: %v %v", created, err)
	}
	n, err := s.FillDemo(ctx)
	if err != nil || n < 25 {
		t.Fatalf("demo: %d staff, %v", n, err)
	}
	if n, err := s.FillDemo(ctx); err != nil || n != 0 {
		t.Fatalf("demo twice: %d, %v", n, err)
	}
	if _, err := s.Login(ctx, "r", "D001", DemoPassword, time.Hour); err != nil {
		t.Fatalf("demo login: %v", err)
	}
}

// TestWriteStopsWhenTransactionEndedSilently simulates a database that
// rolls a write's transaction back without reporting it (the statement
// ROLLBACK sent inside fn): the write must fail rather than answer saved,
// and the trail must still verify. On MariaDB the write stops before its
// audit entries are chained (ErrTransactionLost), so nothing is audited
// for the change: on a fresh store, where the write asks @@in_transaction
// before it opens its audit segment ("Cold"), and once the process holds
// an open segment and the server is known to answer the variable, where
// the audit head's UPDATE checks it ("Warm").
func TestWriteStopsWhenTransactionEndedSilently(t *testing.T) {
	for _, warm := range []bool{false, true} {
		name := map[bool]string{false: "Cold", true: "Warm"}[warm]
		t.Run(name, func(t *testing.T) {
			s := openStore(t)
			ctx := context.Background()
			if warm {
				if _, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: ptr("WARM"), Name: ptr("warm")}); err != nil {
					t.Fatal(err)
				}
				if s.Dialect() == "mysql" && s.inTxVar.Load() == inTxKnown && !(&Tx{store: s}).guardedHead() {
					t.Fatal("a warm MariaDB store does not guard the audit head's UPDATE")
				}
			}
			var id int64
			err := s.write(ctx, System("t"), func(tx *Tx) error {
				if err := tx.db.Exec("ROLLBACK").Error; err != nil {
					return err
				}
				d := Department{Code: "LOST", Name: "lost", Active: true, CreatedAt: tx.now, UpdatedAt: tx.now}
				if err := tx.db.Create(&d).Error; err != nil {
					return err
				}
				id = d.ID
				tx.audit("department.create", "department", d.ID, nil, d)
				return nil
			})
			if err == nil {
				t.Fatal("a write whose transaction ended under it answered saved")
			}
			var entries int64
			if err := s.db.Model(&AuditEntry{}).Where("entity = 'department' AND entity_id = ?", id).Count(&entries).Error; err != nil {
				t.Fatal(err)
			}
			if s.Dialect() == "mysql" {
				if !errors.Is(err, ErrTransactionLost) {
					t.Fatalf("error %v, want ErrTransactionLost", err)
				}
				if entries != 0 {
					t.Errorf("%d audit entries written for a change whose transaction was lost", entries)
				}
				var lost int64
				if err := s.db.Model(&Department{}).Where("code = 'LOST'").Count(&lost).Error; err != nil || lost != 1 {
					t.Errorf("%d departments LOST (%v): want the one saved outside the transaction, once (no rerun)", lost, err)
				}
			}
			t.Logf("%s: %v; %d audit entries for the department", s.Dialect(), err, entries)
			// The store goes on writing, and the trail verifies.
			if _, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: ptr("NEXT"), Name: ptr("next")}); err != nil {
				t.Fatal(err)
			}
			v, err := s.VerifyAudit(ctx, System("t"))
			if err != nil || !v.OK {
				t.Fatalf("verify after a lost transaction: %+v %v", v, err)
			}
		})
	}
}
