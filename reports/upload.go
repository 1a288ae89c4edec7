package reports

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Errors returned by the upload readers for a file that cannot be taken at
// all. Row-level problems come back as a *ParseError instead.
var (
	// ErrNotXLSX: the bytes are not an .xlsx workbook (a CSV, a PDF, an old
	// .xls, a password-protected file, a damaged zip…).
	ErrNotXLSX = errors.New("the file could not be read as an .xlsx workbook")
	// ErrTooManyRows: the first sheet holds more data rows than
	// UploadLimits.MaxRows.
	ErrTooManyRows = errors.New("the workbook has too many rows")
	// ErrTooLarge: the file, or its content once uncompressed, is larger
	// than UploadLimits.UnzipSizeLimit (a zip bomb ends here in microseconds).
	ErrTooLarge = errors.New("the workbook is too large once uncompressed")
)

// Defaults for a zero UploadLimits.
const (
	DefaultMaxRows        = 100000
	DefaultUnzipSizeLimit = 100 << 20
)

// UploadLimits bounds what an upload may cost. The zero value means the
// defaults: 100,000 data rows and 100 MiB uncompressed.
type UploadLimits struct {
	// MaxRows is the most non-empty data rows accepted (default 100,000).
	MaxRows int
	// UnzipSizeLimit caps the total uncompressed size of the package and
	// the size of the upload itself (default 100 MiB).
	UnzipSizeLimit int64
	// UnzipXMLSizeLimit is the size above which excelize unpacks a
	// worksheet to a temporary file instead of memory (default: excelize's
	// 16 MiB, never more than UnzipSizeLimit).
	UnzipXMLSizeLimit int64
	// Lang is the language of the Problem messages (default Chinese).
	// Problem.Column always repeats the header as written in the file.
	Lang Lang
	// Month, when set (YYYY-MM), is the month the upload is for: a
	// workbook whose sheet name or title rows (above the header) name
	// another month is refused as a whole.
	Month string
}

func (l UploadLimits) withDefaults() UploadLimits {
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.UnzipSizeLimit <= 0 {
		l.UnzipSizeLimit = DefaultUnzipSizeLimit
	}
	if l.UnzipXMLSizeLimit < 0 {
		l.UnzipXMLSizeLimit = 0
	}
	if l.UnzipXMLSizeLimit > l.UnzipSizeLimit {
		l.UnzipXMLSizeLimit = l.UnzipSizeLimit
	}
	return l
}

// Problem is one thing wrong in an uploaded workbook, in the shape the API
// returns (422, error details). Row is the 1-based sheet row as Excel shows
// it; Column is the header text as it appears in the file (or the expected
// header when the column is missing); Value is the offending cell, trimmed.
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

// ParseError carries every problem found in an upload; nothing of the file
// should be taken when it is returned.
type ParseError struct {
	Problems []Problem
}

// Error summarises the problems; the API shows the list itself.
func (e *ParseError) Error() string {
	switch len(e.Problems) {
	case 0:
		return "the workbook has problems"
	case 1:
		return "the workbook has 1 problem: " + e.Problems[0].String()
	default:
		return fmt.Sprintf("the workbook has %d problems, the first: %s", len(e.Problems), e.Problems[0].String())
	}
}

