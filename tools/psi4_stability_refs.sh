#!/bin/sh
# Psi4 1.3.2 references for orbscreen's stability analysis (tests/test_stability.c):
# runs every tests/reference/stability/<case>.in and writes <case>.ref with the
# SCF energy and the lowest stability eigenvalue Psi4 prints (RHF->RHF for RHF,
# UHF->UHF for UHF; 6 decimals, Eh).  One job at a time; output in $TMPDIR.
#   tools/psi4_stability_refs.sh [case ...]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$ROOT/tests/reference/stability
OUT=${TMPDIR:-/tmp}/orbscreen-psi4-stability
mkdir -p "$OUT"
cd "$DIR"
if [ $# -eq 0 ]; then set -- $(ls *.in | sed 's/\.in$//'); fi
for c in "$@"; do
    psi4 -n 1 "$c.in" "$OUT/$c.out" > /dev/null 2>&1
    e=$(awk '/^ORBSCREEN_ENERGY/ {print $2}' "$OUT/$c.out")
    # the first value after the heading: the lowest eigenvalue of the first block
    lam=$(awk '/Lowest (singlet \(RHF->RHF\)|UHF->UHF) stability eigenvalues/ {getline; print $2; exit}' "$OUT/$c.out")
    {
        echo "# Psi4 1.3.2 (Debian psi4 1:1.3.2+dfsg-5) on $c.in, scf_type pk, stability_analysis check"
        echo "energy    $e"
        echo "stability $lam"
    } > "$c.ref"
    echo "$c: energy $e, lowest stability eigenvalue $lam"
done
