#!/usr/bin/env python3
"""Write the Psi4 inputs for the orbscreen reference cases.

For every case this writes tests/reference/<case>.in; running
`psi4 -n 2 <case>.in` inside tests/reference/ then writes <case>.ref itself
(the input is Psi4's Python dialect and prints the numbers with 12 decimals).
Geometries are read from tests/reference/geom/*.xyz (Angstrom, comment line
with charge= mult=) and handed to Psi4 in bohr, converted here with CODATA
2018, so Psi4's own (CODATA 2014) bohr constant never enters.
Small-molecule geometries are fixed literature-style values written here;
the paper molecules are frozen copies of molecules/*.xyz.

Usage: tools/psi4_refs.py            (from the repository root; stdlib only)
"""
import hashlib
import os
import shutil
import sys

BOHR_ANGSTROM = 0.529177210903  # CODATA 2018
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "tests", "reference")
GEOM = os.path.join(REF, "geom")
PSI4_BASIS_DIR = "/usr/share/psi4/basis"

# Small molecules, Angstrom.  name: (charge, mult, comment, atoms)
SMALL = {
    "water": (0, 1, "H2O, r(OH)=0.9572 A, HOH=104.52 deg", [
        ("O", 0.0, 0.0, 0.1173),
        ("H", 0.0, 0.7572, -0.4692),
        ("H", 0.0, -0.7572, -0.4692)]),
    "ch3": (0, 2, "CH3 radical, planar D3h, r(CH)=1.079 A", [
        ("C", 0.0, 0.0, 0.0),
        ("H", 1.079, 0.0, 0.0),
        ("H", -0.5395, 0.934441, 0.0),
        ("H", -0.5395, -0.934441, 0.0)]),
    "oh": (0, 2, "OH radical, r=0.9697 A", [
        ("O", 0.0, 0.0, 0.0),
        ("H", 0.0, 0.0, 0.9697)]),
    "o2": (0, 3, "O2 triplet ground state, r=1.2075 A", [
        ("O", 0.0, 0.0, 0.0),
        ("O", 0.0, 0.0, 1.2075)]),
}

# Paper / screening molecules copied (frozen) from molecules/.
FROZEN = ["acetate", "dol", "dme", "tfsi", "tfpaa"]

FINE = (200, 974)     # "quadrature error gone" grid
DEFAULT = (75, 302)   # Psi4 1.3.2 default grid
PAPER_FINE = (99, 590)  # finest that runs in minutes for the 11-17 atom paper molecules here

