#!/bin/bash
# Malformed SEN2 returns through two binaries (issue 17's parallel reader against the
# one-thread one): the return RETURN.xml cut short at twelve points spread over the file
# (so in every chunk the parallel reader makes of it), and a start tag broken in the
# middle of the file and near its end. Each binary's exit status and stderr must be the
# same, and neither may write an output folder.
#
# Usage: Benchmarks/sen2_malformed_compare.sh OLD_BINARY NEW_BINARY RETURN.xml
# (a return above 8 MB, e.g. generate --sen2 --requests 60000, is read in chunks).
set -u
OLD=$(realpath "$1"); NEW=$(realpath "$2"); SRC=$(realpath "$3"); W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
size=$(stat -c %s $SRC); fails=0; n=0
for frac in 3 11 29 41 50 57 66 73 81 88 95 99; do
  cut=$(( size * frac / 100 + 17 ))
  head -c $cut $SRC > $W/ret.xml
  for b in OLD NEW; do
    bin=${!b}; rm -rf $W/o-$b
    (cd $W && $bin analyse --sen2 ret.xml --out o-$b > $W/$b.out 2> $W/$b.err; echo $? > $W/$b.rc)
    [ -e $W/o-$b ] && echo "$b wrote output at $frac%" 
  done
  n=$((n+1))
  if cmp -s $W/OLD.err $W/NEW.err && cmp -s $W/OLD.rc $W/NEW.rc; then echo "cut $frac% ($cut): same: rc $(cat $W/NEW.rc) $(head -c 150 $W/NEW.err)"; else echo "cut $frac%: DIFFER"; diff $W/OLD.err $W/NEW.err | head -5; cat $W/OLD.rc $W/NEW.rc; fails=$((fails+1)); fi
done
# A tag broken inside the file (not at its end): in the middle of chunk 2 and chunk 5.
for frac in 45 85; do
  off=$(( size * frac / 100 ))
  python3 - "$SRC" "$W/ret.xml" "$off" <<'PY'
import sys
src, dst, off = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
i = data.index(b'<ReceivedDate>', off)
open(dst, 'wb').write(data[:i] + b'<ReceivedDate x="1>' + data[i+len(b'<ReceivedDate>'):])
PY
  for b in OLD NEW; do bin=${!b}; rm -rf $W/o-$b; (cd $W && $bin analyse --sen2 ret.xml --out o-$b > $W/$b.out 2> $W/$b.err; echo $? > $W/$b.rc); [ -e $W/o-$b ] && echo "$b wrote output"; done
  n=$((n+1))
  if cmp -s $W/OLD.err $W/NEW.err && cmp -s $W/OLD.rc $W/NEW.rc; then echo "broken tag at $frac%: same: rc $(cat $W/NEW.rc) $(head -c 150 $W/NEW.err)"; else echo "broken tag $frac%: DIFFER"; fails=$((fails+1)); fi
done
echo "$n cases, $fails differ"
