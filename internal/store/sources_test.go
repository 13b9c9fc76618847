package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSourcesAreKeptPerKindAndForgotten: records and the sweep state of
// one kind are saved together, replaced by code, removed when gone, kept
// over a reopen, and forgotten without touching the other kind.
func TestSourcesAreKeptPerKindAndForgotten(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if state, err := s.SweepState(ctx, SourceProduct); err != nil || state != "" {
		t.Fatalf("a new store has sweep state %q, %v", state, err)
	}
	put := []SourceRecord{
		{Code: "BP1", SourceID: "11", Search: "kraan", Data: `{"Code":"BP1"}`, Cycle: 1},
		{Code: "BP2", SourceID: "12", Search: "buis", Data: `{"Code":"BP2"}`, Cycle: 1},
	}
	if err := s.SaveSources(ctx, SourceProduct, put, nil, `{"cycle":1}`); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSources(ctx, SourceRelation, []SourceRecord{{Code: "K1", SourceID: "1", Search: "k1", Cycle: 3}}, nil, `{"cycle":3}`); err != nil {
		t.Fatal(err)
	}
	changed := []SourceRecord{{Code: "BP1", SourceID: "11", Search: "kraan messing", Data: `{"Code":"BP1","Price":"2"}`, Cycle: 2}}
	if err := s.SaveSources(ctx, SourceProduct, changed, []string{"BP2"}, `{"cycle":2}`); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(ctx, dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.SourceRecords(ctx, SourceProduct)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["BP1"] != changed[0] {
		t.Fatalf("products kept: %+v, want only %+v", got, changed[0])
	}
	if state, _ := s.SweepState(ctx, SourceProduct); state != `{"cycle":2}` {
		t.Fatalf("product sweep state %q", state)
	}
	if err := s.ForgetSources(ctx, SourceProduct); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SourceRecords(ctx, SourceProduct); len(got) != 0 {
		t.Fatalf("products after forgetting: %+v", got)
	}
	if state, _ := s.SweepState(ctx, SourceProduct); state != "" {
		t.Fatalf("product sweep state after forgetting: %q", state)
	}
	rels, _ := s.SourceRecords(ctx, SourceRelation)
	if state, _ := s.SweepState(ctx, SourceRelation); len(rels) != 1 || state != `{"cycle":3}` {
		t.Fatalf("forgetting products touched relations: %+v %q", rels, state)
	}
}
