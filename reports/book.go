package reports

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// monthPattern is a calendar month YYYY-MM, as the API passes it.
var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

func checkMonth(month string) error {
	if !monthPattern.MatchString(month) {
		return fmt.Errorf("reports: month %q is not YYYY-MM", month)
	}
	return nil
}

// docMeta is what a workbook says about itself in its document properties.
type docMeta struct {
	title   string
	org     string    // the organisation: company (app.xml) and subject
	created time.Time // zero: now
}

// newBook starts a workbook whose first sheet is called first, with true
// document properties (title, organisation, created and modified now) and
// the CJK-capable fontName as the default font.
func newBook(first string, meta docMeta, lang Lang) (*excelize.File, *styleSet, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName(f.GetSheetName(0), first); err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("reports: naming sheet %q: %w", first, err)
	}
	created := meta.created
	if created.IsZero() {
		created = time.Now()
	}
	stamp := created.UTC().Format(time.RFC3339)
	org := strings.Join(strings.Fields(meta.org), " ")
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          meta.title,
		Subject:        org,
		Creator:        "firstask",
		LastModifiedBy: "firstask",
		Created:        stamp,
		Modified:       stamp,
		Language:       lang.pick("zh-CN", "en"),
	}); err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("reports: document properties: %w", err)
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "firstask", Company: org}); err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("reports: application properties: %w", err)
	}
	if err := f.SetDefaultFont(fontName); err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("reports: default font: %w", err)
	}
	st, err := newStyleSet(f)
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// finish writes f to w and releases it (temporary files of stream writers
// included), whatever happened before.
func finish(f *excelize.File, w io.Writer, err error) error {
	return finishSpliced(f, w, nil, err)
}

// finishSpliced is finish for a workbook one of whose sheets holds a
// marker row that splice replaces as the sheet is zipped.
func finishSpliced(f *excelize.File, w io.Writer, splice *rowSplice, err error) error {
	if err == nil {
		// The zip goes straight to w: excelize's Write would first build the
		// whole archive in a bytes.Buffer (tens of MB, and twice that while
		// it grows, for 200,000 detail rows) and copy it over. The bytes are
		// the same; the buffer stays empty (it is only read back to mark
		// ZIP64 entries, parts over 4 GiB, which these workbooks never hold).
		// The writer also fixes two spellings exceljs refuses (zipfix.go).
		f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newFixingZip(w, splice) })
		if werr := f.Write(w); werr != nil {
			err = fmt.Errorf("reports: writing workbook: %w", werr)
		}
	}
	return errors.Join(err, f.Close())
}

// pageHead is what the printed header and footer of every page of a sheet
// say: the organisation (and department) on the left, the document and
// month in the middle, the month's status (暂定/已结账) on the right; the
// footer has the generated-at line, "第 n 页，共 N 页" and the sheet name.
type pageHead struct {
	org, doc, status, generated string
	lang                        Lang
}

// headerText escapes & (the header/footer control character) and keeps a
// section short enough for the 255-character limit of the whole header.
func headerText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return strings.ReplaceAll(s, "&", "&&")
}

// header and footer of the printed pages.
func (h pageHead) header() string {
	return "&L" + headerText(h.org) + "&C&B" + headerText(h.doc) + "&R" + headerText(h.status)
}

func (h pageHead) footer() string {
	return "&L" + headerText(h.generated) + "&C" + h.lang.pick("第 &P 页，共 &N 页", "Page &P of &N") + "&R&A"
}

// pageSetup prepares a sheet for printing: A4, fit to one page wide (and
// tall pages high, 0 = as many as needed), the header and footer of head on
// every page. For a streamed sheet it must run before NewStreamWriter, which
// writes sheetPr (fitToPage) at once; on a normal sheet it must run after
// AutoFilter, which replaces sheetPr.
func pageSetup(f *excelize.File, sheet, orientation string, tall int, head pageHead) error {
	size, wide, fit := pageA4, 1, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size:        &size,
		Orientation: &orientation,
		FitToWidth:  &wide,
		FitToHeight: &tall,
	}); err != nil {
		return fmt.Errorf("reports: page layout of %q: %w", sheet, err)
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("reports: sheet properties of %q: %w", sheet, err)
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddHeader: head.header(), OddFooter: head.footer()}); err != nil {
		return fmt.Errorf("reports: footer of %q: %w", sheet, err)
	}
	return nil
}

// frozenBelow returns panes that freeze the rows 1..row.
func frozenBelow(row int) *excelize.Panes {
	top := fmt.Sprintf("A%d", row+1)
	return &excelize.Panes{
		Freeze:      true,
		YSplit:      row,
		TopLeftCell: top,
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}},
	}
}

// printTitles repeats row on every printed page of sheet.
func printTitles(f *excelize.File, sheet string, row int) error {
	err := f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(sheet), row, row),
		Scope:    sheet,
	})
	if err != nil {
		return fmt.Errorf("reports: print titles of %q: %w", sheet, err)
	}
	return nil
}

// quoteSheet quotes a sheet name for use in a reference ('汇总'!$A$1).
func quoteSheet(name string) string {
	q := []byte{'\''}
	for i := 0; i < len(name); i++ {
		if name[i] == '\'' {
			q = append(q, '\'')
		}
		q = append(q, name[i])
	}
	return string(append(q, '\''))
}

// column is one column of a table this package writes: its header, width
// and the style of its data cells.
type column struct {
	header string
	width  float64 // content width in narrow characters; the header may widen it
	style  int
}

// headers returns the header texts of cols.
func headers(cols []column) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.header
	}
	return out
}

// cell returns "A1"-style name of (col, row), both 1-based; both are always
// in range for the tables written here.
func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// colName returns the letters of a 1-based column.
func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}
