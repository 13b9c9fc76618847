#!/bin/sh
# Installs Koppeling from this folder (the unpacked tarball), or removes it.
#
#   ./install.sh                         install into ~/.local, or /usr/local when run as root
#   ./install.sh --prefix DIR            install into DIR (PREFIX=DIR works too)
#   ./install.sh --uninstall [--purge]   remove it again from the same prefix
#
# Installed: PREFIX/bin/koppeling, the menu entry
# (share/applications/nl.koppeling.desktop.desktop), the AppStream metadata
# (share/metainfo) and the icons (share/icons/hicolor). DESTDIR=DIR stages the
# files under DIR (for distribution packages) without touching the system.
#
# --uninstall also removes the invoking user's autostart entry
# (~/.config/autostart/koppeling.desktop, written by the app's "Start
# automatisch bij inloggen" setting). The user's settings, log and saved
# credentials stay unless --purge is given too.
set -eu

APP_ID=nl.koppeling.desktop
here=$(cd "$(dirname "$0")" && pwd)

usage() { sed -n '2,17s/^# \{0,1\}//p' "$0"; }

if [ "$(id -u)" -eq 0 ]; then prefix=${PREFIX:-/usr/local}; else prefix=${PREFIX:-$HOME/.local}; fi
uninstall=false
purge=false
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) [ $# -ge 2 ] || { usage >&2; exit 2; }; prefix=$2; shift ;;
	--prefix=*) prefix=${1#--prefix=} ;;
	--uninstall) uninstall=true ;;
	--purge) purge=true ;;
	-h | --help) usage; exit 0 ;;
	*) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
case $prefix in
/*) ;;
*) echo "install.sh: the prefix must be an absolute path: $prefix" >&2; exit 2 ;;
esac
if $purge && ! $uninstall; then
	echo "install.sh: --purge goes with --uninstall" >&2
	exit 2
fi
destdir=${DESTDIR:-}
root=$destdir$prefix
sizes="48 64 128 256 512"

# refresh updates the menu and icon caches of a live (non-staged) prefix.
refresh() {
	[ -z "$destdir" ] || return 0
	if command -v update-desktop-database >/dev/null 2>&1; then
		update-desktop-database -q "$prefix/share/applications" 2>/dev/null || true
	fi
	if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$prefix/share/icons/hicolor/index.theme" ]; then
		gtk-update-icon-cache -q -t -f "$prefix/share/icons/hicolor" 2>/dev/null || true
	fi
}

if $uninstall; then
	rm -f "$root/bin/koppeling" \
		"$root/share/applications/$APP_ID.desktop" \
		"$root/share/metainfo/$APP_ID.metainfo.xml"
	for n in $sizes; do
		rm -f "$root/share/icons/hicolor/${n}x$n/apps/$APP_ID.png"
	done
	config=${XDG_CONFIG_HOME:-}
	case $config in /*) ;; *) config=$HOME/.config ;; esac
	if [ -z "$destdir" ]; then
		rm -f "$config/autostart/koppeling.desktop"
	fi
	if $purge; then
		rm -rf "$config/Koppeling" "$config/fyne/$APP_ID"
		if command -v secret-tool >/dev/null 2>&1; then
			secret-tool clear service "$APP_ID" username credentials 2>/dev/null || true
		fi
		echo "Koppeling and its data are removed from $prefix and $config."
	else
		echo "Koppeling is removed from $prefix; your settings and log stay in $config/Koppeling."
	fi
	refresh
	exit 0
fi

# The menu entry starts the installed binary by its full path, so that it
# works when PREFIX/bin is not on the session's PATH. Paths with characters a
# desktop entry would need to escape are refused rather than mangled.
exe=$prefix/bin/koppeling
case $exe in
*[!A-Za-z0-9/._+-]*) echo "install.sh: the prefix may only hold letters, digits and / . _ + -: $prefix" >&2; exit 2 ;;
esac

install -d "$root/bin" "$root/share/applications" "$root/share/metainfo"
install -m 0755 "$here/koppeling" "$root/bin/koppeling"
sed -e "s|^Exec=koppeling\$|Exec=$exe|" -e "s|^TryExec=koppeling\$|TryExec=$exe|" \
	"$here/share/applications/$APP_ID.desktop" >"$root/share/applications/$APP_ID.desktop"
chmod 0644 "$root/share/applications/$APP_ID.desktop"
install -m 0644 "$here/share/metainfo/$APP_ID.metainfo.xml" "$root/share/metainfo/$APP_ID.metainfo.xml"
for n in $sizes; do
	install -d "$root/share/icons/hicolor/${n}x$n/apps"
	install -m 0644 "$here/share/icons/hicolor/${n}x$n/apps/$APP_ID.png" "$root/share/icons/hicolor/${n}x$n/apps/$APP_ID.png"
done
refresh
echo "Koppeling is installed in $prefix. Start it from the menu or with: $exe"
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) echo "Note: $prefix/bin is not on your PATH." ;;
esac
