package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/store"
)

// Reading master data of any size.
//
// e-Boekhouden answers at most ResultCap records per request and SOAP has
// no paging. GetRelaties and GetArtikelen can only be narrowed by a search
// text: Trefwoord for relations (a substring search [inferred: over code,
// name, contact, city and e-mail]) and ArtikelOmschrijving for products (a
// substring of the description [inferred]); Code and ArtikelCode find one
// record by its exact code. An administration that fits in one answer is
// read whole every run. A larger one is read in three ways, and what was
// read is kept in the store (source_records, sweeps):
//
//   - Discovery reads search terms until every answer is complete: the 36
//     letters and digits, and for a term whose answer was cut off, that
//     term plus each letter or digit, up to maxTermLen characters. A term
//     that contains a shorter term answered in full is skipped: its records
//     are all in that answer. The first discovery (a first import) runs to
//     the end in one run, reporting progress; after that a new pass starts
//     as soon as one ends and reads what is left of sweepPerRun requests
//     per run after watching and looking up (at least
//     minDiscoveryPerRun), so it finds a record no watched term would
//     show (see below) within two passes.
//   - Watching reads the records already known again: their codes
//     (relations) or descriptions (products) are grouped by common prefix
//     into terms that each answer at most 3/4 of ResultCap, plus the term
//     after the last block of each numbered series (BR14xxx, then
//     BR15xxx). Each run reads 1/watchRuns of them, so every
//     known record is read again within watchRuns runs. A watched term
//     that comes back cut off is split at once.
//   - Looking up: a known record that its watched term's complete answer
//     no longer holds (its description or code changed, or it was
//     removed) is asked for by its code in the same run, as is one that
//     no request of a whole watch cycle returned; up to lookupsPerRun per
//     run. Not found by its code means it no longer exists under that
//     code.
//
// What a run read is what it imports; unchanged records are skipped by
// their mappings' hashes as before. Everything is saved when the reading
// stops, also when it stops on an error (E003.1): the next run goes on
// where this one stopped.
const (
	watchRuns          = 3
	sweepPerRun        = 16 // requests per kind per run beyond the unfiltered one, when watching allows
	minDiscoveryPerRun = 2
	lookupsPerRun      = 25
	maxTermLen         = 32
	termAlphabet       = "0123456789abcdefghijklmnopqrstuvwxyz"
)

// sweepState is how far the reading of one kind has come (JSON in the
// store's sweeps table).
type sweepState struct {
	// Discovery.
	Passes    int      `json:"passes"`              // completed passes
	Queue     []string `json:"queue,omitempty"`     // terms the current pass still reads
	Full      []string `json:"full,omitempty"`      // terms of the current pass answered in full
	PassCalls int      `json:"passCalls,omitempty"` // requests of the current pass
	PassRuns  int      `json:"passRuns,omitempty"`  // runs the current pass has taken
	CutOff    int      `json:"cutOff,omitempty"`    // longest terms of the current pass still cut off
	// InFull are the codes the current pass read in a complete answer;
	// OnlyCut those it read only in cut-off answers so far. A record read
	// only in cut-off answers is one of a kind that the terms do not
	// single out: others like it, beyond the cut, may not have been read.
	InFull  []string `json:"inFull,omitempty"`
	OnlyCut []string `json:"onlyCut,omitempty"`
	// What the last complete pass cost and found.
	LastCalls  int `json:"lastCalls,omitempty"`
	LastRuns   int `json:"lastRuns,omitempty"`
	LastCutOff int `json:"lastCutOff,omitempty"`

	// Watching and looking up.
	Cycle   int64    `json:"cycle"`
	Watch   []string `json:"watch,omitempty"`
	Cursor  int      `json:"cursor,omitempty"`
	Capped  []string `json:"capped,omitempty"`  // watched terms answered cut off
	Lookups []string `json:"lookups,omitempty"` // codes to ask for one by one
}

// masterSource is one kind of master data and how to read it.
type masterSource[T any] struct {
	kind     store.SourceKind
	progress string // report.Progress.Kind
	word     string // log subject: "relaties" or "producten"
	capped   string // message key of the warning that not every record could be read
	code     func(T) string
	id       func(T) int64
	search   func(T) string // what the record is watched by, lower case
	keepData bool           // keep the record itself (products: for invoice prices)
	// waiting are the attention kinds of this kind's records; refresh hands
	// their codes to a DetailRefresher before the full read.
	waiting []store.AttentionKind
	refresh func(DetailRefresher, []string)
	read    func(ctx context.Context, term string) ([]T, error)
	lookup  func(ctx context.Context, code string) ([]T, error)
}

