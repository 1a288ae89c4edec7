package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"firstask/scoring"
	"firstask/seed"
)

// loadOptions configure "firstask loadtest".
type loadOptions struct {
	url      string
	urls     []string
	users    int
	duration time.Duration
	maxReq   int
	first    int
	staff    int
	password string
	seed     uint64
	month    string
	profile  string
}

// loadtest drives a running server over loopback: each of --users clients
// signs in as a different seeded account, then loops over register an
// inquiry, list its inquiries, read its profile and notifications, and read
// its month's scores (GET /me/scores for --month, the seeded month), until
// --duration or --requests is reached. The first-of-month profile is the
// first working morning of a month instead: every client signs in at once
// and opens its score, then keeps reopening it; writes only registers
// inquiries and reads only lists inquiries and opens the month's scores.
// mixed-writes sends writes of every kind a front desk makes, each client
// passing work to the others: registrations closed on the spot, inquiries
// referred to another client's account, that account accepting,
// contacting and resolving them, the first responder recording the
// visitor's feedback, and inboxes marked read.
// --url may name several servers (replicas), comma-separated: client i
// drives server i mod n. It prints throughput, p50/p99 per operation and
// the failures, and exits 1 if any request failed.
func loadtest(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	o := loadOptions{}
	fs := flag.NewFlagSet("firstask loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "server(s) to drive, comma-separated (clients are spread over them); only loopback addresses are accepted")
	fs.IntVar(&o.users, "users", 20, "concurrent clients, each signed in as its own seeded account")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to run (at most 10m)")
	fs.IntVar(&o.maxReq, "requests", 100000, "stop after this many requests in all")
	fs.IntVar(&o.first, "first-staff", 300, "number of the first seeded account used (S000300 …): after the supervisors and HR")
	fs.IntVar(&o.staff, "staff", 10000, "seeded accounts in the database (clients wrap around below it)")
	fs.StringVar(&o.password, "password", seed.Password, "password of the seeded accounts")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of the clients' choices")
	fs.StringVar(&o.month, "month", "", "month whose scores GET /me/scores reads, YYYY-MM (the seeded month; default the current one)")
	fs.StringVar(&o.profile, "profile", "mix", "mix (registrations, lists, profile, notifications, scores), first-of-month (everyone signs in at once and opens their score, then reopens it), writes (registrations only), mixed-writes (registrations, referrals worked to resolution by other clients, feedback, inboxes marked read) or reads (lists and scores only)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	for _, raw := range strings.Split(o.url, ",") {
		u, err := url.Parse(strings.TrimSpace(raw))
		switch {
		case err != nil || u.Scheme != "http":
			fmt.Fprintln(stderr, "firstask loadtest: --url must be http://127.0.0.1:PORT (several comma-separated)")
			return 2
		case u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1":
			fmt.Fprintln(stderr, "firstask loadtest: only a server on this machine (loopback) may be driven")
			return 2
		}
		o.urls = append(o.urls, strings.TrimRight(u.String(), "/"))
	}
	switch {
	case !slices.Contains([]string{"mix", "first-of-month", "writes", "mixed-writes", "reads"}, o.profile):
		fmt.Fprintln(stderr, "firstask loadtest: --profile must be mix, first-of-month, writes, mixed-writes or reads")
		return 2
	case o.month != "" && !validMonth(o.month):
		fmt.Fprintln(stderr, "firstask loadtest: --month must be YYYY-MM")
		return 2
	case o.users < 1 || o.users > 1000 || o.duration <= 0 || o.duration > 10*time.Minute || o.maxReq < 1:
		fmt.Fprintln(stderr, "firstask loadtest: --users 1–1000, --duration up to 10m, --requests ≥ 1")
		return 2
	}
	rep := runLoad(o)
	rep.print(stdout)
	if rep.failed() > 0 {
		return 1
	}
	return 0
}

// opStats collects one operation's latencies and failures.
type opStats struct {
	lat    []time.Duration
	failed int
	sample string
}

type loadReport struct {
	mu      sync.Mutex
	ops     map[string]*opStats
	elapsed time.Duration
	users   int
	servers int
}

func (r *loadReport) record(op string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.ops[op]
	if s == nil {
		s = &opStats{}
		r.ops[op] = s
	}
	if err != nil {
		s.failed++
		if s.sample == "" {
			s.sample = err.Error()
		}
		return
	}
	s.lat = append(s.lat, d)
}

func (r *loadReport) failed() int {
	n := 0
	for _, s := range r.ops {
		n += s.failed
	}
	return n
}

func (r *loadReport) print(w io.Writer) {
	total := 0
	fmt.Fprintf(w, "%d users on %d server(s) for %s\n", r.users, max(1, r.servers), r.elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "%-18s %8s %8s %9s %9s %9s\n", "operation", "ok", "failed", "req/s", "p50 ms", "p99 ms")
	names := make([]string, 0, len(r.ops))
	for k := range r.ops {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		s := r.ops[k]
		slices.Sort(s.lat)
		q := func(p float64) float64 {
			if len(s.lat) == 0 {
				return 0
			}
			return float64(s.lat[min(len(s.lat)-1, int(p*float64(len(s.lat))))].Microseconds()) / 1000
		}
		n := len(s.lat) + s.failed
		total += n
		fmt.Fprintf(w, "%-18s %8d %8d %9.1f %9.1f %9.1f\n", k, len(s.lat), s.failed, float64(n)/r.elapsed.Seconds(), q(0.50), q(0.99))
	}
	fmt.Fprintf(w, "%-18s %8d %8d %9.1f\n", "all", total-r.failed(), r.failed(), float64(total)/r.elapsed.Seconds())
	writes, failedWrites := 0, 0
	for k, s := range r.ops {
		if writeOps[k] {
			writes += len(s.lat) + s.failed
			failedWrites += s.failed
		}
	}
	if writes > 0 {
		fmt.Fprintf(w, "%-18s %8d %8d %9.1f\n", "writes", writes-failedWrites, failedWrites, float64(writes)/r.elapsed.Seconds())
	}
	for _, k := range names {
		if s := r.ops[k]; s.sample != "" {
			fmt.Fprintf(w, "first failure of %s: %s\n", k, s.sample)
		}
	}
}

// writeOps are the operations that change data; the report sums them.
var writeOps = map[string]bool{"create_inquiry": true, "refer_inquiry": true, "accept": true, "contact": true,
	"resolve": true, "feedback": true, "mark_read": true}

// runLoad runs the clients until the duration or the request budget ends.
func runLoad(o loadOptions) *loadReport {
	rep := &loadReport{ops: map[string]*opStats{}, users: o.users, servers: len(o.urls)}
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	transport := &http.Transport{MaxIdleConnsPerHost: o.users, MaxConnsPerHost: o.users}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	defer transport.CloseIdleConnections()
	// The budget is shared out before any client starts: one sign-in each
	// (with fewer requests than users, only the first clients sign in),
	// then the rest in equal parts, so that a client whose goroutine runs
	// late still does its share (and every server of --url gets work)
	// however the scheduler orders them.
	signIns := min(o.users, o.maxReq)
	shares := make([]int, o.users)
	for i := range signIns {
		rest := o.maxReq - signIns
		shares[i] = rest / signIns
		if i < rest%signIns {
			shares[i]++
		}
	}
	scoresPath := "/api/v1/me/scores"
	if o.month != "" {
		scoresPath += "?month=" + o.month
	}
	desk := newFrontDesk(o.users)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range o.users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &loadClient{base: o.urls[i%len(o.urls)], http: client, rng: rand.New(rand.NewPCG(o.seed, uint64(i))), rep: rep, ctx: ctx}
			no := fmt.Sprintf("S%06d", o.first+i%max(1, o.staff-o.first))
			if i >= signIns || !c.login(no, o.password) {
				return
			}
			if o.profile == "mixed-writes" && !desk.join(c, i) {
				return
			}
			left := shares[i]
			take := func() bool {
				if left == 0 {
					return false
				}
				left--
				return true
			}
			if o.profile == "first-of-month" {
				// The first working morning: open the score at once,
				// then keep reopening it.
				for ctx.Err() == nil && take() {
					c.call("scores", http.MethodGet, scoresPath, nil, http.StatusOK)
				}
				return
			}
			for ctx.Err() == nil && take() {
				switch o.profile {
				case "writes":
					c.createInquiry()
					continue
				case "mixed-writes":
					desk.write(c, i)
					continue
				case "reads":
					if c.rng.IntN(2) == 0 {
						c.call("list", http.MethodGet, "/api/v1/inquiries?page_size=20", nil, http.StatusOK)
					} else {
						c.call("scores", http.MethodGet, scoresPath, nil, http.StatusOK)
					}
					continue
				}
				switch c.rng.IntN(20) {
				case 0, 1, 2, 3, 4, 5, 6:
					c.createInquiry()
				case 7, 8, 9, 10, 11, 12, 13:
					c.call("list", http.MethodGet, "/api/v1/inquiries?page_size=20", nil, http.StatusOK)
				case 14, 15:
					c.call("me", http.MethodGet, "/api/v1/me", nil, http.StatusOK)
				case 16, 17:
					c.call("notifications", http.MethodGet, "/api/v1/me/notifications", nil, http.StatusOK)
				default:
					c.call("scores", http.MethodGet, scoresPath, nil, http.StatusOK)
				}
			}
		}()
	}
	wg.Wait()
	rep.elapsed = time.Since(start)
	return rep
}

