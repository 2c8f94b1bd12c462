package dashboards

import (
	"sync"
	"time"
)

// loginLimiter limits failed logins per key (a client address, or an
// account name): at most max failures in a sliding window; a success
// clears the key. Keys with no failure left in the window are swept when
// the map grows, so that a flood of made-up names cannot fill memory.
type loginLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

func newLoginLimiter(max int, window time.Duration) *loginLimiter {
	return &loginLimiter{max: max, window: window, fails: map[string][]time.Time{}}
}

// allow reports whether another attempt under key is permitted at now.
func (l *loginLimiter) allow(key string, now time.Time) bool {
	if len(key) > maxKey {
		key = key[:maxKey]
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.prune(key, now)) < l.max
}

// fail records a failed attempt.
func (l *loginLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) >= sweepAt {
		for k := range l.fails {
			l.prune(k, now)
		}
	}
	if len(key) > maxKey {
		key = key[:maxKey]
	}
	l.fails[key] = append(l.prune(key, now), now)
}

const (
	sweepAt = 10000 // keys held before expired ones are swept
	maxKey  = 128   // longer keys are cut (user names are at most 64 bytes)
)

// succeed forgets key's failures.
func (l *loginLimiter) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

func (l *loginLimiter) prune(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}
