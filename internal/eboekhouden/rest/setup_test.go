package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
)

// TestSandboxLedgersAndCostCentres reads the demo administration's ledgers
// and cost centres through the client: whole lists, filters the pickers
// use, small pages, and reads by id.
func TestSandboxLedgersAndCostCentres(t *testing.T) {
	e := newSandboxEnv(t, nil, func(cfg *Config) { cfg.PageSize = 3 })
	ctx := context.Background()
	st := e.srv.State()
	ls, err := e.c.ListLedgers(ctx)
	e.check("ListLedgers", err)
	if len(ls) != len(st.Ledgers) || len(ls) == 0 {
		t.Fatalf("%d ledgers, want %d", len(ls), len(st.Ledgers))
	}
	for i, w := range st.Ledgers {
		if ls[i] != (Ledger{ID: int64(w.ID), Code: w.Code, Description: w.Description, Category: w.Category}) {
			t.Errorf("ledger #%d: %+v, want %+v", i, ls[i], w)
		}
	}
	vw, err := e.c.ListLedgers(ctx, Filter{Param: "category", Value: LedgerCategoryProfitLoss}, Filter{Param: "code", Op: "like", Value: "8%"})
	e.check("ListLedgers(VW, 8%)", err)
	if len(vw) != 3 || vw[0].Code != "8000" || vw[0].Description != "Omzet materialen" || vw[1].Code != "8010" || vw[2].Code != "8020" {
		t.Errorf("revenue ledgers: %+v", vw)
	}
	deb, err := e.c.ListLedgers(ctx, Filter{Param: "category", Value: LedgerCategoryDebtors})
	e.check("ListLedgers(DEB)", err)
	if len(deb) != 1 || deb[0].Code != "1300" {
		t.Errorf("debtor ledgers: %+v", deb)
	}
	one, err := e.c.GetLedger(ctx, vw[1].ID)
	e.check("GetLedger", err)
	if one != vw[1] {
		t.Errorf("GetLedger: %+v, want %+v", one, vw[1])
	}
	_, err = e.c.GetLedger(ctx, 1)
	e.expect("GetLedger(1)", err, ErrNotFound)

	e.srv.Update(func(st *ebrest.State) {
		st.CostCenters = append(st.CostCenters,
			ebrest.CostCenter{ID: 2203, Description: "Storingen", ParentID: ebrest.CostCenterOnderhoud},
			ebrest.CostCenter{ID: 2204, Description: "Nieuwbouw", ParentID: ebrest.CostCenterInstallatie, Active: true},
			ebrest.CostCenter{ID: 2205, Description: "Renovatie", ParentID: ebrest.CostCenterInstallatie, Active: true})
	})
	cs, err := e.c.ListCostCentres(ctx)
	e.check("ListCostCentres", err)
	want := []CostCentre{
		{ID: ebrest.CostCenterInstallatie, Description: "Installatie", Active: true},
		{ID: ebrest.CostCenterOnderhoud, Description: "Service en onderhoud", Active: true},
		{ID: 2203, Description: "Storingen", ParentID: ebrest.CostCenterOnderhoud},
		{ID: 2204, Description: "Nieuwbouw", ParentID: ebrest.CostCenterInstallatie, Active: true},
		{ID: 2205, Description: "Renovatie", ParentID: ebrest.CostCenterInstallatie, Active: true},
	}
	if len(cs) != len(want) {
		t.Fatalf("cost centres: %+v", cs)
	}
	for i := range want {
		if cs[i] != want[i] {
			t.Errorf("cost centre #%d: %+v, want %+v", i, cs[i], want[i])
		}
	}
	kids, err := e.c.ListCostCentres(ctx, Filter{Param: "parentId", Value: "2201"})
	e.check("ListCostCentres(parentId)", err)
	if len(kids) != 2 || kids[0].ID != 2204 || kids[1].ID != 2205 {
		t.Errorf("children of Installatie: %+v", kids)
	}
	cc, err := e.c.GetCostCentre(ctx, 2203)
	e.check("GetCostCentre", err)
	if cc != (CostCentre{ID: 2203, Description: "Storingen", ParentID: ebrest.CostCenterOnderhoud, FullPath: "Service en onderhoud > Storingen"}) {
		t.Errorf("GetCostCentre: %+v", cc)
	}
	_, err = e.c.GetCostCentre(ctx, 99)
	e.expect("GetCostCentre(99)", err, ErrNotFound)
	_, err = e.c.ListLedgers(ctx, Filter{Param: "description", Value: "Omzet"})
	if err == nil || !strings.Contains(err.Error(), "not a filter parameter") {
		t.Errorf("ledger filter on description: %v, want a refusal", err)
	}
	_, err = e.c.ListCostCentres(ctx, Filter{Param: "active", Value: "true"})
	if err == nil || !strings.Contains(err.Error(), "not a filter parameter") {
		t.Errorf("cost centre filter on active: %v, want a refusal", err)
	}
	// A filter value the sandbox refuses is the API's validation error.
	_, err = e.c.ListCostCentres(ctx, Filter{Param: "parentId", Value: "Installatie"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "ERR_002" {
		t.Errorf("parentId=Installatie: %v, want ERR_002", err)
	}
}

// TestSetupListsAreReadStrictly answers the lists with records the client
// must refuse: a field of the wrong type makes the whole list unreadable
// (a picker shows an error, never a partial list), naming the record and
// the field.
func TestSetupListsAreReadStrictly(t *testing.T) {
	tests := []struct {
		path, page, field string
		read              func(c *Client) error
	}{
		{"/v1/ledger", `{"items":[{"id":906,"code":"8000","category":"VW"},{"id":907,"code":8010}],"count":2}`, "code",
			func(c *Client) error { _, err := c.ListLedgers(context.Background()); return err }},
		{"/v1/ledger", `{"items":[{"id":906,"code":"8000","category":{"x":1}}],"count":1}`, "category",
			func(c *Client) error { _, err := c.ListLedgers(context.Background()); return err }},
		{"/v1/costcenter", `{"items":[{"id":2201,"description":"A","parentId":"2200","active":true}],"count":1}`, "parentId",
			func(c *Client) error { _, err := c.ListCostCentres(context.Background()); return err }},
		{"/v1/costcenter", `{"items":[{"id":2201,"description":"A","active":"yes"}],"count":1}`, "active",
			func(c *Client) error { _, err := c.ListCostCentres(context.Background()); return err }},
		{"/v1/costcenter", `{"items":[{"id":2201,"description":"A","active":true},{"id":2201,"description":"B"}],"count":2}`, "",
			func(c *Client) error { _, err := c.ListCostCentres(context.Background()); return err }},
	}
	for _, tt := range tests {
		s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if r.URL.Path != tt.path {
				t.Errorf("request to %s", r.URL.Path)
			}
			jsonAnswer(w, 200, tt.page)
		})
		c, _, _ := testClient(t, s.srv.URL, nil)
		err := tt.read(c)
		if !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: %v, want ErrUnreadable", tt.page, err)
			continue
		}
		var re *RecordError
		if tt.field != "" && (!errors.As(err, &re) || re.Field != tt.field) {
			t.Errorf("%s: %v, want a RecordError on %s", tt.page, err, tt.field)
		}
	}
}

