package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/store"
)

// Exit codes of "koppeling sync --once".
const (
	exitOK        = 0 // all fine
	exitAttention = 1 // finished, some records need attention
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

	creds, _, err := e.vault().Load()
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling sync: inloggegevens: %v\n", err)
		return exitCannotRun
	}
	red := redact.New(creds.Secrets()...)
	if !creds.EBoekhoudenComplete() || !creds.OutSmartComplete() {
		fmt.Fprintln(e.stderr, "koppeling sync: inloggegevens ontbreken; voer eerst \"koppeling login\" uit (of zet de KOPPELING_* omgevingsvariabelen).")
		return exitCannotRun
	}
	st, err := e.openStore(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling sync: %s\n", red.String(err.Error()))
		return exitCannotRun
	}
	defer st.Close()
	eb, os, err := e.clients(creds)
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling sync: %s\n", red.String(err.Error()))
		return exitCannotRun
	}
	defer eb.Close(context.WithoutCancel(ctx))

	printLine := func(l store.LogEntry) {
		fmt.Fprintf(e.stdout, "%s  %-9s %s\n", l.Time.Local().Format("15:04:05"), levelLabel(l.Level), red.String(l.Message))
	}
	eng := e.newEngine(st, eb, os, creds, printLine)
	sum := eng.Run(ctx, engine.RunOptions{Trigger: "cli", DryRun: *dryRun})
	switch sum.Outcome {
	case store.RunFailed:
		return exitCannotRun
	case store.RunAttention:
		return exitAttention
	}
	return exitOK
}

// levelLabel is the Dutch label of a log level.
func levelLabel(l store.Level) string {
	switch l {
	case store.LevelWarning:
		return "waarschuwing"
	case store.LevelError:
		return "fout"
	case store.LevelAttention:
		return "aandacht"
	}
	return "info"
}
