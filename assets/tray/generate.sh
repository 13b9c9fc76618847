#!/usr/bin/env bash
# Regenerates the tray icons from ../icon.png with ImageMagick 6 (Debian:
# apt-get install imagemagick). Each is the app icon at 64x64; syncing adds a
# white badge with a circular arrow, problem a red badge with "!".
set -euo pipefail
cd "$(dirname "$0")"
IM=${IM:-/usr/bin/convert}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$IM" ../icon.png -resize 64x64 -strip idle.png

"$IM" -size 512x512 xc:none -fill white -stroke '#1F6E8C' -strokewidth 12 -draw "circle 372,372 372,236" \
  -fill none -stroke '#1F6E8C' -strokewidth 32 -draw "arc 292,292 452,452 335,205" \
  -fill '#1F6E8C' -stroke none -draw "polygon 322,289 260,326 333,360" "$tmp/syncing.png"
"$IM" ../icon.png "$tmp/syncing.png" -composite -resize 64x64 -strip syncing.png

"$IM" -size 512x512 xc:none -fill '#E5484D' -stroke white -strokewidth 20 -draw "circle 372,372 372,236" \
  -stroke none -fill white -draw "roundrectangle 352,288 392,404 16,16" -draw "circle 372,446 372,424" "$tmp/problem.png"
"$IM" ../icon.png "$tmp/problem.png" -composite -resize 64x64 -strip problem.png
