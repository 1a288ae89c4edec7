package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/glebarez/sqlite"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"firstask/models"
)

// BenchmarkCreateInquiry registers inquiries with POST /api/v1/inquiries
// through the real router (token check, validation, reference counter,
// timeline, audit chain, webhook outbox, the detail read back) and, in the
// same run, through a bare gin handler that binds the same JSON and does
// one GORM insert of the same row. It reports our throughput as a fraction
// of the baseline's ("x_baseline", target ≥ 0.7). The inquiry is settled at
// the desk (resolved_on_spot), the commonest case: no SLA clock starts.
func BenchmarkCreateInquiry(b *testing.B) {
	e := newTestEnv(b)
	gin.SetMode(gin.ReleaseMode)
	router := e.srv.Handler()
	token := e.tokens["staffA"]
	body := []byte(`{"channel":"visit","category":"consultation","summary":"咨询办事流程及所需材料","visitor_name":"王伟","visitor_phone":"13800138000","disposition":"resolved_on_spot"}`)

	// The baseline shares the store's connection pool.
	sqlDB, err := e.store.SQLDB()
	if err != nil {
		b.Fatal(err)
	}
	gcfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true}
	var gdb *gorm.DB
	if e.store.Dialect() == "sqlite" {
		gdb, err = gorm.Open(&sqlite.Dialector{Conn: sqlDB}, gcfg)
	} else {
		gdb, err = gorm.Open(mysql.New(mysql.Config{Conn: sqlDB, DisableWithReturning: true}), gcfg)
	}
	if err != nil {
		b.Fatal(err)
	}
	staff := e.users["staffA"]
	bare := gin.New()
	seq := 0
	bare.POST("/inquiries", func(c *gin.Context) {
		var in models.InquiryInput
		if err := c.ShouldBindJSON(&in); err != nil {
			c.AbortWithStatus(http.StatusBadRequest)
			return
		}
		seq++
		now := time.Now().UTC()
		row := models.Inquiry{Ref: fmt.Sprintf("BENCH-%08d", seq), Channel: models.Channel(*in.Channel), ReceivedAt: now,
			FirstResponderID: staff.ID, DepartmentID: staff.DepartmentID, VisitorName: *in.VisitorName, VisitorPhone: *in.VisitorPhone,
			Category: models.Category(*in.Category), Summary: *in.Summary, Disposition: models.Disposition(*in.Disposition),
			Documents: []models.Document{}, Status: models.InquiryClosed, ResolvedAt: &now, ClosedAt: &now,
			ResolvedBy: &staff.ID, ClosedBy: &staff.ID, CreatedBy: staff.ID, CreatedAt: now, UpdatedAt: now}
		if err := gdb.Create(&row).Error; err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusCreated, row)
	})

	post := func(h http.Handler, path, token string) {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	const batch = 20 // requests per timed slice
	ours := func() {
		for range batch {
			post(router, "/api/v1/inquiries", token)
		}
	}
	base := func() {
		for range batch {
			post(bare, "/inquiries", "")
		}
	}
	var o, bl time.Duration
	for b.Loop() {
		o1, b1 := timeBoth(ours, base)
		o, bl = o+o1, bl+b1
	}
	n := float64(b.N * batch)
	b.ReportMetric(float64(bl)/float64(o), "x_baseline")
	b.ReportMetric(n/o.Seconds(), "req/s")
	b.ReportMetric(n/bl.Seconds(), "baseline-req/s")
}

// timeBoth times ours and the baseline alternately (ours, baseline,
// baseline, ours) and keeps the faster run of each, so that a pause of the
// shared machine does not land on one side only.
func timeBoth(ours, baseline func()) (time.Duration, time.Duration) {
	timed := func(fn func()) time.Duration {
		start := time.Now()
		fn()
		return time.Since(start)
	}
	o1 := timed(ours)
	b1 := timed(baseline)
	b2 := timed(baseline)
	o2 := timed(ours)
	return min(o1, o2), min(b1, b2)
}