// masterData is what a run read of one kind.
type masterData[T any] struct {
	read     map[string]T // by code: every record read in this run
	known    map[string]T // by code: read plus the kept ones with data (products)
	complete bool         // read holds every record: the administration fits in one answer
}

// sweeper reads one kind of a large administration in one run.
type sweeper[T any] struct {
	r      *run
	src    masterSource[T]
	st     sweepState
	kept   map[string]store.SourceRecord
	got    masterData[T]
	gone   map[string]bool
	seen   map[string]int64 // code -> cycle in which this run read it
	keys   []watchKey       // sorted; built when first needed
	calls  int
	report bool // report progress (a discovery without a budget)
	about  int  // report.Progress.About
}

type watchKey struct{ key, code string }

// readMaster reads every record of a kind, or as much as this run's share
// (see above). On an error it returns what was read so far with the error.
func readMaster[T any](r *run, src masterSource[T]) (masterData[T], error) {
	if f, ok := r.books.(DetailRefresher); ok && src.refresh != nil {
		codes, err := r.waitingCodes(src.waiting)
		if err != nil {
			return masterData[T]{read: map[string]T{}}, err
		}
		src.refresh(f, codes)
	}
	all, err := src.read(r.ctx, "")
	got := masterData[T]{read: map[string]T{}}
	if err != nil {
		return got, err
	}
	for _, rec := range all {
		got.read[strings.TrimSpace(src.code(rec))] = rec
	}
	if len(all) < r.p.ResultCap {
		got.complete, got.known = true, got.read
		if state, err := r.store.SweepState(r.ctx, src.kind); err == nil && state != "" {
			// It fits in one answer again: what was kept is stale.
			if err := r.store.ForgetSources(r.ctx, src.kind); err != nil {
				r.p.Logger.Error("forget master data", "kind", src.kind, "err", err)
			}
		}
		return got, nil
	}
	s := &sweeper[T]{r: r, src: src, got: got, gone: map[string]bool{}, seen: map[string]int64{}, calls: 1}
	if err := s.load(); err != nil {
		return got, err
	}
	if len(s.kept) > 0 && s.mostlyUnknown() {
		// Another administration (a new login): what was kept is not
		// its. Read it whole, as a first import.
		s.r.p.Logger.Info("kept master data belongs to another administration; reading anew", "kind", src.kind)
		s.st, s.kept = sweepState{Cycle: 1}, map[string]store.SourceRecord{}
		if err := r.store.ForgetSources(r.ctx, src.kind); err != nil {
			return got, err
		}
	}
	for code := range got.read {
		s.seen[code] = s.st.Cycle
	}
	err = s.sweep()
	if saveErr := s.save(); saveErr != nil {
		err = errors.Join(err, saveErr)
	}
	s.knownRecords()
	return s.got, err
}

func (s *sweeper[T]) load() error {
	state, err := s.r.store.SweepState(s.r.ctx, s.src.kind)
	if err != nil {
		return err
	}
	if state != "" {
		if err := json.Unmarshal([]byte(state), &s.st); err != nil {
			// Only the engine writes it; unreadable means start over, which
			// costs requests but loses nothing.
			s.r.p.Logger.Error("sweep state unreadable, starting over", "kind", s.src.kind, "err", err)
			s.st = sweepState{}
		}
	}
	if s.st.Cycle == 0 {
		s.st.Cycle = 1
	}
	s.kept, err = s.r.store.SourceRecords(s.r.ctx, s.src.kind)
	return err
}

// mostlyUnknown reports whether fewer than half of the records of the
// unfiltered answer are kept under the same code and ID: the kept records
// are of another administration. [inferred: a day's changes never replace
// half of the first 2,000 records]
func (s *sweeper[T]) mostlyUnknown() bool {
	known := 0
	for code, rec := range s.got.read {
		if k, ok := s.kept[code]; ok && k.SourceID == strconv.FormatInt(s.src.id(rec), 10) {
			known++
		}
	}
	return known*2 < len(s.got.read)
}

