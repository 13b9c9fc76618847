package restroad

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
)

// Options configure Books; the zero value is usable.
type Options struct {
	// Cache keeps the details of relations and products between runs (the
	// store, through services). nil keeps them in memory for the life of
	// this Books only.
	Cache Cache
	// Parallel is how many detail reads run at once (default 4; at most 16).
	Parallel int
	// Now is the clock (the year of a first invoice number); nil: time.Now.
	Now func() time.Time
	// Logger receives debug detail; nil discards it.
	Logger *slog.Logger
}

// Detail kinds of the Cache.
const (
	KindRelation = "relation"
	KindProduct  = "product"
)

// Cached is one record's details as kept between runs: the REST record as
// JSON (rest.Relation or rest.Product).
type Cached struct {
	ID   int64
	Data []byte
}

// Cache keeps the details of one kind of record by id, and a round
// counter per kind (which third of the known ids is read again).
type Cache interface {
	// Load returns the kept records of kind and its round (0 when none).
	Load(ctx context.Context, kind string) (map[int64]Cached, int64, error)
	// Save upserts put, deletes gone and stores the round, in one go.
	Save(ctx context.Context, kind string, put []Cached, gone []int64, round int64) error
}

// Books is the engine's Bookkeeping on the REST road. It is meant for one
// run at a time (the engine's calls are sequential); its lists of units,
// ledgers and templates are read once per Books.
type Books struct {
	c    *rest.Client
	opts Options
	log  *slog.Logger

	mu        sync.Mutex
	units     map[int64]rest.Unit
	ledgers   []rest.Ledger
	templates []rest.InvoiceTemplate
	// relCodes maps relation ids to codes (from the lists and creates of
	// this Books), for invoices, which name relations by id.
	relCodes map[int64]string
	// invoices keeps invoice details by id for this Books: the API cannot
	// change an invoice (§9) [inferred: nor does anyone in the web
	// interface while a run looks].
	invoices map[int64]rest.Invoice
	// afresh are, per kind, the codes whose details the next full read
	// reads again whatever is kept (RefreshRelations, RefreshProducts).
	afresh map[string]map[string]bool
	// calls counts the detail reads per kind (tests, benchmarks).
	calls map[string]int
}

// New returns the bookkeeping over c. It makes no call. Run the engine
// with ResultCap engine.Uncapped over it: its lists are never cut off, and
// it refuses the search terms a capped road's sweep would ask for.
func New(c *rest.Client, opts Options) *Books {
	if opts.Cache == nil {
		opts.Cache = NewMemoryCache()
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	opts.Parallel = min(opts.Parallel, 16)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Books{c: c, opts: opts, log: log, relCodes: map[int64]string{}, invoices: map[int64]rest.Invoice{},
		calls: map[string]int{}}
}

// DetailReads returns how many details of kind (KindRelation, KindProduct,
// "invoice") this Books has read.
func (b *Books) DetailReads(kind string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls[kind]
}

func (b *Books) count(kind string, n int) {
	b.mu.Lock()
	b.calls[kind] += n
	b.mu.Unlock()
}

// Close ends the REST session.
func (b *Books) Close(ctx context.Context) error { return b.c.Close(ctx) }

// readUnits reads the unit list, once unless again.
func (b *Books) readUnits(ctx context.Context, again bool) error {
	if b.units != nil && !again {
		return nil
	}
	units, err := b.c.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("read units: %w", err)
	}
	b.units = make(map[int64]rest.Unit, len(units))
	for _, u := range units {
		b.units[u.ID] = u
	}
	return nil
}

// unitName is the singular of a unit id ("uur"): from the unit list, read
// again once for an id it does not hold (a unit added meanwhile).
func (b *Books) unitName(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	for _, again := range []bool{false, true} {
		if err := b.readUnits(ctx, again); err != nil {
			return "", err
		}
		if u, ok := b.units[id]; ok {
			return strings.TrimSpace(u.Singular), nil
		}
	}
	return "", fmt.Errorf("e-Boekhouden REST: %w: unit %d is not in the unit list", rest.ErrUnreadable, id)
}

// unitID is the id of the unit named text (singular or plural, regardless
// of case), 0 when there is none or text is empty.
func (b *Books) unitID(ctx context.Context, text string) (int64, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, nil
	}
	if err := b.readUnits(ctx, false); err != nil {
		return 0, err
	}
	var id int64 // the lowest id of the matching units, so that the choice is stable
	for _, u := range b.units {
		if (strings.EqualFold(strings.TrimSpace(u.Singular), text) || strings.EqualFold(strings.TrimSpace(u.Plural), text)) &&
			(id == 0 || u.ID < id) {
			id = u.ID
		}
	}
	return id, nil
}

// readLedgers reads the ledger list once.
func (b *Books) readLedgers(ctx context.Context) error {
	if b.ledgers != nil {
		return nil
	}
	ls, err := b.c.ListLedgers(ctx)
	if err != nil {
		return fmt.Errorf("read ledgers: %w", err)
	}
	b.ledgers = ls
	if b.ledgers == nil {
		b.ledgers = []rest.Ledger{}
	}
	return nil
}

// ledgerCode is the code of a ledger id ("8000"), "" for 0.
func (b *Books) ledgerCode(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	if err := b.readLedgers(ctx); err != nil {
		return "", err
	}
	for _, l := range b.ledgers {
		if l.ID == id {
			return strings.TrimSpace(l.Code), nil
		}
	}
	return "", fmt.Errorf("e-Boekhouden REST: %w: ledger %d is not in the ledger list", rest.ErrUnreadable, id)
}

// RefreshRelations makes the next full read of the relations read the
// details of the relations with these codes afresh, kept or not: the engine
// names the ones waiting for the user (engine.DetailRefresher).
func (b *Books) RefreshRelations(codes []string) { b.refresh(KindRelation, codes) }

// RefreshProducts is RefreshRelations for products.
func (b *Books) RefreshProducts(codes []string) { b.refresh(KindProduct, codes) }

func (b *Books) refresh(kind string, codes []string) {
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[strings.TrimSpace(c)] = true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.afresh == nil {
		b.afresh = map[string]map[string]bool{}
	}
	b.afresh[kind] = set
}

// readAfresh reports whether the details of the record with code are read
// again in a full read of kind.
func (b *Books) readAfresh(kind, code string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.afresh[kind][strings.TrimSpace(code)]
}
