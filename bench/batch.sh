#!/bin/sh
# Batch throughput: N copies of H2 (STO-3G, HF) with the results folder on,
# the case of issue 8 (writing results must cost time linear in N).
#   bench/batch.sh [N]       (default 1000; run from the repository root)
# Prints the wall time with results, without results, and their difference.
set -eu
N=${1:-1000}
B=${ORBSCREEN:-build/orbscreen}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
i=1
while [ $i -le "$N" ]; do
    printf '2\ncharge=0 mult=1\nH 0 0 0\nH 0 0 0.74\n' > "$T/h2_$i.xyz"
    i=$((i + 1))
done
now() { date +%s.%N; }
t0=$(now)
"$B" --gas --method hf --basis STO-3G --quiet --out "$T/out" "$T"/h2_*.xyz
t1=$(now)
"$B" --gas --method hf --basis STO-3G --quiet --no-results "$T"/h2_*.xyz
t2=$(now)
lines=$(wc -l < "$T/out/orbscreen.jsonl")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$N" -v l="$lines" 'BEGIN {
    printf "%d H2 molecules: %.2f s with results (%d journal lines), %.2f s without, results cost %.2f s\n",
           n, b - a, l, c - b, (b - a) - (c - b) }'
