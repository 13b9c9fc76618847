package eboekhouden

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// htmlReply answers like a proxy or a Wi-Fi login page would.
func htmlReply(status int, contentType, body string) func(string, http.ResponseWriter) {
	return func(_ string, w http.ResponseWriter) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// TestAnswerThatIsNotTheService: a web page or other text where SOAP
// should be is ErrNotTheService (with the kind the answer would have had),
// not just "not reachable"; the service's own answers never are.
func TestAnswerThatIsNotTheService(t *testing.T) {
	const portal = "<!DOCTYPE html>\n<html><head><title>Hotel Wi-Fi</title></head><body>Log in</body></html>"
	cases := []struct {
		name       string
		handle     func(string, http.ResponseWriter)
		notService bool
		readKind   error // besides ErrNotTheService, for a read
	}{
		{"200 with a captive portal page", htmlReply(200, "text/html; charset=utf-8", portal), true, ErrTransient},
		{"200 with HTML labelled as XML", htmlReply(200, "text/xml", "  <html><body>proxy</body></html>"), true, ErrTransient},
		{"200 with garbage", htmlReply(200, "text/plain", "Access denied by policy"), true, ErrTransient},
		{"403 page of a filtering proxy", htmlReply(403, "text/html", "<html><body>Blocked</body></html>"), true, nil},
		{"502 page stays not reachable", htmlReply(502, "text/html", "<html><body>Bad Gateway</body></html>"), false, ErrTransient},
		{"soap:Server fault", reply(500, faultBody("soap:Server", "x")), false, ErrTransient},
		{"200 XML that is not the answer", reply(200, sampleCloseSession), false, ErrTransient},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, client := newScripted(t, nil, c.handle)
			_, err := client.Relations(context.Background(), RelationFilter{})
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNotTheService) != c.notService {
				t.Errorf("read: err = %v; ErrNotTheService %v, want %v", err, errors.Is(err, ErrNotTheService), c.notService)
			}
			if c.readKind != nil && !errors.Is(err, c.readKind) {
				t.Errorf("read: err = %v, want also %v", err, c.readKind)
			}
			_, err = client.AddInvoice(context.Background(), goldenInvoice())
			if err == nil || errors.Is(err, ErrNotTheService) != c.notService {
				t.Errorf("write: err = %v; want ErrNotTheService %v", err, c.notService)
			}
			if c.notService && !errors.Is(err, ErrOutcomeUnknown) {
				t.Errorf("write: err = %v; a page after the request was sent leaves the outcome unknown", err)
			}
		})
	}
}
