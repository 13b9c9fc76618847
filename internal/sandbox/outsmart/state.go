package outsmart

import (
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
	st := State{
		Employees:     slices.Clone(ds.Employees),
		Workstatusses: slices.Clone(ds.Workstatusses),
		HourTypes:     slices.Clone(ds.HourTypes),
		Workorders:    cloneWorkorders(ds.Workorders),
	}
	if ds.Relations != nil {
		st.Relations = make([]Relation, len(ds.Relations))
		for i, r := range ds.Relations {
			st.Relations[i] = Relation{Relation: r}
		}
	}
	if ds.Materials != nil {
		st.Materials = make([]Material, len(ds.Materials))
		for i, m := range ds.Materials {
			st.Materials[i] = Material{Material: m}
		}
	}
	st.normalise()
	return st
}

// clone returns a deep copy, without the key index. It copies field by
// field (a JSON round trip costs seconds at 50,000 records);
// TestStateCloneCopiesEveryField fails when a type gains a slice or pointer
// that clone does not know.
func (st *State) clone() State {
	return State{
		Employees:     slices.Clone(st.Employees),
		Workstatusses: slices.Clone(st.Workstatusses),
		Relations:     slices.Clone(st.Relations),
		Materials:     slices.Clone(st.Materials),
		HourTypes:     slices.Clone(st.HourTypes),
		Workorders:    cloneWorkorders(st.Workorders),
	}
}

// cloneWorkorders deep-copies a list of work orders; nil stays nil.
func cloneWorkorders(list []demodata.Workorder) []demodata.Workorder {
	out := slices.Clone(list)
	for i := range out {
		out[i] = out[i].Clone()
	}
	return out
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
