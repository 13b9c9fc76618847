package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// runLog prints the sync log, newest first, in the language of the
// environment (message.FromEnvironment): dates dd-mm-jjjj in Dutch.
func runLog(args []string, e env) int {
	fs := flag.NewFlagSet("koppeling log", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	attention := fs.Bool("attention", false, "only what needs attention (and errors)")
	limit := fs.Int("n", 100, "number of lines")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitCannotRun
	}
	ctx := context.Background()
	st, err := e.openStore(ctx)
	if err != nil {
		return storeFailed(e, "koppeling log", err)
	}
	defer st.Close()
	f := store.LogFilter{Limit: *limit}
	if *attention {
		f.Levels = []store.Level{store.LevelAttention, store.LevelError}
	}
	lines, err := st.Log(ctx, f)
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling log: %v\n", err)
		return exitCannotRun
	}
	lang := message.FromEnvironment(e.getenv)
	for _, l := range lines {
		fmt.Fprintf(e.stdout, "%s  %-12s %s\n", message.DateTime(lang, l.Time.Local()), levelLabel(lang, l.Level), l.Text(lang))
	}
	return exitOK
}
