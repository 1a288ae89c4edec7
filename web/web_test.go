package web

import (
	"context"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
)

// testEnv is the pages on a fresh demo database.
type testEnv struct {
	t     *testing.T
	store *models.Store
	h     *Handler
	srv   *httptest.Server
	staff map[string]models.Staff
}

func newTestEnv(t *testing.T, opts Options) *testEnv {
	t.Helper()
	store := storetest.Open(t, models.Options{})
	ctx := context.Background()
	if _, _, _, err := store.EnsureAdmin(ctx, "admin-pass-2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.FillDemo(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := New(store, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &testEnv{t: t, store: store, h: h, srv: srv, staff: map[string]models.Staff{}}
	all, _, err := store.ListStaff(ctx, models.System("test"), models.StaffFilter{Page: models.Page{Number: 1, Size: 200}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		e.staff[s.EmployeeNo] = s
	}
	return e
}

// client is a browser-like client: a cookie jar, no redirects followed,
// and the Origin header a browser sends on a same-origin POST.
type client struct {
	e  *testEnv
	hc *http.Client
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) get(path string) (*http.Response, string) {
	c.e.t.Helper()
	resp, err := c.hc.Get(c.e.srv.URL + path)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (c *client) post(path string, form url.Values, header ...string) (*http.Response, string) {
	c.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signedIn is a new client signed in as employeeNo.
func (e *testEnv) signedIn(employeeNo string) *client {
	e.t.Helper()
	c := e.client()
	c.signIn(employeeNo)
	return c
}

// assetBytes is the size of the pages' CSS and JS together.
func (c *client) assetBytes() int {
	c.e.t.Helper()
	_, css := c.get(c.e.h.static.url("app.css"))
	_, js := c.get(c.e.h.static.url("app.js"))
	return len(css) + len(js)
}

func (c *client) signIn(employeeNo string) *http.Response {
	c.e.t.Helper()
	resp, _ := c.post("/login", url.Values{"employee_no": {employeeNo}, "password": {models.DemoPassword}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/home" {
		c.e.t.Fatalf("sign in as %s: %d %s", employeeNo, resp.StatusCode, resp.Header.Get("Location"))
	}
	return resp
}

func TestRootAndSignIn(t *testing.T) {
	e := newTestEnv(t, Options{})
	c := e.client()
	t.Run("RootSendsToSignIn", func(t *testing.T) {
		resp, _ := c.get("/")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = c.get("/home")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("CookieAttributes", func(t *testing.T) {
		resp := c.signIn("D002")
		var sc *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie {
				sc = ck
			}
		}
		if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure || !strings.HasPrefix(sc.Value, "fa_") {
			t.Fatalf("session cookie %+v", sc)
		}
		resp, _ = c.get("/")
		if resp.Header.Get("Location") != "/home" {
			t.Fatalf("signed in, / goes to %s", resp.Header.Get("Location"))
		}
	})
	t.Run("SignOutRevokesTheToken", func(t *testing.T) {
		c2 := e.signedIn("D003")
		u, _ := url.Parse(e.srv.URL)
		token := ""
		for _, ck := range c2.hc.Jar.Cookies(u) {
			if ck.Name == sessionCookie {
				token = ck.Value
			}
		}
		if resp, _ := c2.post("/logout", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout %d", resp.StatusCode)
		}
		if _, err := e.store.Authenticate(context.Background(), token); models.ErrorCode(err) != models.EUnauthorized {
			t.Fatalf("token still valid after sign-out: %v", err)
		}
	})
	t.Run("SecureCookiesWhenConfigured", func(t *testing.T) {
		e2 := newTestEnv(t, Options{SecureCookies: true})
		resp := e2.client().signIn("D002")
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie && !ck.Secure {
				t.Fatal("session cookie not Secure")
			}
		}
	})
}

// TestLoginThrottleShared: the pages count failures in the same database
// counters as the API (Store.SignIn), so five wrong passwords through the
// page lock the account for the API's sign-in too.
func TestLoginThrottleShared(t *testing.T) {
	e := newTestEnv(t, Options{})
	c := e.client()
	for i := 0; i < models.MaxAccountFailures; i++ {
		if resp, body := c.post("/login", url.Values{"employee_no": {"D002"}, "password": {"wrong"}}); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "工号或密码错误") {
			t.Fatalf("wrong password %d", resp.StatusCode)
		}
	}
	resp, body := c.post("/login", url.Values{"employee_no": {"D002"}, "password": {models.DemoPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "登录失败次数过多") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after %d failures: %d", models.MaxAccountFailures, resp.StatusCode)
	}
	var te *models.ThrottledError
	if _, err := e.store.SignIn(context.Background(), "t", "D002", models.DemoPassword, "10.1.1.1", time.Hour); !errors.As(err, &te) {
		t.Fatalf("the API's sign-in from another address does not see the page's failures: %v", err)
	}
}

func TestIdleSessionEnds(t *testing.T) {
	e := newTestEnv(t, Options{IdleTimeout: 50 * time.Millisecond})
	c := e.signedIn("D002")
	if resp, _ := c.get("/home"); resp.StatusCode != http.StatusOK {
		t.Fatalf("home %d", resp.StatusCode)
	}
	time.Sleep(120 * time.Millisecond)
	if resp, _ := c.get("/home"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the idle limit: %d", resp.StatusCode)
	}
}

func TestSecurityHeadersAndCrossOrigin(t *testing.T) {
	e := newTestEnv(t, Options{})
	c := e.signedIn("D002")
	resp, body := c.get("/home")
	csp := resp.Header.Get("Content-Security-Policy")
	if strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("headers: %v", resp.Header)
	}
	if regexp.MustCompile(`<script>|style="|<style`).MatchString(body) {
		t.Fatal("inline script or style in the page: the CSP would block it")
	}
	t.Run("CrossOriginPostRefused", func(t *testing.T) {
		resp, body := c.post("/register", url.Values{"visitor_name": {"x"}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "请求编号") {
			t.Fatalf("cross-site post: %d", resp.StatusCode)
		}
	})
	t.Run("StaticCachedByHash", func(t *testing.T) {
		m := regexp.MustCompile(`/static/app\.[0-9a-f]{10}\.css`).FindString(body)
		if m == "" {
			t.Fatal("no hashed stylesheet link")
		}
		resp, _ := c.get(m)
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
			t.Fatalf("static: %d %v", resp.StatusCode, resp.Header)
		}
		if resp, _ := c.get("/static/app.css"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unhashed name: %d", resp.StatusCode)
		}
	})
}

func TestRegisterShowsFieldErrorsAndOthersGet404(t *testing.T) {
	e := newTestEnv(t, Options{})
	clerk := e.signedIn("D002")
	t.Run("ReadBackRequiredForComplaints", func(t *testing.T) {
		resp, body := clerk.post("/register", url.Values{"channel": {"visit"}, "category": {"complaint"}, "visitor_name": {"钱女士"},
			"summary": {"噪音投诉"}, "disposition": {"guided"}, "guidance": {"请到三楼"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("complaint without read-back: %d", resp.StatusCode)
		}
		i := strings.Index(body, `name="read_back_confirmed"`)
		if i < 0 || !strings.Contains(body[i:i+800], `class="field-error"`) || !strings.Contains(body, "钱女士") {
			t.Fatal("the read-back error is not next to its checkbox, or the form lost its values")
		}
	})
	var id string
	t.Run("RegisteredThenOthers404", func(t *testing.T) {
		resp, body := clerk.post("/register", url.Values{"channel": {"visit"}, "category": {"complaint"}, "visitor_name": {"钱女士"},
			"visitor_phone": {"13800138000"}, "summary": {"噪音投诉"}, "read_back_confirmed": {"1"}, "disposition": {"guided"}, "guidance": {"请到三楼"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("register: %d %s", resp.StatusCode, regexp.MustCompile(`class="field-error">[^<]*`).FindAllString(body, -1))
		}
		id = strings.TrimPrefix(resp.Header.Get("Location"), "/inquiries/")
		if _, body := clerk.get("/inquiries/" + id); !strings.Contains(body, "已登记") || !strings.Contains(body, "指引办理") {
			t.Fatal("no flash or no Chinese label on the detail page")
		}
		// Digits only: "+1" is not a second address of inquiry 1.
		if resp, _ := clerk.get("/inquiries/%2B" + id); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("/inquiries/+%s: %d, want 404", id, resp.StatusCode)
		}
		other := e.signedIn("D004")
		if resp, body := other.get("/inquiries/" + id); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "请求编号") {
			t.Fatalf("another staff member: %d", resp.StatusCode)
		}
		if resp, _ := other.get("/inquiries/" + id + "/receipt"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another's receipt: %d", resp.StatusCode)
		}
	})
	t.Run("PickerWithoutScript", func(t *testing.T) {
		dept := e.staff["D011"].DepartmentID
		resp, body := clerk.post("/register", url.Values{"pick": {"1"}, "visitor_name": {"孙"}, "to_department_id": {itoa(dept)}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, e.staff["D011"].Name) || strings.Contains(body, e.staff["D011"].Phone+"<") {
			t.Fatalf("picker: %d", resp.StatusCode)
		}
	})
}

func TestEveryPageSmallAndLabelled(t *testing.T) {
	e := newTestEnv(t, Options{})
	c := e.signedIn("D002")
	assets := c.assetBytes()
	for _, p := range []string{"/home", "/todo", "/register", "/inquiries", "/my/score", "/notifications", "/password"} {
		resp, body := c.get(p)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if n := len(body) + assets; n > 150<<10 {
			t.Errorf("%s weighs %d bytes with its CSS and JS (limit 150 KB)", p, n)
		}
		for _, raw := range []string{"late_referral", "resolved_on_spot", "out_of_scope", "buck_passing", "consultation"} {
			if strings.Contains(strings.ReplaceAll(body, `value="`+raw+`"`, ""), raw) {
				t.Errorf("%s shows the raw enum %q", p, raw)
			}
		}
	}
}

func TestEnumLabels(t *testing.T) {
	checkLabels(t, "channel", models.AllChannels...)
	checkLabels(t, "category", models.AllCategories...)
	checkLabels(t, "disposition", models.AllDispositions...)
	checkLabels(t, "inquiry_status", models.AllInquiryStatuses...)
	checkLabels(t, "satisfaction", models.AllSatisfactions...)
	checkLabels(t, "referral_status", models.AllReferralStatuses...)
	checkLabels(t, "role", models.AllRoles...)
	checkLabels(t, "clock_kind", "handover", "contact", "feedback")
	checkLabels(t, "clock_state", models.ClockOnTime, models.ClockDueSoon, models.ClockOverdue, models.ClockIsPause)
}

// checkLabels fails for every value of kind without a Chinese label.
func checkLabels[T ~string](t *testing.T, kind string, values ...T) {
	t.Helper()
	for _, v := range values {
		if l := label("zh", kind, string(v)); l == string(v) || l == "" {
			t.Errorf("%s %q has no Chinese label", kind, v)
		}
	}
}

func TestRemaining(t *testing.T) {
	now := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d      time.Duration
		zh, en string
	}{
		{80 * time.Minute, "还剩 1 小时 20 分", "1 h 20 min left"},
		{-35 * time.Minute, "已超时 35 分", "35 min overdue"},
		{50 * time.Hour, "还剩 2 天 2 小时", "2 d 2 h left"},
		{30 * time.Second, "还剩 0 分", "0 min left"},
	} {
		if got := remaining("zh", now.Add(tc.d), now); got != tc.zh {
			t.Errorf("%v: %q, want %q", tc.d, got, tc.zh)
		}
		if got := remaining("en", now.Add(tc.d), now); got != tc.en {
			t.Errorf("%v: %q, want %q", tc.d, got, tc.en)
		}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	if got := formatTime("zh", time.Date(time.Now().Year(), 11, 30, 6, 5, 0, 0, time.UTC), loc); got != "11月30日 14:05" {
		t.Errorf("formatTime: %q", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestConflictShownAsFlash(t *testing.T) {
	e := newTestEnv(t, Options{})
	clerk := e.signedIn("D002")
	resp, _ := clerk.post("/register", url.Values{"channel": {"visit"}, "category": {"consultation"}, "visitor_name": {"周先生"},
		"summary": {"咨询停车"}, "disposition": {"resolved_on_spot"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	resp, _ = clerk.post(loc+"/resolve", url.Values{"resolution": {"again"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != loc {
		t.Fatalf("resolving a settled matter: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := clerk.get(loc); !strings.Contains(body, "当前状态下不能执行此操作") {
		t.Fatal("no flash explaining the refusal")
	}
}

func TestNotificationsBadgeAndMarkRead(t *testing.T) {
	e := newTestEnv(t, Options{})
	clerk := e.signedIn("D002")
	colleague := e.staff["D011"]
	resp, _ := clerk.post("/register", url.Values{"channel": {"phone"}, "category": {"repair"}, "visitor_name": {"吴女士"},
		"visitor_phone": {"13900139000"}, "summary": {"水管漏水"}, "disposition": {"referred"},
		"to_department_id": {itoa(colleague.DepartmentID)}, "to_staff_id": {itoa(colleague.ID)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	c := e.signedIn("D011")
	_, body := c.get("/notifications")
	if !strings.Contains(body, `data-unread>1<`) || !strings.Contains(body, "新转办") {
		t.Fatal("no unread badge or no Chinese kind label")
	}
	_, home := c.get("/home")
	if !strings.Contains(home, `<strong>1</strong>转给我的待办`) {
		t.Fatal("首页 does not count the referral")
	}
	if resp, _ := c.post("/notifications/read", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark read: %d", resp.StatusCode)
	}
	if _, body := c.get("/notifications"); strings.Contains(body, `data-unread>`) {
		t.Fatal("the badge is still there after marking all read")
	}
}

// TestPagesForEveryRole opens every page as each role and as nobody: the
// pages of this issue are everyone's, and signed out they send to sign-in.
func TestPagesForEveryRole(t *testing.T) {
	e := newTestEnv(t, Options{})
	pages := []string{"/home", "/todo", "/register", "/inquiries", "/my/score", "/notifications", "/password",
		"/referral-targets?department_id=" + itoa(e.staff["D011"].DepartmentID)}
	anon := e.client()
	for _, p := range pages {
		if resp, _ := anon.get(p); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("anonymous %s: %d", p, resp.StatusCode)
		}
	}
	for _, no := range []string{"D002", "D001", "D028", "D030"} {
		c := e.signedIn(no)
		for _, p := range pages {
			if resp, _ := c.get(p); resp.StatusCode != http.StatusOK {
				t.Errorf("%s (%s) %s: %d", no, e.staff[no].Role, p, resp.StatusCode)
			}
		}
		if resp, _ := c.get("/inquiries/999999"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: a missing inquiry answers %d", no, resp.StatusCode)
		}
	}
}

func TestServerErrorPageShowsRequestID(t *testing.T) {
	e := newTestEnv(t, Options{})
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/home", nil)
	r.Header.Set("X-Request-ID", "req-500-test")
	e.h.wrap(func(http.ResponseWriter, *http.Request, *request) error { panic("boom") }, false).ServeHTTP(w, r)
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "req-500-test") || strings.Contains(w.Body.String(), "boom") {
		t.Fatalf("500 page: %d %q", w.Code, w.Body.String())
	}
}

// TestNoImportOfAPI keeps the pages a second adapter: web never imports
// the api package (STYLE.md).
func TestNoImportOfAPI(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		pf, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pf.Imports {
			if strings.Trim(imp.Path.Value, `"`) == "firstask/api" {
				t.Errorf("%s imports firstask/api", f)
			}
		}
	}
}
