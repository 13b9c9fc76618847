#!/usr/bin/env bash
# measure.sh: the resident memory (VmRSS) of Koppeling's desktop app, side by
# side with a minimal Fyne app (packaging/memory/minimal: a window with one
# label), built the same way (the patched Fyne of `make fyne-patch`,
# -trimpath; Koppeling with the Makefile's TAGS, the minimal app once with the
# tag migrated_fynedo and once with exactly Koppeling's tags) and run the same
# way: each process on its own Xvfb, in its own D-Bus session with an
# unlocked gnome-keyring in a temporary directory and a system tray
# (packaging/memory/trayhost: without one Koppeling's window is its home and
# closing it does not hide it), with its own data and config directories.
# BENCHMARKS.md, "Memory (issue 14 item 9)".
#
#   packaging/memory/measure.sh [--baseline REV]     (make memory)
#
# Cases (the demo runs both sandbox servers in its process, a user never
# does, so it is reported apart):
#   minimal          the minimal app, window shown
#   window           koppeling, empty data dir, window shown
#   window, hidden   the same process after its window was closed (it lives
#                    on in the tray)
#   tray             koppeling --tray, empty data dir, window never shown
#   demo             koppeling --demo, window shown
#   demo, hidden     the same process after its window was closed
#
# Each case waits until the process is settled (at least MIN_SETTLE s, then
# until VmRSS moved less than 1 MB over the last 10 s, at most MAX_SETTLE s),
# then takes SAMPLES samples of VmRSS from /proc/PID/status one second apart
# and reports their median. Every Koppeling process writes a heap profile when
# it ends (KOPPELING_MEMPROFILE); PROFILES=1 prints the top of each.
#
# --baseline REV also builds Koppeling as it was at REV (git archive into the
# output directory, its own `make fyne-patch` and TAGS) and a minimal app
# with REV's Fyne patch, and measures them in the same run.
#
# Not part of `make test`: it measures, it asserts nothing. Needs Xvfb, gcc
# with the X11 headers (for xwin.c, which closes the window as a window
# manager would), dbus-run-session and gnome-keyring-daemon: the Debian
# packages of the Makefile's APT_PACKAGES. Takes about half a minute per
# process.
set -euo pipefail

SAMPLES=${SAMPLES:-7}
MIN_SETTLE=${MIN_SETTLE:-20}
MAX_SETTLE=${MAX_SETTLE:-150}
PROFILES=${PROFILES:-0}

baseline="" rev=""
while [ $# -gt 0 ]; do
	case "$1" in
	--baseline) baseline=${2:?--baseline needs a git revision}; shift 2 ;;
	*) echo "usage: $0 [--baseline REV]" >&2; exit 2 ;;
	esac
done

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=$(mktemp -d "${TMPDIR:-/tmp}/koppeling-memory.XXXXXX")
echo "output: $out"

log() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------ build
# makevar SRCDIR NAME prints a variable of SRCDIR's Makefile (TAGS: the
# build tags of `make build`).
makevar() { make --no-print-directory -s -C "$1" --eval "print-$2: ; @echo \$($2)" "print-$2"; }
build_koppeling() { # build_koppeling SRCDIR BIN: as `make build` builds it
	(cd "$1" && make --no-print-directory fyne-patch >/dev/null &&
		go build -modfile="$1/bin/patched/go.mod" -trimpath -tags "$(makevar "$1" TAGS)" -o "$2" ./app)
}
build_minimal() { # build_minimal TAGS BIN [SRCDIR]: with SRCDIR's patched Fyne
	go build -modfile="${3:-$root}/bin/patched/go.mod" -trimpath -tags "$1" -o "$2" ./packaging/memory/minimal
}
log "building"
make --no-print-directory fyne-patch >/dev/null
mkdir -p "$out/bin"
tags=$(makevar "$root" TAGS)
build_koppeling "$root" "$out/bin/koppeling"
# The yardstick of the issue: a minimal Fyne app with the tag Fyne code
# needs (migrated_fynedo). When Koppeling's own tags differ, the minimal app
# with exactly those tags is measured too.
build_minimal migrated_fynedo "$out/bin/minimal"
[ "$tags" != migrated_fynedo ] && build_minimal "$tags" "$out/bin/minimal-tags"
gcc -o "$out/bin/xwin" packaging/memory/xwin.c -lX11
go build -o "$out/bin/trayhost" ./packaging/memory/trayhost
if [ -n "$baseline" ]; then
	rev=$(git rev-parse --short "$baseline")
	mkdir -p "$out/baseline-src"
	git archive "$rev" | tar -x -C "$out/baseline-src"
	build_koppeling "$out/baseline-src" "$out/bin/koppeling-$rev"
	# The baseline's yardstick: the minimal app with the baseline's Fyne patch.
	build_minimal migrated_fynedo "$out/bin/minimal-$rev" "$out/baseline-src"
