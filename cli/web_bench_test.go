package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// BenchmarkPageAgainstJSON serves 我登记的 (one ListInquiries call) and
// the API's GET /api/v1/inquiries with the same filter, alternately in the
// same run, on the seed generator's data, and reports the page's cost as a
// multiple of the JSON's (WEB.md: at most 1.5). Sizes: inquiries from
// FIRSTASK_BENCH_INQUIRIES (default 1,000,000), one staff member per 100
// inquiries up to 10,000.
func BenchmarkPageAgainstJSON(b *testing.B) {
	inquiries := 1000000
	if v := os.Getenv("FIRSTASK_BENCH_INQUIRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("FIRSTASK_BENCH_INQUIRIES=%q", v)
		}
		inquiries = n
	}
	clock := storetest.NewClock(time.Now())
	store := storetest.Open(b, models.Options{Now: clock.Now})
	ctx := context.Background()
	staff := min(10000, max(100, inquiries/100))
	rep, err := seed.Fill(ctx, store, seed.Options{Departments: max(2, staff/50), Staff: staff, Inquiries: inquiries, Conduct: inquiries / 5, Month: "2026-10", Seed: 1}, nil)
	if err != nil {
		b.Fatal(err)
	}
	clock.Set(rep.AsOf.Add(time.Hour))
	some, _, err := store.ListInquiries(ctx, models.System("bench"), models.InquiryFilter{Page: models.Page{Number: 1, Size: 1}})
	if err != nil || len(some) == 0 {
		b.Fatalf("no inquiries seeded: %v", err)
	}
	responder, err := store.GetStaff(ctx, models.System("bench"), some[0].FirstResponderID)
	if err != nil {
		b.Fatal(err)
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
	sess, err := store.Login(ctx, "bench", responder.EmployeeNo, seed.Password, time.Hour)
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
		r := httptest.NewRequest(http.MethodGet, "/inquiries", nil)
		r.AddCookie(&http.Cookie{Name: "fa_session", Value: sess.Token})
		return r
	}
	jsonReq := func() *http.Request {
		q := url.Values{"first_responder_id": {strconv.FormatInt(responder.ID, 10)}, "page_size": {"50"}}
		r := httptest.NewRequest(http.MethodGet, "/api/v1/inquiries?"+q.Encode(), nil)
		r.Header.Set("Authorization", "Bearer "+sess.Token)
		return r
	}
	// Both show the same inquiries.
	var list struct{ Items []struct{ Ref string } }
	if err := json.Unmarshal(serve(jsonReq()).Body.Bytes(), &list); err != nil || len(list.Items) == 0 {
		b.Fatalf("JSON list: %v", err)
	}
	if body := serve(pageReq()).Body.String(); !strings.Contains(body, list.Items[0].Ref) {
		b.Fatalf("the page lacks %s", list.Items[0].Ref)
	}
	var pageTime, jsonTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		serve(pageReq())
		t1 := time.Now()
		serve(jsonReq())
		jsonTime += time.Since(t1)
		pageTime += t1.Sub(t0)
	}
	b.ReportMetric(float64(pageTime.Nanoseconds())/float64(b.N), "page-ns/op")
	b.ReportMetric(float64(jsonTime.Nanoseconds())/float64(b.N), "json-ns/op")
	b.ReportMetric(float64(pageTime)/float64(jsonTime), "page/json")
}
