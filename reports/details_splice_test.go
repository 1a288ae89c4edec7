package reports

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// trickyDetails are n detail rows whose cells take every path of
// excelize's cell writing: text needing escapes, spaces kept at either
// end, control characters, excelize's own _xHHHH_ escapes, emoji, wrapped
// multi-line reasons (row heights), a reason over Excel's 32,767
// characters, empty cells, zero and far-zoned dates, odd points.
func trickyDetails(n int) []DetailRow {
	texts := []string{"", "张三", " leading", "trailing\t", "a & b < c > d \"q\" 'a'", "line1\nline2\r\nline3",
		"ctl\x01\x02\x1f end", "_x0041_ and _x005F_", "emoji 🧾✅", strings.Repeat("长", 40)}
	zones := []*time.Location{time.UTC, shanghai, time.FixedZone("west", -9*3600-30*60)}
	rows := make([]DetailRow, n)
	for i := range rows {
		pick := func(k int) string { return texts[(i*7+k*3)%len(texts)] }
		r := DetailRow{
			EmployeeNo: fmt.Sprintf("%06d", 100000+i), Name: pick(1), Department: pick(2), Kind: pick(3), Type: pick(4),
			Severity: pick(5), Sanction: pick(6), Points: []float64{-2, 3, -0.5, 1.25, 0, -100, 1.0 / 3}[i%7],
			InquiryRef: fmt.Sprintf("SW-20261009-%04d", i), State: pick(7), CarriedOver: pick(8), Reason: pick(9),
		}
		if i%11 != 5 {
			r.Date = time.Date(2026, 10, 1+i%28, i%24, i%60, i%7, i*1000, zones[i%len(zones)])
		}
		switch i % 13 {
		case 3:
			r.Reason = strings.Repeat("很长的事由，", 30)
		case 9:
			r.Reason = strings.Repeat("x", 40000)
		}
		rows[i] = r
	}
	return rows
}

// TestDetailsSpliceSameSheet writes the same workbook with its details
// spliced in chunks (DetailCount known) and written row by row through one
// stream writer (unknown), and finds every part of the two packages
// identical, byte for byte; chunks are small here so that rows cross many
// chunk boundaries, with a short last chunk.
func TestDetailsSpliceSameSheet(t *testing.T) {
	defer func(n int) { detailsChunkRows = n }(detailsChunkRows)
	detailsChunkRows = 7
	for _, lang := range []Lang{LangZH, LangEN} {
		for _, n := range []int{1, 7, 60} {
			rows := trickyDetails(n)
			wb := sampleAppraisal(lang)
			wb.Details = slices.Values(rows)
			plain := zipEntries(t, appraisalBytes(t, wb))
			wb.DetailCount = n
			spliced := zipEntries(t, appraisalBytes(t, wb))
			if len(plain) != len(spliced) {
				t.Fatalf("%s, %d rows: %d parts spliced, %d plain", lang, n, len(spliced), len(plain))
			}
			for name, want := range plain {
				got := spliced[name]
				if name == "[Content_Types].xml" { // excelize lists the defaults in map order
					got, want = sortedElements(got), sortedElements(want)
				}
				if got != want {
					t.Errorf("%s, %d rows: part %s differs (%d bytes spliced, %d plain)", lang, n, name, len(got), len(want))
				}
			}
			// The rows are really there, the marker is gone.
			f := openXLSX(t, appraisalBytes(t, wb))
			sheet := lang.sheetDetails()
			last := streamHeaderRow + n
			if got := cellValue(t, f, sheet, fmt.Sprintf("J%d", last)); got != rows[n-1].InquiryRef {
				t.Errorf("%s, %d rows: last ref %q, want %q", lang, n, got, rows[n-1].InquiryRef)
			}
			if strings.Contains(spliced["xl/worksheets/sheet3.xml"], detailsMarker) {
				t.Errorf("%s, %d rows: the marker row is still in the sheet", lang, n)
			}
		}
	}
}

// sortedElements is an XML part's elements in sorted order.
func sortedElements(xml string) string {
	parts := strings.Split(xml, "><")
	slices.Sort(parts)
	return strings.Join(parts, "><")
}

