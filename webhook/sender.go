// Package webhook delivers the events queued in the store's outbox to the
// configured webhooks: JSON bodies signed with HMAC-SHA256, retried with
// exponential backoff, every attempt written to the delivery log. Several
// instances may run a sender against one database: each event is claimed
// by one sender at a time.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"firstask/models"
)

// Headers of every delivery.
const (
	HeaderSignature = "X-Firstask-Signature" // "t=<Unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>"
	HeaderEvent     = "X-Firstask-Event"     // the event type, e.g. referral.created
	HeaderEventID   = "X-Firstask-Event-Id"  // the event id: the same on every retry
	HeaderTimestamp = "X-Firstask-Timestamp" // Unix seconds of this attempt (the t of the signature)
)

// Options tunes a Sender; zero values take the defaults.
type Options struct {
	// Client posts the events (default: Targets.Client(Timeout), which
	// refuses loopback, link-local, metadata and, unless allowed, private
	// addresses at dial time and never follows redirects).
	Client *http.Client
	// Targets is the policy of the default client.
	Targets Targets
	// Timeout bounds one attempt (default 10 s).
	Timeout time.Duration
	// MaxAttempts is how many times an event is tried before it is marked
	// failed (default 10).
	MaxAttempts int
	// BaseBackoff is the wait after the first failure, doubled after each
	// further one (default 30 s) up to MaxBackoff (default 1 h).
	BaseBackoff, MaxBackoff time.Duration
	// Lease is how long a claim holds before another sender may retry a
	// delivery whose sender vanished (default 2 min; longer than the
	// client's timeout).
	Lease time.Duration
	// Batch is how many events one round claims at most (default 50). A
	// round claims no more than it can post inside the lease at Timeout
	// each (Lease/Timeout − 1), so a slow receiver cannot make a claim
	// expire while its events still wait in this sender.
	Batch int
	// Logger receives one line per attempt (never the body).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// PublicURL is where people open the service (FIRSTASK_PUBLIC_URL):
	// robot messages link to their page under it; empty, they carry no link.
	PublicURL string
	// Location is the organisation's zone for the deadlines robots speak
	// of ("今天 16:40 前"); default the store's.
	Location *time.Location
	// Observe, when set, hears the outcome of every attempt: "delivered",
	// "failed" (will be retried) or "abandoned" (the last attempt failed);
	// main wires it to the Prometheus counter.
	Observe func(outcome string)
}

// Sender delivers outbox events.
type Sender struct {
	store *models.Store
	opts  Options
	wake  chan struct{}
}

// New builds a sender. Wire its Wake to the store with store.OnOutbox so
// that new events go out at once instead of at the next poll.
func New(store *models.Store, opts Options) *Sender {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Client == nil {
		opts.Client = opts.Targets.Client(opts.Timeout)
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.BaseBackoff <= 0 {
		opts.BaseBackoff = 30 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Batch <= 0 {
		opts.Batch = 50
	}
	opts.Batch = max(1, min(opts.Batch, int(opts.Lease/opts.Timeout)-1))
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil && store != nil {
		opts.Location = store.Location()
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	return &Sender{store: store, opts: opts, wake: make(chan struct{}, 1)}
}

// Wake asks the running sender to look at the outbox now; it never blocks.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Backoff is the wait after the n-th failed attempt: BaseBackoff doubled
// n−1 times, at most MaxBackoff.
func (s *Sender) Backoff(n int) time.Duration {
	d := s.opts.BaseBackoff
	for i := 1; i < n && d < s.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opts.MaxBackoff)
}

// Sign returns the signature header value of a body sent at t:
// "t=<Unix seconds>,v1=<hex HMAC-SHA256 of "<t>." followed by the body>"
// with the webhook's secret. The timestamp is signed with the body, so a
// captured delivery replayed later carries an old t that receivers refuse.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify is what a receiver does with a delivery: it checks the signature
// header against the raw body in constant time and refuses a timestamp
// more than tolerance away from now (a replay).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("malformed signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("timestamp outside the tolerance: a replay or a wrong clock")
	}
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, ts, body)) {
		return errors.New("signature does not match")
	}
	return nil
}

