package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/report"
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

	link, err := e.resolveLink(false)
	if err != nil {
		return storeFailed(e, "koppeling sync", err)
	}
	st, err := store.Open(ctx, link.dir)
	if err != nil {
		return storeFailed(e, "koppeling sync", err)
	}
	defer st.Close()
	vault := link.vault
	var red redact.Redactor
	lang := message.FromEnvironment(e.getenv)
	// The engine may report from more than one goroutine: one line at a
	// time.
	var printing sync.Mutex
	writeLine := func(t time.Time, level store.Level, text string) {
		if t.IsZero() {
			t = time.Now()
		}
		printing.Lock()
		defer printing.Unlock()
		fmt.Fprintf(e.stdout, "%s  %-12s %s\n", t.Local().Format("15:04:05"), levelLabel(lang, level), red.String(text))
	}
	printLine := func(l store.LogEntry) { writeLine(l.Time, l.Level, l.Text(lang)) }
	steps := progressSteps{}
	printProgress := func(p report.Progress) {
		if text, ok := steps.next(p, lang); ok {
			writeLine(time.Time{}, store.LevelInfo, text)
		}
	}
	runner := &services.Runner{
		Store: st, Endpoints: e.endpoints(), OnLog: printLine, OnProgress: printProgress,
		Checkpoint: crashHook(e.getenv(envCrashAt)),
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

// progressSteps picks the progress reports of a long read that become a
// line of "sync --once": a line per step, not a flood. A kind's first
// report is a line, then one whenever Read has grown by a tenth of About
// since the last line (by progressStepUnknown records while About is not
// known), and its Done report; a line the same as one printed before is
// never printed again. Its methods are safe for concurrent use.
type progressSteps struct {
	mu      sync.Mutex
	printed map[string]report.Progress // per kind: the last report printed in this read
	seen    map[string]bool            // every line printed
}

// progressStepUnknown is how many more records make a new line while the
// size of the administration is not known.
const progressStepUnknown = 5000

// next reports whether p makes a line, and the line in lang.
func (s *progressSteps) next(p report.Progress, lang message.Lang) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.printed == nil {
		s.printed, s.seen = map[string]report.Progress{}, map[string]bool{}
	}
	last, started := s.printed[p.Kind]
	if started && !p.Done && p.Read-last.Read < progressStep(p.About) {
		return "", false
	}
	text := p.Text().Render(lang)
	if p.Done {
		delete(s.printed, p.Kind) // a later read of this kind starts afresh
	} else {
		s.printed[p.Kind] = p
	}
	if s.seen[text] {
		return "", false
	}
	s.seen[text] = true
	return text, true
}

// progressStep is how far Read must grow for a new line: a tenth of about,
// rounded up, or progressStepUnknown when about is not known.
func progressStep(about int) int {
	if about <= 0 {
		return progressStepUnknown
	}
	return (about + 9) / 10
}
