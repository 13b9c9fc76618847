// Package instance keeps the desktop app to one process per data directory:
// the first process holds an exclusive lock on a file in the data directory
// and listens on a loopback TCP port; a second start finds the port and a
// random token in a 0600 file next to it, asks the first process to show its
// window, and exits instead of starting a second sync loop.
//
// The lock is released by the operating system when the process ends, so a
// crashed instance never blocks the next start. The token keeps other local
// users (who cannot read the file) from poking the listener.
package instance

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// File names in the data directory.
const (
	LockFile = "koppeling.lock"
	InfoFile = "koppeling.instance"
)

// ErrRunning is returned by Acquire when another process holds the instance.
var ErrRunning = errors.New("another process runs Koppeling with this data directory")

// The one request and its answer.
const (
	requestShow = "show"
	answerOK    = "ok"
)

// info is what InfoFile holds.
type info struct {
	Port  int    `json:"port"`
	Token string `json:"token"`
	PID   int    `json:"pid"`
}

// Instance is the running desktop app's claim on its data directory.
type Instance struct {
	dir   string
	lock  *os.File
	ln    net.Listener
	token string

	mu     sync.Mutex
	onShow func()
	wg     sync.WaitGroup
}

// Acquire claims dir for this process: it takes the lock, listens on a free
// loopback port and writes InfoFile. It returns an error wrapping ErrRunning
// when another process holds the claim.
func Acquire(dir string) (*Instance, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open instance lock: %w", err)
	}
	if err := lockFile(lock); err != nil {
		_ = lock.Close()
		if errors.Is(err, errLocked) {
			return nil, ErrRunning
		}
		return nil, fmt.Errorf("take instance lock: %w", err)
	}
	in := &Instance{dir: dir, lock: lock}
	if err := in.listen(); err != nil {
		_ = in.Close()
		return nil, err
	}
	return in, nil
}

func (in *Instance) listen() error {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("instance token: %w", err)
	}
	in.token = hex.EncodeToString(raw)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("instance listener: %w", err)
	}
	in.ln = ln
	b, err := json.Marshal(info{Port: ln.Addr().(*net.TCPAddr).Port, Token: in.token, PID: os.Getpid()})
	if err != nil {
		return fmt.Errorf("instance file: %w", err)
	}
	// Write beside and rename, so that a second start never reads half a file.
	tmp, err := os.CreateTemp(in.dir, InfoFile+".*")
	if err != nil {
		return fmt.Errorf("instance file: %w", err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o600)); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("instance file: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(in.dir, InfoFile)); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("instance file: %w", err)
	}
	return nil
}

// Serve answers "show" requests of later starts by calling onShow (on the
// listener's goroutine: onShow must hand the work to the UI thread). It
// returns at once; the listener runs until Close.
func (in *Instance) Serve(onShow func()) {
	in.mu.Lock()
	in.onShow = onShow
	in.mu.Unlock()
	in.wg.Add(1)
	go func() {
		defer in.wg.Done()
		for {
			conn, err := in.ln.Accept()
			if err != nil {
				return // closed
			}
			in.handle(conn)
		}
	}()
}

func (in *Instance) handle(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(io.LimitReader(conn, 1024)).ReadString('\n')
	if err != nil {
		return
	}
	req, token, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok || req != requestShow || subtle.ConstantTimeCompare([]byte(token), []byte(in.token)) != 1 {
		return
	}
	in.mu.Lock()
	onShow := in.onShow
	in.mu.Unlock()
	if onShow != nil {
		onShow()
	}
	_, _ = conn.Write([]byte(answerOK + "\n"))
}

// Close stops listening, removes InfoFile and releases the lock.
func (in *Instance) Close() error {
	var errs []error
	if in.ln != nil {
		errs = append(errs, in.ln.Close())
		in.wg.Wait()
		if err := os.Remove(filepath.Join(in.dir, InfoFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if in.lock != nil {
		errs = append(errs, unlockFile(in.lock), in.lock.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("release instance: %w", err)
	}
	return nil
}

// Show asks the process holding dir to show its window. The holder writes
// InfoFile right after taking the lock, so Show waits up to timeout for it.
func Show(dir string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var lastErr error
	for {
		if lastErr = show(dir, time.Until(deadline)); lastErr == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ask the running Koppeling to show its window: %w", lastErr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func show(dir string, timeout time.Duration) error {
	b, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		return err
	}
	var in info
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("read %s: %w", InfoFile, err)
	}
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", in.Port), max(timeout, 100*time.Millisecond))
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(max(timeout, time.Second)))
	if _, err := fmt.Fprintf(conn, "%s %s\n", requestShow, in.Token); err != nil {
		return err
	}
	answer, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("no answer: %w", err)
	}
	if strings.TrimSpace(answer) != answerOK {
		return fmt.Errorf("unexpected answer %q", strings.TrimSpace(answer))
	}
	return nil
}