// RunOnce claims the events due at now, posts each once and records the
// outcome; it returns how many were attempted.
func (s *Sender) RunOnce(ctx context.Context, now time.Time) (int, error) {
	ds, err := s.store.ClaimDeliveries(ctx, now, s.opts.Batch, s.opts.Lease)
	leaseEnd := now.Add(s.opts.Lease)
	attempted := 0
	// A robot's messages of this round go out together (merged, and
	// within its rate limit): grouped by robot, in claim order.
	robots := map[int64][]models.Delivery{}
	var order []int64
	for _, d := range ds {
		if d.Kind != "" && d.Kind != models.ChannelGeneric {
			if robots[d.WebhookID] == nil {
				order = append(order, d.WebhookID)
			}
			robots[d.WebhookID] = append(robots[d.WebhookID], d)
		}
	}
	for _, d := range ds {
		// The attempt's own time, not the claim's: the log says when the
		// receiver was called, and the backoff counts from then.
		at := s.opts.Now()
		if at.Add(s.opts.Timeout).After(leaseEnd) {
			// Could outlive the claim: leave it to expire and be retried,
			// rather than race another sender that re-claims it.
			break
		}
		if d.Kind != "" && d.Kind != models.ChannelGeneric {
			group := robots[d.WebhookID]
			if group == nil {
				continue // posted with the first of its robot
			}
			delete(robots, d.WebhookID)
			n, rerr := s.sendRobot(ctx, group, at)
			attempted += n
			if rerr != nil && err == nil {
				err = rerr
			}
			continue
		}
		attempted++
		res := s.post(ctx, d, at)
		if res.StatusCode < 200 || res.StatusCode >= 300 {
			if d.Attempt < s.opts.MaxAttempts {
				res.Retry = at.Add(s.Backoff(d.Attempt))
			}
		}
		s.observe(res, d)
		// Recorded even when ctx was just cancelled (shutdown): the attempt
		// happened and its claim must be settled.
		if rerr := s.store.RecordDelivery(context.WithoutCancel(ctx), d, at, res); rerr != nil && err == nil {
			err = rerr
		}
		s.logAttempt(d, res)
	}
	return attempted, err
}

// observe reports an attempt's outcome: delivered, failed (to be retried)
// or abandoned.
func (s *Sender) observe(res models.DeliveryResult, d models.Delivery) {
	if s.opts.Observe == nil {
		return
	}
	switch {
	case res.Delivered():
		s.opts.Observe("delivered")
	case res.Retry.IsZero():
		s.opts.Observe("abandoned")
	default:
		s.opts.Observe("failed")
	}
}

func (s *Sender) logAttempt(d models.Delivery, res models.DeliveryResult) {
	s.opts.Logger.Info("webhook delivery", slog.Int64("webhook_id", d.WebhookID), slog.String("event_id", d.EventID),
		slog.String("event", d.EventType), slog.Int("attempt", d.Attempt), slog.Int("status", res.StatusCode),
		slog.String("error", res.Err), slog.Duration("duration", res.Duration))
}

func (s *Sender) post(ctx context.Context, d models.Delivery, at time.Time) models.DeliveryResult {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return models.DeliveryResult{Err: "invalid URL"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "firstask-webhook/1")
	req.Header.Set(HeaderSignature, Sign(d.Secret, at, d.Payload))
	req.Header.Set(HeaderEvent, d.EventType)
	req.Header.Set(HeaderEventID, d.EventID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		// Never the network's words: they map internal hosts and ports.
		return models.DeliveryResult{Err: publicError(err), Duration: time.Since(start)}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	res := models.DeliveryResult{StatusCode: resp.StatusCode, Duration: time.Since(start)}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		res.Err = fmt.Sprintf("receiver answered %d", resp.StatusCode)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			res.Err += " (redirects are not followed)"
		}
	}
	return res
}

// Run delivers until ctx is done: a round at every tick of interval and
// whenever woken. It returns when ctx is cancelled, after the round in
// progress (whose requests are cancelled with ctx) has been recorded.
func (s *Sender) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.RunOnce(ctx, s.opts.Now()); err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("webhook sender", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}
