package webhook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
)

// receiver is a real HTTP endpoint that checks every delivery's signature
// and can fail its first requests.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	fail   int            // answer 503 to this many requests first
	hits   int            // requests received
	got    map[string]int // successful deliveries per event id
	types  map[string]string
	server *httptest.Server
}

func newReceiver(t *testing.T, secret string, fail int) *receiver {
	r := &receiver{t: t, secret: secret, fail: fail, got: map[string]int{}, types: map[string]string{}}
	r.server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.server.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := Verify(r.secret, req.Header.Get(HeaderSignature), body, time.Now(), 24*time.Hour*365*10); err != nil {
		sig := req.Header.Get(HeaderSignature)
		r.t.Errorf("bad signature %q: %v", sig, err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev models.Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.ID == "" || ev.ID != req.Header.Get(HeaderEventID) ||
		ev.Type != req.Header.Get(HeaderEvent) || req.Header.Get(HeaderTimestamp) == "" {
		r.t.Errorf("bad delivery: %s %v %v", body, err, req.Header)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hits++
	if r.hits <= r.fail {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	r.got[ev.ID]++
	r.types[ev.ID] = ev.Type
	w.WriteHeader(http.StatusNoContent)
}

// org sets up a store with two departments, a clerk in one and a
// supervisor and an assignee in the other.
func org(t *testing.T, clock *storetest.Clock) (*models.Store, map[string]models.Staff, map[string]models.Department) {
	t.Helper()
	s := storetest.Open(t, models.Options{Now: clock.Now})
	ctx, sys := context.Background(), models.System("t")
	depts := map[string]models.Department{}
	for _, code := range []string{"FRONT", "ENG"} {
		c, n := code, "部门"+code
		d, err := s.CreateDepartment(ctx, sys, models.DepartmentInput{Code: &c, Name: &n})
		if err != nil {
			t.Fatal(err)
		}
		depts[code] = d
	}
	staff := map[string]models.Staff{}
	for _, p := range []struct {
		no, dept string
		role     models.Role
	}{{"clerk", "FRONT", models.RoleStaff}, {"boss", "ENG", models.RoleSupervisor}, {"fixer", "ENG", models.RoleStaff}} {
		no, pw, role, dept := p.no, "password-123", p.role, depts[p.dept].ID
		st, err := s.CreateStaff(ctx, sys, models.StaffInput{EmployeeNo: &no, Name: &no, DepartmentID: &dept, Role: &role, Password: &pw})
		if err != nil {
			t.Fatal(err)
		}
		staff[no] = st.Staff
	}
	return s, staff, depts
}

// loopbackOK lets tests deliver to their httptest receivers on 127.0.0.1.
var loopbackOK = Targets{AllowLoopback: true}

func actorOf(st models.Staff) models.Actor {
	return models.Actor{StaffID: st.ID, Role: st.Role, DepartmentID: st.DepartmentID, RequestID: "t"}
}

// TestRetriesUntilDelivered: the receiver fails twice, then succeeds; the
// event arrives signed, is delivered successfully exactly once, the
// sender backs off between attempts and the delivery log holds all three.
func TestRetriesUntilDelivered(t *testing.T) {
	start := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	clock := storetest.NewClock(start)
	s, staff, _ := org(t, clock)
	ctx := context.Background()
	const secret = "0123456789abcdef-secret"
	rc := newReceiver(t, secret, 2)
	secretCopy := secret
	hook, err := s.CreateWebhook(ctx, models.System("t"), models.WebhookInput{URL: rc.server.URL, Secret: &secretCopy, Events: []string{"inquiry.created"}})
	if err != nil {
		t.Fatal(err)
	}
	ch, cat, sum, phone := "phone", "consultation", "咨询", "13800138000"
	if _, err := s.CreateInquiry(ctx, actorOf(staff["clerk"]), models.InquiryInput{Channel: &ch, Category: &cat, Summary: &sum, VisitorPhone: &phone}); err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	sender := New(s, Options{BaseBackoff: time.Minute, MaxBackoff: time.Hour, Now: clock.Now, Targets: loopbackOK,
		Observe: func(o string) { outcomes = append(outcomes, o) }})
	round := func(at time.Time, want int) {
		t.Helper()
		clock.Set(at)
		n, err := sender.RunOnce(ctx, at)
		if err != nil || n != want {
			t.Fatalf("round at %s: %d attempted (%v), want %d", at.Sub(start), n, err, want)
		}
	}
	round(start, 1)                     // 503; retry in 1 min
	round(start.Add(30*time.Second), 0) // not due yet
	round(start.Add(time.Minute), 1)    // 503; retry in 2 min
	round(start.Add(2*time.Minute), 0)  // not due yet
	round(start.Add(3*time.Minute), 1)  // 204
	round(start.Add(2*time.Hour), 0)    // delivered: never again
	if rc.hits != 3 || len(rc.got) != 1 {
		t.Fatalf("receiver got %d requests, %d events", rc.hits, len(rc.got))
	}
	for id, n := range rc.got {
		if n != 1 || rc.types[id] != "inquiry.created" {
			t.Fatalf("event %s (%s) delivered %d times", id, rc.types[id], n)
		}
	}
	if len(outcomes) != 3 || outcomes[0] != "failed" || outcomes[1] != "failed" || outcomes[2] != "delivered" {
		t.Fatalf("observed outcomes %v", outcomes)
	}
	log, total, err := s.ListDeliveries(ctx, models.System("t"), hook.ID, models.Page{Number: 1, Size: 10})
	if err != nil || total != 3 {
		t.Fatalf("delivery log: %d entries, %v", total, err)
	}
	// Newest first: 204 after two 503s, attempts 3, 2, 1.
	for i, want := range []int{204, 503, 503} {
		if log[i].StatusCode != want || log[i].Attempt != 3-i {
			t.Fatalf("log %+v", log)
		}
	}
}

// TestEachEventOnceAcrossSenders: a whole referral's events, sent by two
// senders on two instances at once, reach the receiver once each, signed.
func TestEachEventOnceAcrossSenders(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC))
	s, staff, depts := org(t, clock)
	ctx := context.Background()
	const secret = "another-secret-of-enough-length"
	rc := newReceiver(t, secret, 0)
	sec := secret
	if _, err := s.CreateWebhook(ctx, models.System("t"), models.WebhookInput{URL: rc.server.URL, Secret: &sec}); err != nil {
		t.Fatal(err)
	}
	ch, cat, sum, phone, disp := "phone", "complaint", "电梯故障", "13800138000", "referred"
	name, yes := "王先生", true
	eng, fixer := depts["ENG"].ID, staff["fixer"].ID
	inq, err := s.CreateInquiry(ctx, actorOf(staff["clerk"]), models.InquiryInput{Channel: &ch, Category: &cat, Summary: &sum, VisitorPhone: &phone,
		VisitorName: &name, ReadBackConfirmed: &yes, Disposition: &disp, Referral: &models.ReferralInput{ToDepartmentID: &eng, ToStaffID: &fixer}})
	if err != nil {
		t.Fatal(err)
	}
	rid := inq.Referrals[0].ID
	a := actorOf(staff["fixer"])
	if _, err := s.AcceptReferral(ctx, a, rid); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ContactReferral(ctx, a, rid, models.ReferralAction{Note: "已联系"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResolveReferral(ctx, a, rid, models.ReferralAction{Resolution: "已修复"}); err != nil {
		t.Fatal(err)
	}
	// Two senders, as on two instances: each claim is a conditional UPDATE.
	senders := []*Sender{New(s, Options{Now: clock.Now, Batch: 3, Targets: loopbackOK}), New(s, Options{Now: clock.Now, Batch: 3, Targets: loopbackOK})}
	var wg sync.WaitGroup
	for _, snd := range senders {
		wg.Go(func() {
			for i := 0; i < 20; i++ {
				if _, err := snd.RunOnce(ctx, clock.Now()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for id, n := range rc.got {
		if n != 1 {
			t.Errorf("event %s (%s) delivered %d times", id, rc.types[id], n)
		}
		seen[rc.types[id]]++
	}
	for _, typ := range []string{"inquiry.created", "referral.created", "notification.assignment", "referral.accept",
		"referral.contact", "referral.resolve", "notification.referral_resolved"} {
		if seen[typ] != 1 {
			t.Errorf("%s delivered %d times (all: %v)", typ, seen[typ], seen)
		}
	}
	if rc.hits != len(rc.got) {
		t.Fatalf("%d requests for %d events", rc.hits, len(rc.got))
	}
}

func TestBackoff(t *testing.T) {
	s := New(nil, Options{BaseBackoff: 30 * time.Second, MaxBackoff: 10 * time.Minute})
	for n, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 5: 8 * time.Minute, 6: 10 * time.Minute, 20: 10 * time.Minute} {
		if got := s.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", n, got, want)
		}
	}
}
