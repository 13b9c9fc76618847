package outsmart

import (
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// TestGetWorkordersWithoutUpdateStatusFalse is the headline strictness test:
// update_status defaults to true, so a client that lists Compleet work orders
// without update_status=false has them all marked Afgehandeld, and the
// sandbox records the misuse.
func TestGetWorkordersWithoutUpdateStatusFalse(t *testing.T) {
	sb := newSandbox(t, Options{})
	a := sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Compleet"}, "workstatus": {"001"}}, "")
	a.want(t, 200)
	if ids := a.field(t, "id"); !reflect.DeepEqual(ids, []string{"1919", "2001", "2003"}) {
		t.Fatalf("ids %q, want [1919 2001 2003]", ids)
	}
	// The answer shows the orders as they were.
	if st := a.field(t, "status"); !reflect.DeepEqual(st, []string{"Compleet", "Compleet", "Compleet"}) {
		t.Errorf("answered statuses %q, want them as before the change", st)
	}
	for _, id := range []string{"1919", "2001", "2003"} {
		if got := statusOf(t, sb.Server, id); got != statusHandled {
			t.Errorf("work order %s is %s, want Afgehandeld", id, got)
		}
	}
	if got := statusOf(t, sb.Server, "2002"); got != statusComplete {
		t.Errorf("work order 2002 (other workstatus) is %s, want Compleet", got)
	}
	v := sb.Violations()
	if len(v) != 1 || !strings.HasPrefix(v[0], "GetWorkorders without update_status=false marked 3 work orders Afgehandeld") {
		t.Fatalf("violations %q, want one about 3 work orders", v)
	}
	if !strings.Contains(v[0], "1919, 2001, 2003") {
		t.Errorf("violation %q does not name the row ids", v[0])
	}
	// They are gone from the next Compleet list.
	next := sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Compleet"}, "update_status": {"false"}}, "")
	if ids := next.field(t, "id"); !reflect.DeepEqual(ids, []string{"2002"}) {
		t.Errorf("next Compleet list %q, want [2002]", ids)
	}
}

func TestGetWorkordersWithUpdateStatusFalse(t *testing.T) {
	sb := newSandbox(t, Options{})
	before := sb.State()
	tests := []struct {
		params url.Values
		want   []string
	}{
		{url.Values{"status": {"Compleet"}}, []string{"1919", "2001", "2002", "2003"}}, // archived 2003 included
		{url.Values{"status": {"Compleet"}, "workstatus": {"001"}}, []string{"1919", "2001", "2003"}},
		{url.Values{"status": {"Compleet"}, "workstatus": {"999"}}, nil},
		{url.Values{"status": {"Compleet"}, "workstatus": {""}}, []string{"1919", "2001", "2002", "2003"}},
		{url.Values{"status": {"Alle"}}, []string{"1919", "2001", "2002", "2003", "2004", "2005", "2006"}},
		{url.Values{"status": {"Klaargezet"}}, []string{"2004"}},
		{url.Values{"status": {"Opgehaald"}}, []string{"2005"}},
		{url.Values{"status": {"Afgehandeld"}, "workstatus": {"001"}}, []string{"2006"}},
	}
	for _, tt := range tests {
		tt.params.Set("update_status", "false")
		a := sb.call(t, "GET", "GetWorkorders", tt.params, "")
		a.want(t, 200)
		if ids := a.field(t, "id"); !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("%s: ids %q, want %q", tt.params.Encode(), ids, tt.want)
		}
	}
	if !reflect.DeepEqual(sb.State(), before) {
		t.Error("update_status=false changed the state")
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations %q, want none", v)
	}
}

// TestGetWorkordersUpdateStatusValues: only "false" prevents the change.
func TestGetWorkordersUpdateStatusValues(t *testing.T) {
	for _, value := range []string{"0", "False", "no", "true"} {
		t.Run(value, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Klaargezet"}, "update_status": {value}}, "").want(t, 200)
			if got := statusOf(t, sb.Server, "2004"); got != statusHandled {
				t.Errorf("update_status=%s: 2004 is %s, want Afgehandeld", value, got)
			}
			v := sb.Violations()
			if len(v) != 1 || !strings.Contains(v[0], `update_status="`+value+`"`) {
				t.Errorf("violations %q, want one naming update_status=%q", v, value)
			}
		})
	}
}

func TestGetWorkordersStatusParameter(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "GET", "GetWorkorders", url.Values{"update_status": {"false"}}, "").
		want(t, 1007, "Required parameter missing: status (one of Alle, Opgehaald, Klaargezet, Compleet, Afgehandeld)")
	sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"compleet"}, "update_status": {"false"}}, "").
		want(t, 1007, "Invalid status: compleet (one of Alle, Opgehaald, Klaargezet, Compleet, Afgehandeld)")
	// Refused calls change nothing, even without update_status=false.
	sb.call(t, "GET", "GetWorkorders", nil, "").want(t, 1007)
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations %q, want none", v)
	}
}

