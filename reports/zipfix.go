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
// length is held back), so a 200,000-row sheet is never buffered.
type fixingZip struct {
	zw  *zip.Writer
	cur *replacingWriter // the entry being written, if it is rewritten
}

func newFixingZip(w io.Writer) *fixingZip {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, deflate)
	return &fixingZip{zw: zw}
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
		z.cur = &replacingWriter{w: w, old: drawingRel, new: drawingRID}
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

// Close finishes the last entry and the archive.
func (z *fixingZip) Close() error { return errors.Join(z.flush(), z.zw.Close()) }

func (z *fixingZip) flush() error {
	if z.cur == nil {
		return nil
	}
	err := z.cur.finish()
	z.cur = nil
	return err
}

// replacingWriter replaces old by new in a stream, or (whole) rewrites the
// core properties once they are complete.
type replacingWriter struct {
	w        io.Writer
	old, new []byte
	whole    bool
	buf      []byte
}

func (r *replacingWriter) Write(p []byte) (int, error) {
	r.buf = append(r.buf, p...)
	if r.whole {
		return len(p), nil
	}
	r.buf = bytes.ReplaceAll(r.buf, r.old, r.new)
	// Keep back what could be the start of a match split across writes.
	if keep := len(r.old) - 1; len(r.buf) > keep {
		n := len(r.buf) - keep
		if _, err := r.w.Write(r.buf[:n]); err != nil {
			return 0, err
		}
		r.buf = append(r.buf[:0], r.buf[n:]...)
	}
	return len(p), nil
}

func (r *replacingWriter) finish() error {
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
