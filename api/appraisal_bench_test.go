package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/glebarez/sqlite"
	"github.com/xuri/excelize/v2"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// BenchmarkAppraisalExport10k downloads the month's appraisal workbook
// (GET /api/v1/periods/2026-10/appraisal.xlsx as HR, through the real
// router, into a writer that discards the bytes) for an organisation of
// 10,000 staff with 200,000 counted conduct records, and in the same
// iteration writes the same cells with a bare excelize StreamWriter: the
// 考核表 rows (14 columns) and the 明细 rows (12 columns), values taken from
// one MonthScores result computed before the timer. Ours includes
// everything the request does (token check, MonthScores, departments,
// service metrics, the summary sheet with its charts, the service sheet,
// styles); the baseline only the two big sheets' cells. It reports
//
//   - x_baseline: ours / baseline (target ≤ 1.3), faster of two runs each
//     in ABBA order, after a GC each;
//   - ours_ms, baseline_ms: those times; monthscores_ms: Store.MonthScores
//     alone, the database's share of ours;
//   - peak_MB: the largest HeapInuse sampled every 2 ms during an export
//     (target < 150), over two exports after a warm-up, run before the
//     benchmark computes the baseline's data, so that the process holds
//     only the test server and its database besides the request;
//   - peak_beside_baseline_MB: the same during the timed exports, which
//     also counts what the benchmark holds for the baseline (the
//     MonthScores result without its items, ~40 MB at full size, about
//     twice that in HeapInuse with the garbage the GC lets pile up), and
//     peak_delta_MB the rise over the heap in use (after a GC) just before
//     those requests.
//
// FIRSTASK_BENCH_EXPORT_STAFF and FIRSTASK_BENCH_EXPORT_RECORDS size it
// (CI runs it small). Run it on SQLite, or on MariaDB with
// FIRSTASK_TEST_MYSQL_DSN set:
//
//	go test ./api -run '^$' -bench AppraisalExport10k -benchtime=1x
func BenchmarkAppraisalExport10k(b *testing.B) {
	nStaff := envSize(b, "FIRSTASK_BENCH_EXPORT_STAFF", 10_000)
	nRecords := envSize(b, "FIRSTASK_BENCH_EXPORT_RECORDS", 200_000)
	e := newTestEnv(b)
	gin.SetMode(gin.ReleaseMode)
	seedStart := time.Now()
	seedExportMonth(b, e, nStaff, nRecords)
	b.Logf("%s: seeded %d staff and %d counted records in %v", e.store.Dialect(), nStaff, nRecords, time.Since(seedStart).Round(time.Millisecond))

	benchAppraisalExport(b, e.store, e.srv.Handler(), e.tokens["hr"], scoring.Month{Year: 2026, Mon: time.October}, nStaff, nRecords)
}

// benchAppraisalExport is the body of the appraisal export benchmarks:
// month's workbook through router as the token's holder, against the
// bare excelize baseline of the same cells, with the metrics documented on
// BenchmarkAppraisalExport10k. wantStaff and wantRecords, when not 0, are
// checked against the month's scores.
func benchAppraisalExport(b *testing.B, store *models.Store, router http.Handler, token string, month scoring.Month, wantStaff, wantRecords int) {
	ctx := context.Background()
	export := func() int64 {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/periods/"+month.String()+"/appraisal.xlsx", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := &discardResponse{header: http.Header{}}
		router.ServeHTTP(w, req)
		if w.status != http.StatusOK || w.n == 0 {
			b.Fatalf("export: status %d, %d bytes", w.status, w.n)
		}
		return w.n
	}
	// The peak of an export alone, before the benchmark holds the
	// baseline's data: the first is a warm-up that checks it works.
	var alone uint64
	for i := range 3 {
		runtime.GC()
		s := sampleHeap(2 * time.Millisecond)
		n := export()
		p := s.stop()
		if n < 1000 {
			b.Fatalf("export: only %d bytes", n)
		}
		if i > 0 {
			alone = max(alone, p)
		}
	}

	ms, err := store.MonthScores(ctx, models.System("bench"), month, 0)
	if err != nil {
		b.Fatal(err)
	}
	if wantStaff > 0 && (len(ms.Results) < wantStaff || len(ms.Records) != wantRecords) {
		b.Fatalf("MonthScores: %d results, %d records; seeded %d staff, %d records", len(ms.Results), len(ms.Records), wantStaff, wantRecords)
	}
	// The service sheet's cells, which the baseline writes too.
	sm, err := store.ServiceMetrics(ctx, models.System("bench"), month, 0)
	if err != nil {
		b.Fatal(err)
	}
	service := books.ServiceRows(sm)
	// The 事由 (reason) column's text, which ours reads back as it writes
	// 明细 and the baseline writes too, read here outside the timing.
	keys := make([]models.RecordKey, len(ms.Records))
	for i, rec := range ms.Records {
		keys[i] = models.RecordKey{Kind: rec.Kind, ID: rec.ID}
	}
	notes, err := store.RecordNotes(ctx, models.System("bench"), keys)
	if err != nil {
		b.Fatal(err)
	}
	// The baseline does not read the per-person items (the records again);
	// kept, they would add some 35 MB of live heap to every sample of ours.
	for i := range ms.Results {
		ms.Results[i].Items = nil
	}

	var ours, base, db time.Duration
	var peak, delta uint64
	b.ResetTimer()
	for b.Loop() {
		o, bl := abba(
			func() {
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				s := sampleHeap(2 * time.Millisecond)
				export()
				p := s.stop()
				peak = max(peak, p)
				if p > before.HeapInuse {
					delta = max(delta, p-before.HeapInuse)
				}
			},
			func() { bareAppraisal(b, ms, service, notes) })
		ours, base = ours+o, base+bl
		start := time.Now()
		if _, err := store.MonthScores(ctx, models.System("bench"), month, 0); err != nil {
			b.Fatal(err)
		}
		db += time.Since(start)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(ours)/float64(base), "x_baseline")
	b.ReportMetric(float64(ours.Milliseconds())/n, "ours_ms")
	b.ReportMetric(float64(base.Milliseconds())/n, "baseline_ms")
	b.ReportMetric(float64(db.Milliseconds())/n, "monthscores_ms")
	b.ReportMetric(float64(alone)/(1<<20), "peak_MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak_beside_baseline_MB")
	b.ReportMetric(float64(delta)/(1<<20), "peak_delta_MB")
}