// TestDetailsSpliceWrongCount fails the write when the details yield more
// or fewer rows than announced (the filter and print area would be wrong).
func TestDetailsSpliceWrongCount(t *testing.T) {
	defer func(n int) { detailsChunkRows = n }(detailsChunkRows)
	detailsChunkRows = 5
	rows := trickyDetails(12)
	for _, announced := range []int{11, 13, 30} {
		wb := sampleAppraisal(LangZH)
		wb.Details = slices.Values(rows)
		wb.DetailCount = announced
		err := WriteAppraisal(&bytes.Buffer{}, wb)
		if err == nil || !strings.Contains(err.Error(), "announced") {
			t.Errorf("12 rows announced as %d: got %v, want an error about the announced rows", announced, err)
		}
	}
}

// failingWriter accepts limit bytes, then fails, as a client that hangs up.
type failingWriter struct{ limit int }

var errHungUp = errors.New("client hung up")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		return 0, errHungUp
	}
	w.limit -= len(p)
	return len(p), nil
}

// TestDetailsSpliceWriterFails returns the writer's error when the
// download breaks off in the middle of the details, stops reading the
// records there, and leaves no worker behind.
func TestDetailsSpliceWriterFails(t *testing.T) {
	defer func(n int) { detailsChunkRows = n }(detailsChunkRows)
	detailsChunkRows = 50
	rows := trickyDetails(2000)
	read := 0
	wb := sampleAppraisal(LangZH)
	wb.Details = func(yield func(DetailRow) bool) {
		for _, r := range rows {
			read++
			if !yield(r) {
				return
			}
		}
	}
	wb.DetailCount = len(rows)
	full := len(appraisalBytes(t, wb))
	read = 0
	before := runtime.NumGoroutine()
	err := WriteAppraisal(&failingWriter{limit: full / 3}, wb)
	if !errors.Is(err, errHungUp) {
		t.Fatalf("got %v, want the writer's error", err)
	}
	if read == 0 || read >= len(rows) {
		t.Errorf("read %d of %d records before the error: want it to stop part way", read, len(rows))
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines after the failed write, %d before", runtime.NumGoroutine(), before)
}

// TestLongTextRowHeightCapped: a record's text may be 2,000 characters;
// its wrapped row asks for more than the 409 points a row can have, which
// excelize refuses. The details row and the personal sheet's line get the
// largest height, and the workbooks are written (the export used to fail
// for the whole month).
func TestLongTextRowHeightCapped(t *testing.T) {
	long := strings.Repeat("违规情况说明", 334)[:2000*3] // 2,000 CJK characters
	for _, count := range []int{0, 3} {
		wb := sampleAppraisal(LangZH)
		rows := trickyDetails(3)
		rows[1].Reason = long
		rows[2].Reason = "短"
		wb.Details, wb.DetailCount = slices.Values(rows), count
		f := openXLSX(t, appraisalBytes(t, wb))
		for row, want := range map[int]float64{5: 409, 6: 15} {
			h, err := f.GetRowHeight(LangZH.sheetDetails(), row)
			if err != nil || h != want {
				t.Errorf("details (count %d) row %d: height %v (%v), want %v", count, row, h, err, want)
			}
		}
		if got := cellValue(t, f, LangZH.sheetDetails(), "M5"); got != long {
			t.Errorf("details (count %d): the long reason came back with %d bytes, want %d", count, len(got), len(long))
		}
	}
	p := samplePersonal(LangZH)
	p.Items[1].Description = long
	var buf bytes.Buffer
	if err := WritePersonalSheet(&buf, p); err != nil {
		t.Fatalf("personal sheet with a 2,000-character description: %v", err)
	}
	f := openXLSX(t, buf.Bytes())
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 1 && r[1] == long {
			if h, err := f.GetRowHeight(sheet, i+1); err != nil || h != 409 {
				t.Errorf("personal sheet: the long line's height %v (%v), want 409", h, err)
			}
			return
		}
	}
	t.Error("personal sheet: the long description is missing")
}
