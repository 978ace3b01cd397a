#!/usr/bin/env python3
"""NWChem 7.0.2 COSMO references for orbscreen's implicit solvent.

For every case this writes tests/reference/cosmo/<case>.nw, runs `nwchem`
on it (one process, one job at a time; output kept in
/tmp/orbscreen-nwchem-cosmo/<case>/<case>.out, not committed), and writes
tests/reference/cosmo/<case>.ref (key value lines, energies in Eh with 12
decimals) and, for the default-tessellation cases, <case>.cosmo.xyz (NWChem's
own dump of the final surface points and charges).  Finally it writes
tests/reference/cosmo/summary.txt (all cases in one table, and the vertical
reduction energies E(N+1) - E(N)).

Each .nw input holds two tasks: (1) the gas-phase SCF without COSMO (its
energy printed with 12 decimals); (2) the same SCF with the COSMO block, in
which NWChem itself first repeats the gas-phase SCF and then converges the
solvated one, printing "gas phase energy", "sol phase energy" and
"(electrostatic) solvation energy" (= gas - sol, positive when solvation
lowers the energy).  See tests/reference/cosmo/README.md for the model.

Geometries: tests/reference/geom/*.xyz and tests/reference/cosmo/geom/*.xyz
(Angstrom; comment line charge= mult=), handed to NWChem in bohr converted
with CODATA 2018 (1 bohr = 0.529177210903 A) so NWChem's own constant never
enters the geometry.  The COSMO radii, however, are read by NWChem in
Angstrom and converted by NWChem with ITS constant 0.529177249 A/bohr
(src/solvation/hnd_cosmo_lib.F, hnd_cossrf); the .ref gives both values.

Usage: tools/nwchem_cosmo_refs.py [--write-only] [case ...]
       (from the repository root; stdlib only; all cases ~15 min on 2 cores)
"""
import os
import re
import shutil
import subprocess
import sys
import time

BOHR_ANGSTROM = 0.529177210903      # CODATA 2018, for the geometry
NWCHEM_BOHR = 0.529177249           # NWChem's own, applied to COSMO radii
HARTREE_KCAL = 627.509474063        # 1 Eh in kcal/mol (CODATA 2018 Eh, 4.184 J/cal)
HARTREE_EV = 27.211386245988        # CODATA 2018
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "tests", "reference")
OUT = os.path.join(REF, "cosmo")
SCRATCH = os.environ.get("NWCHEM_COSMO_SCRATCH", "/tmp/orbscreen-nwchem-cosmo")

# Bondi van der Waals radii (Angstrom): A. Bondi, J. Phys. Chem. 68, 441
# (1964), Table I; B from M. Mantina, A. C. Chamberlin, R. Valero,
# C. J. Cramer, D. G. Truhlar, J. Phys. Chem. A 113, 5806 (2009) (Bondi
# gives none).  Cavity radius = 1.2 x these (SCALE).
BONDI = {"H": 1.20, "B": 1.92, "C": 1.70, "N": 1.55, "O": 1.52,
         "F": 1.47, "P": 1.80, "S": 1.80, "Cl": 1.75}
SCALE = 1.2

# Dielectric constants used here (see tests/reference/cosmo/solvents.md).
EPS_WATER = 78.4   # water, 25 C (NWChem's default value too)
EPS_DME = 7.2      # 1,2-dimethoxyethane, 25 C

