package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"firstask/models"
	"firstask/scoring"
)

// download fetches a file of the site with the browser's own session
// cookie, as the browser's download would.
func (b *browser) download(path string) []byte {
	b.t.Helper()
	cs, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base + "/"}})
	if err != nil {
		b.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	for _, c := range cs.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("download %s: %d", path, resp.StatusCode)
	}
	return data
}

// page opens a path and waits for its main part.
func (b *browser) page(path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS(`main`)))
}

// writeTemp writes a workbook for the browser to upload.
func writeTemp(t *testing.T, dir, name string, f *excelize.File) string {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserMonthEnd walks the month end of issue 14 in chromium on a
// fresh demo database: a supervisor reports and praises, HR verifies under
// four eyes, the staff member appeals and HR decides, HR uploads results
// (refused with two bad rows, then taken), closes the month and downloads
// the workbook, and imports staff; every page is photographed at 1280 and
// 375 px, and no request leaves the site.
func TestBrowserMonthEnd(t *testing.T) {
	chromium(t)
	e := newWebEnv(t)
	b := newBrowser(t, e.srv.URL)
	ctx := context.Background()
	sup, hr1, hr2, victim := e.staff["D001"], e.staff["D028"], e.staff["D029"], e.staff["D003"]
	sys := models.System("test")
	files := t.TempDir()
	var reported int64

	t.Run("SupervisorReportsAndPraises", func(t *testing.T) {
		b.t = t
		b.signIn(sup.EmployeeNo)
		b.page("/dept")
		b.shoot("dept")
		when := e.store.Now().In(e.store.Location()).Add(-time.Hour).Format("2006-01-02T15:04")
		b.run(chromedp.SetValue(chromedp.CSS(`#v_staff`), strconv.FormatInt(victim.ID, 10)),
			chromedp.SetValue(chromedp.CSS(`#v_type`), string(scoring.ViolationBuckPassing)),
			chromedp.SetValue(chromedp.CSS(`#v_sev`), string(scoring.SeverityOrdinary)),
			chromedp.SetValue(chromedp.CSS(`#v_at`), when),
			chromedp.SendKeys(chromedp.CSS(`#v_desc`), "推诿来访人"),
			chromedp.SendKeys(chromedp.CSS(`#v_ev`), "窗口录像 10:20"),
			dropFlash(), chromedp.Submit(chromedp.CSS(`#violation-form`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		b.run(chromedp.SetValue(chromedp.CSS(`#p_staff`), strconv.FormatInt(victim.ID, 10)),
			chromedp.SetValue(chromedp.CSS(`#p_at`), when),
			chromedp.SendKeys(chromedp.CSS(`#p_reason`), "主动帮助行动不便的来访人"),
			dropFlash(), chromedp.Submit(chromedp.CSS(`#praise-form`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		var vs struct {
			Items []struct {
				ID       int64
				State    string
				Evidence string
			}
		}
		e.apiGet(sup.EmployeeNo, fmt.Sprintf("/api/v1/violations?staff_id=%d&state=reported", victim.ID), &vs)
		if len(vs.Items) == 0 || vs.Items[0].Evidence != "窗口录像 10:20" {
			t.Fatalf("API violations: %+v", vs)
		}
		reported = vs.Items[0].ID
		var ps struct{ Items []struct{ Reason string } }
		e.apiGet(sup.EmployeeNo, fmt.Sprintf("/api/v1/praises?staff_id=%d", victim.ID), &ps)
		if len(ps.Items) == 0 || ps.Items[0].Reason != "主动帮助行动不便的来访人" {
			t.Fatalf("API praise: %+v", ps)
		}
		b.page(fmt.Sprintf("/periods/%s/staff/%d", scoring.MonthOf(e.store.Now(), e.store.Location()), victim.ID))
		b.shoot("person")
		b.page("/periods")
		b.shoot("periods-supervisor")
	})

	t.Run("SecondHRVerifiesWhileReportersVerifyIsRefused", func(t *testing.T) {
		b.t = t
		// HR 1 reports a violation themselves: on 核实 they see why they
		// may not verify it, and the server refuses it if forced.
		own, err := e.store.ReportViolation(ctx, models.Actor{StaffID: hr1.ID, Role: hr1.Role, DepartmentID: hr1.DepartmentID},
			models.ViolationInput{StaffID: e.staff["D004"].ID, Type: scoring.ViolationNoFeedback, Severity: scoring.SeverityMinor,
				OccurredAt: ptrTime(e.store.Now().Add(-2 * time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		b.signIn(hr1.EmployeeNo)
		if n := b.text(`#await-verify strong`); n == "0" {
			t.Fatalf("首页 counts %s violations awaiting verification", n)
		}
		b.page("/review")
		b.shoot("review")
		card := fmt.Sprintf(`#v%d`, own.ID)
		if r := b.text(card + ` .error`); !strings.Contains(r, "您是此记录的报告人") {
			t.Fatalf("the reporter is not told why: %q", r)
		}
		b.run(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('`+card+` [disabled]').forEach(x => x.disabled = false); undefined`),
			chromedp.Submit(chromedp.CSS(card+` form[action$="/verify"]`)), chromedp.WaitVisible(chromedp.CSS(card+` .field-error`)))
		if got, _ := e.store.GetViolation(ctx, sys, own.ID); got.State != models.ViolationReported {
			t.Fatalf("the reporter's forced verify changed the state to %s", got.State)
		}
		b.shoot("review-refused")
		b.signIn(hr2.EmployeeNo)
		b.page("/review")
		for _, id := range []int64{reported, own.ID} {
			b.run(chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#vn%d`, id)), "经查属实"),
				dropFlash(), chromedp.Submit(chromedp.CSS(fmt.Sprintf(`#v%d form[action$="/verify"]`, id))), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		}
		var got struct{ State string }
		e.apiGet(hr2.EmployeeNo, fmt.Sprintf("/api/v1/violations/%d", reported), &got)
		if got.State != "verified" {
			t.Fatalf("API state %q", got.State)
		}
	})

	t.Run("StaffAppealsAndHRDecides", func(t *testing.T) {
		b.t = t
		b.signIn(victim.EmployeeNo)
		b.page("/my/score")
		b.run(chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#ex%d`, reported)), "当时正在接待另一位来访人"),
			dropFlash(), chromedp.Submit(chromedp.CSS(fmt.Sprintf(`#v%d form`, reported))), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		b.signIn(hr1.EmployeeNo)
		if n := b.text(`#await-appeals strong`); n != "1" {
			t.Fatalf("首页 counts %s appeals", n)
		}
		b.page("/notifications")
		if !strings.Contains(b.text(`main`), "申诉待处理") {
			t.Fatalf("HR's inbox lacks the appeal: %q", b.text(`main`))
		}
		b.page("/review#appeals")
		b.shoot("review-appeal")
		b.run(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#v%d input[value="uphold"]`, reported))),
			chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#an%d`, reported)), "录像显示未接待他人，维持"),
			dropFlash(), chromedp.Submit(chromedp.CSS(fmt.Sprintf(`#v%d form[action$="/decide"]`, reported))), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		var got struct{ State string }
		e.apiGet(hr1.EmployeeNo, fmt.Sprintf("/api/v1/violations/%d", reported), &got)
		if got.State != "upheld" {
			t.Fatalf("API state %q", got.State)
		}
		b.signIn(sup.EmployeeNo)
		b.page("/notifications")
		if m := b.text(`main`); !strings.Contains(m, "已查实") || !strings.Contains(m, "被申诉") || !strings.Contains(m, "申诉已维持") {
			t.Fatalf("the supervisor was not told: %q", m)
		}
	})

	prev := scoring.MonthOf(e.store.Now(), e.store.Location()).AddMonths(-1).String()
	t.Run("HRUploadsResultsFixesAndUploadsAgain", func(t *testing.T) {
		b.t = t
		b.signIn(hr1.EmployeeNo)
		b.page("/periods")
		b.shoot("periods")
		b.page("/periods/" + prev)
		// A 10 MiB file goes up with the progress bar and is refused whole
		// (it is no workbook).
		big := make([]byte, 10<<20)
		for i := range big {
			big[i] = byte(i * 7919 >> 3)
		}
		bigPath := filepath.Join(files, "big.xlsx")
		if err := os.WriteFile(bigPath, big, 0o644); err != nil {
			t.Fatal(err)
		}
		b.run(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{bigPath}), chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[data-upload] ~ .error`)))
		if p := value(b, chromedp.Evaluate[int](`document.querySelector('progress[data-progress]').value`)); p != 100 {
			t.Fatalf("the progress bar of a 10 MiB upload stopped at %d", p)
		}
		f, err := excelize.OpenReader(bytes.NewReader(b.download("/periods/" + prev + "/results-template.xlsx")))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetList()[0]
		rows, _ := f.GetRows(sheet)
		for i := 2; i <= len(rows); i++ {
			f.SetCellValue(sheet, "D"+strconv.Itoa(i), 90)
		}
		f.SetCellValue(sheet, "D2", "优")
		f.SetCellValue(sheet, "D3", 120)
		bad := writeTemp(t, files, "results-bad.xlsx", f)
		b.run(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{bad}), chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#problems`)))
		if n := value(b, chromedp.Evaluate[int](`document.querySelectorAll('#problems tbody tr').length`)); n != 2 {
			t.Fatalf("problems table has %d rows, want 2", n)
		}
		if p := value(b, chromedp.Evaluate[int](`document.querySelector('progress[data-progress]').value`)); p != 100 {
			t.Fatalf("the progress bar stopped at %d", p)
		}
		var ups struct{ Total int }
		e.apiGet(hr1.EmployeeNo, "/api/v1/periods/"+prev+"/results/uploads", &ups)
		if ups.Total != 0 {
			t.Fatal("a refused upload was taken")
		}
		b.shoot("month-problems")
		f.SetCellValue(sheet, "D2", 96)
		f.SetCellValue(sheet, "D3", 88.5)
		good := writeTemp(t, files, "results-good.xlsx", f)
		b.run(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{good}), dropFlash(), chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)), chromedp.WaitVisible(chromedp.CSS(`#uploads`)))
		e.apiGet(hr1.EmployeeNo, "/api/v1/periods/"+prev+"/results/uploads", &ups)
		if ups.Total != 1 {
			t.Fatalf("uploads after the fixed file: %d", ups.Total)
		}
		b.shoot("month")
	})

	t.Run("HRClosesTheMonthAndDownloadsTheWorkbook", func(t *testing.T) {
		b.t = t
		b.page("/periods/" + prev + "/close")
		b.shoot("close")
		b.run(chromedp.Evaluate[chromedp.Void](`window.confirm = () => true; undefined`),
			chromedp.Click(chromedp.CSS(`input[name="confirm"]`)), dropFlash(), chromedp.Submit(chromedp.CSS(`form[action$="/close"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		var p struct{ State string }
		e.apiGet(hr1.EmployeeNo, "/api/v1/periods/"+prev, &p)
		if p.State != "closed" {
			t.Fatalf("API: month %s is %s", prev, p.State)
		}
		no := e.staff["D002"].EmployeeNo
		onPage := b.text(fmt.Sprintf(`[data-final="%s"]`, no))
		f, err := excelize.OpenReader(bytes.NewReader(b.download("/periods/" + prev + "/appraisal.xlsx")))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("考核表")
		if err != nil {
			t.Fatal(err)
		}
		var inBook string
		for i, r := range rows {
			if len(r) > 9 && r[1] == no {
				if inBook, err = f.CalcCellValue("考核表", "J"+strconv.Itoa(i+1)); err != nil || inBook == "" {
					inBook = r[9]
				}
			}
		}
		pf, err1 := strconv.ParseFloat(onPage, 64)
		bf, err2 := strconv.ParseFloat(inBook, 64)
		if err1 != nil || err2 != nil || pf != bf {
			t.Fatalf("final score of %s: page %q, workbook %q", no, onPage, inBook)
		}
		b.shoot("month-closed")
	})

	t.Run("HRImportsStaffAndSeesPasswordsOnce", func(t *testing.T) {
		b.t = t
		b.page("/staff")
		b.shoot("staff")
		b.page("/staff/import")
		b.shoot("staff-import")
		f, err := excelize.OpenReader(bytes.NewReader(b.download("/staff/import-template.xlsx")))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetList()[0]
		f.SetSheetRow(sheet, "A2", &[]any{"N101", "新同事甲", "SVC", "员工", "正式", "", "是", ""})
		f.SetSheetRow(sheet, "A3", &[]any{"N102", "新同事乙", "PROP", "员工", "派遣", "", "是", ""})
		p := writeTemp(t, files, "staff.xlsx", f)
		b.run(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{p}), chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#passwords`)))
		pw := value(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#passwords td.password')].map(x => x.textContent)`))
		if len(pw) != 2 || len(pw[0]) < 8 {
			t.Fatalf("one-time passwords: %q", pw)
		}
		b.shoot("staff-imported")
		// The password works once handed over, and is not shown again.
		if _, err := e.store.SignIn(ctx, "t", "N101", pw[0], "127.0.0.1", time.Hour); err != nil {
			t.Fatalf("the shown password does not sign in: %v", err)
		}
		b.page("/staff/import")
		if strings.Contains(b.text(`main`), pw[0]) {
			t.Fatal("the password is shown again")
		}
		list, _, _ := e.store.ListStaff(ctx, sys, models.StaffFilter{Query: "N101", Page: models.Page{Number: 1, Size: 1}})
		b.page(fmt.Sprintf("/staff/%d", list[0].ID))
		b.shoot("staff-edit")
		b.page("/staff/new")
		b.shoot("staff-new")
	})

	t.Run("SettingsPages", func(t *testing.T) {
		b.t = t
		b.signIn(e.staff["D030"].EmployeeNo)
		b.page("/settings")
		b.shoot("settings")
		b.run(chromedp.SendKeys(chromedp.CSS(`#hook_url`), "https://hooks.example.com/firstask"),
			chromedp.Submit(chromedp.CSS(`#webhook-form`)), chromedp.WaitVisible(chromedp.CSS(`#webhook-secret`)))
		hooks, _ := e.store.ListWebhooks(ctx, sys)
		if len(hooks) != 1 {
			t.Fatalf("webhooks: %d", len(hooks))
		}
		b.page(fmt.Sprintf("/settings/webhooks/%d", hooks[0].ID))
		b.shoot("deliveries")
	})

	t.Run("NoRequestToAnotherOrigin", func(t *testing.T) {
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.requests) < 20 {
			t.Fatalf("only %d requests recorded", len(b.requests))
		}
		for _, r := range b.requests {
			if strings.HasPrefix(r, "data:") || strings.HasPrefix(r, e.srv.URL+"/") || r == e.srv.URL {
				continue
			}
			t.Errorf("request to another origin: %s", r)
		}
	})
}
