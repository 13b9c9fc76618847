//go:build linux || freebsd || openbsd || netbsd

package ui

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
	"github.com/godbus/dbus/v5"
)

// platformNotifier sends notifications straight to the desktop's
// notification service (org.freedesktop.Notifications), because Fyne sends
// each with no expiry and as a new one: here each has a timeout, and one of
// the same kind replaces the one before.
func platformNotifier(a fyne.App) notifier {
	return &busNotifier{ids: map[string]uint32{}, icon: cachedIcon(a), call: callNotify}
}

// busNotifier is the org.freedesktop.Notifications client. send hands the
// notification to a goroutine of its own, which sends them in order, so
// that the UI thread never waits for the bus.
type busNotifier struct {
	start sync.Once
	queue chan notification

	mu   sync.Mutex
	ids  map[string]uint32 // the server's id of the last notification of each kind
	icon string
	// call is Notify on the bus; the tests replace it.
	call func(ctx context.Context, replaces uint32, icon, title, body string, expireMS int32) (uint32, error)
	// failed keeps an error from being logged more than once.
	failed string
}

func (b *busNotifier) send(n notification) {
	b.start.Do(func() {
		b.queue = make(chan notification, 32)
		go func() {
			for n := range b.queue {
				b.deliver(n)
			}
		}()
	})
	select {
	case b.queue <- n:
	default: // the bus is stuck: a notification fewer, not a UI that waits
	}
}

// deliver sends one notification and remembers its id for its kind.
func (b *busNotifier) deliver(n notification) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), busTimeout)
	defer cancel()
	id, err := b.call(ctx, b.ids[n.kind], b.icon, n.title, n.body, int32(n.expire.Milliseconds()))
	if err != nil {
		// Once, in the app's log: a desktop without a notification service
		// is not worth a line per run.
		if msg := err.Error(); msg != b.failed {
			b.failed = msg
			log.Printf("koppeling: notification not shown: %v", err)
		}
		return
	}
	b.ids[n.kind] = id
}

// callNotify calls Notify on the session bus, if there is a session bus
// with a notification service.
func callNotify(ctx context.Context, replaces uint32, icon, title, body string, expireMS int32) (uint32, error) {
	conn, err := sessionBus()
	if err != nil {
		return 0, err
	}
	var id uint32
	err = conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications").CallWithContext(ctx,
		"org.freedesktop.Notifications.Notify", 0, AppName, replaces, icon, title, body,
		[]string{}, map[string]dbus.Variant{}, expireMS).Store(&id)
	return id, err
}

// cachedIcon is the path of the app's icon for the notifications, written
// to the user's cache directory once; empty (no icon) when that fails.
func cachedIcon(a fyne.App) string {
	icon := a.Icon()
	dir, err := os.UserCacheDir()
	if icon == nil || err != nil {
		return ""
	}
	path := filepath.Join(dir, "koppeling", "icon.png")
	if b, err := os.ReadFile(path); err == nil && string(b) == string(icon.Content()) {
		return path
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return ""
	}
	if err := os.WriteFile(path, icon.Content(), 0o600); err != nil {
		return ""
	}
	return path
}
