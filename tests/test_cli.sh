#!/bin/sh
# The CLI contract (issues 2, 4, 5, 9): exit codes 0/1/2, one-line errors naming
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
"$B" --gas --method hf --basis cc-pVDZ --out "$T/out" --quiet "$REF/geom/water.xyz" "$T/bad.xyz" \
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
"$B" --gas --method hf --basis cc-pVDZ --jk exact --json "$T/exact.json" --no-results --quiet "$REF/geom/water.xyz"
got=$(energy water "$T/exact.json")
want=$(ref_energy water_hf_ccpvdz)
close_to "$got" "$want" 1e-6
check $? "--jk exact: water energy $got vs Psi4 exact $want (tol 1e-6 Eh)"
check $(grep -q '"jk": "exact",' "$T/exact.json" && grep -q '"aux": null,' "$T/exact.json"; echo $?) "JSON names the exact integrals"
"$B" --gas --method hf --basis cc-pVDZ --aux def2-qzvpp-jkfit --json "$T/aux.json" --no-results --quiet "$REF/geom/water.xyz"
check $(grep -q '"aux": "def2-QZVPP-JKFIT",' "$T/aux.json"; echo $?) "--aux: the chosen fitting basis is used"
"$B" --gas --jk fast "$REF/geom/water.xyz" --no-results 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown J/K method" "$T/err"; echo $?) "unknown --jk: exit 2 ($rc)"
"$B" --gas --aux cc-pVDZ "$REF/geom/water.xyz" --no-results 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown fitting basis" "$T/err"; echo $?) "unknown --aux: exit 2 ($rc)"

# 2. usage errors exit 2 before any work.
"$B" --gas --method nosuch "$REF/geom/water.xyz" --no-results 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown functional 'nosuch'" "$T/err"; echo $?) "unknown method: exit 2 ($rc)"
"$B" --gas --basis "6-31G(2df)" "$REF/geom/water.xyz" --no-results 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown basis set" "$T/err"; echo $?) "unknown basis: exit 2 ($rc)"
touch "$T/file"
"$B" --gas --method hf --out "$T/file/sub" "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "$T/file" "$T/err"; echo $?) "unwritable output folder: exit 2 ($rc)"
"$B" --gas --bogus 2> /dev/null; rc=$?
check $([ $rc -eq 2 ]; echo $?) "unknown option: exit 2 ($rc)"

# 3. no convergence within the limit is a failure, never a result.
"$B" --gas --method hf --basis cc-pVDZ --max-iter 3 --json "$T/nc.json" --no-results --quiet \
    "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && grep -q "not converged" "$T/err"; echo $?) "non-convergence: exit 1 ($rc)"
check $([ -z "$(energy water "$T/nc.json")" ]; echo $?) "no energy reported for an unconverged SCF"

# 4. a directory and a missing file given as molecules.
"$B" --gas --method hf --no-results --quiet "$T" "$T/missing.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && grep -q "is a directory" "$T/err" && grep -q "missing.xyz: cannot open" "$T/err"; echo $?) "directory and missing file: exit 1 ($rc)"

# 5. SIGTERM mid-batch: the molecule that finished is in complete files, no
#    temporary file is left.  (The second molecule takes many seconds.)
"$B" --gas --method hf --basis 6-31+G* --out "$T/sig" --quiet "$REF/geom/water.xyz" \
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
"$B" --gas --method hf --basis STO-3G --out "$T/dup" --quiet "$T/a/h2o.xyz" "$T/b/h2o.xyz" 2> /dev/null
check $([ -s "$T/dup/h2o.molden" ] && [ -s "$T/dup/h2o-2.molden" ]; echo $?) "same base name: h2o.molden and h2o-2.molden"
check $([ "$(wc -l < "$T/dup/orbscreen.jsonl")" -eq 2 ]; echo $?) "journal: one line per molecule"

