// Package redact keeps credentials out of every string the product shows or
// writes: error messages, log lines, request dumps. A Redactor replaces the
// secrets it knows; URL and Error also remove the query parameters that carry
// credentials (OutSmart puts its tokens in the query string, and Go's
// *url.Error prints the whole URL).
package redact

import (
	"errors"
	"net/url"
	"sort"
	"strings"
)

// Mask is what a secret is replaced with.
const Mask = "REDACTED"

// SecretParams are query parameter names whose values are always masked.
var SecretParams = []string{"token", "software_token", "SessionID", "SecurityCode1", "SecurityCode2", "password", "access_token"}

// minSecretLen keeps a short value such as "1" from being treated as a
// secret and masking half of every message.
const minSecretLen = 4

// Redactor replaces known secret values. The zero value redacts only URLs.
// A Redactor is immutable and safe for concurrent use.
type Redactor struct {
	secrets []string // longest first, so a secret containing another is masked whole
}

// New returns a Redactor for the given secret values; empty and very short
// values are ignored.
func New(secrets ...string) Redactor {
	var keep []string
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			keep = append(keep, s)
		}
	}
	sort.Slice(keep, func(i, j int) bool { return len(keep[i]) > len(keep[j]) })
	return Redactor{secrets: keep}
}

// With returns a Redactor that also masks more secrets.
func (r Redactor) With(secrets ...string) Redactor {
	return New(append(append([]string(nil), r.secrets...), secrets...)...)
}

// String masks every known secret in s, including its URL-query-escaped and
// XML-escaped forms, and the values of SecretParams in any URL-like text.
func (r Redactor) String(s string) string {
	for _, sec := range r.secrets {
		for _, form := range []string{sec, url.QueryEscape(sec), xmlEscape(sec)} {
			s = strings.ReplaceAll(s, form, Mask)
		}
	}
	return maskParams(s)
}

// Error returns an error whose message is redacted and which still matches
// the original with errors.Is and errors.As. A *url.Error is rebuilt with a
// redacted URL. Error(nil) is nil.
func (r Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = strings.ReplaceAll(msg, ue.URL, URL(ue.URL))
	}
	clean := r.String(msg)
	if clean == err.Error() {
		return err
	}
	return &redacted{msg: clean, err: err}
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

// URL returns raw with the values of SecretParams masked and any user
// information removed. Text that is not an absolute URL is returned with only
// its parameters masked.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return maskParams(raw)
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for name := range q {
			if isSecretParam(name) {
				for i := range q[name] {
					q[name][i] = Mask
				}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

func isSecretParam(name string) bool {
	for _, p := range SecretParams {
		if strings.EqualFold(name, p) {
			return true
		}
	}
	return false
}

// maskParams masks "name=value" pairs of SecretParams in free text, up to
// the next &, whitespace, quote or angle bracket.
func maskParams(s string) string {
	lower := strings.ToLower(s)
	var b strings.Builder
	i := 0
	for i < len(s) {
		j, name := nextParam(lower, i)
		if j < 0 {
			break
		}
		valueStart := j + len(name) + 1
		valueEnd := valueStart
		for valueEnd < len(s) && !strings.ContainsRune("& \t\r\n\"'<>", rune(s[valueEnd])) {
			valueEnd++
		}
		b.WriteString(s[i:valueStart])
		if valueEnd > valueStart {
			b.WriteString(Mask)
		}
		i = valueEnd
	}
	b.WriteString(s[i:])
	return b.String()
}

// nextParam finds the earliest "name=" of a secret parameter at or after i
// that starts a parameter (at the start, or after ?, &, ; or whitespace).
func nextParam(lower string, i int) (int, string) {
	best, bestName := -1, ""
	for _, p := range SecretParams {
		lp := strings.ToLower(p) + "="
		from := i
		for {
			k := strings.Index(lower[from:], lp)
			if k < 0 {
				break
			}
			k += from
			if k == 0 || strings.ContainsRune("?&; \t\n", rune(lower[k-1])) {
				if best < 0 || k < best {
					best, bestName = k, p
				}
				break
			}
			from = k + 1
		}
	}
	return best, bestName
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}
