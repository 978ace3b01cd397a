#!/bin/sh
# Campaigns (issue 14): a run SIGKILLed half-way and then --resume'd gives
# the same results folder as an uninterrupted run and computes nothing that
# had finished; --shard K/N runs merged with `orbscreen merge` give the same
# folder as one run; --shard is parsed strictly.  HF/cc-pVDZ with exact
# integrals and one thread, so that two runs agree to the last bit; water's
# energy is also checked against Psi4 (1e-6 Eh).
# usage: test_campaign.sh ORBSCREEN REFERENCE_DIR
. "$(dirname "$0")/cli_check.sh"
SAME="python3 $(dirname "$0")/results_same.py"
G=$REF/geom
printf '2\nname=h2\nH 0 0 0\nH 0 0 0.74\n' > "$T/h2.xyz"
printf '3\ncharge=0 mult=1\nO 0 0 0\nH 0 0 abc\nH 0 1 0\n' > "$T/bad.xyz"
# two frames in one file, and a second "water" (another file of that name)
printf '2\nscan 1\nH 0 0 0\nH 0 0 0.70\n2\nscan 2\nH 0 0 0\nH 0 0 0.80\n' > "$T/h2scan.xyz"
mkdir "$T/other" && sed 's/0.11730000/0.12000000/' "$G/water.xyz" > "$T/other/water.xyz"
set -- "$T/h2.xyz" "$G/water.xyz" "$G/acetate.xyz" "$T/bad.xyz" "$T/h2scan.xyz" "$G/oh.xyz" \
    "$T/other/water.xyz"
NMOL=8
A="--method hf --basis cc-pVDZ --jk exact --jobs 1 --threads 1"

# 1. The uninterrupted run (the bad molecule fails: exit 1).
"$B" --gas $A --out "$T/full" "$@" > /dev/null 2> "$T/err.full"
rc=$?
check $([ $rc -eq 1 ]; echo $?) "uninterrupted run with a bad molecule exits 1 (got $rc)"
got=$(awk '/"name": "water",/ {f = 1} f && /"energy":/ {gsub(/[",]/, "", $2); print $2; exit}' "$T/full/orbscreen.json")
want=$(awk '$1 == "energy" {print $2}' "$REF/water_hf_ccpvdz.ref")
close_to "$got" "$want" 1e-6
check $? "water energy $got vs Psi4 $want (tol 1e-6 Eh)"

# 2. The same run, SIGKILLed once two molecules are in its journal (acetate,
#    the slowest, is then running), and resumed.
"$B" --gas $A --out "$T/killed" "$@" > /dev/null 2> /dev/null &
pid=$!
i=0
while [ "$(cat "$T/killed/orbscreen.jsonl" 2> /dev/null | wc -l)" -lt 2 ] && [ $i -lt 3000 ]; do
    sleep 0.02; i=$((i + 1))
done
kill -9 $pid 2> /dev/null
wait $pid
rc=$?
check $([ $rc -eq 137 ]; echo $?) "first run killed by SIGKILL before it finished (status $rc)"
done_before=$(grep -c '"error": null' "$T/killed/orbscreen.jsonl")
"$B" --gas $A --out "$T/killed" --resume "$@" > /dev/null 2> "$T/err.resume"
rc=$?
check $([ $rc -eq 1 ]; echo $?) "resumed run exits 1 like the uninterrupted one (got $rc)"
kept=$(grep -c '^\[.*: done by an earlier run' "$T/err.resume")
computed=$(grep -c ': E = ' "$T/err.resume")
full_ok=$(grep -c ': E = ' "$T/err.full")
check $([ "$kept" -eq "$done_before" ] && [ "$kept" -ge 2 ]; echo $?) \
    "resume kept the $done_before molecules that had succeeded (kept $kept)"
check $([ $((kept + computed)) -eq "$full_ok" ]; echo $?) \
    "resume computed only the rest ($computed computed + $kept kept = $full_ok good molecules)"
$SAME "$T/full" "$T/killed"
check $? "killed + resumed folder is the uninterrupted run's"

# 3. Resuming a finished folder computes nothing; other options compute everything.
"$B" --gas $A --out "$T/killed" --resume "$@" > /dev/null 2> "$T/err.again"
check $([ "$(grep -c ': E = ' "$T/err.again")" -eq 0 ]; echo $?) "resuming a finished run computes nothing"
$SAME "$T/full" "$T/killed" > /dev/null
check $? "and leaves the same folder"
rm "$T/killed/oh.molden"
"$B" --gas $A --out "$T/killed" --resume "$@" > /dev/null 2> "$T/err.molden"
check $([ "$(grep -c ': E = ' "$T/err.molden")" -eq 1 ] && grep -q '\] oh: E = ' "$T/err.molden"; echo $?) \
    "a result whose Molden file is gone is computed again (oh only)"