// TestMarkHandledWithGetWorkorder is the documented workflow's last step.
func TestMarkHandledWithGetWorkorder(t *testing.T) {
	sb := newSandbox(t, Options{})
	a := sb.call(t, "GET", "GetWorkorder", url.Values{"row_id": {"2001"}, "update_status": {"true"}}, "")
	a.want(t, 200)
	var w map[string]any
	if err := json.Unmarshal(a.Response, &w); err != nil {
		t.Fatalf("response is not one object: %v\n%s", err, a.Response)
	}
	if w["id"] != "2001" || w["status"] != "Compleet" {
		t.Errorf("answered id %v status %v, want 2001 as it was (Compleet)", w["id"], w["status"])
	}
	if got := statusOf(t, sb.Server, "2001"); got != statusHandled {
		t.Errorf("2001 is %s, want Afgehandeld", got)
	}
	list := sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Compleet"}, "update_status": {"false"}}, "")
	if ids := list.field(t, "id"); slices.Contains(ids, "2001") {
		t.Errorf("2001 still in the Compleet list %q", ids)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations %q, want none for the documented workflow", v)
	}
}

func TestGetWorkorder(t *testing.T) {
	tests := []struct {
		name          string
		params        url.Values
		code          int
		messages      []string
		id            string // answered id
		markedID      string // order that must now be Afgehandeld
		violationWith string // "" = no violation
	}{
		{"read by row_id", url.Values{"row_id": {"2001"}, "update_status": {"false"}}, 200, []string{}, "2001", "", ""},
		{"read by workorder_no", url.Values{"workorder_no": {"EXT-2002"}, "update_status": {"false"}}, 200, []string{}, "2002", "", ""},
		{"row_id and workorder_no of the same order", url.Values{"row_id": {"2002"}, "workorder_no": {"EXT-2002"}, "update_status": {"false"}}, 200, []string{}, "2002", "", ""},
		{"row_id and workorder_no of different orders", url.Values{"row_id": {"2001"}, "workorder_no": {"EXT-2002"}, "update_status": {"false"}}, 1500, []string{}, "", "", ""},
		{"workorder_no is not OrderNr", url.Values{"workorder_no": {"WB2001"}, "update_status": {"false"}}, 1500, []string{}, "", "", ""},
		{"unknown row_id", url.Values{"row_id": {"9999"}}, 1500, []string{}, "", "", ""},
		{"neither row_id nor workorder_no", url.Values{"update_status": {"false"}}, 1500, []string{"Either row_id or workorder_no is required"}, "", "", ""},
		{"default update_status marks, recorded", url.Values{"row_id": {"2002"}}, 200, []string{}, "2002", "2002", "GetWorkorder without update_status marked work order 2002"},
		{"update_status=1 marks, recorded", url.Values{"row_id": {"2002"}, "update_status": {"1"}}, 200, []string{}, "2002", "2002", `GetWorkorder with update_status="1"`},
		{"marking an order that is not Compleet, recorded", url.Values{"row_id": {"2004"}, "update_status": {"true"}}, 200, []string{}, "2004", "2004", "while it was Klaargezet, not Compleet"},
		{"already Afgehandeld: nothing to record", url.Values{"row_id": {"2006"}}, 200, []string{}, "2006", "2006", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			before := sb.State()
			a := sb.call(t, "GET", "GetWorkorder", tt.params, "")
			a.want(t, tt.code, tt.messages...)
			if tt.code == 200 {
				var w demodata.Workorder
				if err := json.Unmarshal(a.Response, &w); err != nil {
					t.Fatalf("response is not one work order: %v", err)
				}
				if w.ID != tt.id {
					t.Errorf("answered %s, want %s", w.ID, tt.id)
				}
			}
			after := sb.State()
			for i, w := range after.Workorders {
				want := before.Workorders[i].Status
				if w.ID == tt.markedID {
					want = statusHandled
				}
				if w.Status != want {
					t.Errorf("work order %s is %s, want %s", w.ID, w.Status, want)
				}
			}
			v := sb.Violations()
			switch {
			case tt.violationWith == "" && len(v) != 0:
				t.Errorf("violations %q, want none", v)
			case tt.violationWith != "" && (len(v) != 1 || !strings.Contains(v[0], tt.violationWith)):
				t.Errorf("violations %q, want one containing %q", v, tt.violationWith)
			}
		})
	}
}

// TestGetWorkorderAsDocumented: the Blueprint's example work order is
// answered with its documented values and exactly the dataset's keys.
func TestGetWorkorderAsDocumented(t *testing.T) {
	sb := newSandbox(t, Options{})
	a := sb.call(t, "GET", "GetWorkorder", url.Values{"row_id": {"1919"}, "update_status": {"false"}}, "")
	a.want(t, 200)
	var got, doc map[string]any
	if err := json.Unmarshal(a.Response, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(blueprintWorkorderJSON), &doc); err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	b, _ := json.Marshal(demodata.Workorder{})
	_ = json.Unmarshal(b, &keys)
	for k := range keys {
		if _, ok := got[k]; !ok {
			t.Errorf("key %s missing from the answer", k)
		}
	}
	for k, v := range got {
		if _, ok := keys[k]; !ok {
			t.Errorf("key %s is not a dataset key", k)
		}
		if dv, documented := doc[k]; documented && !covers(v, dv) {
			t.Errorf("%s = %#v, documented %#v", k, v, dv)
		}
	}
}

