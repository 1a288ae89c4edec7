package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"firstask/models"
)

// The contract check: every request a test in this package sends through
// testEnv.send, and the answer it gets, is validated against the embedded
// OpenAPI document (the one the binary serves). An undocumented route,
// status, field or header shape fails the test that caused it.
func init() { requestHooks = append(requestHooks, checkContract) }

var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// loadContract parses and validates the embedded document once.
func loadContract() (*openapi3.T, routers.Router, error) {
	contract.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(openapiYAML)
		if err != nil {
			contract.err = err
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			contract.err = err
			return
		}
		contract.doc = doc
		contract.router, contract.err = gorillamux.NewRouter(doc)
	})
	return contract.doc, contract.router, contract.err
}

func mustLoadContract(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	doc, router, err := loadContract()
	if err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	return doc, router
}

// deliberateBadRequest lists the statuses that answer a request the test
// made wrong on purpose (bad JSON, wrong media type, too large, invalid
// fields, no credentials): the request is not checked against the
// document then, but the response always is.
var deliberateBadRequest = []int{
	http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge,
	http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity,
}

var contractOptions = &openapi3filter.Options{
	MultiError:            true,
	IncludeResponseStatus: true, // a status the document does not list is an error
	AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		if in.SecuritySchemeName != "bearer" {
			return errors.New("unknown security scheme " + in.SecuritySchemeName)
		}
		h := in.RequestValidationInput.Request.Header.Get("Authorization")
		if len(h) < 7 || !strings.EqualFold(h[:7], "Bearer ") { // the scheme is case-insensitive (RFC 7235)
			return errors.New("no bearer token")
		}
		return nil
	},
}

func checkContract(t testing.TB, req *http.Request, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	doc, router := mustLoadContract(t)
	what := req.Method + " " + req.URL.RequestURI()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("contract: %s → %d: %s\nresponse body: %s", what, rec.Code, strings.TrimSpace(fmt.Sprintf(format, args...)), truncate(rec.Body.Bytes()))
	}
	if rec.Header().Get("X-Request-ID") == "" {
		fail("no X-Request-ID header")
	}

	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	route, pathParams, err := router.FindRoute(r)
	if err != nil {
		// Not a documented operation: only the router's own refusals
		// (no such route, wrong method) and test-only routes may answer,
		// always with the error envelope. Undocumented routes registered
		// through s.handle are caught by TestRoutesMatchOpenAPI.
		if !slices.Contains([]int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusInternalServerError}, rec.Code) {
			fail("not a documented operation (%v), yet answered %d", err, rec.Code)
			return
		}
		if err := validateErrorEnvelope(doc, rec); err != nil {
			fail("%v", err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: contractOptions}
	if !slices.Contains(deliberateBadRequest, rec.Code) {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && !badPathParam(err, rec.Code) {
			fail("request does not match the document: %v", err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                contractOptions,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		fail("response does not match the document: %v", err)
	}
}

// badPathParam accepts a path parameter of the wrong type (/staff/abc)
// answered with 404: the server treats it as a resource that cannot exist.
func badPathParam(err error, status int) bool {
	if status != http.StatusNotFound {
		return false
	}
	var multi openapi3.MultiError
	errs := []error{err}
	if errors.As(err, &multi) {
		errs = multi
	}
	for _, e := range errs {
		var re *openapi3filter.RequestError
		if !errors.As(e, &re) || re.Parameter == nil || re.Parameter.In != openapi3.ParameterInPath {
			return false
		}
	}
	return true
}

// validateErrorEnvelope checks an answer against components/schemas/Error.
func validateErrorEnvelope(doc *openapi3.T, rec *httptest.ResponseRecorder) error {
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return errors.New("error answer is " + ct + ", not application/json")
	}
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		return err
	}
	return doc.Components.Schemas["Error"].Value.VisitJSON(v)
}

// gin path ":id" is the document's "{id}".
var braceParam = regexp.MustCompile(`\{([^}/]+)\}`)

// documentedRoutes lists "METHOD /full/path/:param" for every operation,
// the server (document or path level) prefixed.
func documentedRoutes(doc *openapi3.T) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		base := doc.Servers[0].URL
		if len(item.Servers) > 0 {
			base = item.Servers[0].URL
		}
		full := strings.TrimSuffix(base, "/") + braceParam.ReplaceAllString(path, ":$1")
		for method, op := range item.Operations() {
			out[method+" "+full] = op
		}
	}
	return out
}