func (s *sweeper[T]) sweep() error {
	first := s.st.Passes == 0
	s.report = first && s.r.p.OnProgress != nil
	if first {
		if s.report {
			s.about = s.expected()
		}
		s.progress(false)
		// The first import completes in one run.
		if err := s.discover(-1); err != nil {
			return err
		}
		s.progress(true)
		if s.st.Passes == 0 {
			return nil
		}
		// Everything was just read: the first watch cycle starts next run,
		// and counts what this run read as read before it.
		s.st.Watch, s.st.Cursor = nil, 0
		s.st.Cycle++
		return nil
	}
	if err := s.watch(); err != nil {
		return err
	}
	if err := s.lookUp(); err != nil {
		return err
	}
	// Discovery gets what is left of the run's share, and at least a
	// little, so that a pass always ends.
	return s.discover(max(minDiscoveryPerRun, sweepPerRun-(s.calls-1)))
}

// discover reads up to budget terms of the current discovery pass (all of
// them when budget < 0), starting a new pass when none is under way.
func (s *sweeper[T]) discover(budget int) error {
	if len(s.st.Queue) == 0 {
		s.st.Queue, s.st.Full, s.st.PassCalls, s.st.PassRuns, s.st.CutOff = singleTerms(), nil, 0, 0, 0
		s.st.InFull, s.st.OnlyCut = nil, nil
	}
	s.st.PassRuns++
	full := make(map[string]bool, len(s.st.Full))
	for _, t := range s.st.Full {
		full[t] = true
	}
	inFull, onlyCut := setOf(s.st.InFull), setOf(s.st.OnlyCut)
	defer func() { s.st.InFull, s.st.OnlyCut = sortedKeys(inFull), sortedKeys(onlyCut) }()
	for n := 0; len(s.st.Queue) > 0 && (budget < 0 || n < budget); {
		term := s.st.Queue[0]
		if containsAnsweredTerm(term, full) {
			s.st.Queue = s.st.Queue[1:]
			continue
		}
		recs, err := s.read(term)
		if err != nil {
			return err
		}
		s.st.Queue = s.st.Queue[1:]
		n++
		s.st.PassCalls++
		complete := len(recs) < s.r.p.ResultCap
		for _, rec := range recs {
			code := strings.TrimSpace(s.src.code(rec))
			switch {
			case complete:
				inFull[code] = true
				delete(onlyCut, code)
			case !inFull[code]:
				onlyCut[code] = true
			}
		}
		switch {
		case complete:
			full[term] = true
			s.st.Full = append(s.st.Full, term)
		case utf8.RuneCountInString(term) < maxTermLen:
			for _, c := range termAlphabet {
				s.st.Queue = append(s.st.Queue, term+string(c))
			}
		default:
			s.st.CutOff++
		}
		s.progress(false)
	}
	if len(s.st.Queue) > 0 {
		return nil
	}
	s.st.Passes++
	s.st.CutOff += len(onlyCut)
	s.st.LastCalls, s.st.LastRuns, s.st.LastCutOff = s.st.PassCalls, s.st.PassRuns, s.st.CutOff
	s.st.Full = nil
	clear(inFull)
	clear(onlyCut)
	if s.st.CutOff > 0 {
		s.r.log(store.LevelWarning, s.src.word, message.T(s.src.capped,
			"Count", strconv.Itoa(s.knownCount()), "Cap", strconv.Itoa(s.r.p.ResultCap)), "")
	} else if s.st.Passes == 1 {
		s.r.log(store.LevelInfo, s.src.word, message.T("masterdata.read", "Kind", s.src.progress,
			"Count", strconv.Itoa(s.knownCount()), "Calls", strconv.Itoa(s.st.LastCalls),
			"Cap", strconv.Itoa(s.r.p.ResultCap), "Runs", strconv.Itoa(watchRuns+1)), "")
	}
	return nil
}

// watch reads this run's share of the watched terms; at the end of a cycle
// the known records it did not read are put up for looking up and the
// terms are chosen anew.
func (s *sweeper[T]) watch() error {
	if s.st.Watch == nil {
		s.st.Watch, s.st.Cursor = s.watchTerms(), 0
	}
	share := (len(s.st.Watch) + watchRuns - 1) / watchRuns
	for n := 0; n < share; n++ {
		if s.st.Cursor >= len(s.st.Watch) {
			s.endCycle()
			if len(s.st.Watch) == 0 {
				return nil
			}
		}
		term := s.st.Watch[s.st.Cursor]
		recs, err := s.read(term)
		if err != nil {
			return err
		}
		s.st.Cursor++
		if len(recs) < s.r.p.ResultCap {
			s.lookUpMissing(term, recs)
		}
		if len(recs) >= s.r.p.ResultCap && !slices.Contains(s.st.Capped, term) {
			// Other fields match too: split the term and read the parts
			// in this run, so that the cycle does not grow longer.
			s.st.Capped = append(s.st.Capped, term)
			parts := s.watchTermsUnder(term)
			s.st.Watch = append(s.st.Watch[:s.st.Cursor], append(parts, s.st.Watch[s.st.Cursor:]...)...)
			share += len(parts)
		}
	}
	if s.st.Cursor >= len(s.st.Watch) {
		s.endCycle()
	}
	return nil
}

