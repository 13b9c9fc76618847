package backend

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/ui/model"
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
		Message: message.Text{Key: message.KeySummary, Args: message.Args{"Invoices": "5"}}}
	got := RunSummary(s)
	// Every field the UI has is the engine's.
	sameFields(t, got, s)
	if got.Open.Total() != s.Open.Total() {
		t.Errorf("open total %d, engine says %d", got.Open.Total(), s.Open.Total())
	}
}

func TestLoginProblemsKeepKindFieldAndDetail(t *testing.T) {
	if loginProblem(nil) != nil {
		t.Error("no problem became one")
	}
	kinds := []struct {
		s services.ProblemKind
		m model.ProblemKind
	}{{services.Missing, model.ProblemMissing}, {services.Refused, model.ProblemRefused},
		{services.Unreachable, model.ProblemUnreachable}, {services.Invalid, model.ProblemInvalid},
		{services.NotTheService, model.ProblemNotTheService}}
	fields := []struct {
		s services.Field
		m model.LoginField
	}{{services.FieldUsername, model.FieldUsername}, {services.FieldSecurityCodes, model.FieldSecurityCodes},
		{services.FieldSecurityCode1, model.FieldSecurityCode1}, {services.FieldSecurityCode2, model.FieldSecurityCode2},
		{services.FieldToken, model.FieldToken}, {services.FieldSoftwareToken, model.FieldSoftwareToken},
		{services.FieldAddress, model.FieldAddress}}
	for _, k := range kinds {
		for _, f := range fields {
			p := &services.LoginProblem{Service: services.OutSmart, Kind: k.s, Field: f.s, Detail: "status 401"}
			got := loginProblem(p)
			want := &model.LoginProblem{Service: "OutSmart", Kind: k.m, Field: f.m, Detail: "status 401"}
			if *got != *want {
				t.Errorf("%+v became %+v, want %+v", p, got, want)
			}
			if got.Error() != p.Error() {
				t.Errorf("text %q, services say %q", got.Error(), p.Error())
			}
		}
	}
}

func TestWorkflowStatusErrorsCarryTheUIsProblem(t *testing.T) {
	p := &services.LoginProblem{Service: services.OutSmart, Kind: services.Refused, Field: services.FieldToken}
	err := withLoginProblem(fmt.Errorf("workflow statuses: %w", p))
	var mp *model.LoginProblem
	if !errors.As(err, &mp) || mp.Kind != model.ProblemRefused || mp.Field != model.FieldToken {
		t.Fatalf("no UI login problem in %v", err)
	}
	var sp *services.LoginProblem
	if !errors.As(err, &sp) || sp != p {
		t.Error("the services' problem left the chain")
	}
	if want := "workflow statuses: " + p.Error(); err.Error() != want {
		t.Errorf("text %q, want %q", err.Error(), want)
	}
	other := errors.New("keychain locked")
	if withLoginProblem(other) != other || withLoginProblem(nil) != nil {
		t.Error("an error without a login problem changed")
	}
}
