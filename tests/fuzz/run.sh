#!/bin/sh
# Build and run orbscreen's libFuzzer targets: the XYZ, SDF, JSON (QCSchema)
# and Gaussian94 parsers, the XYZ comment line's keys, and the number grammar
# behind every file and command-line number (with the DFT grid spec).
#   tests/fuzz/run.sh [SECONDS_PER_TARGET]     (default 60)
# Needs clang with libFuzzer (Debian: clang-14, libclang-rt-14-dev).  Work
# files go to $FUZZ_WORK (default /tmp/orbscreen-fuzz); crashers appear there
# as artifacts/<target>-crash-*: after fixing the bug, copy them into
# tests/fuzz/regressions/{xyz,g94}/ (comment: xyz) so ctest replays them.
set -u
T=${1:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=${FUZZ_WORK:-/tmp/orbscreen-fuzz}
CC=${CC:-clang-14}
command -v "$CC" >/dev/null 2>&1 || CC=clang
TARGETS="xyz comment g94 sdf json numbers"
for t in $TARGETS; do mkdir -p "$W/seeds/$t" "$W/corpus/$t"; done
mkdir -p "$W/artifacts"

FLAGS="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -D_POSIX_C_SOURCE=200809L -I$ROOT/src"
# The parsers and what they use (no BLAS, no libint, no libxc).
PARSERS="$ROOT/src/input/*.c $ROOT/src/core/error.c $ROOT/src/core/parse.c $ROOT/src/core/utf8.c
         $ROOT/src/core/sha256.c"
NUMBERS="$ROOT/src/core/error.c $ROOT/src/core/parse.c $ROOT/src/dft/grid.c $ROOT/src/dft/lebedev.c
         $ROOT/src/dft/becke.c
         $ROOT/src/cli/numeric.c"
for t in xyz comment g94 sdf json; do
    # shellcheck disable=SC2086
    $CC $FLAGS "$HERE/fuzz_$t.c" $PARSERS -lm -o "$W/fuzz_$t" || exit 1
done
# shellcheck disable=SC2086
$CC $FLAGS "$HERE/fuzz_numbers.c" $NUMBERS -lm -o "$W/fuzz_numbers" || exit 1

# Seeds: every XYZ file the project has; Gaussian94 files cut into one
# element block each (whole library files are too large to mutate well).
for f in "$ROOT"/molecules/*.xyz "$ROOT"/tests/bad-input/*.xyz "$ROOT"/tests/reference/*/*.xyz \
         "$HERE"/regressions/xyz/*; do
    [ -f "$f" ] && cp "$f" "$W/seeds/xyz/" 2>/dev/null
done
for f in "$ROOT"/basis/*.gbs; do
    b=$(basename "$f" .gbs)
    awk -v dir="$W/seeds/g94" -v base="$b" '
        BEGIN { n = 0; hdr = "" }
        NR <= 2 && ($1 == "cartesian" || $1 == "spherical") { hdr = $0 "\n"; next }
        /^!/ { next }
        { buf = buf $0 "\n" }
        /^\*\*\*\*/ { if (n < 6 && length(buf) < 4000) { printf "%s%s", hdr, buf > (dir "/" base "-" n); close(dir "/" base "-" n) }
                      n++; buf = "" }
        END { if (length(buf) > 0 && length(buf) < 4000) printf "%s%s", hdr, buf > (dir "/" base "-end") }
    ' "$f"
done
for f in "$ROOT"/tests/bad-input/*.gbs "$HERE"/regressions/g94/*; do
    [ -f "$f" ] && cp "$f" "$W/seeds/g94/" 2>/dev/null
done
# Comment lines: line 2 of every XYZ seed, and the bad-input ones.
for f in "$W"/seeds/xyz/*; do
    sed -n 2p "$f" > "$W/seeds/comment/$(basename "$f")" 2>/dev/null
done
# Numbers: mode byte (int, real, grid, int, CLI option), range/option byte,
# flag byte, then the text.
i=0
for v in 0 -1 +7 1000 -1001 4294967302 99999999999999999999 0x1d " 5" 5x 1.0D+01 1e400 \
         .5 5. -.5e-3 nan inf 50,302 75,4294967302 coarse ",302" "50,,302" 78.4 1 1e6 \
         1000001 0.5; do
    r=$((i % 8))
    for m in 0 1 2 4; do
        printf "\\00$m\\00$r\\001%s" "$v" > "$W/seeds/numbers/seed-$i-$m"
    done
    i=$((i + 1))
done
for t in sdf json; do
    for f in "$HERE"/regressions/$t/*; do [ -f "$f" ] && cp "$f" "$W/seeds/$t/"; done
done
rm -f "$W"/seeds/*/README.md

status=0
for t in $TARGETS; do
    echo "== fuzz_$t for ${T}s"
    dict=""
    [ -f "$HERE/$t.dict" ] && dict="-dict=$HERE/$t.dict"
    # shellcheck disable=SC2086
    "$W/fuzz_$t" -max_total_time="$T" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 $dict -artifact_prefix="$W/artifacts/$t-" \
        "$W/corpus/$t" "$W/seeds/$t" 2>"$W/fuzz_$t.log" || status=1
    grep -E "^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+.*DONE)" \
        "$W/fuzz_$t.log" || true
    grep -E "ERROR|SUMMARY|Test unit written" "$W/fuzz_$t.log" || true
done
ls "$W/artifacts"
exit $status
