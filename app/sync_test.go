package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// TestProgressLinesAreStepsNotAFlood feeds sequences of progress reports,
// as a long read makes them (one per e-Boekhouden request), through the
// choice of sync --once and checks which become a line.
func TestProgressLinesAreStepsNotAFlood(t *testing.T) {
	rel := func(read, about int) report.Progress {
		return report.Progress{Kind: "relations", Read: read, About: about}
	}
	prod := func(read, about int) report.Progress {
		return report.Progress{Kind: "products", Read: read, About: about}
	}
	done := func(p report.Progress) report.Progress { p.Done = true; return p }
	// read is a read of n records with a report after every 700 and the
	// last count twice (a last request that brought nothing new).
	read := func(kind string, n, about int) []report.Progress {
		var out []report.Progress
		for r := 0; r < n; r += 700 {
			out = append(out, report.Progress{Kind: kind, Read: r, About: about})
		}
		return append(out, report.Progress{Kind: kind, Read: n, About: about}, report.Progress{Kind: kind, Read: n, About: about})
	}
	for _, c := range []struct {
		name string
		lang message.Lang
		in   []report.Progress
		want []string
	}{
		{"a tenth of about per line", message.Dutch,
			append(read("relations", 15000, 15000), done(rel(15000, 15000))),
			[]string{"Relaties ophalen: 0 van ongeveer 15.000", "Relaties ophalen: 2.100 van ongeveer 15.000",
				"Relaties ophalen: 4.200 van ongeveer 15.000", "Relaties ophalen: 6.300 van ongeveer 15.000",
				"Relaties ophalen: 8.400 van ongeveer 15.000", "Relaties ophalen: 10.500 van ongeveer 15.000",
				"Relaties ophalen: 12.600 van ongeveer 15.000", "Relaties ophalen: 14.700 van ongeveer 15.000",
				"Relaties ophalen: 15.000 van ongeveer 15.000"}},
		{"in English", message.English,
			[]report.Progress{rel(2000, 15000), rel(3000, 15000), rel(3500, 15000), rel(4000, 15000), done(rel(4100, 15000))},
			[]string{"Reading relations: 2,000 of about 15,000", "Reading relations: 3,500 of about 15,000",
				"Reading relations: 4,100 of about 15,000"}},
		{"5,000 records per line when about is not known", message.Dutch,
			append(read("products", 12000, 0), done(prod(12000, 0))),
			[]string{"Producten ophalen: 0 gelezen", "Producten ophalen: 5.600 gelezen", "Producten ophalen: 11.200 gelezen",
				"Producten ophalen: 12.000 gelezen"}},
		{"the done line is not repeated when the last step said it", message.Dutch,
			[]report.Progress{rel(2000, 4000), rel(4000, 4000), done(rel(4000, 4000))},
			[]string{"Relaties ophalen: 2.000 van ongeveer 4.000", "Relaties ophalen: 4.000 van ongeveer 4.000"}},
		{"two kinds count apart", message.Dutch,
			[]report.Progress{rel(2000, 20000), prod(2000, 20000), rel(3000, 20000), prod(4000, 20000), rel(4000, 20000),
				done(rel(5000, 20000)), done(prod(4000, 20000))},
			[]string{"Relaties ophalen: 2.000 van ongeveer 20.000", "Producten ophalen: 2.000 van ongeveer 20.000",
				"Producten ophalen: 4.000 van ongeveer 20.000", "Relaties ophalen: 4.000 van ongeveer 20.000",
				"Relaties ophalen: 5.000 van ongeveer 20.000"}},
		{"more than expected", message.Dutch,
			[]report.Progress{rel(9000, 10000), rel(10500, 10000), rel(11000, 10000), done(rel(12000, 10000))},
			[]string{"Relaties ophalen: 9.000 van ongeveer 10.000", "Relaties ophalen: 10.500 van ongeveer 10.500",
				"Relaties ophalen: 12.000 van ongeveer 12.000"}},
		{"a small about still steps", message.Dutch,
			[]report.Progress{rel(1, 5), rel(2, 5), rel(2, 5), rel(3, 5), done(rel(3, 5))},
			[]string{"Relaties ophalen: 1 van ongeveer 5", "Relaties ophalen: 2 van ongeveer 5", "Relaties ophalen: 3 van ongeveer 5"}},
		{"only done", message.Dutch,
			[]report.Progress{done(prod(2500, 0))},
			[]string{"Producten ophalen: 2.500 gelezen"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var s progressSteps
			var got []string
			for _, p := range c.in {
				if line, ok := s.next(p, c.lang); ok {
					got = append(got, line)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("lines:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// TestProgressLinesOfALongRead bounds the lines of a read of 50,000
// relations in 2,000-record requests with a report after each and never
// prints a line twice.
func TestProgressLinesOfALongRead(t *testing.T) {
	for _, about := range []int{0, 50000} {
		var s progressSteps
		var lines []string
		reports := 0
		for r := 0; r <= 50000; r += 100 {
			reports++
			if line, ok := s.next(report.Progress{Kind: "relations", Read: r, About: about}, message.Dutch); ok {
				lines = append(lines, line)
			}
		}
		if line, ok := s.next(report.Progress{Kind: "relations", Read: 50000, About: about, Done: true}, message.Dutch); ok {
			lines = append(lines, line)
		}
		// The first, one per step of 5,000 (a tenth of 50,000, or the
		// unknown size's step) and the last.
		if len(lines) != 11 {
			t.Errorf("about %d: %d reports made %d lines, want 11:\n%s", about, reports, len(lines), strings.Join(lines, "\n"))
		}
		seen := map[string]bool{}
		for _, l := range lines {
			if seen[l] {
				t.Errorf("about %d: %q printed twice", about, l)
			}
			seen[l] = true
		}
	}
}

// largeAdministration is the demo administration with n more relations,
// each with a full address: more than e-Boekhouden answers in one request
// when n is above 2,000.
func largeAdministration(n int) *demodata.Dataset {
	ds := demodata.Default().Clone()
	for i := range n {
		ds.EBoekhouden.Relations = append(ds.EBoekhouden.Relations, demodata.Relatie{
			ID: int64(8_000_000 + i), AddDatum: "2025-01-02", Code: fmt.Sprintf("GR%05d", i),
			Bedrijf: fmt.Sprintf("Klant %05d B.V.", i), Contactpersoon: "J. de Boer", Geslacht: "m",
			Adres: fmt.Sprintf("Dorpsstraat %d", 1+i%180), Postcode: fmt.Sprintf("3511 %c%c", 'A'+rune(i%26), 'A'+rune((i/26)%26)),
			Plaats: "Utrecht", Land: "NL", Email: fmt.Sprintf("administratie%05d@klant.nl", i), BP: "B", LA: "0",
		})
	}
	return ds
}

// TestSyncOnceShowsTheProgressOfALongRead runs the first import of a large
// administration twice: in-process with the real runner, which says what
// the engine reports, and as the real binary, whose progress lines must be
// those reports' steps (the first and the last of each kind, never a line
// twice, not a flood). While the engine reports no progress for this
// administration there is nothing to check, and the test says so.
func TestSyncOnceShowsTheProgressOfALongRead(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a large administration twice")
	}
	const relations = 2500
	opts := sandbox.Options{Dataset: largeAdministration(relations)}

	// In-process: what the engine reports.
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ebc, osc := sb.Dataset.EBoekhouden.Credentials, sb.Dataset.OutSmart.Credentials
	creds := secrets.Credentials{EBoekhoudenUsername: ebc.Username, EBoekhoudenSecurityCode1: ebc.SecurityCode1,
		EBoekhoudenSecurityCode2: ebc.SecurityCode2, OutSmartCompanyID: osc.CompanyID, OutSmartToken: osc.Token,
		OutSmartSoftwareToken: osc.SoftwareToken}
	var (
		mu      sync.Mutex
		reports []report.Progress
	)
	runner := &services.Runner{Store: st,
		Endpoints:   services.Endpoints{EBoekhoudenURL: sb.EBoekhoudenURL, OutSmartURL: sb.OutSmartURL},
		Credentials: func() (secrets.Credentials, error) { return creds, nil },
		OnProgress: func(p report.Progress) {
			mu.Lock()
			defer mu.Unlock()
			reports = append(reports, p)
		}}
	if sum := runner.Run(ctx, engine.RunOptions{Trigger: "test"}); sum.Outcome == store.RunFailed {
		t.Fatalf("in-process run failed: %v", sum.Err)
	}
	if len(reports) == 0 {
		t.Fatalf("the engine reported no progress for the first import of %d relations", relations)
	}
	var steps progressSteps
	first, last := map[string]string{}, map[string]string{}
	for _, p := range reports {
		line, ok := steps.next(p, message.Dutch)
		if !ok {
			continue
		}
		if first[p.Kind] == "" {
			first[p.Kind] = line
		}
		last[p.Kind] = line
	}

	// The binary, on a fresh copy of the same administration.
	c := newCLIWith(t, opts)
	out, errOut, code := c.run(nil, "", "sync", "--once")
	if code == exitCannotRun {
		t.Fatalf("sync --once: exit %d\n%s\n%s", code, out, errOut)
	}
	lineForm := regexp.MustCompile(`^\d\d:\d\d:\d\d  info         ((Relaties|Producten) ophalen: .*)$`)
	printed := map[string][]string{}
	seen := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		m := lineForm.FindStringSubmatch(l)
		if m == nil {
			if strings.Contains(l, " ophalen: ") {
				t.Errorf("a progress line not in the log lines' form: %q", l)
			}
			continue
		}
		if seen[m[1]] {
			t.Errorf("printed twice: %q", m[1])
		}
		seen[m[1]] = true
		kind := map[string]string{"Relaties": "relations", "Producten": "products"}[m[2]]
		printed[kind] = append(printed[kind], m[1])
	}
	for kind := range first {
		got := printed[kind]
		// The first, at most one per tenth (or per 5,000 records of the
		// relations and products there are), and the last.
		if limit := 12 + (relations+100)/progressStepUnknown; len(got) == 0 || len(got) > limit {
			t.Errorf("%s: %d progress lines (at most %d), from %d reports:\n%s", kind, len(got), limit, len(reports), out)
			continue
		}
		if got[0] != first[kind] || got[len(got)-1] != last[kind] {
			t.Errorf("%s: lines %q, want them to run from %q to %q", kind, got, first[kind], last[kind])
		}
	}
	for kind := range printed {
		if first[kind] == "" {
			t.Errorf("progress lines of %s, which the engine did not report in-process: %q", kind, printed[kind])
		}
	}
}
