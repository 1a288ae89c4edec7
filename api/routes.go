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

	v1 := s.engine.Group("/api/v1", limitBody(s.opts.MaxBodyBytes))

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

	// Conduct records and scoring (issue 4)
	s.handle(v1, http.MethodPost, "/violations", supervisorsUp, s.reportViolation)
	s.handle(v1, http.MethodGet, "/violations", signedIn, s.listViolations)
	s.handle(v1, http.MethodGet, "/violations/:id", signedIn, s.getViolation)
	s.handle(v1, http.MethodPost, "/violations/:id/verify", hrUp, s.verifyViolation)
	s.handle(v1, http.MethodPost, "/violations/:id/dismiss", hrUp, s.dismissViolation)
	s.handle(v1, http.MethodPost, "/violations/:id/appeal", signedIn, s.appealViolation)
	s.handle(v1, http.MethodPost, "/violations/:id/appeal-decision", hrUp, s.decideAppeal)
	s.handle(v1, http.MethodPost, "/praises", supervisorsUp, s.recordPraise)
	s.handle(v1, http.MethodGet, "/praises", supervisorsUp, s.listPraise)
	s.handle(v1, http.MethodGet, "/rules", hrUp, s.getRules)
	s.handle(v1, http.MethodGet, "/rules/versions", hrUp, s.listRuleVersions)
	s.handle(v1, http.MethodPost, "/rules", adminOnly, s.createRules)
	s.handle(v1, http.MethodGet, "/periods", supervisorsUp, s.listPeriods)
	s.handle(v1, http.MethodGet, "/periods/:month", supervisorsUp, s.getPeriod)
	s.handle(v1, http.MethodGet, "/periods/:month/scores", supervisorsUp, s.listPeriodScores)
	s.handle(v1, http.MethodPost, "/periods/:month/close", hrUp, s.closePeriod)
	s.handle(v1, http.MethodGet, "/me/scores", signedIn, s.myScores)
	s.handle(v1, http.MethodGet, "/me/conduct", signedIn, s.myConduct)

	// Audit trail
	s.handle(v1, http.MethodGet, "/audit", hrUp, s.listAudit)
	s.handle(v1, http.MethodGet, "/audit/verify", hrUp, s.verifyAudit)
}
