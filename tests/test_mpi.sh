#!/bin/sh
# A batch across MPI ranks (issue 14): `mpirun -n 2` (rank 0 hands out, one
# worker rank computes) and `mpirun -n 3` give the same results folder as the
# same binary run alone, a bad molecule fails alone, and water's energy is
# Psi4's (1e-6 Eh).  HF/cc-pVDZ, exact integrals, one thread per rank.
# usage: test_mpi.sh ORBSCREEN REFERENCE_DIR MPIEXEC
. "$(dirname "$0")/cli_check.sh"
MPIEXEC=$3
SAME="python3 $(dirname "$0")/results_same.py"
G=$REF/geom
root=""
[ "$(id -u)" -eq 0 ] && root="--allow-run-as-root"
printf '2\nname=h2\nH 0 0 0\nH 0 0 0.74\n' > "$T/h2.xyz"
printf '3\ncharge=0 mult=1\nO 0 0 0\nH 0 0 abc\nH 0 1 0\n' > "$T/bad.xyz"
printf '2\nscan 1\nH 0 0 0\nH 0 0 0.70\n2\nscan 2\nH 0 0 0\nH 0 0 0.80\n' > "$T/h2scan.xyz"
set -- "$T/h2.xyz" "$G/water.xyz" "$T/bad.xyz" "$T/h2scan.xyz" "$G/oh.xyz"
A="--gas --method hf --basis cc-pVDZ --jk exact --threads 1"

"$B" $A --out "$T/serial" "$@" > /dev/null 2>&1
rc=$?
check $([ $rc -eq 1 ]; echo $?) "serial run with a bad molecule exits 1 (got $rc)"
for np in 2 3; do
    timeout 300 "$MPIEXEC" $root --oversubscribe -n $np "$B" $A --out "$T/mpi$np" "$@" \
        > "$T/table$np" 2> "$T/err$np"
    rc=$?
    check $([ $rc -eq 1 ]; echo $?) "mpirun -n $np with a bad molecule exits 1 (got $rc)"
    check $([ "$(grep -c 'bad.xyz:4: non-numeric coordinate' "$T/err$np")" -eq 1 ]; echo $?) \
        "-n $np: the bad molecule's error, once"
    check $([ "$(grep -c ': E = ' "$T/err$np")" -eq 5 ]; echo $?) "-n $np: the 5 good molecules finished"
    $SAME "$T/serial" "$T/mpi$np"
    check $? "-n $np: the serial run's results folder"
done
got=$(awk '/"name": "water",/ {f = 1} f && /"energy":/ {gsub(/[",]/, "", $2); print $2; exit}' "$T/mpi2/orbscreen.json")
want=$(awk '$1 == "energy" {print $2}' "$REF/water_hf_ccpvdz.ref")
close_to "$got" "$want" 1e-6
check $? "water energy over MPI $got vs Psi4 $want (tol 1e-6 Eh)"
finish
