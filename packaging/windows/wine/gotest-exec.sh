#!/usr/bin/env bash
# gotest-exec.sh TEST.exe ARGS...: the -exec program of `go test` for
# windows/amd64 test binaries (see gotest.sh): runs the binary under Wine in
# the prefix gotest.sh made for this run, in the package's folder (go test's
# working directory, Z:\... to Windows), and exits with its exit code.
set -euo pipefail
: "${WINEPREFIX:?gotest-exec.sh runs inside gotest.sh, which sets WINEPREFIX}"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
exec wine "$@"