// String renders a problem for logs and error messages.
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "row %d", p.Row)
	if p.Column != "" {
		fmt.Fprintf(&b, ", column %q", p.Column)
	}
	if p.Value != "" {
		fmt.Fprintf(&b, ", value %q", p.Value)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// field describes one column an upload may carry.
type field struct {
	key      string
	zh, en   string   // canonical headers, also used in Problems for missing columns
	aliases  []string // extra accepted headers; compared through headerKey
	required bool
}

// matches reports whether the header key k names f.
func (f field) matches(k string) bool {
	if k == headerKey(f.zh) || k == headerKey(f.en) {
		return true
	}
	for _, a := range f.aliases {
		if k == headerKey(a) {
			return true
		}
	}
	return false
}

// headerRow is where the columns of an upload were found.
type headerRow struct {
	// isFormula reports whether the cell at a 1-based row and 0-based
	// column holds a formula (asked only of empty required cells).
	isFormula func(row, col int) bool
	row       int
	index     map[string]int    // field key → 0-based column
	text      map[string]string // field key → header as written (trimmed)
	english   bool              // the headers matched are English
}

func (h *headerRow) has(key string) bool { _, ok := h.index[key]; return ok }

// raw returns the cell of column key in cells, or "" when absent.
func (h *headerRow) raw(cells []string, key string) string {
	i, ok := h.index[key]
	if !ok || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// column returns the header text for Problem.Column.
func (h *headerRow) column(key string) string { return h.text[key] }

// emptyMessage words an empty required cell: a formula without a saved
// result says so, anything else is required.
func (h *headerRow) emptyMessage(msg *messages, row int, key string) string {
	if i, ok := h.index[key]; ok && h.isFormula != nil && h.isFormula(row, i) {
		return msg.formulaWithoutValue(h.column(key))
	}
	return msg.required(h.column(key))
}

// namedMonth finds a month written as 2026-10, 2026/10, 2026.10 or
// 2026年10月 in a sheet name or title.
var namedMonth = regexp.MustCompile(`(20\d\d)\s*[-/.年]\s*(\d{1,2})(?:\D|$)`)

// otherMonth returns the first month named in text that is not want.
func otherMonth(text, want string) string {
	for _, m := range namedMonth.FindAllStringSubmatch(text, -1) {
		mo, err := strconv.Atoi(m[2])
		if err != nil || mo < 1 || mo > 12 {
			continue
		}
		if got := fmt.Sprintf("%s-%02d", m[1], mo); got != want {
			return got
		}
	}
	return ""
}

// maxHeaderScan is how many rows may sit above the header (titles, notes).
const maxHeaderScan = 5

// matchHeader matches one row against fields.
func matchHeader(row int, cells []string, fields []field) *headerRow {
	h := &headerRow{row: row, index: map[string]int{}, text: map[string]string{}}
	for j, c := range cells {
		k := headerKey(c)
		if k == "" {
			continue
		}
		for _, f := range fields {
			if h.has(f.key) || !f.matches(k) {
				continue
			}
			h.index[f.key] = j
			h.text[f.key] = clean(c)
			if isPlainASCII(clean(c)) {
				h.english = true
			}
			break
		}
	}
	return h
}

func (h *headerRow) complete(fields []field) bool {
	for _, f := range fields {
		if f.required && !h.has(f.key) {
			return false
		}
	}
	return true
}

// scanUpload opens an uploaded workbook, finds the header row of its first
// sheet and calls each for every non-empty row below it, with the 1-based
// sheet row number. It returns ErrNotXLSX, ErrTooLarge or ErrTooManyRows
// (wrapped) for files it cannot take, a *ParseError when required columns are
// missing or there is no data row, and recovers a panic inside excelize.
func scanUpload(r io.Reader, limits UploadLimits, msg *messages, fields []field, each func(h *headerRow, row int, cells []string)) (err error) {
	limits = limits.withDefaults()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w (excelize: %v)", ErrNotXLSX, p)
		}
	}()
	f, err := openUpload(r, limits)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("reports: closing workbook: %w", cerr)
		}
	}()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fmt.Errorf("%w (no worksheet)", ErrNotXLSX)
	}
	sheet := sheets[0]
	if limits.Month != "" {
		if got := otherMonth(sheet, limits.Month); got != "" {
			where := msg.lang.pick("工作表名“"+sheet+"”", "sheet name "+strconv.Quote(sheet))
			return &ParseError{Problems: []Problem{{Row: 0, Value: shortValue(sheet), Message: msg.otherMonth(got, where, limits.Month)}}}
		}
	}
	isFormula := func(row, col int) bool {
		fm, err := f.GetCellFormula(sheet, cell(col+1, row))
		return err == nil && fm != ""
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrNotXLSX, err)
	}
	defer func() {
		if cerr := rows.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("%w (%v)", ErrNotXLSX, cerr)
		}
	}()

	var (
		header    *headerRow
		best      *headerRow // most columns matched so far, for the error
		bestCount = -1
		rowNum    int
		dataRows  int
	)
	for rows.Next() {
		rowNum++
		cells, cerr := rows.Columns()
		if cerr != nil {
			return fmt.Errorf("%w (row %d: %v)", ErrNotXLSX, rowNum, cerr)
		}
		if header == nil {
			if rowNum > maxHeaderScan {
				break
			}
			h := matchHeader(rowNum, cells, fields)
			if len(h.index) > bestCount {
				best, bestCount = h, len(h.index)
			}
			if h.complete(fields) {
				header = h
				header.isFormula = isFormula
				continue
			}
			if limits.Month != "" {
				for _, c := range cells {
					if got := otherMonth(c, limits.Month); got != "" {
						where := msg.lang.pick(fmt.Sprintf("第 %d 行“%s”", rowNum, shortValue(c)), fmt.Sprintf("row %d %q", rowNum, shortValue(c)))
						return &ParseError{Problems: []Problem{{Row: rowNum, Value: shortValue(c), Message: msg.otherMonth(got, where, limits.Month)}}}
					}
				}
			}
			continue
		}
		if blankRow(cells) {
			continue
		}
		dataRows++
		if dataRows > limits.MaxRows {
			return fmt.Errorf("%w: more than %d data rows", ErrTooManyRows, limits.MaxRows)
		}
		each(header, rowNum, cells)
	}
	if rerr := rows.Error(); rerr != nil {
		return fmt.Errorf("%w (%v)", ErrNotXLSX, rerr)
	}
	if header == nil {
		if best == nil || bestCount == 0 {
			best = &headerRow{row: 1, english: msg.lang.english()}
		}
		var pe ParseError
		last := min(rowNum, maxHeaderScan)
		if last == 0 {
			last = 1
		}
		for _, fl := range fields {
			if fl.required && !best.has(fl.key) {
				name := fl.zh
				if best.english {
					name = fl.en
				}
				pe.Problems = append(pe.Problems, Problem{Row: best.row, Column: name, Message: msg.missingColumn(name, sheet, last, sheets[1:])})
			}
		}
		return &pe
	}
	if dataRows == 0 {
		return &ParseError{Problems: []Problem{{Row: header.row, Message: msg.noData()}}}
	}
	return nil
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

