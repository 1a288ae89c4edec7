package models

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Problem is one thing wrong with one cell (or row) of an uploaded
// workbook: the spreadsheet row number as Excel shows it, the column, the
// value found and what is wrong with it.
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

// Column keys of the problems the store reports about uploaded rows. The
// api layer may rename them to the headers the file actually used.
const (
	ColEmployeeNo     = "employee_no"
	ColName           = "name"
	ColScore          = "score"
	ColNote           = "note"
	ColDepartment     = "department"
	ColRole           = "role"
	ColEmploymentType = "employment_type"
	ColPhone          = "phone"
	ColActive         = "active"
	ColPassword       = "password"
)

// FileProblems builds the EInvalid error that lists every problem of an
// uploaded file, so that a person can fix them all in one go.
func FileProblems(ps []Problem) *Error {
	details := make([]any, len(ps))
	for i, p := range ps {
		details[i] = p
	}
	msg := fmt.Sprintf("the file has %d problems; nothing was taken", len(ps))
	if len(ps) == 1 {
		msg = fmt.Sprintf("the file has a problem in row %d; nothing was taken: %s", ps[0].Row, ps[0].Message)
	}
	return &Error{Code: EInvalid, Message: msg, Details: details}
}

// problemList collects problems of an upload.
type problemList []Problem

func (pl *problemList) add(row int, column, value, format string, args ...any) {
	*pl = append(*pl, Problem{Row: row, Column: column, Value: value, Message: fmt.Sprintf(format, args...)})
}

func (pl problemList) err() error {
	if len(pl) == 0 {
		return nil
	}
	return FileProblems(pl)
}

// NormalizeCell is how every text cell of an upload is read: full-width
// letters, digits and spaces folded to their ordinary forms, surrounding
// white space (including the ideographic space U+3000 and no-break spaces)
// removed and inner runs of white space collapsed to one space.
func NormalizeCell(s string) string {
	s = width.Fold.String(s)
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// sameName reports whether a name in a file matches the name on record,
// tolerating what NormalizeCell folds, the case of Latin letters and white
// space inside the name: offices pad two-character names ("张　三") to line
// them up with three-character ones.
func sameName(inFile, onRecord string) bool {
	squeeze := func(s string) string {
		return strings.Join(strings.FieldsFunc(width.Fold.String(s), unicode.IsSpace), "")
	}
	return strings.EqualFold(squeeze(inFile), squeeze(onRecord))
}
