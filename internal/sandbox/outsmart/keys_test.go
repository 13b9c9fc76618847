package outsmart

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// filterOn is the query of one advanced filter.
func filterOn(key, value, operator string) url.Values {
	return url.Values{"key": {key}, "value": {value}, "operator": {operator}}
}

// checkKeyIndex asserts that the upsert key index, when built, is what
// indexing the lists afresh gives.
func checkKeyIndex(t *testing.T, s *Server) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	got := s.state.keys
	fresh := State{Relations: s.state.Relations, Materials: s.state.Materials, HourTypes: s.state.HourTypes}
	relationSpec.keyIndex(&fresh)
	materialSpec.keyIndex(&fresh)
	hourTypeSpec.keyIndex(&fresh)
	for endpoint, keys := range got {
		if !reflect.DeepEqual(keys, fresh.keys[endpoint]) {
			t.Errorf("%s key index out of step:\n got %v\nwant %v", endpoint, keys, fresh.keys[endpoint])
		}
	}
}

// TestUpsertedRelationIsFoundByItsNewTextAndKey: a relation changed by an
// upsert is found by its new values and no longer by its old ones; one whose
// key Update changed is upserted by the new key, and the old key makes a new
// relation; after Reset the starting relations are upserted again.
func TestUpsertedRelationIsFoundByItsNewTextAndKey(t *testing.T) {
	sb := newSandbox(t, Options{})
	names := func(q url.Values) string {
		t.Helper()
		a := sb.call(t, "GET", "relations", q, "")
		a.want(t, 200)
		return strings.Join(a.field(t, "debtor_number"), ",")
	}
	rel := func(debtor, name, city string) string {
		return `{"name":"` + name + `","debtor_number":"` + debtor + `","street":"Dorpsstraat","postal_code":"1234AB","city":"` + city + `"}`
	}
	sb.call(t, "POST", "relations", nil, "["+rel("D1", "Bakkerij Brood", "Utrecht")+","+rel("D2", "Slagerij Vlees", "Zeist")+"]").want(t, 200)
	checkKeyIndex(t, sb.Server)

	sb.call(t, "POST", "relations", nil, "["+rel("D1", "Zonnepaneel Zuid", "Vlissingen")+"]").want(t, 200)
	checkKeyIndex(t, sb.Server)
	for _, c := range []struct {
		name string
		q    url.Values
		want string
	}{
		{"new name", filterOn("name", "%zonnepaneel%", "li"), "D1"},
		{"new city", filterOn("city", "VLISSINGEN", "eq"), "D1"},
		{"old name", filterOn("name", "%bakkerij%", "li"), ""},
		{"old city", filterOn("city", "utrecht", "eq"), ""},
		{"key", filterOn("debtor_number", "D1", "eq"), "D1"},
		{"all, the upserted one kept its place", nil, "D1,D2"},
	} {
		if got := names(c.q); got != c.want {
			t.Errorf("after the upsert, %s: got %q, want %q", c.name, got, c.want)
		}
	}

	sb.Update(func(st *State) {
		st.Relations[0].DebtorNumber = "D9"
	})
	checkKeyIndex(t, sb.Server)
	sb.call(t, "POST", "relations", nil, "["+rel("D9", "Nieuw Negen", "Goes")+","+rel("D1", "Weer Een", "Ede")+"]").want(t, 200)
	checkKeyIndex(t, sb.Server)
	if got := names(nil); got != "D9,D2,D1" {
		t.Errorf("after Update and an upsert: %q, want D9 changed in place and D1 new at the end", got)
	}
	if got := names(filterOn("debtor_number", "D9", "eq")) + "/" + names(filterOn("name", "%negen%", "li")); got != "D9/D9" {
		t.Errorf("D9 by key/by new name: %q", got)
	}

	sb.Reset()
	sb.call(t, "POST", "relations", nil, "["+rel("D1", "Opnieuw", "Ede")+"]").want(t, 200)
	checkKeyIndex(t, sb.Server)
	if got := names(nil); got != "D1" {
		t.Errorf("after Reset and an upsert: %q, want D1 alone", got)
	}
}

// TestUpsertAfterDuplicateKeys: when Update leaves a key twice, the upsert
// changes the first record with it, as a scan of the list would.
func TestUpsertAfterDuplicateKeys(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "materials", nil, `[{"code":"A","description":"een","price":"1","unit":"st"},{"code":"B","description":"twee","price":"2","unit":"st"}]`).want(t, 200)
	sb.Update(func(st *State) { st.Materials[1].Code = "A" })
	sb.call(t, "POST", "materials", nil, `[{"code":"A","description":"drie","price":"3","unit":"st"}]`).want(t, 200)
	checkKeyIndex(t, sb.Server)
	ms := sb.State().Materials
	if len(ms) != 2 || ms[0].Description != "drie" || ms[1].Description != "twee" {
		t.Errorf("materials %+v, want the first A changed and the second left alone", ms)
	}
}