# 7. A second run on a results folder in use fails at once (exit 2), naming it.
"$B" --gas --method hf --basis 6-31+G* --out "$T/busy" --quiet "$REF/geom/tfpaa.xyz" 2> /dev/null &
pid=$!
i=0
while [ ! -s "$T/busy/.orbscreen.lock" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
"$B" --gas --method hf --basis STO-3G --out "$T/busy" --quiet "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "in use by another orbscreen run" "$T/err"; echo $?) "results folder in use: exit 2 ($rc)"
kill -KILL $pid 2> /dev/null
wait $pid 2> /dev/null

# 8. SIGKILL mid-batch: every finished molecule is in the journal, every
#    file there parses, and the lock is free again.
"$B" --gas --method hf --basis cc-pVDZ --out "$T/kill" --quiet "$REF/geom/water.xyz" "$REF/geom/oh.xyz" \
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
"$B" --gas --method hf --basis STO-3G --out "$T/kill" --quiet "$REF/geom/water.xyz" 2> /dev/null; rc=$?
check $([ $rc -eq 0 ]; echo $?) "SIGKILL: the lock died with the run ($rc)"

# 9. Hostile input (issue 9): every class ends as a failed molecule with a
#    one-line reason naming the file, the rest of the batch still finishes,
#    and no wrong number is reported as a result.
W="$REF/geom/water.xyz"
want_w=$(ref_energy df/water_hf_ccpvdz_df)
# message FILE TEXT: the error output holds TEXT (fixed string)
has() { grep -qF -- "$2" "$1"; }

# 9a. The crash: charge=-2147483647 overflowed the electron count (SIGSEGV).
printf '2\ncharge=-2147483647 mult=2\nH 0 0 0\nH 0 0 0.74\n' > "$T/crash.xyz"
"$B" --gas --method hf --basis cc-pVDZ --no-results --json "$T/c.json" --quiet "$T/crash.xyz" "$W" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "crash.xyz:2: charge -2147483647 is outside -1000..1000"; echo $?) "charge -2147483647: a failed molecule, exit 1 ($rc)"
close_to "$(energy water "$T/c.json")" "$want_w" 1e-6
check $? "charge -2147483647: the molecule after it still runs"
# Fuzzed variants of the comment-line class: each a failed molecule naming line 2.
i=0
for c in 'charge=2147483648' 'charge=-1001' 'charge=0x10' 'charge = 99999999999' 'mult=-1' \
         'mult: 0' 'multiplicity=1e3' 'CHARGE:+-1' 'charge=1 Charge=1' 'mult=1 multiplicity=1' \
         'Charge 1.5' 'charge= mult=' 'mult=4294967298'; do
    i=$((i + 1))
    printf '2\n%s\nH 0 0 0\nH 0 0 0.74\n' "$c" > "$T/v$i.xyz"
    "$B" --gas --method hf --basis STO-3G --no-results --quiet "$T/v$i.xyz" 2> "$T/err"; rc=$?
    check $([ $rc -eq 1 ] && has "$T/err" "v$i.xyz:2: " && [ "$(wc -l < "$T/err")" -eq 1 ]; echo $?) "comment '$c': one-line error on line 2 ($rc)"
