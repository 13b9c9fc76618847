package outsmart

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// Work order statuses ("Werkbonstatus", field "status") [DOC S1].
const (
	statusAll      = "Alle"
	statusReady    = "Klaargezet"
	statusFetched  = "Opgehaald"
	statusComplete = "Compleet"
	statusHandled  = "Afgehandeld"
)

var listStatuses = []string{statusAll, statusFetched, statusReady, statusComplete, statusHandled}

// Formats of UpdateWorkorder's workdate (d-m-Y) and worktime (H:i) [DOC S1].
// Parsing accepts a day, month or hour without leading zero like PHP's
// date_create_from_format does; the stored value has them [inferred].
const (
	dateParseLayout = "2-1-2006"
	dateLayout      = "02-01-2006"
	timeParseLayout = "15:4"
	timeLayout      = "15:04"
)

// workorderKeys are the filterable keys of a work order: its top-level text
// fields, by JSON key, with the struct field index [inferred: the filters
// accept a column such as CustomerDebtorNr, CODE S7].
var workorderKeys = func() map[string]int {
	keys := map[string]int{}
	t := reflect.TypeFor[demodata.Workorder]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Type.Kind() == reflect.String && name != "" && name != "-" {
			keys[name] = i
		}
	}
	return keys
}()

// workorderNumericKeys compare as numbers in filters: the row id is an
// integer column [inferred].
var workorderNumericKeys = map[string]bool{"id": true}

// getWorkorders answers GET GetWorkorders. status is required; workstatus
// filters on the workflow status code; advanced filters apply. Archived
// orders are returned: clients must skip them [CODE S9].
//
// update_status defaults to true [DOC S1]: unless it is exactly "false",
// every returned order is set to Afgehandeld. The response still shows them
// as they were [inferred]. No correct client does this, so it is recorded as
// a violation.
func (s *Server) getWorkorders(q url.Values) reply {
	status, _ := lastParam(q, "status")
	if status == "" {
		return failf(codeGeneral, "Required parameter missing: status (one of %s)", strings.Join(listStatuses, ", ")) // [inferred]
	}
	if !slices.Contains(listStatuses, status) {
		return failf(codeGeneral, "Invalid status: %s (one of %s)", status, strings.Join(listStatuses, ", ")) // [inferred]
	}
	filters, rep, ok := parseFilters(q)
	if !ok {
		return rep
	}
	for _, f := range filters {
		if _, known := workorderKeys[f.key]; !known {
			return failf(codeGeneral, "Key %s not allowed", f.key) // message [DOC S1/CODE S8]; code 1007 [inferred]
		}
	}
	workstatus, _ := lastParam(q, "workstatus") // empty: no filter [inferred]

	var picked []int
	for i := range s.state.Workorders {
		w := &s.state.Workorders[i]
		if status != statusAll && w.Status != status {
			continue
		}
		if workstatus != "" && w.WorkStatus != workstatus {
			continue
		}
		match, err := matchWorkorder(w, filters)
		if err != nil {
			return fail(codeGeneral, sentence(err))
		}
		if match {
			picked = append(picked, i)
		}
	}
	out := make([]demodata.Workorder, len(picked))
	for n, i := range picked {
		out[n] = s.state.Workorders[i] // answered before the status change below; encoded under the lock
	}

	update, given := lastParam(q, "update_status")
	if update != "false" {
		var changed []string
		for _, i := range picked {
			if w := &s.state.Workorders[i]; w.Status != statusHandled {
				w.Status = statusHandled
				changed = append(changed, w.ID)
			}
		}
		how := "update_status absent"
		if given {
			how = fmt.Sprintf("update_status=%q; only \"false\" prevents the change", update)
		}
		s.violate(fmt.Sprintf("GetWorkorders without update_status=false marked %d work orders Afgehandeld (status=%s, %s; row ids: %s)",
			len(changed), status, how, strings.Join(changed, ", ")))
	}
	return success(out)
}

// matchWorkorder applies advanced filters to a work order's text fields.
func matchWorkorder(w *demodata.Workorder, filters []filter) (bool, error) {
	v := reflect.ValueOf(w).Elem()
	for _, f := range filters {
		val := v.Field(workorderKeys[f.key]).String()
		m, err := f.match(&val, workorderNumericKeys[f.key])
		if err != nil || !m {
			return false, err
		}
	}
	return true, nil
}

// findWorkorder resolves row_id / workorder_no. Without either: 1500 with a
// message [inferred]; unknown: 1500 with no message [DOC S1].
func (s *Server) findWorkorder(q url.Values) (int, reply, bool) {
	rowID, _ := lastParam(q, "row_id")
	no, _ := lastParam(q, "workorder_no")
	if rowID == "" && no == "" {
		return -1, fail(codeWorkorderNotFound, "Either row_id or workorder_no is required"), false
	}
	i := s.state.workorderIndex(rowID, no)
	if i < 0 {
		return -1, fail(codeWorkorderNotFound), false
	}
	return i, reply{}, true
}