// loadClient is one signed-in user.
type loadClient struct {
	base  string
	http  *http.Client
	rng   *rand.Rand
	rep   *loadReport
	ctx   context.Context
	token string
	// working holds the referrals handed to this client (mixed-writes).
	working []deskWork
}

// call sends one request and records it; it returns the body of a
// response with the status wanted, nil for anything else.
func (c *loadClient) call(op, method, path string, body any, want int) []byte {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	// Requests run to the end even when the run's time is up, so that the
	// last ones are measured rather than cut off.
	req, err := http.NewRequestWithContext(context.Background(), method, c.base+path, rd)
	if err != nil {
		c.rep.record(op, 0, err)
		return nil
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		c.rep.record(op, 0, err)
		return nil
	}
	out, err := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(start)
	if err == nil && res.StatusCode != want {
		err = fmt.Errorf("%s %s: status %d: %.200s", method, path, res.StatusCode, out)
	}
	c.rep.record(op, d, err)
	if err != nil {
		return nil
	}
	return out
}

func (c *loadClient) login(no, password string) bool {
	out := c.call("login", http.MethodPost, "/api/v1/auth/login", map[string]string{"employee_no": no, "password": password}, http.StatusOK)
	var s struct{ Token string }
	if json.Unmarshal(out, &s) != nil || s.Token == "" {
		return false
	}
	c.token = s.Token
	return true
}