done
# Spellings that used to be ignored now count: H2- needs its doublet.
printf '2\ncharge = -1 mult = 2\nH 0 0 0\nH 0 0 0.74\n' > "$T/sp.xyz"
printf '2\ncharge: -1\nH 0 0 0\nH 0 0 0.74\n' > "$T/co.xyz"
"$B" --gas --method hf --basis STO-3G --no-results --json "$T/sp.json" --quiet "$T/sp.xyz" "$T/co.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && grep -q '"charge": -1' "$T/sp.json" && has "$T/err" "co.xyz:2: charge -1 and multiplicity 1 (not given on line 2) impossible with 3 electrons"; echo $?) "'charge = -1' read; 'charge: -1' read and checked ($rc)"
# The command line fills in what the file does not say: mult=2 from the file, --charge 1.
printf '2\nmult=2\nH 0 0 0\nH 0 0 0.74\n' > "$T/m2.xyz"
"$B" --gas --method hf --basis STO-3G --charge 1 --no-results --json "$T/m2.json" --quiet "$T/m2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && grep -q '"charge": 1' "$T/m2.json" && grep -q '"multiplicity": 2' "$T/m2.json"; echo $?) "file mult=2 with --charge 1: H2+ doublet runs ($rc)"
# Extra columns are refused, not read as another geometry.
printf '3\nwater\nO 8 0.0 0.0 0.1173\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n' > "$T/col5.xyz"
"$B" --gas --method hf --basis STO-3G --no-results --quiet "$T/col5.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "col5.xyz:3: expected 'Symbol x y z', found 5 fields"; echo $?) "5-column atom line refused ($rc)"
# Uranium: known, not in the basis set.
printf '1\n\nU 0 0 0\n' > "$T/u.xyz"
"$B" --gas --method hf --basis def2-SVP --no-results --quiet "$T/u.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "u.xyz: element U (Z = 92) is known but not supported by basis set def2-SVP"; echo $?) "U: known but not in the basis set ($rc)"
# A BOM before the count is read; a count line with more than the count says so.
printf '\357\273\2772\n\nH 0 0 0\nH 0 0 0.74\n' > "$T/bom.xyz"
printf '2\tH2\n\nH 0 0 0\nH 0 0 0.74\n' > "$T/tab.xyz"
"$B" --gas --method hf --basis STO-3G --no-results --json "$T/bom.json" --quiet "$T/bom.xyz" "$T/tab.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && [ -n "$(energy bom "$T/bom.json")" ] && has "$T/err" "tab.xyz:1: the atom count must stand alone on line 1 (found '2' then 'H2')"; echo $?) "BOM read, tab-separated extra text named ($rc)"

