#!/usr/bin/env bash
# gotest-exec.sh TEST.exe ARGS...: the -exec program of `go test` for
# windows/amd64 test binaries (see gotest.sh): runs the binary under Wine in
# the prefix gotest.sh made for this run, in the package's folder (go test's
# working directory, Z:\... to Windows), and exits with its exit code.
#
# Wine turns Ctrl-C (SIGINT) into a console control event and then ends the
# program with exit code 0, which go test would report as "ok": an
# interrupted binary exits 130 here instead.
set -uo pipefail
: "${WINEPREFIX:?gotest-exec.sh runs inside gotest.sh, which sets WINEPREFIX}"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
interrupted=""
trap 'interrupted=130' INT
trap 'interrupted=143' TERM
wine "$@"
status=$?
exit "${interrupted:-$status}"
