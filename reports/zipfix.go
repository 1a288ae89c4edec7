package reports

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"sync"

	kflate "github.com/klauspost/compress/flate"
)

// fixingZip is the zip writer excelize writes a workbook through. It
// rewrites two spellings of excelize's that are valid XML but that readers
// matching qualified names (exceljs 4.4) refuse:
//
//   - docProps/core.xml declares the core-properties namespace as the
//     default one and writes <coreProperties>, <lastModifiedBy>…; they get
//     the conventional cp: prefix;
//   - a streamed worksheet's <drawing> (the chart sheet's) declares its own
//     xmlns:relationships prefix for the id; it becomes r:id, which every
//     worksheet root declares.
//
// Worksheets are rewritten as they stream through (a window of a pattern's
// length is held back), so a 200,000-row sheet is never buffered. A
// worksheet holding the marker row of splice gets the splice's rows in its
// place, written straight into the entry.
type fixingZip struct {
	zw     *zip.Writer
	cur    *replacingWriter // the entry being written, if it is rewritten
	splice *rowSplice       // nil: none
}

func newFixingZip(w io.Writer, splice *rowSplice) *fixingZip {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, deflate)
	return &fixingZip{zw: zw, splice: splice}
}

// zipLevel is the deflate level of the workbooks' parts. Deflating the
// XML was the largest single cost of a big export: the 135 MB of XML of
// the full-size month's appraisal workbook took 1.95 s with the standard
// library's default level (12.5 MB out); klauspost/compress's level 5
// takes 0.57 s for 13.9 MB (docs/performance.md). Any reader inflates it
// the same way.
const zipLevel = 5

// deflaters keeps compressors between parts and exports: each holds a
// few hundred KB of match tables.
var deflaters sync.Pool

// deflate is the zip writer's Deflate compressor.
func deflate(w io.Writer) (io.WriteCloser, error) {
	if fw, ok := deflaters.Get().(*kflate.Writer); ok {
		fw.Reset(w)
		return pooledDeflater{fw}, nil
	}
	fw, err := kflate.NewWriter(w, zipLevel)
	if err != nil {
		return nil, err
	}
	return pooledDeflater{fw}, nil
}

// pooledDeflater returns its compressor to deflaters once closed.
type pooledDeflater struct{ *kflate.Writer }

func (d pooledDeflater) Close() error {
	err := d.Writer.Close()
	deflaters.Put(d.Writer)
	return err
}

// The rewrites.
var (
	coreElement = regexp.MustCompile(`<(/?)(coreProperties|lastModifiedBy|keywords|category|contentStatus|revision|version|lastPrinted)\b`)
	drawingRel  = []byte(`xmlns:relationships="http://schemas.openxmlformats.org/officeDocument/2006/relationships" relationships:id=`)
	drawingRID  = []byte(`r:id=`)
)

const coreNS = `xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"`

// Create starts an entry, finishing the previous one.
func (z *fixingZip) Create(name string) (io.Writer, error) {
	if err := z.flush(); err != nil {
		return nil, err
	}
	w, err := z.zw.Create(name)
	if err != nil {
		return nil, err
	}
	switch {
	case name == "docProps/core.xml":
		z.cur = &replacingWriter{w: w, whole: true}
		return z.cur, nil
	case strings.HasPrefix(name, "xl/worksheets/sheet"):
		z.cur = &replacingWriter{w: w, old: drawingRel, new: drawingRID, splice: z.splice}
		return z.cur, nil
	}
	return w, nil
}

// AddFS is not used by excelize's Write; it is passed through.
func (z *fixingZip) AddFS(fsys fs.FS) error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

// Close finishes the last entry and the archive. A splice whose marker no
// worksheet held fails it: its rows are missing.
func (z *fixingZip) Close() error {
	err := z.flush()
	if err == nil && z.splice != nil && !z.splice.done {
		err = errors.New("reports: the marker row of the spliced rows was not found")
	}
	return errors.Join(err, z.zw.Close())
}

func (z *fixingZip) flush() error {
	if z.cur == nil {
		return nil
	}
	err := z.cur.finish()
	z.cur = nil
	return err
}

// replacingWriter replaces old by new in a stream, or (whole) rewrites the
// core properties once they are complete; and replaces the marker row of
// splice, if it comes, by the splice's rows.
type replacingWriter struct {
	w        io.Writer
	old, new []byte
	whole    bool
	buf      []byte
	splice   *rowSplice
}

func (r *replacingWriter) Write(p []byte) (int, error) {
	r.buf = append(r.buf, p...)
	if r.whole {
		return len(p), nil
	}
	if err := r.spliceIfFound(); err != nil {
		return 0, err
	}
	r.buf = bytes.ReplaceAll(r.buf, r.old, r.new)
	// Keep back what could be the start of a match split across writes.
	keep := len(r.old) - 1
	if r.splice != nil && !r.splice.done {
		keep = max(keep, len(r.splice.marker)-1)
	}
	if len(r.buf) > keep {
		n := len(r.buf) - keep
		if _, err := r.w.Write(r.buf[:n]); err != nil {
			return 0, err
		}
		r.buf = append(r.buf[:0], r.buf[n:]...)
	}
	return len(p), nil
}

// spliceIfFound writes what precedes the splice's marker row, then the
// splice's rows, and keeps what follows the marker, once the marker is in
// the buffer.
func (r *replacingWriter) spliceIfFound() error {
	s := r.splice
	if s == nil || s.done {
		return nil
	}
	i := bytes.Index(r.buf, s.marker)
	if i < 0 {
		return nil
	}
	s.done = true
	if _, err := r.w.Write(bytes.ReplaceAll(r.buf[:i], r.old, r.new)); err != nil {
		return err
	}
	r.buf = append(r.buf[:0], r.buf[i+len(s.marker):]...)
	return s.write(r.w)
}

func (r *replacingWriter) finish() error {
	if !r.whole {
		if err := r.spliceIfFound(); err != nil {
			return err
		}
	}
	out := r.buf
	if r.whole {
		s := coreElement.ReplaceAllString(string(out), "<${1}cp:${2}")
		out = []byte(strings.Replace(s, coreNS, strings.Replace(coreNS, "xmlns=", "xmlns:cp=", 1), 1))
	} else {
		out = bytes.ReplaceAll(out, r.old, r.new)
	}
	_, err := r.w.Write(out)
	return err
}
