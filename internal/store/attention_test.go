package store

import (
	"context"
	"errors"
	"testing"

	"github.com/koppeling/koppeling/internal/message"
)

func TestLogKeepsMessageKeyAndDutchText(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	args := message.Args{"Code": "1034", "Name": "Bakkerij Jansen", "Missing": "adres"}
	if _, err := s.AddLog(ctx, LogEntry{Level: LevelAttention, Key: "relation.refused", Args: args}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddLog(ctx, LogEntry{Message: "Een oude regel."}); err != nil {
		t.Fatal(err)
	}
	lines, err := s.Log(ctx, LogFilter{})
	if err != nil || len(lines) != 2 {
		t.Fatalf("log = %+v, %v", lines, err)
	}
	var keyed, old LogEntry
	for _, l := range lines {
		if l.Key != "" {
			keyed = l
		} else {
			old = l
		}
	}
	if keyed.Message != "Relatie 1034, Bakkerij Jansen kan niet naar OutSmart: adres ontbreekt." {
		t.Errorf("stored Dutch text = %q", keyed.Message)
	}
	if got := keyed.Text(message.English); got != "Relation 1034, Bakkerij Jansen cannot go to OutSmart: address missing." {
		t.Errorf("English = %q", got)
	}
	if got := old.Text(message.English); got != "Een oude regel." {
		t.Errorf("a line without key = %q", got)
	}
}

func TestAttentionItems(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	rel := Attention{Kind: AttentionRelation, Subject: "1034", Cause: "relation.missing:adres", TitleKey: "subject.relation",
		ReasonKey: "relation.refused", FixKey: "relation.refused.fix", Args: message.Args{"Code": "1034", "Name": "Bakkerij Jansen"}}
	set := Attention{Kind: AttentionSettings, Subject: "template", ReasonKey: "settings.template"}
	for _, a := range []Attention{rel, set} {
		if err := s.SetAttention(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	items, err := s.AttentionItems(ctx)
	if err != nil || len(items) != 2 || items[0].Kind != AttentionRelation || items[0].Args["Name"] != "Bakkerij Jansen" {
		t.Fatalf("items = %+v, %v", items, err)
	}
	if err := s.SkipAttention(ctx, AttentionRelation, "1034"); err != nil {
		t.Fatal(err)
	}
	if items, _ := s.AttentionItems(ctx); len(items) != 1 || items[0].Kind != AttentionSettings {
		t.Errorf("after skip: %+v", items)
	}
	if err := s.SkipAttention(ctx, AttentionRelation, "9999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("skip unknown: %v", err)
	}
	// A new version of the problem is reported again.
	if err := s.SetAttention(ctx, rel); err != nil {
		t.Fatal(err)
	}
	if items, _ := s.AttentionItems(ctx); len(items) != 2 {
		t.Errorf("set again after skip: %+v", items)
	}
	// A refused mapping keeps the item; a sent one clears it.
	if err := s.SaveMappings(ctx, []Mapping{{Kind: MappingRelation, SourceKey: "1034", Hash: RefusedHashPrefix + "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AttentionItem(ctx, AttentionRelation, "1034"); err != nil {
		t.Errorf("refused mapping cleared the item: %v", err)
	}
	if err := s.SaveMappings(ctx, []Mapping{{Kind: MappingRelation, SourceKey: "1034", Hash: "y", Active: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AttentionItem(ctx, AttentionRelation, "1034"); !errors.Is(err, ErrNotFound) {
		t.Errorf("sent mapping kept the item: %v", err)
	}
	if err := s.ClearAttention(ctx, AttentionSettings, "template"); err != nil {
		t.Fatal(err)
	}
	if items, _ := s.AttentionItems(ctx); len(items) != 0 {
		t.Errorf("after clear: %+v", items)
	}
}

func TestRunSummaryAsMessage(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	old, _ := s.StartRun(ctx, "test")
	if err := s.FinishRun(ctx, old, RunOK, "Een oude samenvatting"); err != nil {
		t.Fatal(err)
	}
	id, _ := s.StartRun(ctx, "test")
	m := message.T(message.KeySummary, "Invoices", "3", "OpenRelations", "2")
	if err := s.FinishRunMessage(ctx, id, RunAttention, m); err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs(ctx, 2)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	if runs[0].Summary != "3 facturen aangemaakt; 2 relaties kunnen niet naar OutSmart" ||
		runs[0].Text(message.English) != "3 invoices created; 2 relations cannot go to OutSmart" {
		t.Errorf("new run: %q / %q", runs[0].Summary, runs[0].Text(message.English))
	}
	if runs[1].Text(message.English) != "Een oude samenvatting" || !runs[1].SummaryMessage.IsZero() {
		t.Errorf("old run: %+v", runs[1])
	}
}
