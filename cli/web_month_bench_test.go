package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"firstask/api"
	"firstask/models"
	"firstask/models/storetest"
	"firstask/seed"
	"firstask/web"
)

// BenchmarkMonthPageAgainstJSON serves HR's month page (考核周期 2026-10,
// first page of 50 scores, with the month's figures and upload history)
// and the API's GET /api/v1/periods/2026-10/scores?page_size=50 alternately
// on the seed generator's data, and reports the page's cost as a multiple
// of the JSON's (WEB.md: at most 1.5). Staff from FIRSTASK_BENCH_SCORE_STAFF
// (default 10,000; CI sets it small), 20 conduct records per person.
func BenchmarkMonthPageAgainstJSON(b *testing.B) {
	staff := 10000
	if v := os.Getenv("FIRSTASK_BENCH_SCORE_STAFF"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 10 {
			b.Fatalf("FIRSTASK_BENCH_SCORE_STAFF=%q", v)
		}
		staff = n
	}
	clock := storetest.NewClock(time.Now())
	store := storetest.Open(b, models.Options{Now: clock.Now})
	ctx := context.Background()
	rep, err := seed.Fill(ctx, store, seed.Options{Departments: max(2, staff/50), Staff: staff, Inquiries: staff, Conduct: staff * 10, Praise: staff * 10, Month: "2026-10", Seed: 1}, nil)
	if err != nil {
		b.Fatal(err)
	}
	clock.Set(rep.AsOf.Add(time.Hour))
	hrs, _, err := store.ListStaff(ctx, models.System("bench"), models.StaffFilter{Role: models.RoleHR, Page: models.Page{Number: 1, Size: 1}})
	if err != nil || len(hrs) == 0 {
		b.Fatalf("no HR officer seeded: %v", err)
	}
	a, err := api.New(store, api.Options{})
	if err != nil {
		b.Fatal(err)
	}
	pages, err := web.New(store, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := web.Mount(a.Handler(), pages)
	sess, err := store.Login(ctx, "bench", hrs[0].EmployeeNo, seed.Password, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	serve := func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d", r.URL, w.Code)
		}
		return w
	}
	pageReq := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/periods/2026-10", nil)
		r.AddCookie(&http.Cookie{Name: "fa_session", Value: sess.Token})
		return r
	}
	jsonReq := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/periods/2026-10/scores?page_size=50", nil)
		r.Header.Set("Authorization", "Bearer "+sess.Token)
		return r
	}
	// Both show the same people with the same final scores.
	var list struct {
		Items []struct {
			EmployeeNo string  `json:"employee_no"`
			Final      float64 `json:"final"`
		}
	}
	if err := json.Unmarshal(serve(jsonReq()).Body.Bytes(), &list); err != nil || len(list.Items) == 0 {
		b.Fatalf("JSON scores: %v", err)
	}
	body := serve(pageReq()).Body.String()
	for _, it := range list.Items {
		cell := `data-final="` + it.EmployeeNo + `">` + strconv.FormatFloat(it.Final, 'f', -1, 64) + "<"
		if !strings.Contains(body, cell) {
			b.Fatalf("the page lacks %s", cell)
		}
	}
	var pageTime, jsonTime time.Duration
	b.ResetTimer()
	// The order alternates, so that neither call always finds the
	// database's pages warmed by the other.
	for i := 0; i < b.N; i++ {
		first, second := pageReq, jsonReq
		if i%2 == 1 {
			first, second = jsonReq, pageReq
		}
		t0 := time.Now()
		serve(first())
		t1 := time.Now()
		serve(second())
		d1, d2 := t1.Sub(t0), time.Since(t1)
		if i%2 == 1 {
			d1, d2 = d2, d1
		}
		pageTime += d1
		jsonTime += d2
	}
	b.ReportMetric(float64(pageTime.Nanoseconds())/float64(b.N), "page-ns/op")
	b.ReportMetric(float64(jsonTime.Nanoseconds())/float64(b.N), "json-ns/op")
	b.ReportMetric(float64(pageTime)/float64(jsonTime), "page/json")
}
