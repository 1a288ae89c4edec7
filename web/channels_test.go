package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
	"firstask/webhook"
)

// dingTalkRobot is a local stand-in for a DingTalk custom robot: it checks
// every request's signature the way DingTalk documents it and keeps the
// markdown messages it accepts.
type dingTalkRobot struct {
	t      *testing.T
	secret string
	now    func() time.Time
	mu     sync.Mutex
	msgs   []map[string]any
}

func (d *dingTalkRobot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts := q.Get("timestamp")
	ms, err := strconv.ParseInt(ts, 10, 64)
	m := hmac.New(sha256.New, []byte(d.secret))
	m.Write([]byte(ts + "\n" + d.secret))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	age := d.now().Sub(time.UnixMilli(ms))
	if err != nil || q.Get("sign") != want || q.Get("access_token") != "eng-token" || age > time.Hour || age < -time.Hour {
		d.t.Errorf("bad signature: %s", r.URL.RawQuery)
		io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match"}`)
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["msgtype"] != "markdown" {
		d.t.Errorf("bad body: %v %v", body, err)
	}
	d.mu.Lock()
	d.msgs = append(d.msgs, body)
	d.mu.Unlock()
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (d *dingTalkRobot) messages() []map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]map[string]any(nil), d.msgs...)
}

func mdText(m map[string]any) (title, text string, mobiles []string) {
	md, _ := m["markdown"].(map[string]any)
	title, _ = md["title"].(string)
	text, _ = md["text"].(string)
	at, _ := m["at"].(map[string]any)
	list, _ := at["atMobiles"].([]any)
	for _, v := range list {
		s, _ := v.(string)
		mobiles = append(mobiles, s)
	}
	return title, text, mobiles
}

