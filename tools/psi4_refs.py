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
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psi4_common import (ENERGY_WFN, HASH_LINE, REF, REF_COMMENTS, REF_ORBITALS, ROOT,  # noqa: E402
                         basis_comment, grid_text, input_header, molecule_block, psi4_method,
                         read_xyz, ref_method_lines, ref_spin_lines, scf_options, set_block,
                         settings_text, write_inputs, write_xyz_table)

GEOM = os.path.join(REF, "geom")

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


def write_small():
    write_xyz_table(GEOM, SMALL)


def freeze():
    for name in FROZEN:
        dst = os.path.join(GEOM, name + ".xyz")
        if not os.path.exists(dst):  # frozen: never overwritten once made
            shutil.copyfile(os.path.join(ROOT, "molecules", name + ".xyz"), dst)


def psi4_input(case, geom, method, basis, puream, ref, grid, scf_type):
    q, m, atoms = read_xyz(os.path.join(GEOM, geom + ".xyz"))
    # Psi4's default is 500 MB.  The small HF cases ran with it; the rest get
    # enough for PK to stay in core (TFPAA-: 255 functions, PK needs ~8.5 GB and Psi4 lets JK use 75% of `memory`;
    # out of core it took ~2 min per SCF iteration on this machine's disk).
    if scf_type in ("df", "disk_df"):
        mem = "memory 4 gb\n"  # DFHelper refused TFSI- with 2 GB
    elif geom == "tfpaa" and scf_type == "pk":
        mem = "memory 13 gb\n"
    else:
        mem = "" if method == "hf" else "memory 2 gb\n"
    opts = scf_options(basis, ref, scf_type, puream, grid)
    return f"""{input_header("reference case", "psi4_refs.py", "geom/%s.xyz" % geom, "", case)}
import time
{mem}
{molecule_block(q, m, atoms)}

{set_block(opts)}

{ENERGY_WFN % psi4_method(method)}
grid_line = "{grid_text(grid)}"
{HASH_LINE}
with open("{case}.ref", "w") as f:
    f.write(HASH + " Psi4 1.3.2 (Debian psi4 1:1.3.2+dfsg-5, libxc 5.2.3), {settings_text(opts)}\\n")
{basis_comment(basis)}
{REF_COMMENTS % "mol.nuclear_repulsion_energy()"}
    f.write("geometry  geom/{geom}.xyz\\n")
{ref_method_lines(method, basis)}
{ref_spin_lines(q, m, ref)}
    f.write("grid      %s\\n" % grid_line)
    f.write("nbf       %d\\n" % wfn.nso())
    f.write("energy    %.12f\\n" % e)
{REF_ORBITALS % ref}
"""


def main():
    os.makedirs(GEOM, exist_ok=True)
    write_small()
    freeze()
    print("\n".join(write_inputs(REF, CASES, psi4_input, set(sys.argv[1:]))))


if __name__ == "__main__":
    main()