// lookUpMissing puts up for looking up, in this run, the known records
// whose text starts with term but that its complete answer did not hold:
// their text or code changed (or they were removed) since they were read.
func (s *sweeper[T]) lookUpMissing(term string, recs []T) {
	answered := make(map[string]bool, len(recs))
	for _, rec := range recs {
		answered[strings.TrimSpace(s.src.code(rec))] = true
	}
	keys := s.watchKeys()
	for i := sort.Search(len(keys), func(i int) bool { return keys[i].key >= term }); i < len(keys) && strings.HasPrefix(keys[i].key, term); i++ {
		code := keys[i].code
		if answered[code] || slices.Contains(s.st.Lookups, code) {
			continue
		}
		if _, read := s.got.read[code]; read {
			continue // read under its new text in this run already
		}
		s.st.Lookups = append([]string{code}, s.st.Lookups...)
	}
}

// endCycle closes a watch cycle: every known record no request of the
// cycle returned is looked up by its code.
func (s *sweeper[T]) endCycle() {
	for code, k := range s.kept {
		if k.Cycle < s.st.Cycle && s.seen[code] == 0 && !s.gone[code] && !slices.Contains(s.st.Lookups, code) {
			s.st.Lookups = append(s.st.Lookups, code)
		}
	}
	sort.Strings(s.st.Lookups)
	s.st.Cycle++
	s.keys = nil
	s.st.Watch, s.st.Cursor = s.watchTerms(), 0
}

// lookUp asks for up to lookupsPerRun records by their code.
func (s *sweeper[T]) lookUp() error {
	for n := 0; n < lookupsPerRun && len(s.st.Lookups) > 0; n++ {
		code := s.st.Lookups[0]
		recs, err := s.src.lookup(s.r.ctx, code)
		s.calls++
		if err != nil {
			return err
		}
		s.st.Lookups = s.st.Lookups[1:]
		found := false
		for _, rec := range recs {
			if strings.TrimSpace(s.src.code(rec)) == code {
				s.take(rec)
				found = true
			}
		}
		if !found {
			// A complete answer without it: no record has this code any
			// more (removed, or its code changed; a new code is found as
			// a new record).
			s.gone[code] = true
		}
	}
	return nil
}

func (s *sweeper[T]) read(term string) ([]T, error) {
	recs, err := s.src.read(s.r.ctx, term)
	s.calls++
	if err != nil {
		return nil, fmt.Errorf("search term %q: %w", term, err)
	}
	for _, rec := range recs {
		s.take(rec)
	}
	return recs, nil
}

func (s *sweeper[T]) take(rec T) {
	code := strings.TrimSpace(s.src.code(rec))
	if code == "" {
		return // e-Boekhouden requires a code; nothing to key on
	}
	s.got.read[code] = rec
	s.seen[code] = s.st.Cycle
	delete(s.gone, code)
}

func (s *sweeper[T]) progress(done bool) {
	if !s.report {
		return
	}
	s.r.p.OnProgress(report.Progress{Kind: s.src.progress, Read: len(s.got.read), About: s.about, Done: done})
}

// expected is about how many records a first read will find: as many as
// OutSmart received before (an earlier version of Koppeling, or a read that
// was stopped), or as many as were kept; 0 when neither is known.
func (s *sweeper[T]) expected() int {
	n := len(s.kept)
	kinds := []store.MappingKind{store.MappingRelation}
	if s.src.kind == store.SourceProduct {
		kinds = []store.MappingKind{store.MappingMaterial, store.MappingHourType}
	}
	sent := 0
	for _, k := range kinds {
		m, err := s.r.store.Mappings(s.r.ctx, k)
		if err != nil {
			return n
		}
		sent += len(m)
	}
	return max(n, sent)
}

// knownCount is how many records are known: kept or read.
func (s *sweeper[T]) knownCount() int {
	n := len(s.kept)
	for code := range s.got.read {
		if _, ok := s.kept[code]; !ok {
			n++
		}
	}
	for code := range s.gone {
		if _, ok := s.kept[code]; ok {
			n--
		}
	}
	return n
}

