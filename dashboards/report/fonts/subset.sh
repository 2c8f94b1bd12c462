#!/bin/sh
# subset.sh rebuilds the two fonts vendored for the monthly report, in the
# families official documents use (GB/T 9704 sets body text in a 宋/仿宋
# face and headings in 黑体):
#
#   padis-report-song.ttf  "PADIS Report Song", body text and tables: a
#                          subset of AR PL UMing CN (Debian fonts-arphic-uming,
#                          Arphic Public License, see ARPHICPL.TXT)
#   padis-report-hei.ttf   "PADIS Report Hei", title, headings, table
#                          headers, charts, and the fallback for the few
#                          rare place-name characters UMing lacks: a subset
#                          of WenQuanYi Zen Hei (Debian fonts-wqy-zenhei,
#                          GPL-2 with the font embedding exception, see
#                          WQY-ZENHEI-LICENSE.txt)
#
# Both have TrueType (glyf) outlines: CFF fonts (Noto CJK, Source Han,
# Fandol) cannot be embedded by the PDF writer. Run it from anywhere:
#
#   apt-get install fonts-arphic-uming fonts-wqy-zenhei python3-fonttools
#   (PYTHON=/usr/bin/python3 when another python3 without fontTools comes first)
#   sh dashboards/report/fonts/subset.sh
#
# Each subset keeps: printable ASCII, Latin-1 punctuation and symbols, Greek,
# general punctuation (dashes, quotes, ‰, arrows, minus and math symbols
# used by the charts and the narrative), CJK symbols and punctuation,
# full-width forms, the 6,763 hanzi of GB 2312 and every character used in
# the embedded division names and the indicator catalog (printed by
# internal/charset). Neither source font has U+2212 MINUS SIGN: the script
# draws it (a bar as wide as the plus sign, as thick as the hyphen, on the
# plus sign's centre line), so that negative numbers print a true minus;
# and a full-width U+2013 EN DASH (UMing's) is redrawn one digit wide, so
# that an interval reads "1.15–1.23", not "1.15—1.23".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
python=${PYTHON:-python3}
song_src=${SONG_SRC:-/usr/share/fonts/truetype/arphic/uming.ttc}
hei_src=${HEI_SRC:-/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Characters of the division names and the indicator catalog.
(cd "$root" && go run ./dashboards/report/internal/charset) > "$tmp/divisions.txt"

# The hanzi of GB 2312 (rows 0xB0–0xF7, cells 0xA1–0xFE; row 0xD7 stops at 0xF9).
"$python" - "$tmp/gb2312.txt" <<'PY'
import sys
out = []
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            ch = bytes([hi, lo]).decode("gb2312")
        except UnicodeDecodeError:
            continue
        out.append("U+%04X" % ord(ch))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY

cat "$tmp/divisions.txt" "$tmp/gb2312.txt" > "$tmp/chars.txt"

subset() { # source-collection index output family short-name
	"$python" -m fontTools.subset "$1" --font-number="$2" \
		--unicodes="U+0020-007E,U+00A0-00FF,U+0370-03FF,U+2010-2027,U+2030-203A,U+2070-209F,U+2100-215F,U+2190-21FF,U+2212-2265,U+25A0-25FF,U+3000-303F,U+FF01-FF5E" \
		--unicodes-file="$tmp/chars.txt" \
		--layout-features='*' --no-hinting --desubroutinize --drop-tables+=EBDT,EBLC,EBSC \
		--output-file="$tmp/subset.ttf"
	"$python" - "$tmp/subset.ttf" "$3" "$4" "$5" <<'PY'
import sys
from fontTools.ttLib import TTFont
from fontTools.pens.ttGlyphPen import TTGlyphPen
src, out, family, short = sys.argv[1:5]
f = TTFont(src)
assert "glyf" in f, "subset is not TrueType (no glyf table)"
for t in ("EBDT", "EBLC", "EBSC"):  # bitmaps are not used by the PDF
    if t in f:
        del f[t]
cmap = f.getBestCmap()
glyf, hmtx = f["glyf"], f["hmtx"]
if 0x2212 not in cmap:
    plus, hyphen = glyf[cmap[0x2B]], glyf[cmap[0x2D]]
    plus.recalcBounds(glyf); hyphen.recalcBounds(glyf)
    mid = (plus.yMin + plus.yMax) / 2
    th = max(hyphen.yMax - hyphen.yMin, 1)
    pen = TTGlyphPen(None)
    y0, y1 = round(mid - th / 2), round(mid + th / 2)
    pen.moveTo((plus.xMin, y0)); pen.lineTo((plus.xMin, y1))
    pen.lineTo((plus.xMax, y1)); pen.lineTo((plus.xMax, y0)); pen.closePath()
    name = "uni2212"
    f.setGlyphOrder(f.getGlyphOrder() + [name])
    glyf[name] = pen.glyph()
    glyf[name].recalcBounds(glyf)
    hmtx[name] = (hmtx[cmap[0x2B]][0], plus.xMin)
    for t in f["cmap"].tables:
        if t.isUnicode():
            t.cmap[0x2212] = name
    f["maxp"].numGlyphs = len(f.getGlyphOrder())
# A CJK font's en dash may be full width, reading as an em dash between
# the bounds of an interval ("1.15—1.23"): redraw it as a bar one digit
# wide at the hyphen's height.
endash = cmap.get(0x2013)
zero_adv = hmtx[cmap[0x30]][0]
if endash and hmtx[endash][0] > 1.5 * zero_adv:
    hyphen = glyf[cmap[0x2D]]
    hyphen.recalcBounds(glyf)
    pen = TTGlyphPen(None)
    x0, x1 = round(zero_adv * 0.04), round(zero_adv * 0.96)
    pen.moveTo((x0, hyphen.yMin)); pen.lineTo((x0, hyphen.yMax))
    pen.lineTo((x1, hyphen.yMax)); pen.lineTo((x1, hyphen.yMin)); pen.closePath()
    glyf[endash] = pen.glyph()
    glyf[endash].recalcBounds(glyf)
    hmtx[endash] = (zero_adv, x0)
name = f["name"]
copyright = name.getDebugName(0) or ""
licence = name.getDebugName(13) or ""
url = name.getDebugName(14) or ""
name.names = []
fields = {
    0: copyright,
    1: family, 2: "Regular",
    3: family + " Regular; subset for the PADIS monthly report",
    4: family + " Regular", 5: "Version 1.0-padis",
    6: short,
    10: "Modified by the PADIS project, December 2026: subset to GB 2312 and the division names, renamed, bitmaps removed, U+2212 added, a full-width U+2013 redrawn one digit wide (see subset.sh in the PADIS sources)",
    13: licence,
    14: url,
}
for nid, val in fields.items():
    if val:
        name.setName(val, nid, 3, 1, 0x409)
        name.setName(val, nid, 1, 0, 0)
f.save(out)
g = TTFont(out)
print("%s: %d glyphs, %d code points, glyf outlines" % (out, g["maxp"].numGlyphs, len(g.getBestCmap())))
PY
}

subset "$song_src" 0 "$here/padis-report-song.ttf" "PADIS Report Song" PADISReportSong-Regular
subset "$hei_src" 0 "$here/padis-report-hei.ttf" "PADIS Report Hei" PADISReportHei-Regular
ls -l "$here"/padis-report-*.ttf
