package webhook

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"firstask/models"
	"firstask/models/storetest"
)

// hook registers a webhook at url and queues one event for it.
func hook(t *testing.T, s *models.Store, staff map[string]models.Staff, url string) models.CreatedWebhook {
	t.Helper()
	ctx := context.Background()
	sec := "0123456789abcdef-secret"
	w, err := s.CreateWebhook(ctx, models.System("t"), models.WebhookInput{URL: url, Secret: &sec, Events: []string{"inquiry.created"}})
	if err != nil {
		t.Fatal(err)
	}
	ch, cat, sum, phone := "phone", "consultation", "咨询", "13800138000"
	if _, err := s.CreateInquiry(ctx, actorOf(staff["clerk"]), models.InquiryInput{Channel: &ch, Category: &cat, Summary: &sum, VisitorPhone: &phone}); err != nil {
		t.Fatal(err)
	}
	return w
}

func lastLog(t *testing.T, s *models.Store, id int64) models.DeliveryLog {
	t.Helper()
	log, total, err := s.ListDeliveries(context.Background(), models.System("t"), id, models.Page{Number: 1, Size: 10})
	if err != nil || total == 0 {
		t.Fatalf("delivery log: %d entries, %v", total, err)
	}
	return log[0]
}

// TestInternalTargetsRefused: loopback (the service itself, by name or by
// address), link-local metadata and private addresses are refused when
// the connection is made, the receiver never hears a thing, and the log
// says only that the policy refused the target.
func TestInternalTargetsRefused(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	for _, c := range []struct {
		name, url string
		policy    Targets
	}{
		{"loopback address", srv.URL, Targets{}},
		// A name resolving to loopback (as a rebinding DNS answer would).
		{"loopback by name", "http://localhost:" + strconv.Itoa(port) + "/", Targets{}},
		{"the service's own port", srv.URL, Targets{AllowLoopback: true, OwnPort: port}},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/", Targets{AllowPrivate: true, AllowLoopback: true}},
		{"private range without the setting", "http://10.0.0.1:9/", Targets{}},
		{"IPv4-mapped loopback", "http://[::ffff:127.0.0.1]:" + strconv.Itoa(port) + "/", Targets{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC))
			s, staff, _ := org(t, clock)
			w := hook(t, s, staff, c.url)
			sender := New(s, Options{Now: clock.Now, Targets: c.policy, Timeout: 2 * time.Second})
			if n, err := sender.RunOnce(context.Background(), clock.Now()); err != nil || n != 1 {
				t.Fatalf("%d attempted, %v", n, err)
			}
			if got := lastLog(t, s, w.ID); got.StatusCode != 0 || got.Error != "target address refused by policy" {
				t.Fatalf("log %+v", got)
			}
		})
	}
	if hits.Load() != 0 {
		t.Fatalf("the receiver was reached %d times", hits.Load())
	}
}

func TestTargetPolicy(t *testing.T) {
	for _, c := range []struct {
		addr string
		p    Targets
		ok   bool
	}{
		{"93.184.216.34", Targets{}, true},
		{"127.0.0.1", Targets{}, false},
		{"::1", Targets{}, false},
		{"0.0.0.0", Targets{AllowLoopback: true, AllowPrivate: true}, false},
		{"169.254.169.254", Targets{AllowLoopback: true, AllowPrivate: true}, false},
		{"100.100.100.200", Targets{AllowPrivate: true}, false},
		{"fe80::1", Targets{AllowPrivate: true}, false},
		{"192.168.1.20", Targets{}, false},
		{"192.168.1.20", Targets{AllowPrivate: true}, true},
		{"fd12::1", Targets{AllowPrivate: true}, true},
		{"::ffff:10.1.2.3", Targets{}, false},
	} {
		err := c.p.Check(netip.MustParseAddr(c.addr), 443)
		if (err == nil) != c.ok {
			t.Errorf("%s with %+v: %v, want allowed=%v", c.addr, c.p, err, c.ok)
		}
	}
}

