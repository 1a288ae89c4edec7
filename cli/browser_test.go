package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"firstask/api"
	"firstask/models"
	"firstask/models/storetest"
	"firstask/scoring"
	"firstask/web"
)

// webEnv is the whole service on a fresh demo database, served the way
// `serve` serves it: the API and the pages behind web.Mount.
type webEnv struct {
	t     *testing.T
	store *models.Store
	srv   *httptest.Server
	staff map[string]models.Staff // by employee number
}

func newWebEnv(t *testing.T) *webEnv {
	t.Helper()
	store := storetest.Open(t, models.Options{})
	ctx := context.Background()
	if _, _, _, err := store.EnsureAdmin(ctx, "admin-pass-2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.FillDemo(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := api.New(store, api.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := web.New(store, web.Options{Organisation: "示例物业"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.Mount(a.Handler(), pages))
	t.Cleanup(srv.Close)
	e := &webEnv{t: t, store: store, srv: srv, staff: map[string]models.Staff{}}
	all, _, err := store.ListStaff(ctx, models.System("test"), models.StaffFilter{Page: models.Page{Number: 1, Size: 200}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		e.staff[s.EmployeeNo] = s
	}
	return e
}

// apiGet asks the API as the demo account and decodes the answer.
func (e *webEnv) apiGet(employeeNo, path string, out any) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"employee_no": employeeNo, "password": models.DemoPassword})
	resp, err := http.Post(e.srv.URL+"/api/v1/auth/login", "application/json", strings.NewReader(string(body)))
	if err != nil {
		e.t.Fatal(err)
	}
	var login struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s as %s: %d", path, employeeNo, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		e.t.Fatal(err)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

// chromium finds Debian's chromium; in CI its absence is a failure.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("FIRSTASK_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed, and CI must run the browser tests (apt-get install chromium)")
	}
	t.Skip("no chromium on this machine: the browser tests are skipped (install Debian's chromium to run them)")
	return ""
}

// browser is one headless chromium with a recorder of every request.
type browser struct {
	t        *testing.T
	ctx      context.Context
	base     string
	shots    string
	mu       sync.Mutex
	requests []string
	// elsewhere is an origin the test itself opens on purpose.
	elsewhere string
}

func newBrowser(t *testing.T, base string) *browser {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	dir := os.Getenv("FIRSTASK_SCREENSHOTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "firstask-screens-"); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(dir, 0o755)
	t.Logf("screenshots of every page (1280 px and 375 px wide): %s", dir)
	b := &browser{t: t, ctx: ctx, base: base, shots: dir}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.requests = append(b.requests, e.Request.URL)
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// value runs one action that answers a value.
func value[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// dropFlash removes the flash message shown, so that waiting for the
// next one waits for the next page.
func dropFlash() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.flash').forEach(e => e.remove()); undefined`)
}

// clearCookies signs the browser out of everything.
func clearCookies() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
		return err
	})
}

// shoot saves the page as it is at 1280 px and at 375 px wide.
func (b *browser) shoot(name string) {
	b.t.Helper()
	for _, w := range []int64{1280, 375} {
		vp := chromedp.EmulateViewport(w, 800)
		if w == 375 {
			vp = chromedp.EmulateViewport(w, 800, chromedp.EmulateMobile)
		}
		b.run(vp)
		png := value(b, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.run(chromedp.EmulateViewport(1280, 900))
}

func (b *browser) signIn(employeeNo string) {
	b.t.Helper()
	b.run(clearCookies(), chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#employee_no`)),
		chromedp.SendKeys(chromedp.CSS(`#employee_no`), employeeNo),
		chromedp.SendKeys(chromedp.CSS(`#password`), models.DemoPassword+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`nav`)))
}

// text is the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return value(b, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
}

func (b *browser) location() string {
	return value(b, chromedp.Location())
}

