#!/usr/bin/python3
"""Independent re-implementation of NWChem 7.0.2's York-Karplus COSMO surface
and A matrix, checked against NWChem's own dump of a converged run.

For a case of tests/reference/cosmo/ that has a <case>.cosmo.xyz (NWChem's
final surface points, Angstrom with NWChem's 0.529177249 A/bohr, and the
column "q" = minus the surface charge that enters NWChem's Fock matrix) this
  1. builds the surface from the .ref (geometry file, radii in bohr, minbem,
     tessellation) with the formulas of tests/reference/cosmo/README.md,
  2. matches every NWChem point to one of ours (position difference, count),
  3. checks sum(q) = -f(eps) * charge, and, for neutral molecules (where
     NWChem's Lagrange-multiplier energy term is zero),
  4. recomputes NWChem's printed "COSMO energy"
        E_COSMO = sum_i q_i V_nuc(s_i) + q^T A q / (2 f)
     from the dumped charges and our A matrix.
It is a written-out specification for orbscreen's implementation, not a
reference generator.  Usage: tools/cosmo_surface_check.py [case ...]
(numpy from Debian's python3).
"""
import math
import os
import sys

import numpy as np

NWCHEM_BOHR = 0.529177249
BOHR_ANGSTROM = 0.529177210903
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "tests", "reference")
Z = {"H": 1, "B": 5, "C": 6, "N": 7, "O": 8, "F": 9, "P": 15, "S": 16, "Cl": 17}