# 9b. Wrong numbers: the stretched H2 reaches the RHF ground state (Psi4, symmetric
#     occupation forced); a broken basis fails the molecule.
printf '2\ncharge=0 mult=1\nH 0 0 0\nH 0 0 20.0\n' > "$T/h2far.xyz"
"$B" --gas --method hf --basis STO-3G --jk exact --no-results --json "$T/far.json" --quiet "$T/h2far.xyz" 2> "$T/err"; rc=$?
want=$(awk '$1 == "energy" {print $2}' "$REF/stability/h2_20A_rhf_sto3g.ref")
close_to "$(energy h2far "$T/far.json")" "$want" 1e-6
check $? "H2 20 A apart: E $(energy h2far "$T/far.json") vs Psi4 ground state $want (not the -0.185 saddle point)"
check $(grep -q '"lowest_eigenvalue": 0\.7' "$T/far.json" && grep -q '"skipped": null' "$T/far.json"; echo $?) "H2 20 A: the JSON carries the stability check's eigenvalue (a minimum)"
# --stability auto (default) skips a closed-shell result with a wide gap, saying why;
# always checks it (water HF/STO-3G: gap 27 eV).
printf '3\ncharge=0\nO 0 0 0.1173\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n' > "$T/wst.xyz"
"$B" --gas --method hf --basis STO-3G --no-results --json "$T/wst.json" --quiet "$T/wst.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && grep -q '"skipped": "not needed: closed-shell HOMO-LUMO gap [0-9]*\.[0-9][0-9] eV' "$T/wst.json" && grep -q '"lowest_eigenvalue": null' "$T/wst.json"; echo $?) "--stability auto: water's check skipped for its gap, with the reason ($rc)"
"$B" --gas --method hf --basis STO-3G --stability always --no-results --json "$T/wst2.json" --quiet "$T/wst.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && grep -q '"lowest_eigenvalue": 0\.[0-9]' "$T/wst2.json" && grep -q '"skipped": null' "$T/wst2.json"; echo $?) "--stability always: water checked, a minimum ($rc)"
"$B" --gas --stability sometimes "$T/wst.xyz" > /dev/null 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && has "$T/err" "--stability: auto, always or off"; echo $?) "--stability: a bad value is a usage error ($rc)"
# In a solvent the solvated SCF starts from the checked gas-phase orbitals and is
# checked itself (the default Fock term is the energy's derivative): a minimum.
"$B" --method hf --basis STO-3G --jk exact --solvent water --no-results --json "$T/fars.json" --quiet "$T/h2far.xyz" 2> "$T/err"; rc=$?
close_to "$(energy h2far "$T/fars.json")" "$want" 1e-3
check $([ $? -eq 0 ] && [ $rc -eq 0 ] && grep -q '"lowest_eigenvalue": 0\.[0-9]' "$T/fars.json" && grep -q '"skipped": null' "$T/fars.json"; echo $?) "H2 20 A in water: the ground state (within 1e-3 Eh of the gas one), checked: a minimum ($rc)"
mkdir -p "$T/b1" "$T/b2" "$T/b3" "$T/b4"
printf 'H 0\nS 2 1.00\n 1.0 1.0\n 1.0000001 -1.0\n****\n' > "$T/b1/sto-3g.gbs"
printf 'H 0\nS 1 1.00\n 0xd 1.0\n****\n' > "$T/b2/sto-3g.gbs"
printf 'spherical\nH 0\nS 3 1.00\n 3.42525091 0.15432897\n 0.62391373 0.53532814\n 0.16885540 0.44463454\nP 1 1.00\n 1.0D-12 1.0\n****\n' > "$T/b3/sto-3g.gbs"
printf '2\ncharge=-2 mult=1\nH 0 0 0\nH 0 0 0.74\n' > "$T/h2m2.xyz"
printf '2\n\nH 0 0 0\nH 0 0 0.74\n' > "$T/h2.xyz"
ORBSCREEN_BASIS_DIR="$T/b1" "$B" --gas --method hf --basis STO-3G --no-results --quiet "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "h2.xyz: basis STO-3G: element H shell 1 is numerically ill-conditioned"; echo $?) "+1/-1 near-duplicate primitives refused ($rc)"
ORBSCREEN_BASIS_DIR="$T/b2" "$B" --gas --method hf --basis STO-3G --no-results --quiet "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "'0xd' is not a decimal number"; echo $?) "exponent 0xd refused ($rc)"
ORBSCREEN_BASIS_DIR="$T/b3" "$B" --gas --method b3lyp --grid coarse --basis STO-3G --jk exact --no-results --quiet "$T/h2m2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "h2m2.xyz: the DFT grid (50,194) integrates the density to"; echo $?) "exponent 1e-12: the grid's electron count fails the molecule ($rc)"

# A tight exponent of 1e30 leaves the Fock matrix no digits: refused.  One of 1e-30
# once hung the DFT set-up (a function 1e16 bohr wide walked in 0.05 bohr steps).
mkdir -p "$T/b5" "$T/b6"
printf 'H 0\nS 1 1.00\n 1.0D+30 1.0\nS 1 1.00\n 1.0 1.0\n****\n' > "$T/b5/sto-3g.gbs"
printf 'H 0\nS 1 1.00\n 1.0D-30 1.0\nS 1 1.00\n 1.0 1.0\n****\n' > "$T/b6/sto-3g.gbs"
ORBSCREEN_BASIS_DIR="$T/b5" "$B" --gas --method b3lyp --basis STO-3G --jk exact --no-results --quiet "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "h2.xyz: basis STO-3G: element H shell 1 has the exponent 1e+30, above 1e+09"; echo $?) "exponent 1e30 refused ($rc)"
ORBSCREEN_BASIS_DIR="$T/b6" timeout 60 "$B" --gas --method b3lyp --basis STO-3G --jk exact --no-results --quiet "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && [ "$(wc -l < "$T/err")" -eq 1 ] && has "$T/err" "h2.xyz: "; echo $?) "exponent 1e-30 under B3LYP: a failed molecule, no hang ($rc)"

