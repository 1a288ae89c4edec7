package models

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer; the api package maps each to one HTTP
// status in a single table.
const (
	EMalformed    = "malformed"         // the request could not be read (400)
	EUnauthorized = "unauthorized"      // no valid credentials (401)
	EForbidden    = "forbidden"         // authenticated but not allowed (403)
	ENotFound     = "not_found"         // absent or outside the caller's scope (404)
	EConflict     = "conflict"          // wrong state, duplicate or closed month (409)
	ETooLarge     = "too_large"         // body or file too large (413)
	EUnsupported  = "unsupported_media" // wrong media type (415)
	EInvalid      = "invalid"           // invalid fields (422)
	ERateLimited  = "too_many_requests" // throttled (429)
	EInternal     = "internal"          // anything unexpected (500)
)

// FieldProblem names one invalid field and what is wrong with it.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the application error carried from the store to the API: a code,
// a message meant for the person calling, and optional details.
type Error struct {
	Code    string
	Message string
	Details []any
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an EInvalid error listing the bad fields.
func Invalid(problems ...FieldProblem) *Error {
	msg := "invalid fields"
	if len(problems) == 1 {
		msg = problems[0].Field + ": " + problems[0].Message
	}
	details := make([]any, len(problems))
	for i, p := range problems {
		details[i] = p
	}
	return &Error{Code: EInvalid, Message: msg, Details: details}
}

// ErrorCode returns the code of an application error, EInternal for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the human message of an application error, or a
// generic text for internal errors (whose details must not leak).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Validation collects field problems while a value is checked.
type Validation struct {
	problems []FieldProblem
}

// Add records a problem with a field.
func (v *Validation) Add(field, format string, args ...any) {
	v.problems = append(v.problems, FieldProblem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check records a problem when ok is false.
func (v *Validation) Check(ok bool, field, format string, args ...any) {
	if !ok {
		v.Add(field, format, args...)
	}
}

// Err returns the collected problems as an EInvalid error, or nil.
func (v *Validation) Err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return Invalid(v.problems...)
}

// missingAs reports a lookup's "not found" as a problem with the field that
// named the record (422) and passes every other error on unchanged: a
// cancelled request or a lost connection is a 500 that is logged, never
// "no such …".
func missingAs(err error, field, message string) error {
	if ErrorCode(err) == ENotFound {
		return Invalid(FieldProblem{Field: field, Message: message})
	}
	return err
}
