package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"firstask/reports"
)

// BenchmarkResultsUpload10k uploads a 10,000-row results workbook through
// the HTTP handler (multipart, parse, checks against 10,000 staff, one
// transaction inserting every row) and, in the same run and alternating
// with it, reads the same file with a bare excelize Rows() loop and with
// reports.ReadResults alone. It reports the three times and the ratios
// upload/bare (target ≤ 1.5×) and parse/bare; their difference is the
// database's share:
//
//	go test ./api -run '^$' -bench ResultsUpload10k -benchtime=1x
//
// FIRSTASK_BENCH_UPLOAD_ROWS changes the number of rows (and staff).
func BenchmarkResultsUpload10k(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("FIRSTASK_BENCH_UPLOAD_ROWS")); err == nil && v > 0 {
		n = v // CI runs it small
	}
	e := newTestEnv(b)
	seedStaff(b, e, n)
	data := resultsBook(b, n)
	e.srv.opts.MaxUploadBytes = 64 << 20

	var upload, bare, parse time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// ABBA order over pairs of iterations, so neither side always runs
		// on a warmer cache.
		runBare := func() {
			start := time.Now()
			if got := bareRead(b, data); got != n+1 {
				b.Fatalf("bare read %d rows", got)
			}
			bare += time.Since(start)
		}
		runUpload := func() {
			// Straight to the handler: the tests' contract hook would
			// otherwise be timed too.
			body, ct := multipartBody(b, "bench.xlsx", data)
			req := httptest.NewRequest("POST", resultsPath, bytes.NewReader(body))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+e.tokens["hr"])
			rec := httptest.NewRecorder()
			start := time.Now()
			e.srv.Handler().ServeHTTP(rec, req)
			upload += time.Since(start)
			if rec.Code != http.StatusOK {
				b.Fatalf("upload: %d %s", rec.Code, truncate(rec.Body.Bytes()))
			}
		}
		runParse := func() {
			start := time.Now()
			rows, err := reports.ReadResults(bytes.NewReader(data), uploadLimits(reports.LangZH))
			parse += time.Since(start)
			if err != nil || len(rows) != n {
				b.Fatalf("parse: %d rows, %v", len(rows), err)
			}
		}
		if i%2 == 0 {
			runBare()
			runParse()
			runUpload()
		} else {
			runUpload()
			runParse()
			runBare()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(upload.Milliseconds())/float64(b.N), "upload-ms/op")
	b.ReportMetric(float64(bare.Milliseconds())/float64(b.N), "bare-read-ms/op")
	b.ReportMetric(float64(parse.Milliseconds())/float64(b.N), "parse-ms/op")
	b.ReportMetric(float64(upload)/float64(bare), "upload/bare")
	b.ReportMetric(float64(parse)/float64(bare), "parse/bare")
}

// seedStaff inserts n active staff E00001… in department A directly, in
// batches: creating them through the store would spend minutes in bcrypt.
func seedStaff(b testing.TB, e *testEnv, n int) {
	db, err := e.store.SQLDB()
	if err != nil {
		b.Fatal(err)
	}
	now := e.store.Now()
	const batch = 500
	for from := 1; from <= n; from += batch {
		var sb strings.Builder
		sb.WriteString("INSERT INTO staff (employee_no, name, department_id, role, employment_type, phone, active, password_hash, created_at, updated_at) VALUES ")
		var args []any
		for i := from; i < from+batch && i <= n; i++ {
			if i > from {
				sb.WriteString(",")
			}
			sb.WriteString("(?, ?, ?, 'staff', 'regular', '', ?, 'x', ?, ?)")
			args = append(args, fmt.Sprintf("E%05d", i), fmt.Sprintf("员工%05d", i), e.depts["A"].ID, true, now, now)
		}
		if _, err := db.Exec(sb.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
}

// resultsBook writes a results workbook of n rows as the template has them.
func resultsBook(b testing.TB, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"工号", "姓名", "部门", "基础绩效分", "备注"})
	for i := 1; i <= n; i++ {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(ref, []any{fmt.Sprintf("E%05d", i), fmt.Sprintf("员工%05d", i), "部门A", float64(60 + i%41), "备注"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// bareRead is the baseline: open the bytes and walk every row's cells with
// excelize's Rows iterator, as fast as excelize reads.
func bareRead(b testing.TB, data []byte) int {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: 100 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	count := 0
	for rows.Next() {
		if _, err := rows.Columns(); err != nil {
			b.Fatal(err)
		}
		count++
	}
	return count
}
