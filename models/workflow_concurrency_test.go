package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"firstask/models/testdb"
)

// instant is a settable clock shared by several stores ("instances").
type instant struct{ ns atomic.Int64 }

func (c *instant) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *instant) set(t time.Time) { c.ns.Store(t.UnixNano()) }

// instances opens n stores on one fresh database, as n server instances
// would; the first one migrates it.
func instances(t testing.TB, n int, clock *instant) []*Store {
	t.Helper()
	driver, dsn := testdb.DSN(t)
	var out []*Store
	for i := 0; i < n; i++ {
		s, err := Open(driver, dsn, Options{BcryptCost: 4, Now: clock.now})
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
	return out
}

// smallOrg creates a department with a supervisor and a clerk and returns
// the clerk.
func smallOrg(t testing.TB, s *Store) Staff {
	t.Helper()
	ctx, sys := context.Background(), System("t")
	code, name := "D1", "窗口"
	d, err := s.CreateDepartment(ctx, sys, DepartmentInput{Code: &code, Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(no string, role Role) Staff {
		pw := "password-123"
		st, err := s.CreateStaff(ctx, sys, StaffInput{EmployeeNo: &no, Name: &no, DepartmentID: &d.ID, Role: &role, Password: &pw})
		if err != nil {
			t.Fatal(err)
		}
		return st.Staff
	}
	mk("sup", RoleSupervisor)
	return mk("clerk", RoleStaff)
}

func consultation(responder int64) InquiryInput {
	ch, cat, sum, phone := "phone", "consultation", "咨询", "13800138000"
	return InquiryInput{Channel: &ch, Category: &cat, Summary: &sum, VisitorPhone: &phone, FirstResponderID: &responder}
}

// TestInquiryRefsUniqueUnderConcurrency registers inquiries from many
// goroutines on two instances at once: every reference is unique and comes
// from a block of the day's counter that one instance reserved.
func TestInquiryRefsUniqueUnderConcurrency(t *testing.T) {
	clock := &instant{}
	clock.set(time.Date(2026, 11, 26, 1, 30, 0, 0, time.UTC)) // 09:30 in Shanghai
	stores := instances(t, 2, clock)
	clerk := smallOrg(t, stores[0])
	const workers, each = 12, 4
	var (
		mu   sync.Mutex
		refs []string
		wg   sync.WaitGroup
		errs = make(chan error, workers*each)
	)
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			s := stores[w%len(stores)]
			for i := 0; i < each; i++ {
				inq, err := s.CreateInquiry(context.Background(), System("t"), consultation(clerk.ID))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				refs = append(refs, inq.Ref)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sort.Strings(refs)
	if len(refs) != workers*each {
		t.Fatalf("%d references, want %d", len(refs), workers*each)
	}
	// Unique and readable, from the blocks the instances reserved; not
	// gap-free (an instance's unused numbers are never issued).
	var reserved int64
	if err := stores[0].db.Raw("SELECT last_no FROM inquiry_ref_counters WHERE day = '20261126'").Scan(&reserved).Error; err != nil {
		t.Fatal(err)
	}
	if reserved%refBlockSize != 0 || reserved < int64(len(refs)) {
		t.Fatalf("counter at %d after %d references: whole blocks of %d expected", reserved, len(refs), refBlockSize)
	}
	for i, ref := range refs {
		var no int64
		if _, err := fmt.Sscanf(ref, "SW-20261126-%04d", &no); err != nil || no < 1 || no > reserved || len(ref) != 16 {
			t.Fatalf("reference %d is %s (all: %v)", i, ref, refs)
		}
		if i > 0 && refs[i-1] == ref {
			t.Fatalf("reference %s twice (all: %v)", ref, refs)
		}
	}
}

// TestConcurrentScansRaiseOneViolationPerClock runs several scans at once
// on several instances against one database (MariaDB in CI): each breached
// clock becomes exactly one violation, one breach notification and one
// escalation, and the scans' counts add up to the number of clocks.
func TestConcurrentScansRaiseOneViolationPerClock(t *testing.T) {
	clock := &instant{}
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC) // Thursday 10:00 in Shanghai
	clock.set(start)
	stores := instances(t, 4, clock)
	clerk := smallOrg(t, stores[0])
	const clocks = 15
	for i := 0; i < clocks; i++ {
		if _, err := stores[0].CreateInquiry(context.Background(), System("t"), consultation(clerk.ID)); err != nil {
			t.Fatal(err)
		}
	}
	// The hand-over clocks (2 working hours) expired at 12:00.
	later := start.Add(3 * time.Hour)
	clock.set(later)
	const scanners = 8
	results := make([]ScanResult, scanners)
	var wg sync.WaitGroup
	begin := make(chan struct{})
	for i := 0; i < scanners; i++ {
		wg.Go(func() {
			<-begin
			res, err := stores[i%len(stores)].ScanSLA(context.Background(), later)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		})
	}
	close(begin)
	wg.Wait()
	var breaches, raised int
	for _, r := range results {
		breaches += r.Breaches
		raised += r.Violations
	}
	if breaches != clocks || raised != clocks {
		t.Fatalf("scans breached %d clocks and raised %d violations, want %d each (%+v)", breaches, raised, clocks, results)
	}
	s := stores[0]
	var violations, breachNotes, escalations int64
	s.db.Model(&Violation{}).Where("source = ? AND type = ? AND state = ?", SourceSLA, "late_referral", ViolationReported).Count(&violations)
	s.db.Model(&Notification{}).Where("kind = ?", NotifyBreach).Count(&breachNotes)
	s.db.Model(&Notification{}).Where("kind = ?", NotifyEscalation).Count(&escalations)
	if violations != clocks || breachNotes != clocks || escalations != clocks {
		t.Fatalf("%d violations, %d breach notifications, %d escalations; want %d each", violations, breachNotes, escalations, clocks)
	}
	// Scanning again changes nothing.
	if res, err := s.ScanSLA(context.Background(), later.Add(time.Hour)); err != nil || res.Breaches != 0 || res.Violations != 0 {
		t.Fatalf("second scan: %+v %v", res, err)
	}
	if v, err := s.VerifyAudit(context.Background(), System("t")); err != nil || !v.OK {
		t.Fatalf("audit chain after concurrent scans: %+v %v", v, err)
	}
}

// TestDemoInquiries: the demo organisation comes with a few inquiries.
func TestDemoInquiries(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, _, _, err := s.EnsureAdmin(ctx, "admin-pass-2026"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.FillDemo(ctx); err != nil || n == 0 {
		t.Fatalf("demo: %d staff, %v", n, err)
	}
	items, total, err := s.ListInquiries(ctx, System("t"), InquiryFilter{Page: Page{Number: 1, Size: 10}})
	if err != nil || total != 3 {
		t.Fatalf("%d demo inquiries, %v", total, err)
	}
	var queued int
	for _, it := range items {
		for _, c := range it.Clocks {
			if c.Kind == ClockContact {
				queued++
			}
		}
	}
	if queued != 2 {
		t.Fatalf("%d contact clocks, want 2 (a queue and a person)", queued)
	}
}

// TestRefBlocks: an instance hands out its block in order, a number whose
// transaction rolls back is handed out again, and another instance reserves
// the next block.
func TestRefBlocks(t *testing.T) {
	clock := &instant{}
	clock.set(time.Date(2026, 11, 26, 1, 30, 0, 0, time.UTC))
	stores := instances(t, 2, clock)
	ctx := context.Background()
	ref := func(s *Store, fail bool) string {
		var out string
		err := s.write(ctx, System("t"), func(tx *Tx) error {
			var err error
			if out, err = tx.nextRef(); err != nil {
				return err
			}
			if fail {
				return errors.New("rolled back")
			}
			return nil
		})
		if (err != nil) != fail {
			t.Fatal(err)
		}
		return out
	}
	if a, b := ref(stores[0], false), ref(stores[0], false); a != "SW-20261126-0001" || b != "SW-20261126-0002" {
		t.Fatalf("first block: %s, %s", a, b)
	}
	if r := ref(stores[0], true); r != "SW-20261126-0003" {
		t.Fatalf("rolled back: %s", r)
	}
	if r := ref(stores[0], false); r != "SW-20261126-0003" {
		t.Fatalf("after a rollback the number is used again: %s", r)
	}
	if r := ref(stores[1], false); r != fmt.Sprintf("SW-20261126-%04d", refBlockSize+1) {
		t.Fatalf("second instance: %s", r)
	}
	if r := ref(stores[1], false); r != fmt.Sprintf("SW-20261126-%04d", refBlockSize+2) {
		t.Fatalf("second instance, second number: %s", r)
	}
	// The next day in Shanghai. A block reserved by a transaction that
	// rolls back goes back to the counter with it.
	clock.set(time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC))
	if r := ref(stores[1], true); r != "SW-20261127-0001" {
		t.Fatalf("a new day: %s", r)
	}
	if r := ref(stores[0], false); r != "SW-20261127-0001" {
		t.Fatalf("the block of a rolled-back reservation: %s", r)
	}
}
