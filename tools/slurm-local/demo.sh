#!/bin/bash
# Run tools/slurm/*.sh, unchanged, on the one-node Slurm of start.sh, and
# check that every route gives the results folder of one plain run:
#  1. screen-array.sh as 3 array tasks, merge.sh after them (afterany);
#  2. screen-mpi.sh (MPI build) with its default 2 ranks, and 3 ranks;
#  3. an array task requeued while it runs (as preemption does), which
#     resumes where it stopped.
# HF/6-31G on 10 small molecules and a bad one (whose failure must not stop
# the merge), then a 12-frame DME scan for the requeue; one thread per task.
# usage: tools/slurm-local/demo.sh BUILD MPI_BUILD [WORKDIR]
#   (BUILD, MPI_BUILD: folders holding orbscreen; WORKDIR: default
#   /tmp/orbscreen-slurm-demo, emptied first; it must be visible to the node)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
serial=$(cd "$1" && pwd)/orbscreen
mpi=$(cd "$2" && pwd)/orbscreen
work=${3:-/tmp/orbscreen-slurm-demo}
SAME="python3 $src/tests/results_same.py"
S=$src/tools/slurm
A=(--method hf --basis 6-31G)
fail=0
check() { # check STATUS WHAT
    if [ "$1" -eq 0 ]; then echo "PASS $2"; else fail=1; echo "FAIL $2"; fi
}
ended() { # wait until every task of job $1 has ended; print their states
    while scontrol -o show job "$1" | grep -qE 'JobState=(PENDING|CONFIGURING|RUNNING|COMPLETING|REQUEUED)'; do
        sleep 1
    done
    scontrol -o show job "$1" | grep -oE '^JobId=[0-9]+ (ArrayJobId=[0-9]+ ArrayTaskId=[0-9]+ )?|JobState=[A-Z]+|ExitCode=[0-9:]+|Restarts=[0-9]+' |
        paste -d ' ' - - - -
}

rm -rf "$work" && mkdir -p "$work/in" && cd "$work"
G=$src/tests/reference/geom
cp "$G"/{water,oh,ch3,o2,acetate,dme,dol}.xyz in/
printf '2\nname=h2\nH 0 0 0\nH 0 0 0.74\n' > in/h2.xyz
printf '2\nscan 1\nH 0 0 0\nH 0 0 0.70\n2\nscan 2\nH 0 0 0\nH 0 0 0.80\n' > in/h2scan.xyz
printf '3\ncharge=0 mult=1\nO 0 0 0\nH 0 0 abc\nH 0 1 0\n' > in/bad.xyz
set -- in/*.xyz
echo "inputs: $* (10 molecules and a bad one)"

# The plain runs to compare with (the bad molecule fails: exit 1).
"$serial" "${A[@]}" --threads 1 --quiet --out serial "$@" > /dev/null 2>&1 || true
"$mpi" "${A[@]}" --threads 1 --quiet --out serial-mpi "$@" > /dev/null 2>&1 || true

# 1. Job array of 3 shards, then the merge.
arr=$(ORBSCREEN=$serial CAMPAIGN=campaign sbatch --parsable --array=1-3 "$S/screen-array.sh" "${A[@]}" "$@")
mrg=$(ORBSCREEN=$serial CAMPAIGN=campaign sbatch --parsable --dependency=afterany:$arr "$S/merge.sh")
echo "array job $arr, merge job $mrg"
squeue -o '%.8i %.16j %.2t %.6D %.5C %R'
ended "$arr"
ended "$mrg"
$SAME serial campaign/all
check $? "3 array shards merged = the plain run's folder"

# 2. MPI: the script's 2 ranks (rank 0 + one worker), then 3 ranks on the
#    2 cores (--overcommit: rank 0 mostly waits).
m2=$(ORBSCREEN=$mpi CAMPAIGN=campaign sbatch --parsable "$S/screen-mpi.sh" "${A[@]}" "$@")
ended "$m2"
$SAME serial-mpi campaign/mpi
check $? "srun, 2 ranks = the MPI build run alone"
n=$(grep -c ': E = ' "slurm-$m2.out")
check $([ "$n" -eq 10 ]; echo $?) "one batch over the ranks: 10 molecules reported once each (got $n)"
m3=$(ORBSCREEN=$mpi CAMPAIGN=campaign3 sbatch --parsable --ntasks=3 --overcommit "$S/screen-mpi.sh" "${A[@]}" "$@")
ended "$m3"
$SAME serial-mpi campaign3/mpi
check $? "srun, 3 ranks = the MPI build run alone"
$SAME serial campaign/mpi > /dev/null
check $? "and the MPI build's numbers are the plain build's"

# 3. Requeue a running array task once 3 of its 12 frames are done.
for f in $(seq 0 11); do # the first atom moved by 0.01 A per frame
    awk -v f=$f 'NR == 2 {$0 = "frame " f} NR == 3 {$4 += 0.01 * f} 1' in/dme.xyz
done > scan.xyz
"$serial" "${A[@]}" --threads 1 --quiet --out serial-scan scan.xyz > /dev/null
rq=$(ORBSCREEN=$serial CAMPAIGN=requeue sbatch --parsable --array=1 "$S/screen-array.sh" "${A[@]}" scan.xyz)
i=0
until [ "$(cat requeue/shard1/orbscreen.jsonl 2> /dev/null | wc -l)" -ge 3 ] || [ $i -ge 600 ]; do
    sleep 0.1; i=$((i + 1))
done
before=$(wc -l < requeue/shard1/orbscreen.jsonl)
scontrol requeue "${rq}_1"
echo "requeued ${rq}_1 with $before of 12 frames done"
ended "$rq"
kept=$(grep -o -- '--resume: [0-9]* of 12' "slurm-${rq}_1.out" | tail -n 1)
check $([ "${kept#--resume: }" != "0 of 12" ] && [ -n "$kept" ]; echo $?) "the requeued task kept frames done before ($kept)"
$SAME serial-scan requeue/shard1
check $? "requeued and resumed = the plain run's folder"
exit $fail
