#!/usr/bin/env bash
# newprefix.sh DIR: creates a fresh 64-bit Wine prefix in DIR in which Go
# 1.26 Windows binaries start: it builds bcryptprimitives.dll (ProcessPrng,
# see processprng.c) with mingw when needed and puts it in system32. Prints
# nothing on success; wineboot's chatter goes to DIR/../wineboot.log.
#
# Needs: wine, wine64, gcc-mingw-w64-x86-64 (make windows-smoke installs them).
set -euo pipefail
prefix="${1:?usage: newprefix.sh DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
dll_dir="${KOPPELING_WINE_DLL_DIR:-$here/../../../bin/wine}"
mkdir -p "$dll_dir"
dll="$dll_dir/bcryptprimitives.dll"
if [ ! -f "$dll" ] || [ "$here/processprng.c" -nt "$dll" ] || [ "$here/processprng.def" -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -o "$dll" "$here/processprng.c" "$here/processprng.def" -lbcrypt
fi
mkdir -p "$prefix"
export WINEPREFIX="$prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
log="$(dirname "$prefix")/wineboot.log"
wineboot --init >"$log" 2>&1
wineserver -w
cp "$dll" "$prefix/drive_c/windows/system32/bcryptprimitives.dll"
