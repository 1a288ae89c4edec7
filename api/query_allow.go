package api

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

// Unknown query parameters are refused with 422 naming each of them, as
// unknown JSON fields are: a misspelt filter (?departmnet_id=2) would
// otherwise silently answer the unfiltered list. The parameters a route
// takes are the ones api/openapi.yaml documents for its operation, so the
// document stays the one list of them.

// queryOpen lists the routes that take any query string: the probes, the
// metrics and the document itself, which load balancers and scrapers call.
var queryOpen = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true,
	"GET /openapi.json": true, "GET /openapi.yaml": true,
}

type docParameter struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

// documentedQueries reads, from the document as JSON, the query
// parameters of every operation, keyed "METHOD /path/{param}" (paths as
// the document writes them, relative to /api/v1 or /).
func documentedQueries(doc []byte) (map[string]map[string]bool, error) {
	var d struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]docParameter `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	resolve := func(p docParameter) (docParameter, error) {
		if p.Ref == "" {
			return p, nil
		}
		name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/")
		c, found := d.Components.Parameters[name]
		if !ok || !found {
			return p, fmt.Errorf("openapi.yaml: unresolvable parameter %s", p.Ref)
		}
		return c, nil
	}
	out := map[string]map[string]bool{}
	for path, item := range d.Paths {
		var shared []docParameter
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("openapi.yaml: %s parameters: %w", path, err)
			}
		}
		for method, raw := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
			default:
				continue
			}
			var op struct {
				Parameters []docParameter `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("openapi.yaml: %s %s: %w", method, path, err)
			}
			names := map[string]bool{}
			for _, p := range append(append([]docParameter{}, shared...), op.Parameters...) {
				p, err := resolve(p)
				if err != nil {
					return nil, err
				}
				if p.In == "query" {
					names[p.Name] = true
				}
			}
			out[strings.ToUpper(method)+" "+path] = names
		}
	}
	return out, nil
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_][A-Za-z0-9_]*)`)

// docKey turns a gin route into the document's key for its operation.
func docKey(method, fullPath string) string {
	path := strings.TrimPrefix(fullPath, "/api/v1")
	return method + " " + ginParam.ReplaceAllString(path, "{$1}")
}

// refuseUnknownQuery answers 422 naming every query parameter the route
// does not take; nil when the route takes any (queryOpen) or is not
// documented (TestRoutesMatchOpenAPI keeps that from happening).
func (s *Server) refuseUnknownQuery(method, fullPath string) gin.HandlerFunc {
	key := docKey(method, fullPath)
	allowed, ok := s.queries[key]
	if !ok || queryOpen[key] {
		return nil
	}
	return func(c *gin.Context) {
		var unknown []string
		for name := range c.Request.URL.Query() {
			if !allowed[name] {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) == 0 {
			c.Next()
			return
		}
		sort.Strings(unknown)
		problems := make([]models.FieldProblem, len(unknown))
		for i, name := range unknown {
			problems[i] = models.FieldProblem{Field: name, Message: "unknown query parameter"}
		}
		s.fail(c, models.Invalid(problems...))
	}
}