// TestRedirectsNotFollowed: a receiver answering 302 towards an internal
// address does not get the sender to go there.
func TestRedirectsNotFollowed(t *testing.T) {
	var inner atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { inner.Add(1) }))
	defer internal.Close()
	outer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL+"/admin", http.StatusFound)
	}))
	defer outer.Close()
	clock := storetest.NewClock(time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC))
	s, staff, _ := org(t, clock)
	w := hook(t, s, staff, outer.URL)
	if _, err := New(s, Options{Now: clock.Now, Targets: loopbackOK}).RunOnce(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := lastLog(t, s, w.ID); got.StatusCode != 302 || got.Error != "receiver answered 302 (redirects are not followed)" {
		t.Fatalf("log %+v", got)
	}
	if inner.Load() != 0 {
		t.Fatal("the redirect was followed")
	}
}

// TestErrorsDoNotScanPorts: a closed port and a port that never answers
// read the same in the delivery log kind-wise, never the network's words.
func TestErrorsDoNotScanPorts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	clock := storetest.NewClock(time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC))
	s, staff, _ := org(t, clock)
	w := hook(t, s, staff, "http://"+closed+"/")
	if _, err := New(s, Options{Now: clock.Now, Targets: loopbackOK}).RunOnce(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	got := lastLog(t, s, w.ID)
	if got.Error != "connection failed" || strings.Contains(got.Error, "refused") || strings.Contains(got.Error, "127.0.0.1") {
		t.Fatalf("log %+v", got)
	}
}

// TestCredentialsRedacted: a URL's password and query tokens are not shown
// back (creation answer, list, audit) but are still used for delivery.
func TestCredentialsRedacted(t *testing.T) {
	var gotQuery atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		gotQuery.Store(r.URL.RawQuery + " " + u + ":" + p)
		w.WriteHeader(204)
	}))
	defer srv.Close()
	clock := storetest.NewClock(time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC))
	s, staff, _ := org(t, clock)
	raw := strings.Replace(srv.URL, "http://", "http://bot:hunter2@", 1) + "/send?access_token=tok-SECRET-1&x=1"
	w := hook(t, s, staff, raw)
	ctx := context.Background()
	list, err := s.ListWebhooks(ctx, models.System("t"))
	if err != nil {
		t.Fatal(err)
	}
	audit, _, err := s.ListAudit(ctx, models.System("t"), models.AuditFilter{Entity: "webhook", EntityID: w.ID, Page: models.Page{Number: 1, Size: 10}})
	if err != nil || len(audit) == 0 {
		t.Fatal(err)
	}
	for _, shown := range []string{w.URL, list[0].URL, string(mustJSON(t, audit[0]))} {
		if strings.Contains(shown, "hunter2") || strings.Contains(shown, "tok-SECRET-1") {
			t.Fatalf("credentials shown: %s", shown)
		}
	}
	if !strings.Contains(w.URL, "access_token=***") {
		t.Fatalf("redacted URL %s", w.URL)
	}
	if _, err := New(s, Options{Now: clock.Now, Targets: loopbackOK}).RunOnce(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if q, _ := gotQuery.Load().(string); q != "access_token=tok-SECRET-1&x=1 bot:hunter2" {
		t.Fatalf("receiver got %q", q)
	}
}

