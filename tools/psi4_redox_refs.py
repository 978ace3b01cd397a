#!/usr/bin/env python3
"""Gas-phase Delta-SCF references from Psi4 1.3.2: the N-electron molecule
(RKS) and its one-electron-reduced species (UKS doublet) with B3LYP/6-31+G*
(Cartesian), grid (150,974), exact integrals, at the same bohr geometry
(Angstrom -> bohr with CODATA 2018).  For each MOL it writes
tests/reference/cosmo/psi4_<mol>_{n,red}_b3lyp_631pgs_gas.in, runs psi4 on it
(one job at a time, 2 GB) and writes the energy into the .txt beside it,
which `test_solvent redox-gas` reads.  The formaldehyde pair was written by
hand in the same form (tests/reference/cosmo/README.md).

usage (repository root): tools/psi4_redox_refs.py so2
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psi4_common import bohr_lines, read_xyz_fields  # noqa: E402

OUT = "tests/reference/cosmo"
TEMPLATE = """# Psi4 1.3.2: gas-phase B3LYP/6-31+G* (Cartesian) of {mol} ({what}), bohr geometry of
# tests/reference/cosmo/geom/{mol}.xyz (CODATA 2018); written by tools/psi4_redox_refs.py
memory 2 gb
molecule {{
{charge} {mult}
units bohr
symmetry c1
no_com
no_reorient
{atoms}
}}
set {{
  basis 6-31+G*
  puream false
  reference {ref}
  scf_type pk
  e_convergence 1e-10
  d_convergence 1e-10
  ints_tolerance 1e-14
  dft_radial_points 150
  dft_spherical_points 974
  maxiter 300
}}
e = energy('b3lyp')
psi4.print_out("\\nE_B3LYP %.12f\\n" % e)
with open("{stem}.txt", "w") as f:
    f.write("E_B3LYP %.12f\\n" % e)
"""


def read_xyz(path):
    """-> (charge, default 0; the atoms' lines for the molecule block, bohr)."""
    kv, atoms = read_xyz_fields(path)
    return int(kv.get("charge", 0)), bohr_lines(atoms, "  %s %.12f %.12f %.12f")


def main():
    for mol in sys.argv[1:]:
        charge, atoms = read_xyz(os.path.join(OUT, "geom", mol + ".xyz"))
        for tag, dq, mult, ref, what in (("n", 0, 1, "rks", "N electrons"),
                                         ("red", -1, 2, "uks", "N+1 electrons, doublet")):
            stem = "psi4_%s_%s_b3lyp_631pgs_gas" % (mol, tag)
            text = TEMPLATE.format(mol=mol, what=what, charge=charge + dq, mult=mult, atoms=atoms,
                                   ref=ref, stem=stem)
            open(os.path.join(OUT, stem + ".in"), "w").write(text)
            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run(["psi4", "-n", "1", os.path.abspath(os.path.join(OUT, stem + ".in")),
                                "out.dat"], cwd=tmp, check=True)
                txt = open(os.path.join(tmp, stem + ".txt")).read()
            open(os.path.join(OUT, stem + ".txt"), "w").write(txt)
            print(stem, txt.strip(), flush=True)


if __name__ == "__main__":
    main()
