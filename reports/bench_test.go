package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The benchmarks compare this package with bare excelize doing the same I/O,
// measured in the same run and reported as a ratio (ours / baseline), so
// the figure does not depend on the machine. Targets: reading ≤ 1.5×,
// writing ≤ 1.3× with a peak heap under 150 MB. They take a few seconds per
// iteration; CI runs them with -benchtime=1x.

// BenchmarkReadResults10k reads a 10,000-row results upload with
// ReadResults and with a bare excelize Rows() loop over the same file.
func BenchmarkReadResults10k(b *testing.B) {
	data := filledTemplate(b, 10000)
	var ours, base time.Duration
	for b.Loop() {
		o, bl := abba(
			func() {
				rows, err := ReadResults(bytes.NewReader(data), UploadLimits{})
				if err != nil || len(rows) != 10000 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			},
			func() {
				if n := bareRead(b, data); n != 10001 {
					b.Fatalf("baseline read %d rows", n)
				}
			})
		ours, base = ours+o, base+bl
	}
	reportRatio(b, ours, base)
}

// abba times ours and the baseline twice each, in the order ours, baseline,
// baseline, ours, after a GC each, and keeps the faster run of each: a
// single run of a few seconds varies by a third here with the disk behind
// excelize's temporary files, which would make a ratio meaningless.
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

// bareRead is the least a reader must do: open with the same options,
// iterate the first sheet's rows, close.
func bareRead(b *testing.B, data []byte) int {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: DefaultUnzipSizeLimit})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for rows.Next() {
		if _, err := rows.Columns(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rows.Close(); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkWriteAppraisal10k writes the appraisal workbook of 10,000 staff
// and 200,000 detail rows, and the same cells with a bare StreamWriter.
func BenchmarkWriteAppraisal10k(b *testing.B) {
	// FIRSTASK_BENCH_APPRAISAL_STAFF shrinks it for CI (20 details each).
	staff := 10000
	if n, err := strconv.Atoi(os.Getenv("FIRSTASK_BENCH_APPRAISAL_STAFF")); err == nil && n > 0 {
		staff = n
	}
	details := 20 * staff
	wb := benchAppraisal(staff, details)
	var (
		ours, base time.Duration
		peak       uint64 // largest HeapInuse while ours runs
		alloc      uint64 // bytes allocated by ours
	)
	for b.Loop() {
		o, bl := abba(
			func() {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				sampler := startHeapSampler()
				if err := WriteAppraisal(io.Discard, wb); err != nil {
					b.Fatal(err)
				}
				peak = max(peak, sampler.stop())
				runtime.ReadMemStats(&after)
				alloc += after.TotalAlloc - before.TotalAlloc
			},
			func() { bareWrite(b, wb) })
		ours, base = ours+o, base+bl
	}
	alloc /= 2 // ours ran twice per iteration
	reportRatio(b, ours, base)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(alloc)/float64(b.N)/(1<<20), "alloc-MB/op")
}

// bareWrite writes the same cells of the appraisal, details and service
// tables (empty strings left out, as WriteAppraisal does) with a plain
// StreamWriter each: no styles, titles, summary, charts or print setup.
func bareWrite(b *testing.B, wb AppraisalWorkbook) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	// A date needs a number format; without one excelize looks a style up
	// for every date cell, which no sensible writer would pay for.
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
			if err := sw.SetRow(cell(1, row), values); err != nil {
				b.Fatal(err)
			}
		})
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	stream("A", func(add func([]any)) {
		for _, r := range wb.Rows {
			add([]any{r.Seq, text(r.EmployeeNo), text(r.Name), text(r.Department), r.Base, r.ViolationCount, r.Deductions,
				r.PraiseCount, r.Additions, r.Final, text(r.Grade), text(r.HighestSanction), r.BonusDeductionPercent, text(r.Note)})
		}
	})
	stream("D", func(add func([]any)) {
		for d := range wb.Details {
			add([]any{d.Date, text(d.EmployeeNo), text(d.Name), text(d.Department), text(d.Kind), text(d.Type), text(d.Severity), text(d.Sanction),
				d.Points, text(d.InquiryRef), text(d.State), text(d.CarriedOver)})
		}
	})
	stream("S", func(add func([]any)) {
		for _, s := range wb.Service {
			add([]any{s.Level, text(s.Department), text(s.Name), s.Received, s.Referred,
				ratio(s.OnTimeHandover), ratio(s.OnTimeContact), ratio(s.OnTimeFeedback), ratio(s.Satisfaction)})
		}
	})
	if err := f.Write(io.Discard); err != nil {
		b.Fatal(err)
	}
}

