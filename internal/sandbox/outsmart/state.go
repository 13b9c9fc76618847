package outsmart

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// State is the data of one OutSmart account as the sandbox holds it. Values
// are kept in the wire form OutSmart answers with (material prices "4,55",
// hour type prices "50.00", flags "0"/"1", dates d-m-Y).
type State struct {
	Employees     []demodata.Employee   `json:"employees"`
	Workstatusses []demodata.Workstatus `json:"workstatusses"`
	Relations     []Relation            `json:"relations"`
	Materials     []Material            `json:"materials"`
	HourTypes     []demodata.HourType   `json:"hourtypes"`
	Workorders    []demodata.Workorder  `json:"workorders"`

	// keys are the positions of the master data by upsert key, per
	// endpoint (see entity.keyIndex): built when a POST first needs them,
	// kept in step by the upserts and dropped whenever the lists may have
	// changed otherwise (Update; a copy starts without them).
	keys map[string]map[string]int
}

// Relation is a stored relation: the dataset's fields plus the newer GitBook
// and Postman fields the dataset type does not carry. Latitude and Longitude
// are "" when unset (answered as null) and otherwise six-decimal strings.
type Relation struct {
	demodata.Relation
	Accountmanager string `json:"accountmanager,omitempty"`
	Status         string `json:"status,omitempty"`
	PgpCode        string `json:"pgp_code,omitempty"`
	Source         string `json:"source,omitempty"`
	LeadPhase      string `json:"lead_phase,omitempty"`
	Latitude       string `json:"latitude,omitempty"`
	Longitude      string `json:"longitude,omitempty"`
}

// Material is a stored material: the dataset's fields plus vat_code and note,
// which only OutSmart's Postman collection shows [DOC S2].
type Material struct {
	demodata.Material
	VatCode string `json:"vat_code,omitempty"`
	Note    string `json:"note,omitempty"`
}

// stateFromDataset makes the server's own deep copy of a dataset.
func stateFromDataset(ds demodata.OutSmart) State {
	// The dataset types and the State types share their JSON keys (Relation
	// and Material embed the dataset types), so one round trip converts and
	// deep-copies at once.
	src := struct {
		Employees     []demodata.Employee   `json:"employees"`
		Workstatusses []demodata.Workstatus `json:"workstatusses"`
		Relations     []demodata.Relation   `json:"relations"`
		Materials     []demodata.Material   `json:"materials"`
		HourTypes     []demodata.HourType   `json:"hourtypes"`
		Workorders    []demodata.Workorder  `json:"workorders"`
	}{ds.Employees, ds.Workstatusses, ds.Relations, ds.Materials, ds.HourTypes, ds.Workorders}
	var st State
	roundTrip(src, &st)
	st.normalise()
	return st
}

// clone returns a deep copy.
func (st *State) clone() State {
	var out State
	roundTrip(st, &out)
	return out
}

// roundTrip copies plain data through JSON.
func roundTrip(src, dst any) {
	b, err := json.Marshal(src)
	if err != nil {
		panic(fmt.Sprintf("outsmart: copy state: %v", err)) // plain data: cannot fail
	}
	if err := json.Unmarshal(b, dst); err != nil {
		panic(fmt.Sprintf("outsmart: copy state: %v", err))
	}
}

// normalise brings values into the form the sandbox stores and answers with,
// after loading a dataset or after Update: prices in their documented
// notation, defaults for unset flags, empty lists instead of null. Values
// that do not parse are left alone, so that a test can seed a broken record
// on purpose.
func (st *State) normalise() {
	nonNil(&st.Employees)
	nonNil(&st.Workstatusses)
	nonNil(&st.Relations)
	nonNil(&st.Materials)
	nonNil(&st.HourTypes)
	nonNil(&st.Workorders)
	for i := range st.Relations {
		relationSpec.applyDefaults(&st.Relations[i])
	}
	for i := range st.Materials {
		m := &st.Materials[i]
		if p, err := commaPrice(m.Price); err == nil {
			m.Price = p
		}
	}
	for i := range st.HourTypes {
		h := &st.HourTypes[i]
		hourTypeSpec.applyDefaults(h)
		for _, p := range []*string{&h.SalePrice, &h.CostPrice} {
			if v, err := dotPrice(*p); err == nil {
				*p = v
			}
		}
	}
	for i := range st.Workorders {
		w := &st.Workorders[i]
		nonNil(&w.Workperiods)
		nonNil(&w.Materials)
	}
}

// nonNil makes a nil list empty, so that it is answered as [] and not null.
func nonNil[T any](list *[]T) {
	if *list == nil {
		*list = []T{}
	}
}

// workorderIndex finds a work order by row id and/or external work order
// number; with both, they must name the same order [inferred].
func (st *State) workorderIndex(rowID, workorderNo string) int {
	return slices.IndexFunc(st.Workorders, func(w demodata.Workorder) bool {
		return (rowID == "" || w.ID == rowID) && (workorderNo == "" || w.WorkorderNo == workorderNo)
	})
}

// snapshot is what the inspection API shows: the state plus the protocol
// misuses the server saw.
type snapshot struct {
	State
	Violations []string `json:"violations"`
}
