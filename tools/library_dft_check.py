#!/usr/bin/python3
"""Spot check of the GFN2-xTB library geometries against B3LYP/6-31+G* (Psi4).

    /usr/bin/python3 tools/library_dft_check.py write [stem ...]
        writes tools/library-staging/dft-check/<stem>_b3lyp_631pgs_opt.in from
        tools/library-staging/<stem>/conf1.xyz (Angstrom -> bohr, CODATA 2018);
        run each inside that folder with
            psi4 -n 2 <stem>_b3lyp_631pgs_opt.in /tmp/<stem>.out
        which writes <stem>_b3lyp_631pgs_opt.ref (energy, optimized geometry);
    /usr/bin/python3 tools/library_dft_check.py report
        prints the geometry descriptors (C-CO2, O-C-O, S-N-S, torsions) of every
        .ref beside those of the staged GFN2 conformer.

Settings: Psi4 1.3.2 (Debian), B3LYP (Psi4's definition, VWN1RPA in the local
part), 6-31+G* (Cartesian d, the basis file's default), scf_type df
(def2-universal-jkfit), Psi4's default DFT grid (75, 302) and its default
geometry convergence (QCHEM criteria), gas phase, memory 2 GB.
"""
import glob
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_library as ml  # noqa: E402
from rdkit import Chem  # noqa: E402

BOHR_ANGSTROM = 0.529177210903  # CODATA 2018
DIR = os.path.join(ml.STAGE, "dft-check")
DEFAULT = ["acetate", "tfa", "fsi"]  # what was run (about 13, 26 and 55 min on the loaded machine)

TEMPLATE = """# Psi4 1.3.2: B3LYP/6-31+G* gas-phase optimization of {stem} ({label}),
# a spot check of the GFN2-xTB library geometry (tools/library_dft_check.py).
# Start: tools/library-staging/{stem}/conf1.xyz ({level}),
# Angstrom -> bohr with CODATA 2018 (1 bohr = 0.529177210903 A).
# Run inside tools/library-staging/dft-check/:
#   psi4 -n 2 {stem}_b3lyp_631pgs_opt.in /tmp/{stem}.out
# It writes {stem}_b3lyp_631pgs_opt.ref.
import time
memory 2 gb

molecule mol {{
units bohr
symmetry c1
no_reorient
{charge} {mult}
{atoms}
}}

set {{
  basis 6-31+G*
  reference {ref}
  scf_type df
  e_convergence 1e-8
  d_convergence 1e-8
  maxiter 200
  geom_maxiter 100
}}

t0 = time.time()
e = optimize('b3lyp')
g = mol.geometry().np
HASH = chr(35)  # Psi4's input preprocessor cuts lines at a literal hash sign
with open('{stem}_b3lyp_631pgs_opt.ref', 'w') as f:
    f.write(HASH + ' Psi4 1.3.2 B3LYP/6-31+G* (df, default grid 75/302, default opt criteria) gas-phase minimum\\n')
    f.write(HASH + ' start {stem}/conf1.xyz ({level}); wall %.1f s with psi4 -n 2\\n' % (time.time() - t0))
    f.write('energy %.10f\\n' % e)
    f.write(HASH + ' geometry: symbol, x y z in bohr, then x y z in Angstrom (CODATA 2018)\\n')
    for i in range(mol.natom()):
        x = g[i]
        f.write('%-2s %16.10f %16.10f %16.10f   %14.8f %14.8f %14.8f\\n' % (mol.symbol(i).capitalize(), x[0], x[1], x[2], x[0] * 0.529177210903, x[1] * 0.529177210903, x[2] * 0.529177210903))
"""


def write(stems):
    os.makedirs(DIR, exist_ok=True)
    table = {r["stem"]: r for r in ml.read_table()}
    for s in stems:
        r = table[s]
        path = os.path.join(DIR, "%s_b3lyp_631pgs_opt.in" % s)
        if os.path.exists(path):
            print("kept", path, "(delete it to rewrite it from the staged conf1)")
            continue
        sym, x, comment = ml.read_xyz(os.path.join(ml.STAGE, s, "conf1.xyz"))
        level = [t for t in comment.split() if t.startswith("level=")][0][6:]
        atoms = "\n".join("%-2s %18.12f %18.12f %18.12f" % (e, *(v / BOHR_ANGSTROM))
                          for e, v in zip(sym, x))
        with open(path, "w") as f:
            f.write(TEMPLATE.format(stem=s, label=r["label"], level=level, charge=r["charge"],
                                    mult=r["mult"], atoms=atoms,
                                    ref="rks" if r["mult"] == 1 else "uks"))
        print("wrote", s)


def read_ref(path):
    sym, x = [], []
    e = None
    for l in open(path):
        if l.startswith("energy"):
            e = float(l.split()[1])
        elif not l.startswith("#") and len(l.split()) == 7:
            f = l.split()
            sym.append(f[0])
            x.append([float(v) * BOHR_ANGSTROM for v in f[1:4]])
    return e, sym, np.array(x)


def compare_rows(level):
    """Descriptor dicts of conf1 re-optimized at `level`, from compare.tsv."""
    out = {}
    path = os.path.join(ml.STAGE, "compare.tsv")
    if not os.path.exists(path):
        return out
    L = open(path).read().splitlines()
    h = L[0].split("\t")
    for l in L[1:]:
        r = dict(zip(h, l.split("\t")))
        if r["conf"] == "1" and r["level"] == level:
            out[r["stem"]] = r
    return out


def report():
    table = {r["stem"]: r for r in ml.read_table()}
    gas = compare_rows("gas")
    print("%-9s %-12s %-14s %-18s %-18s" % ("stem", "quantity", "B3LYP", "staged conf1", "same, gas GFN2"))
    for p in sorted(glob.glob(os.path.join(DIR, "*_b3lyp_631pgs_opt.ref"))):
        s = os.path.basename(p).split("_")[0]
        r = table[s]
        mol = Chem.AddHs(Chem.MolFromSmiles(r["smiles"]))
        mol.SetProp("_family", r["family"])
        e, sym, x = read_ref(p)
        _, xg, comment = ml.read_xyz(os.path.join(ml.STAGE, s, "conf1.xyz"))
        heavy = ml.heavy_index(mol)
        perms = ml.automorphisms(mol, heavy)
        d_dft = ml.descriptors(mol, x)
        d_stg = ml.descriptors(mol, xg)
        level = [t for t in comment.split() if t.startswith("level=")][0][6:]
        print("%-9s E(B3LYP)=%.8f; staged conf1 at %s, heavy-atom RMSD to B3LYP %.3f A"
              % (s, e, level, ml.rmsd(xg[heavy], x[heavy], perms)))
        for k in ml.DESC_KEYS:
            if k in d_dft:
                print("%-9s %-12s %-14s %-18s %-18s" % ("", k, d_dft[k], d_stg.get(k, ""),
                                                        gas.get(s, {}).get(k, "")))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("write", "report"):
        raise SystemExit(__doc__)
    if sys.argv[1] == "write":
        write(sys.argv[2:] or DEFAULT)
    else:
        report()