# 9c. Hangs: a FIFO as the molecule or as the basis file is refused at once.
mkfifo "$T/fifo.xyz" "$T/b4/sto-3g.gbs"
timeout 60 "$B" --gas --method hf --basis STO-3G --no-results --quiet "$T/fifo.xyz" "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "fifo.xyz: is a FIFO, not a molecule file"; echo $?) "FIFO as the XYZ file: refused, no hang ($rc)"
ORBSCREEN_BASIS_DIR="$T/b4" timeout 60 "$B" --gas --method hf --basis STO-3G --no-results --quiet "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "sto-3g.gbs: is a FIFO, not a Gaussian94 basis file"; echo $?) "FIFO as the basis file: refused, no hang ($rc)"
# The fitting basis (density fitting, the default) comes from the same folder.
mkdir -p "$T/b7"
cp "$(dirname "$REF")/../basis/sto-3g.gbs" "$T/b7/" 2> /dev/null || printf 'H 0\nS 1 1.00\n 1.0 1.0\n****\n' > "$T/b7/sto-3g.gbs"
mkfifo "$T/b7/def2-svp-jkfit.gbs"
ORBSCREEN_BASIS_DIR="$T/b7" timeout 60 "$B" --gas --method hf --basis STO-3G --no-results --quiet "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "def2-svp-jkfit.gbs: is a FIFO, not a Gaussian94 basis file"; echo $?) "FIFO as the fitting basis file: refused, no hang ($rc)"

# 9d. Output lost or corrupted: stdout full or closed, symlinks, devices, bad UTF-8,
#     long names, no LUMO.
"$B" --gas --method hf --basis STO-3G --no-results --quiet --json - "$T/h2.xyz" > /dev/full 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "cannot write JSON to standard output: No space left on device"; echo $?) "--json - to a full disk: exit 1 with the reason ($rc)"
"$B" --gas --method hf --basis STO-3G --no-results --quiet --json - "$T/h2.xyz" >&- 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && has "$T/err" "standard output is closed"; echo $?) "--json - with stdout closed: exit 2 ($rc)"
echo old > "$T/target.json"
ln -s target.json "$T/link.json"
ln -s /dev/null "$T/null.json"
"$B" --gas --method hf --basis STO-3G --no-results --quiet --json "$T/link.json" "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && [ -L "$T/link.json" ] && [ -n "$(energy h2 "$T/target.json")" ]; echo $?) "--json through a symlink: the link stays, its target gets the JSON ($rc)"
# Refused before any work (a long batch's JSON is not lost at its end).
mkfifo "$T/fifo.json"
for dev in /dev/null "$T/null.json" "$T/fifo.json" "$T"; do
    timeout 60 "$B" --gas --method hf --basis STO-3G --no-results --quiet --json "$dev" "$T/h2.xyz" 2> "$T/err"; rc=$?
    check $([ $rc -eq 2 ] && has "$T/err" "(only regular files are written" && [ -c /dev/null ] && [ -p "$T/fifo.json" ]; echo $?) "--json $dev: refused up front, never replaced ($rc)"