# case: (geometry file relative to tests/reference, method, basis,
#        charge, mult, eps, screen, minbem, ificos, extra dict)
# method: "hf" (RHF, NWChem scf module) or "b3lyp" (RKS for mult 1, UKS
# (odft) for mult 2; NWChem dft module).  Basis sets: NWChem's library
# 6-31g* / 6-31+g*, Cartesian d (basis cartesian).
# extra: "conv": extra lines for the scf/dft block; "surface": keep
# NWChem's cosmo.xyz dump.
C = "cosmo/geom/"
G = "geom/"
CASES = {
    # --- closed shell, default tessellation ---
    "water_hf_631gs_eps78": (G + "water.xyz", "hf", "6-31g*", 0, 1, EPS_WATER, "st", 2, 0, {"surface": 1}),
    "water_hf_631gs_eps7": (G + "water.xyz", "hf", "6-31g*", 0, 1, EPS_DME, "st", 2, 0, {"surface": 1}),
    "water_b3lyp_631pgs_eps78": (G + "water.xyz", "b3lyp", "6-31+g*", 0, 1, EPS_WATER, "st", 2, 0, {"surface": 1}),
    "methanol_hf_631gs_eps78": (C + "methanol.xyz", "hf", "6-31g*", 0, 1, EPS_WATER, "st", 2, 0, {"surface": 1}),
    "fluoride_hf_631pgs_eps78": (C + "fluoride.xyz", "hf", "6-31+g*", -1, 1, EPS_WATER, "st", 2, 0, {"surface": 1}),
    "hydroxide_b3lyp_631pgs_eps78": (C + "hydroxide.xyz", "b3lyp", "6-31+g*", -1, 1, EPS_WATER, "st", 2, 0, {"surface": 1}),
    "formate_b3lyp_631pgs_eps78": (C + "formate.xyz", "b3lyp", "6-31+g*", -1, 1, EPS_WATER, "st", 2, 0, {"surface": 1}),
    "acetate_hf_631pgs_eps78": (G + "acetate.xyz", "hf", "6-31+g*", -1, 1, EPS_WATER, "st", 2, 0, {"surface": 1}),
    # --- vertical reduction, UKS B3LYP/6-31+G*, eps 7.2 (DME) ---
    "formaldehyde_b3lyp_631pgs_eps7": (C + "formaldehyde.xyz", "b3lyp", "6-31+g*", 0, 1, EPS_DME, "st", 2, 0, {"surface": 1}),
    "formaldehyde_red_b3lyp_631pgs_eps7": (C + "formaldehyde.xyz", "b3lyp", "6-31+g*", -1, 2, EPS_DME, "st", 2, 0, {"surface": 1}),
    "acetate_b3lyp_631pgs_eps7": (G + "acetate.xyz", "b3lyp", "6-31+g*", -1, 1, EPS_DME, "st", 2, 0, {"surface": 1}),
    "acetate_red_b3lyp_631pgs_eps7": (G + "acetate.xyz", "b3lyp", "6-31+g*", -2, 2, EPS_DME, "st", 2, 0, {"surface": 1}),
    # (formate -> radical dianion was tried: NWChem's gas-phase UKS dianion did not converge in
    # 300 iterations, so its COSMO step never ran)
    "so2_b3lyp_631pgs_eps7": (C + "so2.xyz", "b3lyp", "6-31+g*", 0, 1, EPS_DME, "st", 2, 0, {}),
    "so2_red_b3lyp_631pgs_eps7": (C + "so2.xyz", "b3lyp", "6-31+g*", -1, 2, EPS_DME, "st", 2, 0, {}),
    "benzoquinone_b3lyp_631pgs_eps7": (C + "benzoquinone.xyz", "b3lyp", "6-31+g*", 0, 1, EPS_DME, "st", 2, 0, {"surface": 1, "gas_task": False}),
    "benzoquinone_red_b3lyp_631pgs_eps7": (C + "benzoquinone.xyz", "b3lyp", "6-31+g*", -1, 2, EPS_DME, "st", 2, 0, {"surface": 1, "gas_task": False}),
    "tfa_b3lyp_631pgs_eps7": (C + "tfa.xyz", "b3lyp", "6-31+g*", -1, 1, EPS_DME, "st", 2, 0, {"surface": 1, "gas_task": False}),
    "tfa_red_b3lyp_631pgs_eps7": (C + "tfa.xyz", "b3lyp", "6-31+g*", -2, 2, EPS_DME, "st", 2, 0, {"surface": 1, "gas_task": False}),
    # --- sensitivity: tessellation and f(eps) ---
    "water_hf_631gs_eps78_ks": (G + "water.xyz", "hf", "6-31g*", 0, 1, EPS_WATER, "ks", 2, 0, {}),
    "water_hf_631gs_eps78_m3": (G + "water.xyz", "hf", "6-31g*", 0, 1, EPS_WATER, "st", 3, 0, {"surface": 1}),
    "water_hf_631gs_eps78_m4": (G + "water.xyz", "hf", "6-31g*", 0, 1, EPS_WATER, "st", 4, 0, {}),
    "water_hf_631gs_eps78_i2": (G + "water.xyz", "hf", "6-31g*", 0, 1, EPS_WATER, "st", 2, 1, {"surface": 1}),
    "water_hf_631gs_eps78_i3": (G + "water.xyz", "hf", "6-31g*", 0, 1, EPS_WATER, "st", 3, 1, {}),
    "fluoride_hf_631pgs_eps78_m4": (C + "fluoride.xyz", "hf", "6-31+g*", -1, 1, EPS_WATER, "st", 4, 0, {}),
    "acetate_b3lyp_631pgs_eps7_m3": (G + "acetate.xyz", "b3lyp", "6-31+g*", -1, 1, EPS_DME, "st", 3, 0, {"gas_task": False}),
    "acetate_b3lyp_631pgs_eps7_m4": (G + "acetate.xyz", "b3lyp", "6-31+g*", -1, 1, EPS_DME, "st", 4, 0, {"gas_task": False}),
    "acetate_red_b3lyp_631pgs_eps7_m4": (G + "acetate.xyz", "b3lyp", "6-31+g*", -2, 2, EPS_DME, "st", 4, 0, {"gas_task": False}),
    "acetate_b3lyp_631pgs_eps7_ks": (G + "acetate.xyz", "b3lyp", "6-31+g*", -1, 1, EPS_DME, "ks", 2, 0, {"gas_task": False}),
}