# case, geometry, method, basis, puream (None: basis-file default), reference,
# grid (None for HF), scf_type
CASES = [
    # --- Hartree-Fock ---
    ("water_hf_ccpvdz", "water", "hf", "cc-pVDZ", None, "rhf", None, "pk"),
    ("water_hf_631gs_cart", "water", "hf", "6-31G*", 0, "rhf", None, "pk"),
    ("water_hf_631gs_sph", "water", "hf", "6-31G*", 1, "rhf", None, "pk"),
    ("water_hf_ccpvqz", "water", "hf", "cc-pVQZ", None, "rhf", None, "pk"),
    ("acetate_hf_631pgs", "acetate", "hf", "6-31+G*", None, "rhf", None, "pk"),
    ("ch3_uhf_631gs", "ch3", "hf", "6-31G*", None, "uhf", None, "pk"),
    ("oh_uhf_ccpvdz", "oh", "hf", "cc-pVDZ", None, "uhf", None, "pk"),
    ("o2_uhf_631gs", "o2", "hf", "6-31G*", None, "uhf", None, "pk"),
    ("dol_hf_631pgs", "dol", "hf", "6-31+G*", None, "rhf", None, "pk"),
    ("tfpaa_hf_631pgs", "tfpaa", "hf", "6-31+G*", None, "rhf", None, "pk"),
    # --- DFT, fine grid (quadrature error checked with the _150 and _250 variants) ---
    ("water_b3lyp_ccpvdz", "water", "b3lyp", "cc-pVDZ", None, "rks", FINE, "pk"),
    ("water_b3lyp_ccpvdz_150", "water", "b3lyp", "cc-pVDZ", None, "rks", (150, 974), "pk"),
    ("water_b3lyp_ccpvdz_250", "water", "b3lyp", "cc-pVDZ", None, "rks", (250, 1202), "pk"),
    ("ch3_b3lyp_631gs", "ch3", "b3lyp", "6-31G*", None, "uks", FINE, "pk"),
    ("water_pbe_ccpvdz", "water", "pbe", "cc-pVDZ", None, "rks", FINE, "pk"),
    ("water_tpss_ccpvdz", "water", "tpss", "cc-pVDZ", None, "rks", FINE, "pk"),
    ("water_wb97x_ccpvdz", "water", "wb97x", "cc-pVDZ", None, "rks", FINE, "pk"),
    ("water_camb3lyp_ccpvdz", "water", "cam-b3lyp", "cc-pVDZ", None, "rks", FINE, "pk"),
    ("acetate_b3lyp_631pgs", "acetate", "b3lyp", "6-31+G*", None, "rks", FINE, "pk"),
    # --- paper molecules (Figure 2b), B3LYP/6-31+G* (Cartesian d, Psi4's default) ---
    ("dme_b3lyp_631pgs_default", "dme", "b3lyp", "6-31+G*", None, "rks", DEFAULT, "pk"),
    ("dol_b3lyp_631pgs_default", "dol", "b3lyp", "6-31+G*", None, "rks", DEFAULT, "pk"),
    ("dme_b3lyp_631pgs_fine", "dme", "b3lyp", "6-31+G*", None, "rks", PAPER_FINE, "pk"),
    # (DOL, TFSI-, TFPAA- on the (99,590) grid were planned but not run for lack
    # of time: DME there took ~10 min on the shared 2 cores.)
    # Psi4's default scf_type df: benchmark baseline and DF-error check.
    # TFSI- with scf_type df stops in Psi4 1.3.2's MemDFJK ("DFHelper: not
    # enough memory for (p shell) AO blocking", also with memory 4 gb), so it
    # uses Psi4's other DF algorithm, DiskDFJK (same fitting basis).
    ("tfsi_b3lyp_631pgs_default_df", "tfsi", "b3lyp", "6-31+G*", None, "rks", DEFAULT, "disk_df"),
    ("tfpaa_b3lyp_631pgs_default_df", "tfpaa", "b3lyp", "6-31+G*", None, "rks", DEFAULT, "df"),
    # TFPAA- B3LYP with PK was started but stopped: with the DFT grid's memory
    # Psi4 fell back to out-of-core PK even with memory 13 gb (~2 min/iteration).
    # TFSI- (293 functions) PK needs ~15 GB in core: not run on this 24 GB
    # shared machine; its exact-integral numbers are left to orbscreen itself.
]

PSI4_BASIS_FILE = {"cc-pVDZ": "cc-pvdz.gbs", "cc-pVQZ": "cc-pvqz.gbs",
                   "6-31G*": "6-31gs.gbs", "6-31+G*": "6-31pgs.gbs"}


def write_small():
    for name, (q, m, note, atoms) in SMALL.items():
        with open(os.path.join(GEOM, name + ".xyz"), "w") as f:
            f.write("%d\ncharge=%d mult=%d name=%s %s\n" % (len(atoms), q, m, name, note))
            for a in atoms:
                f.write("%-2s %15.8f %15.8f %15.8f\n" % a)


def freeze():
    for name in FROZEN:
        dst = os.path.join(GEOM, name + ".xyz")
        if not os.path.exists(dst):  # frozen: never overwritten once made
            shutil.copyfile(os.path.join(ROOT, "molecules", name + ".xyz"), dst)


def read_xyz(path):
    lines = open(path).read().splitlines()
    n = int(lines[0].split()[0])
    kv = dict(t.split("=", 1) for t in lines[1].split() if "=" in t)
    atoms = []
    for l in lines[2:2 + n]:
        s = l.split()
        atoms.append((s[0], float(s[1]), float(s[2]), float(s[3])))
    return int(kv["charge"]), int(kv["mult"]), atoms


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()[:16]