fi
log "Koppeling's build tags: $tags"

# ------------------------------------------------------------------ processes
# Set by start: the case's directory, its process, its Xvfb and D-Bus session.
dir="" pid="" xvfb_pid="" session_pid=""

# start NAME BINARY ARGS... starts one process on its own display.
start() {
	local name=$1
	shift
	dir="$out/$name"
	mkdir -p "$dir/data" "$dir/xdg-data" "$dir/xdg-config"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dir/display" 2>"$dir/xvfb.log" &
	xvfb_pid=$!
	for _ in $(seq 100); do [ -s "$dir/display" ] && break; sleep 0.1; done
	[ -s "$dir/display" ] || { cat "$dir/xvfb.log" >&2; echo "Xvfb did not start" >&2; exit 1; }
	DISPLAY=":$(cat "$dir/display")" KOPPELING_DATA_DIR="$dir/data" XDG_DATA_HOME="$dir/xdg-data" \
		XDG_CONFIG_HOME="$dir/xdg-config" KOPPELING_KEYCHAIN_SERVICE=nl.koppeling.memory \
		KOPPELING_MEMPROFILE="$dir/heap.pprof" \
		TRAYHOST="$out/bin/trayhost" TRAY_READY="$dir/tray-ready" \
		dbus-run-session -- sh -c 'echo $$ >"$0"; printf memory | gnome-keyring-daemon --unlock --components=secrets >/dev/null
			"$TRAYHOST" "$TRAY_READY" & i=0
			while [ ! -e "$TRAY_READY" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
			exec "$@"' \
		"$dir/pid" "$@" >"$dir/stdout" 2>"$dir/stderr" &
	session_pid=$!
	for _ in $(seq 100); do [ -s "$dir/pid" ] && break; sleep 0.1; done
	pid=$(cat "$dir/pid")
}

# stop ends the process (SIGTERM: it quits cleanly and writes its heap
# profile), then its D-Bus session and display.
stop() {
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { log "process $pid did not stop; killed"; kill -KILL "$pid"; }
	wait "$session_pid" 2>/dev/null || true
	kill "$xvfb_pid" 2>/dev/null || true
	wait "$xvfb_pid" 2>/dev/null || true
	pid=""
}
# A case that fails leaves no process behind.
trap 'if [ -n "$pid" ]; then stop; fi' EXIT

alive() { kill -0 "$pid" 2>/dev/null || { cat "$dir/stderr" >&2; echo "the process of $dir ended" >&2; exit 1; }; }
window_state() { DISPLAY=":$(cat "$dir/display")" "$out/bin/xwin" "$pid" state; }
close_window() { DISPLAY=":$(cat "$dir/display")" "$out/bin/xwin" "$pid" close; }
wait_for_window() { # wait_for_window shown|hidden
	for _ in $(seq 600); do
		alive
		[ "$(window_state)" = "$1" ] && return
		sleep 0.2
	done
	echo "the window of $dir did not become $1" >&2
	exit 1
}
wait_for_file() {
	for _ in $(seq 600); do alive; [ -e "$1" ] && return; sleep 0.2; done
	echo "$1 did not appear" >&2
	exit 1
}
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }

# settle waits until VmRSS stops moving: at least MIN_SETTLE s, then until
# the last 10 one-second samples lie within 1 MB, at most MAX_SETTLE s.
settle() {
	local -a hist=()
	local t=0 lo hi
	while :; do
		alive
		hist+=("$(rss)")
		t=$((t + 1))
		if [ "$t" -ge "$MIN_SETTLE" ] && [ "${#hist[@]}" -ge 10 ]; then
			lo=$(printf '%s\n' "${hist[@]: -10}" | sort -n | head -1)
			hi=$(printf '%s\n' "${hist[@]: -10}" | sort -n | tail -1)
			[ $((hi - lo)) -le 1024 ] && return
		fi
		if [ "$t" -ge "$MAX_SETTLE" ]; then
			log "  not settled after $t s (last 10 s: $lo-$hi kB); measured anyway"
			return
		fi
		sleep 1
	done
}

