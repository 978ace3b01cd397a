#!/bin/sh
# orbscreen in pipelines (issue 13): the table on stdout and progress on
# stderr; multi-frame XYZ, SDF from Open Babel and standard input; every
# molecule's QCSchema result valid for qcelemental; an AtomicInput on stdin
# giving the XYZ route's energy; orbscreen.json valid against its JSON
# Schema; --version naming the libraries.
# usage: test_pipeline.sh ORBSCREEN REFERENCE_DIR SOURCE_DIR
SRC=$3
PY=/usr/bin/python3 # Debian's, with python3-qcelemental and python3-jsonschema
CHK="$PY $SRC/tests/pipeline_check.py"
. "$(dirname "$0")/cli_check.sh"
ref_energy() { awk '$1 == "energy" {print $2}' "$REF/$1.ref"; }
HF="--method hf --basis cc-pVDZ --jk exact" # exact integrals, as the Psi4 pk references

# 1. The ranked table is the answer on stdout; progress goes to stderr.
"$B" --gas $HF --no-results "$REF/geom/water.xyz" "$REF/geom/oh.xyz" > "$T/out" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ]; echo $?) "two molecules: exit 0 ($rc)"
check $(grep -q '^rank  name' "$T/out" && grep -q ' water ' "$T/out" && grep -q ' oh ' "$T/out"; echo $?) "the table is on stdout"
check $(! grep -q '^rank  name' "$T/err" && grep -q '^\[2/2\]' "$T/err"; echo $?) "stderr has the progress, not the table"

# With --json -, stdout is the JSON document alone and the table moves to stderr.
"$B" --gas $HF --no-results --json - "$REF/geom/water.xyz" > "$T/out" 2> "$T/err"
check $($PY -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/out" && grep -q '^rank  name' "$T/err"; echo $?) "--json -: stdout parses as JSON, the table is on stderr"

# 2. A multi-frame XYZ file (three conformers of water): three molecules.
for z in 0.1173 0.1200 0.1100; do
    printf '3\nconformer E=-76\nO 0 0 %s\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n' "$z"
done > "$T/conf.xyz"
"$B" --gas $HF --out "$T/multi" --quiet "$T/conf.xyz" > /dev/null 2>&1; rc=$?
check $([ $rc -eq 0 ]; echo $?) "3-frame XYZ: exit 0 ($rc)"
n=$($CHK field "$T/multi/orbscreen.json" molecules | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')
check $([ "$n" = 3 ]; echo $?) "3-frame XYZ: 3 molecules ($n)"
names=$(for i in 0 1 2; do $CHK field "$T/multi/orbscreen.json" molecules $i name; done | tr '\n' ' ')
check $([ "$names" = "conf#1 conf#2 conf#3 " ]; echo $?) "frames named conf#1..3 in frame order ($names)"
got=$($CHK field "$T/multi/orbscreen.json" molecules 0 energy)
close_to "$got" "$(ref_energy water_hf_ccpvdz)" 1e-6
check $? "frame 1 is water: $got vs Psi4 $(ref_energy water_hf_ccpvdz) (tol 1e-6 Eh)"
check $([ -s "$T/multi/conf#3.molden" ]; echo $?) "one Molden file per frame"

# 3. Open Babel's SDF on standard input: trifluoroacetate runs as an anion.
if command -v obabel > /dev/null 2>&1; then
    obabel -:"[O-]C(=O)C(F)(F)F" --gen3d -osdf 2> /dev/null |
        "$B" --gas --method hf --basis STO-3G --out "$T/sdf" - > "$T/out" 2> "$T/err"; rc=$?
    check $([ $rc -eq 0 ]; echo $?) "obabel | orbscreen -: exit 0 ($rc)"
    q=$($CHK field "$T/sdf/orbscreen.json" molecules 0 charge)
    r=$($CHK field "$T/sdf/orbscreen.json" molecules 0 rank)
    f=$($CHK field "$T/sdf/orbscreen.json" molecules 0 formula)
    check $([ "$q" = -1 ] && [ "$r" = 1 ] && [ "$f" = C2F3O2 ]; echo $?) "TFA- from SDF: charge $q, rank $r, $f"
    fmt=$($CHK field "$T/sdf/orbscreen.json" molecules 0 input format)
    check $([ "$fmt" = sdf ]; echo $?) "input recorded as sdf"
else
    echo "SKIP obabel not installed: the SDF pipe was not tested"
fi

# 4. XYZ on standard input; an unsupported format is refused by name.
"$B" --gas $HF --no-results --json "$T/stdin.json" - < "$REF/geom/water.xyz" > /dev/null 2>&1; rc=$?
sha=$(sha256sum < "$REF/geom/water.xyz" | cut -c1-64)
check $([ $rc -eq 0 ] && [ "$($CHK field "$T/stdin.json" molecules 0 input sha256)" = "$sha" ]; echo $?) "XYZ on stdin, its SHA-256 recorded ($rc)"
printf '@<TRIPOS>MOLECULE\nwater\n' > "$T/w.mol2"
"$B" --gas --no-results "$T/w.mol2" > /dev/null 2> "$T/err"; rc=$?
check $([ $rc -eq 1 ] && grep -q "w.mol2: unsupported format (looks like MOL2)" "$T/err"; echo $?) "MOL2: unsupported format ($rc)"

# 5. QCSchema for every molecule of a run, good and bad, valid for qcelemental.
printf '3\ncharge=0 mult=1\nO 0 0 0\nH 0 0 abc\nH 0 1 0\n' > "$T/bad.xyz"
"$B" --gas $HF --out "$T/q" --qcschema "$T/qcs" --quiet "$REF/geom/water.xyz" "$REF/geom/oh.xyz" \
    "$T/bad.xyz" "$T/conf.xyz" > /dev/null 2>&1
v=$($CHK qcschema "$T/qcs" 6 2>&1)
check $([ "$v" = "ok 5 1" ]; echo $?) "6 QCSchema files: 5 AtomicResults and 1 FailedOperation, qcelemental-valid ($v)"
e_xyz=$($CHK energy "$T/qcs/water.json")
close_to "$e_xyz" "$(ref_energy water_hf_ccpvdz)" 1e-6
check $? "AtomicResult energy $e_xyz vs Psi4 (tol 1e-6 Eh)"

# 6. An AtomicInput on stdin: the same energy as the XYZ route (1e-10 Eh).
$CHK atomicinput "$T/qcs/water.json" > "$T/ai.json"
"$B" --qcschema-in - < "$T/ai.json" > "$T/ar.json" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ]; echo $?) "--qcschema-in -: exit 0 ($rc)"
e_in=$($CHK energy "$T/ar.json")
close_to "$e_in" "$e_xyz" 1e-10
check $? "AtomicInput energy $e_in vs XYZ route $e_xyz (tol 1e-10 Eh)"
check $([ "$($CHK field "$T/ar.json" id)" = pipeline-test ] && [ "$($CHK field "$T/ar.json" extras requested_by)" = pipeline_check.py ]; echo $?) "id and extras echoed"
# driver gradient: the analytic gradient as return_result, against Psi4's
# (water HF/cc-pVDZ, exact integrals as scf_type pk; tol 1e-6 Eh/bohr).
"$B" --gas $HF --no-results --qcschema "$T/qg" "$REF/grad/geom/water_d.xyz" > /dev/null 2>&1
$CHK atomicinput "$T/qg/water_d.json" > "$T/gi0.json"
$CHK set_driver "$T/gi0.json" gradient > "$T/gi.json"
"$B" --qcschema-in "$T/gi.json" > "$T/gr.json" 2> "$T/err"; rc=$?
d=$($CHK gradient "$T/gr.json" "$REF/grad/water_hf_ccpvdz.ref" 2>&1)
close_to "$d" 0 1e-6
check $? "driver gradient: AtomicResult, max |g - Psi4| $d Eh/bohr (tol 1e-6; rc $rc)"
$CHK set_driver "$T/gi0.json" hessian | "$B" --qcschema-in - > "$T/fo.json" 2> /dev/null; rc=$?
check $([ $rc -eq 1 ] && [ "$($CHK field "$T/fo.json" error error_type)" = input_error ]; echo $?) "a hessian request: FailedOperation, input_error ($rc)"

