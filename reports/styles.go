package reports

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Formats and sizes shared by the workbooks.
const (
	fmtScore     = "0.00"             // scores
	fmtPoints    = "+0.00;-0.00;0.00" // signed points in the details
	fmtPercent   = `0"%"`             // a percentage already multiplied by 100 (扣发奖金%)
	fmtRatio     = "0.0%"             // a ratio 0–1 shown as a percentage
	fmtDate      = "yyyy-mm-dd"       // dates of conduct records
	numFmtText   = 49                 // built-in "@": keeps leading zeros of employee numbers
	numFmtInt    = 1                  // built-in "0": counts
	headerFill   = "DDEBF7"           // light blue behind headers
	labelFill    = "F2F2F2"           // light grey behind labels and total rows
	noteColor    = "595959"           // grey of the "generated at" line
	titleSize    = 14
	thinBorder   = 1 // excelize border style: thin
	widthMax     = 60
	widthMin     = 6
	pageA4       = 9           // excelize paper size: A4
	footerPage   = "&C&P / &N" // "page / pages", the same in both languages
	headerRowH   = 32.0        // streamed header rows hold two lines of a wrapped header
	tableHeaderH = 22.0        // header rows of templates and the summary
	titleRowH    = 26.0
	timeLayout   = "2006-01-02 15:04" // how GeneratedAt is shown
	dateLayout   = "2006-01-02"
)

// styleSet holds the style ids one workbook uses.
type styleSet struct {
	title, note            int
	header                 int
	text, code, center     int
	score, count, percent  int
	ratio, date, points    int
	totalText, totalCount  int
	totalScore             int
	label, boxed, boxedNum int
	boxedPoints, signature int
}

func newStyleSet(f *excelize.File) (*styleSet, error) {
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: thinBorder},
		{Type: "right", Color: "BFBFBF", Style: thinBorder},
		{Type: "top", Color: "BFBFBF", Style: thinBorder},
		{Type: "bottom", Color: "BFBFBF", Style: thinBorder},
	}
	solid := func(color string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	}
	custom := func(s string) *string { return &s }
	vcenter := &excelize.Alignment{Vertical: "center"}
	var s styleSet
	specs := []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: titleSize}, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Size: 9, Color: noteColor}}},
		{&s.header, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      solid(headerFill),
			Border:    border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		}},
		{&s.text, excelize.Style{Alignment: vcenter}},
		{&s.code, excelize.Style{NumFmt: numFmtText, Alignment: vcenter}},
		{&s.center, excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.score, excelize.Style{CustomNumFmt: custom(fmtScore)}},
		{&s.count, excelize.Style{NumFmt: numFmtInt}},
		{&s.percent, excelize.Style{CustomNumFmt: custom(fmtPercent)}},
		{&s.ratio, excelize.Style{CustomNumFmt: custom(fmtRatio)}},
		{&s.date, excelize.Style{CustomNumFmt: custom(fmtDate), Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&s.points, excelize.Style{CustomNumFmt: custom(fmtPoints)}},
		{&s.totalText, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: solid(labelFill), Border: border}},
		{&s.totalCount, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: solid(labelFill), Border: border, NumFmt: numFmtInt}},
		{&s.totalScore, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: solid(labelFill), Border: border, CustomNumFmt: custom(fmtScore)}},
		{&s.label, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: solid(labelFill), Border: border, Alignment: vcenter}},
		{&s.boxed, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.boxedNum, excelize.Style{Border: border, CustomNumFmt: custom(fmtScore), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}}},
		{&s.boxedPoints, excelize.Style{Border: border, CustomNumFmt: custom(fmtPoints), Alignment: vcenter}},
		{&s.signature, excelize.Style{Alignment: &excelize.Alignment{Vertical: "bottom"}}},
	}
	for _, sp := range specs {
		id, err := f.NewStyle(&sp.style)
		if err != nil {
			return nil, fmt.Errorf("reports: creating a style: %w", err)
		}
		*sp.id = id
	}
	return &s, nil
}

// colWidth is the width of a column that must show its header and its
// typical content (in narrow characters). Headers wrap, so only their longest
// word must fit; CJK headers count whole.
func colWidth(header string, content float64) float64 {
	longest := 0
	for _, word := range strings.Fields(header) {
		longest = max(longest, displayWidth(word))
	}
	w := max(float64(longest)+2, content+1)
	return min(max(w, widthMin), widthMax)
}
