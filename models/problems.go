package models

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Problem is one thing wrong with one cell (or row) of an uploaded
// workbook: the spreadsheet row number as Excel shows it, the column, the
// value found and what is wrong with it. Reason and Args say the same in a
// form the api layer can word in another language.
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
	Reason  string `json:"-"`
	Args    []any  `json:"-"`
}

// Column keys of the problems the store reports about uploaded rows. The
// api layer names them by the workbook's headers.
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
	ColAppraised      = "appraised"
	ColPassword       = "password"
)

// Reasons of upload problems, each with its English wording (the Args fill
// the verbs in order).
const (
	ReasonNoRows             = "no_rows"
	ReasonTooManyRows        = "too_many_rows"
	ReasonMissing            = "missing"
	ReasonUnknownEmployee    = "unknown_employee"
	ReasonInactiveStaff      = "inactive_staff"
	ReasonNotAppraised       = "not_appraised"
	ReasonNameMismatch       = "name_mismatch"
	ReasonDuplicate          = "duplicate"
	ReasonScoreRange         = "score_range"
	ReasonTooLong            = "too_long"
	ReasonBadEmployeeNo      = "bad_employee_no"
	ReasonUnknownDepartment  = "unknown_department"
	ReasonInactiveDepartment = "inactive_department"
	ReasonBadChoice          = "bad_choice"
	ReasonPasswordShort      = "password_short"
	ReasonPasswordLong       = "password_long"
	ReasonOwnRole            = "own_role"
	ReasonDeactivateSelf     = "deactivate_self"
	ReasonGrant              = "grant"
)

// ProblemMessages is the English wording of each reason.
var ProblemMessages = map[string]string{
	ReasonNoRows:             "the file holds no data rows under the header",
	ReasonTooManyRows:        "the file holds more than %d rows; split it",
	ReasonMissing:            "the %s is missing",
	ReasonUnknownEmployee:    "no staff member has employee number %s",
	ReasonInactiveStaff:      "%s (%s) is no longer active",
	ReasonNotAppraised:       "%s (%s) is not appraised (set appraised on the staff record first)",
	ReasonNameMismatch:       "employee number %s belongs to %s, not %s",
	ReasonDuplicate:          "employee number %s appears again (first in row %d)",
	ReasonScoreRange:         "the score must be a number from %d to %d",
	ReasonTooLong:            "the %s is longer than %d characters",
	ReasonBadEmployeeNo:      "an employee number is 1–32 letters, digits, '_' or '-'",
	ReasonUnknownDepartment:  "no department has the code %s",
	ReasonInactiveDepartment: "the department %s is inactive",
	ReasonBadChoice:          "the %s must be one of: %s",
	ReasonPasswordShort:      "the password must be at least %d characters",
	ReasonPasswordLong:       "the password must be at most %d bytes",
	ReasonOwnRole:            "you cannot change your own role",
	ReasonDeactivateSelf:     "you cannot deactivate yourself",
	ReasonGrant:              "only an admin can grant or remove the hr and admin roles, or deactivate such accounts",
}

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

func (pl *problemList) add(row int, column, value, reason string, args ...any) {
	*pl = append(*pl, Problem{Row: row, Column: column, Value: value, Reason: reason, Args: args,
		Message: fmt.Sprintf(ProblemMessages[reason], args...)})
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
	if plainCell(s) {
		return s
	}
	s = width.Fold.String(s)
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// sameName reports whether a name in a file matches the name on record,
// tolerating what NormalizeCell folds, the case of Latin letters and white
// space inside the name: offices pad two-character names ("张　三") to line
// them up with three-character ones.
func sameName(inFile, onRecord string) bool {
	if inFile == onRecord {
		return true
	}
	squeeze := func(s string) string {
		return strings.Join(strings.FieldsFunc(width.Fold.String(s), unicode.IsSpace), "")
	}
	return strings.EqualFold(squeeze(inFile), squeeze(onRecord))
}

// plainCell reports whether s is printable ASCII without leading, trailing
// or doubled spaces: already in normal form (the common case, cheaply).
func plainCell(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			if c != ' ' || i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		}
	}
	return true
}