// getWorkorder answers GET GetWorkorder: one work order as an object.
// update_status defaults to true and sets the order to Afgehandeld [DOC S1];
// the response shows the order as it was [inferred]. Marking an order that
// is not Compleet, or marking without an explicit update_status=true, is
// recorded as a violation: the documented workflow only ever marks a
// processed Compleet order, on purpose [inferred/sandbox strictness].
func (s *Server) getWorkorder(q url.Values) reply {
	i, rep, found := s.findWorkorder(q)
	if !found {
		return rep
	}
	w := &s.state.Workorders[i]
	out := *w
	update, given := lastParam(q, "update_status")
	if update == "false" || w.Status == statusHandled {
		return success(out)
	}
	prev := w.Status
	w.Status = statusHandled
	switch {
	case prev != statusComplete:
		s.violate(fmt.Sprintf("GetWorkorder marked work order %s Afgehandeld while it was %s, not Compleet", w.ID, prev))
	case !given:
		s.violate(fmt.Sprintf("GetWorkorder without update_status marked work order %s Afgehandeld (update_status defaults to true; send update_status=true to mark on purpose, false to read)", w.ID))
	case update != "true":
		s.violate(fmt.Sprintf("GetWorkorder with update_status=%q marked work order %s Afgehandeld (only \"false\" reads without marking)", update, w.ID))
	}
	return success(out)
}

// updateParams are UpdateWorkorder's update parameters [DOC S1].
var updateParams = []string{"workdate", "worktime", "employee_nr", "workstatus"}

// updateWorkorder answers GET UpdateWorkorder: change the planned date and
// time, the employee or the workflow status. Only the parameters sent change
// [inferred: clients send only what they change]; an empty value counts as
// not sent [inferred]. Every value is checked before anything changes
// [inferred].
func (s *Server) updateWorkorder(q url.Values) reply {
	i, rep, found := s.findWorkorder(q)
	if !found {
		return rep
	}
	vals := map[string]string{}
	for _, p := range updateParams {
		if v, _ := lastParam(q, p); v != "" {
			vals[p] = v
		}
	}
	if len(vals) == 0 {
		return noUpdateData(q)
	}
	next, msgs := s.checkUpdateValues(vals)
	if len(msgs) > 0 {
		return fail(codeUpdateParseProblem, msgs...)
	}

	w := &s.state.Workorders[i]
	changed := false
	for p, target := range map[string]*string{
		"workdate": &w.WorkDate, "worktime": &w.WorkTime, "employee_nr": &w.EmployeeNr, "workstatus": &w.WorkStatus,
	} {
		if v, ok := next[p]; ok && v != *target {
			*target = v
			changed = true
		}
	}
	if !changed {
		return fail(codeNoDataChanged, "No data changed") // [inferred message]
	}
	return success(nil)
}

// noUpdateData is UpdateWorkorder's answer when no update parameter is
// sent, naming each parameter sent under its JSON name instead.
func noUpdateData(q url.Values) reply {
	msgs := []string{"Update workorder request is missing update data: send workdate, worktime, employee_nr or workstatus"} // [inferred message]
	// A client using the JSON names (WorkDate, EmployeeNr, ...) sends
	// nothing the server reads [CODE S4; inferred that they are ignored].
	for k := range q {
		for _, p := range updateParams {
			if k != p && strings.EqualFold(strings.ReplaceAll(k, "_", ""), strings.ReplaceAll(p, "_", "")) {
				msgs = append(msgs, fmt.Sprintf("Parameter %s is not read; the parameter is %s", k, p))
			}
		}
	}
	slices.Sort(msgs[1:])
	return fail(codeNoUpdateData, msgs...)
}

// checkUpdateValues checks every value sent to UpdateWorkorder before
// anything changes: the values to set in stored form, and a message for
// each value that is refused.
func (s *Server) checkUpdateValues(vals map[string]string) (next map[string]string, msgs []string) {
	next = map[string]string{}
	if v, ok := vals["workdate"]; ok {
		if d, err := time.Parse(dateParseLayout, v); err != nil {
			msgs = append(msgs, "Date invalid. Format: 20-02-2016")
		} else {
			next["workdate"] = d.Format(dateLayout)
		}
	}
	if v, ok := vals["worktime"]; ok {
		if t, err := time.Parse(timeParseLayout, v); err != nil {
			msgs = append(msgs, "Time invalid. Format: 07:08")
		} else {
			next["worktime"] = t.Format(timeLayout)
		}
	}
	if v, ok := vals["employee_nr"]; ok {
		if !slices.ContainsFunc(s.state.Employees, func(e demodata.Employee) bool { return e.Number == v }) {
			msgs = append(msgs, "Employee not updated")
		} else {
			next["employee_nr"] = v
		}
	}
	if v, ok := vals["workstatus"]; ok {
		if !slices.ContainsFunc(s.state.Workstatusses, func(ws demodata.Workstatus) bool { return ws.Code == v }) {
			msgs = append(msgs, "Workstatus not updated") // must be an existing sta_code [inferred]
		} else {
			next["workstatus"] = v
		}
	}
	return next, msgs
}
