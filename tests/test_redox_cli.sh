#!/bin/sh
# The command line's solvent gradient and Delta-SCF reduction (real binary):
#  - --gradient with --solvent: water HF/6-31G* in DME; the O z component
#    against central differences of the CLI's own solvated energies (O moved
#    by +-1e-3 A), and the gradient sums to zero (translation);
#  - --reduction: formate HF/6-31+G* in DME (its radical dianion as UHF): the
#    JSON's potential follows from its energies by the stated convention,
#    <S^2> is reported, the anion is ranked by it, and the LUMO diagnostics
#    (gas-phase LUMO, diffuse share, unbound flag) are there; the reduced
#    species' SOMO diffuse share tells formate's cavity-bound electron
#    (flagged) from formaldehyde's pi* (not flagged);
#  - the default run (no --gas/--solvent/--eps) gives --reduction --solvent
#    dme-dol's potential; --gas with a solvent is a usage error;
#  - --rank-by reduction without --reduction is a usage error;
#  - --ion-starts: formate's diffuse electron started in the LUMO+1 as well,
#    the lowest state kept.
# usage: test_redox_cli.sh ORBSCREEN REFERENCE_DIR
. "$(dirname "$0")/cli_check.sh"
field() { # field KEY FILE: the first numeric value of "KEY"
    awk -v k="\"$1\":" '$1 == k {gsub(/[",]/, "", $2); if ($2 ~ /^-?[0-9]/) {print $2; exit}}' "$2"
}
water() { # water DZ_ANGSTROM: water with O moved along z
    printf '3\ncharge=0 mult=1\nO 0 0 %.8f\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n' \
        "$(awk -v d="$1" 'BEGIN {print 0.1173 + d}')"
}
run() { # run NAME ARGS...: HF/6-31G* in DME, exact integrals, JSON in $T/NAME.json
    name=$1; shift
    "$B" --method hf --basis 6-31G* --jk exact --solvent dme --no-results --quiet \
        --json "$T/$name.json" "$@" 2> "$T/$name.err"
}

