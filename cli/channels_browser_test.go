package cli

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"firstask/models"
)

// TestBrowserChannelsPage: the demo's admin adds a DingTalk robot for
// 工程维修部 on /channels in chromium; the list shows it with its token
// hidden; the page is photographed.
func TestBrowserChannelsPage(t *testing.T) {
	chromium(t)
	e := newWebEnv(t)
	b := newBrowser(t, e.srv.URL)
	var admin models.Staff
	for _, s := range e.staff {
		if s.Role == models.RoleAdmin && s.EmployeeNo != "admin" {
			admin = s
		}
	}
	depts, err := e.store.ListDepartments(context.Background(), models.System("t"))
	if err != nil {
		t.Fatal(err)
	}
	eng := int64(0)
	for _, d := range depts {
		if d.Name == "工程维修部" {
			eng = d.ID
		}
	}
	if admin.ID == 0 || eng == 0 {
		t.Fatalf("demo admin %+v, 工程维修部 %d", admin, eng)
	}
	b.signIn(admin.EmployeeNo)
	b.run(chromedp.Navigate(e.srv.URL+"/channels"), chromedp.WaitVisible(chromedp.CSS(`#add-channel`)))
	b.shoot("channels-empty")
	b.run(chromedp.SetValue(chromedp.CSS(`#kind`), "dingtalk"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "工程维修群"),
		chromedp.SendKeys(chromedp.CSS(`#url`), "https://oapi.dingtalk.com/robot/send?access_token=tok123"),
		chromedp.SendKeys(chromedp.CSS(`#secret`), "SECabcdef"),
		chromedp.SetValue(chromedp.CSS(`#department_id`), strconv.FormatInt(eng, 10)),
		chromedp.Submit(chromedp.CSS(`#add-channel`)),
		chromedp.WaitVisible(chromedp.CSS(`table`)))
	row := b.text(`table tbody tr`)
	if !strings.Contains(row, "工程维修群") || !strings.Contains(row, "钉钉自定义机器人") || !strings.Contains(row, "工程维修部") ||
		!strings.Contains(row, "oapi.dingtalk.com") || strings.Contains(row, "tok123") {
		t.Fatalf("row: %s", row)
	}
	b.shoot("channels")
	chans, err := e.store.ListChannels(context.Background(), models.System("t"))
	if err != nil || len(chans) != 1 || chans[0].Kind != "dingtalk" || chans[0].DepartmentID == nil || *chans[0].DepartmentID != eng || !chans[0].Signed {
		t.Fatalf("stored: %+v %v", chans, err)
	}
}
