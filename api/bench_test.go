package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
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
// through the real router (token check, validation, reference, timeline,
// SLA clock, audit chain, webhook outbox, the answer) and, in the same run,
// through a hand-written gin handler that does what such a registration
// must do at the least: look the token up, bind the same JSON and write
// the same rows in ONE transaction (the inquiry, its timeline entry, its
// handover clock, its row of service_totals and its two audit entries),
// one plain statement each, answering the inquiry. It
// reports our throughput as a fraction of the baseline's ("x_baseline",
// target ≥ 0.7). The inquiry stays open (no disposition), the case that
// starts a clock.
func BenchmarkCreateInquiry(b *testing.B) {
	e := newTestEnv(b)
	gin.SetMode(gin.ReleaseMode)
	router := e.srv.Handler()
	token := e.tokens["staffA"]
	body := []byte(`{"channel":"visit","category":"consultation","summary":"咨询办事流程及所需材料","visitor_name":"王伟","visitor_phone":"13800138000"}`)

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
	totals := "INSERT INTO service_totals (month, department_id, staff_id, clocks, received) VALUES (?, ?, ?, 1, 1) "
	if e.store.Dialect() == "sqlite" {
		totals += "ON CONFLICT (month, department_id, staff_id) DO UPDATE SET clocks = clocks + 1, received = received + 1"
	} else {
		totals += "ON DUPLICATE KEY UPDATE clocks = clocks + 1, received = received + 1"
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		b.Fatal(err)
	}
	bare := gin.New()
	seq := 0
	bare.POST("/inquiries", func(c *gin.Context) {
		now := e.store.Now()
		var who struct {
			ID           int64
			DepartmentID int64
		}
		tok, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if err := gdb.Raw("SELECT s.id, s.department_id FROM auth_tokens t JOIN staff s ON s.id = t.staff_id "+
			"WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND s.active = ?", models.HashToken(tok), now, true).
			Scan(&who).Error; err != nil || who.ID == 0 {
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		var in models.InquiryInput
		if err := c.ShouldBindJSON(&in); err != nil {
			c.AbortWithStatus(http.StatusBadRequest)
			return
		}
		seq++
		row := models.Inquiry{Ref: fmt.Sprintf("BENCH-%08d", seq), Channel: models.Channel(*in.Channel), ReceivedAt: now,
			FirstResponderID: who.ID, DepartmentID: who.DepartmentID, VisitorName: *in.VisitorName, VisitorPhone: *in.VisitorPhone,
			Category: models.Category(*in.Category), Summary: *in.Summary, Documents: []models.Document{}, Status: models.InquiryOpen,
			CreatedBy: who.ID, CreatedAt: now, UpdatedAt: now}
		err := gdb.Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			ev := models.InquiryEvent{InquiryID: row.ID, Kind: models.EventCreated, ActorID: &who.ID, OccurredAt: now}
			if err := tx.Create(&ev).Error; err != nil {
				return err
			}
			due := now.Add(2 * time.Hour)
			clk := models.SLAClock{ClockKey: fmt.Sprintf("bench:%d:handover:1", row.ID), Kind: models.ClockHandover, InquiryID: row.ID,
				OwnerID: &who.ID, DepartmentID: who.DepartmentID, State: models.ClockRunning, StartedAt: now, BudgetMS: 7200000,
				AnchorAt: now, AnchorLeftMS: 7200000, DeadlineAt: due, RemindAt: due.Add(-30 * time.Minute), CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&clk).Error; err != nil {
				return err
			}
			// The month's service totals of the first responder: one
			// inquiry received, one clock started.
			if err := tx.Exec(totals, now.In(shanghai).Format("2006-01"), who.DepartmentID, who.ID).Error; err != nil {
				return err
			}
			after, _ := json.Marshal(row)
			clock, _ := json.Marshal(clk)
			a1, a2 := string(after), string(clock)
			audits := []models.AuditEntry{
				{SegmentID: 1 << 40, Seq: int64(2*seq - 1), CreatedAt: now, ActorID: &who.ID, Action: "inquiry.create", Entity: "inquiry", EntityID: row.ID, After: &a1},
				{SegmentID: 1 << 40, Seq: int64(2 * seq), CreatedAt: now, ActorID: &who.ID, Action: "sla_clock.start", Entity: "sla_clock", EntityID: clk.ID, After: &a2},
			}
			for i := range audits {
				sum := sha256.Sum256([]byte(*audits[i].After))
				audits[i].Hash = hex.EncodeToString(sum[:])
			}
			return tx.Create(&audits).Error
		})
		if err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusCreated, row)
	})

	post := func(h http.Handler, path string) {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	const batch = 20 // requests per timed slice
	ours := func() {
		for range batch {
			post(router, "/api/v1/inquiries")
		}
	}
	base := func() {
		for range batch {
			post(bare, "/inquiries")
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
