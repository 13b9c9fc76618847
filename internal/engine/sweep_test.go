package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	ebsandbox "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// The sweep tests are SOAP-only: the keyword sweep reads around SOAP's
// answer cap (2,000 records per GetRelaties/GetArtikelen); the REST road
// pages and the engine never sweeps it (ResultCap Uncapped).
//
// The sweep tests use a small answer cap and an administration 7.5 times
// larger than it, the proportion of 15,000 records to e-Boekhouden's 2,000.
const (
	sweepCap       = 100
	sweepRelations = 750
	sweepProducts  = 750
)

func newSweepHarness(t *testing.T) (*harness, *countingBooks) {
	t.Helper()
	h := newHarness(t, sandbox.Options{Dataset: benchDataset(sweepRelations, sweepProducts, 0), ResultCap: sweepCap},
		map[string]string{store.KeyExportInvoices: "false"})
	h.eng.p.ResultCap = sweepCap
	c := &countingBooks{Bookkeeping: h.eng.p.Bookkeeping}
	h.eng.p.Bookkeeping = c
	return h, c
}

// countingBooks counts the engine's reads of relations and products (the
// sandbox's request log keeps only the last 1,000 requests).
type countingBooks struct {
	Bookkeeping
	relations, products int
}

func (c *countingBooks) Relations(ctx context.Context, f eboekhouden.RelationFilter) ([]eboekhouden.Relation, error) {
	c.relations++
	return c.Bookkeeping.Relations(ctx, f)
}

func (c *countingBooks) Products(ctx context.Context, f eboekhouden.ProductFilter) ([]eboekhouden.Product, error) {
	c.products++
	return c.Bookkeeping.Products(ctx, f)
}

func (c *countingBooks) reads() int { return c.relations + c.products }

// outSmartHas reads what OutSmart holds: relations by debtor number (their
// name), materials and hour types by code (their price).
func outSmartHas(h *harness) (rels, mats, hts map[string]string) {
	st := h.sb.OutSmart.State()
	rels, mats, hts = map[string]string{}, map[string]string{}, map[string]string{}
	for _, r := range st.Relations {
		rels[r.DebtorNumber] = r.Name
	}
	for _, m := range st.Materials {
		mats[m.Code] = m.Price
	}
	for _, ht := range st.HourTypes {
		hts[ht.Code] = ht.SalePrice
	}
	return rels, mats, hts
}

// TestLargeAdministrationIsImportedWholeInOneRun: with 7.5 times more
// relations and products than one answer holds, the first run sends every
// one of them to OutSmart, reports its progress, and says in the log that
// everything was read; no warning that some could not be.
func TestLargeAdministrationIsImportedWholeInOneRun(t *testing.T) {
	skipWhenShort(t)
	h, _ := newSweepHarness(t)
	var reports []report.Progress
	h.eng.p.OnProgress = func(p report.Progress) { reports = append(reports, p) }
	sum := h.run(RunOptions{})
	if sum.Err != nil {
		t.Fatal(sum.Err)
	}
	rels, mats, hts := outSmartHas(h)
	for i := range sweepRelations {
		if _, ok := rels[benchRelationCode(i)]; !ok {
			t.Fatalf("relation %s did not reach OutSmart (%d of %d did)", benchRelationCode(i), len(rels), sweepRelations)
		}
	}
	for i := range sweepProducts {
		code := benchProductCode(i)
		if _, ok := mats[code]; !ok {
			if _, ok := hts[code]; !ok {
				t.Fatalf("product %s did not reach OutSmart", code)
			}
		}
	}
	if h.logged(store.LevelWarning, "mogelijk niet alle") {
		t.Error("warned that not every record could be read")
	}
	for _, what := range []string{"relaties gelezen uit e-Boekhouden", "producten gelezen uit e-Boekhouden"} {
		if !h.logged(store.LevelInfo, what) {
			t.Errorf("the log does not say %q", what)
		}
	}
	// report.Progress: per kind, growing, ending with Done at the full count.
	last := map[string]report.Progress{}
	for _, p := range reports {
		if prev, ok := last[p.Kind]; ok && (p.Read < prev.Read || prev.Done) {
			t.Fatalf("progress went back or went on after Done: %+v after %+v", p, prev)
		}
		last[p.Kind] = p
	}
	for kind, n := range map[string]int{"relations": sweepRelations, "products": sweepProducts} {
		if p := last[kind]; !p.Done || p.Read < n {
			t.Errorf("last %s progress %+v, want Done with at least %d read", kind, p, n)
		}
	}
	if len(reports) < 10 {
		t.Errorf("only %d progress reports for a read of many requests", len(reports))
	}
}

