package dashboards

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// session is a logged-in user's session, kept in memory: a restart logs
// everybody out, which is acceptable for an internal tool.
type session struct {
	user    string
	created time.Time
	seen    time.Time
}

// sessions maps random tokens to sessions with idle and absolute expiry.
type sessions struct {
	mu       sync.Mutex
	m        map[string]*session
	idle     time.Duration
	absolute time.Duration
}

func newSessions(idle, absolute time.Duration) *sessions {
	return &sessions{m: map[string]*session{}, idle: idle, absolute: absolute}
}

// create starts a session for user and returns its token.
func (s *sessions) create(user string, now time.Time) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[tok] = &session{user: user, created: now, seen: now}
	return tok
}

// lookup returns the user of a live session and refreshes it.
func (s *sessions) lookup(tok string, now time.Time) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.m[tok]
	if !ok {
		return "", false
	}
	if now.Sub(ss.seen) > s.idle || now.Sub(ss.created) > s.absolute {
		delete(s.m, tok)
		return "", false
	}
	ss.seen = now
	return ss.user, true
}

// end deletes a session.
func (s *sessions) end(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, tok)
}

// endUser deletes every session of user (after disabling the account).
func (s *sessions) endUser(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m {
		if v.user == user {
			delete(s.m, k)
		}
	}
}
