package outsmart

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// TestStateCloneCopiesEveryField fills every field of a state, clones it and
// checks that the clone is equal, shares no memory with the original and
// equals a JSON round trip (the old clone); likewise for the state built
// from a dataset.
func TestStateCloneCopiesEveryField(t *testing.T) {
	var st State
	fillValue(reflect.ValueOf(&st).Elem(), 0)
	c := st.clone()
	if !reflect.DeepEqual(st, c) {
		t.Fatal("clone differs from the original")
	}
	var viaJSON State
	roundTripJSON(t, st, &viaJSON)
	if !reflect.DeepEqual(viaJSON, c) {
		t.Error("clone differs from a JSON round trip")
	}
	sharedMemory(t, reflect.ValueOf(st), reflect.ValueOf(c), "State")

	var ds demodata.OutSmart
	fillValue(reflect.ValueOf(&ds).Elem(), 0)
	got := stateFromDataset(ds)
	var want State
	roundTripJSON(t, struct {
		Employees     []demodata.Employee   `json:"employees"`
		Workstatusses []demodata.Workstatus `json:"workstatusses"`
		Relations     []demodata.Relation   `json:"relations"`
		Materials     []demodata.Material   `json:"materials"`
		HourTypes     []demodata.HourType   `json:"hourtypes"`
		Workorders    []demodata.Workorder  `json:"workorders"`
	}{ds.Employees, ds.Workstatusses, ds.Relations, ds.Materials, ds.HourTypes, ds.Workorders}, &want)
	want.normalise()
	if !reflect.DeepEqual(got, want) {
		t.Error("state from a dataset differs from a JSON conversion")
	}
	sharedMemory(t, reflect.ValueOf(ds.Workorders), reflect.ValueOf(got.Workorders), "Workorders")
	sharedMemory(t, reflect.ValueOf(ds.HourTypes), reflect.ValueOf(got.HourTypes), "HourTypes")
}

func roundTripJSON(t *testing.T, src, dst any) {
	t.Helper()
	b, err := json.Marshal(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		t.Fatal(err)
	}
}

// fillValue sets every exported field reachable from v to a distinct
// non-zero value, with two elements in every slice.
func fillValue(v reflect.Value, n int) int {
	switch v.Kind() {
	case reflect.String:
		n++
		v.SetString(fmt.Sprint("s", n))
	case reflect.Int, reflect.Int64:
		n++
		v.SetInt(int64(n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		n = fillValue(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			n = fillValue(v.Index(i), n)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				n = fillValue(v.Field(i), n)
			}
		}
	default:
		panic("fillValue: unsupported kind " + v.Kind().String() + ": extend clone and this test")
	}
	return n
}

// sharedMemory reports every slice or pointer of a that b shares.
func sharedMemory(t *testing.T, a, b reflect.Value, path string) {
	t.Helper()
	switch a.Kind() {
	case reflect.Pointer:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			t.Errorf("%s is shared", path)
		}
		if !a.IsNil() {
			sharedMemory(t, a.Elem(), b.Elem(), path)
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s is shared", path)
		}
		for i := range a.Len() {
			sharedMemory(t, a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				sharedMemory(t, a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)
			}
		}
	}
}
