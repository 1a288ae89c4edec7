package api

import (
	"net/http"
)

// registerRoutes lists every route of the API with who may call it, so the
// whole surface can be read here at a glance.
func (s *Server) registerRoutes() {
	root := s.engine.Group("/")
	s.handle(root, http.MethodGet, "/healthz", public, s.healthz)
	s.handle(root, http.MethodGet, "/readyz", public, s.readyz)
	// Public on the listen address like the probes; keep it off the public
	// reverse proxy (docs/deploy.md).
	s.handle(root, http.MethodGet, "/metrics", public, s.serveMetrics)

	v1 := s.engine.Group("/api/v1", limitBody(s.opts.MaxBodyBytes))

	// The contract (api/openapi.yaml)
	s.handle(v1, http.MethodGet, "/openapi.json", public, s.serveOpenAPIJSON)
	s.handle(v1, http.MethodGet, "/openapi.yaml", public, s.serveOpenAPIYAML)

	// Accounts
	s.handle(v1, http.MethodPost, "/auth/login", public, s.login)
	s.handle(v1, http.MethodPost, "/auth/logout", signedIn, s.logout)
	s.handle(v1, http.MethodGet, "/me", signedIn, s.me)
	s.handle(v1, http.MethodPost, "/me/password", signedIn, s.changePassword)

	// Organisation
	s.handle(v1, http.MethodGet, "/departments", signedIn, s.listDepartments)
	s.handle(v1, http.MethodPost, "/departments", hrUp, s.createDepartment)
	s.handle(v1, http.MethodPatch, "/departments/:id", hrUp, s.updateDepartment)
	s.handle(v1, http.MethodGet, "/staff", supervisorsUp, s.listStaff)
	s.handle(v1, http.MethodPost, "/staff", hrUp, s.createStaff)
	s.handle(v1, http.MethodGet, "/staff/:id", supervisorsUp, s.getStaff)
	s.handle(v1, http.MethodPatch, "/staff/:id", hrUp, s.updateStaff)
	s.handle(v1, http.MethodGet, "/staff/:id/absences", supervisorsUp, s.listAbsences)
	s.handle(v1, http.MethodPost, "/staff/:id/absences", hrUp, s.createAbsence)

	// Workbooks (uploads take the larger upload body limit)
	uploads := s.engine.Group("/api/v1", limitBody(s.opts.MaxUploadBytes))
	s.handle(v1, http.MethodGet, "/periods/:month/results-template.xlsx", supervisorsUp, s.resultsTemplate)
	s.handle(uploads, http.MethodPost, "/periods/:month/results", hrUp, s.uploadResults)
	s.handle(v1, http.MethodGet, "/periods/:month/results/uploads", hrUp, s.listResultUploads)
	s.handle(v1, http.MethodGet, "/staff/import-template.xlsx", hrUp, s.staffImportTemplate)
	s.handle(uploads, http.MethodPost, "/staff/import", hrUp, s.importStaff)

	// Audit trail
	s.handle(v1, http.MethodGet, "/audit", hrUp, s.listAudit)
	s.handle(v1, http.MethodGet, "/audit/verify", hrUp, s.verifyAudit)
}
