package backend

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

// testParts are Parts over a store in a temporary directory and a
// scheduler that is not started (no keychain, no services).
func testParts(t *testing.T) *Parts {
	t.Helper()
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sched := scheduler.New(func(context.Context, scheduler.Trigger) scheduler.Result { return scheduler.Result{} },
		scheduler.Options{Interval: 15 * time.Minute})
	t.Cleanup(sched.Stop)
	return &Parts{Store: st, Scheduler: sched}
}

// TestSaveSettingsKeepsAutostartTrueToTheSystem: a change of app.autostart
// switches the system entry once; saving without that change does not; a
// switch that fails is refused as the setting's and the setting keeps
// what the system does.
func TestSaveSettingsKeepsAutostartTrueToTheSystem(t *testing.T) {
	p := testParts(t)
	ctx := t.Context()
	var calls []bool
	var fail error
	p.Autostart = func(on bool) error { calls = append(calls, on); return fail }
	if err := p.SaveSettings(ctx, map[string]string{store.KeyAutostart: "ja"}); err != nil {
		t.Fatal(err)
	}
	if set, _ := p.Settings(ctx); !set.Autostart || len(calls) != 1 || !calls[0] {
		t.Fatalf("after switching on: setting %v, calls %v", set.Autostart, calls)
	}
	if err := p.SaveSettings(ctx, map[string]string{store.KeyAutostart: "true", store.KeyNotifySuccess: "false"}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 {
		t.Fatalf("unchanged autostart switched again: %v", calls)
	}
	fail = errors.New("geen toegang")
	err := p.SaveSettings(ctx, map[string]string{store.KeyAutostart: "false"})
	var se *store.SettingError
	if !errors.As(err, &se) || se.Key != store.KeyAutostart || se.Value != "false" ||
		!strings.Contains(se.Reason, "automatisch starten instellen lukte niet: geen toegang") {
		t.Fatalf("a failing switch: %v", err)
	}
	if set, _ := p.Settings(ctx); !set.Autostart || set.NotifySuccess || len(calls) != 2 || calls[1] {
		t.Fatalf("after the failing switch: autostart %v, notify %v, calls %v", set.Autostart, set.NotifySuccess, calls)
	}
	// Without a switch (demo mode) only the setting changes.
	p.Autostart = nil
	if err := p.SaveSettings(ctx, map[string]string{store.KeyAutostart: "false"}); err != nil {
		t.Fatal(err)
	}
	if set, _ := p.Settings(ctx); set.Autostart {
		t.Fatal("autostart stays on without a switch")
	}
}

// TestSaveSettingsRefusesAllOrNothing: a refused value comes back as the
// store's SettingError and nothing of the change is kept.
func TestSaveSettingsRefusesAllOrNothing(t *testing.T) {
	p := testParts(t)
	err := p.SaveSettings(t.Context(), map[string]string{store.KeyIntervalMinutes: "3", store.KeyNotifySuccess: "false"})
	var se *store.SettingError
	if !errors.As(err, &se) || se.Key != store.KeyIntervalMinutes {
		t.Fatalf("refusal: %v", err)
	}
	if set, _ := p.Settings(t.Context()); set != store.DefaultSettings() {
		t.Fatalf("a refused change was kept: %+v", set)
	}
}

// TestSetPausedIsRememberedAndApplied: pausing and resuming reach both the
// store and the scheduler.
func TestSetPausedIsRememberedAndApplied(t *testing.T) {
	p := testParts(t)
	for _, paused := range []bool{true, false} {
		if err := p.SetPaused(t.Context(), paused); err != nil {
			t.Fatal(err)
		}
		if set, _ := p.Settings(t.Context()); set.Paused != paused || p.Scheduler.Paused() != paused {
			t.Fatalf("SetPaused(%v): stored %v, scheduler %v", paused, set.Paused, p.Scheduler.Paused())
		}
	}
}
