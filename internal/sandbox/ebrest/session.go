package ebrest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// This file owns sessions (POST/DELETE /v1/session, the Authorization check,
// expiry) and the per-token call limit. Every function here runs under s.mu.

// session is one open session.
type session struct {
	apiToken string
	expires  time.Time
}

// sourcePattern is the pattern of SessionRequest.source. [client S2, S3:
// ^[\w ]{1,10}$; Go's \w is ASCII-only, stricter than .NET's, inferred]
var sourcePattern = regexp.MustCompile(`^[\w ]{1,10}$`)

// sessionRequest is SessionRequest.
type sessionRequest struct {
	AccessToken *string `json:"accessToken"`
	Source      *string `json:"source"`
}

// openSession answers POST /v1/session: a known API token gets a random
// opaque session token. Missing or malformed fields answer 400 validation
// with API_SESSION_001..003; an expired or unknown token answers 403 with a
// SecurityError API_SESSION_004. [inferred: the reference's fake rule; which
// code an unknown token gets is not documented, and "make a new token" is
// the right advice for both]
func (s *Server) openSession(c *call) *response {
	var req sessionRequest
	if resp := decodeStrict(c, &req); resp != nil {
		return resp
	}
	if req.AccessToken == nil || strings.TrimSpace(*req.AccessToken) == "" {
		return validation("API_SESSION_003", "accessToken")
	}
	if req.Source == nil || *req.Source == "" {
		return validation("API_SESSION_001", "source")
	}
	if !sourcePattern.MatchString(*req.Source) {
		return validation("API_SESSION_002", "source")
	}
	token := *req.AccessToken
	if !knownToken(token, s.opts.APITokens) || knownToken(token, s.opts.ExpiredTokens) {
		return errorResponse(http.StatusForbidden, apiError{Type: "security", SecurityType: "0", Code: "API_SESSION_004", Title: codeTitle("API_SESSION_004")})
	}
	if resp := s.countCall(token, c.now); resp != nil {
		return resp
	}
	s.pruneSessions(c.now)
	id := newSessionToken()
	s.sessions[id] = &session{apiToken: token, expires: c.now.Add(s.opts.SessionTTL)}
	return jsonResponse(struct {
		Token     string `json:"token"`
		ExpiresIn int    `json:"expiresIn"`
	}{id, int(s.opts.SessionTTL / time.Second)})
}

// closeSession answers DELETE /v1/session: the session is revoked.
func (s *Server) closeSession(c *call) *response {
	for id, sess := range s.sessions {
		if sess == c.session {
			delete(s.sessions, id)
		}
	}
	return noContent()
}

// authorize finds the live session of an Authorization header, the raw
// session token or "Bearer <token>". Missing, unknown, revoked and expired
// sessions answer 401 SECURITY_010; an expired one is removed.
func (s *Server) authorize(header string, now time.Time) (*session, *response) {
	token := strings.TrimSpace(header)
	if len(token) > len("Bearer ") && strings.EqualFold(token[:len("Bearer ")], "Bearer ") {
		token = strings.TrimSpace(token[len("Bearer "):])
	}
	sess := s.sessions[token]
	if token == "" || sess == nil {
		return nil, unauthorized()
	}
	if !now.Before(sess.expires) {
		delete(s.sessions, token)
		return nil, unauthorized()
	}
	return sess, nil
}

// revoke removes the session of an Authorization header, if it is live.
func (s *Server) revoke(header string, now time.Time) {
	if sess, resp := s.authorize(header, now); resp == nil {
		for id, v := range s.sessions {
			if v == sess {
				delete(s.sessions, id)
			}
		}
	}
}

// countCall counts one call of apiToken and answers 429 when the token made
// CallLimitPerMinute calls in the last minute. Refused calls do not count.
func (s *Server) countCall(apiToken string, now time.Time) *response {
	limit := s.opts.CallLimitPerMinute
	if limit <= 0 {
		return nil
	}
	recent := s.calls[apiToken][:0]
	for _, t := range s.calls[apiToken] {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	s.calls[apiToken] = recent
	if len(recent) >= limit {
		wait := recent[0].Add(time.Minute).Sub(now)
		return tooManyRequests(int((wait + time.Second - 1) / time.Second))
	}
	s.calls[apiToken] = append(recent, now)
	return nil
}

// pruneSessions removes expired sessions.
func (s *Server) pruneSessions(now time.Time) {
	for id, sess := range s.sessions {
		if !now.Before(sess.expires) {
			delete(s.sessions, id)
		}
	}
}

// liveSessions counts sessions that have not expired.
func (s *Server) liveSessions(now time.Time) int {
	n := 0
	for _, sess := range s.sessions {
		if now.Before(sess.expires) {
			n++
		}
	}
	return n
}

// newSessionToken returns a random opaque token.
func newSessionToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "sbx." + hex.EncodeToString(b[:])
}

func knownToken(token string, list []string) bool {
	for _, t := range list {
		if subtle.ConstantTimeCompare([]byte(token), []byte(t)) == 1 {
			return true
		}
	}
	return false
}
