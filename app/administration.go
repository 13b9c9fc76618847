package main

// This file owns the choice of administration in `koppeling login` on the
// SOAP road (issue 18): an accountant's codes also open the administrations
// linked to the account (GetAdministraties); the chosen one is kept with the
// credentials (secrets.Credentials.EBoekhoudenAdministration) and opened
// with OpenSessionSub. The REST road has no choice: a token belongs to one
// administration.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
)

// ownAdministration names the account's own administration in the choice.
const ownAdministration = "Eigen administratie (van dit account)"

// administrationPrompt is the question, on a terminal after the list.
const administrationPrompt = "Administratie (nummer) [0]"

// chooseAdministration asks which administration the codes open, when the
// account has linked ones, and returns c with the answer; msg says in Dutch
// why nothing may be stored. With check, the list is read from e-Boekhouden
// and the chosen linked administration is opened once (OpenSessionSub);
// without (--no-check) nothing is sent: stdin's optional extra line may give
// a GUID, which is kept as it is, and a terminal is asked nothing.
func chooseAdministration(e env, ask asker, interactive bool, c secrets.Credentials, check bool) (secrets.Credentials, string) {
	if !check {
		if interactive {
			return c, ""
		}
		v, err := ask(administrationPrompt, false)
		if err != nil {
			return c, fmt.Sprintf("%s: %v.", administrationPrompt, err)
		}
		if v != "" && v != "0" {
			if _, err := strconv.Atoi(v); err == nil {
				return c, "Met --no-check kan de administratie alleen met haar GUID worden gekozen, niet met een nummer."
			}
		}
		if v != "0" {
			c.EBoekhoudenAdministration = v
		}
		return c, ""
	}
	list, p := services.Administrations(context.Background(), c, e.endpoints())
	if p != nil {
		return c, p.Dutch()
	}
	if len(list) == 0 {
		return c, ""
	}
	chosen, msg := askAdministration(e, ask, interactive, list)
	if msg != "" {
		return c, msg
	}
	if chosen == nil {
		return c, ""
	}
	c.EBoekhoudenAdministration, c.EBoekhoudenAdministrationName = chosen.GUID, chosen.Label()
	if p := services.CheckLogin(context.Background(), c, e.endpoints()); p != nil {
		return c, p.Dutch()
	}
	return c, ""
}

// askAdministration shows the list (on a terminal) and reads the answer: a
// number of the list (0 or empty: the account's own administration, nil) or,
// on stdin, a listed GUID. A terminal asks again after a wrong answer, three
// times at most.
func askAdministration(e env, ask asker, interactive bool, list []report.Administration) (*report.Administration, string) {
	if interactive {
		fmt.Fprintln(e.stderr, "Met deze beveiligingscodes opent u ook gekoppelde administraties. Welke hoort bij deze koppeling?")
		fmt.Fprintf(e.stderr, "  0. %s\n", ownAdministration)
		for i, a := range list {
			fmt.Fprintf(e.stderr, "  %d. %s\n", i+1, a.Label())
		}
	}
	for range 3 {
		v, err := ask(administrationPrompt, false)
		if err != nil {
			return nil, fmt.Sprintf("%s: %v.", administrationPrompt, err)
		}
		a, ok := pickAdministration(v, list)
		if ok {
			return a, ""
		}
		if !interactive {
			return nil, fmt.Sprintf("De administratie %q staat niet in de lijst van e-Boekhouden (0 tot en met %d, of een GUID uit de lijst).", clipAnswer(v), len(list))
		}
		fmt.Fprintf(e.stderr, "Antwoord met een nummer van 0 tot en met %d.\n", len(list))
	}
	return nil, "Geen administratie gekozen."
}

// pickAdministration reads an answer: "" or "0" is the own administration
// (nil), 1..n the list's, or a GUID of the list (any case).
func pickAdministration(v string, list []report.Administration) (*report.Administration, bool) {
	if v == "" || v == "0" {
		return nil, true
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n >= 1 && n <= len(list) {
			return &list[n-1], true
		}
		return nil, false
	}
	for i := range list {
		if strings.EqualFold(list[i].GUID, v) {
			return &list[i], true
		}
	}
	return nil, false
}

// administrationName names the chosen administration: as e-Boekhouden
// listed it, or by its GUID when it was given with --no-check.
func administrationName(c secrets.Credentials) string {
	if c.EBoekhoudenAdministrationName != "" {
		return c.EBoekhoudenAdministrationName
	}
	return c.EBoekhoudenAdministration
}

// clipAnswer keeps a quoted answer short.
func clipAnswer(v string) string {
	if r := []rune(v); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return v
}