func (c *loadClient) createInquiry() {
	cats := []string{"consultation", "repair", "other"}
	disp := []string{"resolved_on_spot", "guided", ""}[c.rng.IntN(3)]
	body := map[string]any{"channel": "visit", "category": cats[c.rng.IntN(len(cats))], "summary": "负载测试登记",
		"visitor_name": "王伟", "visitor_phone": fmt.Sprintf("139%08d", c.rng.IntN(100000000))}
	if disp != "" {
		body["disposition"] = disp
	}
	if disp == "guided" {
		body["guidance"] = "已告知前往二楼综合窗口办理"
	}
	c.call("create_inquiry", http.MethodPost, "/api/v1/inquiries", body, http.StatusCreated)
}

// validMonth reports whether s is a month YYYY-MM.
func validMonth(s string) bool {
	_, err := scoring.ParseMonth(s)
	return err == nil
}

// frontDesk lets the clients of the mixed-writes profile pass work to each
// other as colleagues do: a referral to the client whose account it names,
// and a resolved inquiry back to the client who registered it, for the
// visitor's feedback. Work still queued when the run ends is left undone.
type frontDesk struct {
	mu     sync.Mutex
	people []deskPerson // the clients signed in so far
	inbox  []chan handedOver
}

// deskPerson is a signed-in client's account.
type deskPerson struct {
	client                int
	staffID, departmentID int64
}

// handedOver is a piece of work passed to another client: a referral to
// work (ref set) or an inquiry to feed back on (ref 0).
type handedOver struct {
	ref, inquiry int64
	from         int
}

