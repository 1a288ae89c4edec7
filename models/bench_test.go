package models_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"firstask/models"
	"firstask/models/storetest"
	"firstask/seed"
)

// The storage benchmarks build their data with the seed generator when
// they run (never committed, never at init), sized by FIRSTASK_BENCH_*
// variables so that CI can run them small. Each reports its time against a
// baseline measured in the same run as "x_baseline".

// seededStore opens a fresh database and fills it with the seed generator:
// inquiries as given, 1 staff per 100 inquiries (10,000 at most, 100 at
// least), 1 department per 50 staff, 1 conduct record per 5 inquiries.
func seededStore(b *testing.B, inquiries int) (*models.Store, seed.Report) {
	b.Helper()
	s := storetest.Open(b, models.Options{})
	staff := min(10000, max(100, inquiries/100))
	opts := seed.Options{Departments: max(2, staff/50), Staff: staff, Inquiries: inquiries, Conduct: inquiries / 5, Month: "2026-10", Seed: 1}
	rep, err := seed.Fill(context.Background(), s, opts, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: seeded %d inquiries, %d clocks, %d violations in %s", s.Dialect(), rep.Inquiries, rep.Clocks, rep.Violations, rep.Elapsed.Round(time.Millisecond))
	// An hour after the month: the clocks still running past their
	// deadline are overdue.
	s.SetTestClock(func() time.Time { return rep.AsOf.Add(time.Hour) })
	return s, rep
}

// captureQueries records the SQL of every query the store runs (with its
// bound values) until the returned function is called.
func captureQueries(b *testing.B, s *models.Store) (got func() []capturedQuery, stop func()) {
	var mu sync.Mutex
	var qs []capturedQuery
	name := "bench:capture"
	err := s.TestDB().Callback().Query().After("gorm:query").Register(name, func(db *gorm.DB) {
		mu.Lock()
		defer mu.Unlock()
		qs = append(qs, capturedQuery{db.Statement.SQL.String(), append([]any(nil), db.Statement.Vars...)})
	})
	if err != nil {
		b.Fatal(err)
	}
	return func() []capturedQuery {
			mu.Lock()
			defer mu.Unlock()
			return append([]capturedQuery(nil), qs...)
		}, func() {
			s.TestDB().Callback().Query().Remove(name)
		}
}

type capturedQuery struct {
	sql  string
	vars []any
}

// explain returns the plan of q and whether it reads a table named in
// tables from end to end: on SQLite "SCAN <table>" (a covering-index scan
// included); on MySQL/MariaDB type ALL or index on it.
func explain(b *testing.B, s *models.Store, q capturedQuery, tables ...string) (string, bool) {
	b.Helper()
	if s.Dialect() == "sqlite" {
		var rows []struct {
			ID, Parent, Notused int
			Detail              string
		}
		if err := s.TestDB().Raw("EXPLAIN QUERY PLAN "+q.sql, q.vars...).Scan(&rows).Error; err != nil {
			b.Fatal(err)
		}
		plan := ""
		bad := false
		for _, r := range rows {
			plan += r.Detail + "; "
			for _, t := range tables {
				if r.Detail == "SCAN "+t || strings.HasPrefix(r.Detail, "SCAN "+t+" ") {
					bad = true
				}
			}
		}
		return plan, bad
	}
	var rows []map[string]any
	if err := s.TestDB().Raw("EXPLAIN "+q.sql, q.vars...).Scan(&rows).Error; err != nil {
		b.Fatal(err)
	}
	text := func(v any) string {
		if x, ok := v.([]byte); ok {
			return string(x)
		}
		x, _ := v.(string)
		return x
	}
	plan, bad := "", false
	for _, r := range rows {
		plan += fmt.Sprintf("%s %s key=%s rows=%v %s; ", text(r["table"]), text(r["type"]), text(r["key"]), r["rows"], text(r["Extra"]))
		for _, t := range tables {
			if text(r["table"]) == t && (text(r["type"]) == "ALL" || text(r["type"]) == "index") {
				bad = true
			}
		}
	}
	return plan, bad
}

// BenchmarkOverdueInquiries lists HR's first page of overdue inquiries
// (GET /inquiries?overdue=true: the count and 50 rows with their clocks)
// at FIRSTASK_BENCH_INQUIRIES inquiries (default 1,000,000) against the
// same two queries written by hand. It fails when the plan of a query the
// store issued reads inquiries or sla_clocks from end to end.
func BenchmarkOverdueInquiries(b *testing.B) {
	n := models.BenchSize(b, "FIRSTASK_BENCH_INQUIRIES", 1000000)
	s, _ := seededStore(b, n)
	ctx := context.Background()
	hr := models.System("bench")
	f := models.InquiryFilter{Overdue: true, Page: models.Page{Number: 1, Size: 50}}

	got, stop := captureQueries(b, s)
	items, total, err := s.ListInquiries(ctx, hr, f)
	stop()
	if err != nil {
		b.Fatal(err)
	}
	if total == 0 || len(items) == 0 {
		b.Fatalf("no overdue inquiry among %d", n)
	}
	for _, q := range got() {
		plan, bad := explain(b, s, q, "inquiries", "sla_clocks")
		b.Logf("%s\n  plan: %s", q.sql, plan)
		if bad && os.Getenv("FIRSTASK_BENCH_ALLOW_SCAN") == "" {
			b.Fatalf("full scan in %s\nplan: %s\n(FIRSTASK_BENCH_ALLOW_SCAN=1 measures it anyway)", q.sql, plan)
		}
	}

	sqlDB, _ := s.SQLDB()
	now := s.Now()
	hand := func() {
		var count int64
		if err := sqlDB.QueryRow("SELECT COUNT(DISTINCT inquiry_id) FROM sla_clocks WHERE state = ? AND deadline_at < ?", models.ClockRunning, now).Scan(&count); err != nil {
			b.Fatal(err)
		}
		rows, err := sqlDB.Query(`SELECT * FROM inquiries
			WHERE id IN (SELECT inquiry_id FROM sla_clocks WHERE state = ? AND deadline_at < ?)
			ORDER BY received_at DESC, id DESC LIMIT 50`, models.ClockRunning, now)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var ids []any
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, vals[0])
		}
		rows.Close()
		if count != total || len(ids) != len(items) {
			b.Fatalf("by hand %d/%d rows, store %d/%d", count, len(ids), total, len(items))
		}
		// The clocks of the page, as the list shows them.
		q := "SELECT id, inquiry_id, kind, state, deadline_at FROM sla_clocks WHERE inquiry_id IN (?" + strings.Repeat(",?", len(ids)-1) + ")"
		cr, err := sqlDB.Query(q, ids...)
		if err != nil {
			b.Fatal(err)
		}
		for cr.Next() {
		}
		cr.Close()
	}
	ours := func() {
		if _, _, err := s.ListInquiries(ctx, hr, f); err != nil {
			b.Fatal(err)
		}
	}
	var o, h time.Duration
	for b.Loop() {
		o1, h1 := timeBoth(ours, hand)
		o, h = o+o1, h+h1
	}
	b.ReportMetric(float64(o)/float64(h), "x_baseline")
	b.ReportMetric(float64(h.Microseconds())/float64(b.N)/1000, "baseline-ms/op")
	b.ReportMetric(float64(total), "overdue")
}

// timeBoth times ours and the baseline alternately (ours, baseline,
// baseline, ours) and keeps the faster run of each, so that a pause of the
// shared machine does not land on one side only.
func timeBoth(ours, baseline func()) (time.Duration, time.Duration) {
	timed := func(fn func()) time.Duration {
		start := time.Now()
		fn()
		return time.Since(start)
	}
	o1 := timed(ours)
	b1 := timed(baseline)
	b2 := timed(baseline)
	o2 := timed(ours)
	return min(o1, o2), min(b1, b2)
}
