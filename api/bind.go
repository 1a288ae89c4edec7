package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firstask/models"
	"firstask/scoring"
)

// decodeJSON reads a JSON body strictly: the media type must be JSON,
// unknown fields are refused (422, naming the field), malformed JSON is a
// 400 and a body over the limit a 413.
func decodeJSON(c *gin.Context, dst any) error {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return models.Errorf(models.EUnsupported, "the body must be application/json, not %q", ct)
		}
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return models.Errorf(models.ETooLarge, "the body is larger than %d bytes", tooBig.Limit)
		}
		return models.Errorf(models.EMalformed, "the body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return models.Errorf(models.EMalformed, "the body is empty; a JSON object is expected")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return models.Errorf(models.EMalformed, "the body holds more than one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return models.Errorf(models.EMalformed, "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return models.Invalid(models.FieldProblem{Field: field, Message: fmt.Sprintf("must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return models.Invalid(models.FieldProblem{Field: name, Message: "unknown field"})
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return models.Errorf(models.EMalformed, "malformed JSON: the body ends too early")
	}
	// Values whose own UnmarshalJSON/UnmarshalText refused them (times,
	// months) end up here.
	return models.Invalid(models.FieldProblem{Field: "body", Message: err.Error()})
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "int32", "float64", "float32", "uint", "uint64":
		return "a number"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return k
}

// parseDigits reads a whole number written only with ASCII digits:
// strconv.ParseInt alone also takes "+1" and "-0", so one record had
// several addresses (/inquiries/+1 was /inquiries/1).
func parseDigits(s string) (int64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(s, 10, 64)
}

// pathID reads a positive integer path parameter, digits only; anything
// else is a 404, since no such resource can exist.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := parseDigits(c.Param(name))
	if err != nil || id <= 0 {
		return 0, models.Errorf(models.ENotFound, "%s %q not found", name, c.Param(name))
	}
	return id, nil
}

// queryInt reads an optional positive integer query parameter.
func queryInt(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := parseDigits(v)
	if err != nil || n <= 0 {
		return 0, models.Invalid(models.FieldProblem{Field: name, Message: "must be a positive whole number"})
	}
	return n, nil
}

// queryBool reads an optional boolean query parameter.
func queryBool(c *gin.Context, name string) (*bool, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, models.Invalid(models.FieldProblem{Field: name, Message: "must be true or false"})
	}
	return &b, nil
}

// page reads page and page_size (default 1 and 50, page_size ≤ 200).
func page(c *gin.Context) (models.Page, error) {
	p := models.Page{Number: 1, Size: 50}
	var v models.Validation
	if s := c.Query("page"); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 1 && n <= 1_000_000, "page", "must be a whole number from 1")
		p.Number = n
	}
	if s := c.Query("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 1 && n <= models.MaxPageSize, "page_size", "must be a whole number from 1 to %d", models.MaxPageSize)
		p.Size = n
	}
	return p, v.Err()
}

// List is the shape of every paginated answer. TotalIsLowerBound is set
// (and only then written) when the list holds more than Total rows, which
// were not all counted: HR's overdue lists on a busy month.
type List[T any] struct {
	Items             []T   `json:"items"`
	Total             int64 `json:"total"`
	TotalIsLowerBound bool  `json:"total_is_lower_bound,omitempty"`
	Page              int   `json:"page"`
	PageSize          int   `json:"page_size"`
}

// boundedList is list with a total that may be a lower bound.
func boundedList[T any](items []T, total models.Total, p models.Page) List[T] {
	l := list(items, total.N, p)
	l.TotalIsLowerBound = total.LowerBound
	return l
}

func list[T any](items []T, total int64, p models.Page) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Total: total, Page: p.Number, PageSize: p.Size}
}

// pageOfAll cuts one page out of a short list the store answers whole
// (departments, webhooks: tens of rows), in the same envelope as every
// other list.
func pageOfAll[T any](all []T, p models.Page) List[T] {
	from := min((p.Number-1)*p.Size, len(all))
	to := min(from+p.Size, len(all))
	return list(all[from:to:to], int64(len(all)), p)
}

// decodeOptionalJSON is decodeJSON for actions whose body may be left out
// (accept, resume): an empty body leaves dst as it is.
func decodeOptionalJSON(c *gin.Context, dst any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return decodeJSON(c, dst) // reports the read error (413 …) the usual way
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	return decodeJSON(c, dst)
}

// idAndBody reads the path id and the JSON body (which may be left out
// when optional); on failure it has answered already and returns false.
func (s *Server) idAndBody(c *gin.Context, dst any, optional bool) (int64, bool) {
	id, err := pathID(c, "id")
	if err == nil {
		if optional {
			err = decodeOptionalJSON(c, dst)
		} else {
			err = decodeJSON(c, dst)
		}
	}
	if err != nil {
		s.fail(c, err)
		return 0, false
	}
	return id, true
}