$SAME "$T/full" "$T/killed" > /dev/null
check $? "and the folder is whole again"
"$B" --gas $A --max-iter 99 --out "$T/killed" --resume "$T/h2.xyz" > /dev/null 2> "$T/err.opts"
check $([ "$(grep -c ': E = ' "$T/err.opts")" -eq 1 ]; echo $?) "other options: no result is reused"
"$B" merge "$T/one" "$T/killed" > /dev/null 2>&1
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["molecules"]))' "$T/one/orbscreen.json")
check $([ "$n" -eq 1 ]; echo $?) "and the folder's records are that run's alone (merge finds $n molecule)"

# 4. Summaries rebuilt from the records alone (a finished run resumed) are
#    the original's, also for solvation energies and gradients.
for extra in "--solvent water" "--gas --gradient"; do
    d="$T/x$(echo $extra | tr -d ' -')"
    "$B" $A $extra --out "$d" "$T/h2.xyz" "$G/oh.xyz" > /dev/null 2>&1
    cp -r "$d" "$d.first"
    "$B" $A $extra --out "$d" --resume "$T/h2.xyz" "$G/oh.xyz" > /dev/null 2> "$T/err.x"
    check $([ "$(grep -c ': E = ' "$T/err.x")" -eq 0 ]; echo $?) "$extra: resumed, nothing computed"
    $SAME "$d.first" "$d" > /dev/null
    check $? "$extra: summaries rebuilt from the records are the original's"
done
check $(grep -q '"solvation_energy"' "$T/xsolventwater/orbscreen.json"; echo $?) "solvation energies were there to compare"
check $(grep -q '"gradient_eh_bohr"' "$T/xgasgradient/orbscreen.json"; echo $?) "gradients were there to compare"

# 5. Three shards, merged: the uninterrupted run's folder.
for k in 1 2 3; do
    "$B" --gas $A --shard $k/3 --out "$T/shard$k" "$@" > /dev/null 2>&1
done
n1=$(wc -l < "$T/shard1/orbscreen.jsonl")
check $([ "$n1" -eq 3 ]; echo $?) "shard 1/3 ran molecules 1, 4 and 7 of 8 ($n1 molecules)"
"$B" merge "$T/merged" "$T/shard3" "$T/shard1" "$T/shard2" > "$T/table" 2> "$T/err.merge"
rc=$?
check $([ $rc -eq 1 ]; echo $?) "merge exits 1: one molecule failed (got $rc)"
$SAME "$T/full" "$T/merged"
check $? "merged shards are the uninterrupted run's folder"
check $(grep -q 'acetate' "$T/table"; echo $?) "merge prints the ranked table"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["molecules"]))' "$T/merged/orbscreen.json")
check $([ "$n" -eq $NMOL ]; echo $?) "merged folder holds all $NMOL molecules ($n)"

# 6. Refusals: bad --shard values, merging folders of another level of theory.
for s in 0/2 3/2 1/0 a/2 1/2x 1//2 /2 2 -1/2 1/2/3; do
    "$B" --gas $A --shard "$s" --no-results "$T/h2.xyz" > /dev/null 2> "$T/err.shard"
    rc=$?
    check $([ $rc -eq 2 ] && grep -q -- '--shard' "$T/err.shard"; echo $?) "--shard $s refused with exit 2 ($rc)"
done
"$B" --gas --method hf --basis sto-3g --jk exact --out "$T/sto" "$T/h2.xyz" > /dev/null 2>&1
"$B" merge "$T/mix" "$T/shard1" "$T/sto" > /dev/null 2> "$T/err.mix"
rc=$?
check $([ $rc -eq 2 ] && grep -q 'basis differs' "$T/err.mix"; echo $?) "merge refuses another basis (exit $rc)"
"$B" merge "$T/shard1/" "$T/shard1" "$T/shard2" > /dev/null 2> "$T/err.self"
rc=$?
check $([ $rc -eq 2 ] && grep -q 'must not be one of' "$T/err.self"; echo $?) "merge refuses OUT = one of its folders (exit $rc)"
"$B" --gas $A --resume --no-results "$T/h2.xyz" > /dev/null 2>&1
check $([ $? -eq 2 ]; echo $?) "--resume without a results folder refused"
finish
