package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"firstask/models"
	"firstask/scoring"
)

// TestBrowserRulesPreview walks issue 18's page in chromium as the admin:
// last month holds a few verified violations and praise; the admin edits
// the draft in the textarea (the 2-point types at 3, the praise cap at 8),
// previews last month, sees the same number of changes as the store's
// preview, and saves the draft as a new version.
func TestBrowserRulesPreview(t *testing.T) {
	chromium(t)
	e := newWebEnv(t)
	ctx := context.Background()
	actor := func(no string) models.Actor {
		s := e.staff[no]
		return models.Actor{StaffID: s.ID, Role: s.Role, DepartmentID: s.DepartmentID}
	}
	cur := scoring.MonthOf(e.store.Now(), e.store.Location())
	last := cur.Prev()
	at := last.Start(e.store.Location()).Add(3*24*time.Hour + 10*time.Hour)
	for i, no := range []string{"D002", "D003", "D004"} {
		when := at.Add(time.Duration(i) * time.Hour)
		v, err := e.store.ReportViolation(ctx, actor("D001"), models.ViolationInput{StaffID: e.staff[no].ID,
			Type: scoring.ViolationLateReferral, Severity: scoring.SeverityOrdinary, OccurredAt: &when, Description: "移交超时"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.VerifyViolation(ctx, actor("D028"), v.ID, models.DecisionInput{Note: "属实"}); err != nil {
			t.Fatal(err)
		}
	}
	for d := range 6 {
		when := at.Add(time.Duration(d) * 24 * time.Hour)
		if _, err := e.store.RecordPraise(ctx, actor("D001"), models.PraiseInput{StaffID: e.staff["D005"].ID,
			Kind: scoring.PraiseSupervisor, OccurredAt: &when, Reason: "耐心解答"}); err != nil {
			t.Fatal(err)
		}
	}

	b := newBrowser(t, e.srv.URL)
	b.signIn("D030")
	b.run(chromedp.Navigate(e.srv.URL+"/rules/preview"), chromedp.WaitVisible(chromedp.CSS(`#rules`)))
	b.shoot("rules-preview")
	b.run(chromedp.Evaluate[chromedp.Void](`(() => { const t = document.getElementById('rules');
		const r = JSON.parse(t.value); for (const k of ['late_referral', 'late_contact', 'no_feedback', 'other']) r.points[k] = 3;
		r.praise_cap = 8; t.value = JSON.stringify(r, null, 2); })()`),
		chromedp.Click(chromedp.CSS(`form[action="/rules/preview"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview`)))
	b.shoot("rules-preview-result")

	draft := scoring.DefaultRuleSet()
	for _, vt := range []scoring.ViolationType{scoring.ViolationLateReferral, scoring.ViolationLateContact, scoring.ViolationNoFeedback, scoring.ViolationOther} {
		draft.Points[vt] = 3
	}
	draft.PraiseCap = 8
	doc, _ := json.Marshal(draft)
	want, err := e.store.PreviewRules(ctx, actor("D028"), models.RulePreviewInput{Rules: doc, Months: []string{last.String()}}, models.PreviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.text(`#changed`); got != strconv.Itoa(want.Months[0].Changed) || want.Months[0].Changed != 4 {
		t.Fatalf("page shows %s changed, the store %d (want 4: three violations, one capped praise)", got, want.Months[0].Changed)
	}
	if rows := b.text(`#changes tbody`); !strings.Contains(rows, e.staff["D005"].EmployeeNo) || !strings.Contains(rows, e.staff["D002"].EmployeeNo) {
		t.Fatalf("changed people listed: %q", rows)
	}
	if button := b.text(`form[action="/rules/preview.xlsx"] button[type=submit]`); button != "下载预览工作簿" {
		t.Fatalf("the preview workbook's download button reads %q", button)
	}

	b.run(chromedp.Click(chromedp.CSS(`form[action="/rules/preview/save"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	v, err := e.store.EffectiveRules(ctx, actor("D028"), cur.Next())
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 2 || v.Rules.PraiseCap != 8 || v.Rules.Points[scoring.ViolationLateContact] != 3 {
		t.Fatalf("saved version: %+v", v)
	}
	if flash := b.text(`.flash`); !strings.Contains(flash, "第 2 版") {
		t.Fatalf("flash %q", flash)
	}
}
