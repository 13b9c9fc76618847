package engine

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// noAddress are the demo relations OutSmart cannot take.
func noAddress(h *harness) map[string]string {
	out := map[string]string{}
	for _, r := range h.bkRelations() {
		if strings.TrimSpace(r.Address) == "" && strings.TrimSpace(r.Address2) == "" {
			out[r.Code] = r.Name
		}
	}
	return out
}

// TestSummaryCountsWhatIsStillOpen: the relations without an address stay
// on the attention list, in every summary, until they are fixed; skipped
// they no longer count; retried they are judged anew.
func TestSummaryCountsWhatIsStillOpen(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyExportInvoices: "false"})
		missing := noAddress(h)
		if len(missing) != 2 {
			t.Fatalf("demo relations without an address: %v", missing)
		}
		first := h.run(RunOptions{})
		if first.Open.Relations != 2 || first.Outcome != store.RunAttention || !strings.Contains(first.Line, "2 relaties kunnen niet naar OutSmart") {
			t.Fatalf("first run: %+v %q", first.Open, first.Line)
		}
		// The log line names the customer and the fix, once.
		for code, name := range missing {
			if !h.logged(store.LevelAttention, "Relatie "+code+", "+name+" kan niet naar OutSmart") {
				t.Errorf("no attention line naming relatie %s, %s: %+v", code, name, h.logs)
			}
		}

		second := h.run(RunOptions{})
		if second.Attention != 0 || second.Open.Relations != 2 || second.Outcome != store.RunAttention {
			t.Fatalf("second run: new %d, open %+v, outcome %s", second.Attention, second.Open, second.Outcome)
		}
		if want := "Alles was al bijgewerkt; 2 relaties kunnen niet naar OutSmart"; second.Line != want {
			t.Errorf("second summary %q, want %q", second.Line, want)
		}
		if want := "Everything was up to date; 2 relations cannot go to OutSmart"; second.Message.Render(message.English) != want {
			t.Errorf("second summary in English %q, want %q", second.Message.Render(message.English), want)
		}
		runs, err := h.st.Runs(context.Background(), 1)
		if err != nil || len(runs) != 1 || runs[0].Summary != second.Line ||
			runs[0].Text(message.English) != "Everything was up to date; 2 relations cannot go to OutSmart" {
			t.Errorf("stored run summary: %+v %v", runs, err)
		}

		ctx := context.Background()
		items, err := h.eng.Attention(ctx)
		if err != nil || len(items) != 2 {
			t.Fatalf("attention list: %+v %v", items, err)
		}
		if items[0].Cause != items[1].Cause || !items[0].CanRetry || !items[0].CanSkip || items[0].Fix.IsZero() {
			t.Errorf("relations without an address: %+v", items)
		}
		if got := items[0].Reason.Render(message.English); !strings.Contains(got, "cannot go to OutSmart: address, postal code") {
			t.Errorf("reason in English: %q", got)
		}

		// Skip one: it no longer counts, and is not reported again unchanged.
		skipped := items[0].ID
		if err := h.eng.SkipAttention(ctx, items[0].Kind, skipped); err != nil {
			t.Fatal(err)
		}
		third := h.run(RunOptions{})
		if third.Open.Relations != 1 || third.Attention != 0 {
			t.Fatalf("after skipping one: open %+v, new %d", third.Open, third.Attention)
		}
		// Retry the other while it is still wrong: the run reports it again.
		if n, err := h.eng.RetryCause(ctx, items[1].Cause); err != nil || n != 1 {
			t.Fatalf("retry cause: %d %v", n, err)
		}
		fourth := h.run(RunOptions{})
		if fourth.Attention != 1 || fourth.Open.Relations != 1 {
			t.Fatalf("after retrying one unchanged: open %+v, new %d", fourth.Open, fourth.Attention)
		}
		// Fix both: they go to OutSmart and nothing is open.
		h.setAddress(missing, "Dorpsstraat 1", "1234 AB", "Ergens")
		fifth := h.run(RunOptions{})
		if fifth.Relations != 2 || fifth.Open.Total() != 0 || fifth.Outcome != store.RunOK {
			t.Fatalf("after the fix: synced %d, open %+v, outcome %s (%s)", fifth.Relations, fifth.Open, fifth.Outcome, fifth.Line)
		}
		if items, _ := h.eng.Attention(ctx); len(items) != 0 {
			t.Errorf("attention list after the fix: %+v", items)
		}
	})
}