# Vertical reductions (N-electron case, N+1-electron case) for summary.txt.
REDUCTIONS = [
    ("formaldehyde_b3lyp_631pgs_eps7", "formaldehyde_red_b3lyp_631pgs_eps7"),
    ("acetate_b3lyp_631pgs_eps7", "acetate_red_b3lyp_631pgs_eps7"),
    ("so2_b3lyp_631pgs_eps7", "so2_red_b3lyp_631pgs_eps7"),
    ("acetate_b3lyp_631pgs_eps7_m4", "acetate_red_b3lyp_631pgs_eps7_m4"),
    ("benzoquinone_b3lyp_631pgs_eps7", "benzoquinone_red_b3lyp_631pgs_eps7"),
    ("tfa_b3lyp_631pgs_eps7", "tfa_red_b3lyp_631pgs_eps7"),
]

# NWChem SCF (HF) and DFT settings shared by all cases.
SCF_BLOCK = """scf
  {ref}
  {spin}
  thresh 1e-9
  tol2e 1e-14
  maxiter 300
end"""
# DFT: xfine grid, tight screening tolerances, tight convergence.
# OPEN_SHELL_CONV: extra convergence lines for the open shells (NWChem's
# defaults, i.e. none, converged every case here; see README).
DFT_BLOCK = """dft
  {odft}mult {mult}
  xc b3lyp
  grid xfine
  tolerances tight
  convergence energy 1e-10 density 1e-8{conv}
  iterations 300
end"""
OPEN_SHELL_CONV = ""


def read_xyz(path):
    lines = open(path).read().splitlines()
    n = int(lines[0])
    atoms = []
    for l in lines[2:2 + n]:
        s, x, y, z = l.split()[:4]
        atoms.append((s, float(x), float(y), float(z)))
    return lines[1], atoms


def radii_for(atoms):
    return [round(SCALE * BONDI[s], 6) for s, *_ in atoms]


def screen_value(eps, screen):
    return (eps - 1.0) / eps if screen == "st" else (eps - 1.0) / (eps + 0.5)


def nw_input(case):
    geo, method, basis, charge, mult, eps, screen, minbem, ificos, extra = CASES[case]
    comment, atoms = read_xyz(os.path.join(REF, geo))
    geom = "\n".join("  %-2s %20.12f %20.12f %20.12f" % (
        s, x / BOHR_ANGSTROM, y / BOHR_ANGSTROM, z / BOHR_ANGSTROM) for s, x, y, z in atoms)
    rad = radii_for(atoms)
    radius = "\n".join(("  radius " if i == 0 else "         ") + "%.6f" % r
                       for i, r in enumerate(rad))
    if method == "hf":
        block = SCF_BLOCK.format(ref="rhf" if mult == 1 else "uhf",
                                 spin={1: "singlet", 2: "doublet"}[mult])
        task = "scf"
    else:
        block = DFT_BLOCK.format(odft="odft\n  " if mult != 1 else "", mult=mult,
                                 conv=OPEN_SHELL_CONV if mult != 1 else extra.get("conv", ""))
        task = "dft"
    cosmo = f"""cosmo
  do_cosmo_yk
  dielec {eps}
  screen {screen}
  charge_correction lagrangian
  minbem {minbem}
  ificos {ificos}
  lineq 0
  zeta 0.98
  gamma_s 1.0
  sw_tol 1e-4
{radius}
end"""
    gas_task = extra.get("gas_task", True)
    task1 = (f"# task 1: gas phase, no COSMO\ntask {task} energy\n" if gas_task else
             "# (no separate gas-phase task: the COSMO task below prints its own gas-phase energy, 12 decimals)\n")
    return f"""start {case}
title "orbscreen COSMO reference {case}"
memory total 1500 mb
geometry units bohr noautoz nocenter noautosym
{geom}
end
basis cartesian
  * library {basis}
end
charge {charge}
{block}
{task1}# task 2: NWChem repeats the gas phase, then the COSMO solvated SCF
{cosmo}
task {task} energy
"""


