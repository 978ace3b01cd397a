# orbscreen --opt through the real binary: `sh test_opt_cli.sh ORBSCREEN REFERENCE_DIR`.
. "$(dirname "$0")/cli_check.sh"

# 1. Water HF/6-31G* from the off-equilibrium start of the Psi4 reference:
#    converged, the energy within 1e-6 Eh and the O-H bonds within 1e-3 A of
#    Psi4's optimizer (tests/reference/opt/water_hf_631gs.ref), the geometry
#    written to <out>/water_s.opt.xyz with its level of theory and the input's
#    tokens, and the optimization in the JSON.
"$B" --opt --jk exact --method hf --basis 6-31G* --threads 1 --out "$T/res" --json "$T/opt.json" \
    "$REF/opt/geom/water_s.xyz" 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && grep -q "water_s: optimization converged in" "$T/err"; echo $?) "--opt: converged, said on stderr ($rc)"
check $(python3 -c 'import json, sys, math
m = json.load(open(sys.argv[1]))["molecules"][0]
o = m["optimization"]
ref = {}
for l in open(sys.argv[2]):
    k = l.split()
    if k and k[0] in ("energy", "bond"): ref.setdefault(k[0], []).append(k[1:])
e_ref = float(ref["energy"][0][0])
g = o["geometry_angstrom"]
def dist(a, b): return math.dist(g[a][1:], g[b][1:])
ok = o["converged"] and m["jk"] == "exact" and abs(m["energy"] - e_ref) <= 1e-6
ok = ok and abs(o["energies"][-1] - m["energy"]) <= 1e-8 and len(o["energies"]) == o["steps"]
ok = ok and all(abs(dist(int(i) - 1, int(j) - 1) - float(r)) <= 1e-3 for i, j, r in ref["bond"])
ok = ok and o["bond_changes"] == [] and o["max_force"] < 4.5e-4
ok = ok and "solvation" not in m and "reduction" not in m  # --opt alone: the gas phase
sys.exit(not ok)' "$T/opt.json" "$REF/opt/water_hf_631gs.ref"; echo $?) "--opt: JSON energy (1e-6 Eh) and bonds (1e-3 A) vs Psi4, history, exact J/K, gas phase"
x="$T/res/water_s.opt.xyz"
check $([ -f "$x" ] && sed -n 2p "$x" | grep -q "charge=0 mult=1 name=water_s" &&
        sed -n 2p "$x" | grep -q "level=hf/6-31G\* jk=exact energy=-76.01074" &&
        sed -n 2p "$x" | grep -q "opt=converged"; echo $?) "--opt: water_s.opt.xyz comment line"

# 1b. The path as it went: water_s.opt-trj.xyz holds one frame per gradient
#     (the probes aside), each with the energy of the JSON's history (1e-9
#     Eh, printed to 1e-10), the last accepted one at the final geometry (1e-9 A).
check $(python3 -c 'import json, sys, math
o = json.load(open(sys.argv[1]))["molecules"][0]["optimization"]
lines = open(sys.argv[2]).read().splitlines()
frames, i = [], 0
while i < len(lines):
    n = int(lines[i]); tok = dict(t.split("=") for t in lines[i + 1].split())
    frames.append((tok, [l.split() for l in lines[i + 2:i + 2 + n]])); i += 2 + n
ok = len(frames) == o["steps"] and all(t["charge"] == "0" and t["mult"] == "1" for t, _ in frames)
ok = ok and all(abs(float(t["energy"]) - e) <= 1e-9 for (t, _), e in zip(frames, o["energies"]))
last = [a for t, a in frames if t["accepted"] == "1"][-1]
g = o["geometry_angstrom"]
ok = ok and all(abs(float(a[k + 1]) - b[k + 1]) <= 1e-9 for a, b in zip(last, g) for k in range(3))
sys.exit(not ok)' "$T/opt.json" "$T/res/water_s.opt-trj.xyz"; echo $?) "--opt: water_s.opt-trj.xyz, one frame per gradient, energies and last geometry"

# 2. The written geometry reads back and is a minimum already: a second
#    --opt from it converges at once (at most 2 gradients) to the same energy.
"$B" --opt --jk exact --method hf --basis 6-31G* --threads 1 --no-results --json "$T/again.json" "$x" 2> "$T/err2"; rc=$?
check $(python3 -c 'import json, sys
a = json.load(open(sys.argv[1]))["molecules"][0]; b = json.load(open(sys.argv[2]))["molecules"][0]
sys.exit(not (b["optimization"]["converged"] and b["optimization"]["steps"] <= 2
              and abs(a["energy"] - b["energy"]) <= 1e-8))' "$T/opt.json" "$T/again.json"; echo $?) "--opt: restart from the written geometry ($rc)"

# 3. Too few steps: a failed molecule (exit 1), no number reported, no .opt.xyz.
"$B" --opt --opt-steps 2 --method hf --basis 6-31G* --threads 1 --out "$T/res2" --json "$T/fail.json" \
    "$REF/opt/geom/water_s.xyz" 2> "$T/err3"; rc=$?
check $(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["molecules"][0]
sys.exit(not ("error" in m and "energy" not in m and not m["optimization"]["converged"]))' "$T/fail.json" &&
        [ $rc -eq 1 ] && [ ! -f "$T/res2/water_s.opt.xyz" ] &&
        [ "$(grep -c "^charge=0 mult=1 step=" "$T/res2/water_s.opt-trj.xyz")" -eq 2 ]; echo $?) "--opt-steps 2: failed, no energy, no .opt.xyz; its two geometries in .opt-trj.xyz ($rc)"

finish
