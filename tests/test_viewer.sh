#!/bin/sh
# A real viewer reads our orbital files (issue 13): Jmol (JmolData, headless)
# loads the Molden file and the cube files orbscreen wrote for water
# (HF/STO-3G) and must find the atoms, the orbitals with the energies and
# occupations of orbscreen.json (1e-6 Eh), and a non-empty isosurface in
# each cube.  Skipped (exit 77) only when Java or JmolData.jar is missing.
# usage: test_viewer.sh ORBSCREEN REFERENCE_DIR
JAR=${JMOLDATA_JAR:-/usr/share/java/JmolData.jar}
if ! command -v java > /dev/null 2>&1 || [ ! -f "$JAR" ]; then
    echo "SKIP Jmol is not installed (java and $JAR; Debian: apt-get install libjmol-java default-jre-headless)"
    exit 77
fi
. "$(dirname "$0")/cli_check.sh"

"$B" --gas --method hf --basis STO-3G --out "$T/r" --cube homo,lumo --quiet "$REF/geom/water.xyz" > /dev/null 2>&1
check $? "orbscreen wrote water.molden and its cube files"
lumo_ev=$(sed -n 's/.*"lumo_ev": \([-0-9.][0-9.]*\).*/\1/p' "$T/r/orbscreen.json" | head -1)

cat > "$T/view.spt" << SPT
load "$T/r/water.molden";
print "molden_atoms " + {*}.count;
x = getProperty("auxiliaryInfo.models[1].moData");
print "molden_mos " + x.mos.count;
print "molden_lumo_eh " + x.mos[6].energy;
print "molden_homo_occ " + x.mos[5].occupancy;
print "molden_lumo_occ " + x.mos[6].occupancy;
load "$T/r/water.homo.cube";
print "homo_atoms " + {*}.count;
isosurface h sign cutoff 0.05 "$T/r/water.homo.cube";
print "homo_vertices " + getProperty("shapeInfo.Isosurface")[1].vertexCount;
load "$T/r/water.lumo.cube";
print "lumo_atoms " + {*}.count;
isosurface l sign cutoff 0.05 "$T/r/water.lumo.cube";
print "lumo_vertices " + getProperty("shapeInfo.Isosurface")[1].vertexCount;
quit;
SPT
timeout 300 java -Djava.awt.headless=true -jar "$JAR" -n -s "$T/view.spt" -x > "$T/jmol.out" 2>&1
val() { awk -v k="$1" '$1 == k {print $2; exit}' "$T/jmol.out"; }
check $([ "$(val molden_atoms)" = 3 ] && [ "$(val molden_mos)" = 7 ]; echo $?) "Jmol reads the Molden file: 3 atoms, 7 orbitals ($(val molden_atoms), $(val molden_mos))"
want=$(awk -v e="$lumo_ev" 'BEGIN { printf "%.10f", e / 27.211386245988 }')
close_to "$(val molden_lumo_eh)" "$want" 1e-6
check $? "Jmol's LUMO energy $(val molden_lumo_eh) Eh = orbscreen.json's $want (tol 1e-6 Eh)"
check $([ "$(val molden_homo_occ)" = 2.0 ] && [ "$(val molden_lumo_occ)" = 0.0 ]; echo $?) "occupations 2 (HOMO) and 0 (LUMO)"
for o in homo lumo; do
    a=$(val ${o}_atoms)
    v=$(val ${o}_vertices)
    check $([ "$a" = 3 ] && [ "${v:-0}" -gt 100 ]; echo $?) "Jmol reads water.$o.cube: $a atoms, isosurface of $v vertices"
done
[ "$fail" -eq 0 ] || cat "$T/jmol.out" | tail -20
finish