done
bad=$(printf 'bad\377\376name')
printf '2\nname=X\303\050\001Y\nH 0 0 0\nH 0 0 0.74\n' > "$T/$bad.xyz"
long=$(printf 'L%.0s' $(seq 1 250))
cp "$T/h2.xyz" "$T/$long.xyz"
"$B" --gas --method hf --basis STO-3G --out "$T/u8" --quiet "$T/$bad.xyz" "$T/$long.xyz" "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ]; echo $?) "invalid UTF-8 and a 250-character name: exit 0 ($rc)"
check $(python3 -c 'import json, sys, csv, glob, xml.dom.minidom
d = sys.argv[1]
json.load(open(d + "/orbscreen.json", encoding="utf-8"))
for line in open(d + "/orbscreen.jsonl", encoding="utf-8"): json.loads(line)
xml.dom.minidom.parse(d + "/orbitals.svg")
list(csv.reader(open(d + "/orbscreen.csv", encoding="utf-8")))
assert len(glob.glob(d + "/*.molden")) == 3
for f in glob.glob(d + "/*.molden"): open(f, encoding="utf-8").read()' "$T/u8"; echo $?) "JSON, SVG, CSV and all three Molden files valid UTF-8 and parse"
printf '1\n\nHe 0 0 0\n' > "$T/he.xyz"
"$B" --gas --method hf --basis STO-3G --out "$T/he" "$T/he.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && has "$T/err" "LUMO none (no virtual orbital)" && ! grep -qi "inf" "$T/err" \
    && grep -q '"lumo_ev": null' "$T/he/orbscreen.json" \
    && awk -F, 'NR == 2 && $11 == "" {ok = 1} END {exit !ok}' "$T/he/orbscreen.csv"; echo $?) "no virtual orbital: none/null/empty, never inf ($rc)"

# 9d'. SCF thresholds by task (Psi4's convention): an energy run converges to
#      1e-6/1e-6, a --gradient run to the library's 1e-9/1e-7, --e-conv and
#      --d-conv override both; the energy's error stays second order.
thr() { python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))["molecules"][0]["scf_thresholds"]
print("%g %g" % (t["energy_change_eh"], t["orbital_gradient"]))' "$1"; }
"$B" --gas --method hf --basis cc-pVDZ --no-results --quiet --json "$T/th1.json" "$W"
"$B" --gas --method hf --basis cc-pVDZ --no-results --quiet --json "$T/th2.json" --gradient "$W"
"$B" --gas --method hf --basis cc-pVDZ --no-results --quiet --json "$T/th3.json" --e-conv 1e-10 \
    --d-conv 1e-9 "$W"
check $([ "$(thr "$T/th1.json")" = "1e-06 1e-06" ] && [ "$(thr "$T/th2.json")" = "1e-09 1e-07" ] \
    && [ "$(thr "$T/th3.json")" = "1e-10 1e-09" ]; echo $?) "SCF thresholds: energy 1e-6/1e-6, --gradient 1e-9/1e-7, --e-conv/--d-conv as given"
close_to "$(energy water "$T/th1.json")" "$(energy water "$T/th3.json")" 1e-9
check $? "energy at 1e-6/1e-6 vs 1e-10/1e-9: $(energy water "$T/th1.json") (tol 1e-9 Eh)"
close_to "$(energy water "$T/th1.json")" "$want_w" 1e-6
check $? "energy at 1e-6/1e-6 vs Psi4 DF $want_w (tol 1e-6 Eh)"

# 9e. Messages that keep their point.
for opt in charge mult threads jobs max-iter memory eps e-conv d-conv; do
    for v in -5x ' 5' 0x10 1e3x 99999999999999999999 - inf nan 1e400 ''; do
        "$B" --gas --$opt "$v" "$T/h2.xyz" 2> "$T/err"; rc=$?
        check $([ $rc -eq 2 ] && has "$T/err" "for --$opt"; echo $?) "--$opt '$v': exit 2 naming --$opt ($rc)"
    done
done
for opt in charge mult threads jobs max-iter memory; do
    "$B" --gas --$opt 1e3 "$T/h2.xyz" 2> "$T/err"; rc=$?
    check $([ $rc -eq 2 ] && has "$T/err" "invalid value '1e3' for --$opt: expected an integer"; echo $?) "--$opt 1e3: not an integer ($rc)"
done
for opt in mult threads jobs max-iter memory eps e-conv d-conv; do
    "$B" --gas --$opt -5 "$T/h2.xyz" 2> "$T/err"; rc=$?
    check $([ $rc -eq 2 ] && has "$T/err" "invalid value '-5' for --$opt: "; echo $?) "--$opt -5: the option named, not '-5' ($rc)"
