#!/usr/bin/env bash
# Regenerates the platform icons in assets/icons/ from assets/icon.png (512x512).
# Needs ImageMagick 6 (convert) and perl; Debian: apt-get install imagemagick
# The results are committed, so a package build needs neither tool.
#
#   koppeling.ico          Windows: 16, 32, 48 and 256 pixels (exe resource, installer, shortcuts)
#   koppeling-N.png        Linux hicolor theme: N = 48, 64, 128, 256, 512
#   koppeling.icns         macOS: PNG entries from 16 to 512 pixels (with the @2x ones up to
#                          256@2x), drawn on Apple's icon grid (the body is 824/1024 of the
#                          canvas, centred, so that it lines up with other apps)
set -euo pipefail
cd "$(dirname "$0")/.."
IM=${IM:-convert}
src=assets/icon.png
out=assets/icons
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
# png SRC DEST OPTIONS...: writes an 8-bit RGBA PNG without timestamps, so that reruns are identical.
png() { "$IM" "$1" "${@:3}" -strip -define png:exclude-chunks=date,time "PNG32:$2"; }

for n in 48 64 128 256 512; do
  png "$src" "$out/koppeling-$n.png" -resize "${n}x${n}"
done

for n in 16 32 48 256; do
  png "$src" "$tmp/ico-$n.png" -resize "${n}x${n}"
done
"$IM" "$tmp/ico-16.png" "$tmp/ico-32.png" "$tmp/ico-48.png" "$tmp/ico-256.png" "$out/koppeling.ico"

png "$src" "$tmp/mac-512.png" -resize 412x412 -background none -gravity center -extent 512x512
for n in 16 32 64 128 256; do
  png "$tmp/mac-512.png" "$tmp/mac-$n.png" -resize "${n}x${n}"
done
# An .icns file is "icns", its total length, then entries of a four-letter
# type, the entry's length and (here) a PNG; lengths are big-endian.
perl -e '
  my @entries = (["icp4", 16], ["icp5", 32], ["ic11", 32], ["ic12", 64], ["ic07", 128],
                 ["ic13", 256], ["ic08", 256], ["ic14", 512], ["ic09", 512]);
  my $body = "";
  for my $e (@entries) {
    my ($type, $size) = @$e;
    open(my $f, "<:raw", "$ARGV[0]/mac-$size.png") or die "$!";
    local $/; my $png = <$f>; close $f;
    $body .= $type . pack("N", 8 + length $png) . $png;
  }
  open(my $out, ">:raw", $ARGV[1]) or die "$!";
  print $out "icns", pack("N", 8 + length $body), $body;
' "$tmp" "$out/koppeling.icns"
ls -l "$out"
