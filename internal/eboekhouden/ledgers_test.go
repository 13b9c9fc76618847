package eboekhouden

import "testing"

// TestSandboxLedgers reads the demo administration's ledger accounts, whole
// and filtered by category and code, through the SOAP sandbox.
func TestSandboxLedgers(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	state := e.srv.State().LedgerAccounts
	all, err := e.client.Ledgers(ctx, LedgerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(state) || len(all) == 0 {
		t.Fatalf("got %d ledgers, the sandbox has %d", len(all), len(state))
	}
	for i, l := range state {
		if want := (Ledger{ID: l.ID, Code: l.Code, Description: l.Omschrijving, Category: l.Categorie}); all[i] != want {
			t.Errorf("ledger %d = %+v, want %+v", i, all[i], want)
		}
	}
	vw, err := e.client.Ledgers(ctx, LedgerFilter{Category: "VW"})
	if err != nil || len(vw) < 3 {
		t.Fatalf("VW: %+v, %v", vw, err)
	}
	for _, l := range vw {
		if l.Category != "VW" {
			t.Errorf("category filter returned %+v", l)
		}
	}
	one, err := e.client.Ledgers(ctx, LedgerFilter{Code: "1300"})
	if err != nil || len(one) != 1 || one[0].Description != "Debiteuren" || one[0].Category != "DEB" {
		t.Fatalf("1300: %+v, %v", one, err)
	}
	none, err := e.client.Ledgers(ctx, LedgerFilter{Code: "1300", Category: "VW"})
	if err != nil || len(none) != 0 {
		t.Errorf("1300 in VW: %+v, %v", none, err)
	}
	if params := ledgerFilterParams(LedgerFilter{Category: "VW"}); len(params) != 2 || params[0][0] != "ID" || params[0][1] != "0" || params[1][0] != "Categorie" {
		t.Errorf("filter params %v", params)
	}
	if n := e.count("GetGrootboekrekeningen"); n != 4 {
		t.Errorf("%d GetGrootboekrekeningen calls, want 4", n)
	}
}