// TestBrowserJourneys walks the journeys in chromium on a fresh
// demo database, comparing what pages show with what the API answers, and
// photographs every page.
func TestBrowserJourneys(t *testing.T) {
	chromium(t)
	e := newWebEnv(t)
	b := newBrowser(t, e.srv.URL)
	clerk, colleague, victim, other := e.staff["D002"], e.staff["D011"], e.staff["D003"], e.staff["D004"]
	var inquiryID int64
	var ref string

	t.Run("ClerkRegistersComplaintAndPrintsReceipt", func(t *testing.T) {
		b.t = t
		b.run(clearCookies(), chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#employee_no`)))
		b.shoot("login")
		b.signIn(clerk.EmployeeNo)
		b.shoot("home")
		b.run(chromedp.Navigate(e.srv.URL+"/register"), chromedp.WaitVisible(chromedp.CSS(`#register`)))
		b.shoot("register")
		b.run(
			chromedp.SetValue(chromedp.CSS(`#channel`), "phone"),
			chromedp.SetValue(chromedp.CSS(`#category`), "complaint"),
			chromedp.SendKeys(chromedp.CSS(`#visitor_name`), "赵先生"),
			chromedp.SendKeys(chromedp.CSS(`#visitor_phone`), "13800138000"),
			chromedp.SendKeys(chromedp.CSS(`#summary`), "楼道照明坏了一周无人处理"),
			chromedp.Click(chromedp.CSS(`#read_back_confirmed`)),
			chromedp.SetValue(chromedp.CSS(`#disposition`), "referred"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('disposition').dispatchEvent(new Event('change')); undefined`),
			chromedp.SetValue(chromedp.CSS(`#to_department_id`), strconv.FormatInt(colleague.DepartmentID, 10)),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('to_department_id').dispatchEvent(new Event('change')); undefined`),
			chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`#to_staff_id option[value="%d"]`, colleague.ID))),
			chromedp.SetValue(chromedp.CSS(`#to_staff_id`), strconv.FormatInt(colleague.ID, 10)),
			chromedp.SendKeys(chromedp.CSS(`#note`), "请尽快联系"),
			dropFlash(), chromedp.Submit(chromedp.CSS(`#register`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		loc := b.location()
		id, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
		if err != nil {
			t.Fatalf("after registering the page is %s", loc)
		}
		inquiryID = id
		var got struct {
			Ref    string
			Status string
		}
		e.apiGet(clerk.EmployeeNo, "/api/v1/inquiries/"+strconv.FormatInt(id, 10), &got)
		ref = got.Ref
		if got.Status != "referred" || !strings.Contains(b.text(`.flash`), got.Ref) {
			t.Fatalf("API says %+v; the page says %q", got, b.text(`.flash`))
		}
		b.shoot("inquiry-referred")
		b.run(chromedp.Navigate(fmt.Sprintf("%s/inquiries/%d/receipt", e.srv.URL, id)), chromedp.WaitVisible(chromedp.CSS(`.receipt`)))
		if r := b.text(`.receipt .ref`); r != got.Ref {
			t.Fatalf("receipt shows %q, want %q", r, got.Ref)
		}
		b.shoot("receipt")
		b.run(chromedp.Navigate(e.srv.URL+"/inquiries"), chromedp.WaitVisible(chromedp.CSS(`table`)))
		if !strings.Contains(b.text(`table`), got.Ref) || !strings.Contains(b.text(`table`), "还剩") {
			t.Fatalf("my registrations lack %s or its SLA badge: %q", got.Ref, b.text(`table`))
		}
		b.shoot("inquiries")
	})

	t.Run("ClerkRegistersByKeyboardAlone", func(t *testing.T) {
		b.t = t
		start := time.Now()
		tab := chromedp.KeyEvent(kb.Tab)
		b.run(chromedp.Navigate(e.srv.URL+"/register"), chromedp.WaitVisible(chromedp.CSS(`#register`)), chromedp.Focus(chromedp.CSS(`#channel`)),
			tab, tab, chromedp.KeyEvent("钱先生"), tab, chromedp.KeyEvent("13700137000"), tab, tab, chromedp.KeyEvent("咨询停车月卡办理"),
			tab, tab, chromedp.KeyEvent(kb.ArrowDown), tab, dropFlash(), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		if f := b.text(`.flash`); !strings.Contains(f, "已登记") || !strings.Contains(b.text(`main`), "当场办结") {
			t.Fatalf("keyboard registration: %q", f)
		}
		t.Logf("registered by keyboard in %s of browser time", time.Since(start).Round(time.Millisecond))
	})

	t.Run("ColleagueAcceptsContactsResolves", func(t *testing.T) {
		b.t = t
		b.signIn(colleague.EmployeeNo)
		b.run(chromedp.Navigate(e.srv.URL+"/todo"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if m := b.text(`main`); !strings.Contains(m, ref) || !strings.Contains(m, "楼道照明坏了一周无人处理") {
			t.Fatalf("待办 does not list %s with its summary: %q", ref, m)
		}
		b.shoot("todo")
		b.run(dropFlash(), chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		b.run(chromedp.SendKeys(chromedp.CSS(`form[action$="/contact"] textarea`), "已电话联系赵先生，约定明日上门"),
			dropFlash(), chromedp.Submit(chromedp.CSS(`form[action$="/contact"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/resolve"]`)))
		b.shoot("todo-contacted")
		b.run(chromedp.SendKeys(chromedp.CSS(`form[action$="/resolve"] textarea`), "已更换灯具"),
			dropFlash(), chromedp.Submit(chromedp.CSS(`form[action$="/resolve"]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		var got struct{ Items []struct{ Status string } }
		e.apiGet(colleague.EmployeeNo, "/api/v1/referrals?inquiry_id="+strconv.FormatInt(inquiryID, 10), &got)
		if len(got.Items) != 1 || got.Items[0].Status != "resolved" {
			t.Fatalf("API referrals: %+v", got)
		}
		b.run(chromedp.Navigate(e.srv.URL+"/notifications"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		b.shoot("notifications")
	})

	t.Run("ClerkRecordsFeedbackAndCloses", func(t *testing.T) {
		b.t = t
		b.signIn(clerk.EmployeeNo)
		b.run(chromedp.Navigate(fmt.Sprintf("%s/inquiries/%d", e.srv.URL, inquiryID)), chromedp.WaitVisible(chromedp.CSS(`#satisfaction`)))
		b.shoot("inquiry-resolved")
		b.run(chromedp.SetValue(chromedp.CSS(`#satisfaction`), "satisfied"), chromedp.SendKeys(chromedp.CSS(`#fnote`), "来访人表示满意"),
			dropFlash(), chromedp.Submit(chromedp.CSS(`form[action$="/feedback"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/close"]`)),
			chromedp.Evaluate[chromedp.Void](`window.confirm = () => true; undefined`),
			dropFlash(), chromedp.Click(chromedp.CSS(`form[action$="/close"] button`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		var got struct{ Status string }
		e.apiGet(clerk.EmployeeNo, "/api/v1/inquiries/"+strconv.FormatInt(inquiryID, 10), &got)
		if got.Status != "closed" || !strings.Contains(b.text(`main`), "已关闭") {
			t.Fatalf("API status %q; page: %q", got.Status, b.text(`main`))
		}
		b.shoot("inquiry-closed")
	})

	t.Run("StaffSeesVerifiedViolationAppealsAndDownloads", func(t *testing.T) {
		b.t = t
		ctx := context.Background()
		sup, hr := e.staff["D001"], e.staff["D028"]
		v, err := e.store.ReportViolation(ctx, models.Actor{StaffID: sup.ID, Role: sup.Role, DepartmentID: sup.DepartmentID},
			models.ViolationInput{StaffID: victim.ID, Type: scoring.ViolationBuckPassing, Severity: scoring.SeverityOrdinary,
				Description: "推诿来访人", OccurredAt: ptrTime(e.store.Now().Add(-time.Hour)), Evidence: "窗口录像", Source: models.SourceSupervisor})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.VerifyViolation(ctx, models.Actor{StaffID: hr.ID, Role: hr.Role, DepartmentID: hr.DepartmentID}, v.ID, models.DecisionInput{Note: "属实"}); err != nil {
			t.Fatal(err)
		}
		b.signIn(victim.EmployeeNo)
		b.run(chromedp.Navigate(e.srv.URL+"/my/score"), chromedp.WaitVisible(chromedp.CSS(`#final`)))
		var api struct{ Final float64 }
		e.apiGet(victim.EmployeeNo, "/api/v1/me/scores", &api)
		page := b.text(`#final`)
		if want := strconv.FormatFloat(api.Final, 'f', -1, 64); page != want {
			t.Fatalf("page final %q, API final %s", page, want)
		}
		if !strings.Contains(b.text(`main`), "推诿") {
			t.Fatalf("the violation is not itemised: %q", b.text(`main`))
		}
		b.shoot("score")
		b.run(chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#ex%d`, v.ID)), "当时在处理另一位来访人"),
			dropFlash(), chromedp.Submit(chromedp.CSS(fmt.Sprintf(`#v%d form`, v.ID))), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		got, err := e.store.GetViolation(ctx, models.Actor{StaffID: victim.ID, Role: victim.Role, DepartmentID: victim.DepartmentID}, v.ID)
		if err != nil || got.State != models.ViolationAppealed {
			t.Fatalf("after appealing: %v %v", got.State, err)
		}
		b.shoot("score-appealed")
		month := scoring.MonthOf(e.store.Now(), e.store.Location()).String()
		res := value(b, chromedp.Evaluate[string](`fetch('/my/sheet/`+month+`.xlsx').then(r => r.status + ' ' + r.headers.get('content-type'))`,
			chromedp.EvalAwaitPromise))
		if !strings.HasPrefix(res, "200 application/vnd.openxmlformats") {
			t.Fatalf("personal sheet download: %q", res)
		}
	})

	t.Run("CrossOriginPostRefusedAndOthersRecordNotFound", func(t *testing.T) {
		b.t = t
		b.signIn(other.EmployeeNo)
		b.run(chromedp.Navigate(fmt.Sprintf("%s/inquiries/%d", e.srv.URL, inquiryID)), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if !strings.Contains(b.text(`main`), "找不到此页面") {
			t.Fatalf("another person's inquiry: %q", b.text(`main`))
		}
		b.shoot("not-found")
		evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s/register"><input name="visitor_name" value="x"><button id="go">go</button></form>`, e.srv.URL)
		}))
		defer evil.Close()
		b.mu.Lock()
		b.elsewhere = evil.URL
		b.mu.Unlock()
		b.run(chromedp.Navigate(evil.URL), chromedp.WaitVisible(chromedp.CSS(`#go`)), chromedp.Click(chromedp.CSS(`#go`)),
			chromedp.Sleep(time.Second), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if !strings.Contains(b.text(`main`), "此请求被拒绝") {
			t.Fatalf("a cross-origin post was not refused: %q", b.text(`main`))
		}
		b.shoot("forbidden")
	})

	t.Run("EnglishAndPasswordPages", func(t *testing.T) {
		b.t = t
		b.signIn(clerk.EmployeeNo)
		b.run(chromedp.Navigate(e.srv.URL+"/password"), chromedp.WaitVisible(chromedp.CSS(`#current_password`)))
		b.shoot("password")
		b.run(chromedp.Click(chromedp.CSS(`footer button[name="lang"]`)), chromedp.Sleep(time.Second))
		value(b, chromedp.Poll[bool](`document.querySelector('h1') !== null && document.querySelector('h1').textContent.includes('Change password')`))
		if !strings.Contains(b.text(`h1`), "Change password") {
			t.Fatalf("English switch: %q", b.text(`h1`))
		}
		b.run(chromedp.Navigate(e.srv.URL+"/home"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		b.shoot("home-en")
	})

	t.Run("NoRequestToAnotherOrigin", func(t *testing.T) {
		base, _ := url.Parse(e.srv.URL)
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.requests) < 20 {
			t.Fatalf("only %d requests recorded", len(b.requests))
		}
		for _, r := range b.requests {
			if strings.HasPrefix(r, "data:") || (b.elsewhere != "" && strings.HasPrefix(r, b.elsewhere+"/")) {
				continue // inline images of the browser's own controls; the forged page
			}
			u, err := url.Parse(r)
			if err != nil || u.Host != base.Host || u.Scheme != base.Scheme {
				t.Errorf("request to another origin: %s", r)
			}
		}
	})
}
