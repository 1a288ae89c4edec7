package api

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// exampleCheck is one example of the document and the schema it must
// satisfy.
type exampleCheck struct {
	where    string
	schema   *openapi3.Schema
	value    any
	response bool
}

// collectExamples walks the whole document and returns every example it
// holds: schema examples (and those of nested properties and items),
// parameter examples, and the example(s) of every request and response
// media type, in components and in operations alike.
func collectExamples(doc *openapi3.T) []exampleCheck {
	var out []exampleCheck
	seen := map[*openapi3.Schema]bool{}
	var walkSchema func(where string, ref *openapi3.SchemaRef)
	walkSchema = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Example != nil {
			out = append(out, exampleCheck{where: where + "/example", schema: s, value: s.Example})
		}
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			walkSchema(where+"/properties/"+n, s.Properties[n])
		}
		walkSchema(where+"/items", s.Items)
		if s.AdditionalProperties.Schema != nil {
			walkSchema(where+"/additionalProperties", s.AdditionalProperties.Schema)
		}
		for i, sub := range s.AllOf {
			walkSchema(fmt.Sprintf("%s/allOf/%d", where, i), sub)
		}
		for i, sub := range s.OneOf {
			walkSchema(fmt.Sprintf("%s/oneOf/%d", where, i), sub)
		}
		for i, sub := range s.AnyOf {
			walkSchema(fmt.Sprintf("%s/anyOf/%d", where, i), sub)
		}
	}
	content := func(where string, c openapi3.Content, response bool) {
		for mt, m := range c {
			if m == nil || m.Schema == nil || m.Schema.Value == nil {
				continue
			}
			if m.Example != nil {
				out = append(out, exampleCheck{where: where + "/" + mt + "/example", schema: m.Schema.Value, value: m.Example, response: response})
			}
			for name, ex := range m.Examples {
				if ex != nil && ex.Value != nil && ex.Value.Value != nil {
					out = append(out, exampleCheck{where: where + "/" + mt + "/examples/" + name, schema: m.Schema.Value, value: ex.Value.Value, response: response})
				}
			}
			walkSchema(where+"/"+mt+"/schema", m.Schema)
		}
	}
	param := func(where string, p *openapi3.ParameterRef) {
		if p == nil || p.Value == nil || p.Value.Schema == nil || p.Value.Schema.Value == nil {
			return
		}
		if p.Value.Example != nil {
			out = append(out, exampleCheck{where: where + "/example", schema: p.Value.Schema.Value, value: p.Value.Example})
		}
		walkSchema(where+"/schema", p.Value.Schema)
	}
	for name, s := range doc.Components.Schemas {
		walkSchema("#/components/schemas/"+name, s)
	}
	for name, p := range doc.Components.Parameters {
		param("#/components/parameters/"+name, p)
	}
	for name, rb := range doc.Components.RequestBodies {
		if rb.Value != nil {
			content("#/components/requestBodies/"+name, rb.Value.Content, false)
		}
	}
	for name, r := range doc.Components.Responses {
		if r.Value != nil {
			content("#/components/responses/"+name, r.Value.Content, true)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := "#/paths/" + strings.ReplaceAll(path, "/", "~1") + "/" + strings.ToLower(method)
			for _, p := range op.Parameters {
				param(where+"/parameters/"+p.Value.Name, p)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(where+"/requestBody", op.RequestBody.Value.Content, false)
			}
			for status, r := range op.Responses.Map() {
				if r.Value != nil {
					content(where+"/responses/"+status, r.Value.Content, true)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

// validateExample checks one example against its schema, as a response
// (read-only fields allowed) or as a request (write-only fields allowed).
func validateExample(e exampleCheck) error {
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
	if e.response {
		opts = append(opts, openapi3.VisitAsResponse())
	} else {
		opts = append(opts, openapi3.VisitAsRequest())
	}
	return e.schema.VisitJSON(e.value, opts...)
}

// TestOpenAPIExamplesValidate validates every example the document holds
// against the schema it illustrates, so that an example a reader copies (or
// a client generator turns into a fixture) is one the server would accept
// or send.
func TestOpenAPIExamplesValidate(t *testing.T) {
	doc, _ := mustLoadContract(t)
	examples := collectExamples(doc)
	if len(examples) < 20 {
		t.Fatalf("found only %d examples in api/openapi.yaml; the walk is broken", len(examples))
	}
	for _, e := range examples {
		if err := validateExample(e); err != nil {
			t.Errorf("%s does not match its schema: %v", e.where, err)
		}
	}
	t.Logf("%d examples validated", len(examples))
}

// TestOpenAPIExamplesCatchDrift proves the check fails an example that
// breaks its schema: the error envelope's example without its code.
func TestOpenAPIExamplesCatchDrift(t *testing.T) {
	doc, _ := mustLoadContract(t)
	schema := doc.Components.Schemas["Error"].Value
	bad := exampleCheck{where: "drift", schema: schema, response: true,
		value: map[string]any{"error": map[string]any{"message": "no code"}}}
	if err := validateExample(bad); err == nil {
		t.Fatal("an error envelope without its code validated")
	}
	good := exampleCheck{where: "good", schema: schema, response: true,
		value: map[string]any{"error": map[string]any{"code": "invalid", "message": "m", "details": []any{}}}}
	if err := validateExample(good); err != nil {
		t.Fatalf("a valid error envelope failed: %v", err)
	}
}