// TestLargeAdministrationChangesArriveWithinFourRuns changes, adds and
// renames records at each point of the watch cycle, and checks that each
// change reaches OutSmart within watchRuns+1 runs, that a steady run stays
// within its share of requests, and that a relation whose code follows no
// known series is still found, within one discovery pass.
func TestLargeAdministrationChangesArriveWithinFourRuns(t *testing.T) {
	skipWhenShort(t)
	h, books := newSweepHarness(t)
	if sum := h.run(RunOptions{}); sum.Err != nil {
		t.Fatal(sum.Err)
	}
	next := sweepRelations
	nextProduct := sweepProducts
	for phase := range watchRuns + 1 {
		for range phase {
			h.run(RunOptions{})
		}
		newCode := benchRelationCode(next) // the next of the series, with the highest ID: beyond every answer
		next++
		changed := benchRelationCode(37 * (phase + 1))
		moved := benchProductCode(3*(100+phase) + 1) // a material whose description changes entirely
		newProduct := benchProductCode(nextProduct)
		nextProduct++
		h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
			rel := st.Relations[len(st.Relations)-1]
			rel.ID += 1000
			rel.Code, rel.Bedrijf = newCode, fmt.Sprintf("Nieuwe klant fase %d", phase)
			st.Relations = append(st.Relations, rel)
			for i := range st.Relations {
				if st.Relations[i].Code == changed {
					st.Relations[i].Bedrijf = fmt.Sprintf("Gewijzigd fase %d", phase)
				}
			}
			for i := range st.Articles {
				if st.Articles[i].ArtikelCode == moved {
					st.Articles[i].ArtikelOmschrijving = fmt.Sprintf("Zeldzame koppelbuis fase %d", phase)
					st.Articles[i].VerkoopprijsExclBTW = "99.99"
				}
			}
			var art ebsandbox.Article
			for _, a := range st.Articles {
				if a.ArtikelCode == benchProductCode(0) { // a material ("stuk")
					art = a
				}
			}
			art.ArtikelID = st.Articles[len(st.Articles)-1].ArtikelID + 1000
			art.ArtikelCode, art.ArtikelOmschrijving = newProduct, fmt.Sprintf("Artikel %s", newProduct[2:])
			st.Articles = append(st.Articles, art)
		})
		arrived := false
		for run := 1; run <= watchRuns+1 && !arrived; run++ {
			before := books.reads()
			if sum := h.run(RunOptions{}); sum.Err != nil {
				t.Fatal(sum.Err)
			}
			// Each request's own calls, not the OutSmart ones: a steady
			// run reads the unfiltered lists, its shares and look-ups.
			if n := books.reads() - before; n > 120 {
				t.Errorf("phase %d run %d: %d e-Boekhouden requests, more than 120", phase, run, n)
			}
			if ps := sweepStateOf(t, h, store.SourceProduct); testing.Verbose() {
				t.Logf("phase %d run %d: cycle %d cursor %d watch %v lookups %v", phase, run, ps.Cycle, ps.Cursor, ps.Watch, ps.Lookups)
			}
			rels, mats, _ := outSmartHas(h)
			arrived = rels[newCode] != "" && rels[changed] == fmt.Sprintf("Gewijzigd fase %d", phase) &&
				mats[moved] == "99,99" && mats[newProduct] != ""
			if arrived {
				t.Logf("phase %d: every change in OutSmart after %d runs", phase, run)
			}
		}
		if !arrived {
			rels, mats, _ := outSmartHas(h)
			t.Fatalf("phase %d: after %d runs OutSmart has new relation %q, changed %q, moved material %q, new material %q",
				phase, watchRuns+1, rels[newCode], rels[changed], mats[moved], mats[newProduct])
		}
	}

	// A code outside every series, with a rare name: found by discovery.
	state := sweepStateOf(t, h, store.SourceRelation)
	// The pass under way may have read its term just before the relation
	// was added: then the next pass finds it.
	bound := 2*((state.LastCalls+minDiscoveryPerRun-1)/minDiscoveryPerRun) + 1
	h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
		rel := st.Relations[len(st.Relations)-1]
		rel.ID += 1000
		rel.Code, rel.Bedrijf = "QX-7", "Quirijn Xylofoonbouw"
		st.Relations = append(st.Relations, rel)
	})
	for run := 1; ; run++ {
		h.run(RunOptions{})
		rels, _, _ := outSmartHas(h)
		if rels["QX-7"] != "" {
			t.Logf("a relation outside every series reached OutSmart after %d runs (pass bound %d)", run, bound)
			break
		}
		if run > bound {
			t.Fatalf("a relation outside every series did not reach OutSmart within %d runs (two discovery passes)", bound)
		}
	}
}

