package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// Exit codes of "koppeling sync --once".
const (
	exitOK        = 0 // all fine
	exitAttention = 1 // finished, something still needs attention (found now or before)
	exitCannotRun = 2 // could not run: bad credentials, service unreachable, usage
)

// runSync performs one full run (import, then export) with log lines on
// stdout.
func runSync(args []string, e env) int {
	fs := flag.NewFlagSet("koppeling sync", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	once := fs.Bool("once", false, "run one synchronisation and exit")
	dryRun := fs.Bool("dry-run", false, "make no write call to either service; print what would be done")
	if err := fs.Parse(args); err != nil {
		return exitCannotRun
	}
	if !*once || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "gebruik: koppeling sync --once [--dry-run]")
		return exitCannotRun
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := e.openStore(ctx)
	if err != nil {
		return storeFailed(e, "koppeling sync", err)
	}
	defer st.Close()
	vault := e.vault()
	var red redact.Redactor
	lang := message.FromEnvironment(e.getenv)
	printLine := func(l store.LogEntry) {
		t := l.Time
		if t.IsZero() {
			t = time.Now()
		}
		fmt.Fprintf(e.stdout, "%s  %-12s %s\n", t.Local().Format("15:04:05"), levelLabel(lang, l.Level), red.String(l.Text(lang)))
	}
	runner := &services.Runner{
		Store: st, Endpoints: e.endpoints(), OnLog: printLine, Checkpoint: crashHook(e.getenv(envCrashAt)),
		Credentials: func() (secrets.Credentials, error) {
			c, _, err := vault.Load()
			red = redact.New(c.Secrets()...)
			return c, err
		},
	}
	sum := runner.Run(ctx, engine.RunOptions{Trigger: "cli", DryRun: *dryRun})
	if sum.Outcome == store.RunFailed {
		if errors.Is(sum.Err, services.ErrNoCredentials) {
			fmt.Fprintln(e.stderr, "koppeling sync: inloggegevens ontbreken; voer eerst \"koppeling login\" uit (of zet de KOPPELING_* omgevingsvariabelen).")
		} else {
			line := sum.Line
			if !sum.Message.IsZero() {
				line = sum.Message.Render(lang)
			}
			fmt.Fprintln(e.stderr, "koppeling sync: "+red.String(line))
		}
	}
	switch sum.Outcome {
	case store.RunFailed:
		return exitCannotRun
	case store.RunAttention:
		return exitAttention
	}
	return exitOK
}

// levelLabel is the label of a log level in lang.
func levelLabel(lang message.Lang, l store.Level) string {
	en := lang == message.English
	switch {
	case l == store.LevelWarning && en:
		return "warning"
	case l == store.LevelWarning:
		return "waarschuwing"
	case l == store.LevelError && en:
		return "error"
	case l == store.LevelError:
		return "fout"
	case l == store.LevelAttention && en:
		return "attention"
	case l == store.LevelAttention:
		return "aandacht"
	}
	return "info"
}
