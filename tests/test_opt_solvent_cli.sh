# orbscreen --opt in a solvent and --opt --reduction (the adiabatic potential)
# through the real binary: `sh test_opt_solvent_cli.sh ORBSCREEN REFERENCE_DIR`.
# Tiny cases (HF/STO-3G and 3-21G, exact J/K): each run takes seconds.
. "$(dirname "$0")/cli_check.sh"
F="$REF/opt/geom/formaldehyde_s.xyz"
L="--method hf --jk exact --threads 1"

# 1. Formaldehyde HF/STO-3G optimized in DME (C-PCM, eps 7.2): converged;
#    the result at the optimum is a solvated one (its gas-phase energy and
#    dG_solv filled, the SCF energy the optimizer's last one to 1e-8 Eh);
#    the optimized geometry's comment line names the solvent.  Then, as
#    independent checks: the solvated gradient of the written geometry
#    (--gradient --solvent dme, C-PCM term included) meets the optimizer's
#    force criteria (max 4.5e-4, rms 3.0e-4 Eh/bohr), and the solvated
#    energy there is below the start geometry's by more than 1e-5 Eh.
"$B" --opt --solvent dme --basis sto-3g $L --out "$T/res" --json "$T/opt.json" "$F" > /dev/null 2> "$T/err"; rc=$?
check $([ $rc -eq 0 ] && grep -q "formaldehyde_s: optimization converged in" "$T/err"; echo $?) "--opt --solvent: converged ($rc)"
x="$T/res/formaldehyde_s.opt.xyz"
check $([ -f "$x" ] && sed -n 2p "$x" | grep -q "solvent=dme eps=7.2 level=hf/STO-3G" &&
        sed -n 2p "$x" | grep -q "opt=converged"; echo $?) "--opt --solvent: .opt.xyz comment names the solvent"