// envSize reads a positive size from the environment, else def.
func envSize(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// abba times ours and the baseline twice each, in the order ours,
// baseline, baseline, ours, after a GC each, and keeps the faster run of
// each, so that a pause of the shared machine does not land on one side.
func abba(ours, baseline func()) (time.Duration, time.Duration) {
	timed := func(fn func()) time.Duration {
		runtime.GC()
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

// discardResponse is an http.ResponseWriter that counts the body and
// drops it, so that the export's memory is not hidden behind a buffer.
type discardResponse struct {
	header http.Header
	status int
	n      int64
}

func (w *discardResponse) Header() http.Header { return w.header }

func (w *discardResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardResponse) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += int64(len(p))
	return len(p), nil
}

// heapPeak records the largest HeapInuse seen while it runs.
type heapPeak struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func sampleHeap(every time.Duration) *heapPeak {
	s := &heapPeak{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			s.peak = max(s.peak, m.HeapInuse)
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *heapPeak) stop() uint64 {
	close(s.done)
	s.wg.Wait()
	return s.peak
}

// bareAppraisal is the baseline: the 考核表 and 明细 cells (明细 with its
// 事由 text, read beforehand; and the 服务指标 rows when there are any)
// with a plain
// StreamWriter each (a date format on the details' date column, nothing
// else), written to io.Discard.
func bareAppraisal(b *testing.B, ms models.MonthScores, service []reports.ServiceRow, notes map[models.RecordKey]models.RecordNote) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		b.Fatal(err)
	}
	stream := func(sheet string, each func(add func([]any))) {
		if _, err := f.NewSheet(sheet); err != nil {
			b.Fatal(err)
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			b.Fatal(err)
		}
		if err := sw.SetColStyle(1, 1, dateStyle); err != nil {
			b.Fatal(err)
		}
		row := 0
		each(func(values []any) {
			row++
			ref, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(ref, values); err != nil {
				b.Fatal(err)
			}
		})
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	people := make(map[int64]*models.StaffScore, len(ms.Results))
	stream("A", func(add func([]any)) {
		for i := range ms.Results {
			r := &ms.Results[i]
			people[r.ID] = r
			add([]any{i + 1, r.EmployeeNo, r.Name, r.DepartmentName, r.Base, r.ViolationCount, r.Deductions,
				r.PraiseCount, r.Additions, r.Final, string(r.Grade), string(r.HighestSanction), r.BonusDeductionPercent, ""})
		}
	})
	stream("D", func(add func([]any)) {
		for i := range ms.Records {
			rec := &ms.Records[i]
			var no, name, dept, carried string
			if p := people[rec.StaffID]; p != nil {
				no, name, dept = p.EmployeeNo, p.Name, p.DepartmentName
			}
			if rec.CarriedOverFrom != nil {
				carried = rec.CarriedOverFrom.String()
			}
			typ := string(rec.ViolationType)
			if rec.PraiseKind != "" {
				typ = string(rec.PraiseKind)
			}
			add([]any{rec.OccurredAt, no, name, dept, string(rec.Kind), typ, string(rec.Severity), string(rec.Sanction),
				rec.Points, rec.InquiryRef, rec.State, carried, notes[models.RecordKey{Kind: rec.Kind, ID: rec.ID}].Text})
		}
	})
	if len(service) > 0 {
		rate := func(r *float64) any {
			if r == nil {
				return nil
			}
			return *r
		}
		stream("S", func(add func([]any)) {
			for _, r := range service {
				add([]any{r.Level, r.Department, r.Name, r.Received, r.Referred,
					rate(r.OnTimeHandover), rate(r.OnTimeContact), rate(r.OnTimeFeedback), rate(r.Satisfaction)})
			}
		})
	}
	if err := f.Write(discard{}); err != nil {
		b.Fatal(err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// seedExportMonth adds 20 departments under HQ, nStaff active staff spread
// over them, and nRecords conduct records counted in October 2026 (four in
// five violations in the counting states, one in five praise, one in fifty
// carried over from September), all with batched inserts in one
// transaction through GORM on the store's connection pool.
func seedExportMonth(b *testing.B, e *testEnv, nStaff, nRecords int) {
	b.Helper()
	ctx := context.Background()
	sys := models.System("bench")
	var depts []int64
	for i := range 20 {
		d, err := e.store.CreateDepartment(ctx, sys, models.DepartmentInput{Code: ptr(fmt.Sprintf("X%02d", i)),
			Name: ptr(fmt.Sprintf("第%02d服务中心", i+1)), ParentID: ptr(e.depts["HQ"].ID)})
		if err != nil {
			b.Fatal(err)
		}
		depts = append(depts, d.ID)
	}
	sqlDB, err := e.store.SQLDB()
	if err != nil {
		b.Fatal(err)
	}
	gcfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true}
	var gdb *gorm.DB
	batch := 500
	if e.store.Dialect() == "sqlite" {
		gdb, err = gorm.Open(&sqlite.Dialector{Conn: sqlDB}, gcfg)
		batch = 30 // the SQLite driver binds parameters in quadratic time per statement
	} else {
		gdb, err = gorm.Open(mysql.New(mysql.Config{Conn: sqlDB, DisableWithReturning: true}), gcfg)
	}
	if err != nil {
		b.Fatal(err)
	}
	now := e.store.Now()
	err = gdb.Transaction(func(tx *gorm.DB) error {
		staff := make([]models.Staff, nStaff)
		for i := range staff {
			staff[i] = models.Staff{EmployeeNo: fmt.Sprintf("%06d", 100000+i), Name: fmt.Sprintf("员工%05d", i), DepartmentID: depts[i%len(depts)],
				Role: models.RoleStaff, EmploymentType: models.EmploymentRegular, Active: true, PasswordHash: "-", CreatedAt: now, UpdatedAt: now}
		}
		if err := tx.CreateInBatches(&staff, batch).Error; err != nil {
			return err
		}
		month, sept := "2026-10", "2026-09"
		states := []models.ViolationState{models.ViolationVerified, models.ViolationAppealed, models.ViolationUpheld}
		violations := make([]models.Violation, 0, batch)
		praise := make([]models.Praise, 0, batch)
		for i := range nRecords {
			at := time.Date(2026, 10, 1+i%14, 1+i%9, i%60, 0, 0, time.UTC)
			who := staff[(i*7)%nStaff].ID
			var carried *string
			if i%50 == 0 {
				carried = &sept
			}
			if i%5 == 4 {
				praise = append(praise, models.Praise{StaffID: who, Kind: scoring.AllPraiseKinds[i%len(scoring.AllPraiseKinds)],
					OccurredAt: at, Reason: "bench", CountedMonth: month, CarriedOverFrom: carried, CreatedAt: now})
			} else {
				violations = append(violations, models.Violation{StaffID: who, Type: scoring.AllViolationTypes[i%len(scoring.AllViolationTypes)],
					Severity: scoring.AllSeverities[i%len(scoring.AllSeverities)], OccurredAt: at, Description: "bench",
					Source: models.SourceSupervisor, State: states[i%len(states)], Sanction: scoring.AllSanctions[i%len(scoring.AllSanctions)],
					WindowCount: 1, CountedMonth: &month, CarriedOverFrom: carried, CreatedAt: now, UpdatedAt: now})
			}
			if len(violations) == batch || (i == nRecords-1 && len(violations) > 0) {
				if err := tx.Create(&violations).Error; err != nil {
					return err
				}
				violations = violations[:0]
			}
			if len(praise) == batch || (i == nRecords-1 && len(praise) > 0) {
				if err := tx.Create(&praise).Error; err != nil {
					return err
				}
				praise = praise[:0]
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
