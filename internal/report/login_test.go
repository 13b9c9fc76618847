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
