package api

import (
	"net/http"
	"strings"
	"testing"

	"firstask/models"
)

// TestChannelsScopeAndValidation: supervisors manage robots of their own
// departments only, admins of any; bad input is one 422 naming the field
// and changes nothing; credentials never come back; every change is audited.
func TestChannelsScopeAndValidation(t *testing.T) {
	e := newTestEnv(t)
	a, b := e.depts["A"].ID, e.depts["B"].ID
	robot := func(dept int64) map[string]any {
		return map[string]any{"kind": "dingtalk", "name": "维修群", "department_id": dept, "secret": "SECabc",
			"url": "https://oapi.dingtalk.com/robot/send?access_token=secret-token", "events": []string{"assignment", "escalation"}}
	}
	for f, body := range map[string]map[string]any{
		"kind":          {"kind": "slack", "name": "x", "url": "https://x.example.com/?key=1"},
		"url":           {"kind": "wecom", "name": "x", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"},
		"format":        {"kind": "feishu", "format": "markdown", "name": "x", "url": "https://open.feishu.cn/open-apis/bot/v2/hook/1"},
		"secret":        {"kind": "wecom", "name": "x", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "secret": "s"},
		"events":        {"kind": "wecom", "name": "x", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "events": []string{"everything"}},
		"name":          {"kind": "wecom", "name": "", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"},
		"department_id": {"kind": "wecom", "name": "x", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "department_id": 99999},
	} {
		if d := e.as("admin", "POST", "/api/v1/channels", body).wantError(http.StatusUnprocessableEntity, "invalid"); field(d) != f {
			t.Errorf("%s: %+v", f, d)
		}
	}
	// Supervisor of A: B is not theirs; every department needs an admin.
	e.as("supA", "POST", "/api/v1/channels", robot(b)).wantError(http.StatusForbidden, "forbidden")
	noDept := robot(a)
	delete(noDept, "department_id")
	e.as("supA", "POST", "/api/v1/channels", noDept).wantError(http.StatusForbidden, "forbidden")
	var mine, theirs models.RobotChannel
	r := e.as("supA", "POST", "/api/v1/channels", robot(a)).want(http.StatusCreated)
	r.decode(&mine)
	e.as("admin", "POST", "/api/v1/channels", robot(b)).want(http.StatusCreated).decode(&theirs)
	if strings.Contains(string(r.Body), "secret-token") || strings.Contains(string(r.Body), "SECabc") || !mine.Signed ||
		!mine.IncludeSub || mine.Format != "markdown" || len(mine.Events) != 2 {
		t.Fatalf("created: %s", r.Body)
	}
	var list struct{ Items []models.RobotChannel }
	e.as("supA", "GET", "/api/v1/channels", nil).want(http.StatusOK).decode(&list)
	if len(list.Items) != 1 || list.Items[0].ID != mine.ID {
		t.Fatalf("supA sees %+v", list.Items)
	}
	e.as("admin", "GET", "/api/v1/channels", nil).want(http.StatusOK).decode(&list)
	if len(list.Items) != 2 {
		t.Fatalf("admin sees %+v", list.Items)
	}
	// Generic webhooks and robots are kept apart.
	var hooks struct{ Items []models.Webhook }
	e.as("admin", "GET", "/api/v1/webhooks", nil).want(http.StatusOK).decode(&hooks)
	if len(hooks.Items) != 0 {
		t.Fatalf("robots listed as webhooks: %+v", hooks.Items)
	}
	e.as("admin", "DELETE", "/api/v1/webhooks/"+id(mine.ID), nil).wantError(http.StatusNotFound, "not_found")
	e.as("supA", "DELETE", "/api/v1/channels/"+id(theirs.ID), nil).wantError(http.StatusNotFound, "not_found")
	e.as("supA", "DELETE", "/api/v1/channels/"+id(mine.ID), nil).want(http.StatusNoContent)
	e.as("supA", "DELETE", "/api/v1/channels/"+id(mine.ID), nil).wantError(http.StatusNotFound, "not_found")
	if n := e.auditCount("webhook", mine.ID); n != 2 {
		t.Fatalf("%d audit entries for the robot, want 2", n)
	}
}

// TestStaffPhoneOnlyForHR: a staff member's own phone (the mobile robots
// @-mention) is seen by HR, admins and the person, never by a supervisor.
func TestStaffPhoneOnlyForHR(t *testing.T) {
	e := newTestEnv(t)
	target := e.users["staffA"]
	e.as("hr", "PATCH", "/api/v1/staff/"+id(target.ID), map[string]any{"phone": "13900001111"}).want(http.StatusOK)
	for user, want := range map[string]string{"hr": "13900001111", "admin": "13900001111", "supA": ""} {
		var st models.Staff
		e.as(user, "GET", "/api/v1/staff/"+id(target.ID), nil).want(http.StatusOK).decode(&st)
		if st.Phone != want {
			t.Errorf("%s sees phone %q, want %q", user, st.Phone, want)
		}
		var page struct{ Items []models.Staff }
		e.as(user, "GET", "/api/v1/staff?department_id="+id(e.depts["A"].ID), nil).want(http.StatusOK).decode(&page)
		for _, s := range page.Items {
			if s.ID == target.ID && s.Phone != want {
				t.Errorf("%s sees phone %q in the list, want %q", user, s.Phone, want)
			}
		}
	}
	var me struct{ Phone string }
	e.as("staffA", "GET", "/api/v1/me", nil).want(http.StatusOK).decode(&me)
	if me.Phone != "13900001111" {
		t.Errorf("staffA's own phone: %q", me.Phone)
	}
}