// TestDingTalkRobotEndToEnd is issue #19's "done when": an admin adds a
// DingTalk robot for 工程维修部 in the web pages; a referral to that
// department produces one message in DingTalk's format with a valid
// signature; a breached clock produces one escalation message mentioning
// the supervisor.
func TestDingTalkRobotEndToEnd(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC) // Thursday 10:00 in Shanghai
	// The pages' sessions count real time: the clock shows it while they
	// are used, and the workday below after.
	clock := storetest.NewClock(time.Now())
	store := storetest.Open(t, models.Options{Now: clock.Now})
	ctx, sys := context.Background(), models.System("t")
	adminNo, _, _, err := store.EnsureAdmin(ctx, "admin-pass-2026")
	if err != nil {
		t.Fatal(err)
	}
	depts := map[string]models.Department{}
	for code, name := range map[string]string{"SVC": "综合服务窗口", "ENG": "工程维修部"} {
		c, n := code, name
		if depts[code], err = store.CreateDepartment(ctx, sys, models.DepartmentInput{Code: &c, Name: &n}); err != nil {
			t.Fatal(err)
		}
	}
	staff := map[string]models.Staff{}
	for _, p := range []struct {
		no, dept, phone string
		role            models.Role
	}{{"C001", "SVC", "", models.RoleStaff}, {"S001", "SVC", "13900003333", models.RoleSupervisor},
		{"E001", "ENG", "13900002222", models.RoleSupervisor}, {"E002", "ENG", "13900001111", models.RoleStaff}} {
		no, pw, role, dept, phone, name := p.no, models.DemoPassword, p.role, depts[p.dept].ID, p.phone, "员工"+p.no
		st, err := store.CreateStaff(ctx, sys, models.StaffInput{EmployeeNo: &no, Name: &name, DepartmentID: &dept, Role: &role, Password: &pw, Phone: &phone})
		if err != nil {
			t.Fatal(err)
		}
		staff[no] = st.Staff
	}
	h, err := New(store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &testEnv{t: t, store: store, h: h, srv: srv, staff: staff}

	robot := &dingTalkRobot{t: t, secret: "SECeng0123456789abcdef", now: clock.Now}
	rs := httptest.NewServer(robot)
	t.Cleanup(rs.Close)

	// Only admins and supervisors see the page.
	clerk := e.signedIn("C001")
	if resp, _ := clerk.get("/channels"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("staff: /channels %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A supervisor cannot add a robot for another department.
	sup := e.signedIn("S001")
	form := url.Values{"kind": {"dingtalk"}, "name": {"工程维修群"}, "url": {rs.URL + "/robot/send?access_token=eng-token"},
		"secret": {robot.secret}, "department_id": {strconv.FormatInt(depts["ENG"].ID, 10)}, "include_sub": {"1"},
		"events": models.RobotEvents}
	if resp, body := sup.post("/channels", form); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "not one of yours") {
		t.Fatalf("supervisor of another department: %d", resp.StatusCode)
	}

	// The admin adds the robot.
	admin := e.client()
	if resp, _ := admin.post("/login", url.Values{"employee_no": {adminNo}, "password": {"admin-pass-2026"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin sign-in: %d", resp.StatusCode)
	}
	if resp, body := admin.get("/channels"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="add-channel"`) {
		t.Fatalf("GET /channels: %d", resp.StatusCode)
	}
	if resp, body := admin.post("/channels", url.Values{"kind": {"dingtalk"}, "name": {"x"}, "url": {"https://example.com/no-token"},
		"events": {"assignment"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "access_token") {
		t.Fatalf("bad robot address: %d", resp.StatusCode)
	}
	if resp, _ := admin.post("/channels", form); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/channels" {
		t.Fatalf("POST /channels: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := admin.get("/channels")
	if !strings.Contains(body, "工程维修群") || !strings.Contains(body, "钉钉自定义机器人") || !strings.Contains(body, "工程维修部") ||
		strings.Contains(body, "eng-token") || strings.Contains(body, robot.secret) {
		t.Fatalf("the list does not show the robot, or shows its credentials:\n%s", body)
	}

	clock.Set(start)
	sender := webhook.New(store, webhook.Options{Now: clock.Now, Targets: webhook.Targets{AllowLoopback: true},
		PublicURL: "https://firstask.example.com"})
	send := func() {
		t.Helper()
		if _, err := sender.RunOnce(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
	}

	// A referral to 工程维修部's E002: one message, signed, in DingTalk's markdown.
	ch, cat, sum, phone, disp, vname, yes := "phone", "repair", "3 号楼电梯故障", "13812345678", "referred", "王先生", true
	eng, fixer := depts["ENG"].ID, staff["E002"].ID
	inq, err := store.CreateInquiry(ctx, models.Actor{StaffID: staff["C001"].ID, Role: models.RoleStaff, DepartmentID: depts["SVC"].ID},
		models.InquiryInput{Channel: &ch, Category: &cat, Summary: &sum, VisitorPhone: &phone, VisitorName: &vname,
			ReadBackConfirmed: &yes, Disposition: &disp, Referral: &models.ReferralInput{ToDepartmentID: &eng, ToStaffID: &fixer}})
	if err != nil {
		t.Fatal(err)
	}
	send()
	msgs := robot.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages after the referral, want 1", len(msgs))
	}
	title, text, mobiles := mdText(msgs[0])
	if !strings.Contains(title, "新移交") || !strings.Contains(text, inq.Ref) || !strings.Contains(text, "138****5678") ||
		strings.Contains(text, "13812345678") || !strings.Contains(text, "今天 ") ||
		!strings.Contains(text, "https://firstask.example.com/inquiries/"+strconv.FormatInt(inq.ID, 10)) ||
		len(mobiles) != 1 || mobiles[0] != "13900001111" {
		t.Fatalf("assignment message: %s\n%s %v", title, text, mobiles)
	}

	// The contact clock runs to the deadline: a reminder first, then the breach.
	var deadline time.Time
	for _, c := range inq.Clocks {
		if c.Kind == models.ClockContact {
			deadline = c.DeadlineAt
		}
	}
	if deadline.IsZero() {
		t.Fatalf("no contact clock: %+v", inq.Clocks)
	}
	for _, at := range []time.Time{deadline.Add(-30 * time.Minute), deadline.Add(35 * time.Minute)} {
		clock.Set(at)
		if _, err := store.ScanSLA(ctx, at); err != nil {
			t.Fatal(err)
		}
		send()
	}
	var escalations []map[string]any
	for _, m := range robot.messages()[1:] {
		if title, _, _ := mdText(m); strings.Contains(title, "超时升级") {
			escalations = append(escalations, m)
		}
	}
	if len(escalations) != 1 {
		t.Fatalf("%d escalation messages, want 1 (all: %v)", len(escalations), robot.messages())
	}
	_, text, mobiles = mdText(escalations[0])
	if !strings.Contains(text, "@13900002222") || !strings.Contains(strings.Join(mobiles, ","), "13900002222") ||
		!strings.Contains(text, "已超时 35 分") || !strings.Contains(text, inq.Ref) || strings.Contains(text, "13812345678") {
		t.Fatalf("escalation message does not mention the supervisor: %s %v", text, mobiles)
	}
}
