package backend

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
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

func TestAttentionItemsKeepEveryField(t *testing.T) {
	it := engine.AttentionItem{Kind: engine.AttentionWorkOrder, ID: "row-7",
		Title: message.T("subject.workorder", "Number", "WB7"), Reason: message.T("x.reason"), Fix: message.T("x.fix"),
		Cause: "workorder:vat", CanRetry: true, CanSkip: true, NeedsConfirmation: true,
		Export: store.Export{RowID: "row-7", OrderNumber: "WB7", Reason: "Geen btw-code"}}
	sameFields(t, it, attentionItem(it))
	// The kinds are the same words on both sides: the UI hands them back
	// to RetryAttention and SkipAttention.
	for _, k := range []struct {
		e engine.AttentionKind
		m model.AttentionKind
	}{{engine.AttentionWorkOrder, model.AttentionWorkOrder}, {engine.AttentionRelation, model.AttentionRelation},
		{engine.AttentionMaterial, model.AttentionMaterial}, {engine.AttentionHourType, model.AttentionHourType},
		{engine.AttentionSettings, model.AttentionSettings}, {engine.AttentionLogin, model.AttentionLogin}} {
		if string(k.e) != string(k.m) {
			t.Errorf("kind %q is %q in the UI", k.e, k.m)
		}
		if got := attentionItem(engine.AttentionItem{Kind: k.e}).Kind; got != k.m {
			t.Errorf("kind %q converts to %q, want %q", k.e, got, k.m)
		}
	}
}

func TestRunSummaryKeepsWhatTheNotificationsTell(t *testing.T) {
	s := engine.Summary{RunID: 9, Relations: 1, Materials: 2, HourTypes: 3, RelationsCreated: 4, Invoices: 5, Handled: 6,
		Attention: 7, Open: engine.OpenCounts{WorkOrders: 1, Relations: 2, Materials: 3, HourTypes: 4, Settings: 5, Login: 6, OtherNew: 7},
		Message: message.Text{Key: message.KeySummary, Args: message.Args{"Invoices": "5"}}}
	got := RunSummary(s)
	// Every field the UI has is the engine's.
	sameFields(t, got, s)
	if got.Open.Total() != s.Open.Total() {
		t.Errorf("open total %d, engine says %d", got.Open.Total(), s.Open.Total())
	}
}

func TestProgressSaysWhatTheEngineSays(t *testing.T) {
	for _, p := range []engine.Progress{
		{Kind: "relations", Read: 6000, About: 15000},
		{Kind: "relations", Read: 16000, About: 15000},
		{Kind: "products", Read: 2000},
		{Kind: "relations", Read: 15000, About: 15000, Done: true},
	} {
		got := Progress(p)
		sameFields(t, p, got)
		for _, lang := range []message.Lang{message.Dutch, message.English} {
			if g, w := got.Text().Render(lang), p.Text().Render(lang); g != w {
				t.Errorf("%+v in %s: %q, engine says %q", p, lang, g, w)
			}
		}
	}
	var got []model.Progress
	ProgressTo(func(p model.Progress) { got = append(got, p) })(engine.Progress{Kind: "products", Read: 4000})
	if len(got) != 1 || got[0] != (model.Progress{Kind: "products", Read: 4000}) {
		t.Errorf("ProgressTo handed on %+v", got)
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