// reply renders a store answer: the value with status, or the error.
func (s *Server) reply(c *gin.Context, status int, v any, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(status, v)
}

// queryParams is the one binder of query parameters: each method reads one
// parameter and notes what is wrong with it instead of stopping, so that
// Err answers every bad parameter in one 422. A handler reads all it needs,
// checks Err once, calls the store and renders.
type queryParams struct {
	c        *gin.Context
	loc      *time.Location
	problems []models.FieldProblem
}

// query starts binding the request's query parameters.
func (s *Server) query(c *gin.Context) *queryParams {
	return &queryParams{c: c, loc: s.store.Location()}
}

// note keeps the field problems of a parameter's error.
func (q *queryParams) note(err error) {
	if err == nil {
		return
	}
	var e *models.Error
	if !errors.As(err, &e) {
		q.problems = append(q.problems, models.FieldProblem{Field: "query", Message: err.Error()})
		return
	}
	for _, d := range e.Details {
		if p, ok := d.(models.FieldProblem); ok {
			q.problems = append(q.problems, p)
		}
	}
}

// Check notes a problem with a parameter when ok is false.
func (q *queryParams) Check(ok bool, name, format string, args ...any) {
	if !ok {
		q.problems = append(q.problems, models.FieldProblem{Field: name, Message: fmt.Sprintf(format, args...)})
	}
}

// Page reads page and page_size (see page).
func (q *queryParams) Page() models.Page {
	p, err := page(q.c)
	if err != nil {
		q.note(err)
	}
	return p
}

// ID reads an optional positive integer (0 when absent).
func (q *queryParams) ID(name string) int64 {
	n, err := queryInt(q.c, name)
	if err != nil {
		q.note(err)
	}
	return n
}

// Bool reads an optional boolean (nil when absent).
func (q *queryParams) Bool(name string) *bool {
	b, err := queryBool(q.c, name)
	if err != nil {
		q.note(err)
	}
	return b
}

// Month reads an optional month YYYY-MM (nil when absent).
func (q *queryParams) Month(name string) *scoring.Month {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	m, err := scoring.ParseMonth(v)
	if err != nil {
		q.Check(false, name, "must be a month YYYY-MM")
		return nil
	}
	return &m
}

// Time reads an optional instant: RFC 3339, or a day in the organisation's
// zone meaning its start (or, with upper, the start of the next day, so
// that "to" includes the day). The year must lie in minQueryYear–
// maxQueryYear: MariaDB's DATETIME starts at year 1000 and a query with
// 0000-01-01 failed there (a 500) while SQLite answered.
func (q *queryParams) Time(name string, upper bool) *time.Time {
	v := strings.TrimSpace(q.c.Query(name))
	if v == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		if y := t.UTC().Year(); y < minQueryYear || y > maxQueryYear {
			q.Check(false, name, "the year must be from %d to %d", minQueryYear, maxQueryYear)
			return nil
		}
		return &t
	}
	d, err := time.ParseInLocation("2006-01-02", v, q.loc)
	if err != nil {
		q.Check(false, name, "must be RFC 3339 (2026-10-15T09:00:00+08:00) or a day (2026-10-15)")
		return nil
	}
	if y := d.UTC().Year(); y < minQueryYear || y > maxQueryYear {
		q.Check(false, name, "the year must be from %d to %d", minQueryYear, maxQueryYear)
		return nil
	}
	if upper {
		d = d.AddDate(0, 0, 1)
	}
	return &d
}

// The years a date query parameter may name (see queryParams.Time).
const (
	minQueryYear = 1900
	maxQueryYear = 2999
)

// String reads an optional text parameter as it is.
func (q *queryParams) String(name string) string { return q.c.Query(name) }

// Err reports every problem noted, in one invalid error, or nil.
func (q *queryParams) Err() error {
	if len(q.problems) == 0 {
		return nil
	}
	return models.Invalid(q.problems...)
}

// queryEnum reads an optional parameter that must be one of allowed.
func queryEnum[T ~string](q *queryParams, name string, allowed ...T) T {
	v := T(q.c.Query(name))
	if v == "" {
		return v
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	q.Check(false, name, "must be one of %s", strings.Join(names, ", "))
	return v
}

// The one-parameter reads below are the binder for handlers that take a
// single query parameter: each answers its problem as a 422 of its own.

// pageOf reads page and page_size through the binder.
func (s *Server) pageOf(c *gin.Context) (models.Page, error) {
	q := s.query(c)
	return q.Page(), q.Err()
}

// queryID reads one optional positive integer through the binder.
func (s *Server) queryID(c *gin.Context, name string) (int64, error) {
	q := s.query(c)
	return q.ID(name), q.Err()
}

// queryMonth reads one optional month through the binder.
func (s *Server) queryMonth(c *gin.Context, name string) (*scoring.Month, error) {
	q := s.query(c)
	return q.Month(name), q.Err()
}
