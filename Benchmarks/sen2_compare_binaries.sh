#!/usr/bin/env bash
# Compares two builds of the tool on SEN2 returns, byte for byte: every output file (cmp),
# the exit status, stdout and stderr. Used for issue 17's speed work (the chunked reader
# must give exactly what main's binary gives). Run from the repository root:
#   Benchmarks/sen2_compare_binaries.sh BASE_BINARY NEW_BINARY [WORK_DIR] [BIG_RETURN]
# WORK_DIR (default /tmp/sen2-compare) gets a generated 60,000-person return; BIG_RETURN (a
# 600,000-person return, optional) is compared too. Malformed returns: the 60,000-person one
# truncated at many points (later chunks too) and corrupted in a few ways.
set -u
BASE=$1; NEW=$2; WORK=${3:-/tmp/sen2-compare}; BIG=${4:-}
mkdir -p "$WORK"
fail=0; runs=0
run() {  # run NAME ARGS...: both binaries, same out folder, compared
  local name=$1; shift
  runs=$((runs + 1))
  for which in base new; do
    local bin=$BASE; [ $which = new ] && bin=$NEW
    rm -rf "$WORK/out"
    "$bin" "$@" --out "$WORK/out" >"$WORK/$which.stdout" 2>"$WORK/$which.stderr"
    echo $? >"$WORK/$which.status"
    rm -rf "$WORK/$which.out"; [ -d "$WORK/out" ] && mv "$WORK/out" "$WORK/$which.out"
  done
  local bad=""
  for f in stdout stderr status; do cmp -s "$WORK/base.$f" "$WORK/new.$f" || bad="$bad $f"; done
  if [ -d "$WORK/base.out" ] || [ -d "$WORK/new.out" ]; then
    diff -rq "$WORK/base.out" "$WORK/new.out" >/dev/null 2>&1 || bad="$bad outputs"
  fi
  if [ -n "$bad" ]; then echo "DIFFERENT $name:$bad"; fail=1; else echo "same      $name (status $(cat $WORK/new.status))"; fi
}
R60=$WORK/sen2-60000/sen2.xml
if [ ! -f "$R60" ]; then
  "$BASE" generate --sen2 --out "$WORK/sen2-60000" --seed 1 --requests 60000 --as-at 2025-10-31 >/dev/null
fi
run "sample (make run's SEN2 run)" analyse --sen2 SampleData/sen2.xml --period year --benchmark-la 351
for f in Tests/EHCPTimelinessTests/Fixtures/sen2/sen2_sample_202*.xml; do run "$(basename $f)" analyse --sen2 "$f"; done
run "combined sample" analyse --sen2 SampleData/sen2.xml --requests SampleData/requests.csv --as-at 2025-10-31
run "combined 60k" analyse --sen2 "$R60" --requests SampleData/requests.csv --as-at 2025-10-31
run "60k" analyse --sen2 "$R60"
run "60k --by team (lone return: refused)" analyse --sen2 "$R60" --by team
run "combined 60k --by team" analyse --sen2 "$R60" --requests SampleData/requests.csv --as-at 2025-10-31 --by team
run "60k --jobs 1" analyse --sen2 "$R60" --jobs 1
run "60k exceptions" exceptions --sen2 "$R60"
if [ -n "$BIG" ]; then
  run "big" analyse --sen2 "$BIG"
  run "big --by team (lone return: refused)" analyse --sen2 "$BIG" --by team
  run "combined big --by team" analyse --sen2 "$BIG" --requests SampleData/requests.csv --as-at 2025-10-31 --by team
  run "big --jobs 1" analyse --sen2 "$BIG" --jobs 1
fi
# Malformed: truncations across the whole file (so in every chunk) and corruptions.
size=$(stat -c %s "$R60")
for k in 1 2 3 5 8 13 21 29 37 45 53 61 69 77 85 90 95 98 99; do
  head -c $((size * k / 100 + k)) "$R60" >"$WORK/cut.xml"
  run "cut at $k %" analyse --sen2 "$WORK/cut.xml"
done
head -c $((size - 3)) "$R60" >"$WORK/cut.xml"; run "cut 3 bytes short" analyse --sen2 "$WORK/cut.xml"
corrupt() {  # corrupt NAME OFFSET BYTES: BYTES written over the 60k return at OFFSET
  cp "$R60" "$WORK/bad.xml"
  printf "$3" | dd of="$WORK/bad.xml" bs=1 seek=$2 conv=notrunc status=none
  run "$1" analyse --sen2 "$WORK/bad.xml"
}
corrupt "stray < at 70 %" $((size * 70 / 100)) '<'
corrupt "stray & at 40 %" $((size * 40 / 100)) '&'
corrupt "bad UTF-8 at 85 %" $((size * 85 / 100)) '\xff'
corrupt "control byte at 60 %" $((size * 60 / 100)) '\x01'
corrupt "]]> at 50 %" $((size * 50 / 100)) ']]>'
corrupt "comment opener at 33 %" $((size * 33 / 100)) '<!--'
corrupt "CR at 77 %" $((size * 77 / 100)) '\r'
# Well formed but not plain (read by libxml2 on one thread, or by the scanner): the same outputs.
sed 's/$/\r/' "$R60" >"$WORK/crlf.xml"; run "CRLF line ends" analyse --sen2 "$WORK/crlf.xml"
edit() {  # edit NAME FRACTION OLD NEW: the first OLD after FRACTION of the 60k return made NEW
  python3 - "$R60" "$WORK/edited.xml" "$2" "$3" "$4" <<'PY'
import sys
src, dst, frac, old, new = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4].encode(), sys.argv[5].encode()
b = open(src, "rb").read()
at = b.index(old, int(len(b) * frac))
open(dst, "wb").write(b[:at] + new + b[at + len(old):])
PY
  run "$1" analyse --sen2 "$WORK/edited.xml"
}
edit "entity in a name at 40 %" 0.4 "<Surname>" "<Surname>O&amp;"
edit "comment in a person at 60 %" 0.6 "<Person>" "<Person><!-- note -->"
edit "attribute at 75 %" 0.75 "<Requests>" '<Requests source="x">'
edit "character reference in an item at 50 %" 0.5 "<ReceivedDate>" "<ReceivedDate>&#50;"
edit "UTF-8 text at 30 %" 0.3 "<Sex>" "<Sex>é€😀"
edit "bad end tag at 80 %" 0.8 "</Requests>" "</Request>"
edit "undefined entity at 90 %" 0.9 "<Surname>" "<Surname>&nbsp;"
edit "empty element at 20 %" 0.2 "<RYA>0</RYA>" "<RYA/>"
echo "$runs runs compared"
exit $fail
