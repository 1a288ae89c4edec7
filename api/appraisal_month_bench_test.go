package api

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"firstask/config"
	"firstask/models"
	"firstask/models/storetest"
	"firstask/scoring"
	"firstask/seed"
)

// BenchmarkAppraisalExportMonth is BenchmarkAppraisalExport10k on a
// realistic month: the data generator's (firstask seed) organisation,
// inquiries with their referrals and SLA clocks, conduct and praise, so
// that the service sheet (服务指标) has a month of inquiries behind it. The
// baseline also writes the service sheet's rows.
//
// With FIRSTASK_BENCH_MONTH_DB set to a database already seeded and
// migrated (sqlite:PATH or mysql://user:pass@tcp(host:port)/name, e.g. the
// full-size seed of issue #17) it exports FIRSTASK_BENCH_MONTH (default
// 2026-11) from it, signed in as FIRSTASK_BENCH_MONTH_USER (default
// admin) with FIRSTASK_BENCH_MONTH_PASSWORD. Otherwise it seeds a fresh
// test database with FIRSTASK_BENCH_MONTH_STAFF staff (default 10,000),
// FIRSTASK_BENCH_MONTH_INQUIRIES inquiries (1,000,000) and
// FIRSTASK_BENCH_MONTH_CONDUCT conduct records (200,000); CI runs it small.
//
//	FIRSTASK_BENCH_MONTH_DB=sqlite:/dev/shm/full.db FIRSTASK_BENCH_MONTH_PASSWORD=… \
//	  go test ./api -run '^$' -bench AppraisalExportMonth -benchtime=1x
func BenchmarkAppraisalExportMonth(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	ctx := context.Background()
	month, err := scoring.ParseMonth(envOr("FIRSTASK_BENCH_MONTH", "2026-11"))
	if err != nil {
		b.Fatal(err)
	}
	var store *models.Store
	user, password := envOr("FIRSTASK_BENCH_MONTH_USER", "admin"), os.Getenv("FIRSTASK_BENCH_MONTH_PASSWORD")
	if dsn := os.Getenv("FIRSTASK_BENCH_MONTH_DB"); dsn != "" {
		driver, path, err := config.ParseDatabase(dsn)
		if err != nil {
			b.Fatal(err)
		}
		if store, err = models.Open(string(driver), path, models.Options{}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { store.Close() })
		if err := store.Ready(ctx); err != nil {
			b.Fatalf("%s: %v (run firstask migrate up on it first)", dsn, err)
		}
	} else {
		store = storetest.Open(b, models.Options{})
		start := time.Now()
		rep, err := seed.Fill(ctx, store, seed.Options{Departments: 20,
			Staff:     envSize(b, "FIRSTASK_BENCH_MONTH_STAFF", 10_000),
			Inquiries: envSize(b, "FIRSTASK_BENCH_MONTH_INQUIRIES", 1_000_000),
			Conduct:   envSize(b, "FIRSTASK_BENCH_MONTH_CONDUCT", 200_000),
			Praise:    envSize(b, "FIRSTASK_BENCH_MONTH_CONDUCT", 200_000) / 4,
			Month:     month.String(), Seed: 1}, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d staff, %d inquiries, %d clocks, %d violations in %v", rep.Staff, rep.Inquiries, rep.Clocks, rep.Violations,
			time.Since(start).Round(time.Millisecond))
		depts, err := store.ListDepartments(ctx, models.System("bench"))
		if err != nil {
			b.Fatal(err)
		}
		user, password = "bench-hr", "bench-password-1"
		role := models.RoleHR
		if _, err := store.CreateStaff(ctx, models.System("bench"), models.StaffInput{EmployeeNo: &user, Name: &user,
			DepartmentID: &depts[0].ID, Role: &role, Password: &password}); err != nil {
			b.Fatal(err)
		}
	}
	srv, err := New(store, Options{TokenTTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	sess, err := store.SignIn(ctx, "bench", user, password, "127.0.0.1", time.Hour)
	if err != nil {
		b.Fatalf("sign in as %s: %v", user, err)
	}
	benchAppraisalExport(b, store, srv.Handler(), sess.Token, month, 0, 0)
}

// envOr reads name from the environment, else def.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