// TestGetLedgerMustBeTheAskedOne refuses an answer by id that is another
// ledger or cost centre.
func TestGetLedgerMustBeTheAskedOne(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/v1/ledger/906":
			jsonAnswer(w, 200, `{"id":907,"code":"8010","description":"Omzet arbeid","category":"VW","group":"Omzet"}`)
		case "/v1/ledger/907":
			jsonAnswer(w, 200, `{"id":907,"code":"8010","description":"Omzet arbeid","category":"VW","group":"Omzet"}`)
		default:
			jsonAnswer(w, 200, `{"id":1,"description":"A"}`)
		}
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	ctx := context.Background()
	if _, err := c.GetLedger(ctx, 906); !errors.Is(err, ErrUnreadable) {
		t.Errorf("ledger 906 answered as 907: %v", err)
	}
	l, err := c.GetLedger(ctx, 907)
	if err != nil || l != (Ledger{ID: 907, Code: "8010", Description: "Omzet arbeid", Category: "VW", Group: "Omzet"}) {
		t.Errorf("ledger 907: %+v, %v", l, err)
	}
	if _, err := c.GetCostCentre(ctx, 2); !errors.Is(err, ErrUnreadable) {
		t.Errorf("cost centre 2 answered as 1: %v", err)
	}
	if _, err := c.GetCostCentre(ctx, 0); err == nil {
		t.Error("cost centre 0 was asked for")
	}
}

func FuzzParseLedger(f *testing.F) {
	for _, s := range []string{
		`{"id":906,"code":"8000","description":"Omzet materialen","category":"VW","group":"Omzet"}`,
		`{"id":902,"code":"1300","description":"Debiteuren","category":"DEB"}`,
		`{"id":1,"code":1300}`, `{"id":"1"}`, `{"id":1,"category":null}`, `{}`, `[]`, `null`, `{"id":1`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseLedger(data)
		if err != nil {
			checkRecordErr(t, data, err)
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		// What was read is what the record says.
		var w wireLedger
		if json.Unmarshal(data, &w) != nil || Ledger(w) != l {
			t.Fatalf("read %+v from %q", l, data)
		}
	})
}

func FuzzParseCostCentre(f *testing.F) {
	for _, s := range []string{
		`{"id":2201,"description":"Installatie","active":true}`,
		`{"id":2203,"description":"Storingen","parentId":2202,"active":false,"fullPath":"Service en onderhoud > Storingen"}`,
		`{"id":1,"parentId":"2202"}`, `{"id":1,"parentId":1.5}`, `{"id":1,"active":1}`, `{"id":1,"active":"true"}`,
		`{"id":1,"parentId":null}`, `{}`, `[]`, `7`, `{"id":`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cc, err := parseCostCentre(data)
		if err != nil {
			checkRecordErr(t, data, err)
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		var w wireCostCentre
		if json.Unmarshal(data, &w) != nil || cc.ID != w.ID || cc.Description != w.Description || cc.ParentID != deref(w.ParentID) || cc.FullPath != w.FullPath {
			t.Fatalf("read %+v from %q", cc, data)
		}
		if flag, err := parseFlag("active", w.Active); err != nil || flag != cc.Active {
			t.Fatalf("active %v from %q", cc.Active, data)
		}
	})
}
