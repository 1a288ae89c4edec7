package api

import (
	"context"
	"net/http"

	"firstask/models"
)

// The workflow's routes in the permission matrix. Each build creates the
// inquiry, referral or request the call consumes, so that every role acts
// on a fresh one.
func init() {
	ok, created, noContent := http.StatusOK, http.StatusCreated, http.StatusNoContent
	forbidden, notFound := http.StatusForbidden, http.StatusNotFound
	add := func(key string, pc permCase) { permissionCases[key] = pc }
	inquiryPath := func(user, suffix string, prepare func(e *testEnv, inq models.InquiryDetail)) func(*testEnv, string) (string, any) {
		return func(e *testEnv, role string) (string, any) {
			inq := e.mkInquiry(user, nil)
			if prepare != nil {
				prepare(e, inq)
			}
			return "/api/v1/inquiries/" + id(inq.ID) + suffix, nil
		}
	}
	withBody := func(build func(*testEnv, string) (string, any), body any) func(*testEnv, string) (string, any) {
		return func(e *testEnv, role string) (string, any) {
			p, _ := build(e, role)
			return p, body
		}
	}
	resolve := func(e *testEnv, inq models.InquiryDetail) {
		e.as("staffA", "POST", "/api/v1/inquiries/"+id(inq.ID)+"/resolve", map[string]any{"resolution": "已答复"}).want(ok)
	}

	add("GET /api/v1/inquiries", permCase{build: fixed("/api/v1/inquiries", nil), want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/inquiries", permCase{build: fixed("/api/v1/inquiries", inquiryBody(nil)), want: expect(created, created, created, created)})
	// Someone else's inquiry (staffB, department B): 404 outside scope.
	add("GET /api/v1/inquiries/:id", permCase{build: inquiryPath("staffB", "", nil), want: expect(notFound, notFound, ok, ok)})
	add("PATCH /api/v1/inquiries/:id", permCase{
		build: withBody(inquiryPath("staffA", "", nil), map[string]any{"visitor_org": "3 号楼"}),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/inquiries/:id/referrals", permCase{
		build: func(e *testEnv, role string) (string, any) {
			p, _ := inquiryPath("staffA", "/referrals", nil)(e, role)
			return p, map[string]any{"to_department_id": e.depts["B"].ID}
		},
		want: expect(created, created, created, created)})
	add("POST /api/v1/inquiries/:id/resolve", permCase{
		build: withBody(inquiryPath("staffA", "/resolve", nil), map[string]any{"resolution": "当场答复"}),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/inquiries/:id/feedback", permCase{
		build: withBody(inquiryPath("staffA", "/feedback", resolve), map[string]any{"satisfaction": "satisfied"}),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/inquiries/:id/close", permCase{
		build: inquiryPath("staffA", "/close", func(e *testEnv, inq models.InquiryDetail) {
			resolve(e, inq)
			e.as("staffA", "POST", "/api/v1/inquiries/"+id(inq.ID)+"/feedback", map[string]any{"satisfaction": "basically_satisfied"}).want(ok)
		}),
		want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/inquiries/:id/pause", permCase{
		build: withBody(inquiryPath("staffA", "/pause", nil), map[string]any{"reason": "来访人补交材料"}),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/inquiries/:id/resume", permCase{
		build: inquiryPath("staffA", "/resume", func(e *testEnv, inq models.InquiryDetail) {
			e.as("staffA", "POST", "/api/v1/inquiries/"+id(inq.ID)+"/pause", map[string]any{"reason": "等待来访人"}).want(ok)
		}),
		want: expect(ok, ok, ok, ok)})
	// Only the clock's owner (the first responder) asks for more time.
	add("POST /api/v1/inquiries/:id/extensions", permCase{
		build: withBody(inquiryPath("staffA", "/extensions", nil),
			map[string]any{"clock": "handover", "reason": "需向领导请示", "new_deadline": "2026-10-15T17:00:00+08:00"}),
		want: expect(created, forbidden, forbidden, forbidden)})

	referralPath := func(make func(e *testEnv, role string) models.Referral, suffix string, body any) func(*testEnv, string) (string, any) {
		return func(e *testEnv, role string) (string, any) {
			return "/api/v1/referrals/" + id(make(e, role).ID) + suffix, body
		}
	}
	toCaller := func(steps ...string) func(e *testEnv, role string) models.Referral {
		return func(e *testEnv, role string) models.Referral {
			r := e.referralTo(role)
			who := role
			if who == "" {
				who = "staffA"
			}
			for _, s := range steps {
				r = e.step(who, r, s, map[string]any{})
			}
			return r
		}
	}
	add("GET /api/v1/referrals", permCase{build: fixed("/api/v1/referrals?assignee=me", nil), want: expect(ok, ok, ok, ok)})
	add("GET /api/v1/referrals/:id", permCase{
		build: referralPath(func(e *testEnv, _ string) models.Referral { return e.mkReferral("staffB", "B", "") }, "", nil),
		want:  expect(notFound, notFound, ok, ok)})
	// A queue of department A: its members and supervisor act; HR and
	// admin see it but do not work it.
	add("POST /api/v1/referrals/:id/accept", permCase{
		build: referralPath(func(e *testEnv, _ string) models.Referral { return e.mkReferral("staffB", "A", "") }, "/accept", nil),
		want:  expect(ok, ok, forbidden, forbidden)})
	add("POST /api/v1/referrals/:id/contact", permCase{
		build: referralPath(toCaller("accept"), "/contact", map[string]any{"note": "已电话联系"}),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/referrals/:id/resolve", permCase{
		build: referralPath(toCaller("accept", "contact"), "/resolve", map[string]any{"resolution": "已修复"}),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/referrals/:id/return", permCase{
		build: referralPath(toCaller(), "/return", map[string]any{"reason": "不属本部门职责"}),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/referrals/:id/pause", permCase{
		build: referralPath(toCaller(), "/pause", map[string]any{"reason": "来访人电话无人接听"}),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/referrals/:id/resume", permCase{
		build: referralPath(func(e *testEnv, role string) models.Referral {
			r := toCaller()(e, role)
			who := map[bool]string{true: "staffA", false: role}[role == ""]
			return e.step(who, r, "pause", map[string]any{"reason": "等待材料"})
		}, "/resume", nil),
		want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/referrals/:id/extensions", permCase{
		build: referralPath(toCaller(), "/extensions", map[string]any{"reason": "需现场勘查", "new_deadline": "2026-10-15T17:30:00+08:00"}),
		want:  expect(created, created, created, created)})

	// staffA1's request on a referral to A1: supervisors over A1 and HR decide.
	extensionPath := func(suffix string) func(*testEnv, string) (string, any) {
		return func(e *testEnv, role string) (string, any) {
			r := e.mkReferral("staffB", "", "staffA1")
			var ext models.Extension
			e.as("staffA1", "POST", "/api/v1/referrals/"+id(r.ID)+"/extensions",
				map[string]any{"reason": "需协调维修班组", "new_deadline": "2026-10-16T12:00:00+08:00"}).want(created).decode(&ext)
			return "/api/v1/extensions/" + id(ext.ID) + suffix, map[string]any{"note": "同意"}
		}
	}
	add("GET /api/v1/extensions", permCase{build: fixed("/api/v1/extensions?status=pending", nil), want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/extensions/:id/approve", permCase{build: extensionPath("/approve"), want: expect(forbidden, ok, ok, ok)})
	add("POST /api/v1/extensions/:id/refuse", permCase{build: extensionPath("/refuse"), want: expect(forbidden, ok, ok, ok)})

	add("GET /api/v1/calendar", permCase{build: fixed("/api/v1/calendar", nil), want: expect(ok, ok, ok, ok)})
	add("PUT /api/v1/calendar", permCase{
		build: fixed("/api/v1/calendar", map[string]any{"zone": "Asia/Shanghai", "day_start": "09:00", "day_end": "18:00",
			"weekdays": []int{1, 2, 3, 4, 5}, "holidays": []string{"2026-10-01"}, "makeup_workdays": []string{"2026-10-10"}}),
		want: expect(forbidden, forbidden, ok, ok)})
	add("POST /api/v1/sla/scan", permCase{build: fixed("/api/v1/sla/scan", nil), want: expect(forbidden, forbidden, ok, ok)})

	add("GET /api/v1/me/notifications", permCase{build: fixed("/api/v1/me/notifications?unread=true", nil), want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/me/notifications/read", permCase{build: fixed("/api/v1/me/notifications/read", map[string]any{}), want: expect(ok, ok, ok, ok)})

	add("GET /api/v1/webhooks", permCase{build: fixed("/api/v1/webhooks", nil), want: expect(forbidden, forbidden, forbidden, ok)})
	add("POST /api/v1/webhooks", permCase{
		build: fixed("/api/v1/webhooks", map[string]any{"url": "https://hooks.example.com/firstask", "secret": "0123456789abcdef"}),
		want:  expect(forbidden, forbidden, forbidden, created)})
	webhookPath := func(suffix string) func(*testEnv, string) (string, any) {
		return func(e *testEnv, role string) (string, any) {
			w, err := e.store.CreateWebhook(context.Background(), models.System("t"), models.WebhookInput{URL: "https://hooks.example.com/" + role})
			if err != nil {
				e.t.Fatal(err)
			}
			return "/api/v1/webhooks/" + id(w.ID) + suffix, nil
		}
	}
	add("DELETE /api/v1/webhooks/:id", permCase{build: webhookPath(""), want: expect(forbidden, forbidden, forbidden, noContent)})
	add("GET /api/v1/webhooks/:id/deliveries", permCase{build: webhookPath("/deliveries"), want: expect(forbidden, forbidden, forbidden, ok)})
}

// Group robots: admins for every department, supervisors for their own
// (supA's department A); HR and staff are refused. A robot of department
// B is outside supA's scope: 404.
func init() {
	ok, created, noContent := http.StatusOK, http.StatusCreated, http.StatusNoContent
	forbidden, notFound := http.StatusForbidden, http.StatusNotFound
	add := func(key string, pc permCase) { permissionCases[key] = pc }
	add("GET /api/v1/channels", permCase{build: fixed("/api/v1/channels", nil), want: expect(forbidden, ok, forbidden, ok)})
	add("POST /api/v1/channels", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/channels", map[string]any{"kind": "dingtalk", "name": "工程群", "department_id": e.depts["A"].ID,
				"url": "https://oapi.dingtalk.com/robot/send?access_token=" + role}
		},
		want: expect(forbidden, created, forbidden, created)})
	channelPath := func(dept, suffix string) func(*testEnv, string) (string, any) {
		return func(e *testEnv, role string) (string, any) {
			d := e.depts[dept].ID
			ch, err := e.store.CreateChannel(context.Background(), models.System("t"), models.RobotChannelInput{Kind: "feishu", Name: "群",
				URL: "https://open.feishu.cn/open-apis/bot/v2/hook/" + role, DepartmentID: &d})
			if err != nil {
				e.t.Fatal(err)
			}
			return "/api/v1/channels/" + id(ch.ID) + suffix, nil
		}
	}
	add("DELETE /api/v1/channels/:id", permCase{build: channelPath("A", ""), want: expect(forbidden, noContent, forbidden, noContent)})
	add("GET /api/v1/channels/:id/deliveries", permCase{build: channelPath("B", "/deliveries"), want: expect(forbidden, notFound, forbidden, ok)})
}
