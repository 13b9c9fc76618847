package sandbox

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
)

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d: %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func TestStartServesBothOnLoopback(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()

	if !strings.HasPrefix(sb.EBoekhoudenURL, "http://127.0.0.1:") || !strings.HasSuffix(sb.EBoekhoudenURL, "/soap.asmx") {
		t.Errorf("EBoekhoudenURL = %q", sb.EBoekhoudenURL)
	}
	if !strings.HasPrefix(sb.OutSmartURL, "http://127.0.0.1:") || !strings.HasSuffix(sb.OutSmartURL, "/openapi/8") {
		t.Errorf("OutSmartURL = %q", sb.OutSmartURL)
	}
	wsdl := get(t, sb.EBoekhoudenURL+"?wsdl")
	if !strings.Contains(wsdl, `location="`+sb.EBoekhoudenURL+`"`) {
		t.Error("WSDL soap:address does not point at the sandbox itself")
	}
	creds := sb.Dataset.OutSmart.Credentials
	body := get(t, sb.OutSmartURL+"/employees/?token="+creds.Token+"&software_token="+creds.SoftwareToken)
	if !strings.Contains(body, `"code":200`) || !strings.Contains(body, `"firstname"`) {
		t.Errorf("employees: %s", body)
	}
	// The two servers have separate state: e-Boekhouden's relations are not
	// OutSmart's before a sync.
	if len(sb.EBoekhouden.State().Relations) == len(sb.OutSmart.State().Relations) {
		t.Error("both servers report the same number of relations; the demo starts with OutSmart nearly empty")
	}

	// The REST road: a session with the demo API token, then the relations.
	if !strings.HasPrefix(sb.EBoekhoudenRESTURL, "http://127.0.0.1:") {
		t.Fatalf("EBoekhoudenRESTURL = %q", sb.EBoekhoudenRESTURL)
	}
	resp, err := http.Post(sb.EBoekhoudenRESTURL+"/v1/session", "application/json",
		strings.NewReader(`{"accessToken":"`+ebrest.DemoAPIToken+`","source":"Test"}`))
	if err != nil {
		t.Fatal(err)
	}
	var session struct{ Token string }
	err = json.NewDecoder(resp.Body).Decode(&session)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || session.Token == "" {
		t.Fatalf("REST session: HTTP %d, %v", resp.StatusCode, err)
	}
	req, _ := http.NewRequest(http.MethodGet, sb.EBoekhoudenRESTURL+"/v1/relation?limit=2000", nil)
	req.Header.Set("Authorization", session.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Count int }
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil || list.Count != len(sb.Dataset.EBoekhouden.Relations) {
		t.Fatalf("REST relations: %d, want the dataset's %d (%v)", list.Count, len(sb.Dataset.EBoekhouden.Relations), err)
	}
}

// TestCloseDoesNotWaitForUnusedConnections: a connection that never sent a
// request (a client transport's spare dial) does not hold Close up; before,
// Shutdown waited five seconds for it and Close returned the deadline.
func TestCloseDoesNotWaitForUnusedConnections(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for _, u := range []string{sb.EBoekhoudenURL, sb.EBoekhoudenRESTURL, sb.OutSmartURL} {
		host := strings.Split(strings.TrimPrefix(u, "http://"), "/")[0]
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// Let the servers accept them (StateNew).
	get(t, sb.EBoekhoudenURL+"?wsdl")
	if err := sb.Close(); err != nil {
		t.Fatalf("Close with unused connections open: %v", err)
	}
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Error("an unused connection was not closed by Close")
		}
	}
}

func TestStartRefusesInvalidDatasetAndBusyPort(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	busy := strings.TrimSuffix(strings.TrimPrefix(sb.OutSmartURL, "http://"), "/openapi/8")
	if _, err := Start(Options{OutSmartAddr: busy}); err == nil {
		t.Fatal("Start on a busy port succeeded")
	}
	ds := sb.Dataset.Clone()
	ds.EBoekhouden.Credentials.Username = ""
	if _, err := Start(Options{Dataset: ds}); err == nil {
		t.Fatal("Start with an invalid dataset succeeded")
	}
}

func TestCloseStopsServing(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := <-sb.Done(); err != nil {
			t.Fatalf("server stopped with %v", err)
		}
	}
	// The port is free now (another test's server may even have taken it):
	// what answers, if anything, is not this sandbox.
	if resp, err := http.Get(sb.EBoekhoudenURL + "?wsdl"); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), "soapApp") {
			t.Fatal("sandbox still answers after Close")
		}
	}
}
