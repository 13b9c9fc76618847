package backend

import (
	"reflect"
	"testing"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
)

// sameFields fails unless every field of want's type is in got's with the
// same value (compared as the underlying kind for named string types), and
// every field of from is in want's type, so that a field added to the engine's
// value is not silently dropped on the way to the UI.
func sameFields(t *testing.T, from, to any) {
	t.Helper()
	fv, tv := reflect.ValueOf(from), reflect.ValueOf(to)
	for i := 0; i < fv.NumField(); i++ {
		name := fv.Type().Field(i).Name
		got := tv.FieldByName(name)
		if !got.IsValid() {
			t.Errorf("%s has no field %s of %s", tv.Type(), name, fv.Type())
			continue
		}
		want := fv.Field(i)
		if want.Kind() == reflect.String {
			if got.String() != want.String() {
				t.Errorf("%s.%s = %q, want %q", tv.Type(), name, got.String(), want.String())
			}
			continue
		}
		if want.Kind() == reflect.Struct && want.Type() != got.Type() {
			sameFields(t, want.Interface(), got.Interface())
			continue
		}
		if !reflect.DeepEqual(got.Interface(), want.Interface()) {
			t.Errorf("%s.%s = %v, want %v", tv.Type(), name, got, want)
		}
	}
}

func TestRunSummaryKeepsWhatTheNotificationsTell(t *testing.T) {
	s := engine.Summary{RunID: 9, Relations: 1, Materials: 2, HourTypes: 3, RelationsCreated: 4, Invoices: 5, Handled: 6,
		Attention: 7, Open: report.OpenCounts{WorkOrders: 1, Relations: 2, Materials: 3, HourTypes: 4, Settings: 5, Login: 6, OtherNew: 7},
		Message:  message.Text{Key: message.KeySummary, Args: message.Args{"Invoices": "5"}},
		Awaiting: &report.ExportPlan{Hash: "h", Invoices: []report.PlannedInvoice{{RowID: "1"}}}, ApprovalNew: true}
	got := RunSummary(s)
	// Every field the UI has is the engine's.
	sameFields(t, got, s)
	if got.Open.Total() != s.Open.Total() {
		t.Errorf("open total %d, engine says %d", got.Open.Total(), s.Open.Total())
	}
}