# measure CASE appends the median, lowest and highest of SAMPLES samples,
# with the group of the case: cur (this tree) or base (the baseline).
results="$out/results.tsv"
: >"$results"
measure() {
	local -a s=()
	settle
	for _ in $(seq "$SAMPLES"); do s+=("$(rss)"); sleep 1; done
	local sorted
	sorted=$(printf '%s\n' "${s[@]}" | sort -n)
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$(sed -n "$(((SAMPLES + 1) / 2))p" <<<"$sorted")" \
		"$(head -1 <<<"$sorted")" "$(tail -1 <<<"$sorted")" "${group:-cur}" >>"$results"
	grep -E 'Rss|Pss_Anon|Pss_File' "/proc/$pid/smaps_rollup" >"$dir/smaps_rollup.txt" 2>/dev/null || true
	log "  $1: $(tail -1 "$results" | cut -f2) kB"
}

# ------------------------------------------------------------------ cases
log "minimal"
start minimal "$out/bin/minimal"
wait_for_window shown
measure "minimal app (tags migrated_fynedo), window shown"
stop
if [ -e "$out/bin/minimal-tags" ]; then
	log "minimal, tags $tags"
	start minimal-tags "$out/bin/minimal-tags"
	wait_for_window shown
	measure "minimal app (tags $tags), window shown"
	stop
fi

group=cur
if [ -n "$baseline" ]; then
	group=base
	log "minimal, Fyne patch of $rev"
	start "minimal-$rev" "$out/bin/minimal-$rev"
	wait_for_window shown
	measure "minimal app ($rev's Fyne patch), window shown"
	stop
fi

koppeling_cases() { # koppeling_cases BINARY LABEL
	local bin=$1 label=$2 tag
	tag=$(basename "$bin")
	log "$label: window"
	start "$tag-window" "$bin"
	wait_for_window shown
	measure "$label: window shown"
	close_window
	wait_for_window hidden
	measure "$label: window shown, then hidden"
	stop

	log "$label: --tray"
	start "$tag-tray" "$bin" --tray
	wait_for_file "$dir/data/koppeling.instance"
	measure "$label: --tray, never shown"
	[ "$(window_state)" = hidden ] || { echo "--tray showed a window" >&2; exit 1; }
	stop

	log "$label: --demo"
	start "$tag-demo" "$bin" --demo
	wait_for_window shown
	measure "$label: --demo, window shown"
	close_window
	wait_for_window hidden
	measure "$label: --demo, window shown, then hidden"
	stop
}
[ -n "$baseline" ] && koppeling_cases "$out/bin/koppeling-$rev" "koppeling $rev (baseline)"
group=cur
koppeling_cases "$out/bin/koppeling" "koppeling $(git describe --always --dirty)"

# ------------------------------------------------------------------ report
echo
echo "VmRSS, median of $SAMPLES samples after settling (lowest-highest), and the ratio to the minimal app"
echo "(first ratio: to the minimal app with tags migrated_fynedo and the same Fyne patch; second, when"
echo "Koppeling's tags are more: to the minimal app with exactly Koppeling's tags, $tags):"
awk -F'\t' -v tags="$tags" '
	{ name[NR] = $1; rss[NR] = $2; lo[NR] = $3; hi[NR] = $4; grp[NR] = $5 }
	$1 ~ /^minimal app/ && $1 !~ /tags/ { yard[$5] = $2 }
	$1 == "minimal app (tags migrated_fynedo), window shown" { yard["cur"] = $2 }
	$1 == "minimal app (tags " tags "), window shown" { same = $2 }
	END {
		for (i = 1; i <= NR; i++) {
			printf "  %-58s %6.1f MiB (%.1f-%.1f)  %.2f x", name[i], rss[i]/1024, lo[i]/1024, hi[i]/1024, rss[i]/yard[grp[i]]
			if (same > 0 && grp[i] == "cur") printf "  %.2f x", rss[i]/same
			printf "\n"
		}
	}' "$results"
echo "Targets: window shown <= 1.20 x, --tray never shown <= 1.10 x, memory returned after hiding."
echo "Heap profiles (go tool pprof -top -sample_index=inuse_space|alloc_space BINARY FILE):"
for f in "$out"/*/heap.pprof; do
	[ -e "$f" ] || continue
	echo "  $f"
	if [ "$PROFILES" = 1 ]; then
		case "$f" in
		*/koppeling-"$rev"-*) b="$out/bin/koppeling-$rev" ;;
		*) b="$out/bin/koppeling" ;;
		esac
		go tool pprof -top -nodecount=25 -sample_index=inuse_space "$b" "$f" 2>/dev/null | sed 's/^/    /'
	fi
done
