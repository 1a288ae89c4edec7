package api

import (
	"sync"
	"time"
)

// loginThrottle refuses logins for an account or an IP after repeated
// failures. Counts live in memory per instance (see docs/decisions.md).
type loginThrottle struct {
	mu       sync.Mutex
	now      func() time.Time
	failures map[string][]time.Time
	window   time.Duration
	limits   map[string]int
}

const (
	throttleWindow     = 15 * time.Minute
	maxAccountFailures = 5
	maxIPFailures      = 20
)

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{now: now, failures: map[string][]time.Time{}, window: throttleWindow,
		limits: map[string]int{"account": maxAccountFailures, "ip": maxIPFailures}}
}

func (t *loginThrottle) recent(key string) []time.Time {
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

// blocked reports whether the account or IP is locked out and for how long.
func (t *loginThrottle) blocked(account, ip string) (bool, time.Duration) {
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

func (t *loginThrottle) fail(account, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.failures["a:"+account] = append(t.recent("a:"+account), now)
	t.failures["i:"+ip] = append(t.recent("i:"+ip), now)
}

func (t *loginThrottle) succeed(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, "a:"+account)
}