check $(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["molecules"][0]
o, s = m["optimization"], m["solvation"]
ok = o["converged"] and s["solvent"] == "dme" and abs(o["energy"] - m["energy"]) <= 1e-8
ok = ok and m["energy"] < s["energy_gas"] and s["polarization_energy"] < 0 and m["lumo_gas_ev"] is not None
sys.exit(not ok)' "$T/opt.json"; echo $?) "--opt --solvent: solvated result at the optimum (gas energy, dG_solv)"
"$B" --gradient --solvent dme --basis sto-3g $L --no-results --json "$T/grad.json" "$x" > /dev/null 2>&1; rc1=$?
"$B" --solvent dme --basis sto-3g $L --no-results --json "$T/start.json" "$F" > /dev/null 2>&1; rc2=$?
check $([ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && python3 -c 'import json, sys, math
g = json.load(open(sys.argv[1]))["molecules"][0]
s = json.load(open(sys.argv[2]))["molecules"][0]
o = json.load(open(sys.argv[3]))["molecules"][0]
f = [c for row in g["gradient_eh_bohr"] for c in row]
gmax, grms = max(abs(c) for c in f), math.sqrt(sum(c * c for c in f) / len(f))
print("solvated gradient at the optimum: max %.2e rms %.2e Eh/bohr; E %.8f vs start %.8f" % (gmax, grms, g["energy"], s["energy"]), file=sys.stderr)
ok = gmax < 4.5e-4 and grms < 3.0e-4 and abs(g["energy"] - o["energy"]) <= 1e-7
sys.exit(not (ok and g["energy"] < s["energy"] - 1e-5))' "$T/grad.json" "$T/start.json" "$T/opt.json"; echo $?) "--opt --solvent: solvated gradient below the criteria, energy below the start's"

# 2. --opt --reduction (solvent: dme-dol, as --reduction alone chooses),
#    formaldehyde HF/3-21G: the reduced species (charge -1, doublet) is
#    optimized from the N-electron optimum.  The adiabatic potential equals
#    -(E(N+1) at its optimum - E(N) at its optimum) x 27.211386245988 eV/Eh
#    - 1.40 V from the JSON's own energies (1e-4 V: the 4 decimals
#    written), and is at least the vertical potential at the same N geometry
#    (relaxation lowers E(N+1); 1e-4 V).  No bond changes; the reduced
#    species' geometry written with its charge and multiplicity.
"$B" --opt --reduction --basis 3-21g $L --out "$T/red" --json "$T/red.json" "$F" > /dev/null 2> "$T/err2"; rc=$?
check $([ $rc -eq 0 ] && grep -q "formaldehyde_s: adiabatic reduction (reduced species optimized: converged" "$T/err2"; echo $?) "--opt --reduction: the reduced species optimized ($rc)"
check $(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["molecules"][0]
r = m["reduction"]
want = -(r["energy_n_plus_1_opt"] - r["energy_n"]) * 27.211386245988 - 1.40
print("E_red_ad %.4f V (from the energies %.4f), vertical %.4f V" % (r["adiabatic_v_li"], want, r["potential_v_li"]), file=sys.stderr)
ok = m["solvation"]["solvent"] == "dme-dol" and m["optimization"]["converged"]
ok = ok and abs(r["energy_n"] - m["energy"]) <= 1e-10 and r["reduced_opt_converged"]
ok = ok and abs(r["adiabatic_v_li"] - want) <= 1e-4 and r["reduced_bond_changes"] == []
ok = ok and r["adiabatic_v_li"] >= r["potential_v_li"] - 1e-4 and r["energy_n_plus_1_opt"] <= r["energy_n_plus_1"]
sys.exit(not ok)' "$T/red.json"; echo $?) "--opt --reduction: E_red_ad from its energies (1e-4 V), >= vertical"
x="$T/red/formaldehyde_s.red.opt.xyz"
check $([ -f "$x" ] && sed -n 2p "$x" | grep -q "charge=-1 mult=2 name=formaldehyde_s" &&
        sed -n 2p "$x" | grep -q "solvent=dme-dol" && sed -n 2p "$x" | grep -q "opt=converged"; echo $?) "--opt --reduction: .red.opt.xyz written"
# ... and its path, one frame per gradient, charge -1 doublet throughout, the
# last accepted frame at the reported E(N+1) (1e-9 Eh; printed to 1e-10).
check $(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["molecules"][0]["reduction"]
heads = [l.split() for l in open(sys.argv[2]) if l.startswith("charge=")]
tok = [dict(t.split("=") for t in h) for h in heads]
ok = len(tok) == r["reduced_opt_steps"] and all(t["charge"] == "-1" and t["mult"] == "2" for t in tok)
last = [t for t in tok if t["accepted"] == "1"][-1]
sys.exit(not (ok and abs(float(last["energy"]) - r["energy_n_plus_1_opt"]) <= 1e-9))' "$T/red.json" "$T/red/formaldehyde_s.red.opt-trj.xyz"; echo $?) "--opt --reduction: .red.opt-trj.xyz, one frame per gradient, last at E(N+1)_opt"

# 2b. A reduced species whose start is a saddle point: exactly planar
#     formaldehyde in eps 7 (HF/3-21G).  The radical anion is pyramidal, and
#     the planar geometry keeps a zero out-of-plane force, so the optimizer
#     converges on the planar saddle point, finds its negative curvature with
#     the probes and leaves it down that mode: the reported geometry has
#     positive probed curvature, is not flagged, and its C-O bond leaves the
#     H-C-H plane by more than 10 degrees (0 at the saddle point).
printf '4\ncharge=0 mult=1 name=h2co_planar\nC 0 0 0\nO 0 0 1.21\nH 0.94 0 -0.55\nH -0.94 0 -0.58\n' > "$T/planar.xyz"
"$B" --opt --reduction --eps 7 --basis 3-21g $L --out "$T/pl" --json "$T/pl.json" "$T/planar.xyz" > /dev/null 2> "$T/err6"; rc=$?
check $([ $rc -eq 0 ] && python3 -c 'import json, math, sys
r = json.load(open(sys.argv[1]))["molecules"][0]["reduction"]
rows = [l.split() for l in open(sys.argv[2]).read().splitlines()[2:6]]
p = {a[0] + str(i): [float(v) for v in a[1:]] for i, a in enumerate(rows)}
C, O, H1, H2 = p["C0"], p["O1"], p["H2"], p["H3"]
sub = lambda a, b: [a[k] - b[k] for k in range(3)]
u, v = sub(H1, C), sub(H2, C)
n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
w = sub(O, C)
out = math.degrees(math.asin(abs(sum(n[k] * w[k] for k in range(3))) / math.sqrt(sum(x * x for x in n) * sum(x * x for x in w))))
print("planar start: reduced species converged %s, curvature %.3e, C-O out of the HCH plane %.1f deg" % (r["reduced_opt_converged"], r["reduced_probed_min_curvature"], out), file=sys.stderr)
sys.exit(not (r["reduced_opt_converged"] and not r["reduced_saddle_point"]
              and r["reduced_probed_min_curvature"] > 0 and out > 10
              and r["reduced_stability_eigenvalue"] is not None and r["reduced_stability_eigenvalue"] > 0))' "$T/pl.json" "$T/pl/planar.red.opt.xyz"; echo $?) "--opt --reduction from a planar start: the reduced species' saddle point left, a pyramidal minimum, its SCF checked there ($rc)"

# 3. A reduced species that falls apart: CH3F + e- in eps 7 (HF/STO-3G)
#    loses F-.  Not a failure of the molecule (exit 0): the potential is
#    reported, the C-F bond named as broken in the JSON and the table.
printf '5\ncharge=0 mult=1 name=ch3f\nC 0 0 0\nF 0 0 1.383\nH 1.027 0 -0.363\nH -0.5135 0.8894 -0.363\nH -0.5135 -0.8894 -0.363\n' > "$T/ch3f.xyz"
"$B" --opt --reduction --eps 7 --basis sto-3g $L --out "$T/cf" --json "$T/cf.json" "$T/ch3f.xyz" > "$T/table" 2> "$T/err3"; rc=$?
check $([ $rc -eq 0 ] && grep -q "ch3f  reduced species: C1-F2 broken" "$T/table" && python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["molecules"][0]["reduction"]
print(r["reduced_bond_changes"], r["adiabatic_v_li"], file=sys.stderr)
sys.exit(not (len(r["reduced_bond_changes"]) == 1 and r["reduced_bond_changes"][0].startswith("C1-F2 broken")
              and r["adiabatic_v_li"] >= r["potential_v_li"] - 1e-4))' "$T/cf.json"; echo $?) "--opt --reduction: C-F cleavage reported, not a failure ($rc)"

# The CSV carries the same adiabatic potential and the broken bond.
check $(python3 -c 'import csv, json, sys
r = json.load(open(sys.argv[1]))["molecules"][0]["reduction"]
row = next(csv.DictReader(open(sys.argv[2])))
print(row["e_red_ad_V_Li"], row["red_opt_converged"], row["red_bond_changes"], file=sys.stderr)
sys.exit(not (abs(float(row["e_red_ad_V_Li"]) - r["adiabatic_v_li"]) <= 1e-4
              and row["red_opt_converged"] == ("true" if r["reduced_opt_converged"] else "false")
              and row["red_bond_changes"].startswith("C1-F2 broken")))' "$T/cf.json" "$T/cf/orbscreen.csv"; echo $?) "--opt --reduction: the CSV's e_red_ad_V_Li equals the JSON's (tol 1e-4 V), C1-F2 broken named"

# The documents with the adiabatic fields (and the results folder's records)
# still have the published shape.
for d in red cf; do
    v=$(python3 "$(dirname "$0")/pipeline_check.py" schema "$(dirname "$0")/../docs/orbscreen-results.schema.json" "$T/$d.json" "$T/$d/orbscreen.jsonl" 2>&1)
    check $([ "$v" = ok ]; echo $?) "--opt --reduction JSON ($d) matches docs/orbscreen-results.schema.json ($v)"
done

# 4. Usage: --opt with --resume is still refused (the records keep neither
#    the optimization nor the adiabatic potential), and --opt --reduction
#    with --shard (orbscreen merge combines the records).
"$B" --opt --resume --solvent dme --out "$T/r4" "$F" 2> "$T/err4"; rc=$?
check $([ $rc -eq 2 ] && grep -q "\-\-opt with \-\-resume" "$T/err4"; echo $?) "--opt --resume refused ($rc)"
"$B" --opt --reduction --shard 1/2 --out "$T/r5" "$F" 2> "$T/err5"; rc=$?
check $([ $rc -eq 2 ] && grep -q "with \-\-shard is not there yet" "$T/err5"; echo $?) "--opt --reduction --shard refused ($rc)"

finish
