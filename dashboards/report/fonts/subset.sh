#!/bin/sh
# subset.sh rebuilds padis-report-kai.ttf, the font vendored for the
# monthly report, from Debian's fonts-lxgw-wenkai (LXGW WenKai Regular,
# TrueType outlines, SIL OFL 1.1; see OFL.txt). The subset is a Modified
# Version under the OFL, so it is renamed "PADIS Report Kai": the licence
# reserves the names "LXGW" and "霞鹜". Run it from anywhere:
#
#   apt-get install fonts-lxgw-wenkai python3-fonttools
#   (PYTHON=/usr/bin/python3 when another python3 without fontTools comes first)
#   sh dashboards/report/fonts/subset.sh
#
# The subset keeps: printable ASCII, Latin-1 punctuation and symbols, Greek,
# general punctuation (dashes, quotes, ‰, arrows, minus and math symbols
# used by the charts and the narrative), CJK symbols and punctuation,
# full-width forms, the 6,763 hanzi of GB 2312 and every character used in
# the embedded division names and the indicator catalog (printed by
# internal/charset).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
python=${PYTHON:-python3}
src=${LXGW_SRC:-/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf}
out="$here/padis-report-kai.ttf"
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

"$python" -m fontTools.subset "$src" \
	--unicodes="U+0020-007E,U+00A0-00FF,U+0370-03FF,U+2010-2027,U+2030-203A,U+2070-209F,U+2100-215F,U+2190-21FF,U+2212-2265,U+25A0-25FF,U+3000-303F,U+FF01-FF5E" \
	--unicodes-file="$tmp/chars.txt" \
	--layout-features='*' --no-hinting --desubroutinize \
	--output-file="$tmp/subset.ttf"

# Rename (OFL reserved font names), keep copyright and licence records, and
# check the outlines are TrueType (glyf): CFF fonts do not work in the PDF.
"$python" - "$tmp/subset.ttf" "$out" <<'PY'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1])
assert "glyf" in f, "subset is not TrueType (no glyf table)"
name = f["name"]
keep = {0: None, 13: None, 14: None}
for rec in name.names:
    if rec.nameID in keep and rec.platformID == 3 and rec.langID == 0x409:
        keep[rec.nameID] = rec.toUnicode()
name.names = []
fields = {
    0: keep[0] or "Copyright 2021-2022 lxgw",
    1: "PADIS Report Kai", 2: "Regular",
    3: "PADIS Report Kai Regular; subset of LXGW WenKai 1.250",
    4: "PADIS Report Kai Regular", 5: "Version 1.250-padis1",
    6: "PADISReportKai-Regular",
    10: "Subset of LXGW WenKai Regular for the PADIS monthly report",
    13: keep[13] or "SIL Open Font License, Version 1.1",
    14: keep[14] or "https://openfontlicense.org",
}
for nid, val in fields.items():
    name.setName(val, nid, 3, 1, 0x409)
    name.setName(val, nid, 1, 0, 0)
f.save(sys.argv[2])
PY

"$python" - "$out" <<'PY'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1])
print("%s: %d glyphs, %d code points, glyf outlines" % (sys.argv[1], f["maxp"].numGlyphs, len(f.getBestCmap())))
PY
ls -l "$out"