def last(pattern, text, conv=float, default=None):
    m = re.findall(pattern, text)
    return conv(m[-1]) if m else default


def parse(out, method, mult, gas_task=True):
    d = {}
    tot = r"Total (?:SCF|DFT) energy =\s+(-?\d+\.\d+)"
    es = re.findall(tot, out)
    d["energy_sol"] = float(es[-1])
    d["cosmo_gas"] = last(r"gas phase energy =\s+(-?\d+\.\d+)", out)
    d["energy_gas_task1"] = float(es[0]) if gas_task else d["cosmo_gas"]
    d["cosmo_sol"] = last(r"sol phase energy =\s+(-?\d+\.\d+)", out)
    d["cosmo_printed_solv"] = last(r"\(electrostatic\) solvation energy =\s+(-?\d+\.\d+)", out)
    d["cosmo_energy"] = last(r"COSMO energy =\s+(-?\d+\.\d+)", out)
    d["nefc"] = last(r"number of -cosmo- surface points =\s+(\d+)", out, int)
    d["nseg"] = last(r"number of segments per atom =\s+(\d+)", out, int)
    d["surface"] = last(r"molecular surface =\s+(\S+) angstrom", out)
    d["volume"] = last(r"molecular volume  =\s+(\S+) angstrom", out)
    d["gcavdisp"] = last(r"G\(cav/disp\)\s+=\s+(\S+) kcal", out)
    d["screen"] = last(r"screen = \(eps-1\)/\(eps[^)]*\)\s+=\s+(\S+)", out)
    d["s2"] = last(r"<S2> =\s+(\S+)", out)
    d["failed"] = "Calculation failed to converge" in out or "failed to converge" in out.lower()
    # final orbital analysis of the last (solvated) SCF: HOMO/LUMO per spin
    d["orbitals"] = final_orbitals(out, method, mult)
    d["nbf"] = last(r"AO basis - number of functions:\s+(\d+)", out, int) or \
        last(r"functions\s+=\s+(\d+)", out, int)
    return d


def final_orbitals(out, method, mult):
    """HOMO/LUMO (Eh, NWChem's printed precision) of the last SCF, per spin."""
    if method == "hf":
        heads = ["ROHF Final Molecular Orbital Analysis"] if mult == 1 else \
            ["UHF Final Alpha Molecular Orbital Analysis", "UHF Final Beta Molecular Orbital Analysis"]
    else:
        heads = ["DFT Final Molecular Orbital Analysis"] if mult == 1 else \
            ["DFT Final Alpha Molecular Orbital Analysis", "DFT Final Beta Molecular Orbital Analysis"]
    res = {}
    for h in heads:
        i = out.rfind(h)
        if i < 0:
            continue
        blk = out[i:i + 200000]
        nxt = blk.find("Final", len(h) + 10)
        if nxt > 0:
            blk = blk[:nxt]
        vec = [(int(k), float(o.replace("D", "E")), float(e.replace("D", "E")))
               for k, o, e in re.findall(r"Vector\s+(\d+)\s+Occ=(\S+)\s+E=\s*(\S+)", blk)]
        occ = [e for k, o, e in vec if o > 0.5]
        vir = [e for k, o, e in vec if o < 0.5]
        spin = "beta" if "Beta" in h else "alpha"
        res[spin] = (max(occ) if occ else None, min(vir) if vir else None)
    return res