// watchKeys are the known records' watch texts, sorted.
func (s *sweeper[T]) watchKeys() []watchKey {
	if s.keys != nil {
		return s.keys
	}
	for code, k := range s.kept {
		if _, read := s.got.read[code]; !read && !s.gone[code] {
			s.keys = append(s.keys, watchKey{k.Search, code})
		}
	}
	for code, rec := range s.got.read {
		s.keys = append(s.keys, watchKey{s.src.search(rec), code})
	}
	sort.Slice(s.keys, func(i, j int) bool { return s.keys[i].key < s.keys[j].key })
	return s.keys
}

// watchTerms chooses the terms of a watch cycle: the shortest prefixes of
// the known watch texts that stay within 3/4 of ResultCap and were not
// answered cut off before, plus the term after the last of each numbered
// series (BR14 -> BR15, "artikel 14" -> "artikel 15") that no term covers
// yet. Records a
// prefix cannot single out (an empty text, or one that is itself a prefix
// that answers too many) are looked up by code instead.
func (s *sweeper[T]) watchTerms() []string {
	terms := s.watchTermsUnder("")
	var next []string
	for _, t := range terms {
		n := nextTerm(t)
		if n == "" || slices.Contains(next, n) {
			continue
		}
		covered := false
		for _, other := range terms {
			covered = covered || strings.Contains(n, other)
		}
		if !covered {
			next = append(next, n)
		}
	}
	return append(terms, next...)
}

// watchTermsUnder chooses watch terms for the known texts that start with
// prefix.
func (s *sweeper[T]) watchTermsUnder(prefix string) []string {
	keys := s.watchKeys()
	lo := sort.Search(len(keys), func(i int) bool { return keys[i].key >= prefix })
	hi := lo
	for hi < len(keys) && strings.HasPrefix(keys[hi].key, prefix) {
		hi++
	}
	capped := map[string]bool{}
	for _, t := range s.st.Capped {
		capped[t] = true
	}
	target := max(1, s.r.p.ResultCap*3/4)
	var terms []string
	var walk func(prefix string, ks []watchKey)
	walk = func(prefix string, ks []watchKey) {
		if len(ks) == 0 {
			return
		}
		if prefix != "" && len(ks) <= target && !capped[prefix] && usableTerm(prefix) {
			terms = append(terms, prefix)
			return
		}
		i := 0
		for i < len(ks) && ks[i].key == prefix {
			if !slices.Contains(s.st.Lookups, ks[i].code) {
				s.st.Lookups = append(s.st.Lookups, ks[i].code)
			}
			i++
		}
		ks = ks[i:]
		for len(ks) > 0 {
			_, size := utf8.DecodeRuneInString(ks[0].key[len(prefix):])
			next := prefix + ks[0].key[len(prefix):len(prefix)+size]
			j := 0
			for j < len(ks) && strings.HasPrefix(ks[j].key, next) {
				j++
			}
			walk(next, ks[:j])
			ks = ks[j:]
		}
	}
	walk(prefix, keys[lo:hi])
	return terms
}

// usableTerm reports whether a prefix can be sent as a search term: not
// blank at either end (e-Boekhouden may trim it [inferred]).
func usableTerm(t string) bool {
	first, _ := utf8.DecodeRuneInString(t)
	last, _ := utf8.DecodeLastRuneInString(t)
	return !unicode.IsSpace(first) && !unicode.IsSpace(last)
}

// nextTerm is the term after t in a numbered series: "br14" -> "br15",
// "k0999" -> "k1000", "2499" -> "2500", "abz" -> "" (no next). Only the
// trailing digits count up.
func nextTerm(t string) string {
	b := []byte(t)
	i := len(b) - 1
	for i >= 0 && b[i] == '9' {
		b[i] = '0'
		i--
	}
	if i < 0 || b[i] < '0' || b[i] > '8' {
		return ""
	}
	b[i]++
	return string(b)
}

// knownRecords fills got.known: for products, the kept records (with
// their data) under what this run read.
func (s *sweeper[T]) knownRecords() {
	if !s.src.keepData {
		return
	}
	s.got.known = make(map[string]T, len(s.kept)+len(s.got.read))
	for code, k := range s.kept {
		if s.gone[code] || k.Data == "" {
			continue
		}
		var rec T
		if err := json.Unmarshal([]byte(k.Data), &rec); err != nil {
			s.r.p.Logger.Error("kept record unreadable", "kind", s.src.kind, "code", code, "err", err)
			continue
		}
		s.got.known[code] = rec
	}
	for code, rec := range s.got.read {
		s.got.known[code] = rec
	}
}