# 7. orbscreen.json and the journal validate against docs/orbscreen-results.schema.json.
v=$($CHK schema "$SRC/docs/orbscreen-results.schema.json" "$T/q/orbscreen.json" "$T/q/orbscreen.jsonl" 2>&1)
check $([ "$v" = ok ]; echo $?) "orbscreen.json and orbscreen.jsonl match the JSON Schema ($v)"
c=$($CHK field "$T/q/orbscreen.json" molecules 2 converged)
check $([ "$c" = False ]; echo $?) "the failed molecule has converged false ($c)"

# 8. --version names the libraries and the commit.
"$B" --gas --version > "$T/v"
check $(grep -q 'libint2  2\.' "$T/v" && grep -q 'libxc    [0-9]' "$T/v" && grep -q 'OpenBLAS OpenBLAS' "$T/v" && grep -q '(git ' "$T/v"; echo $?) "--version lists libint2, libxc, OpenBLAS and the commit"

# 9. --cube: cube files of HOMO and LUMO beside the Molden file.
"$B" --gas --method hf --basis STO-3G --out "$T/c" --cube homo,lumo --quiet "$REF/geom/water.xyz" > /dev/null 2>&1
check $([ "$(sed -n 3p "$T/c/water.homo.cube" | awk '{print $1}')" = -3 ] && [ -s "$T/c/water.lumo.cube" ]; echo $?) "water.homo.cube and water.lumo.cube written"

# 11. In a solvent: the phase is named in the JSON and the figure, the
#     solvation block validates, the QCSchema result too.
"$B" --method hf --basis STO-3G --solvent water --out "$T/solv" --qcschema "$T/solvq" --quiet \
    "$REF/geom/water.xyz" > /dev/null 2>&1; rc=$?
ph=$($CHK field "$T/solv/orbscreen.json" phase)
check $([ $rc -eq 0 ] && [ "$ph" = "in water (C-PCM, eps = 78.4)" ] && grep -q "STO-3G, in water (C-PCM, eps = 78.4)" "$T/solv/orbitals.svg"; echo $?) "solvent: phase '$ph' in the JSON and the figure's caption"
v=$($CHK schema "$SRC/docs/orbscreen-results.schema.json" "$T/solv/orbscreen.json" "$T/solv/orbscreen.jsonl" 2>&1)
q=$($CHK qcschema "$T/solvq" 1 2>&1)
check $([ "$v" = ok ] && [ "$q" = "ok 1 0" ]; echo $?) "solvent: JSON Schema ($v) and qcelemental ($q)"

# 10. The man page renders without warnings.
if command -v groff > /dev/null 2>&1; then
    w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$SRC/docs/orbscreen.1" 2>&1)
    check $([ -z "$w" ]; echo $?) "docs/orbscreen.1 renders without warnings"
fi

finish
