package scoring

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// ParseRuleSet decodes a rule set document strictly and validates it, returning every problem sorted by path.
//
// Strict means: valid JSON holding one object; no unknown keys (reported at
// their path, e.g. "sla.foo"); every field present (a missing one is reported
// once, not again by Validate for its zero value); every value of the right
// JSON type. Map keys such as "points.foo" are not structure but content,
// so Validate reports unknown ones. The RuleSet returned is usable only when
// the error list is empty.
func ParseRuleSet(data []byte) (RuleSet, []FieldError) {
	doc, ferr := decodeDocument(data)
	if ferr != nil {
		return RuleSet{}, []FieldError{*ferr}
	}
	var sc shapeChecker
	sc.check(doc, reflect.TypeFor[RuleSet](), "")
	if sc.wrongType {
		return RuleSet{}, sortByPath(sc.errs)
	}

	var r RuleSet
	dec := json.NewDecoder(bytes.NewReader(data))
	if len(sc.errs) == 0 {
		// The shape check has already named any unknown key with its path;
		// decoding strictly again guards against the two ever disagreeing.
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(&r); err != nil {
		return RuleSet{}, []FieldError{{Message: "invalid rule set: " + err.Error()}}
	}

	errs := sc.errs
	for _, e := range r.Validate() {
		if !sc.isUnderMissing(e.Path) {
			errs = append(errs, e)
		}
	}
	return r, sortByPath(errs)
}

// decodeDocument reads data as exactly one JSON value, keeping numbers as json.Number.
func decodeDocument(data []byte) (any, *FieldError) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FieldError{Message: "empty document: want a JSON object"}
		}
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, &FieldError{Message: fmt.Sprintf("invalid JSON at byte %d: %v", syn.Offset, err)}
		}
		return nil, &FieldError{Message: "invalid JSON: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &FieldError{Message: "unexpected data after the JSON object"}
	}
	return doc, nil
}

// sortByPath orders errors by path, keeping the order of discovery within one path.
func sortByPath(errs []FieldError) []FieldError {
	slices.SortStableFunc(errs, func(a, b FieldError) int { return strings.Compare(a.Path, b.Path) })
	return errs
}

// shapeChecker compares a generic JSON value with the Go type it will be decoded into.
type shapeChecker struct {
	errs      []FieldError
	missing   []string
	wrongType bool
}

func (c *shapeChecker) typeError(path, want string, got any) {
	c.wrongType = true
	c.errs = append(c.errs, FieldError{Path: path, Message: fmt.Sprintf("must be %s, not %s", want, jsonKind(got))})
}

// check walks v against t: structs are objects with every field required and no other key,
// maps are objects with any keys, slices are arrays, and numbers and strings must match.
func (c *shapeChecker) check(v any, t reflect.Type, path string) {
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			c.typeError(path, "an object", v)
			return
		}
		known := make(map[string]bool, t.NumField())
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			known[name] = true
			fpath := keyPath(path, name)
			fv, present := obj[name]
			if !present {
				c.missing = append(c.missing, fpath)
				c.errs = append(c.errs, FieldError{Path: fpath, Message: "required field is missing"})
				continue
			}
			c.check(fv, f.Type, fpath)
		}
		for key := range obj {
			if !known[key] {
				c.errs = append(c.errs, FieldError{Path: keyPath(path, key), Message: "unknown field"})
			}
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			c.typeError(path, "an object", v)
			return
		}
		for key, ev := range obj {
			c.check(ev, t.Elem(), keyPath(path, key))
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			c.typeError(path, "an array", v)
			return
		}
		for i, ev := range arr {
			c.check(ev, t.Elem(), indexPath(path, i))
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			c.typeError(path, "a string", v)
		}
	case reflect.Float64, reflect.Float32:
		n, ok := v.(json.Number)
		if !ok {
			c.typeError(path, "a number", v)
			return
		}
		if _, err := n.Float64(); err != nil {
			c.typeError(path, "a number in range", v)
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			c.typeError(path, "a whole number", v)
			return
		}
		if _, err := n.Int64(); err != nil {
			c.typeError(path, "a whole number", v)
		}
	}
}

// isUnderMissing reports whether path is a field reported missing, or lies inside one.
func (c *shapeChecker) isUnderMissing(path string) bool {
	for _, m := range c.missing {
		if path == m || strings.HasPrefix(path, m+".") || strings.HasPrefix(path, m+"[") {
			return true
		}
	}
	return false
}

// jsonKind names the JSON type of a generic value for error messages.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "the number " + x.String()
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
