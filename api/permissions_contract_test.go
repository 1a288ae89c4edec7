package api

import "net/http"

// The contract and operations routes are public: every role (and anyone
// anonymous) reads them.
func init() {
	ok := http.StatusOK
	permissionCases["GET /metrics"] = permCase{build: fixed("/metrics", nil), want: expect(ok, ok, ok, ok)}
	permissionCases["GET /api/v1/openapi.json"] = permCase{build: fixed("/api/v1/openapi.json", nil), want: expect(ok, ok, ok, ok)}
	permissionCases["GET /api/v1/openapi.yaml"] = permCase{build: fixed("/api/v1/openapi.yaml", nil), want: expect(ok, ok, ok, ok)}
}