def psi4_input(case, geom, method, basis, puream, ref, grid, scf_type):
    q, m, atoms = read_xyz(os.path.join(GEOM, geom + ".xyz"))
    bfile = PSI4_BASIS_FILE[basis]
    geo = "\n".join("%-2s %20.12f %20.12f %20.12f" % (s, x / BOHR_ANGSTROM, y / BOHR_ANGSTROM,
                                                      z / BOHR_ANGSTROM) for s, x, y, z in atoms)
    # Psi4's default is 500 MB.  The small HF cases ran with it; the rest get
    # enough for PK to stay in core (TFPAA-: 255 functions, PK needs ~8.5 GB and Psi4 lets JK use 75% of `memory`;
    # out of core it took ~2 min per SCF iteration on this machine's disk).
    if scf_type in ("df", "disk_df"):
        mem = "memory 4 gb\n"  # DFHelper refused TFSI- with 2 GB
    elif geom == "tfpaa" and scf_type == "pk":
        mem = "memory 13 gb\n"
    else:
        mem = "" if method == "hf" else "memory 2 gb\n"
    opts = ["basis %s" % basis, "reference %s" % ref, "scf_type %s" % scf_type,
            "e_convergence 1e-10", "d_convergence 1e-10", "maxiter 300",
            "ints_tolerance 1e-14"]
    if puream is not None:
        opts.append("puream %s" % ("true" if puream else "false"))
    if grid is not None:
        opts += ["dft_radial_points %d" % grid[0], "dft_spherical_points %d" % grid[1],
                 "dft_radial_scheme treutler", "dft_nuclear_scheme treutler",
                 "dft_pruning_scheme flat", "dft_basis_tolerance 1e-14"]
    psi_method = "scf" if method == "hf" else method
    grid_s = "-" if grid is None else "%d,%d" % grid
    settings = ", ".join(o.replace(" ", "=") for o in opts[2:])
    return f"""# Psi4 1.3.2 input for orbscreen reference case {case}.
# Generated by tools/psi4_refs.py from tests/reference/geom/{geom}.xyz
# (Angstrom -> bohr with CODATA 2018, 1 bohr = {BOHR_ANGSTROM} A).
# Run inside tests/reference/:  psi4 -n 2 {case}.in /tmp/{case}.out
# It writes {case}.ref.
import time
{mem}
molecule mol {{
units bohr
symmetry c1
no_com
no_reorient
{q} {m}
{geo}
}}

set {{
{chr(10).join("  " + o for o in opts)}
}}

t0 = time.time()
e, wfn = energy('{psi_method}', return_wfn=True)
wall = time.time() - t0
ea = [float(x) for x in wfn.epsilon_a().to_array(dense=True)]
eb = [float(x) for x in wfn.epsilon_b().to_array(dense=True)]
na, nb = wfn.nalpha(), wfn.nbeta()
bs = wfn.basisset()
grid_line = "{grid_s}"
HASH = chr(35)  # psithon strips the comment character even inside strings
with open("{case}.ref", "w") as f:
    f.write(HASH + " Psi4 1.3.2 (Debian psi4 1:1.3.2+dfsg-5, libxc 5.2.3), {settings}\\n")
    f.write(HASH + " basis data: Psi4 {PSI4_BASIS_DIR}/{bfile} (sha256 {sha256(os.path.join(PSI4_BASIS_DIR, bfile))}...)\\n")
    if grid_line != "-":
        f.write(HASH + " DFT grid: Treutler-Ahlrichs M4 radial (Treutler scheme, Bragg-Slater radii, alpha=1.0), "
                "Lebedev angular, Treutler nuclear (Becke-type) partition, no pruning (flat)\\n")
    f.write(HASH + " enuc %.12f  (bohr geometry, Psi4)\\n" % mol.nuclear_repulsion_energy())
    f.write(HASH + " psi4 scf wall time %.2f s with psi4 -n %d threads\\n" % (wall, core.get_num_threads()))
    occ = ea[:na] + eb[:nb]
    virt = ea[na:] + eb[nb:]
    f.write(HASH + " HOMO %.6f eV  LUMO %.6f eV  (max occupied / min virtual over both spins; 1 Eh = 27.211386245988 eV)\\n"
            % (max(occ) * 27.211386245988, min(virt) * 27.211386245988))
    f.write("geometry  geom/{geom}.xyz\\n")
    f.write("method    {method}\\n")
    f.write("basis     {basis}\\n")
    f.write("puream    %d\\n" % (1 if bs.has_puream() else 0))
    f.write("charge    {q}\\n")
    f.write("mult      {m}\\n")
    f.write("reference {ref}\\n")
    f.write("grid      %s\\n" % grid_line)
    f.write("nbf       %d\\n" % wfn.nso())
    f.write("energy    %.12f\\n" % e)
    f.write("nalpha    %d\\n" % na)
    f.write("nbeta     %d\\n" % nb)
    f.write("eps_a     " + " ".join("%.12f" % x for x in ea) + "\\n")
    if "{ref}" in ("uhf", "uks"):
        f.write("eps_b     " + " ".join("%.12f" % x for x in eb) + "\\n")
"""


def main():
    os.makedirs(GEOM, exist_ok=True)
    write_small()
    freeze()
    want = set(sys.argv[1:])
    for c in CASES:
        if want and c[0] not in want:
            continue
        with open(os.path.join(REF, c[0] + ".in"), "w") as f:
            f.write(psi4_input(*c))
    print("\n".join(c[0] for c in CASES if not want or c[0] in want))


if __name__ == "__main__":
    main()