func newFrontDesk(clients int) *frontDesk {
	d := &frontDesk{inbox: make([]chan handedOver, clients)}
	for i := range d.inbox {
		d.inbox[i] = make(chan handedOver, 4096)
	}
	return d
}

// join reads the client's own account (GET /me) so that others can refer
// to it.
func (d *frontDesk) join(c *loadClient, client int) bool {
	var me struct {
		ID           int64 `json:"id"`
		DepartmentID int64 `json:"department_id"`
	}
	if json.Unmarshal(c.call("me", http.MethodGet, "/api/v1/me", nil, http.StatusOK), &me) != nil || me.ID == 0 {
		return false
	}
	d.mu.Lock()
	d.people = append(d.people, deskPerson{client: client, staffID: me.ID, departmentID: me.DepartmentID})
	d.mu.Unlock()
	return true
}

// colleague picks another signed-in client at random, if there is one.
func (d *frontDesk) colleague(c *loadClient, client int) (deskPerson, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.people) < 2 {
		return deskPerson{}, false
	}
	for {
		if p := d.people[c.rng.IntN(len(d.people))]; p.client != client {
			return p, true
		}
	}
}

// pass queues work for a client; a full queue drops it (not a failure).
func (d *frontDesk) pass(to int, w handedOver) {
	select {
	case d.inbox[to] <- w:
	default:
	}
}

// write makes one write: work handed over first (a referral moved on by
// one step, or feedback on a resolved inquiry), else a new registration,
// closed on the spot or referred to a colleague, or the inbox marked read.
func (d *frontDesk) write(c *loadClient, client int) {
	if len(c.working) == 0 {
		select {
		case w := <-d.inbox[client]:
			if w.ref == 0 {
				c.call("feedback", http.MethodPost, fmt.Sprintf("/api/v1/inquiries/%d/feedback", w.inquiry),
					map[string]string{"satisfaction": "satisfied", "note": "来电回访，群众表示满意"}, http.StatusOK)
				return
			}
			c.working = append(c.working, deskWork{handedOver: w})
		default:
		}
	}
	if len(c.working) > 0 {
		w := &c.working[0]
		path := fmt.Sprintf("/api/v1/referrals/%d/", w.ref)
		var ok bool
		switch w.step {
		case 0:
			ok = c.call("accept", http.MethodPost, path+"accept", nil, http.StatusOK) != nil
		case 1:
			ok = c.call("contact", http.MethodPost, path+"contact", map[string]string{"note": "已电话联系来访人"}, http.StatusOK) != nil
		default:
			ok = c.call("resolve", http.MethodPost, path+"resolve", map[string]string{"resolution": "已按规定办结并答复"}, http.StatusOK) != nil
			if ok {
				d.pass(w.from, handedOver{inquiry: w.inquiry, from: client})
			}
		}
		w.step++
		if !ok || w.step == 3 {
			c.working = c.working[1:]
		}
		return
	}
	switch c.rng.IntN(10) {
	case 0, 1, 2, 3:
		c.createInquiry()
	case 4, 5, 6, 7, 8:
		to, ok := d.colleague(c, client)
		if !ok {
			c.createInquiry()
			return
		}
		body := map[string]any{"channel": "phone", "category": "consultation", "summary": "负载测试转办", "visitor_name": "李娜",
			"visitor_phone": fmt.Sprintf("138%08d", c.rng.IntN(100000000)), "disposition": "referred",
			"referral": map[string]any{"to_department_id": to.departmentID, "to_staff_id": to.staffID, "note": "请联系来访人"}}
		var created struct {
			ID        int64 `json:"id"`
			Referrals []struct {
				ID int64 `json:"id"`
			} `json:"referrals"`
		}
		out := c.call("refer_inquiry", http.MethodPost, "/api/v1/inquiries", body, http.StatusCreated)
		if json.Unmarshal(out, &created) == nil && len(created.Referrals) > 0 {
			d.pass(to.client, handedOver{ref: created.Referrals[len(created.Referrals)-1].ID, inquiry: created.ID, from: client})
		}
	default:
		c.call("mark_read", http.MethodPost, "/api/v1/me/notifications/read", map[string]any{}, http.StatusOK)
	}
}

// deskWork is a referral a client is working through: accept, contact,
// resolve.
type deskWork struct {
	handedOver
	step int
}