def run(case):
    inp = os.path.join(OUT, case + ".nw")
    scratch = os.path.join(SCRATCH, case)
    if os.path.isdir(scratch):
        shutil.rmtree(scratch)
    os.makedirs(scratch)
    shutil.copy(inp, scratch)
    t0 = time.time()
    p = subprocess.run(["nwchem", case + ".nw"], cwd=scratch, capture_output=True, text=True,
                       env=dict(os.environ, OMP_NUM_THREADS="1"))
    wall = time.time() - t0
    out = p.stdout
    open(os.path.join(scratch, case + ".out"), "w").write(out + p.stderr)
    return out, wall, scratch


def fmt(x, nd=12):
    return "None" if x is None else "%.*f" % (nd, x)


def write_ref(case, d, wall):
    geo, method, basis, charge, mult, eps, screen, minbem, ificos, extra = CASES[case]
    comment, atoms = read_xyz(os.path.join(REF, geo))
    rad = radii_for(atoms)
    egas, esol = d["energy_gas_task1"], d["energy_sol"]
    dg = esol - egas
    ref = "rhf" if (method == "hf" and mult == 1) else "uhf" if method == "hf" else \
        "rks" if mult == 1 else "uks"
    nfac = {0: "octahedron", 1: "icosahedron"}[ificos]
    L = []
    L.append("# NWChem 7.0.2 (Debian nwchem 7.0.2-4), tools/nwchem_cosmo_refs.py, input %s.nw; wall %.1f s (1 process, shared 2-core machine)" % (case, wall))
    L.append("# COSMO: York-Karplus (do_cosmo_yk), Lagrangian charge correction, lineq 0 (direct), zeta 0.98, gamma_s 1.0, sw_tol 1e-4, %s minbem %d (%d segments per sphere)" % (nfac, minbem, d["nseg"] or -1))
    L.append("# radii: %.1f x Bondi (Bondi 1964; B: Mantina 2009), input in Angstrom; NWChem converts with 0.529177249 A/bohr" % SCALE)
    if method == "hf":
        L.append("# NWChem scf: thresh 1e-9 (orbital gradient), tol2e 1e-14")
    else:
        L.append("# NWChem dft: xc b3lyp (NWChem: 0.08 slater + 0.72 becke88 + 0.20 HF, 0.19 VWN_1_RPA + 0.81 lyp), grid xfine, tolerances tight, convergence energy 1e-10 density 1e-8"
                 + ("; extra: " + OPEN_SHELL_CONV.strip() if mult != 1 and OPEN_SHELL_CONV else "")
                 + ("; extra: " + extra["conv"].strip() if mult == 1 and extra.get("conv") else ""))
    if not extra.get("gas_task", True):
        L.append("# energy_gas = NWChem's COSMO-block gas-phase SCF ('gas phase energy', printed with 12 decimals); no separate gas task")
    L.append("# energies in Eh; dg_elec = energy_sol - energy_gas (NWChem prints gas - sol as '(electrostatic) solvation energy'); kcal with 1 Eh = %.9f kcal/mol" % HARTREE_KCAL)
    L.append("# G(cav/disp) printed by NWChem (%s kcal/mol) is NOT included in any energy here" % d["gcavdisp"])
    if d["failed"]:
        L.append("# WARNING: NWChem reported a convergence failure in this run")
    L.append("geometry  %s" % geo)
    L.append("method    %s" % method)
    L.append("basis     %s" % basis.replace("g", "G"))
    L.append("puream    0")
    L.append("charge    %d" % charge)
    L.append("mult      %d" % mult)
    L.append("reference %s" % ref)
    if d["nbf"]:
        L.append("nbf       %d" % d["nbf"])
    L.append("eps       %s" % eps)
    L.append("screen    %s" % screen)
    L.append("f_eps     %.12f" % screen_value(eps, screen))
    L.append("cosmo_model york-karplus")
    L.append("tessellation %s" % nfac)
    L.append("minbem    %d" % minbem)
    L.append("nseg_per_atom %d" % (d["nseg"] or -1))
    L.append("nefc      %d" % (d["nefc"] or -1))
    L.append("surface_A2 %s" % d["surface"])
    L.append("volume_A3  %s" % d["volume"])
    seen = []
    for s, *_ in atoms:
        if s in seen:
            continue
        seen.append(s)
        r = round(SCALE * BONDI[s], 6)
        L.append("radius_%s_angstrom %.6f" % (s, r))
        L.append("radius_%s_bohr %.12f" % (s, r / NWCHEM_BOHR))
    L.append("radii_bohr " + " ".join("%.12f" % (r / NWCHEM_BOHR) for r in rad))
    L.append("energy_gas %s" % fmt(egas))
    L.append("energy_sol %s" % fmt(esol))
    L.append("dg_elec   %s" % fmt(dg))
    L.append("dg_elec_kcal %.6f" % (dg * HARTREE_KCAL))
    L.append("cosmo_energy %s" % fmt(d["cosmo_energy"]))
    L.append("nwchem_cosmo_gas %s" % fmt(d["cosmo_gas"]))
    L.append("nwchem_cosmo_sol %s" % fmt(d["cosmo_sol"]))
    if d["s2"] is not None:
        L.append("s2        %s" % d["s2"])
    for spin, (ho, lu) in sorted(d["orbitals"].items()):
        L.append("homo_%s %s" % (spin, "None" if ho is None else "%.6e" % ho))
        L.append("lumo_%s %s" % (spin, "None" if lu is None else "%.6e" % lu))
    open(os.path.join(OUT, case + ".ref"), "w").write("\n".join(L) + "\n")
    return dg