func (s *sweeper[T]) save() error {
	put := make([]store.SourceRecord, 0, len(s.got.read))
	for code, rec := range s.got.read {
		if code == "" {
			continue // nothing to key on (e-Boekhouden requires a code)
		}
		sr := store.SourceRecord{Code: code, SourceID: strconv.FormatInt(s.src.id(rec), 10),
			Search: s.src.search(rec), Cycle: s.seen[code]}
		if s.src.keepData {
			b, err := json.Marshal(rec)
			if err != nil {
				return fmt.Errorf("keep %s %s: %w", s.src.kind, code, err)
			}
			sr.Data = string(b)
		}
		put = append(put, sr)
	}
	gone := make([]string, 0, len(s.gone))
	for code := range s.gone {
		gone = append(gone, code)
	}
	state, err := json.Marshal(s.st)
	if err != nil {
		return fmt.Errorf("save %s sweep: %w", s.src.kind, err)
	}
	return s.r.store.SaveSources(s.r.ctx, s.src.kind, put, gone, string(state))
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, v := range list {
		m[v] = true
	}
	return m
}

func singleTerms() []string {
	out := make([]string, 0, len(termAlphabet))
	for _, c := range termAlphabet {
		out = append(out, string(c))
	}
	return out
}

// containsAnsweredTerm reports whether a shorter part of term was answered
// in full: every record term matches is in that answer.
func containsAnsweredTerm(term string, full map[string]bool) bool {
	runes := []rune(term)
	for n := 1; n < len(runes); n++ {
		for i := 0; i+n <= len(runes); i++ {
			if full[string(runes[i:i+n])] {
				return true
			}
		}
	}
	return false
}

// relationSource reads relations: Trefwoord for terms, Code to look up.
func (r *run) relationSource() masterSource[eboekhouden.Relation] {
	return masterSource[eboekhouden.Relation]{
		kind: store.SourceRelation, progress: "relations", word: "relaties", capped: "relations.capped",
		waiting: []store.AttentionKind{store.AttentionRelation}, refresh: DetailRefresher.RefreshRelations,
		code:   func(x eboekhouden.Relation) string { return x.Code },
		id:     func(x eboekhouden.Relation) int64 { return x.ID },
		search: func(x eboekhouden.Relation) string { return strings.ToLower(strings.TrimSpace(x.Code)) },
		read: func(ctx context.Context, term string) ([]eboekhouden.Relation, error) {
			return r.books.Relations(ctx, eboekhouden.RelationFilter{Keyword: term})
		},
		lookup: func(ctx context.Context, code string) ([]eboekhouden.Relation, error) {
			return r.books.Relations(ctx, eboekhouden.RelationFilter{Code: code})
		},
	}
}

// productSource reads products: ArtikelOmschrijving for terms, ArtikelCode
// to look up. Products are kept whole: an invoice line is priced from one
// that this run did not read.
func (r *run) productSource() masterSource[eboekhouden.Product] {
	return masterSource[eboekhouden.Product]{
		kind: store.SourceProduct, progress: "products", word: "producten", capped: "products.capped", keepData: true,
		waiting: []store.AttentionKind{store.AttentionMaterial, store.AttentionHourType}, refresh: DetailRefresher.RefreshProducts,
		code:   func(x eboekhouden.Product) string { return x.Code },
		id:     func(x eboekhouden.Product) int64 { return x.ID },
		search: func(x eboekhouden.Product) string { return strings.ToLower(strings.TrimSpace(x.Description)) },
		read: func(ctx context.Context, term string) ([]eboekhouden.Product, error) {
			return r.books.Products(ctx, eboekhouden.ProductFilter{Description: term})
		},
		lookup: func(ctx context.Context, code string) ([]eboekhouden.Product, error) {
			return r.books.Products(ctx, eboekhouden.ProductFilter{Code: code})
		},
	}
}

// waitingCodes are the codes of the records of kinds on the attention list
// that the user has not skipped.
func (r *run) waitingCodes(kinds []store.AttentionKind) ([]string, error) {
	items, err := r.store.AllAttention(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("read the attention list: %w", err)
	}
	var codes []string
	for _, a := range items {
		if !a.Skipped && slices.Contains(kinds, a.Kind) {
			codes = append(codes, a.Subject)
		}
	}
	return codes, nil
}
