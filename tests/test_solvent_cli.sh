#!/bin/sh
# --solvent / --eps through the real binary: bad names and values are usage
# errors (exit 2); a solvated run reports the solvent, eps, model and the
# solvation energy, which for water HF/6-31G* in water is NWChem's COSMO
# value (tests/reference/cosmo/water_hf_631gs_eps78.ref) within the issue's
# 0.3 kcal/mol (our SWIG discretization vs NWChem's).
# usage: test_solvent_cli.sh ORBSCREEN REFERENCE_DIR
. "$(dirname "$0")/cli_check.sh"
# field KEY FILE: the first numeric value of "KEY" in a JSON file
field() {
    awk -v k="\"$1\":" '$1 == k {gsub(/[",]/, "", $2); if ($2 ~ /^-?[0-9]/) {print $2; exit}}' "$2"
}

"$B" --solvent nosuch --no-results "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -q "unknown solvent 'nosuch'" "$T/err"; echo $?) "unknown solvent: exit 2 ($rc)"
"$B" --eps 0.5 --no-results "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ]; echo $?) "eps below 1: exit 2 ($rc)"

# solvated NAME WANT_EPS REFCASE ARGS...: water HF/6-31G* with ARGS; its eps and
# solvation energy (NWChem's REFCASE within 0.3 kcal/mol); JSON in $T/NAME.json
solvated() {
    name=$1; want_eps=$2; ref=$3; shift 3
    "$B" --method hf --basis 6-31G* --cartesian --no-results --json "$T/$name.json" --quiet \
        "$@" "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
    check $([ $rc -eq 0 ]; echo $?) "$name: exit 0 ($rc)"
    eps=$(field eps "$T/$name.json")
    close_to "$eps" "$want_eps" 0
    check $? "$name: eps $eps (want $want_eps)"
    got=$(field solvation_energy_kcal_mol "$T/$name.json")
    want=$(awk '$1 == "dg_elec_kcal" {print $2}' "$REF/cosmo/$ref.ref")
    close_to "$got" "$want" 0.3
    check $? "$name: solvation energy $got kcal/mol vs NWChem COSMO $want (tol 0.3)"
}

solvated water 78.4 water_hf_631gs_eps78 --solvent Water
check $(grep -q '"solvent": "water"' "$T/water.json"; echo $?) "JSON names the solvent"
check $(grep -q '"model": "C-PCM' "$T/water.json"; echo $?) "JSON names the model"
check $(grep -q '"skipped": "not needed: closed-shell HOMO-LUMO gap' "$T/water.json"; echo $?) "JSON: the solvated SCF's stability check skipped for its gap, with the reason"
esol=$(field energy "$T/water.json"); egas=$(field energy_gas "$T/water.json")
dg=$(field solvation_energy "$T/water.json")
close_to "$(awk -v a="$esol" -v b="$egas" 'BEGIN {printf "%.12f", a - b}')" "$dg" 1e-9
check $? "solvation_energy = energy - energy_gas ($dg Eh)"
# --eps overrides the solvent's value
solvated eps7 7.2 water_hf_631gs_eps7 --solvent water --eps 7.2

finish
