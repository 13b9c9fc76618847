package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/secrets"
)

// TestLoginDialogueOnStdin: the road question's answer on stdin picks the
// road; a first line that answers no road question is the username of the
// dialogue from before there were two roads, which goes on unchanged.
func TestLoginDialogueOnStdin(t *testing.T) {
	soap := secrets.Credentials{EBoekhoudenUsername: "jan", EBoekhoudenSecurityCode1: "c1", EBoekhoudenSecurityCode2: "c2",
		OutSmartCompanyID: "bedrijf", OutSmartToken: "t", OutSmartSoftwareToken: "s"}
	rest := secrets.Credentials{EBoekhoudenAPIToken: "api-tok", OutSmartCompanyID: "bedrijf", OutSmartToken: "t", OutSmartSoftwareToken: "s"}
	for _, tc := range []struct {
		name, stdin string
		want        secrets.Credentials
	}{
		{"one-road dialogue", "jan\nc1\nc2\nbedrijf\nt\ns\n", soap},
		{"soap chosen", "soap\njan\nc1\nc2\nbedrijf\nt\ns\n", soap},
		{"SOAP in capitals", " SOAP \njan\nc1\nc2\nbedrijf\nt\ns\n", soap},
		{"rest chosen", "rest\napi-tok\nbedrijf\nt\ns\n", rest},
		{"Rest, no software token", "Rest\napi-tok\nbedrijf\nt\n", secrets.Credentials{EBoekhoudenAPIToken: "api-tok", OutSmartCompanyID: "bedrijf", OutSmartToken: "t"}},
		{"empty first line: an empty username, as before", "\nc1\nc2\nbedrijf\nt\ns\n", secrets.Credentials{EBoekhoudenSecurityCode1: "c1",
			EBoekhoudenSecurityCode2: "c2", OutSmartCompanyID: "bedrijf", OutSmartToken: "t", OutSmartSoftwareToken: "s"}},
		{"nothing on stdin", "", secrets.Credentials{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(tc.stdin), stderr: &stderr}
			ask, interactive := newAsker(e)
			if interactive {
				t.Fatal("a strings.Reader is no terminal")
			}
			got, err := askCredentials(e, ask, interactive)
			if err != nil || got != tc.want {
				t.Errorf("got %#v, %v; want %#v", got, err, tc.want)
				if got.EBoekhoudenAPIToken != tc.want.EBoekhoudenAPIToken || got.EBoekhoudenUsername != tc.want.EBoekhoudenUsername {
					t.Errorf("token %q, username %q", got.EBoekhoudenAPIToken, got.EBoekhoudenUsername)
				}
			}
			if stderr.Len() != 0 {
				t.Errorf("prompts on stderr without a terminal: %q", stderr.String())
			}
		})
	}
}

// TestLoginRoadQuestionOnATerminal: on a terminal an empty answer is soap,
// a wrong one is asked again, three wrong ones stop the dialogue; the REST
// road says where a token is made.
func TestLoginRoadQuestionOnATerminal(t *testing.T) {
	script := func(answers ...string) (asker, *[]string) {
		var asked []string
		return func(prompt string, _ bool) (string, error) {
			asked = append(asked, prompt)
			if len(answers) == 0 {
				return "", nil
			}
			a := answers[0]
			answers = answers[1:]
			return a, nil
		}, &asked
	}
	var stderr bytes.Buffer
	e := env{stderr: &stderr}
	ask, asked := script("", "jan", "c1", "c2", "b", "t", "s")
	c, err := askCredentials(e, ask, true)
	if err != nil || c.EBoekhoudenUsername != "jan" || c.EBoekhoudenAPIToken != "" || len(*asked) != 7 || (*asked)[1] != "e-Boekhouden gebruikersnaam" {
		t.Errorf("empty answer: %#v %v, asked %q", c, err, *asked)
	}
	stderr.Reset()
	ask, asked = script("weet niet", "rest", "api-tok", "b", "t", "s")
	c, err = askCredentials(e, ask, true)
	if err != nil || c.EBoekhoudenAPIToken != "api-tok" || c.EBoekhoudenUsername != "" || (*asked)[2] != "e-Boekhouden API-token" {
		t.Errorf("rest after a wrong answer: %#v %v, asked %q", c, err, *asked)
	}
	if out := stderr.String(); !strings.Contains(out, "Antwoord soap of rest.") ||
		!strings.Contains(out, "Beheer > Inrichting > Koppelingen > e-Boekhouden API") || !strings.Contains(out, "Beheer > Instellingen > API/SOAP") {
		t.Errorf("stderr: %q", out)
	}
	ask, _ = script("a", "b", "c", "jan")
	if _, err := askCredentials(e, ask, true); err == nil || !strings.Contains(err.Error(), "niets opgeslagen") {
		t.Errorf("three wrong answers: %v", err)
	}
}

