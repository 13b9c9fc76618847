package main

import (
	"context"
	"os"
	"strconv"

	"github.com/koppeling/koppeling/internal/autostart"
	"github.com/koppeling/koppeling/internal/store"
)

// autostartArgs start Koppeling hidden in the tray, as the installers do.
var autostartArgs = []string{"--tray"}

// switchAutostart makes the system start this program with the user's
// session, or not (the app.autostart setting).
func switchAutostart(on bool) error {
	if !on {
		return autostart.Disable()
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return autostart.Enable(exe, autostartArgs...)
}

// reconcileAutostart makes the setting show what the system does (the
// installer may have set it) and refreshes the entry's program path when
// it is on (the program may have moved).
func reconcileAutostart(ctx context.Context, st *store.Store) {
	on, err := autostart.Enabled()
	if err != nil {
		return
	}
	if set, err := st.Settings(ctx); err == nil && set.Autostart != on {
		_ = st.SetSetting(ctx, store.KeyAutostart, strconv.FormatBool(on))
	}
	if on {
		_ = switchAutostart(true)
	}
}