// openUpload checks the package before excelize sees it, so that the typed
// errors come out: an OLE file (.xls, or an encrypted .xlsx) or anything
// that is not a zip is ErrNotXLSX; a package whose entries add up to more
// than the unzip limit is ErrTooLarge, decided from the zip directory
// without inflating anything.
func openUpload(r io.Reader, limits UploadLimits) (*excelize.File, error) {
	data, err := io.ReadAll(io.LimitReader(r, limits.UnzipSizeLimit+1))
	if err != nil {
		return nil, fmt.Errorf("reports: reading upload: %w", err)
	}
	if int64(len(data)) > limits.UnzipSizeLimit {
		return nil, fmt.Errorf("%w: the upload is larger than %d bytes", ErrTooLarge, limits.UnzipSizeLimit)
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, fmt.Errorf("%w (an .xls or password-protected file: save it as an unprotected .xlsx)", ErrNotXLSX)
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, ErrNotXLSX
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotXLSX, err)
	}
	var total uint64
	hasContentTypes := false
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(limits.UnzipSizeLimit) || zf.UncompressedSize64 > uint64(limits.UnzipSizeLimit) {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limits.UnzipSizeLimit)
		}
		if strings.EqualFold(zf.Name, "[Content_Types].xml") {
			hasContentTypes = true
		}
	}
	if !hasContentTypes {
		return nil, fmt.Errorf("%w (not an Office Open XML package)", ErrNotXLSX)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    limits.UnzipSizeLimit,
		UnzipXMLSizeLimit: limits.UnzipXMLSizeLimit,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, fmt.Errorf("%w (%v)", ErrTooLarge, err)
		}
		return nil, fmt.Errorf("%w (%v)", ErrNotXLSX, err)
	}
	return f, nil
}

// shortValue trims a cell for Problem.Value and keeps it short enough for a
// JSON error body.
func shortValue(s string) string {
	s = strings.TrimSpace(s)
	const maxRunes = 100
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	return string([]rune(s)[:maxRunes]) + "…"
}