// TestLoginOnTheRESTRoadStoresTheToken runs the real binary: `koppeling
// login` on the REST road checks the API token against the REST sandbox
// and keeps it in the keychain without SOAP values; a refused token stores
// nothing and says where a new one is made. It needs the Secret Service, as
// TestLoginStoresInTheRealKeychain does.
func TestLoginOnTheRESTRoadStoresTheToken(t *testing.T) {
	c := newCLI(t)
	c.creds.EBoekhoudenAPIToken = ebrest.DemoAPIToken // the output must not show it either
	osc := c.sb.Dataset.OutSmart.Credentials
	var clean []string
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, "KOPPELING_EB_") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_TOKEN") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_SOFTWARE") {
			clean = append(clean, kv)
		}
	}
	c.env = append(clean, "KOPPELING_EBOEKHOUDEN_REST_URL="+c.sb.EBoekhoudenRESTURL)
	vault := &secrets.Vault{Keychain: secrets.OSKeychain{}, Service: "nl.koppeling.test.cli", Getenv: func(string) string { return "" }}
	input := strings.Join([]string{"rest", ebrest.DemoAPIToken, osc.CompanyID, osc.Token, osc.SoftwareToken}, "\n") + "\n"
	out, errOut, code := c.run(nil, input, "login")
	if code != 0 {
		if os.Getenv("KOPPELING_TEST_KEYCHAIN") != "1" && strings.Contains(errOut, "sleutelbos") {
			t.Skipf("no keychain here: %s", errOut)
		}
		t.Fatalf("login: exit %d\n%s\n%s", code, out, errOut)
	}
	t.Cleanup(func() { _ = vault.Delete() })
	if !strings.Contains(out, "Gelukt - Je bent ingelogd!") {
		t.Fatalf("login output: %s", out)
	}
	if n := c.sb.EBoekhoudenREST.Requests().Count("POST /v1/session"); n != 1 {
		t.Errorf("%d REST sessions opened, want 1", n)
	}
	if n := len(c.sb.EBoekhouden.Requests().All()); n != 0 {
		t.Errorf("the REST road's login sent %d SOAP requests", n)
	}
	kept, _, err := vault.LoadAll()
	if err != nil || kept.EBoekhoudenAPIToken != ebrest.DemoAPIToken || kept.EBoekhoudenUsername != "" || kept.OutSmartToken != osc.Token {
		t.Fatalf("keychain after the REST login: %v %v", kept, err)
	}
	bad := strings.Replace(input, ebrest.DemoAPIToken, "not-a-token-of-this-administration", 1)
	_, errOut, code = c.run(nil, bad, "login")
	if code != exitCannotRun || !strings.Contains(errOut, "e-Boekhouden weigert het API-token") ||
		!strings.Contains(errOut, "Beheer > Inrichting > Koppelingen > e-Boekhouden API") || !strings.Contains(errOut, "Er is niets opgeslagen.") {
		t.Fatalf("refused token: exit %d %s", code, errOut)
	}
	if again, _, _ := vault.LoadAll(); again != kept {
		t.Errorf("a refused login changed the keychain: %v", again)
	}
	c.assertNoSecretsOnDisk()
}
