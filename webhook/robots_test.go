package webhook

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
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
)

// robotReceiver stands in for a WeCom, DingTalk or Feishu robot: it keeps
// every request and answers the way the platform does (HTTP 200 and an
// error code in the body).
type robotReceiver struct {
	mu     sync.Mutex
	reqs   []robotRequest
	answer string // the body answered; default the platform's success
	server *httptest.Server
}

type robotRequest struct {
	Path, RawQuery string
	Query          url.Values
	ContentType    string
	Body           map[string]any
	Raw            []byte
}

func newRobotReceiver(t *testing.T, answer string) *robotReceiver {
	r := &robotReceiver{answer: answer}
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		raw, _ := io.ReadAll(req.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("robot got a body that is not JSON: %s", raw)
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, robotRequest{Path: req.URL.Path, RawQuery: req.URL.RawQuery, Query: req.URL.Query(),
			ContentType: req.Header.Get("Content-Type"), Body: body, Raw: raw})
		ans := r.answer
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, ans)
	}))
	t.Cleanup(r.server.Close)
	return r
}

func (r *robotReceiver) got() []robotRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]robotRequest(nil), r.reqs...)
}

// path walks a decoded JSON body: path(b, "markdown", "text").
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any, keys ...string) string { s, _ := path(v, keys...).(string); return s }

// robotOrg is org() with phones: the visitor's, the assignee's and the
// supervisor's mobile numbers, and a store whose clock the test moves.
func robotOrg(t *testing.T, start time.Time) (*models.Store, *storetest.Clock, map[string]models.Staff, map[string]models.Department) {
	clock := storetest.NewClock(start)
	s, staff, depts := org(t, clock)
	for no, phone := range map[string]string{"fixer": "13900001111", "boss": "13900002222"} {
		p := phone
		st, err := s.UpdateStaff(context.Background(), models.System("t"), staff[no].ID, models.StaffInput{Phone: &p})
		if err != nil {
			t.Fatal(err)
		}
		staff[no] = st
	}
	return s, clock, staff, depts
}

// referToFixer registers a complaint referred to the ENG department's
// fixer; the visitor's phone is 13812345678.
func referToFixer(t *testing.T, s *models.Store, staff map[string]models.Staff, depts map[string]models.Department) models.InquiryDetail {
	t.Helper()
	ch, cat, sum, phone, disp := "phone", "complaint", "3 号楼电梯故障", "13812345678", "referred"
	name, yes := "王先生", true
	eng, fixer := depts["ENG"].ID, staff["fixer"].ID
	inq, err := s.CreateInquiry(context.Background(), actorOf(staff["clerk"]), models.InquiryInput{Channel: &ch, Category: &cat, Summary: &sum,
		VisitorPhone: &phone, VisitorName: &name, ReadBackConfirmed: &yes, Disposition: &disp,
		Referral: &models.ReferralInput{ToDepartmentID: &eng, ToStaffID: &fixer}})
	if err != nil {
		t.Fatal(err)
	}
	return inq
}

func addRobot(t *testing.T, s *models.Store, in models.RobotChannelInput) models.RobotChannel {
	t.Helper()
	ch, err := s.CreateChannel(context.Background(), models.System("t"), in)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// dingTalkSignOK recomputes a DingTalk signature as its documentation
// describes, independently of DingTalkSign: HmacSHA256 keyed with the
// secret over timestamp + "\n" + secret, Base64, then URL-encoded in the
// query; the timestamp (ms) within an hour of now.
func dingTalkSignOK(t *testing.T, r robotRequest, secret string, now time.Time) {
	t.Helper()
	ts := r.Query.Get("timestamp")
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(ts) != 13 {
		t.Fatalf("timestamp %q is not milliseconds", ts)
	}
	if d := now.Sub(time.UnixMilli(ms)); d > time.Hour || d < -time.Hour {
		t.Fatalf("timestamp %s is %s from now", ts, d)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "\n" + secret))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if r.Query.Get("sign") != want {
		t.Fatalf("sign %q, want %q", r.Query.Get("sign"), want)
	}
	if !strings.Contains(r.RawQuery, "sign="+url.QueryEscape(want)) {
		t.Fatalf("sign not URL-encoded in %q", r.RawQuery)
	}
	if r.Query.Get("access_token") == "" {
		t.Fatalf("access_token lost: %q", r.RawQuery)
	}
}

