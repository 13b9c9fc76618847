package outsmart

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// TestAnswerThatIsNotTheService: a web page or other text where OutSmart's
// JSON envelope should be is ErrNotTheService (with the kind it would have
// had otherwise); OutSmart's own answers, and a cut-off JSON body, are not.
func TestAnswerThatIsNotTheService(t *testing.T) {
	const portal = "<!DOCTYPE html><html><head><title>Gastnetwerk</title></head><body>Accepteer de voorwaarden</body></html>"
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		notService  bool
		transient   bool
	}{
		{"200 with a captive portal page", 200, "text/html", portal, true, true},
		{"200 with HTML labelled as JSON", 200, "application/json", "<html>proxy</html>", true, true},
		{"200 with garbage text", 200, "text/plain", "Access denied", true, true},
		{"403 page of a filtering proxy", 403, "text/html; charset=utf-8", "<html><body>Geblokkeerd</body></html>", true, false},
		{"200 with cut-off JSON", 200, "application/json", `{"status":"su`, false, true},
		{"502 page stays not reachable", 502, "text/html", "<html>Bad Gateway</html>", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScripted(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", c.contentType)
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			})
			client, _ := scriptedClient(t, s, nil)
			_, err := client.Employees(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNotTheService) != c.notService {
				t.Errorf("err = %v; ErrNotTheService %v, want %v", err, errors.Is(err, ErrNotTheService), c.notService)
			}
			if errors.Is(err, ErrTransient) != c.transient {
				t.Errorf("err = %v; ErrTransient %v, want %v", err, errors.Is(err, ErrTransient), c.transient)
			}
		})
	}
}
