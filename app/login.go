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

	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
)

// runLogin asks for the credentials of both services, checks them against
// the services and stores them in the OS keychain. Secret values are read
// without echo from a terminal, or one per line from stdin: username,
// security code 1, security code 2, OutSmart company id, token, and the
// software token (an empty line keeps the build's own).
func runLogin(args []string, e env) int {
	fs := flag.NewFlagSet("koppeling login", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	noCheck := fs.Bool("no-check", false, "store without testing the credentials against both services")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitCannotRun
	}
	ask := newAsker(e)
	var c secrets.Credentials
	fields := []struct {
		prompt string
		secret bool
		dst    *string
	}{
		{"e-Boekhouden gebruikersnaam", false, &c.EBoekhoudenUsername},
		{"e-Boekhouden beveiligingscode 1", true, &c.EBoekhoudenSecurityCode1},
		{"e-Boekhouden beveiligingscode 2", true, &c.EBoekhoudenSecurityCode2},
		{"OutSmart bedrijfs id", false, &c.OutSmartCompanyID},
		{"OutSmart token", true, &c.OutSmartToken},
		{"OutSmart software token (leeg: die van deze versie)", true, &c.OutSmartSoftwareToken},
	}
	for _, f := range fields {
		v, err := ask(f.prompt, f.secret)
		if err != nil {
			fmt.Fprintf(e.stderr, "koppeling login: %s: %v\n", f.prompt, err)
			return exitCannotRun
		}
		*f.dst = v
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
		fmt.Fprintln(e.stdout, "Gelukt - Je bent ingelogd!")
	}
	if err := e.vault().Save(c); err != nil {
		fmt.Fprintf(e.stderr, "koppeling login: %v\n", err)
		return exitCannotRun
	}
	fmt.Fprintln(e.stdout, "De inloggegevens zijn opgeslagen in de sleutelbos van het systeem.")
	return exitOK
}

// checkLogin opens both sessions and says, in Dutch, what is wrong; "" when
// both work. It never shows a secret.
func checkLogin(e env, c secrets.Credentials) string {
	if p := services.CheckLogin(context.Background(), c, e.endpoints()); p != nil {
		return p.Dutch()
	}
	return ""
}

// newAsker reads answers from the terminal (secrets without echo) or, when
// stdin is not a terminal, one line each from stdin.
func newAsker(e env) func(prompt string, secret bool) (string, error) {
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
		}
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
	}
}
