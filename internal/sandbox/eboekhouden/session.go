package eboekhouden

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"time"
)

// This file owns sessions (OpenSession/CloseSession, idle and call-count
// expiry) and the per-user call limit. Every function here runs under s.mu.

// session is one open SOAP session.
type session struct {
	username      string
	securityCode2 string
	lastUsed      time.Time
	calls         int // calls made with this session, OpenSession excluded
	// admin is the lower-case GUID of the linked administration the session
	// was opened on with OpenSessionSub; "" for the account's own.
	admin string
}

// newSessionID returns a random GUID in .NET's lowercase form.
func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// openSession checks the credentials and opens a session. All three values
// must match exactly. [inferred: case-sensitive]
func (s *Server) openSession(username, code1, code2 string, now time.Time) (string, *bizError) {
	c := s.creds
	if !equal(username, c.Username) || !equal(code1, c.SecurityCode1) || !equal(code2, c.SecurityCode2) {
		return "", errLoginFailed
	}
	if e := s.countCall(username, now); e != nil {
		return "", e
	}
	s.pruneSessions(now)
	id := newSessionID()
	s.sessions[id] = &session{username: username, securityCode2: code2, lastUsed: now}
	return id, nil
}

// useSession validates SessionID and SecurityCode2 for one call and counts
// the call. A session that idled longer than SessionIdle, or that already
// made SessionMaxCalls calls, is removed and answers E0023; so does a
// SecurityCode2 that is not the session's (that one leaves the session open).
func (s *Server) useSession(id, code2 string, now time.Time) (*session, *bizError) {
	sess := s.sessions[id]
	if sess == nil || !equal(code2, sess.securityCode2) {
		return nil, errSessionInvalid
	}
	if s.expired(sess, now) || (s.opts.SessionMaxCalls > 0 && sess.calls >= s.opts.SessionMaxCalls) {
		delete(s.sessions, id)
		return nil, errSessionInvalid
	}
	sess.lastUsed = now
	sess.calls++
	return sess, nil
}

func (s *Server) expired(sess *session, now time.Time) bool {
	return now.Sub(sess.lastUsed) > s.opts.SessionIdle
}

// pruneSessions drops idle sessions so that clients that never close theirs
// do not grow the map without bound.
func (s *Server) pruneSessions(now time.Time) {
	for id, sess := range s.sessions {
		if s.expired(sess, now) {
			delete(s.sessions, id)
		}
	}
}

// liveSessions counts the sessions that have not idled out.
func (s *Server) liveSessions(now time.Time) int {
	n := 0
	for _, sess := range s.sessions {
		if !s.expired(sess, now) {
			n++
		}
	}
	return n
}

// countCall applies CallLimitPerMinute: at most that many accepted calls per
// username in any sliding minute; a refused call does not count. The real
// limit and its window are not documented. [inferred]
func (s *Server) countCall(username string, now time.Time) *bizError {
	limit := s.opts.CallLimitPerMinute
	if limit <= 0 {
		return nil
	}
	recent := s.calls[username][:0]
	for _, t := range s.calls[username] {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	if len(recent) >= limit {
		s.calls[username] = recent
		return errCallLimit
	}
	s.calls[username] = append(recent, now)
	return nil
}
