#!/usr/bin/env bash
# gotest.sh [GO TEST FLAGS] PACKAGES...: runs the Go tests of PACKAGES for
# windows/amd64 (CGO_ENABLED=0) under Wine: one fresh prefix for the whole run
# (newprefix.sh, in a temporary folder), every test binary started in it by
# gotest-exec.sh. At the end, also on failure or Ctrl-C, the prefix's
# processes are ended (wineserver -k) and the folder removed.
#
# Wine 8 and os.RemoveAll: Go 1.26 removes each entry of a folder with
# NtSetInformationFile(FileDispositionInformationEx, class 64, POSIX
# semantics). Wine 8 does not implement that class ("fixme:file:
# NtSetInformationFile Unsupported class (64)") and answers
# STATUS_NOT_IMPLEMENTED, which reaches Go as ERROR_INVALID_FUNCTION
# ("Invalid function"). Go falls back to the older FileDispositionInfo call,
# which Wine has, only for STATUS_INVALID_INFO_CLASS, STATUS_INVALID_PARAMETER
# and STATUS_NOT_SUPPORTED; so os.RemoveAll fails on every folder that is not
# empty (os.Remove of a file or an empty folder works), and with it the
# clean-up of each t.TempDir. The folder does not matter (Wine's drive C: and
# a mapped Linux folder fail alike), and Wine does not pass a Unix TMP or TEMP
# to Windows programs (the prefix's registry sets them), so pointing the
# temporary folder elsewhere cannot help. Instead the test binaries are built
# with an -overlay of Go's own internal/syscall/windows/at_windows.go that
# adds STATUS_NOT_IMPLEMENTED to those three: RemoveAll then takes Go's
# fallback, the path real Windows before 10 1607 takes, and the tests'
# own clean-up runs and is checked. Nothing else in the toolchain changes.
#
# Needs: wine, wine64, gcc-mingw-w64-x86-64 (make windows-unit installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
GO="${GO:-go}"

work="$(mktemp -d "${TMPDIR:-/tmp}/koppeling-wine-unit.XXXXXX")"
export WINEPREFIX="$work/prefix"
cleanup() {
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The overlay lives in bin/wine, next to the DLL, so that its path and
# content stay the same from run to run and the build cache keeps the
# patched standard library; the leading underscore keeps it out of ./...
src="$("$GO" env GOROOT)/src/internal/syscall/windows/at_windows.go"
fallback=$'\t\tSTATUS_NOT_SUPPORTED:     // the file system'
if ! grep -qF "$fallback" "$src"; then
  echo "gotest.sh: $src no longer has the fallback list this script extends (Go changed Deleteat): redo the overlay." >&2
  exit 1
fi
overlay_dir="$root/bin/wine/_go-overlay"
mkdir -p "$overlay_dir"
patched="$overlay_dir/at_windows.go"
sed "s|^$fallback|\t\tNTStatus(0xC0000002), // STATUS_NOT_IMPLEMENTED: Wine 8 lacks FileDispositionInformationEx\n$fallback|" "$src" >"$patched.new"
if cmp -s "$patched.new" "$patched"; then rm "$patched.new"; else mv "$patched.new" "$patched"; fi
printf '{"Replace":{"%s":"%s"}}\n' "$src" "$patched" >"$overlay_dir/overlay.json"

"$here/newprefix.sh" "$WINEPREFIX"

# The prefix's wineserver and Wine's own background processes (services.exe,
# winedevice.exe, rpcss.exe, ...) run for the whole run, started here with
# their output going nowhere. Otherwise the first test binary starts them,
# they inherit go test's output pipe of that binary, and go test waits a
# minute for it to close, then fails the package ("Test I/O incomplete 1m0s
# after exiting"). A persistent wineserver keeps them from shutting down
# between two test binaries.
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wineserver -p </dev/null >/dev/null 2>&1
wine cmd /c exit </dev/null >/dev/null 2>&1

# Wine has the Windows Credential Manager API (CredWriteW, CredReadW,
# CredDeleteW in advapi32, kept in the prefix's registry), which go-keyring's
# Windows backend uses: internal/secrets' TestOSKeychain must run against it
# and fail, not skip, when it is unreachable.
export KOPPELING_TEST_KEYCHAIN=1

status=0
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" test -overlay "$overlay_dir/overlay.json" -exec "$here/gotest-exec.sh" "$@" || status=$?

# What the tests left in the prefix's temporary folder (it goes with the
# prefix; listed so that a test that forgets its clean-up shows up).
left="$(find "$WINEPREFIX/drive_c/users" -mindepth 3 -maxdepth 3 -path '*/Temp/*' 2>/dev/null | sed "s|^$WINEPREFIX/||" || true)"
if [ -n "$left" ]; then
  echo "gotest.sh: the tests left in %TEMP%:"; echo "$left" | head -20
fi
exit "$status"
