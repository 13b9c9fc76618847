package engine

// This file owns what a run reads from and writes to the store, and the dry
// run's side of it: a dry run reads as a real one does and writes nothing,
// by running on a dryStore rather than checking at every write.

import (
	"context"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// runStore is the part of the store a run uses (*store.Store, or dryStore
// in a dry run).
type runStore interface {
	// What the run reads.
	Export(ctx context.Context, rowID string) (store.Export, error)
	Exports(ctx context.Context, states ...store.ExportState) ([]store.Export, error)
	Mappings(ctx context.Context, kind store.MappingKind) (map[string]store.Mapping, error)
	AllAttention(ctx context.Context) ([]store.Attention, error)
	SourceRecords(ctx context.Context, kind store.SourceKind) (map[string]store.SourceRecord, error)
	SweepState(ctx context.Context, kind store.SourceKind) (string, error)
	HasInvoiced(ctx context.Context) (bool, error)

	// What the run writes.
	SaveExport(ctx context.Context, e store.Export) error
	SaveMappings(ctx context.Context, ms []store.Mapping) error
	SetAttention(ctx context.Context, a store.Attention) error
	ClearAttention(ctx context.Context, kind store.AttentionKind, subject string) error
	AddLog(ctx context.Context, e store.LogEntry) (int64, error)
	FinishRunMessage(ctx context.Context, id int64, outcome store.RunOutcome, m message.Text) error
	SaveSources(ctx context.Context, kind store.SourceKind, put []store.SourceRecord, gone []string, state string) error
	ForgetSources(ctx context.Context, kind store.SourceKind) error
}

var (
	_ runStore = (*store.Store)(nil)
	_ runStore = dryStore{}
)

// dryStore is a dry run's store: it reads from the real one and keeps every
// write to itself, so that a dry run changes nothing (what it would change
// is said in Summary.Planned and the log lines it hands to OnLog).
type dryStore struct{ *store.Store }

func (dryStore) SaveExport(context.Context, store.Export) error                    { return nil }
func (dryStore) SaveMappings(context.Context, []store.Mapping) error               { return nil }
func (dryStore) SetAttention(context.Context, store.Attention) error               { return nil }
func (dryStore) ClearAttention(context.Context, store.AttentionKind, string) error { return nil }
func (dryStore) AddLog(context.Context, store.LogEntry) (int64, error)             { return 0, nil }
func (dryStore) FinishRunMessage(context.Context, int64, store.RunOutcome, message.Text) error {
	return nil
}
func (dryStore) SaveSources(context.Context, store.SourceKind, []store.SourceRecord, []string, string) error {
	return nil
}
func (dryStore) ForgetSources(context.Context, store.SourceKind) error { return nil }

// storeFor is the store a run with opts uses.
func storeFor(s *store.Store, opts RunOptions) runStore {
	if opts.DryRun {
		return dryStore{s}
	}
	return s
}