// TestReplayRefused: the timestamp is part of what is signed; an old
// delivery, or one whose t was changed, fails verification.
func TestReplayRefused(t *testing.T) {
	body := []byte(`{"id":"evt_1"}`)
	sent := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	h := Sign("s3cret-s3cret-s3cret", sent, body)
	if err := Verify("s3cret-s3cret-s3cret", h, body, sent.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := Verify("s3cret-s3cret-s3cret", h, body, sent.Add(time.Hour), 5*time.Minute); err == nil {
		t.Fatal("an hour-old delivery verified")
	}
	forged := strings.Replace(h, "t="+strconv.FormatInt(sent.Unix(), 10), "t="+strconv.FormatInt(sent.Add(time.Hour).Unix(), 10), 1)
	if err := Verify("s3cret-s3cret-s3cret", forged, body, sent.Add(time.Hour), 5*time.Minute); err == nil {
		t.Fatal("a moved timestamp verified")
	}
	if err := Verify("s3cret-s3cret-s3cret", h, []byte(`{"id":"evt_2"}`), sent, 5*time.Minute); err == nil {
		t.Fatal("another body verified")
	}
}

// syncClock is a clock the receiver may advance from its own goroutine.
type syncClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *syncClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *syncClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestClaimFitsTheLease: a receiver that takes the whole timeout for each
// of 30 events. A round claims only what it can post inside its lease, and
// posts nothing that could outlive it, so a second sender claiming after
// the lease never posts an event the first is still posting; every
// attempt is logged at the time it was made.
func TestClaimFitsTheLease(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	clock := &syncClock{t: start}
	s, staff, _ := org(t, storetest.NewClock(start))
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		clock.Advance(10 * time.Second) // as slow as the timeout allows
		w.WriteHeader(204)
	}))
	defer srv.Close()
	w := hook(t, s, staff, srv.URL)
	ctx := context.Background()
	for i := 0; i < 29; i++ {
		ch, cat, sum, phone := "phone", "consultation", "咨询", "13800138000"
		if _, err := s.CreateInquiry(ctx, actorOf(staff["clerk"]), models.InquiryInput{Channel: &ch, Category: &cat, Summary: &sum, VisitorPhone: &phone}); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Now: clock.Now, Targets: loopbackOK, Lease: time.Minute, Timeout: 10 * time.Second, Batch: 50}
	sender := New(s, opts)
	if sender.opts.Batch != 5 {
		t.Fatalf("batch %d for a 1 min lease at 10 s, want 5", sender.opts.Batch)
	}
	n, err := sender.RunOnce(ctx, clock.Now())
	if err != nil || n != 5 {
		t.Fatalf("%d attempted (%v), want 5", n, err)
	}
	if got := clock.Now().Sub(start); got > opts.Lease {
		t.Fatalf("the round took %s, longer than the lease", got)
	}
	// A second sender at the end of the lease finds nothing of the first
	// round still claimed (all settled) and posts only the next events.
	n2, err := New(s, opts).RunOnce(ctx, clock.Now())
	if err != nil || n2 != 5 {
		t.Fatalf("second round %d attempted (%v)", n2, err)
	}
	// Attempt times: 10 s apart, as posted, not all at claim time.
	log, total, err := s.ListDeliveries(ctx, models.System("t"), w.ID, models.Page{Number: 1, Size: 100})
	if err != nil || total != 10 {
		t.Fatalf("%d log entries (%v)", total, err)
	}
	for i, e := range log {
		if want := start.Add(time.Duration(9-i) * 10 * time.Second); !e.AttemptedAt.Equal(want) {
			t.Fatalf("entry %d attempted at %s, want %s", i, e.AttemptedAt, want)
		}
	}
	if hits.Load() != 10 {
		t.Fatalf("%d posts", hits.Load())
	}
}

// TestLongErrorCutByCharacters: a 600-character Chinese error is stored as
// its first 500 characters, still valid UTF-8 (cutting bytes split a
// character, which MariaDB refuses).
func TestLongErrorCutByCharacters(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC))
	s, staff, _ := org(t, clock)
	w := hook(t, s, staff, "http://192.0.2.1/")
	ds, err := s.ClaimDeliveries(context.Background(), clock.Now(), 1, time.Minute)
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	msg := strings.Repeat("接收方错误", 120)
	if err := s.RecordDelivery(context.Background(), ds[0], clock.Now(), models.DeliveryResult{Err: msg, Retry: clock.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	got := lastLog(t, s, w.ID).Error
	if utf8.RuneCountInString(got) != 500 || !utf8.ValidString(got) || got != string([]rune(msg)[:500]) {
		t.Fatalf("stored %d characters, valid %v", utf8.RuneCountInString(got), utf8.ValidString(got))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