def read_ref(case):
    p = os.path.join(OUT, case + ".ref")
    if not os.path.exists(p):
        return None
    d = {}
    for l in open(p):
        if l.startswith("#") or not l.strip():
            continue
        k, *v = l.split()
        d[k] = v[0] if len(v) == 1 else v
    return d


def summary():
    L = ["# NWChem 7.0.2 COSMO references (tools/nwchem_cosmo_refs.py); energies Eh, dg_elec = E_sol - E_gas",
         "# case                                  eps    f       nefc  E_gas               E_sol               dg_elec(kcal/mol)"]
    for case in CASES:
        r = read_ref(case)
        if not r:
            continue
        L.append("%-38s %5s %-7s %5s %19s %19s %10.4f" % (
            case, r["eps"], r["screen"], r["nefc"], r["energy_gas"], r["energy_sol"],
            float(r["dg_elec_kcal"])))
    L.append("")
    L.append("# vertical reduction energies dE = E(N+1) - E(N) at the N-electron geometry (eV, 1 Eh = %.12f eV)" % HARTREE_EV)
    L.append("# pair                                   dE_gas(eV)   dE_sol(eV)   <S2>(N+1, solvated)")
    for a, b in REDUCTIONS:
        ra, rb = read_ref(a), read_ref(b)
        if not ra or not rb:
            continue
        dgas = (float(rb["energy_gas"]) - float(ra["energy_gas"])) * HARTREE_EV
        dsol = (float(rb["energy_sol"]) - float(ra["energy_sol"])) * HARTREE_EV
        L.append("%-40s %11.6f %12.6f   %s" % (a + " -> red", dgas, dsol, rb.get("s2", "-")))
    open(os.path.join(OUT, "summary.txt"), "w").write("\n".join(L) + "\n")
    print("\n".join(L))


def main():
    args = sys.argv[1:]
    write_only = "--write-only" in args
    args = [a for a in args if a != "--write-only"]
    cases = args or list(CASES)
    os.makedirs(OUT, exist_ok=True)
    for case in cases:
        geo, method, basis, charge, mult, eps, screen, minbem, ificos, extra = CASES[case]
        open(os.path.join(OUT, case + ".nw"), "w").write(nw_input(case))
        if write_only:
            continue
        out, wall, scratch = run(case)
        d = parse(out, method, mult, extra.get("gas_task", True))
        dg = write_ref(case, d, wall)
        surf = os.path.join(scratch, "cosmo.xyz")
        if extra.get("surface") and os.path.exists(surf):
            shutil.copy(surf, os.path.join(OUT, case + ".cosmo.xyz"))
        print("%-38s %7.1f s  E_gas %.10f  E_sol %.10f  dG %.4f kcal/mol  nefc %s%s" % (
            case, wall, d["energy_gas_task1"], d["energy_sol"], dg * HARTREE_KCAL, d["nefc"],
            "  FAILED-CONV" if d["failed"] else ""), flush=True)
    if not write_only:
        summary()


if __name__ == "__main__":
    main()
