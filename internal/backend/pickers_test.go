package backend

import (
	"errors"
	"testing"

	"github.com/koppeling/koppeling/internal/store"
)

// TestCheckCostCentre: only a changed, well-formed cost centre on the REST
// road is looked up; an unknown one and one that cannot be looked up are
// refused with their rule, and a look-up that fails is never "known".
func TestCheckCostCentre(t *testing.T) {
	before := store.DefaultSettings()
	before.CostCentreID, before.CostCentre = 2201, "Installatie"
	active := map[int64]bool{2201: true, 2202: true}
	errList := errors.New("list unreadable")
	tests := []struct {
		name     string
		values   map[string]string
		rest     bool
		listErr  error
		rule     string
		lookedUp bool
	}{
		{"not in the change", map[string]string{store.KeyTemplate: "x"}, true, nil, "", false},
		{"none", map[string]string{store.KeyCostCentre: ""}, true, nil, "", false},
		{"the saved one, renamed", map[string]string{store.KeyCostCentre: "2201 Montage"}, true, errList, "", false},
		{"bad form: the store refuses it", map[string]string{store.KeyCostCentre: "abc"}, true, nil, "", false},
		{"another active one", map[string]string{store.KeyCostCentre: "2202 Service"}, true, nil, "", true},
		{"unknown", map[string]string{store.KeyCostCentre: "9999 Weg"}, true, nil, store.RuleCostCentreUnknown, true},
		{"list unreadable", map[string]string{store.KeyCostCentre: "2202"}, true, errList, store.RuleCostCentreUnchecked, true},
		{"SOAP road: form only", map[string]string{store.KeyCostCentre: "9999"}, false, nil, "", false},
	}
	for _, tc := range tests {
		lookedUp := false
		err := CheckCostCentre(tc.values, before, func() (bool, error) { return tc.rest, nil }, func(id int64) (bool, error) {
			lookedUp = true
			return active[id], tc.listErr
		})
		var se *store.SettingError
		switch {
		case tc.rule == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.rule != "" && (!errors.As(err, &se) || se.Rule != tc.rule || se.Key != store.KeyCostCentre || se.Reason == ""):
			t.Errorf("%s: %v, want rule %s", tc.name, err, tc.rule)
		}
		if lookedUp != tc.lookedUp {
			t.Errorf("%s: looked up %v, want %v", tc.name, lookedUp, tc.lookedUp)
		}
	}
}
