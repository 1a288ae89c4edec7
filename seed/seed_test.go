package seed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
	"firstask/scoring"
)

// seedDigest hashes the seeded rows (all but the salted password hashes)
// in id order.
func seedDigest(t *testing.T, s *models.Store) string {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, q := range []string{
		"SELECT id, code, name, parent_id FROM departments ORDER BY id",
		"SELECT id, employee_no, name, department_id, role, employment_type, phone FROM staff ORDER BY id",
		"SELECT id, ref, channel, received_at, first_responder_id, department_id, visitor_name, visitor_phone, category, disposition, status, resolved_at, closed_at FROM inquiries ORDER BY id",
		"SELECT id, inquiry_id, to_department_id, to_staff_id, status, referred_at, contacted_at FROM referrals ORDER BY id",
		"SELECT id, clock_key, state, owner_id, deadline_at, breached_at, stopped_at FROM sla_clocks ORDER BY id",
		"SELECT id, inquiry_id, kind, actor_id, occurred_at FROM inquiry_events ORDER BY id",
		"SELECT id, staff_id, type, severity, state, source, sla_clock, sanction, occurred_at, counted_month FROM violations ORDER BY id",
		"SELECT id, staff_id, kind, occurred_at, inquiry_id, recorded_by, counted_month, created_at FROM praises ORDER BY id",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch x := v.(type) {
				case []byte:
					v = string(x)
				case time.Time:
					v = x.UTC().Format(time.RFC3339Nano)
				}
				fmt.Fprintf(h, "%v|", v)
			}
			h.Write([]byte("\n"))
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	opts := Options{Departments: 8, Staff: 60, Inquiries: 3000, Conduct: 400, Praise: 100, Month: "2026-10", Seed: 7}
	clock := storetest.NewClock(time.Now())
	a := storetest.Open(t, models.Options{Now: clock.Now})
	if _, _, _, err := a.EnsureAdmin(ctx, "admin-pass-2026"); err != nil {
		t.Fatal(err)
	}
	var stages []string
	rep, err := Fill(ctx, a, opts, func(p Progress) { stages = append(stages, p.Stage) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v in %s; progress %v", rep, rep.Elapsed, stages)

	sqlDB, err := a.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Counts", func(t *testing.T) {
		if rep.Departments != 8 || rep.Staff != 60 || rep.Inquiries != 3000 || rep.Violations != 400 || rep.Praise != 100 {
			t.Fatalf("report %+v", rep)
		}
		for table, want := range map[string]int{"departments": 9, "staff": 61, "inquiries": 3000, "referrals": rep.Referrals,
			"sla_clocks": rep.Clocks, "inquiry_events": rep.Events, "violations": 400, "praises": 100} {
			var n int64
			if err := sqlDB.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil || int(n) != want {
				t.Errorf("%s: %d rows (%v), want %d", table, n, err, want)
			}
		}
		if rep.Referrals < 500 || rep.Clocks < rep.Referrals*3 {
			t.Errorf("too few referrals or clocks: %+v", rep)
		}
		var states int
		if err := sqlDB.QueryRow("SELECT COUNT(DISTINCT state) FROM violations").Scan(&states); err != nil || states != 6 {
			t.Errorf("%d violation states (%v), want all six", states, err)
		}
		var audits int64
		if err := sqlDB.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = ?", "seed.fill").Scan(&audits); err != nil {
			t.Fatal(err)
		}
		if audits != 1 {
			t.Errorf("%d seed.fill audit entries, want 1", audits)
		}
		if res, err := a.VerifyAudit(ctx, models.System("test")); err != nil || !res.OK {
			t.Errorf("audit chain after seeding: %+v %v", res, err)
		}
	})

	t.Run("RealisticOverdueAndSignIn", func(t *testing.T) {
		clock.Set(rep.AsOf.Add(time.Hour))
		defer clock.Set(time.Now())
		items, total, err := a.ListInquiries(ctx, models.System("test"), models.InquiryFilter{Overdue: true, Page: models.Page{Number: 1, Size: 20}})
		if err != nil {
			t.Fatal(err)
		}
		if total == 0 || total > int64(rep.Inquiries)/5 || len(items) == 0 {
			t.Fatalf("%d overdue of %d inquiries", total, rep.Inquiries)
		}
		if _, err := a.Login(ctx, "test", "S000010", Password, time.Hour); err != nil {
			t.Fatalf("seeded account cannot sign in: %v", err)
		}
	})

	t.Run("PraiseCountsInTheMonth", func(t *testing.T) {
		m, err := scoring.ParseMonth(opts.Month)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := a.MonthScores(ctx, models.System("test"), m, 0)
		if err != nil {
			t.Fatal(err)
		}
		praise := 0
		for _, r := range ms.Results {
			praise += r.PraiseCount
		}
		if praise != 100 {
			t.Fatalf("%d praise counted in %s, want 100", praise, opts.Month)
		}
	})

	t.Run("ErrNotEmpty", func(t *testing.T) {
		if _, err := Fill(ctx, a, opts, nil); models.ErrorCode(err) != models.EConflict {
			t.Fatalf("second seed: %v, want conflict", err)
		}
	})

	t.Run("Deterministic", func(t *testing.T) {
		b := storetest.Open(t, models.Options{})
		if _, _, _, err := b.EnsureAdmin(ctx, "admin-pass-2026"); err != nil {
			t.Fatal(err)
		}
		if _, err := Fill(ctx, b, opts, nil); err != nil {
			t.Fatal(err)
		}
		da, db := seedDigest(t, a), seedDigest(t, b)
		if da != db {
			t.Fatalf("same seed, different rows: %s vs %s", da, db)
		}
		c := storetest.Open(t, models.Options{})
		opts.Seed = 8
		if _, err := Fill(ctx, c, opts, nil); err != nil {
			t.Fatal(err)
		}
		if dc := seedDigest(t, c); dc == da {
			t.Fatal("another seed gave the same rows")
		}
	})
}
