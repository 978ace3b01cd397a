#!/bin/sh
# <S^2> references for orbscreen's spin-contamination value (src/scf/spin.c):
# Psi4 1.3.2's UHF of the existing reference cases (tests/reference/CASE.in,
# same geometry, basis and settings), its printed "@S^2 Observed" and total
# energy into tests/reference/reduction/psi4_s2_CASE.txt; the input used is
# kept beside it.  Run from the repository root: sh tools/psi4_s2_refs.sh
set -e
OUT=tests/reference/reduction
for case in ch3_uhf_631gs oh_uhf_ccpvdz o2_uhf_631gs; do
    in=$OUT/psi4_s2_$case.in
    { echo "# Psi4 1.3.2: <S^2> of the UHF determinant; molecule and settings of tests/reference/$case.in"
      echo "# (written by tools/psi4_s2_refs.sh)"
      sed -e '/^#/d' -e '/^import time/d' -e '/^t0 = time.time()/,$d' "tests/reference/$case.in"
      echo "memory 2 gb"
      echo "e = energy('scf')"; } > "$in"
    tmp=$(mktemp -d)
    (cd "$tmp" && psi4 -n 1 "$OLDPWD/$in" out.txt > /dev/null 2>&1)
    s2=$(awk '/@S\^2 Observed:/ {print $3}' "$tmp/out.txt")
    e=$(awk '/Total Energy =/ {print $4; exit}' "$tmp/out.txt")
    printf '# Psi4 1.3.2 (Debian), input %s\ns2_observed %s\nenergy %s\n' \
        "psi4_s2_$case.in" "$s2" "$e" > "$OUT/psi4_s2_$case.txt"
    rm -rf "$tmp"
    cat "$OUT/psi4_s2_$case.txt"
done