def polyhedron(kind):
    """Vertices and faces of NWChem's starting polyhedra (hnd_sphoct, hnd_sphico)."""
    if kind == "octahedron":
        v = [(1, 0, 0), (0, 1, 0), (-1, 0, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]
        f = [(5, 1, 2), (5, 2, 3), (5, 3, 4), (5, 4, 1), (6, 1, 2), (6, 2, 3), (6, 3, 4), (6, 4, 1)]
    else:
        a = math.acos(1 / math.sqrt(5)) / 2
        c, s = math.cos(a), math.sin(a)
        v = [(0, c, s), (0, c, -s), (0, -c, s), (0, -c, -s), (s, 0, c), (-s, 0, c), (s, 0, -c),
             (-s, 0, -c), (c, s, 0), (c, -s, 0), (-c, s, 0), (-c, -s, 0)]
        f = [(1, 2, 9), (1, 9, 5), (1, 5, 6), (1, 6, 11), (1, 11, 2), (2, 9, 7), (2, 7, 8), (2, 8, 11),
             (3, 4, 10), (3, 10, 5), (3, 5, 6), (3, 6, 12), (3, 12, 4), (4, 10, 7), (4, 7, 8), (4, 8, 12),
             (9, 10, 7), (9, 5, 10), (11, 12, 8), (11, 6, 12)]
    v = [np.array(x, float) for x in v]
    return [(v[i - 1], v[j - 1], v[k - 1]) for i, j, k in f]


def unit_points(kind, minbem):
    """Segment centres on the unit sphere: minbem-1 subdivisions (edge midpoints
    projected onto the sphere), then each triangle's centroid, normalised."""
    tris = polyhedron(kind)
    for _ in range(minbem - 1):
        new = []
        for a, b, c in tris:
            ab, bc, ca = [(x + y) / np.linalg.norm(x + y) for x, y in ((a, b), (b, c), (c, a))]
            new += [(a, ab, ca), (ab, b, bc), (ca, bc, c), (ab, bc, ca)]
        tris = new
    pts = [(a + b + c) / np.linalg.norm(a + b + c) for a, b, c in tris]
    return np.array(pts)


def smoothstep(x):
    return 0.0 if x < 0 else 1.0 if x > 1 else x ** 3 * (10 - 15 * x + 6 * x * x)


def surface(xyz, R, kind, minbem, gamma_s=1.0, alpha=0.5, sw_tol=1e-4):
    t = unit_points(kind, minbem)
    w = gamma_s * 0.5 ** minbem
    rin, rout = R * (1 - alpha * w), R * (1 + (1 - alpha) * w)
    P, F, owner = [], [], []
    for i in range(len(xyz)):
        for tk in t:
            s = xyz[i] + R[i] * tk
            f = 1.0
            for j in range(len(xyz)):
                if j != i and np.linalg.norm(xyz[i] - xyz[j]) < R[i] + rout[j]:
                    f *= smoothstep((np.linalg.norm(s - xyz[j]) - rin[j]) / (rout[j] - rin[j]))
            if f >= sw_tol:
                P.append(s)
                F.append(f)
                owner.append(i)
    return np.array(P), np.array(F), np.array(owner), len(t)


def a_matrix(P, F, owner, R, nseg, zeta=0.98):
    zi = zeta * math.sqrt(nseg) / (R[owner] * math.sqrt(2 * math.pi))
    d = np.linalg.norm(P[:, None, :] - P[None, :, :], axis=2)
    zij = zi[:, None] * zi[None, :] / np.sqrt(zi[:, None] ** 2 + zi[None, :] ** 2)
    erf = np.vectorize(math.erf)
    with np.errstate(divide="ignore", invalid="ignore"):
        A = np.where(d < 1e-6, 2 * zij / math.sqrt(math.pi), erf(zij * d) / np.where(d < 1e-6, 1, d))
    # diagonal: NWChem uses a Gaussian exponent 4x zeta_i here (hnd_cossas, "dum=16")
    np.fill_diagonal(A, 4 * zi * math.sqrt(2 / math.pi) / F)
    return A


def read_ref(path):
    d = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        k, *v = line.split()
        d[k] = v
    return d


def check(case):
    ref = read_ref(os.path.join(REF, "cosmo", case + ".ref"))
    lines = open(os.path.join(REF, ref["geometry"][0])).read().splitlines()
    atoms = [l.split() for l in lines[2:2 + int(lines[0])]]
    xyz = np.array([[float(x) for x in a[1:4]] for a in atoms]) / BOHR_ANGSTROM
    R = np.array([float(x) for x in ref["radii_bohr"]])
    P, F, owner, nseg = surface(xyz, R, ref["tessellation"][0], int(ref["minbem"][0]))
    dump = [l.split() for l in open(os.path.join(REF, "cosmo", case + ".cosmo.xyz")).read().splitlines()[2:]]
    Pn = np.array([[float(x) for x in d[1:4]] for d in dump]) / NWCHEM_BOHR
    q = -np.array([float(d[4]) for d in dump])
    idx = [int(np.argmin(np.linalg.norm(P - p, axis=1))) for p in Pn]
    dpos = max(np.linalg.norm(P[i] - p) for i, p in zip(idx, Pn))
    ok = len(P) == len(Pn) == len(set(idx)) and dpos < 1e-8
    P, F, owner = P[idx], F[idx], owner[idx]
    f = float(ref["f_eps"][0])
    charge = int(ref["charge"][0])
    msg = "%-36s points %d (NWChem %d), max |dr| %.1e bohr, sum q %+.12f (-f*Q %+.12f)" % (
        case, len(P), len(Pn), dpos, q.sum(), -f * charge)
    ok = ok and abs(q.sum() + f * charge) < 1e-9
    if charge == 0:
        A = a_matrix(P, F, owner, R, nseg)
        vnuc = np.array([sum(Z[a[0]] / np.linalg.norm(p - x) for a, x in zip(atoms, xyz)) for p in P])
        e = q @ vnuc + q @ A @ q / (2 * f)
        en = float(ref["cosmo_energy"][0])
        msg += ", E_COSMO %.12f (NWChem %.12f, diff %.1e)" % (e, en, e - en)
        ok = ok and abs(e - en) < 1e-9
    print(("OK   " if ok else "FAIL ") + msg)
    return ok


def main():
    cases = sys.argv[1:] or sorted(f[:-len(".cosmo.xyz")] for f in os.listdir(os.path.join(REF, "cosmo"))
                                   if f.endswith(".cosmo.xyz"))
    bad = [c for c in cases if not check(c)]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
