package main

import (
	"context"
	"fmt"

	"github.com/koppeling/koppeling/internal/store"
)

// runSettings reads or changes settings: "[--demo] get [KEY]" or "[--demo]
// set KEY VALUE". --demo works on the demo's store (what `make run` and
// `koppeling --demo` use) instead of the real one. A refused value leaves
// the stored one unchanged. get names the store it reads on stderr, so
// that stdout keeps the KEY=VALUE lines alone.
func runSettings(args []string, e env) int {
	ctx := context.Background()
	usage := func() int {
		fmt.Fprintln(e.stderr, "gebruik: koppeling settings [--demo] get [SLEUTEL] | koppeling settings [--demo] set SLEUTEL WAARDE")
		return exitCannotRun
	}
	demoStore := len(args) > 0 && (args[0] == "--demo" || args[0] == "-demo")
	if demoStore {
		args = args[1:]
	}
	if len(args) == 0 {
		return usage()
	}
	link, err := e.resolveLink(demoStore)
	if err != nil {
		return storeFailed(e, "koppeling settings", err)
	}
	st, err := store.Open(ctx, link.dir)
	if err != nil {
		return storeFailed(e, "koppeling settings", err)
	}
	defer st.Close()
	switch {
	case args[0] == "get" && len(args) <= 2:
		fmt.Fprintf(e.stderr, "koppeling settings: opslag %s\n", st.Path())
		set, err := st.Settings(ctx)
		if err != nil {
			return storeFailed(e, "koppeling settings", err)
		}
		keys := store.SettingKeys()
		if len(args) == 2 {
			keys = args[1:]
		}
		for _, k := range keys {
			v, err := set.Value(k)
			if err != nil {
				fmt.Fprintf(e.stderr, "koppeling settings: %v\n", err)
				return exitCannotRun
			}
			if len(args) == 2 {
				fmt.Fprintln(e.stdout, v)
			} else {
				fmt.Fprintf(e.stdout, "%s=%s\n", k, v)
			}
		}
		return exitOK
	case args[0] == "set" && len(args) == 3:
		if err := st.SetSetting(ctx, args[1], args[2]); err != nil {
			return storeFailed(e, "koppeling settings", err)
		}
		return exitOK
	}
	return usage()
}
