package outsmart

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// redacted replaces credential values in the request log.
const redacted = "REDACTED"

// minSecretLen is the shortest request-supplied token value that is also
// scrubbed from logged bodies and paths; shorter values ("1") would garble
// the log and cannot be a real token anyway [inferred].
const minSecretLen = 8

// lastParam returns the last value of a query parameter, as PHP's $_GET does
// when a scalar parameter is repeated [inferred], and whether it was present.
func lastParam(q url.Values, name string) (string, bool) {
	vs, ok := q[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// checkHTTPS answers 1006 when the server requires HTTPS and the request came
// over plain HTTP. Behind a TLS-terminating proxy X-Forwarded-Proto counts.
func (s *Server) checkHTTPS(r *http.Request) (reply, bool) {
	if !s.requireHTTPS || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return reply{}, true
	}
	return fail(codeHTTPSRequired, "All endpoints should use https."), false
}

// authenticate checks the two query-parameter credentials in the documented
// order: missing token (1002), missing software_token (1003), wrong customer
// token (1004), wrong software token (1005). An empty value counts as missing
// [inferred]. The messages are the code table's meaning texts [inferred]. An
// Authorization header is ignored: no documented client needs it.
func (s *Server) authenticate(q url.Values) (reply, bool) {
	token, _ := lastParam(q, "token")
	soft, _ := lastParam(q, "software_token")
	switch {
	case token == "":
		return fail(codeMissingToken, "Request is missing the GET parameter: token."), false
	case soft == "":
		return fail(codeMissingSoftToken, "Request is missing the GET parameter: software_token."), false
	case !equalSecret(token, s.creds.Token):
		return fail(codeBadToken, "Client token provided is unauthorized to execute this request."), false
	case !equalSecret(soft, s.creds.SoftwareToken):
		return fail(codeBadSoftToken, "Software token provided is unauthorized to execute this request. Either the token is not correct or it's not matched to the client token."), false
	}
	return reply{}, true
}

// equalSecret compares in constant time; an unset secret never matches.
func equalSecret(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// redactor scrubs credentials from what the sandbox logs or echoes back.
type redactor struct {
	secrets []string // longest first, so that a secret containing another is replaced whole
}

// redactorFor scrubs the configured credentials and whatever token values the
// request itself carried.
func (s *Server) redactorFor(q url.Values) redactor {
	secrets := []string{s.creds.Token, s.creds.SoftwareToken}
	for _, name := range []string{"token", "software_token"} {
		secrets = append(secrets, q[name]...)
	}
	var rd redactor
	for _, sec := range secrets {
		if len(sec) >= minSecretLen && !slices.Contains(rd.secrets, sec) {
			rd.secrets = append(rd.secrets, sec)
			if esc := url.QueryEscape(sec); esc != sec {
				rd.secrets = append(rd.secrets, esc)
			}
		}
	}
	slices.SortFunc(rd.secrets, func(a, b string) int { return len(b) - len(a) })
	return rd
}

// text replaces every secret in s.
func (rd redactor) text(s string) string {
	for _, sec := range rd.secrets {
		s = strings.ReplaceAll(s, sec, redacted)
	}
	return s
}

// query returns a raw query string with the values of token and
// software_token replaced by REDACTED (whatever their value, also when it is
// short) and any other occurrence of a secret scrubbed.
func (rd redactor) query(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, part := range parts {
		rawKey, _, hasValue := strings.Cut(part, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			key = rawKey
		}
		if hasValue && (key == "token" || key == "software_token") {
			parts[i] = rawKey + "=" + redacted
		}
	}
	return rd.text(strings.Join(parts, "&"))
}
