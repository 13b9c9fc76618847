package restroad

import (
	"errors"
	"net/http"
	"strings"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
)

// This file owns how the REST client's errors become the kinds the engine
// classifies: every rest sentinel gains its eboekhouden twin, and an API
// refusal becomes an *eboekhouden.APIError with the REST code.

// kinds pairs each rest sentinel with the eboekhouden sentinel the engine
// knows.
var kinds = []struct{ rest, eb error }{
	{rest.ErrBadCredentials, eboekhouden.ErrBadCredentials},
	{rest.ErrTokenExpired, eboekhouden.ErrTokenExpired},
	{rest.ErrSessionExpired, eboekhouden.ErrSessionExpired},
	{rest.ErrCallLimit, eboekhouden.ErrCallLimit},
	{rest.ErrTransient, eboekhouden.ErrTransient},
	{rest.ErrOutcomeUnknown, eboekhouden.ErrOutcomeUnknown},
	{rest.ErrUnreadable, eboekhouden.ErrUnreadable},
	{rest.ErrResponseTooLarge, eboekhouden.ErrResponseTooLarge},
	{rest.ErrNotTheService, eboekhouden.ErrNotTheService},
	{rest.ErrInvalid, eboekhouden.ErrInvalid},
}

// roadError is a REST error with the eboekhouden kinds it means. Its text
// is the REST error's (already scrubbed of both tokens by the client).
type roadError struct {
	err  error
	also []error
}

func (e *roadError) Error() string   { return e.err.Error() }
func (e *roadError) Unwrap() []error { return append([]error{e.err}, e.also...) }

// mapErr gives a REST error the eboekhouden kinds it means; nil stays nil.
// An expired API token (API_SESSION_004) is also ErrBadCredentials: the
// run stops and the user is asked for a new token.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var also []error
	for _, k := range kinds {
		if errors.Is(err, k.rest) && !errors.Is(err, k.eb) {
			also = append(also, k.eb)
		}
	}
	if errors.Is(err, rest.ErrTokenExpired) && !errors.Is(err, eboekhouden.ErrBadCredentials) {
		also = append(also, eboekhouden.ErrBadCredentials)
	}
	var apiErr *rest.APIError
	if errors.As(err, &apiErr) {
		if apiErr.Code == rest.CodeRelationCodeInUse {
			also = append(also, eboekhouden.ErrRelationCodeInUse)
		}
		if refusal(err, apiErr) {
			also = append(also, &eboekhouden.APIError{Op: apiErr.Op, Code: apiErr.Code, Description: describe(apiErr)})
		}
	}
	if len(also) == 0 {
		return err
	}
	return &roadError{err: err, also: also}
}

// refusal reports whether an API error answer is a definite refusal of the
// request's content, which the engine parks with its text: a 4xx other than
// a refused session or token (401, 403 on the session), 404 and 429.
func refusal(err error, e *rest.APIError) bool {
	switch {
	case e.Status < 400 || e.Status >= 500:
		return false
	case e.Status == http.StatusUnauthorized, e.Status == http.StatusTooManyRequests, e.Status == http.StatusNotFound:
		return false
	case errors.Is(err, rest.ErrBadCredentials), errors.Is(err, rest.ErrOutcomeUnknown):
		return false
	}
	return true
}

// describe is the refusal's text as the user reads it: the API's title and
// message and what the validation errors say ("Invoice template not
// found.").
func describe(e *rest.APIError) string {
	parts := []string{}
	for _, s := range append([]string{e.Title, e.Message}, e.Errors...) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		parts = append(parts, http.StatusText(e.Status))
	}
	text := strings.Join(parts, " ")
	if e.Code != "" {
		text += " (" + e.Code + ")"
	}
	return text
}
