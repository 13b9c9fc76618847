// Package endpoint owns the one rule for service addresses the product
// talks to: https always, plain http only to this machine (loopback: the
// sandbox servers and tests), never user information in the URL. Both API
// clients check their address with it, so the rule cannot drift apart.
package endpoint

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ErrRefused is wrapped by every error of Check.
var ErrRefused = errors.New("address refused")

// Check parses raw and applies the rule. The returned URL has a lower-case
// scheme and no fragment.
func Check(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL", ErrRefused)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: user information is not allowed in the address", ErrRefused)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%w: the address has no host", ErrRefused)
	}
	if u.Port() != "" {
		if p, err := strconv.Atoi(u.Port()); err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("%w: invalid port %q", ErrRefused, u.Port())
		}
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%w: plain http is only allowed for this machine (loopback), not %q; use https", ErrRefused, u.Hostname())
		}
	default:
		return nil, fmt.Errorf("%w: scheme %q is not https", ErrRefused, u.Scheme)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// IsLoopback reports whether host is localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckBase is Check for a base URL that paths are appended to (the REST
// APIs): it also refuses a query string or fragment, which would carry over
// to every call (tokens are configured separately), and drops trailing
// slashes from the path.
func CheckBase(raw string) (*url.URL, error) {
	// Refused before Check, which drops the fragment.
	if u, err := url.Parse(strings.TrimSpace(raw)); err == nil {
		switch {
		case u.RawQuery != "" || u.ForceQuery:
			return nil, errors.New("a query string is not allowed (the tokens are configured separately)")
		case u.Fragment != "":
			return nil, errors.New("a fragment is not allowed")
		}
	}
	u, err := Check(raw)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}
