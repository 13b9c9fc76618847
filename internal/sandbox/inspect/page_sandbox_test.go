package inspect_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// TestSandboxPages opens both sandboxes' readable pages as the demo's
// links do: Dutch headings, the demo data in tables, amounts in euros.
func TestSandboxPages(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	page := func(service string) string {
		u, err := url.Parse(service)
		if err != nil {
			t.Fatal(err)
		}
		u.Path, u.RawQuery = inspect.Prefix+"stand", ""
		resp, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: HTTP %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return string(b)
	}
	eb := page(sb.EBoekhoudenURL)
	rel := sb.Dataset.EBoekhouden.Relations[0]
	for _, want := range []string{"Stand van e-Boekhouden", fmt.Sprintf("<h2>Facturen (%d)</h2>", len(sb.EBoekhouden.State().Invoices)),
		`<td class="num">€ `,
		"<h2>Relaties (", "<td>" + rel.Code + "</td>", strings.ReplaceAll(rel.Bedrijf, "&", "&amp;")} {
		if !strings.Contains(eb, want) {
			t.Errorf("e-Boekhouden page lacks %q", want)
		}
	}
	osPage := page(sb.OutSmartURL)
	wo := sb.Dataset.OutSmart.Workorders[0]
	for _, want := range []string{"Stand van OutSmart", "<h2>Werkbonnen (", "<td>" + wo.OrderNr + "</td>", "<td>" + wo.Status + "</td>", `<td class="num">€ `, "<h2>Relaties ("} {
		if !strings.Contains(osPage, want) {
			t.Errorf("OutSmart page lacks %q", want)
		}
	}
}