// TestRoutesMatchOpenAPI compares the router with the document both ways:
// every registered route is documented and every documented operation is
// registered.
func TestRoutesMatchOpenAPI(t *testing.T) {
	doc, _ := mustLoadContract(t)
	e := newTestEnv(t)
	documented := documentedRoutes(doc)
	registered := map[string]bool{}
	for _, r := range e.srv.Routes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		if documented[key] == nil {
			t.Errorf("route %s is not in api/openapi.yaml", key)
		}
	}
	for key := range documented {
		if !registered[key] {
			t.Errorf("api/openapi.yaml documents %s, which the router does not serve", key)
		}
	}
}

// TestOpenAPIConventions holds every operation to the conventions at the
// top of api/openapi.yaml, so that branches adding routes document them
// the same way.
func TestOpenAPIConventions(t *testing.T) {
	doc, _ := mustLoadContract(t)
	e := newTestEnv(t)
	documented := documentedRoutes(doc)
	tags := map[string]bool{}
	for _, tg := range doc.Tags {
		tags[tg.Name] = true
	}
	ids := map[string]string{}
	routes := e.srv.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	for _, r := range routes {
		key := r.Method + " " + r.Path
		op := documented[key]
		if op == nil {
			continue // reported by TestRoutesMatchOpenAPI
		}
		problem := func(format string, args ...any) { t.Errorf("%s: %s", key, fmt.Sprintf(format, args...)) }
		if op.OperationID == "" {
			problem("no operationId")
		} else if other, dup := ids[op.OperationID]; dup {
			problem("operationId %q is also used by %s", op.OperationID, other)
		}
		ids[op.OperationID] = key
		if len(op.Tags) != 1 || !tags[op.Tags[0]] {
			problem("needs exactly one tag from the top-level list, has %v", op.Tags)
		}
		if op.Summary == "" {
			problem("no summary")
		}
		has := func(status string) bool { return op.Responses.Value(status) != nil }
		if op.Responses.Default() != nil {
			problem("a `default` response would hide undocumented statuses; list each status")
		}
		if !has("500") {
			problem("does not list 500")
		}
		openSecurity := op.Security != nil && len(*op.Security) == 0
		if r.Public != openSecurity {
			problem("public=%v on the router but `security: []` is %v in the document", r.Public, openSecurity)
		}
		if !r.Public {
			if !has("401") {
				problem("signed-in route does not list 401")
			}
			if len(r.Roles) < len(models.AllRoles) && !has("403") {
				problem("route limited to %v does not list 403", r.Roles)
			}
		}
		if strings.Contains(r.Path, ":id") && !has("404") {
			problem("route with an id does not list 404")
		}
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			for _, s := range []string{"400", "413", "415", "422"} {
				if !has(s) {
					problem("route with a request body does not list %s", s)
				}
			}
		}
	}
	for name, ref := range doc.Components.Schemas {
		s := ref.Value
		if s.Type.Is("object") && s.Properties != nil && s.Extensions["x-open"] == nil &&
			(s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has) {
			t.Errorf("components/schemas/%s: an object schema needs `additionalProperties: false` (or `x-open: true` with a reason)", name)
		}
	}
}

// TestServedOpenAPI checks that both served forms are the embedded
// document, valid, and the same in JSON as in YAML.
func TestServedOpenAPI(t *testing.T) {
	doc, _ := mustLoadContract(t)
	e := newTestEnv(t)
	res := e.do("GET", "/api/v1/openapi.json", "", nil).want(http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("openapi.json Content-Type %q", ct)
	}
	loader := openapi3.NewLoader()
	served, err := loader.LoadFromData(res.Body)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := served.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	want, _ := json.Marshal(doc)
	got, _ := json.Marshal(served)
	if !bytes.Equal(want, got) {
		t.Fatalf("openapi.json differs from openapi.yaml")
	}
	if served.OpenAPI != "3.0.3" || served.Servers[0].URL != "/api/v1" {
		t.Fatalf("openapi %q, server %q", served.OpenAPI, served.Servers[0].URL)
	}
	y := e.do("GET", "/api/v1/openapi.yaml", "", nil).want(http.StatusOK)
	if !bytes.Equal(y.Body, openapiYAML) {
		t.Fatalf("openapi.yaml is not the embedded document")
	}
}

