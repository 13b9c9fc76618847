#!/usr/bin/env bash
# finish-app.sh APP ICNS: completes the Koppeling.app that `fyne package -os
# darwin` made, for a tray app:
#   - Info.plist: LSUIElement = true (no Dock icon, no app menu: the app lives
#     in the menu bar), the Business category, Dutch as the development region
#     with Dutch and English localizations, and macOS 12 as the minimum (what
#     Go 1.26 needs; fyne's template says 10.11);
#   - Contents/Resources/icon.icns: the icon of assets/icons (Apple's grid);
#   - on a Mac: plutil -lint, then a code signature: with MAC_SIGN_IDENTITY
#     (a "Developer ID Application" identity in the keychain) a hardened-runtime
#     signature with a secure timestamp, otherwise an ad-hoc one (Apple Silicon
#     runs no unsigned code).
# The Info.plist edit is plain text processing, so it runs (and is tested) on
# any system; fyne's template is pinned with fyne.io/tools in packaging.mk.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 APP ICNS" >&2; exit 2; }
app=$1
icns=$2
plist=$app/Contents/Info.plist
[ -f "$plist" ] || { echo "finish-app.sh: no $plist" >&2; exit 1; }

grep -q '<key>LSUIElement</key>' "$plist" && { echo "finish-app.sh: $plist is already finished" >&2; exit 1; }
awk '
  pending != "" {                       # the value line after a key we replace
    if (pending == "category") print "\t<string>public.app-category.business</string>"
    else if (pending == "minimum") print "\t<string>12.0</string>"
    pending = ""; next
  }
  /<key>LSApplicationCategoryType<\/key>/ { print; pending = "category"; next }
  /<key>LSMinimumSystemVersion<\/key>/ { print; pending = "minimum"; next }
  /^<\/dict>$/ {
    print "\t<key>LSUIElement</key>"
    print "\t<true/>"
    print "\t<key>CFBundleDevelopmentRegion</key>"
    print "\t<string>nl</string>"
    print "\t<key>CFBundleLocalizations</key>"
    print "\t<array>"
    print "\t\t<string>nl</string>"
    print "\t\t<string>en</string>"
    print "\t</array>"
  }
  { print }
' "$plist" >"$plist.new"
mv "$plist.new" "$plist"
for key in LSUIElement LSApplicationCategoryType LSMinimumSystemVersion CFBundleIdentifier; do
  [ "$(grep -c "<key>$key</key>" "$plist")" -eq 1 ] || { echo "finish-app.sh: $key not exactly once in $plist" >&2; exit 1; }
done

cp "$icns" "$app/Contents/Resources/icon.icns"

if command -v plutil >/dev/null 2>&1; then
  plutil -lint "$plist"
fi
if command -v codesign >/dev/null 2>&1; then
  if [ -n "${MAC_SIGN_IDENTITY:-}" ]; then
    codesign --force --deep --options runtime --timestamp --sign "$MAC_SIGN_IDENTITY" "$app"
  else
    codesign --force --deep --sign - "$app"
  fi
  codesign --verify --strict --verbose=1 "$app"
fi