// covers reports whether got has every documented value of doc; objects may
// carry more keys than documented (the dataset's work periods have Break).
func covers(got, doc any) bool {
	switch d := doc.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, dv := range d {
			if gv, present := g[k]; !present || !covers(gv, dv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(d) {
			return false
		}
		for i := range d {
			if !covers(g[i], d[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(got, doc)
}

func TestUpdateWorkorder(t *testing.T) {
	tests := []struct {
		name     string
		params   url.Values
		code     int
		messages []string
		check    func(w demodata.Workorder) bool // on order 2001 afterwards
	}{
		{"workstatus", url.Values{"row_id": {"2001"}, "workstatus": {"002"}}, 200, []string{},
			func(w demodata.Workorder) bool { return w.WorkStatus == "002" }},
		{"by workorder_no", url.Values{"workorder_no": {"EXT-2001"}, "workstatus": {"002"}}, 200, []string{},
			func(w demodata.Workorder) bool { return w.WorkStatus == "002" }},
		{"workdate without leading zeros is stored with them", url.Values{"row_id": {"2001"}, "workdate": {"5-3-2016"}}, 200, []string{},
			func(w demodata.Workorder) bool { return w.WorkDate == "05-03-2016" }},
		{"worktime", url.Values{"row_id": {"2001"}, "worktime": {"7:08"}}, 200, []string{},
			func(w demodata.Workorder) bool { return w.WorkTime == "07:08" }},
		{"employee", url.Values{"row_id": {"2001"}, "employee_nr": {"129"}}, 200, []string{},
			func(w demodata.Workorder) bool { return w.EmployeeNr == "129" }},
		{"all four", url.Values{"row_id": {"2001"}, "workdate": {"20-02-2016"}, "worktime": {"16:45"}, "employee_nr": {"123"}, "workstatus": {"002"}}, 200, []string{},
			func(w demodata.Workorder) bool {
				return w.WorkDate == "20-02-2016" && w.WorkTime == "16:45" && w.EmployeeNr == "123" && w.WorkStatus == "002"
			}},
		{"unknown row_id", url.Values{"row_id": {"9999"}, "workstatus": {"002"}}, 1500, []string{}, nil},
		{"no row_id or workorder_no", url.Values{"workstatus": {"002"}}, 1500, []string{"Either row_id or workorder_no is required"}, nil},
		{"no update data", url.Values{"row_id": {"2001"}}, 1502, []string{"Update workorder request is missing update data: send workdate, worktime, employee_nr or workstatus"}, nil},
		{"empty values are no update data", url.Values{"row_id": {"2001"}, "workstatus": {""}}, 1502, nil, nil},
		{"JSON names are not read", url.Values{"row_id": {"2001"}, "WorkStatus": {"002"}, "EmployeeNr": {"129"}}, 1502, []string{
			"Update workorder request is missing update data: send workdate, worktime, employee_nr or workstatus",
			"Parameter EmployeeNr is not read; the parameter is employee_nr",
			"Parameter WorkStatus is not read; the parameter is workstatus",
		}, nil},
		{"nothing changed", url.Values{"row_id": {"2001"}, "workstatus": {"001"}, "workdate": {"1-12-2026"}}, 1503, []string{"No data changed"}, nil},
		{"documented 1504", url.Values{"row_id": {"2001"}, "workdate": {"2016-02-20"}, "worktime": {"7 uur"}, "employee_nr": {"999"}}, 1504,
			[]string{"Date invalid. Format: 20-02-2016", "Time invalid. Format: 07:08", "Employee not updated"}, nil},
		{"impossible date", url.Values{"row_id": {"2001"}, "workdate": {"31-02-2016"}}, 1504, []string{"Date invalid. Format: 20-02-2016"}, nil},
		{"impossible time", url.Values{"row_id": {"2001"}, "worktime": {"24:30"}}, 1504, []string{"Time invalid. Format: 07:08"}, nil},
		{"unknown workstatus", url.Values{"row_id": {"2001"}, "workstatus": {"Klaar"}}, 1504, []string{"Workstatus not updated"}, nil},
		{"one bad value: nothing applied", url.Values{"row_id": {"2001"}, "workstatus": {"002"}, "employee_nr": {"999"}}, 1504, []string{"Employee not updated"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			before := sb.State()
			a := sb.call(t, "GET", "UpdateWorkorder", tt.params, "")
			a.want(t, tt.code, tt.messages...)
			if tt.code == 200 && string(a.Response) != "null" {
				t.Errorf("response %s, want null", a.Response)
			}
			after := sb.State()
			if tt.check == nil {
				if !reflect.DeepEqual(after, before) {
					t.Error("a refused update changed the state")
				}
				return
			}
			if !tt.check(after.Workorders[1]) {
				t.Errorf("work order 2001 after the update: %+v", after.Workorders[1])
			}
			if after.Workorders[1].Status != before.Workorders[1].Status {
				t.Error("UpdateWorkorder changed the status")
			}
		})
	}
}
