package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newJSONRequest(t testing.TB, method, path string, body any) *http.Request {
	t.Helper()
	var raw []byte
	if body != nil {
		raw = []byte(mustJSON(t, body))
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readerNoLength hides the length of a body, as a chunked upload would.
func readerNoLength(s string) io.ReadCloser {
	return io.NopCloser(io.MultiReader(strings.NewReader(s)))
}
