// Package throttle counts failed logins per account and per IP so that
// every way of signing in (the API and the web pages) shares one lockout.
package throttle

import (
	"sync"
	"time"
)

// Login refuses logins for an account or an IP after repeated
// failures. Counts live in memory per instance (see docs/decisions.md).
type Login struct {
	mu       sync.Mutex
	now      func() time.Time
	failures map[string][]time.Time
	window   time.Duration
	limits   map[string]int
}

const (
	// Window is how long a failure counts.
	Window = 15 * time.Minute
	// MaxAccountFailures locks an account out within Window.
	MaxAccountFailures = 5
	// MaxIPFailures locks an address out within Window.
	MaxIPFailures = 20
)

// New makes a throttle reading the clock now.
func New(now func() time.Time) *Login {
	return &Login{now: now, failures: map[string][]time.Time{}, window: Window,
		limits: map[string]int{"account": MaxAccountFailures, "ip": MaxIPFailures}}
}

func (t *Login) recent(key string) []time.Time {
	cut := t.now().Add(-t.window)
	ts := t.failures[key]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(t.failures, key)
	} else {
		t.failures[key] = ts
	}
	return ts
}

// Blocked reports whether the account or IP is locked out and for how long.
func (t *Login) Blocked(account, ip string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for kind, key := range map[string]string{"account": "a:" + account, "ip": "i:" + ip} {
		ts := t.recent(key)
		if len(ts) >= t.limits[kind] {
			return true, ts[0].Add(t.window).Sub(t.now())
		}
	}
	return false, 0
}

// Fail counts a failed login of the account from the IP.
func (t *Login) Fail(account, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.failures["a:"+account] = append(t.recent("a:"+account), now)
	t.failures["i:"+ip] = append(t.recent("i:"+ip), now)
}

// Succeed forgets the account's failures after a good login.
func (t *Login) Succeed(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, "a:"+account)
}