func reportRatio(b *testing.B, ours, base time.Duration) {
	b.ReportMetric(float64(ours)/float64(base), "ratio")
	b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "ours-ms/op")
	b.ReportMetric(float64(base.Milliseconds())/float64(b.N), "baseline-ms/op")
}

// heapSampler records the largest HeapInuse seen while it runs.
type heapSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
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

func (s *heapSampler) stop() uint64 {
	close(s.done)
	s.wg.Wait()
	return s.peak
}

// benchAppraisal makes a month of an organisation of the given size; the
// details are generated on the fly, as a database cursor would yield them.
func benchAppraisal(staff, details int) AppraisalWorkbook {
	depts := make([]string, 50)
	for i := range depts {
		depts[i] = fmt.Sprintf("第%02d服务中心", i+1)
	}
	wb := AppraisalWorkbook{
		Organisation: "示例物业", Month: "2026-10", Closed: true, Lang: LangZH,
		GeneratedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
		GradeLabels: [4]string{"优秀", "良好", "合格", "不合格"},
	}
	for i, d := range depts {
		wb.Departments = append(wb.Departments, DepartmentSummary{Name: d, Headcount: staff / len(depts), AverageFinal: 80 + float64(i%20), GradeCounts: [4]int{50, 100, 40, 10}, TotalDeductions: 300, TotalAdditions: 120})
	}
	grades := []string{"优秀", "良好", "合格", "不合格"}
	sanctions := []string{"", "教育", "口头警告", "书面警告", "通报批评"}
	for i := range staff {
		wb.Rows = append(wb.Rows, AppraisalRow{
			Seq: i + 1, EmployeeNo: fmt.Sprintf("%06d", 100000+i), Name: "员工" + itoa(i), Department: depts[i%len(depts)],
			Base: 96, ViolationCount: i % 5, Deductions: float64(i % 23), PraiseCount: i % 3, Additions: float64(i % 7),
			Final: float64(70 + i%40), Grade: grades[i%4], HighestSanction: sanctions[i%5], BonusDeductionPercent: float64(5 * (i % 4)),
		})
	}
	for i := range depts {
		wb.Service = append(wb.Service, ServiceRow{Level: ServiceLevelDepartment, Department: depts[i], Received: 2000, Referred: 400, OnTimeHandover: ptr(0.9), OnTimeContact: ptr(0.85), OnTimeFeedback: ptr(0.8), Satisfaction: ptr(0.95)})
	}
	for i := range staff {
		wb.Service = append(wb.Service, ServiceRow{Level: ServiceLevelPerson, Department: depts[i%len(depts)], Name: "员工" + itoa(i), Received: 100, Referred: 20, OnTimeHandover: ptr(0.9), Satisfaction: ptr(0.9)})
	}
	day := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	types := []string{"未及时移交", "到岗后未及时联系", "冷漠对待 / 应告知未告知", "推诿扯皮", "态度恶劣 / 使用忌语", "未登记 / 记录不全", "未跟踪反馈", "其他"}
	wb.Details = func(yield func(DetailRow) bool) {
		for i := range details {
			d := DetailRow{
				Date: day.Add(time.Duration(i%30*24) * time.Hour), EmployeeNo: fmt.Sprintf("%06d", 100000+i%staff), Name: "员工" + itoa(i%staff),
				Department: depts[i%len(depts)], Kind: "违规", Type: types[i%len(types)], Severity: "一般", Sanction: sanctions[i%5],
				Points: -float64(i%10 + 1), InquiryRef: fmt.Sprintf("SW-202610%02d-%04d", i%30+1, i%10000), State: "已查实",
			}
			if i%10 == 0 {
				d.Kind, d.Type, d.Severity, d.Sanction, d.Points, d.State = "表扬", "表扬信", "", "", 3, "已记录"
			}
			if i%50 == 0 {
				d.CarriedOver = "2026-09 结转"
			}
			if !yield(d) {
				return
			}
		}
	}
	return wb
}
