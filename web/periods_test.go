package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"firstask/scoring"
)

// postFile sends a workbook as the page's upload form does.
func (c *client) postFile(path string, name string, data []byte) (*http.Response, string) {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp, b.String()
}

// TestMonthResultsUploadAndClose: HR downloads the template, uploads it
// with two bad rows and sees them as a table with nothing taken, uploads the
// fixed file, sees it in the history, and closes the month after a
// confirmation; the workbook downloads; supervisors read their department
// only and cannot upload or close; staff get 404.
func TestMonthResultsUploadAndClose(t *testing.T) {
	e := newTestEnv(t, Options{})
	cur := scoring.MonthOf(e.store.Now(), e.store.Location())
	prev := cur.AddMonths(-1).String()
	hr := e.signedIn("D028")
	if _, body := hr.get("/periods"); !strings.Contains(body, `href="/periods/`+cur.String()+`"`) {
		t.Fatal("the months list lacks the current month")
	}
	resp, tpl := hr.get("/periods/" + prev + "/results-template.xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("template: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(strings.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	rows, _ := f.GetRows(sheet)
	for i := 2; i <= len(rows); i++ {
		f.SetCellValue(sheet, "D"+strconv.Itoa(i), 90)
	}
	f.SetCellValue(sheet, "D2", "很好")
	f.SetCellValue(sheet, "D3", 150)
	var bad bytes.Buffer
	f.Write(&bad)
	resp, body := hr.postFile("/periods/"+prev+"/results", "results.xlsx", bad.Bytes())
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="problems"`) || strings.Count(body, "<tr><td class=\"num\">") != 2 {
		t.Fatalf("bad upload: %d, want the two problems as a table: %s", resp.StatusCode, body[strings.Index(body, "<main"):])
	}
	if strings.Contains(body, `id="uploads"`) {
		t.Fatal("a refused upload was taken")
	}
	f.SetCellValue(sheet, "D2", 95)
	f.SetCellValue(sheet, "D3", 88.5)
	var good bytes.Buffer
	f.Write(&good)
	if resp, _ := hr.postFile("/periods/"+prev+"/results", "results.xlsx", good.Bytes()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good upload: %d", resp.StatusCode)
	}
	if _, body := hr.get("/periods/" + prev); !strings.Contains(body, `id="uploads"`) || !strings.Contains(body, "results.xlsx") {
		t.Fatal("the upload is not in the history")
	}
	sup := e.signedIn("D001")
	if resp, body := sup.get("/periods/" + prev); resp.StatusCode != http.StatusOK || strings.Contains(body, "D011") || strings.Contains(body, `id="results"`) {
		t.Fatalf("supervisor's month page: %d (another department's people or the upload shown)", resp.StatusCode)
	}
	if resp, _ := sup.get("/periods/" + prev + "/close"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("supervisor's close page: %d", resp.StatusCode)
	}
	staff := e.signedIn("D003")
	if resp, _ := staff.get("/periods"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("staff's months: %d", resp.StatusCode)
	}
	resp, body = hr.get("/periods/" + prev + "/close")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "结账将冻结") {
		t.Fatalf("close page: %d", resp.StatusCode)
	}
	if strings.Contains(body, `id="blockers"`) {
		t.Fatalf("%s is blocked: %s", prev, body[strings.Index(body, `id="blockers"`):])
	}
	if resp, _ := hr.post("/periods/"+prev+"/close", url.Values{}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("close without the confirmation: %d", resp.StatusCode)
	}
	if resp, _ := hr.post("/periods/"+prev+"/close", url.Values{"confirm": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", resp.StatusCode)
	}
	if _, body := hr.get("/periods/" + prev + "/close"); !strings.Contains(body, "本月已结账") {
		t.Fatal("a closed month does not say so on the close page")
	}
	resp, wb := hr.get("/periods/" + prev + "/appraisal.xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("appraisal: %d", resp.StatusCode)
	}
	if _, err := excelize.OpenReader(strings.NewReader(wb)); err != nil {
		t.Fatal(err)
	}
}
