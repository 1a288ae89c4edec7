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
	s.handle(v1, http.MethodGet, "/referral-targets", signedIn, s.listReferralTargets)
	s.handle(v1, http.MethodPatch, "/departments/:id", hrUp, s.updateDepartment)
	s.handle(v1, http.MethodGet, "/staff", supervisorsUp, s.listStaff)
	s.handle(v1, http.MethodPost, "/staff", hrUp, s.createStaff)
	s.handle(v1, http.MethodGet, "/staff/:id", supervisorsUp, s.getStaff)
	s.handle(v1, http.MethodPatch, "/staff/:id", hrUp, s.updateStaff)
	s.handle(v1, http.MethodGet, "/staff/:id/absences", supervisorsUp, s.listAbsences)
	s.handle(v1, http.MethodPost, "/staff/:id/absences", hrUp, s.createAbsence)

	// Workbooks (uploads take the larger upload body limit)
	uploads := s.engine.Group("/api/v1", markUpload, limitUpload(s.opts.MaxUploadBytes))
	s.handle(v1, http.MethodGet, "/periods/:month/results-template.xlsx", supervisorsUp, s.resultsTemplate)
	s.handle(uploads, http.MethodPost, "/periods/:month/results", hrUp, s.uploadResults)
	s.handle(v1, http.MethodGet, "/periods/:month/results/uploads", hrUp, s.listResultUploads)
	s.handle(v1, http.MethodGet, "/staff/import-template.xlsx", hrUp, s.staffImportTemplate)
	s.handle(uploads, http.MethodPost, "/staff/import", hrUp, s.importStaff)
	s.handle(v1, http.MethodGet, "/periods/:month/appraisal.xlsx", supervisorsUp, s.appraisalWorkbook)
	s.handle(v1, http.MethodGet, "/staff/:id/appraisal/:month.xlsx", supervisorsUp, s.staffAppraisal)
	s.handle(v1, http.MethodGet, "/me/appraisal/:month.xlsx", signedIn, s.myAppraisal)
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

	// First-inquiry workflow: inquiries, referrals, SLA clocks (issue 3)
	s.handle(v1, http.MethodGet, "/inquiries", signedIn, s.listInquiries)
	s.handle(v1, http.MethodPost, "/inquiries", signedIn, s.createInquiry)
	s.handle(v1, http.MethodGet, "/inquiries/:id", signedIn, s.getInquiry)
	s.handle(v1, http.MethodPatch, "/inquiries/:id", signedIn, s.updateInquiry)
	s.handle(v1, http.MethodPost, "/inquiries/:id/referrals", signedIn, s.createReferral)
	s.handle(v1, http.MethodPost, "/inquiries/:id/resolve", signedIn, s.resolveInquiry)
	s.handle(v1, http.MethodPost, "/inquiries/:id/feedback", signedIn, s.feedbackInquiry)
	s.handle(v1, http.MethodPost, "/inquiries/:id/close", signedIn, s.closeInquiry)
	s.handle(v1, http.MethodPost, "/inquiries/:id/pause", signedIn, s.pauseInquiry)
	s.handle(v1, http.MethodPost, "/inquiries/:id/resume", signedIn, s.resumeInquiry)
	s.handle(v1, http.MethodPost, "/inquiries/:id/extensions", signedIn, s.requestInquiryExtension)
	s.handle(v1, http.MethodGet, "/referrals", signedIn, s.listReferrals)
	s.handle(v1, http.MethodGet, "/referrals/:id", signedIn, s.getReferral)
	s.handle(v1, http.MethodPost, "/referrals/:id/accept", signedIn, s.acceptReferral)
	s.handle(v1, http.MethodPost, "/referrals/:id/contact", signedIn, s.contactReferral)
	s.handle(v1, http.MethodPost, "/referrals/:id/resolve", signedIn, s.resolveReferral)
	s.handle(v1, http.MethodPost, "/referrals/:id/return", signedIn, s.returnReferral)
	s.handle(v1, http.MethodPost, "/referrals/:id/pause", signedIn, s.pauseReferral)
	s.handle(v1, http.MethodPost, "/referrals/:id/resume", signedIn, s.resumeReferral)
	s.handle(v1, http.MethodPost, "/referrals/:id/extensions", signedIn, s.requestReferralExtension)
	s.handle(v1, http.MethodGet, "/extensions", signedIn, s.listExtensions)
	s.handle(v1, http.MethodPost, "/extensions/:id/approve", supervisorsUp, s.approveExtension)
	s.handle(v1, http.MethodPost, "/extensions/:id/refuse", supervisorsUp, s.refuseExtension)
	s.handle(v1, http.MethodGet, "/calendar", signedIn, s.getCalendar)
	s.handle(v1, http.MethodPut, "/calendar", hrUp, s.putCalendar)
	s.handle(v1, http.MethodPost, "/sla/scan", hrUp, s.scanSLA)
	s.handle(v1, http.MethodGet, "/me/notifications", signedIn, s.listNotifications)
	s.handle(v1, http.MethodPost, "/me/notifications/read", signedIn, s.markNotificationsRead)
	s.handle(v1, http.MethodGet, "/webhooks", adminOnly, s.listWebhooks)
	s.handle(v1, http.MethodPost, "/webhooks", adminOnly, s.createWebhook)
	s.handle(v1, http.MethodDelete, "/webhooks/:id", adminOnly, s.deleteWebhook)
	s.handle(v1, http.MethodGet, "/webhooks/:id/deliveries", adminOnly, s.listWebhookDeliveries)
}
