package ebrest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// TestLedgers lists the dataset's ledgers with paging and filters, reads
// one by id, and refuses bad paging and filters.
func TestLedgers(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	all, n := list[Ledger](t, e.do("GET", "/v1/ledger?limit=2000", tok, ""))
	if n != len(st.Ledgers) || len(all) != n || n < 8 {
		t.Fatalf("ledgers: %d, count %d, want %d (at least 8)", len(all), n, len(st.Ledgers))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID {
			t.Errorf("ledgers not in ascending id order: %+v", all)
		}
	}
	if deb, n := list[Ledger](t, e.do("GET", "/v1/ledger?category=DEB", tok, "")); n != 1 || deb[0].Code != "1300" || deb[0].Description != "Debiteuren" {
		t.Errorf("category=DEB: %+v", deb)
	}
	vw, n := list[Ledger](t, e.do("GET", "/v1/ledger?category=vw&code[like]=8%25", tok, ""))
	if n != 3 || len(vw) != 3 || vw[0].Code != "8000" || vw[0].Description != "Omzet materialen" || vw[2].Code != "8020" {
		t.Errorf("revenue ledgers: %+v", vw)
	}
	if pg, n := list[Ledger](t, e.do("GET", "/v1/ledger?limit=2&offset=3", tok, "")); len(pg) != 2 || n != len(st.Ledgers) || pg[0] != all[3] {
		t.Errorf("ledger page: %+v count %d", pg, n)
	}
	r := e.do("GET", fmt.Sprintf("/v1/ledger/%d", vw[1].ID), tok, "")
	var one Ledger
	if err := json.Unmarshal(r.body, &one); r.status != 200 || err != nil || one != vw[1] {
		t.Errorf("ledger %d: %d %s", vw[1].ID, r.status, r.body)
	}
	for _, path := range []string{"/v1/ledger/1", "/v1/ledger/abc", "/v1/ledger/-906"} {
		if r := e.do("GET", path, tok, ""); r.status != 404 || r.errBody(t).Code != "LEDG_011" {
			t.Errorf("%s: %d %s, want 404 LEDG_011", path, r.status, r.body)
		}
	}
	refusals(t, e, tok, map[string]string{
		"/v1/ledger?limit=2001":                 "PAGE_001",
		"/v1/ledger?limit=0":                    "PAGE_001",
		"/v1/ledger?offset=-1":                  "PAGE_002",
		"/v1/ledger?code[gt]=8000":              "ERR_002",
		"/v1/ledger?category[range]=A,Z":        "ERR_002",
		"/v1/ledger?code=8000&code[like]=8%25":  "ERR_002",
		"/v1/ledger?category[]=VW":              "ERR_002",
		"/v1/ledger?category=VW&category=DEB":   "ERR_002",
		"/v1/ledger?code%5Bnot_eq%5D=1&code=80": "ERR_002",
	})
	if r := e.do("GET", "/v1/ledger", "", ""); r.status != 401 {
		t.Errorf("ledgers without Authorization: %d", r.status)
	}
	if r := e.do("POST", "/v1/ledger/906", tok, `{}`); r.status != 405 {
		t.Errorf("POST ledger/906: %d, want 405", r.status)
	}
}

// TestCostCenters lists the two demo cost centres, filters on description
// and parentId, reads one by id with its full path, and refuses bad
// paging and filters.
func TestCostCenters(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	all, n := list[CostCenter](t, e.do("GET", "/v1/costcenter", tok, ""))
	if n != 2 || len(all) != 2 || all[0].ID != CostCenterInstallatie || all[0].Description != "Installatie" || !all[0].Active || all[1].ID != CostCenterOnderhoud {
		t.Fatalf("cost centres: %+v count %d", all, n)
	}
	e.rs.Update(func(st *State) {
		st.CostCenters = append(st.CostCenters, CostCenter{ID: 2203, Description: "Storingen", ParentID: CostCenterOnderhoud, Active: false})
	})
	if kids, n := list[CostCenter](t, e.do("GET", fmt.Sprintf("/v1/costcenter?parentId=%d", CostCenterOnderhoud), tok, "")); n != 1 || kids[0].ID != 2203 || kids[0].Active {
		t.Errorf("parentId=%d: %+v", CostCenterOnderhoud, kids)
	}
	if roots, n := list[CostCenter](t, e.do("GET", "/v1/costcenter?parentId=0", tok, "")); n != 2 || roots[1].ID != CostCenterOnderhoud {
		t.Errorf("parentId=0: %+v", roots)
	}
	if named, n := list[CostCenter](t, e.do("GET", "/v1/costcenter?description[like]=%25onderhoud", tok, "")); n != 1 || named[0].ID != CostCenterOnderhoud {
		t.Errorf("description like: %+v", named)
	}
	if pg, n := list[CostCenter](t, e.do("GET", "/v1/costcenter?limit=1&offset=2", tok, "")); n != 3 || len(pg) != 1 || pg[0].ID != 2203 {
		t.Errorf("page: %+v count %d", pg, n)
	}
	r := e.do("GET", "/v1/costcenter/2203", tok, "")
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); r.status != 200 || err != nil || got["fullPath"] != "Service en onderhoud > Storingen" ||
		got["parentId"] != float64(CostCenterOnderhoud) || got["active"] != false || got["description"] != "Storingen" {
		t.Errorf("cost centre 2203: %d %s", r.status, r.body)
	}
	r = e.do("GET", fmt.Sprintf("/v1/costcenter/%d", CostCenterInstallatie), tok, "")
	got = nil
	if err := json.Unmarshal(r.body, &got); err != nil || got["fullPath"] != "Installatie" {
		t.Errorf("cost centre Installatie: %s", r.body)
	}
	if _, ok := got["parentId"]; ok {
		t.Errorf("a root cost centre has a parentId: %s", r.body)
	}
	for _, path := range []string{"/v1/costcenter/1", "/v1/costcenter/x", "/v1/costcenter/0"} {
		if r := e.do("GET", path, tok, ""); r.status != 404 || r.errBody(t).Code != "COST_001" {
			t.Errorf("%s: %d %s, want 404 COST_001", path, r.status, r.body)
		}
	}
	refusals(t, e, tok, map[string]string{
		"/v1/costcenter?limit=2001":              "PAGE_001",
		"/v1/costcenter?offset=x":                "PAGE_002",
		"/v1/costcenter?parentId=abc":            "ERR_002",
		"/v1/costcenter?parentId[like]=22%25":    "ERR_002",
		"/v1/costcenter?parentId[range]=1":       "ERR_002",
		"/v1/costcenter?description[gte]=A":      "ERR_002",
		"/v1/costcenter?description[between]=AB": "ERR_002",
	})
	if r := e.do("GET", "/v1/costcenter/2201", "Bearer nope", ""); r.status != 401 {
		t.Errorf("cost centre with a wrong session: %d", r.status)
	}
}

// refusals checks that each path is answered 400 with its code.
func refusals(t *testing.T, e *env, tok string, want map[string]string) {
	t.Helper()
	for path, code := range want {
		r := e.do("GET", path, tok, "")
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400 %s", path, r.status, r.body, code)
			continue
		}
		if got := r.errBody(t); got.Code != code {
			t.Errorf("%s: %s, want %s", path, got.Code, code)
		}
	}
}