// feishuSignOK recomputes a Feishu signature as documented: HmacSHA256
// keyed with timestamp + "\n" + secret over nothing, Base64; timestamp in
// seconds, both in the body.
func feishuSignOK(t *testing.T, r robotRequest, secret string, now time.Time) {
	t.Helper()
	ts := str(r.Body, "timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(ts) != 10 {
		t.Fatalf("timestamp %q is not seconds", ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > time.Hour || d < -time.Hour {
		t.Fatalf("timestamp %s is %s from now", ts, d)
	}
	m := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	if want := base64.StdEncoding.EncodeToString(m.Sum(nil)); str(r.Body, "sign") != want {
		t.Fatalf("sign %q, want %q", str(r.Body, "sign"), want)
	}
}

var spokenRE = regexp.MustCompile(`(今天|明天|后天) \d\d:\d\d 前`)

// checkText checks what every message must say: the reference, the
// visitor's masked phone and never the full one, the deadline as people
// say it, the link.
func checkText(t *testing.T, text, ref, link string) {
	t.Helper()
	for _, want := range []string{ref, "138****5678", link} {
		if !strings.Contains(text, want) {
			t.Errorf("message lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "13812345678") {
		t.Errorf("message shows the visitor's full phone:\n%s", text)
	}
	if !spokenRE.MatchString(text) {
		t.Errorf("message has no spoken deadline:\n%s", text)
	}
}

// TestRobotPayloads: a referral to ENG reaches one robot of each kind and
// format as exactly the request its platform documents.
func TestRobotPayloads(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC) // Thursday 10:00 in Shanghai
	s, clock, staff, depts := robotOrg(t, start)
	ctx := context.Background()
	eng := depts["ENG"].ID
	const dingSecret, feishuSecret = "SEC0123456789abcdef0123456789abcdef", "feishu-secret-xyz"
	wecom := newRobotReceiver(t, `{"errcode":0,"errmsg":"ok"}`)
	dingMD := newRobotReceiver(t, `{"errcode":0,"errmsg":"ok"}`)
	dingCard := newRobotReceiver(t, `{"errcode":0,"errmsg":"ok"}`)
	feiCard := newRobotReceiver(t, `{"code":0,"msg":"success","data":{}}`)
	feiPost := newRobotReceiver(t, `{"code":0,"msg":"success","data":{}}`)
	addRobot(t, s, models.RobotChannelInput{Kind: "wecom", Name: "企微", URL: wecom.server.URL + "/cgi-bin/webhook/send?key=k-1", DepartmentID: &eng})
	addRobot(t, s, models.RobotChannelInput{Kind: "dingtalk", Name: "钉钉", URL: dingMD.server.URL + "/robot/send?access_token=tok", Secret: dingSecret, DepartmentID: &eng})
	addRobot(t, s, models.RobotChannelInput{Kind: "dingtalk", Format: "actionCard", Name: "钉钉卡片", URL: dingCard.server.URL + "/robot/send?access_token=tok2", Secret: dingSecret, DepartmentID: &eng})
	addRobot(t, s, models.RobotChannelInput{Kind: "feishu", Name: "飞书", URL: feiCard.server.URL + "/open-apis/bot/v2/hook/abc", Secret: feishuSecret, DepartmentID: &eng})
	addRobot(t, s, models.RobotChannelInput{Kind: "feishu", Format: "post", Name: "飞书富文本", URL: feiPost.server.URL + "/open-apis/bot/v2/hook/def", DepartmentID: &eng})
	inq := referToFixer(t, s, staff, depts)
	link := "https://firstask.example.com/inquiries/" + strconv.FormatInt(inq.ID, 10)
	sender := New(s, Options{Now: clock.Now, Targets: loopbackOK, PublicURL: "https://firstask.example.com/"})
	if _, err := sender.RunOnce(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	for name, rc := range map[string]*robotReceiver{"wecom": wecom, "dingtalk": dingMD, "actionCard": dingCard, "feishu": feiCard, "post": feiPost} {
		if n := len(rc.got()); n != 1 {
			t.Fatalf("%s robot got %d requests, want 1", name, n)
		}
		if ct := rc.got()[0].ContentType; !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
	}

	// WeCom: {"msgtype":"markdown","markdown":{"content":…}} ≤ 4096 bytes.
	w := wecom.got()[0]
	if str(w.Body, "msgtype") != "markdown" || w.Query.Get("key") != "k-1" || len(w.Body) != 2 {
		t.Fatalf("wecom body %s", w.Raw)
	}
	content := str(w.Body, "markdown", "content")
	if len(content) > 4096 {
		t.Fatalf("wecom content %d bytes", len(content))
	}
	checkText(t, content, inq.Ref, link)

	// DingTalk markdown: title, text, at.atMobiles with the assignee, "@<mobile>" in the text, signed.
	d := dingMD.got()[0]
	dingTalkSignOK(t, d, dingSecret, clock.Now())
	if str(d.Body, "msgtype") != "markdown" || str(d.Body, "markdown", "title") == "" {
		t.Fatalf("dingtalk body %s", d.Raw)
	}
	checkText(t, str(d.Body, "markdown", "text"), inq.Ref, link)
	mobiles, _ := path(d.Body, "at", "atMobiles").([]any)
	if len(mobiles) != 1 || mobiles[0] != "13900001111" || path(d.Body, "at", "isAtAll") != false ||
		!strings.Contains(str(d.Body, "markdown", "text"), "@13900001111") {
		t.Fatalf("dingtalk mention: %s", d.Raw)
	}

	// DingTalk actionCard: title, text, one button to the page.
	c := dingCard.got()[0]
	dingTalkSignOK(t, c, dingSecret, clock.Now())
	if str(c.Body, "msgtype") != "actionCard" || str(c.Body, "actionCard", "singleURL") != link ||
		str(c.Body, "actionCard", "singleTitle") == "" || str(c.Body, "actionCard", "title") == "" {
		t.Fatalf("actionCard body %s", c.Raw)
	}
	if strings.Contains(str(c.Body, "actionCard", "text"), "查看详情") {
		t.Errorf("actionCard repeats its button in the text: %s", c.Raw)
	}
	checkText(t, str(c.Body, "actionCard", "text")+"\n"+str(c.Body, "actionCard", "singleURL"), inq.Ref, link)

	// Feishu interactive: timestamp and sign in the body, a card with a header and a lark_md div.
	f := feiCard.got()[0]
	feishuSignOK(t, f, feishuSecret, clock.Now())
	if str(f.Body, "msg_type") != "interactive" || str(f.Body, "card", "header", "title", "tag") != "plain_text" {
		t.Fatalf("feishu body %s", f.Raw)
	}
	elements, _ := path(f.Body, "card", "elements").([]any)
	if len(elements) == 0 || str(elements[0], "tag") != "div" || str(elements[0], "text", "tag") != "lark_md" {
		t.Fatalf("feishu card %s", f.Raw)
	}
	checkText(t, str(elements[0], "text", "content"), inq.Ref, link)
	if len(f.Raw) > FeishuMaxBody {
		t.Fatalf("feishu body %d bytes", len(f.Raw))
	}

	// Feishu post without a secret: no timestamp or sign; content.post.zh_cn with text rows and a link.
	p := feiPost.got()[0]
	if _, ok := p.Body["sign"]; ok || str(p.Body, "msg_type") != "post" {
		t.Fatalf("feishu post body %s", p.Raw)
	}
	rows, _ := path(p.Body, "content", "post", "zh_cn", "content").([]any)
	var text []string
	hasLink := false
	for _, row := range rows {
		for _, el := range row.([]any) {
			switch str(el, "tag") {
			case "text":
				text = append(text, str(el, "text"))
			case "a":
				hasLink = str(el, "href") == link
			}
		}
	}
	if str(p.Body, "content", "post", "zh_cn", "title") == "" || !hasLink {
		t.Fatalf("feishu post %s", p.Raw)
	}
	checkText(t, strings.Join(text, "\n")+"\n"+link, inq.Ref, link)

	// Every robot's log says delivered.
	chans, _ := s.ListChannels(ctx, models.System("t"))
	for _, ch := range chans {
		log, total, err := s.ListChannelDeliveries(ctx, models.System("t"), ch.ID, models.Page{Number: 1, Size: 10})
		if err != nil || total != 1 || log[0].StatusCode != 200 || log[0].Error != "" {
			t.Fatalf("%s log %+v %v", ch.Name, log, err)
		}
	}
}

// TestRobotErrorCodeIsAFailure: HTTP 200 with a non-zero errcode (DingTalk's
// "sign not match") or code (Feishu) is logged as a failure and retried.
func TestRobotErrorCodeIsAFailure(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	s, clock, staff, depts := robotOrg(t, start)
	ctx := context.Background()
	eng := depts["ENG"].ID
	ding := newRobotReceiver(t, `{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}`)
	fei := newRobotReceiver(t, `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`)
	dc := addRobot(t, s, models.RobotChannelInput{Kind: "dingtalk", Name: "钉钉", URL: ding.server.URL + "/robot/send?access_token=t", Secret: "SECwrong", DepartmentID: &eng})
	fc := addRobot(t, s, models.RobotChannelInput{Kind: "feishu", Name: "飞书", URL: fei.server.URL + "/open-apis/bot/v2/hook/x", Secret: "wrong", DepartmentID: &eng})
	referToFixer(t, s, staff, depts)
	var outcomes []string
	sender := New(s, Options{Now: clock.Now, Targets: loopbackOK, BaseBackoff: time.Minute, Observe: func(o string) { outcomes = append(outcomes, o) }})
	if _, err := sender.RunOnce(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{dc.ID: "robot answered error 310000: sign not match", fc.ID: "robot answered error 19021: sign match fail"} {
		log, total, err := s.ListChannelDeliveries(ctx, models.System("t"), id, models.Page{Number: 1, Size: 10})
		if err != nil || total != 1 || log[0].StatusCode != 200 || !strings.HasPrefix(log[0].Error, want) {
			t.Fatalf("log %+v %v, want %q", log, err, want)
		}
	}
	if len(outcomes) != 2 || outcomes[0] != "failed" || outcomes[1] != "failed" {
		t.Fatalf("outcomes %v", outcomes)
	}
	// Retried after the backoff.
	clock.Advance(time.Minute)
	if n, err := sender.RunOnce(ctx, clock.Now()); err != nil || n != 2 {
		t.Fatalf("retry round: %d, %v", n, err)
	}
	if len(ding.got()) != 2 || len(fei.got()) != 2 {
		t.Fatalf("retries: dingtalk %d, feishu %d", len(ding.got()), len(fei.got()))
	}
}

// TestRobotRateLimitMergesInsteadOfDropping: a DingTalk robot takes at
// most 20 posts a minute. 25 referrals: 20 posts go out one by one, the
// other 5 wait and then go out merged into one message; nothing is lost.
func TestRobotRateLimitMergesInsteadOfDropping(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	s, clock, staff, depts := robotOrg(t, start)
	ctx := context.Background()
	eng := depts["ENG"].ID
	rc := newRobotReceiver(t, `{"errcode":0,"errmsg":"ok"}`)
	ch := addRobot(t, s, models.RobotChannelInput{Kind: "dingtalk", Name: "钉钉", URL: rc.server.URL + "/robot/send?access_token=t",
		DepartmentID: &eng, Events: []string{models.RobotAssignment}})
	var refs []string
	for range 25 {
		refs = append(refs, referToFixer(t, s, staff, depts).Ref)
	}
	one := New(s, Options{Now: clock.Now, Targets: loopbackOK, Batch: 1})
	for i := range 20 {
		clock.Advance(time.Second)
		if n, err := one.RunOnce(ctx, clock.Now()); err != nil || n != 1 {
			t.Fatalf("post %d: %d, %v", i+1, n, err)
		}
	}
	many := New(s, Options{Now: clock.Now, Targets: loopbackOK})
	clock.Advance(time.Second)
	if n, err := many.RunOnce(ctx, clock.Now()); err != nil || n != 0 {
		t.Fatalf("21st post within the minute: %d attempted, %v", n, err)
	}
	if len(rc.got()) != 20 {
		t.Fatalf("%d posts within the minute", len(rc.got()))
	}
	clock.Advance(time.Minute)
	if n, err := many.RunOnce(ctx, clock.Now()); err != nil || n != 5 {
		t.Fatalf("after the minute: %d messages sent, %v", n, err)
	}
	posts := rc.got()
	if len(posts) != 21 {
		t.Fatalf("%d posts, want 21", len(posts))
	}
	merged := str(posts[20].Body, "markdown", "text")
	if !strings.Contains(merged, "5 条提醒") {
		t.Fatalf("merged message:\n%s", merged)
	}
	var all strings.Builder
	for _, p := range posts {
		all.WriteString(str(p.Body, "markdown", "text"))
	}
	for _, ref := range refs {
		if strings.Count(all.String(), ref) != 1 {
			t.Errorf("%s appears %d times", ref, strings.Count(all.String(), ref))
		}
	}
	_, total, err := s.ListChannelDeliveries(ctx, models.System("t"), ch.ID, models.Page{Number: 1, Size: 1})
	if err != nil || total != 25 {
		t.Fatalf("log: %d rows, %v", total, err)
	}
}

// TestRobotRouting: a robot hears its department and, with include_sub,
// the departments below; only the event kinds it subscribes to; and a
// robot of another department hears nothing.
func TestRobotRouting(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	s, clock, staff, depts := robotOrg(t, start)
	ctx, sys := context.Background(), models.System("t")
	code, name, parent := "ENG-LIFT", "电梯班", depts["ENG"].ID
	sub, err := s.CreateDepartment(ctx, sys, models.DepartmentInput{Code: &code, Name: &name, ParentID: &parent})
	if err != nil {
		t.Fatal(err)
	}
	eng, front, no := depts["ENG"].ID, depts["FRONT"].ID, false
	withSub := newRobotReceiver(t, `{"errcode":0}`)
	onlyEng := newRobotReceiver(t, `{"errcode":0}`)
	frontR := newRobotReceiver(t, `{"errcode":0}`)
	remindersOnly := newRobotReceiver(t, `{"errcode":0}`)
	addRobot(t, s, models.RobotChannelInput{Kind: "wecom", Name: "a", URL: withSub.server.URL + "/?key=1", DepartmentID: &eng})
	addRobot(t, s, models.RobotChannelInput{Kind: "wecom", Name: "b", URL: onlyEng.server.URL + "/?key=2", DepartmentID: &eng, IncludeSub: &no})
	addRobot(t, s, models.RobotChannelInput{Kind: "wecom", Name: "c", URL: frontR.server.URL + "/?key=3", DepartmentID: &front})
	addRobot(t, s, models.RobotChannelInput{Kind: "wecom", Name: "d", URL: remindersOnly.server.URL + "/?key=4", DepartmentID: &eng,
		Events: []string{models.RobotReminder}})
	ch, cat, sum, phone, disp := "phone", "repair", "电梯异响", "13812345678", "referred"
	vname, yes := "李女士", true
	if _, err := s.CreateInquiry(ctx, actorOf(staff["clerk"]), models.InquiryInput{Channel: &ch, Category: &cat, Summary: &sum,
		VisitorPhone: &phone, VisitorName: &vname, ReadBackConfirmed: &yes, Disposition: &disp,
		Referral: &models.ReferralInput{ToDepartmentID: &sub.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(s, Options{Now: clock.Now, Targets: loopbackOK}).RunOnce(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"with sub-departments": 1, "ENG only": 0, "FRONT": 0, "reminders only": 0} {
		rc := map[string]*robotReceiver{"with sub-departments": withSub, "ENG only": onlyEng, "FRONT": frontR, "reminders only": remindersOnly}[name]
		if got := len(rc.got()); got != want {
			t.Errorf("%s robot got %d messages, want %d", name, got, want)
		}
	}
	if got := withSub.got(); len(got) == 1 && !strings.Contains(str(got[0].Body, "markdown", "content"), "部门待领取") {
		t.Errorf("queue referral message: %s", got[0].Raw)
	}
}

// TestRobotLoopbackRefusedByDefault: without the test seam the robot's
// loopback receiver is refused by the address policy, like any webhook.
func TestRobotLoopbackRefusedByDefault(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	s, clock, staff, depts := robotOrg(t, start)
	ctx := context.Background()
	eng := depts["ENG"].ID
	rc := newRobotReceiver(t, `{"errcode":0}`)
	ch := addRobot(t, s, models.RobotChannelInput{Kind: "wecom", Name: "a", URL: rc.server.URL + "/?key=1", DepartmentID: &eng})
	referToFixer(t, s, staff, depts)
	if _, err := New(s, Options{Now: clock.Now}).RunOnce(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	log, _, err := s.ListChannelDeliveries(ctx, models.System("t"), ch.ID, models.Page{Number: 1, Size: 10})
	if err != nil || len(log) != 1 || log[0].Error != "target address refused by policy" || len(rc.got()) != 0 {
		t.Fatalf("log %+v %v; robot got %d", log, err, len(rc.got()))
	}
}

func TestSpokenDeadline(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	for _, c := range []struct {
		deadline time.Time
		want     string
	}{
		{time.Date(2026, 11, 30, 16, 40, 0, 0, loc), "今天 16:40 前"},
		{time.Date(2026, 12, 1, 9, 0, 0, 0, loc), "明天 09:00 前"},
		{time.Date(2026, 12, 2, 9, 0, 0, 0, loc), "后天 09:00 前"},
		{time.Date(2026, 12, 3, 10, 5, 0, 0, loc), "12月3日 10:05 前"},
		{time.Date(2027, 1, 4, 10, 5, 0, 0, loc), "2027年1月4日 10:05 前"},
		{now.Add(-35 * time.Minute), "已超时 35 分"},
		{now.Add(-20 * time.Second), "已超时 1 分"},
		{now, "已超时 1 分"},
		{now.Add(-2 * time.Hour), "已超时 2 小时"},
		{now.Add(-(2*time.Hour + 5*time.Minute)), "已超时 2 小时 5 分"},
		{now.Add(-75 * time.Hour), "已超时 3 天"},
	} {
		// The deadline given in UTC: the zone decides "today".
		if got := SpokenDeadline(c.deadline.UTC(), now.UTC(), loc); got != c.want {
			t.Errorf("SpokenDeadline(%s) = %q, want %q", c.deadline, got, c.want)
		}
	}
}

// TestSignaturesFollowTheRecipes pins DingTalkSign and FeishuSign to
// values computed by hand from the documented recipes.
func TestSignaturesFollowTheRecipes(t *testing.T) {
	const secret = "SECtest"
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("1700000000000\n" + secret))
	if got, want := DingTalkSign(secret, 1700000000000), base64.StdEncoding.EncodeToString(m.Sum(nil)); got != want {
		t.Errorf("DingTalkSign = %q, want %q", got, want)
	}
	m = hmac.New(sha256.New, []byte("1700000000\n"+secret))
	if got, want := FeishuSign(secret, 1700000000), base64.StdEncoding.EncodeToString(m.Sum(nil)); got != want {
		t.Errorf("FeishuSign = %q, want %q", got, want)
	}
}

// TestRobotMergeRespectsTheSizeLimit: 40 waiting messages for a WeCom
// robot do not fit one 4096-byte markdown: each post takes what fits, the
// rest wait for the next post, and every message goes out exactly once.
func TestRobotMergeRespectsTheSizeLimit(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	s, clock, staff, depts := robotOrg(t, start)
	ctx := context.Background()
	eng := depts["ENG"].ID
	rc := newRobotReceiver(t, `{"errcode":0,"errmsg":"ok"}`)
	addRobot(t, s, models.RobotChannelInput{Kind: "wecom", Name: "企微", URL: rc.server.URL + "/cgi-bin/webhook/send?key=k", DepartmentID: &eng})
	var refs []string
	for range 40 {
		refs = append(refs, referToFixer(t, s, staff, depts).Ref)
	}
	sender := New(s, Options{Now: clock.Now, Targets: loopbackOK, Timeout: time.Second, Lease: 10 * time.Minute, Batch: 100,
		PublicURL: "https://firstask.example.com"})
	sent := 0
	for round := 0; round < 5 && sent < 40; round++ {
		clock.Advance(time.Second)
		n, err := sender.RunOnce(ctx, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		sent += n
	}
	posts := rc.got()
	if sent != 40 || len(posts) < 2 {
		t.Fatalf("%d messages in %d posts", sent, len(posts))
	}
	var all strings.Builder
	for _, p := range posts {
		c := str(p.Body, "markdown", "content")
		if len(c) > WeComMaxContent {
			t.Fatalf("post of %d bytes", len(c))
		}
		all.WriteString(c)
	}
	for _, ref := range refs {
		if n := strings.Count(all.String(), ref); n != 1 {
			t.Errorf("%s appears %d times", ref, n)
		}
	}
	t.Logf("40 messages in %d posts", len(posts))
}
