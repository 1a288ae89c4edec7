package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"sync"

	"github.com/xuri/excelize/v2"
)

// The details sheet (明细) of a month holds a row per counted record:
// 200,000 rows, nine tenths of the appraisal workbook's XML. excelize's
// StreamWriter writes a sheet's rows on one goroutine, into a temporary
// file that is deflated, again on one goroutine, when the workbook is
// zipped. Written that way the details took two thirds of a full-size
// export (docs/performance.md).
//
// So the details sheet is streamed with a marker row where its rows go,
// and as the workbook is zipped the marker is replaced by the rows
// (fixingZip): the records are read on the zipping goroutine and handed
// over in chunks to one worker per core, each writing its chunk with its
// own StreamWriter on a scratch workbook, with the same cells, styles and
// row numbers; the chunks' XML is deflated in order as it comes. The cells
// are excelize's own (the same SetRow writes them), so the sheet is the
// one the single stream writer would have written, byte for byte
// (TestDetailsSpliceSameSheet); nothing goes through a temporary file.

// detailsMarker is the formula of the marker row: user text cannot write
// an <f> element, so nothing else in a sheet can match the row.
const detailsMarker = "FIRSTASK.DETAILS.ROWS"

// detailsChunkRows is how many rows a worker writes at once (2–3 MB of
// XML); a variable so that tests can cross chunk boundaries cheaply.
var detailsChunkRows = 4096

// rowSplice writes the rows that replace a marker row as a worksheet is
// zipped.
type rowSplice struct {
	marker []byte // the marker row's XML, as the stream writer wrote it
	write  func(w io.Writer) error
	done   bool // the marker was found (and write called)
}

// spliceDetails writes the marker row at the next row of t, leaves room
// for wb.DetailCount rows and returns the splice that writes them.
func spliceDetails(t *streamTable, wb *AppraisalWorkbook) (*rowSplice, error) {
	first := t.row + 1
	if err := t.sw.SetRow(cell(1, first), []any{excelize.Cell{Formula: detailsMarker}}); err != nil {
		return nil, fmt.Errorf("reports: %q row %d: %w", t.sheet, first, err)
	}
	t.row += wb.DetailCount
	cols := t.cols
	return &rowSplice{
		marker: fmt.Appendf(nil, `<row r="%d"><c r="A%d" t="str"><f>%s</f></c></row>`, first, first, detailsMarker),
		write: func(w io.Writer) error {
			return writeDetailChunks(w, wb, cols, first, wb.DetailCount)
		},
	}, nil
}

// detailChunk is a run of detail rows and the number of its first row.
type detailChunk struct {
	rows  []DetailRow
	first int
	out   chan chunkXML
}

// chunkXML is a chunk's <row> elements, or why they could not be written.
type chunkXML struct {
	xml []byte
	err error
}

// writeDetailChunks ranges over wb.Details on the calling goroutine,
// hands the rows to one worker per core in chunks of detailsChunkRows and
// writes the chunks' XML to w in order, holding at most one chunk per
// worker besides the one being gathered. The rows are numbered from
// first; the source must yield exactly want rows.
func writeDetailChunks(w io.Writer, wb *AppraisalWorkbook, cols []column, first, want int) error {
	workers := max(1, runtime.GOMAXPROCS(0))
	jobs := make(chan detailChunk)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range jobs {
				xml, err := detailChunkXML(wb, cols, c.rows, c.first)
				c.out <- chunkXML{xml, err}
			}
		})
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()

	var pending []chan chunkXML // submitted, oldest first
	writeOldest := func() error {
		r := <-pending[0]
		pending = pending[1:]
		if r.err != nil {
			return r.err
		}
		_, err := w.Write(r.xml)
		return err
	}
	n := 0
	chunk := make([]DetailRow, 0, detailsChunkRows)
	submit := func() error {
		out := make(chan chunkXML, 1)
		jobs <- detailChunk{rows: chunk, first: first + n - len(chunk), out: out}
		pending = append(pending, out)
		chunk = make([]DetailRow, 0, detailsChunkRows)
		for len(pending) > workers {
			if err := writeOldest(); err != nil {
				return err
			}
		}
		return nil
	}
	for d := range wb.Details {
		if n == want {
			return fmt.Errorf("reports: the details yield more than the %d rows announced", want)
		}
		chunk = append(chunk, d)
		n++
		if len(chunk) == detailsChunkRows {
			if err := submit(); err != nil {
				return err
			}
		}
	}
	if len(chunk) > 0 {
		if err := submit(); err != nil {
			return err
		}
	}
	for len(pending) > 0 {
		if err := writeOldest(); err != nil {
			return err
		}
	}
	if n != want {
		return fmt.Errorf("reports: the details yielded %d rows, %d announced", n, want)
	}
	return nil
}

// detailChunkXML writes rows, numbered from first, with a StreamWriter of
// a scratch workbook, exactly as writeDetailsSheet writes them (the cells
// carry the real workbook's style ids, which a stream writer takes as
// given), and returns the <row> elements.
func detailChunkXML(wb *AppraisalWorkbook, cols []column, rows []DetailRow, first int) ([]byte, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("reports: details chunk: %w", err)
	}
	t := &streamTable{f: f, sw: sw, sheet: sheet, cols: cols, row: first - 1,
		cells: make([]excelize.Cell, len(cols)), ptrs: make([]any, len(cols))}
	for i := range t.cells {
		t.ptrs[i] = &t.cells[i]
	}
	values := make([]any, len(cols))
	for i := range rows {
		if err := t.add(values, wb.detailValues(&rows[i], values)...); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("reports: details chunk: %w", err)
	}
	capture := &sheetCapture{}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return capture })
	if err := f.Write(io.Discard); err != nil {
		return nil, fmt.Errorf("reports: details chunk: %w", err)
	}
	xml := capture.sheet.Bytes()
	start, end := bytes.Index(xml, []byte("<sheetData>")), bytes.LastIndex(xml, []byte("</sheetData>"))
	if start < 0 || end < start {
		return nil, errors.New("reports: details chunk: no sheetData in the scratch sheet")
	}
	return xml[start+len("<sheetData>") : end], nil
}

// sheetCapture is the zip writer of a scratch workbook: it keeps the
// first worksheet's XML and drops every other part.
type sheetCapture struct{ sheet bytes.Buffer }

func (c *sheetCapture) Create(name string) (io.Writer, error) {
	if name == "xl/worksheets/sheet1.xml" {
		return &c.sheet, nil
	}
	return io.Discard, nil
}

func (c *sheetCapture) AddFS(fs.FS) error { return nil }

func (c *sheetCapture) Close() error { return nil }
