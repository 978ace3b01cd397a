#!/bin/sh
# tools/slurm/*.sh without Slurm (tools/slurm-local/demo.sh runs them under
# a real one): each run by bash with the variables sbatch would set and an
# srun that just runs its command.  Three array tasks and merge.sh give the
# plain run's folder, screen-mpi.sh the plain run's too (one process here),
# and water's energy is Psi4's (1e-6 Eh).  HF/cc-pVDZ, exact integrals.
# usage: test_slurm_scripts.sh ORBSCREEN REFERENCE_DIR
. "$(dirname "$0")/cli_check.sh"
SAME="python3 $(dirname "$0")/results_same.py"
S=$(cd "$(dirname "$0")/../tools/slurm" && pwd)
G=$REF/geom
mkdir "$T/bin"
printf '#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nexec "$@"\n' > "$T/bin/srun"
chmod +x "$T/bin/srun"
printf '2\nname=h2\nH 0 0 0\nH 0 0 0.74\n' > "$T/h2.xyz"
printf '3\ncharge=0 mult=1\nO 0 0 0\nH 0 0 abc\nH 0 1 0\n' > "$T/bad.xyz"
set -- "$T/h2.xyz" "$G/water.xyz" "$T/bad.xyz" "$G/oh.xyz"
A="--gas --method hf --basis cc-pVDZ --jk exact"
export PATH="$T/bin:$PATH" ORBSCREEN="$B" CAMPAIGN="$T/c" SLURM_CPUS_PER_TASK=1

"$B" $A --threads 1 --out "$T/serial" "$@" > /dev/null 2>&1
for k in 1 2 3; do
    SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_ID=$k bash "$S/screen-array.sh" $A "$@" \
        > "$T/out$k" 2>&1
    rc=$?
    want=0; [ $k -eq 3 ] && want=1 # shard 3 of 3 holds the bad molecule
    check $([ $rc -eq $want ]; echo $?) "screen-array.sh task $k/3 exits $want (got $rc)"
done
check $([ -d "$T/c/shard1" ] && [ -d "$T/c/shard3" ]; echo $?) "the shards in \$CAMPAIGN/shardK"
bash "$S/merge.sh" > /dev/null 2>&1
rc=$?
check $([ $rc -eq 1 ]; echo $?) "merge.sh exits 1 for the failed molecule (got $rc)"
$SAME "$T/serial" "$T/c/all"
check $? "3 tasks merged = the plain run's folder"
bash "$S/screen-mpi.sh" $A "$@" > /dev/null 2>&1
$SAME "$T/serial" "$T/c/mpi"
check $? "screen-mpi.sh (one process) = the plain run's folder"
got=$(awk '/"name": "water",/ {f = 1} f && /"energy":/ {gsub(/[",]/, "", $2); print $2; exit}' "$T/c/all/orbscreen.json")
want=$(awk '$1 == "energy" {print $2}' "$REF/water_hf_ccpvdz.ref")
close_to "$got" "$want" 1e-6
check $? "water energy from the merged folder $got vs Psi4 $want (tol 1e-6 Eh)"
finish
