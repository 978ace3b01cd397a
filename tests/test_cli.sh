#!/bin/sh
# The CLI contract (issues 2, 4, 5): exit codes 0/1/2, one-line errors naming
# file and line, a bad molecule in a batch costs only itself, results of the
# good ones are kept and right (energies vs the Psi4 references, 1e-6 Eh).
# usage: test_cli.sh ORBSCREEN REFERENCE_DIR
. "$(dirname "$0")/cli_check.sh"
# energy NAME FILE: the "energy" of molecule NAME in an orbscreen.json
energy() {
    awk -v n="\"name\": \"$1\"," '$0 ~ n {f = 1} f && /"energy":/ {gsub(/[",]/, "", $2); print $2; exit}' "$2"
}
ref_energy() { awk '$1 == "energy" {print $2}' "$REF/$1.ref"; }

printf '3\ncharge=0 mult=1\nO 0 0 0\nH 0 0 abc\nH 0 1 0\n' > "$T/bad.xyz"

# 1. good, bad, good: exit 1, one error line naming file and line, both results kept.
"$B" --method hf --basis cc-pVDZ --out "$T/out" --quiet "$REF/geom/water.xyz" "$T/bad.xyz" \
    "$REF/geom/oh.xyz" 2> "$T/err"
rc=$?
check $([ $rc -eq 1 ]; echo $?) "batch with one bad file exits 1 (got $rc)"
check $(grep -q "bad.xyz:4: non-numeric coordinate 'abc'" "$T/err"; echo $?) "error names file and line"
check $([ "$(grep -c 'bad.xyz' "$T/err")" -eq 1 ]; echo $?) "one error line for the bad file"
# Density fitting is the default: Psi4's scf_type df references (same fitting basis).
for m in water:df/water_hf_ccpvdz_df oh:df/oh_uhf_ccpvdz_df; do
    name=${m%%:*}; ref=${m#*:}
    got=$(energy "$name" "$T/out/orbscreen.json")
    want=$(ref_energy "$ref")
    close_to "$got" "$want" 1e-6
    check $? "$name energy in orbscreen.json $got vs Psi4 DF $want (tol 1e-6 Eh)"
    check $([ -s "$T/out/$name.molden" ]; echo $?) "$name.molden written"
done
check $([ ! -e "$T/out/bad.molden" ]; echo $?) "no Molden file for the failed molecule"
check $(grep -q '"error": "' "$T/out/orbscreen.json"; echo $?) "failed molecule carries an error in the JSON"
check $([ -z "$(ls "$T/out" | grep tmp)" ]; echo $?) "no temporary files left in the results folder"
check $(grep -q '"jk": "df",' "$T/out/orbscreen.json" && grep -q '"aux": "cc-pVDZ-JKFIT",' "$T/out/orbscreen.json"; echo $?) "JSON names density fitting and the fitting basis"

# 1b. --jk exact: four-centre integrals, Psi4's exact (pk) energy; --aux chooses the fitting set.
"$B" --method hf --basis cc-pVDZ --jk exact --json "$T/exact.json" --no-results --quiet "$REF/geom/water.xyz"
got=$(energy water "$T/exact.json")
want=$(ref_energy water_hf_ccpvdz)
close_to "$got" "$want" 1e-6
check $? "--jk exact: water energy $got vs Psi4 exact $want (tol 1e-6 Eh)"
check $(grep -q '"jk": "exact",' "$T/exact.json" && grep -q '"aux": null,' "$T/exact.json"; echo $?) "JSON names the exact integrals"
"$B" --method hf --basis cc-pVDZ --aux def2-qzvpp-jkfit --json "$T/aux.json" --no-results --quiet "$REF/geom/water.xyz"
check $(grep -q '"aux": "def2-QZVPP-JKFIT",' "$T/aux.json"; echo $?) "--aux: the chosen fitting basis is used"
"$B" --jk fast "$REF/geom/water.xyz" --no-results 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown J/K method" "$T/err"; echo $?) "unknown --jk: exit 2 ($rc)"
"$B" --aux cc-pVDZ "$REF/geom/water.xyz" --no-results 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown fitting basis" "$T/err"; echo $?) "unknown --aux: exit 2 ($rc)"

# 2. usage errors exit 2 before any work.
"$B" --method nosuch "$REF/geom/water.xyz" --no-results 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown functional 'nosuch'" "$T/err"; echo $?) "unknown method: exit 2 ($rc)"
"$B" --basis "6-31G(2df)" "$REF/geom/water.xyz" --no-results 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown basis set" "$T/err"; echo $?) "unknown basis: exit 2 ($rc)"
touch "$T/file"
"$B" --method hf --out "$T/file/sub" "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "$T/file" "$T/err"; echo $?) "unwritable output folder: exit 2 ($rc)"
"$B" --bogus 2> /dev/null; rc=$?
check $([ $rc -eq 2 ]; echo $?) "unknown option: exit 2 ($rc)"

# 3. no convergence within the limit is a failure, never a result.
"$B" --method hf --basis cc-pVDZ --max-iter 3 --json "$T/nc.json" --no-results --quiet \
    "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && grep -q "not converged" "$T/err"; echo $?) "non-convergence: exit 1 ($rc)"
check $([ -z "$(energy water "$T/nc.json")" ]; echo $?) "no energy reported for an unconverged SCF"

# 4. a directory and a missing file given as molecules.
"$B" --method hf --no-results --quiet "$T" "$T/missing.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && grep -q "is a directory" "$T/err" && grep -q "missing.xyz: cannot open" "$T/err"; echo $?) "directory and missing file: exit 1 ($rc)"

# 5. SIGTERM mid-batch: the molecule that finished is in complete files, no
#    temporary file is left.  (The second molecule takes many seconds.)
"$B" --method hf --basis 6-31+G* --out "$T/sig" --quiet "$REF/geom/water.xyz" \
    "$REF/geom/tfpaa.xyz" 2> /dev/null &
pid=$!
i=0
while [ ! -s "$T/sig/orbscreen.json" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid 2> /dev/null
wait $pid; rc=$?
check $([ $rc -ne 0 ]; echo $?) "SIGTERM ends the run with a non-zero status ($rc)"
check $(tail -c 3 "$T/sig/orbscreen.json" | grep -q '}'; echo $?) "orbscreen.json is complete"
check $([ -n "$(energy water "$T/sig/orbscreen.json")" ] && [ -s "$T/sig/water.molden" ]; echo $?) "the finished molecule's results are kept"
check $([ -z "$(ls "$T/sig" | grep tmp)" ]; echo $?) "no temporary files after SIGTERM"

# 6. Two inputs with the same base name get distinct output files.
mkdir -p "$T/a" "$T/b"
cp "$REF/geom/water.xyz" "$T/a/h2o.xyz"
cp "$REF/geom/water.xyz" "$T/b/h2o.xyz"
"$B" --method hf --basis STO-3G --out "$T/dup" --quiet "$T/a/h2o.xyz" "$T/b/h2o.xyz" 2> /dev/null
check $([ -s "$T/dup/h2o.molden" ] && [ -s "$T/dup/h2o-2.molden" ]; echo $?) "same base name: h2o.molden and h2o-2.molden"
check $([ "$(wc -l < "$T/dup/orbscreen.jsonl")" -eq 2 ]; echo $?) "journal: one line per molecule"

# 7. A second run on a results folder in use fails at once (exit 2), naming it.
"$B" --method hf --basis 6-31+G* --out "$T/busy" --quiet "$REF/geom/tfpaa.xyz" 2> /dev/null &
pid=$!
i=0
while [ ! -s "$T/busy/.orbscreen.lock" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
"$B" --method hf --basis STO-3G --out "$T/busy" --quiet "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "in use by another orbscreen run" "$T/err"; echo $?) "results folder in use: exit 2 ($rc)"
kill -KILL $pid 2> /dev/null
wait $pid 2> /dev/null

# 8. SIGKILL mid-batch: every finished molecule is in the journal, every
#    file there parses, and the lock is free again.
"$B" --method hf --basis cc-pVDZ --out "$T/kill" --quiet "$REF/geom/water.xyz" "$REF/geom/oh.xyz" \
    "$REF/geom/tfpaa.xyz" 2> /dev/null &
pid=$!
i=0
while [ "$(cat "$T/kill/orbscreen.jsonl" 2> /dev/null | wc -l)" -lt 2 ] && [ $i -lt 600 ]; do
    sleep 0.1; i=$((i + 1)); done
kill -KILL $pid 2> /dev/null
wait $pid 2> /dev/null
check $([ "$(wc -l < "$T/kill/orbscreen.jsonl")" -eq 2 ]; echo $?) "SIGKILL: both finished molecules are in the journal"
want=$(ref_energy df/oh_uhf_ccpvdz_df)
got=$(grep '"name": "oh"' "$T/kill/orbscreen.jsonl" | sed 's/.*"energy": \([-0-9.]*\).*/\1/')
close_to "$got" "$want" 1e-6
check $? "SIGKILL: OH energy recoverable from the journal $got vs Psi4 DF $want (tol 1e-6 Eh)"
check $(python3 -c 'import json, sys
for line in open(sys.argv[1]): json.loads(line)
json.load(open(sys.argv[2]))' "$T/kill/orbscreen.jsonl" "$T/kill/orbscreen.json"; echo $?) "SIGKILL: journal lines and orbscreen.json parse as JSON"
check $([ -z "$(ls "$T/kill" | grep tmp)" ]; echo $?) "SIGKILL: no temporary files"
"$B" --method hf --basis STO-3G --out "$T/kill" --quiet "$REF/geom/water.xyz" 2> /dev/null; rc=$?
check $([ $rc -eq 0 ]; echo $?) "SIGKILL: the lock died with the run ($rc)"

# 9. --gradient: printed per molecule, and in the JSON (Eh/bohr) matching
#    Psi4's analytic gradient (tol 1e-6 Eh/bohr): density-fitted by default
#    (Psi4's DF gradient), --jk exact against Psi4's exact one.
grad_vs_psi4() { # JSON reference
    python3 -c 'import json, sys
g = json.load(open(sys.argv[1]))["molecules"][0]["gradient_eh_bohr"]
want = [float(x) for l in open(sys.argv[2]) if l.startswith("gradient ") for x in l.split()[1:]]
got = [x for row in g for x in row]
sys.exit(not (len(g) == 3 and len(got) == len(want) and max(abs(a - b) for a, b in zip(got, want)) <= 1e-6))' "$1" "$2"
}
"$B" --method hf --basis cc-pVDZ --gradient --no-results --json "$T/grad.json" \
    "$REF/grad/geom/water_d.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && grep -q "water_d: gradient (Eh/bohr)" "$T/err"; echo $?) "--gradient: printed ($rc)"
check $(grad_vs_psi4 "$T/grad.json" "$REF/grad/water_hf_ccpvdz_df.ref"; echo $?) \
    "--gradient (DF, the default): JSON gradient_eh_bohr vs Psi4's DF gradient (tol 1e-6 Eh/bohr)"
"$B" --method hf --basis cc-pVDZ --jk exact --gradient --no-results --json "$T/grad_exact.json" \
    "$REF/grad/geom/water_d.xyz" 2> /dev/null
check $(grad_vs_psi4 "$T/grad_exact.json" "$REF/grad/water_hf_ccpvdz.ref"; echo $?) \
    "--gradient --jk exact: JSON gradient_eh_bohr vs Psi4's exact gradient (tol 1e-6 Eh/bohr)"

finish
