package store

import "testing"

// TestKillDuringWrites is reported as skipped on Windows so that a Windows
// run says what it leaves out; the test itself is in powercut_test.go.
func TestKillDuringWrites(t *testing.T) {
	t.Skip("kills the writer process with SIGKILL; Windows has no signals, so the kill test runs on Linux and macOS")
}
