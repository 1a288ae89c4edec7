package reports

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

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
	pageA4       = 9    // excelize paper size: A4
	headerRowH   = 32.0 // streamed header rows hold two lines of a wrapped header
	tableHeaderH = 22.0 // header rows of templates and the summary
	titleRowH    = 26.0
	timeLayout   = "2006-01-02 15:04" // how GeneratedAt is shown
	dateLayout   = "2006-01-02"
	// fontName is the font of every style and of the workbook's default
	// style: a sans-serif face with CJK glyphs that Excel and WPS have on
	// Windows and fontconfig maps to Noto Sans CJK elsewhere, so that titles
	// do not fall back to a serif and print the same everywhere.
	fontName   = "Microsoft YaHei"
	lockedFill = "EDEDED" // headers of rule-derived (protected) columns
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

	// Ruled data cells of the tables (thin borders on every side); the
	// *Edit styles are unlocked, so they stay editable on a protected sheet.
	cText, cCenter, cScore, cCount   int
	cPercent, cRatio, cDate, cPoints int
	cScoreEdit, cTextEdit, cCode     int
	cTextWrap                        int
	lockedHeader                     int // header of a protected, rule-derived column
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
	unlocked := &excelize.Protection{Locked: false}
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
		{&s.cText, excelize.Style{Border: border, Alignment: vcenter}},
		{&s.cTextWrap, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.cCode, excelize.Style{Border: border, NumFmt: numFmtText, Alignment: vcenter}},
		{&s.cCenter, excelize.Style{Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.cScore, excelize.Style{Border: border, CustomNumFmt: custom(fmtScore), Alignment: vcenter}},
		{&s.cCount, excelize.Style{Border: border, NumFmt: numFmtInt, Alignment: vcenter}},
		{&s.cPercent, excelize.Style{Border: border, CustomNumFmt: custom(fmtPercent), Alignment: vcenter}},
		{&s.cRatio, excelize.Style{Border: border, CustomNumFmt: custom(fmtRatio), Alignment: vcenter}},
		{&s.cDate, excelize.Style{Border: border, CustomNumFmt: custom(fmtDate), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}}},
		{&s.cPoints, excelize.Style{Border: border, CustomNumFmt: custom(fmtPoints), Alignment: vcenter}},
		{&s.cScoreEdit, excelize.Style{Border: border, CustomNumFmt: custom(fmtScore), Protection: unlocked, Alignment: vcenter}},
		{&s.cTextEdit, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Protection: unlocked}},
		{&s.lockedHeader, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      solid(lockedFill),
			Border:    border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		}},
	}
	for _, sp := range specs {
		if sp.style.Font == nil {
			sp.style.Font = &excelize.Font{}
		}
		sp.style.Font.Family = fontName
		id, err := f.NewStyle(&sp.style)
		if err != nil {
			return nil, fmt.Errorf("reports: creating a style: %w", err)
		}
		*sp.id = id
	}
	return &s, nil
}

// latinFactor is how much wider than a "narrow character" of the column
// width unit a Latin letter of fontName prints (bold headers take a little
// more, boldFactor).
const (
	latinFactor = 1.15
	cjkFactor   = 2.2 // Noto Sans CJK, fontconfig's stand-in for fontName, runs a little wide
	boldFactor  = 1.1
)

// textWidth is the printed width of s in narrow characters of the column
// width unit: a CJK character counts cjkFactor, a Latin one latinFactor.
func textWidth(s string) float64 {
	wide := displayWidth(s) - utf8.RuneCountInString(s) // each wide rune counted once more
	narrow := utf8.RuneCountInString(s) - wide
	return float64(wide)*cjkFactor + float64(narrow)*latinFactor
}

// colWidth is the width of a column that must show its header and its
// typical content (in narrow characters). Headers wrap, so only their
// longest word must fit, and the whole header in at most two lines; CJK
// headers count whole.
func colWidth(header string, content float64) float64 {
	longest := 0.0
	for _, word := range strings.Fields(header) {
		longest = max(longest, textWidth(word)*boldFactor)
	}
	w := max(math.Ceil(longest)+2, content+1, widthMin)
	for w < widthMax && headerLines(header, w) > 2 {
		w++
	}
	return min(w, widthMax)
}

// headerLines is how many lines header wraps into in a column width wide.
func headerLines(header string, width float64) int {
	room := width - 1.5
	lines, used := 1, 0.0
	for _, word := range strings.Fields(header) {
		ww := textWidth(word) * boldFactor
		switch {
		case used == 0:
			used = ww
		case used+textWidth(" ")+ww <= room:
			used += textWidth(" ") + ww
		default:
			lines++
			used = ww
		}
	}
	return lines
}

// width picks a content width by language: English labels are longer.
func (l Lang) width(zh, en float64) float64 {
	if l.english() {
		return en
	}
	return zh
}

// lineH is the height in points of one line of wrapped body text.
const lineH = 15.0

// wrappedHeight is the height of a row whose wrapping cell of a column
// width wide holds s, pad points added: 0 when s takes one line (the
// default height), at most the 409 points a row can have, which a 2,000
// character description would pass (its beginning shows; the cell keeps
// all of it).
func wrappedHeight(s string, width, pad float64) float64 {
	n := wrappedLines(s, width)
	if n <= 1 {
		return 0
	}
	return min(float64(n)*lineH+pad, excelize.MaxRowHeight)
}

// wrappedLines estimates how many lines s takes in a wrapping cell of a
// column width wide (explicit line breaks included).
func wrappedLines(s string, width float64) int {
	room := max(width-1.5, 1)
	if float64(len(s))*latinFactor <= room && strings.IndexByte(s, '\n') < 0 {
		return 1 // no character is wider than latinFactor per UTF-8 byte
	}
	n := 0
	for _, para := range strings.Split(s, "\n") {
		n += max(1, int(math.Ceil(textWidth(para)/room)))
	}
	return n
}