// TestSettingsProblemIsOnTheListUntilFixed: a work order status OutSmart
// does not know stops invoices; it is an item of the list with its fix,
// and clears when corrected.
func TestSettingsProblemIsOnTheListUntilFixed(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyImportRelations: "false", store.KeyWorkflowStatus: "Bestaat niet"})
		sum := h.run(RunOptions{})
		if sum.Open.Settings != 1 || !strings.Contains(sum.Line, "1 instelling moet worden aangevuld") {
			t.Fatalf("empty template: %+v %q", sum.Open, sum.Line)
		}
		items, _ := h.eng.Attention(context.Background())
		if len(items) != 1 || items[0].Kind != report.AttentionSettings || items[0].CanSkip ||
			!strings.Contains(items[0].Reason.Render(message.Dutch), `"Bestaat niet" bestaat niet`) ||
			!strings.Contains(items[0].Fix.Render(message.Dutch), "1 naar E-boekhouden") {
			t.Fatalf("attention list: %+v", items)
		}
		if err := h.eng.SkipAttention(context.Background(), report.AttentionSettings, items[0].ID); err == nil {
			t.Error("a settings problem was skipped")
		}
		if err := h.st.SetSettings(context.Background(), map[string]string{store.KeyWorkflowStatus: "1 naar E-boekhouden"}); err != nil {
			t.Fatal(err)
		}
		sum = h.run(RunOptions{})
		if sum.Open.Settings != 0 || sum.Err != nil {
			t.Fatalf("after correcting the status: %+v %v", sum.Open, sum.Err)
		}
	})
}

// TestFailedRunNeverSaysUpToDate: a run that stops says why, counts what is
// open, and never that everything was up to date; a refused login is on
// the list until a run gets past it.
func TestFailedRunNeverSaysUpToDate(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyExportInvoices: "false"})
		h.run(RunOptions{})
		good := h.eb
		// Refused credentials: a wrong security code on SOAP, an API token
		// the REST sandbox does not know.
		wrong := h.kit.Link
		wrong.Credentials.EBoekhoudenSecurityCode1 = strings.Repeat("0", 32)
		wrong.Credentials.EBoekhoudenAPIToken = "not-the-demo-api-token"
		bad := booksFor(t, rd, wrong, testkit.ClientOptions{Timeout: 5 * time.Second, Retry: fastRetry}, nil)
		h.eb, h.eng.p.Bookkeeping = bad, bad
		sum := h.run(RunOptions{})
		if sum.Err == nil || sum.Outcome != store.RunFailed {
			t.Fatalf("run with refused credentials: %v %s", sum.Err, sum.Outcome)
		}
		// The cause as the user reads it: on REST an unknown token is
		// API_SESSION_004, whose advice is a new token.
		nl, en := "Synchronisatie afgebroken: e-Boekhouden weigert", "Synchronisation stopped: e-Boekhouden refuses"
		if rd == roadREST {
			nl = "Synchronisatie afgebroken: het API-token van e-Boekhouden is verlopen (API_SESSION_004); maak een nieuw API-token"
			en = "Synchronisation stopped: the e-Boekhouden API token has expired (API_SESSION_004); make a new API token"
		}
		if strings.Contains(sum.Line, "Alles was al bijgewerkt") || !strings.HasPrefix(sum.Line, nl) ||
			!strings.Contains(sum.Line, "2 relaties kunnen niet naar OutSmart") || sum.Open.Login != 1 {
			t.Fatalf("failed run: %q %+v", sum.Line, sum.Open)
		}
		if got := sum.Message.Render(message.English); strings.Contains(got, "up to date") || !strings.HasPrefix(got, en) {
			t.Errorf("failed run in English: %q", got)
		}
		h.eb, h.eng.p.Bookkeeping = good, good
		if sum := h.run(RunOptions{}); sum.Err != nil || sum.Open.Login != 0 {
			t.Fatalf("run after the login was fixed: %v %+v", sum.Err, sum.Open)
		}
	})
}

// TestAmountsAndCustomersInLogLines: invoice lines name the customer and
// show amounts as € 1.039,33.
func TestAmountsAndCustomersInLogLines(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		sum := h.run(RunOptions{})
		if sum.Invoices == 0 {
			t.Fatalf("no invoices: %s", sum.Line)
		}
		created := regexp.MustCompile(`^Factuur \S+ aangemaakt voor werkbon \S+ \(relatie [^,]+, .+\)\.$`)
		amount := regexp.MustCompile(`€ -?\d{1,3}(\.\d{3})*,\d\d\b`)
		bare := regexp.MustCompile(`€ -?\d{4,},`)
		var createdLines, amounts int
		for _, l := range h.logs {
			if strings.HasPrefix(l.Message, "Factuur ") && strings.Contains(l.Message, "aangemaakt") {
				createdLines++
				if !created.MatchString(l.Message) {
					t.Errorf("invoice line without the customer's name: %q", l.Message)
				}
			}
			if amount.MatchString(l.Message) {
				amounts++
			}
			if bare.MatchString(l.Message) {
				t.Errorf("amount without thousands separator: %q", l.Message)
			}
			if l.Key == "" || l.Text(message.Dutch) != l.Message {
				t.Errorf("line without its message key, or whose Dutch rendering differs: %+v", l)
			}
		}
		if createdLines != sum.Invoices || amounts < sum.Invoices {
			t.Errorf("%d invoice lines, %d with amounts, for %d invoices", createdLines, amounts, sum.Invoices)
		}
	})
}
