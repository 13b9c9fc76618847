package outsmart

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// TestListsWithUnknownKeysFailClosed: with the sandbox's "unrecognised"
// fault (every key of every record renamed), a list read returns no record
// and an ErrUnreadable *PartialError naming each record, instead of records
// with every field empty.
func TestListsWithUnknownKeysFailClosed(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	for _, c := range []struct {
		op   string
		call func() (int, error)
	}{
		{"GET relations", func() (int, error) { v, err := e.client.Relations(ctx); return len(v), err }},
		{"GET workstatusses", func() (int, error) { v, err := e.client.WorkStatuses(ctx); return len(v), err }},
		{"GET employees", func() (int, error) { v, err := e.client.Employees(ctx); return len(v), err }},
		{"GET GetWorkorders", func() (int, error) {
			v, err := e.client.WorkOrders(ctx, WorkOrderQuery{Status: StatusAll})
			return len(v), err
		}},
	} {
		t.Run(c.op, func(t *testing.T) {
			want, err := c.call()
			if err != nil || want == 0 {
				t.Fatalf("without the fault: %d records, %v", want, err)
			}
			e.srv.Faults().Add(fault.Rule{Op: c.op, Kind: fault.Unrecognised, Times: 1})
			n, err := c.call()
			var pe *PartialError
			if n != 0 || !errors.Is(err, ErrUnreadable) || !errors.As(err, &pe) || pe.Total != want || len(pe.Records) != want {
				t.Fatalf("%d records, err = %v; want none and all %d unreadable", n, err, want)
			}
		})
	}
}

// TestUnknownResponseShapesFailClosed: answers a scripted server gives in a
// shape the docs do not show are errors, not empty or blank records.
func TestUnknownResponseShapesFailClosed(t *testing.T) {
	for name, response := range map[string]string{
		"records under an unknown key":   `{"hourtypes":[{"code":"U1","name":"Uur"}]}`,
		"an empty record":                `[{}]`,
		"a record with only null values": `[{"code":null,"name":null}]`,
		"a record with unknown keys":     `[{"hourtype_code":"U1","hourtype_name":"Uur"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
				jsonAnswer(w, 200, `{"code":200,"messages":[],"response":`+response+`}`)
			})
			c, _ := scriptedClient(t, s, nil)
			hts, err := c.HourTypes(context.Background())
			if len(hts) != 0 || !errors.Is(err, ErrUnreadable) || errors.Is(err, ErrTransient) {
				t.Fatalf("%+v, err = %v; want no hour type and ErrUnreadable", hts, err)
			}
		})
	}
	// A record with at least one known key is read as before.
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"code":200,"messages":[],"response":[{"code":"U1","extra":"x"}]}`)
	})
	c, _ := scriptedClient(t, s, nil)
	if hts, err := c.HourTypes(context.Background()); err != nil || len(hts) != 1 || hts[0].Code != "U1" {
		t.Fatalf("%+v, %v", hts, err)
	}
}