// TestContractCatchesDrift proves the hook fails on what it exists to
// catch: an undocumented status, an undocumented field, and an
// undocumented route answering success.
func TestContractCatchesDrift(t *testing.T) {
	mustLoadContract(t)
	for _, c := range []struct {
		name, method, path string
		reqBody            string
		status             int
		body               string
	}{
		{"UndocumentedStatus", "GET", "/api/v1/me", "", http.StatusTeapot, `{"error":{"code":"internal","message":"x"}}`},
		{"UndocumentedField", "GET", "/api/v1/audit/verify", "", http.StatusOK, `{"ok":true,"checked":1,"secret":"x"}`},
		{"MissingField", "GET", "/api/v1/audit/verify", "", http.StatusOK, `{"ok":true}`},
		{"BadDateTime", "POST", "/api/v1/auth/login", `{"employee_no":"a","password":"b"}`, http.StatusOK, `{"token":"t","expires_at":"tomorrow","staff":{"id":1,"employee_no":"a","name":"n","department_id":1,"role":"staff","employment_type":"regular","phone":"","active":true,"created_at":"2026-10-15T02:00:00Z","updated_at":"2026-10-15T02:00:00Z"}}`},
		{"UndocumentedRequestFieldAccepted", "POST", "/api/v1/departments", `{"code":"X","name":"x","colour":"red"}`, http.StatusCreated,
			`{"id":1,"code":"X","name":"x","parent_id":null,"active":true,"created_at":"2026-10-15T02:00:00Z","updated_at":"2026-10-15T02:00:00Z"}`},
		{"UndocumentedRoute", "GET", "/api/v1/nowhere", "", http.StatusOK, `{}`},
		{"ErrorNotInEnvelope", "GET", "/api/v1/nowhere", "", http.StatusNotFound, `{"message":"x"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.reqBody))
			if c.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			req.Header.Set("Authorization", "Bearer x")
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", "application/json; charset=utf-8")
			rec.Header().Set("X-Request-ID", "r1")
			rec.WriteHeader(c.status)
			rec.WriteString(c.body)
			rt := &recordingT{TB: t}
			checkContract(rt, req, []byte(c.reqBody), rec)
			if !rt.failed {
				t.Fatalf("the contract check accepted it")
			}
		})
	}
}

// recordingT notes a failure instead of failing the test.
type recordingT struct {
	testing.TB
	failed bool
}

func (r *recordingT) Errorf(string, ...any) { r.failed = true }
func (r *recordingT) Fatalf(string, ...any) { r.failed = true }
func (r *recordingT) Helper()               {}

// TestWorkbookComponentsValidate proves that the shared upload and
// download components work with the contract check, so that routes built
// on them validate: a multipart upload made the way Go clients (and
// browsers) make it, and an .xlsx answer with its Content-Disposition.
func TestWorkbookComponentsValidate(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapiYAML)
	if err != nil {
		t.Fatal(err)
	}
	op := &openapi3.Operation{
		OperationID: "uploadAndDownload",
		RequestBody: &openapi3.RequestBodyRef{Ref: "#/components/requestBodies/WorkbookUpload"},
		Responses:   openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Ref: "#/components/responses/Workbook"})),
	}
	doc.AddOperation("/workbook-test", http.MethodPost, op)
	if err := loader.ResolveRefsIn(doc, nil); err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "2026-10.xlsx") // Content-Type application/octet-stream
	fw.Write([]byte("PK\x03\x04 not really a workbook"))
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/workbook-test", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer x")
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: contractOptions}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Fatalf("upload: %v", err)
	}
	// A form without the file part does not match.
	var bad bytes.Buffer
	bw := multipart.NewWriter(&bad)
	bw.WriteField("month", "2026-10")
	bw.Close()
	badReq := httptest.NewRequest(http.MethodPost, "/api/v1/workbook-test", bytes.NewReader(bad.Bytes()))
	badReq.Header.Set("Content-Type", bw.FormDataContentType())
	badReq.Header.Set("Authorization", "Bearer x")
	badIn := &openapi3filter.RequestValidationInput{Request: badReq, PathParams: params, Route: route, Options: contractOptions}
	if err := openapi3filter.ValidateRequest(context.Background(), badIn); err == nil {
		t.Fatal("an upload without its file part validated")
	}

	header := http.Header{}
	header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	header.Set("Content-Disposition", `attachment; filename="appraisal-2026-10.xlsx"`)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200, Header: header,
		Body: io.NopCloser(strings.NewReader("PK\x03\x04...")), Options: contractOptions}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Fatalf("download: %v", err)
	}
}
