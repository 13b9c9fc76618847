package inspect

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// pagerTarget is a target with a readable page.
type pagerTarget struct{ *target }

func (p pagerTarget) Page() Page {
	return Page{Title: "Stand van de proef", Sections: []Section{
		{Heading: "Relaties", Columns: []Column{{Label: "Naam"}, {Label: "Bedrag", Numeric: true}},
			Rows: [][]string{{"Bakkerij <script>alert(1)</script> & Zonen", Money("1039.33")}, {"kort"}}},
		{Heading: "Facturen", Empty: "Er zijn nog geen facturen."},
	}}
}

func get(t *testing.T, url, accept string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	return resp.Header.Get("Content-Type"), string(b)
}

func TestStatePageForABrowserJSONForEveryoneElse(t *testing.T) {
	srv := httptest.NewServer(Handler(pagerTarget{newTarget()}))
	defer srv.Close()
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

	for _, c := range []struct{ path, accept string }{{"state", browser}, {"stand", ""}, {"stand", "application/json"}} {
		ct, body := get(t, srv.URL+Prefix+c.path, c.accept)
		if !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("%s with Accept %q: Content-Type %s", c.path, c.accept, ct)
		}
		for _, want := range []string{"<title>Stand van de proef</title>", "<h2>Relaties (2)</h2>", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Zonen",
			`<td class="num">€ 1.039,33</td>`, "Er zijn nog geen facturen.", `lang="nl"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q:\n%s", c.path, want, body)
			}
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("%s: a value is not escaped", c.path)
		}
	}
	for _, c := range []struct{ url, accept string }{
		{srv.URL + Prefix + "state", ""}, {srv.URL + Prefix + "state", "application/json"},
		{srv.URL + Prefix + "state?format=json", browser},
	} {
		ct, body := get(t, c.url, c.accept)
		var m map[string]int
		if ct != "application/json" || json.Unmarshal([]byte(body), &m) != nil || m["relations"] != 3 {
			t.Errorf("%s with Accept %q: %s %q", c.url, c.accept, ct, body)
		}
	}
}

func TestStandIsOnlyForPagers(t *testing.T) {
	srv := httptest.NewServer(Handler(newTarget()))
	defer srv.Close()
	if code, _ := do(t, srv, http.MethodGet, Prefix+"stand", ""); code != http.StatusNotFound {
		t.Errorf("stand of a target without a page: HTTP %d", code)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+Prefix+"state", nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("a target without a page answers a browser with %s", resp.Header.Get("Content-Type"))
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]string{
		"1039.33": "€ 1.039,33", "0": "€ 0,00", "12.5": "€ 12,50", "-1234567.8": "€ -1.234.567,80",
		"100": "€ 100,00", "1000": "€ 1.000,00", "2.1250": "€ 2,125", "1.5000": "€ 1,50", "abc": "abc", "": "",
	} {
		if got := Money(in); got != want {
			t.Errorf("Money(%q) = %q, want %q", in, got, want)
		}
	}
}