done
for v in 1 0.5 1000001; do
    "$B" --eps $v "$T/h2.xyz" 2> "$T/err"; rc=$?
    check $([ $rc -eq 2 ] && has "$T/err" "invalid value '$v' for --eps: must be > 1 and <= 1000000"; echo $?) "--eps $v: outside the dielectric range ($rc)"
done
# Values the user typed come back in messages: escape sequences and invalid UTF-8
# never reach the terminal as such.
esc=$(printf 'x\033[2J\377y')
for opt in method basis jk aux solvent grid eps charge; do
    "$B" --gas --$opt "$esc" "$T/h2.xyz" 2> "$T/err"; rc=$?
    check $([ $rc -eq 2 ] && python3 -c 'import sys
t = open(sys.argv[1], "rb").read().decode("utf-8")
sys.exit("\x1b" in t or t.count("\n") != 1)' "$T/err"; echo $?) "--$opt with an escape sequence: one safe line ($rc)"
done
"$B" --gas "--$esc" "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && ! grep -q "$(printf '\033')" "$T/err"; echo $?) "unknown option with an escape sequence: quoted ($rc)"
"$B" --gas --grid 5,+302 "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && has "$T/err" "grid '5,+302'"; echo $?) "--grid 5,+302 refused (a count has no sign) ($rc)"
"$B" --gas --charge -5000 "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && has "$T/err" "invalid value '-5000' for --charge: outside -1000..1000"; echo $?) "--charge -5000: the option and its range ($rc)"
"$B" --gas --grid 50,4294967302 "$T/h2.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && has "$T/err" "4294967302 is not a Lebedev grid"; echo $?) "--grid 50,4294967302 refused, not run as 50,6 ($rc)"
deep="$T/$(printf 'd%.0s' $(seq 1 200))/$(printf 'e%.0s' $(seq 1 200))/$(printf 'f%.0s' $(seq 1 200))/x.xyz"
"$B" --gas --method hf --no-results --quiet "$deep" 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && has "$T/err" "x.xyz: cannot open: No such file or directory"; echo $?) "a 600-character path keeps the reason ($rc)"

# 10. --gradient: printed per molecule, and in the JSON (Eh/bohr) matching
#    Psi4's analytic gradient (tol 1e-6 Eh/bohr): density-fitted by default
#    (Psi4's DF gradient), --jk exact against Psi4's exact one.
grad_vs_psi4() { # JSON reference
    python3 -c 'import json, sys
g = json.load(open(sys.argv[1]))["molecules"][0]["gradient_eh_bohr"]
want = [float(x) for l in open(sys.argv[2]) if l.startswith("gradient ") for x in l.split()[1:]]
got = [x for row in g for x in row]
sys.exit(not (len(g) == 3 and len(got) == len(want) and max(abs(a - b) for a, b in zip(got, want)) <= 1e-6))' "$1" "$2"
}
"$B" --gas --method hf --basis cc-pVDZ --gradient --no-results --json "$T/grad.json" \
    "$REF/grad/geom/water_d.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && grep -q "water_d: gradient (Eh/bohr)" "$T/err"; echo $?) "--gradient: printed ($rc)"
check $(grad_vs_psi4 "$T/grad.json" "$REF/grad/water_hf_ccpvdz_df.ref"; echo $?) \
    "--gradient (DF, the default): JSON gradient_eh_bohr vs Psi4's DF gradient (tol 1e-6 Eh/bohr)"
"$B" --gas --method hf --basis cc-pVDZ --jk exact --gradient --no-results --json "$T/grad_exact.json" \
    "$REF/grad/geom/water_d.xyz" 2> /dev/null
check $(grad_vs_psi4 "$T/grad_exact.json" "$REF/grad/water_hf_ccpvdz.ref"; echo $?) \
    "--gradient --jk exact: JSON gradient_eh_bohr vs Psi4's exact gradient (tol 1e-6 Eh/bohr)"

finish
