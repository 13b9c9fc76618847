#!/usr/bin/env sh
# subset.sh: makes assets/fonts/NotoSans-*.ttf, the text fonts of Koppeling's
# window: Fyne v2.7.1's own Noto Sans (theme/font in the Fyne module), cut
# down with fontTools (Debian: python3-fonttools) to Latin, Latin-1, Latin
# Extended-A, general punctuation, the euro and a few symbols, with every
# layout feature (kerning, ligatures) of those glyphs kept. Text in those
# scripts looks exactly as with Fyne's fonts (the goldens of internal/ui
# compare); any other rune is drawn from Fyne's full font, which the patched
# Fyne loads only when a text needs it (packaging/fyne-patch/README.md).
#
#   assets/fonts/subset.sh       (from the repository root; PYTHON=/usr/bin/python3
#                                 when the python3 first on PATH lacks fontTools)
set -eu
fyne=$(go list -m -f '{{.Dir}}' fyne.io/fyne/v2)
unicodes="U+0020-007E,U+00A0-017F,U+0192,U+0218-021B,U+02C6-02DD,U+2000-206F,U+20AC,U+2122,U+2190-2193,U+2212,U+FFFD"
for style in Regular Bold Italic BoldItalic; do
	"${PYTHON:-python3}" -m fontTools.subset "$fyne/theme/font/NotoSans-$style.ttf" --unicodes="$unicodes" \
		--layout-features='*' --glyph-names --notdef-outline --name-IDs='*' --name-languages='*' \
		--output-file="assets/fonts/NotoSans-$style.ttf"
done
