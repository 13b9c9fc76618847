package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
)

// runLogin asks which road to e-Boekhouden the user takes, then for that
// road's credentials and OutSmart's, checks them against both services and
// stores them in the OS keychain (replacing what was kept). Secret values
// are read without echo from a terminal, or one per line from stdin.
//
// On stdin the first line "soap" or "rest" (any case) answers the road
// question; any other first line is the username of the dialogue before
// there were two roads, which goes on unchanged: username, security code 1,
// security code 2, OutSmart company id, token, and the software token (an
// empty line keeps the build's own). On the REST road the API token takes
// the place of the first three.
//
// On the SOAP road of an accountant's account, whose codes also open linked
// administrations (GetAdministraties), the administration is asked last
// (administration.go): a numbered list on a terminal, an optional extra line
// on stdin. An account without linked administrations is asked nothing.
func runLogin(args []string, e env) int {
	fs := flag.NewFlagSet("koppeling login", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	noCheck := fs.Bool("no-check", false, "store without testing the credentials against both services")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitCannotRun
	}
	link, err := e.resolveLink(false)
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling login: %s\n", userText(err, message.FromEnvironment(e.getenv)))
		return exitCannotRun
	}
	ask, interactive := newAsker(e)
	c, err := askCredentials(e, ask, interactive)
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling login: %v\n", err)
		return exitCannotRun
	}
	if c.OutSmartSoftwareToken == "" {
		c.OutSmartSoftwareToken = softwareToken
	}
	if !c.EBoekhoudenComplete() || !c.OutSmartComplete() {
		fmt.Fprintln(e.stderr, "koppeling login: niet alle gegevens zijn ingevuld; er is niets opgeslagen.")
		return exitCannotRun
	}
	if !*noCheck {
		if msg := checkLogin(e, c); msg != "" {
			fmt.Fprintf(e.stderr, "koppeling login: %s Er is niets opgeslagen.\n", msg)
			return exitCannotRun
		}
	}
	if !c.EBoekhoudenREST() {
		var msg string
		if c, msg = chooseAdministration(e, ask, interactive, c, !*noCheck); msg != "" {
			fmt.Fprintf(e.stderr, "koppeling login: %s Er is niets opgeslagen.\n", msg)
			return exitCannotRun
		}
	}
	if !*noCheck {
		fmt.Fprintln(e.stdout, "Gelukt - Je bent ingelogd!")
	}
	if c.EBoekhoudenAdministration != "" && !c.EBoekhoudenREST() {
		// The GUID is no secret; a machine without a keychain needs it.
		fmt.Fprintf(e.stdout, "Administratie: %s (GUID %s; zonder sleutelbos: KOPPELING_EB_ADMINISTRATION).\n",
			administrationName(c), c.EBoekhoudenAdministration)
	}
	if err := link.vault.Save(c); err != nil {
		fmt.Fprintf(e.stderr, "koppeling login: %v\n", err)
		return exitCannotRun
	}
	fmt.Fprintln(e.stdout, "De inloggegevens zijn opgeslagen in de sleutelbos van het systeem.")
	return exitOK
}

// The answers to the road question (case does not matter).
const (
	roadSOAP = "soap"
	roadREST = "rest"
)

// roadPrompt is the road question.
const roadPrompt = "e-Boekhouden: inloggen met gebruikersnaam en beveiligingscodes (soap) of met een API-token (rest)? [soap]"

// askCredentials asks the road question, then the chosen road's
// e-Boekhouden values and OutSmart's. The error names the question that
// could not be answered.
func askCredentials(e env, ask asker, interactive bool) (secrets.Credentials, error) {
	var c secrets.Credentials
	type field struct {
		prompt string
		secret bool
		dst    *string
	}
	soap := []field{
		{"e-Boekhouden gebruikersnaam", false, &c.EBoekhoudenUsername},
		{"e-Boekhouden beveiligingscode 1", true, &c.EBoekhoudenSecurityCode1},
		{"e-Boekhouden beveiligingscode 2", true, &c.EBoekhoudenSecurityCode2},
	}
	fields := []field{{"e-Boekhouden API-token", true, &c.EBoekhoudenAPIToken}}
	road, first, err := askRoad(e, ask, interactive)
	if err != nil {
		return c, err
	}
	switch {
	case road == roadSOAP && first != nil:
		// The dialogue of one road: its first answer was the username.
		c.EBoekhoudenUsername, fields = *first, soap[1:]
	case road == roadSOAP:
		fields = soap
	case interactive:
		fmt.Fprintf(e.stderr, "Maak een API-token in e-Boekhouden.nl via %s (in sommige documenten: %s).\n",
			report.APITokenMenuPath, report.APITokenMenuPathAlt)
	}
	fields = append(fields,
		field{"OutSmart bedrijfs id", false, &c.OutSmartCompanyID},
		field{"OutSmart token", true, &c.OutSmartToken},
		field{"OutSmart software token (leeg: die van deze versie)", true, &c.OutSmartSoftwareToken})
	for _, f := range fields {
		v, err := ask(f.prompt, f.secret)
		if err != nil {
			return c, fmt.Errorf("%s: %w", f.prompt, err)
		}
		*f.dst = v
	}
	return c, nil
}

// askRoad asks which road to take. On a terminal an empty answer is soap
// and another answer asks again (three times at most). On stdin a first
// line that is neither soap nor rest is the username of the one-road
// dialogue: the road is soap and first holds it.
func askRoad(e env, ask asker, interactive bool) (road string, first *string, err error) {
	for range 3 {
		v, err := ask(roadPrompt, false)
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", roadPrompt, err)
		}
		switch strings.ToLower(v) {
		case roadSOAP, roadREST:
			return strings.ToLower(v), nil, nil
		case "":
			if interactive {
				return roadSOAP, nil, nil
			}
		}
		if !interactive {
			return roadSOAP, &v, nil
		}
		fmt.Fprintln(e.stderr, "Antwoord soap of rest.")
	}
	return "", nil, errors.New("geen keuze tussen soap en rest; er is niets opgeslagen")
}

// checkLogin opens both sessions and says, in Dutch, what is wrong; "" when
// both work. It never shows a secret.
func checkLogin(e env, c secrets.Credentials) string {
	if p := services.CheckLogin(context.Background(), c, e.endpoints()); p != nil {
		return p.Dutch()
	}
	return ""
}

// asker asks one question and returns the trimmed answer.
type asker func(prompt string, secret bool) (string, error)

// newAsker reads answers from the terminal (secrets without echo) or, when
// stdin is not a terminal, one line each from stdin (without prompts);
// interactive says which.
func newAsker(e env) (ask asker, interactive bool) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r := bufio.NewReader(f)
		return func(prompt string, secret bool) (string, error) {
			fmt.Fprintf(e.stderr, "%s: ", prompt)
			if secret {
				b, err := term.ReadPassword(int(f.Fd()))
				fmt.Fprintln(e.stderr)
				return strings.TrimSpace(string(b)), err
			}
			line, err := r.ReadString('\n')
			if errors.Is(err, io.EOF) && line != "" {
				err = nil
			}
			return strings.TrimSpace(line), err
		}, true
	}
	sc := bufio.NewScanner(e.stdin)
	return func(prompt string, secret bool) (string, error) {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return "", err
			}
			return "", nil // missing lines are empty answers
		}
		return strings.TrimSpace(sc.Text()), nil
	}, false
}