water 0 > "$T/w0.xyz"; water 0.001 > "$T/wp.xyz"; water -0.001 > "$T/wm.xyz"
run grad --gradient "$T/w0.xyz"; rc=$?
check $([ $rc -eq 0 ]; echo $?) "--gradient --solvent: exit 0 ($rc)"
run plus "$T/wp.xyz" && run minus "$T/wm.xyz"
ep=$(field energy "$T/plus.json"); em=$(field energy "$T/minus.json")
# O's z component: the third number of the first gradient row
gz=$(awk '/"gradient_eh_bohr": \[/ {on = 1; next} on && /\[/ {gsub(/[][,]/, " "); print $3; exit}' "$T/grad.json")
fd=$(awk -v p="$ep" -v m="$em" 'BEGIN {printf "%.10f", (p - m) / (2 * 0.001 / 0.529177210903)}')
close_to "$gz" "$fd" 1e-5
check $? "solvated gradient, O z: analytic $gz vs differences $fd Eh/bohr (tol 1e-5)"
gsum=$(awk '/"gradient_eh_bohr": \[/ {on = 1; next} on && !/\[/ {exit}
            on {gsub(/[][,]/, " "); s += $3} END {printf "%.12f", s}' "$T/grad.json")
close_to "$gsum" 0 1e-7
check $? "solvated gradient: z components sum to $gsum (tol 1e-7)"

"$B" --method hf --basis 6-31+G* --jk exact --reduction --solvent dme --no-results \
    --json "$T/red.json" "$REF/cosmo/geom/formate.xyz" > "$T/red.txt" 2> "$T/red.err"; rc=$?
check $([ $rc -eq 0 ]; echo $?) "--reduction: exit 0 ($rc)"
en=$(field energy_n "$T/red.json"); en1=$(field energy_n_plus_1 "$T/red.json")
pot=$(field potential_v_li "$T/red.json")
want=$(awk -v a="$en" -v b="$en1" 'BEGIN {printf "%.6f", -(b - a) * 27.211386245988 - 1.40}')
close_to "$pot" "$want" 1e-4
check $? "E_red $pot V = -(E(N+1) - E(N))/F - 1.40 V = $want"
eig=$(field stability_eigenvalue "$T/red.json")
check $(awk -v e="$eig" 'BEGIN {exit !(e > 0)}'; echo $?) "the radical dianion is a minimum: lowest orbital-Hessian eigenvalue $eig Eh > 0"
s2=$(field s2 "$T/red.json")
close_to "$s2" 0.76 0.02
check $? "<S^2> of the radical dianion $s2 (doublet, 0.75)"
check $(grep -q '"multiplicity": 2' "$T/red.json"; echo $?) "reduced species is a doublet"
check $(grep -q '"rank_by": "reduction"' "$T/red.json"; echo $?) "ranked by the reduction potential"
check $(grep -q '"rank_reduction": 1' "$T/red.json"; echo $?) "formate has reduction rank 1"
check $(grep -q '"redox_convention": ".*Li/Li+' "$T/red.json"; echo $?) "JSON states the convention"
check $(grep -q '"lumo_unbound": true' "$T/red.json"; echo $?) "gas-phase LUMO of formate flagged unbound"
share=$(field lumo_diffuse_share "$T/red.json")
close_to "$share" 0.75 0.25
check $? "LUMO diffuse share $share (a diffuse state, 0.5-1)"

# Where the electron went: formate's radical dianion holds it in a diffuse,
# cavity-bound orbital (SOMO share on the + functions above 0.5: flagged),
# formaldehyde's radical anion in the C=O pi* (below 0.5: not flagged).
somo=$(field somo_diffuse_share "$T/red.json")
"$B" --method hf --basis 6-31+G* --jk exact --reduction --solvent dme --no-results \
    --json "$T/fa.json" "$REF/cosmo/geom/formaldehyde.xyz" > "$T/fa.txt" 2> "$T/fa.err"
somo_fa=$(field somo_diffuse_share "$T/fa.json")
# (A Mulliken share can pass 1 a little: the dianion's minimum has 1.03.)
close_to "$somo" 0.8 0.3 && close_to "$somo_fa" 0.25 0.25
check $? "SOMO diffuse share: formate dianion $somo (0.5-1.1), formaldehyde anion $somo_fa (0-0.5)"
check $(grep " formate " "$T/red.txt" | grep -q "E_red: diffuse electron" &&
        ! grep " formaldehyde " "$T/fa.txt" | grep -q "diffuse electron"; echo $?) "table flags formate's diffuse electron, not formaldehyde's pi*"

# A diffuse electron is started in the LUMO+1 too (--ion-starts, default 2)
# and the lowest state kept: formate's radical dianion here converges from the
# LUMO 4.6e-3 Eh above the state the LUMO+1 start reaches (2026-11-29).  The
# kept energy is never above the LUMO start's, a third start finds no lower
# state, and formaldehyde's pi* electron (not diffuse) is not started again.
"$B" --method hf --basis 6-31+G* --jk exact --reduction --solvent dme --no-results --quiet \
    --ion-starts 1 --json "$T/one.json" "$REF/cosmo/geom/formate.xyz" > /dev/null 2> "$T/one.err"
"$B" --method hf --basis 6-31+G* --jk exact --reduction --solvent dme --no-results --quiet \
    --ion-starts 3 --json "$T/three.json" "$REF/cosmo/geom/formate.xyz" > /dev/null 2> "$T/three.err"
e1=$(field energy_n_plus_1 "$T/one.json"); e3=$(field energy_n_plus_1 "$T/three.json")
check $(awk -v a="$en1" -v b="$e1" 'BEGIN {exit !(a <= b + 1e-8)}'; echo $?) "two starts keep E(N+1) $en1 Eh, not above the LUMO start's $e1"
close_to "$en1" "$e3" 1e-6
check $? "three starts find the same lowest state: $e3 Eh (tol 1e-6)"
check $(grep -q '"starts_tried": 2' "$T/red.json" && grep -q '"starts_tried": 1' "$T/one.json" &&
        grep -q '"starts_tried": 3' "$T/three.json" && grep -q '"starts_tried": 1' "$T/fa.json"; echo $?) "starts tried: 2, 1 and 3 for formate's diffuse electron, 1 for formaldehyde's pi*"
"$B" --ion-starts 0 --no-results "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -qF -- "--ion-starts" "$T/err"; echo $?) "--ion-starts 0: usage error ($rc)"

# The document with its reduction fields still has the published shape.
v=$(python3 "$(dirname "$0")/pipeline_check.py" schema "$(dirname "$0")/../docs/orbscreen-results.schema.json" "$T/red.json" 2>&1)
check $([ "$v" = ok ]; echo $?) "--reduction JSON matches docs/orbscreen-results.schema.json ($v)"

# The default phase (no --gas, --solvent, --eps): DME/DOL with the reduction,
# the same numbers as asking for them; --gas with a solvent is a usage error.
"$B" --method hf --basis 6-31+G* --jk exact --no-results --quiet \
    --json "$T/dflt.json" "$REF/cosmo/geom/formate.xyz" 2> "$T/dflt.err"; rc=$?
"$B" --method hf --basis 6-31+G* --jk exact --reduction --solvent dme-dol --no-results --quiet \
    --json "$T/asked.json" "$REF/cosmo/geom/formate.xyz" 2> "$T/asked.err"
pd=$(field potential_v_li "$T/dflt.json"); pa=$(field potential_v_li "$T/asked.json")
close_to "$pd" "$pa" 1e-9
check $([ $? -eq 0 ] && [ $rc -eq 0 ] && grep -q '"phase": "in dme-dol' "$T/dflt.json"; echo $?) "default run: in dme-dol, E_red $pd V = --reduction --solvent dme-dol's $pa V ($rc)"
check $(grep -q '"rank_by": "reduction"' "$T/dflt.json"; echo $?) "default run: ranked by the reduction potential"
"$B" --gas --solvent water --no-results "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ] && grep -qF -- "--gas runs the gas phase only" "$T/err"; echo $?) "--gas --solvent: usage error ($rc)"

"$B" --gas --rank-by reduction --no-results "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ]; echo $?) "--rank-by reduction without --reduction: exit 2 ($rc)"
"$B" --gas --rank-by nosuch --no-results "$REF/geom/water.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 2 ]; echo $?) "--rank-by nosuch: exit 2 ($rc)"
finish
