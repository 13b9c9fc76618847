package report

import (
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/secrets"
)

func TestMissingFieldNamesTheFirstEmptyField(t *testing.T) {
	full := secrets.Credentials{EBoekhoudenUsername: "jan", EBoekhoudenSecurityCode1: "a", EBoekhoudenSecurityCode2: "b",
		OutSmartToken: "t", OutSmartSoftwareToken: "s"}
	if p := MissingField(full); p != nil {
		t.Fatalf("complete credentials: %v", p)
	}
	for _, tc := range []struct {
		blank   func(*secrets.Credentials)
		service Service
		field   LoginField
	}{
		{func(c *secrets.Credentials) { *c = secrets.Credentials{} }, EBoekhouden, FieldUsername},
		{func(c *secrets.Credentials) { c.EBoekhoudenSecurityCode1 = "" }, EBoekhouden, FieldSecurityCode1},
		{func(c *secrets.Credentials) { c.EBoekhoudenSecurityCode2, c.OutSmartToken = "", "" }, EBoekhouden, FieldSecurityCode2},
		{func(c *secrets.Credentials) { c.OutSmartToken = "" }, OutSmart, FieldToken},
		{func(c *secrets.Credentials) { c.OutSmartSoftwareToken = "" }, OutSmart, FieldSoftwareToken},
	} {
		c := full
		tc.blank(&c)
		p := MissingField(c)
		if p == nil || p.Service != tc.service || p.Kind != ProblemMissing || p.Field != tc.field {
			t.Errorf("want %s %s missing, got %+v", tc.service, tc.field, p)
		}
	}
}

func TestLoginProblemInDutchNamesServiceAndField(t *testing.T) {
	for _, tc := range []struct {
		p    LoginProblem
		want string
	}{
		{LoginProblem{Service: EBoekhouden, Kind: ProblemMissing, Field: FieldSecurityCode2}, "e-Boekhouden: vul de beveiligingscode 2 in."},
		{LoginProblem{Service: OutSmart, Kind: ProblemRefused, Field: FieldSoftwareToken}, "OutSmart weigert de software token."},
		{LoginProblem{Service: OutSmart, Kind: ProblemUnreachable}, "OutSmart is niet bereikbaar."},
		{LoginProblem{Service: EBoekhouden, Kind: ProblemNotTheService}, "Het antwoord kwam niet van e-Boekhouden maar was een webpagina"},
		{LoginProblem{Service: EBoekhouden, Kind: ProblemInvalid, Field: FieldAddress, Detail: "http only on loopback"}, "e-Boekhouden: ongeldig adres (http only on loopback)."},
	} {
		if got := tc.p.Dutch(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%+v: %q, want it to start with %q", tc.p, got, tc.want)
		}
	}
}

// TestMissingFieldWithAnAPIToken: with an API token (the REST road) the
// three SOAP values are not required, OutSmart's tokens still are; without
// one, an empty username is still the first problem.
func TestMissingFieldWithAnAPIToken(t *testing.T) {
	rest := secrets.Credentials{EBoekhoudenAPIToken: "tok", OutSmartToken: "t", OutSmartSoftwareToken: "s"}
	if p := MissingField(rest); p != nil {
		t.Fatalf("token without SOAP values: %+v", p)
	}
	rest.OutSmartToken = ""
	if p := MissingField(rest); p == nil || p.Service != OutSmart || p.Field != FieldToken {
		t.Errorf("token road without OutSmart token: %+v", p)
	}
	rest.EBoekhoudenAPIToken = ""
	if p := MissingField(rest); p == nil || p.Service != EBoekhouden || p.Field != FieldUsername {
		t.Errorf("neither token nor SOAP values: %+v", p)
	}
}

// TestAPITokenProblemsSayWhatToDo: a refused API token (unknown, revoked
// or expired) names the token and both menu paths where a new one is made.
func TestAPITokenProblemsSayWhatToDo(t *testing.T) {
	got := (&LoginProblem{Service: EBoekhouden, Kind: ProblemRefused, Field: FieldAPIToken}).Dutch()
	want := "e-Boekhouden weigert het API-token: het is onbekend, ingetrokken of verlopen. Maak een nieuw token in e-Boekhouden.nl via " +
		"Beheer > Inrichting > Koppelingen > e-Boekhouden API (in sommige documenten: Beheer > Instellingen > API/SOAP)"
	if !strings.HasPrefix(got, want) {
		t.Errorf("%q,\nwant it to start with %q", got, want)
	}
}
