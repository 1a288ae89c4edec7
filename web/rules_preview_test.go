package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"firstask/models"
	"firstask/scoring"
)

// whatIfDraft is the default rules with the 2-point violation types at 3
// and the praise cap at 8 (issue 18's question).
func whatIfDraft(t *testing.T) string {
	r := scoring.DefaultRuleSet()
	for _, vt := range []scoring.ViolationType{scoring.ViolationLateReferral, scoring.ViolationLateContact, scoring.ViolationNoFeedback, scoring.ViolationOther} {
		r.Points[vt] = 3
	}
	r.PraiseCap = 8
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRulesPreviewPage walks the page in its order: HR and the admin edit
// a draft prefilled with the rules in force and preview it on last month
// (the figures those of the store's preview); a bad draft shows its
// problems by path; only the admin saves, and what is saved is the draft
// previewed. Staff and supervisors get 404.
func TestRulesPreviewPage(t *testing.T) {
	e := newTestEnv(t, Options{})
	ctx := context.Background()
	cur := scoring.MonthOf(e.store.Now(), e.store.Location())
	last := cur.Prev().String()
	draft := whatIfDraft(t)

	for _, no := range []string{"D002", "D001"} {
		c := e.signedIn(no)
		if resp, _ := c.get("/rules/preview"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s (%s) GET: %d", no, e.staff[no].Role, resp.StatusCode)
		}
		if resp, _ := c.post("/rules/preview", url.Values{"rules": {draft}, "month": {last}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s (%s) POST: %d", no, e.staff[no].Role, resp.StatusCode)
		}
	}

	hr := e.signedIn("D028")
	resp, body := hr.get("/rules/preview")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `&#34;praise_cap&#34;: 10`) || !strings.Contains(body, `value="`+last+`"`) {
		t.Fatalf("HR's editor: %d, prefilled rules or last month missing", resp.StatusCode)
	}
	resp, body = hr.post("/rules/preview", url.Values{"rules": {draft}, "month": {last}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HR's preview: %d", resp.StatusCode)
	}
	want, err := e.store.PreviewRules(ctx, models.System("test"), models.RulePreviewInput{Rules: json.RawMessage(draft), Months: []string{last}}, models.PreviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := regexp.MustCompile(`id="changed">(\d+)<`).FindStringSubmatch(body); got == nil || got[1] != itoa(int64(want.Months[0].Changed)) {
		t.Fatalf("page says %v changed, the store %d", got, want.Months[0].Changed)
	}
	for _, c := range want.Months[0].Changes {
		if !strings.Contains(body, "<td>"+c.EmployeeNo+"</td>") {
			t.Errorf("changed person %s not listed", c.EmployeeNo)
		}
	}
	if strings.Contains(body, `action="/rules/preview/save"`) {
		t.Fatal("HR is offered the save form")
	}
	if resp, _ := hr.post("/rules/preview/save", url.Values{"previewed": {draft}, "effective_from": {cur.Next().String()}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("HR saving: %d", resp.StatusCode)
	}

	admin := e.signedIn("D030")
	bad := strings.Replace(draft, `"buck_passing":5`, `"buck_passing":-5`, 1)
	resp, body = admin.post("/rules/preview", url.Values{"rules": {bad}, "month": {last}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "rules.points.buck_passing") || strings.Contains(body, `id="preview"`) {
		t.Fatalf("bad draft: %d", resp.StatusCode)
	}
	resp, body = admin.post("/rules/preview", url.Values{"rules": {draft}, "month": {last}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/rules/preview/save"`) {
		t.Fatalf("admin's preview: %d, no save form", resp.StatusCode)
	}
	m := regexp.MustCompile(`name="previewed" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil || html.UnescapeString(m[1]) != draft {
		t.Fatal("the save form does not carry the previewed draft")
	}
	// A closed or bad month answers next to the save form; a good one saves.
	resp, body = admin.post("/rules/preview/save", url.Values{"previewed": {draft}, "month": {last}, "effective_from": {"2026-13"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "effective_from") {
		t.Fatalf("bad effective_from: %d", resp.StatusCode)
	}
	resp, _ = admin.post("/rules/preview/save", url.Values{"previewed": {html.UnescapeString(m[1])}, "month": {last},
		"effective_from": {cur.Next().String()}, "note": {"verbal 3, praise cap 8"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	v, err := e.store.EffectiveRules(ctx, models.System("test"), cur.Next())
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 2 || v.Rules.PraiseCap != 8 || v.Rules.Points[scoring.ViolationLateReferral] != 3 || v.Note != "verbal 3, praise cap 8" {
		t.Fatalf("saved: %+v", v)
	}
	if _, body := admin.get("/rules/preview"); !strings.Contains(body, "已保存为规则第 2 版") {
		t.Fatal("no flash after saving")
	}
}

// TestRulesPreviewWorkbookDownload downloads the preview workbook from the
// page (issue 18): the preview carries a form with the draft previewed and
// the month, and its workbook lists everyone of that month before and
// after as the store's preview does, changed first. Staff and supervisors
// get 404; a bad draft shows the page with its problems.
func TestRulesPreviewWorkbookDownload(t *testing.T) {
	e := newTestEnv(t, Options{})
	cur := scoring.MonthOf(e.store.Now(), e.store.Location())
	last := cur.Prev().String()
	// A base 5 lower moves everyone whose month has no uploaded base score.
	r := scoring.DefaultRuleSet()
	r.DefaultBase -= 5
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	draft := string(b)

	for _, no := range []string{"D002", "D001"} {
		c := e.signedIn(no)
		if resp, _ := c.post("/rules/preview.xlsx", url.Values{"rules": {draft}, "month": {last}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s (%s): %d", no, e.staff[no].Role, resp.StatusCode)
		}
	}

	hr := e.signedIn("D028")
	resp, body := hr.post("/rules/preview", url.Values{"rules": {draft}, "month": {last}})
	form := regexp.MustCompile(`(?s)<form method="post" action="/rules/preview.xlsx"[^>]*>(.*?)</form>`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || form == nil {
		t.Fatalf("preview: %d, download form present %v", resp.StatusCode, form != nil)
	}
	rules := regexp.MustCompile(`name="rules" value="([^"]*)"`).FindStringSubmatch(form[1])
	month := regexp.MustCompile(`name="month" value="([^"]*)"`).FindStringSubmatch(form[1])
	if rules == nil || html.UnescapeString(rules[1]) != draft || month == nil || month[1] != last {
		t.Fatal("the download form does not carry the previewed draft and month")
	}

	resp, wb := hr.post("/rules/preview.xlsx", url.Values{"rules": {html.UnescapeString(rules[1])}, "month": {month[1]}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "rule-preview-"+last+".xlsx") {
		t.Fatalf("download: %d, %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(strings.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := e.store.PreviewRules(context.Background(), models.System("test"), models.RulePreviewInput{Rules: json.RawMessage(draft), Months: []string{last}}, models.PreviewOptions{Everyone: true})
	if err != nil {
		t.Fatal(err)
	}
	m := want.Months[0]
	if m.Changed == 0 || len(m.Everyone) != m.People {
		t.Fatalf("the fixture's preview changes nobody or lists %d of %d", len(m.Everyone), m.People)
	}
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "汇总" || got[1] != last {
		t.Fatalf("sheets %v", got)
	}
	cell := func(sheet, ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if a, e := cell("汇总", "A4"), cell("汇总", "E4"); a != last || e != itoa(int64(m.Changed)) {
		t.Errorf("summary: month %q changed %q, want %s and %d", a, e, last, m.Changed)
	}
	for i, p := range m.Everyone {
		row := 4 + i
		got := []string{cell(last, fmt.Sprintf("A%d", row)), cell(last, fmt.Sprintf("B%d", row)), cell(last, fmt.Sprintf("E%d", row))}
		if exp := []string{p.EmployeeNo, p.Name, fmt.Sprintf("%.2f", p.After.Final)}; fmt.Sprint(got) != fmt.Sprint(exp) {
			t.Errorf("row %d: %q, want %q", row, got, exp)
		}
	}

	bad := strings.Replace(draft, `"buck_passing":5`, `"buck_passing":-5`, 1)
	resp, body = hr.post("/rules/preview.xlsx", url.Values{"rules": {bad}, "month": {last}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "rules.points.buck_passing") || strings.Contains(resp.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("bad draft: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
