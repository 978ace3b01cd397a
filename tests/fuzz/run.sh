#!/bin/sh
# Build and run orbscreen's libFuzzer targets (XYZ, SDF, JSON and Gaussian94 parsers).
#   tests/fuzz/run.sh [SECONDS_PER_TARGET]     (default 60)
# Needs clang with libFuzzer (Debian: clang-14, libclang-rt-14-dev).  Work
# files go to $FUZZ_WORK (default /tmp/orbscreen-fuzz); crashers appear there
# as artifacts/xyz-crash-* and artifacts/g94-crash-*: after fixing the bug,
# copy them into tests/fuzz/regressions/{xyz,g94}/ so ctest replays them.
set -u
T=${1:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=${FUZZ_WORK:-/tmp/orbscreen-fuzz}
CC=${CC:-clang-14}
command -v "$CC" >/dev/null 2>&1 || CC=clang
for t in xyz g94 sdf json; do mkdir -p "$W/seeds/$t" "$W/corpus/$t"; done
mkdir -p "$W/artifacts"

FLAGS="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -D_POSIX_C_SOURCE=200809L -I$ROOT/src"
# shellcheck disable=SC2086
for t in xyz g94 sdf json; do
    # shellcheck disable=SC2086
    $CC $FLAGS "$HERE/fuzz_$t.c" "$ROOT"/src/input/*.c "$ROOT/src/core/error.c" \
        "$ROOT/src/core/sha256.c" -lm -o "$W/fuzz_$t" || exit 1
done

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
for t in sdf json; do
    for f in "$HERE"/regressions/$t/*; do [ -f "$f" ] && cp "$f" "$W/seeds/$t/"; done
done
rm -f "$W"/seeds/*/README.md

status=0
for t in xyz g94 sdf json; do
    dict=""
    [ -f "$HERE/$t.dict" ] && dict="-dict=$HERE/$t.dict"
    echo "== fuzz_$t for ${T}s"
    "$W/fuzz_$t" -max_total_time="$T" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 $dict -artifact_prefix="$W/artifacts/$t-" \
        "$W/corpus/$t" "$W/seeds/$t" 2>"$W/fuzz_$t.log" || status=1
    grep -E "^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+.*DONE)" \
        "$W/fuzz_$t.log" || true
    grep -E "ERROR|SUMMARY|Test unit written" "$W/fuzz_$t.log" || true
done
ls "$W/artifacts"
exit $status
