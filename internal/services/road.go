package services

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/koppeling/koppeling/internal/eboekhouden/restroad"
	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// This file owns the choice of e-Boekhouden road for a run: with an API
// token the REST road (restroad.Books over the REST client, its details
// kept in the link's store), else the SOAP road; and what the engine needs
// to know of the road (whether its lists can be cut off).

// bookkeeping is the e-Boekhouden side of a run: what the engine calls, how
// to end its session, and the engine's ResultCap for it.
type bookkeeping struct {
	engine.Bookkeeping
	close     func(ctx context.Context) error
	resultCap int
}

// roadClients builds the clients of a run on the road the credentials
// choose. keep is where the REST road keeps record details between runs;
// nil keeps them for this run only (a dry run writes nothing).
func roadClients(c secrets.Credentials, ep Endpoints, keep *store.Store) (bookkeeping, *outsmart.Client, error) {
	if !c.EBoekhoudenREST() {
		eb, field, err := Clients(c, ep)
		if err != nil {
			return bookkeeping{}, nil, err
		}
		// 0: the engine's default cap (2,000 per SOAP answer).
		return bookkeeping{Bookkeeping: eb, close: eb.Close}, field, nil
	}
	rc, err := RESTClient(c, ep)
	if err != nil {
		return bookkeeping{}, nil, err
	}
	field, err := outsmart.New(outsmart.Config{
		BaseURL: ep.OutSmartURL, Token: c.OutSmartToken, SoftwareToken: c.OutSmartSoftwareToken, BatchSize: 500,
	})
	if err != nil {
		return bookkeeping{}, nil, &ConfigError{Service: report.OutSmart, Err: err}
	}
	var opts restroad.Options
	if keep != nil {
		opts.Cache = storeCache{st: keep}
	}
	books := restroad.New(rc, opts)
	// REST lists page: never cut off, so the engine never reads in parts.
	return bookkeeping{Bookkeeping: books, close: books.Close, resultCap: engine.Uncapped}, field, nil
}

// storeCache keeps the REST road's record details in the link's store, as
// master-data records of their own kinds ("rest.relation", keyed by id),
// so that a run in a new process (koppeling sync --once) reads only what
// is new, changed or due.
type storeCache struct{ st *store.Store }

func cacheKind(kind string) store.SourceKind { return store.SourceKind("rest." + kind) }

// cacheState is the JSON state kept beside the records.
type cacheState struct {
	Round int64 `json:"round"`
}

// Load returns the kept details of kind and its round.
func (s storeCache) Load(ctx context.Context, kind string) (map[int64]restroad.Cached, int64, error) {
	recs, err := s.st.SourceRecords(ctx, cacheKind(kind))
	if err != nil {
		return nil, 0, err
	}
	out := make(map[int64]restroad.Cached, len(recs))
	for _, r := range recs {
		id, err := strconv.ParseInt(r.SourceID, 10, 64)
		if err != nil || id <= 0 {
			continue // not ours: read again
		}
		out[id] = restroad.Cached{ID: id, Data: []byte(r.Data)}
	}
	raw, err := s.st.SweepState(ctx, cacheKind(kind))
	if err != nil {
		return nil, 0, err
	}
	var state cacheState
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &state); err != nil {
			state = cacheState{} // only this file writes it; start the rounds over
		}
	}
	return out, state.Round, nil
}

// Save upserts put, deletes gone and keeps the round, in one transaction.
func (s storeCache) Save(ctx context.Context, kind string, put []restroad.Cached, gone []int64, round int64) error {
	recs := make([]store.SourceRecord, len(put))
	for i, c := range put {
		id := strconv.FormatInt(c.ID, 10)
		recs[i] = store.SourceRecord{Code: id, SourceID: id, Data: string(c.Data), Cycle: round}
	}
	codes := make([]string, len(gone))
	for i, id := range gone {
		codes[i] = strconv.FormatInt(id, 10)
	}
	state, err := json.Marshal(cacheState{Round: round})
	if err != nil {
		return fmt.Errorf("keep %s details: %w", kind, err)
	}
	return s.st.SaveSources(ctx, cacheKind(kind), recs, codes, string(state))
}
