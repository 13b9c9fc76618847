package main

import (
	"context"
	"fmt"

	"github.com/koppeling/koppeling/internal/store"
)

// runSettings reads or changes settings: "get [KEY]" or "set KEY VALUE".
// A refused value leaves the stored one unchanged.
func runSettings(args []string, e env) int {
	ctx := context.Background()
	usage := func() int {
		fmt.Fprintln(e.stderr, "gebruik: koppeling settings get [SLEUTEL] | koppeling settings set SLEUTEL WAARDE")
		return exitCannotRun
	}
	if len(args) == 0 {
		return usage()
	}
	st, err := e.openStore(ctx)
	if err != nil {
		return storeFailed(e, "koppeling settings", err)
	}
	defer st.Close()
	switch {
	case args[0] == "get" && len(args) <= 2:
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
