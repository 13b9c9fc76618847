package restroad

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
)

// This file owns the detail reads of relations and products: which ids of
// a list are read again (new, changed, or due in this round), the reads
// themselves (a few at a time) and the cache.

// rotation is the number of rounds in which every known record is read
// again: each round reads the third of the known ids that is due.
const rotation = 3

// due reports whether a known record's details are read again in round.
func due(id, round int64) bool { return (id+round)%rotation == 0 }

// MemoryCache is a Cache in memory, safe for concurrent use.
type MemoryCache struct {
	mu     sync.Mutex
	recs   map[string]map[int64]Cached
	rounds map[string]int64
}

// NewMemoryCache returns an empty MemoryCache.
func NewMemoryCache() *MemoryCache {
	return &MemoryCache{recs: map[string]map[int64]Cached{}, rounds: map[string]int64{}}
}

// Load returns a copy of the kept records of kind and its round.
func (m *MemoryCache) Load(_ context.Context, kind string) (map[int64]Cached, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[int64]Cached, len(m.recs[kind]))
	for id, c := range m.recs[kind] {
		out[id] = c
	}
	return out, m.rounds[kind], nil
}

// Save upserts put, deletes gone and stores the round.
func (m *MemoryCache) Save(_ context.Context, kind string, put []Cached, gone []int64, round int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.recs[kind] == nil {
		m.recs[kind] = map[int64]Cached{}
	}
	for _, c := range put {
		m.recs[kind][c.ID] = c
	}
	for _, id := range gone {
		delete(m.recs[kind], id)
	}
	m.rounds[kind] = round
	return nil
}

// detailRead is one kind's details read for a full list.
type detailRead[Ref, Rec any] struct {
	kind    string
	id      func(Ref) int64
	code    func(Ref) string
	changed func(Ref, Rec) bool // the list item shows a change of the kept details
	get     func(ctx context.Context, id int64) (Rec, error)
}

// readAll returns the details of every item of refs, in refs' order: kept
// ones when they are current, read ones for new ids, changed items, the
// third due in this round and those the engine asked to read afresh. It
// saves what it read, also when a read failed (the next round goes on from
// there). An item that is gone by the time its details are read (404) is
// left out: it no longer exists.
func readAll[Ref, Rec any](ctx context.Context, b *Books, d detailRead[Ref, Rec], refs []Ref) ([]Rec, error) {
	kept, round, err := b.opts.Cache.Load(ctx, d.kind)
	if err != nil {
		return nil, fmt.Errorf("read the kept %s details: %w", d.kind, err)
	}
	round++
	recs := make([]Rec, len(refs))
	have := make([]bool, len(refs))
	var todo []int
	listed := make(map[int64]bool, len(refs))
	for i, ref := range refs {
		id := d.id(ref)
		listed[id] = true
		c, ok := kept[id]
		if ok && !due(id, round) && !b.readAfresh(d.kind, d.code(ref)) && json.Unmarshal(c.Data, &recs[i]) == nil && !d.changed(ref, recs[i]) {
			have[i] = true
			continue
		}
		todo = append(todo, i)
	}
	put, readErr := readDetails(ctx, b, d, refs, todo, recs, have)
	var gone []int64
	for id := range kept {
		if !listed[id] {
			gone = append(gone, id)
		}
	}
	for _, i := range todo {
		if !have[i] && readErr == nil {
			gone = append(gone, d.id(refs[i])) // listed, then gone (404): forget its copy
		}
	}
	if readErr != nil {
		// Keep the round: what was not read is read next time.
		round--
	}
	if err := b.opts.Cache.Save(ctx, d.kind, put, gone, round); err != nil && readErr == nil {
		readErr = fmt.Errorf("keep the %s details: %w", d.kind, err)
	}
	if readErr != nil {
		return nil, readErr
	}
	return present(recs, have), nil
}

// readDetailsNow reads the details of every item of refs, without the
// cache (a look-up by code).
func readDetailsNow[Ref, Rec any](ctx context.Context, b *Books, d detailRead[Ref, Rec], refs []Ref) ([]Rec, error) {
	recs := make([]Rec, len(refs))
	have := make([]bool, len(refs))
	todo := make([]int, len(refs))
	for i := range refs {
		todo[i] = i
	}
	if _, err := readDetails(ctx, b, d, refs, todo, recs, have); err != nil {
		return nil, err
	}
	return present(recs, have), nil
}

// present are the records of recs that have marks as read (the others
// were gone by the time their details were asked for).
func present[Rec any](recs []Rec, have []bool) []Rec {
	out := make([]Rec, 0, len(recs))
	for i, r := range recs {
		if have[i] {
			out = append(out, r)
		}
	}
	return out
}

// readDetails reads the details of refs[todo], b.opts.Parallel at a time,
// into recs (have marks the ones that exist). It returns what to keep and
// the first error.
func readDetails[Ref, Rec any](ctx context.Context, b *Books, d detailRead[Ref, Rec], refs []Ref, todo []int, recs []Rec, have []bool) ([]Cached, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		put   []Cached
		first error
		wg    sync.WaitGroup
	)
	next := make(chan int)
	for w := 0; w < min(b.opts.Parallel, len(todo)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id := d.id(refs[i])
				rec, err := d.get(ctx, id)
				b.count(d.kind, 1)
				mu.Lock()
				switch {
				case errors.Is(err, rest.ErrNotFound):
					// Deleted between the list and this read.
				case err != nil:
					if first == nil {
						first = fmt.Errorf("read %s %d: %w", d.kind, id, err)
						cancel()
					}
				default:
					recs[i], have[i] = rec, true
					if data, err := json.Marshal(rec); err == nil {
						put = append(put, Cached{ID: id, Data: data})
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, i := range todo {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first == nil {
		if err := ctx.Err(); err != nil && len(todo) > 0 {
			first = err
		}
	}
	return put, first
}