func sweepStateOf(t *testing.T, h *harness, kind store.SourceKind) sweepState {
	t.Helper()
	raw, err := h.st.SweepState(context.Background(), kind)
	if err != nil || raw == "" {
		t.Fatalf("sweep state of %s: %q, %v", kind, raw, err)
	}
	var st sweepState
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestCallLimitDuringTheFirstReadGoesOnWhereItStopped: E003.1 halfway
// through a first import stops the run; the next run reads on from where
// the first stopped (fewer requests than starting over), and together they
// bring every relation to OutSmart, what the first had read already in the
// first run.
func TestCallLimitDuringTheFirstReadGoesOnWhereItStopped(t *testing.T) {
	skipWhenShort(t)
	whole, wholeBooks := newSweepHarness(t)
	whole.run(RunOptions{})
	wholeCalls := wholeBooks.relations

	h, books := newSweepHarness(t)
	h.sb.EBoekhouden.Faults().Add(fault.Rule{Op: "GetRelaties", Kind: fault.CallLimit, After: wholeCalls / 2, Times: 1})
	sum := h.run(RunOptions{})
	if !sum.CallLimited {
		t.Fatalf("first run not stopped by the call limit: %v %s", sum.Err, sum.Line)
	}
	rels, _, _ := outSmartHas(h)
	if len(rels) < sweepCap {
		t.Fatalf("what was read before E003.1 was not sent: %d relations in OutSmart", len(rels))
	}
	firstRelations := len(rels)
	before := books.relations
	var reports []report.Progress
	h.eng.p.OnProgress = func(p report.Progress) { reports = append(reports, p) }
	if sum := h.run(RunOptions{}); sum.Err != nil {
		t.Fatal(sum.Err)
	}
	second := books.relations - before
	if len(reports) == 0 || reports[0].Kind != "relations" || reports[0].About < sweepCap {
		t.Errorf("the resumed read's first progress %+v: want about at least the %d relations already sent", reports[:1], sweepCap)
	}
	if second >= wholeCalls*3/4 {
		t.Errorf("the second run made %d GetRelaties requests, a whole read makes %d: it started over", second, wholeCalls)
	}
	rels, _, _ = outSmartHas(h)
	for i := range sweepRelations {
		if _, ok := rels[benchRelationCode(i)]; !ok {
			t.Fatalf("relation %s missing after the resumed read (%d before, %d now)", benchRelationCode(i), firstRelations, len(rels))
		}
	}
}

// TestSmallAdministrationStaysAtOneRequestPerKind: an administration that
// fits in one answer is read with one request per kind, as before, and
// nothing is kept for it.
func TestSmallAdministrationStaysAtOneRequestPerKind(t *testing.T) {
	h := newHarness(t, sandbox.Options{}, map[string]string{store.KeyExportInvoices: "false"})
	h.run(RunOptions{})
	h.clearRequests()
	h.run(RunOptions{})
	count := map[string]int{}
	for _, r := range h.sb.EBoekhouden.Requests().All() {
		count[r.Op]++
	}
	if count["GetRelaties"] != 1 || count["GetArtikelen"] != 1 {
		t.Fatalf("a steady run of a small administration: %v, want one GetRelaties and one GetArtikelen", count)
	}
	if raw, _ := h.st.SweepState(context.Background(), store.SourceRelation); raw != "" {
		t.Fatalf("a small administration keeps a sweep state: %s", raw)
	}
}

func TestNextTermCountsUpTheTrailingDigits(t *testing.T) {
	for in, want := range map[string]string{
		"br14": "br15", "k0999": "k1000", "2499": "2500", "abz": "", "99": "", "artikel 007": "artikel 008", "": "",
	} {
		if got := nextTerm(in); got != want {
			t.Errorf("nextTerm(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestATermHoldingATermAnsweredInFullIsNotAsked(t *testing.T) {
	full := map[string]bool{"q": true, "br0": true}
	for term, want := range map[string]bool{"aq": true, "xbr0y": true, "br": false, "br1": false, "b": false, "qq": true} {
		if got := containsAnsweredTerm(term, full); got != want {
			t.Errorf("containsAnsweredTerm(%q) = %v, want %v", term, got, want)
		}
	}
}

// TestWatchTermsCoverEveryKnownRecord: the terms chosen for a watch cycle
// each hold at most 3/4 of the cap, together start every known text, and
// end with the next block of the series; a text that is itself a too
// common prefix, or empty, is looked up by code.
func TestWatchTermsCoverEveryKnownRecord(t *testing.T) {
	r := New(Params{ResultCap: 40}).newRun(context.Background(), RunOptions{})
	s := &sweeper[int]{r: r, kept: map[string]store.SourceRecord{}, gone: map[string]bool{}}
	s.got.read = map[string]int{}
	var texts []string
	for i := range 200 {
		code := fmt.Sprintf("K%04d", i)
		s.kept[code] = store.SourceRecord{Code: code, Search: strings.ToLower(code)}
		texts = append(texts, strings.ToLower(code))
	}
	for i := range 31 { // "k01" and 30 longer texts starting with it: too many for one term
		code := fmt.Sprintf("X%d", i)
		text := "k01"
		if i > 0 {
			text = fmt.Sprintf("k01 extra %02d", i)
		}
		s.kept[code] = store.SourceRecord{Code: code, Search: text}
		texts = append(texts, text)
	}
	s.kept["EMPTY"] = store.SourceRecord{Code: "EMPTY"}
	for i := range 40 { // a second series
		code := fmt.Sprintf("P%04d", i)
		s.kept[code] = store.SourceRecord{Code: code, Search: strings.ToLower(code)}
		texts = append(texts, strings.ToLower(code))
	}
	terms := s.watchTerms()
	count := map[string]int{}
	for _, term := range terms {
		count[term]++
	}
	if count["k020"] != 1 || count["p004"] != 1 || count["k011"] != 1 {
		t.Fatalf("terms %v: want the next block of each series (k020, p004) once, and k011 once", terms)
	}
	for _, term := range terms {
		n := 0
		for _, text := range texts {
			if strings.HasPrefix(text, term) {
				n++
			}
		}
		if n > 30 {
			t.Errorf("term %q starts %d texts, more than 3/4 of the cap", term, n)
		}
	}
	for _, text := range texts {
		covered := text == "k01" // looked up by code
		for _, term := range terms {
			covered = covered || strings.HasPrefix(text, term)
		}
		if !covered {
			t.Errorf("text %q is not covered by %v", text, terms)
		}
	}
	if !slices.Contains(s.st.Lookups, "EMPTY") || !slices.Contains(s.st.Lookups, "X0") {
		t.Errorf("look-ups %v: want the empty text and the too common prefix", s.st.Lookups)
	}
}

// TestProductsBeyondTheCapPriceTheInvoice: an invoice's hours are priced
// from an hour type far beyond every answer's first records (its price and
// VAT code come from e-Boekhouden), and a work order with an hour type
// added to e-Boekhouden after the last read is priced from e-Boekhouden in
// the next run, before any watch cycle read it (OutSmart's own price of
// that hour type differs).
func TestProductsBeyondTheCapPriceTheInvoice(t *testing.T) {
	skipWhenShort(t)
	ds := benchDataset(sweepRelations, sweepProducts, 1)
	far := benchProductCode(sweepProducts - 1) // an hour type ("uur"), LAAG_VERK_9
	first := &ds.OutSmart.Workorders[0]
	for j := range first.Workperiods {
		first.Workperiods[j].HourType = far
	}
	h := newHarness(t, sandbox.Options{Dataset: ds, ResultCap: sweepCap}, nil)
	h.eng.p.ResultCap = sweepCap
	h.run(RunOptions{})
	lineOf := func(orderNr, code string) (demodata.FactuurRegel, bool) {
		for _, inv := range h.sb.EBoekhouden.State().Invoices {
			for _, l := range inv.Regels {
				if l.Code == code && strings.Contains(inv.Regels[0].Omschrijving, orderNr) {
					return l, true
				}
			}
		}
		return demodata.FactuurRegel{}, false
	}
	l, ok := lineOf(first.OrderNr, far)
	if !ok || l.BTWCode != "LAAG_VERK_9" || l.PrijsPerEenheid != "52.49" {
		t.Fatalf("hours of %s: line %+v (found %v), want LAAG_VERK_9 at 52.49", far, l, ok)
	}

	h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
		var art ebsandbox.Article
		for _, a := range st.Articles {
			if a.ArtikelCode == far {
				art = a
			}
		}
		art.ArtikelID = st.Articles[len(st.Articles)-1].ArtikelID + 1000
		art.ArtikelCode, art.ArtikelOmschrijving, art.VerkoopprijsExclBTW, art.BTWCode = "BPNIEUW", "Arbeid spoed", "77.77", "HOOG_VERK_21"
		st.Articles = append(st.Articles, art)
	})
	second := ds.OutSmart.Workorders[0]
	second.ID, second.OrderNr, second.WorksheetCode = "899999", "WB9NIEUW", fmt.Sprintf("%032x", 0xbeffff)
	second.Workperiods = append([]demodata.WorkorderPeriod(nil), second.Workperiods...)
	for j := range second.Workperiods {
		second.Workperiods[j].HourType = "BPNIEUW"
	}
	h.sb.OutSmart.Update(func(st *ossandbox.State) {
		st.HourTypes = append(st.HourTypes, demodata.HourType{Code: "BPNIEUW", Name: "Spoed (OutSmart)", SaleBooking: "1", SalePrice: "10,00", Active: "1"})
		st.Workorders = append(st.Workorders, second)
	})
	h.run(RunOptions{})
	if l, ok := lineOf(second.OrderNr, "BPNIEUW"); !ok || l.PrijsPerEenheid != "77.77" || l.BTWCode != "HOOG_VERK_21" {
		t.Fatalf("hours of the new hour type: %+v (found %v), want HOOG_VERK_21 at 77.77 from e-Boekhouden", l, ok)
	}
}

// TestADryRunOfALargeAdministrationKeepsNothing: a dry run reads what a run
// would, but leaves the store as it was.
func TestADryRunOfALargeAdministrationKeepsNothing(t *testing.T) {
	skipWhenShort(t)
	h, _ := newSweepHarness(t)
	sum := h.run(RunOptions{DryRun: true})
	if sum.Err != nil || len(sum.Planned) < sweepRelations+sweepProducts {
		t.Fatalf("dry run: %v, %d planned, want at least %d", sum.Err, len(sum.Planned), sweepRelations+sweepProducts)
	}
	for _, kind := range []store.SourceKind{store.SourceRelation, store.SourceProduct} {
		state, err := h.st.SweepState(context.Background(), kind)
		kept, _ := h.st.SourceRecords(context.Background(), kind)
		if err != nil || state != "" || len(kept) != 0 {
			t.Fatalf("%s after a dry run: state %q, %d kept, %v", kind, state, len(kept), err)
		}
	}
}

// TestARecordWhoseTextChangesRightAfterItWasReadArrivesWithinACycle: the
// worst moment for a changed description is just after its watched term
// was read; the next read of that term misses it and looks it up by code
// in the same run, so it is in OutSmart within watchRuns runs, not a whole
// cycle later.
func TestARecordWhoseTextChangesRightAfterItWasReadArrivesWithinACycle(t *testing.T) {
	skipWhenShort(t)
	h, _ := newSweepHarness(t)
	h.run(RunOptions{})
	h.run(RunOptions{}) // the first watch run
	st := sweepStateOf(t, h, store.SourceProduct)
	if st.Cursor == 0 {
		t.Fatalf("no watched term read: %+v", st.Watch)
	}
	justRead := st.Watch[st.Cursor-1]
	kept, err := h.st.SourceRecords(context.Background(), store.SourceProduct)
	if err != nil {
		t.Fatal(err)
	}
	code := ""
	for c, k := range kept {
		if strings.HasPrefix(k.Search, justRead) && strings.HasPrefix(c, "BP") && (code == "" || c < code) {
			code = c
		}
	}
	if code == "" {
		t.Fatalf("no generated product under the term just read, %q", justRead)
	}
	h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
		for i := range st.Articles {
			if st.Articles[i].ArtikelCode == code {
				st.Articles[i].ArtikelOmschrijving = "Artikeltarief" // only common letters: no rare term finds it sooner
				st.Articles[i].VerkoopprijsExclBTW = "12.34"
			}
		}
	})
	for run := 1; run <= watchRuns; run++ {
		h.run(RunOptions{})
		if testing.Verbose() {
			ps := sweepStateOf(t, h, store.SourceProduct)
			t.Logf("run %d: cycle %d cursor %d of %d, look-ups %v", run, ps.Cycle, ps.Cursor, len(ps.Watch), ps.Lookups)
		}
		_, mats, hts := outSmartHas(h)
		if mats[code] == "12,34" || hts[code] == "12.34" { // OutSmart writes materials with a comma
			t.Logf("product %s (term %q) in OutSmart after %d runs", code, justRead, run)
			return
		}
	}
	_, mats, hts := outSmartHas(h)
	t.Fatalf("product %s, whose description changed right after its term %q was read, is not in OutSmart after %d runs (material %q, hour type %q)", code, justRead, watchRuns, mats[code], hts[code])
}

// TestAnotherAdministrationIsReadWhole: after a login to another large
// administration, what was kept of the first is dropped and the new one is
// read whole in one run, not found slowly by discovery.
func TestAnotherAdministrationIsReadWhole(t *testing.T) {
	skipWhenShort(t)
	h, _ := newSweepHarness(t)
	h.run(RunOptions{})
	h.run(RunOptions{})
	h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
		for i := range st.Relations {
			st.Relations[i].ID += 50_000_000
			st.Relations[i].Code = "Z" + st.Relations[i].Code
		}
	})
	if sum := h.run(RunOptions{}); sum.Err != nil {
		t.Fatal(sum.Err)
	}
	rels, _, _ := outSmartHas(h)
	for i := range sweepRelations {
		if code := "Z" + benchRelationCode(i); rels[code] == "" {
			t.Fatalf("relation %s of the other administration is not in OutSmart after one run", code)
		}
	}
	kept, _ := h.st.SourceRecords(context.Background(), store.SourceRelation)
	if _, old := kept[benchRelationCode(0)]; old {
		t.Error("the first administration's relations are still kept")
	}
}
