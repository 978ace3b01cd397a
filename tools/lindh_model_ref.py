#!/usr/bin/python3
"""Reference numbers for orbscreen's model Hessian (src/opt/model_hessian.c),
from an independent implementation: the same terms (Lindh et al., Chem. Phys.
Lett. 241, 423 (1995), plus orbscreen's out-of-plane term), but every
primitive's derivative by central differences of its value (step 1e-5 bohr)
instead of the analytic B rows, in numpy.

    tools/lindh_model_ref.py GEOMETRY.xyz > tests/reference/opt/model_hessian_NAME.ref

Writes the 3N x 3N Cartesian model Hessian's trace and its eight largest
eigenvalues (Eh/bohr^2).  Angstrom in, bohr inside (CODATA 2018)."""
import sys

import numpy as np

BOHR_ANGSTROM = 0.529177210903
ALPHA = [[1.0000, 0.3949, 0.3949], [0.3949, 0.2800, 0.2800], [0.3949, 0.2800, 0.2800]]
R_REF = [[1.35, 2.10, 2.53], [2.10, 2.87, 3.40], [2.53, 3.40, 3.40]]
K_STRETCH, K_BEND, K_TORSION, K_OOP = 0.45, 0.15, 0.005, 0.05
RHO_CUTOFF, SIN_LINEAR, STEP = 1e-6, 0.05, 1e-5
ROW2 = {"Li", "Be", "B", "C", "N", "O", "F", "Ne"}


def period(el):
    return 0 if el in ("H", "He") else 1 if el in ROW2 else 2


def read_xyz(path):
    lines = open(path).read().splitlines()
    n = int(lines[0])
    rows = [l.split() for l in lines[2:2 + n]]
    return [r[0] for r in rows], np.array([[float(v) for v in r[1:4]] for r in rows]) / BOHR_ANGSTROM


def unit(v):
    return v / np.linalg.norm(v)


def angle(x, a, b, c):
    u, v = x[a] - x[b], x[c] - x[b]
    return np.arctan2(np.linalg.norm(np.cross(u, v)), u @ v)


def dihedral(x, a, b, c, d):
    b1, b2, b3 = x[b] - x[a], x[c] - x[b], x[d] - x[c]
    n1, n2 = np.cross(b1, b2), np.cross(b2, b3)
    return np.arctan2(np.cross(n1, n2) @ unit(b2), n1 @ n2)


def jacobian(f, x, atoms, periodic=False):
    """d f / d x (f scalar or vector) over the atoms' Cartesians."""
    cols = []
    for a in range(len(x)):
        for k in range(3):
            if a not in atoms:
                cols.append(None)
                continue
            xp, xm = x.copy(), x.copy()
            xp[a, k] += STEP
            xm[a, k] -= STEP
            d = np.atleast_1d(f(xp) - f(xm))
            if periodic:
                d = (d + np.pi) % (2 * np.pi) - np.pi
            cols.append(d / (2 * STEP))
    m = len(next(c for c in cols if c is not None))
    return np.array([c if c is not None else np.zeros(m) for c in cols]).T  # m x 3N


def through_linear(x, a, b, c, d):
    return np.sin(angle(x, a, b, c)) <= SIN_LINEAR or np.sin(angle(x, b, c, d)) <= SIN_LINEAR


def model(el, x):
    n = len(el)
    H = np.zeros((3 * n, 3 * n))
    rho = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                p, q = period(el[i]), period(el[j])
                rho[i, j] = np.exp(ALPHA[p][q] * (R_REF[p][q] ** 2 - np.sum((x[i] - x[j]) ** 2)))

    def add(k, J, P=None):
        nonlocal H
        H += k * (J.T @ J if P is None else J.T @ P @ J)

    for i in range(n):
        for j in range(i + 1, n):
            if rho[i, j] > RHO_CUTOFF:
                add(K_STRETCH * rho[i, j], jacobian(lambda y: np.linalg.norm(y[i] - y[j]), x, (i, j)))
    for j in range(n):
        for i in range(n):
            if i == j or rho[i, j] <= RHO_CUTOFF:
                continue
            for l in range(i + 1, n):
                w = rho[i, j] * rho[j, l]
                if l == j or w <= RHO_CUTOFF:
                    continue
                if np.sin(angle(x, i, j, l)) > SIN_LINEAR:
                    add(K_BEND * w, jacobian(lambda y: angle(y, i, j, l), x, (i, j, l)))
                else:  # the two linear bends: directions spanning the plane normal to i-l
                    u = unit(x[l] - x[i])
                    J = jacobian(lambda y: unit(y[i] - y[j]) + unit(y[l] - y[j]), x, (i, j, l))
                    add(K_BEND * w, J, np.eye(3) - np.outer(u, u))
    for j in range(n):
        for k in range(j + 1, n):
            if rho[j, k] <= RHO_CUTOFF:
                continue
            for i in range(n):
                if i in (j, k) or rho[j, k] * rho[i, j] <= RHO_CUTOFF:
                    continue
                for l in range(n):
                    if l in (i, j, k):
                        continue
                    w = rho[i, j] * rho[j, k] * rho[k, l]
                    if w > RHO_CUTOFF and not through_linear(x, i, j, k, l):
                        add(K_TORSION * w,
                            jacobian(lambda y: dihedral(y, i, j, k, l), x, (i, j, k, l), True))
    for j in range(n):
        for i in range(n):
            if i == j or rho[j, i] <= RHO_CUTOFF:
                continue
            for k in range(i + 1, n):
                if k == j or rho[j, i] * rho[j, k] <= RHO_CUTOFF:
                    continue
                for l in range(k + 1, n):
                    w = rho[j, i] * rho[j, k] * rho[j, l]
                    if l != j and w > RHO_CUTOFF and not through_linear(x, j, i, k, l):
                        add(K_OOP * w,
                            jacobian(lambda y: dihedral(y, j, i, k, l), x, (j, i, k, l), True))
    return H


def main():
    el, x = read_xyz(sys.argv[1])
    H = model(el, x)
    w = np.linalg.eigvalsh(0.5 * (H + H.T))
    print("# tools/lindh_model_ref.py %s (numpy %s)" % (sys.argv[1], np.__version__))
    print("trace %.10f" % np.trace(H))
    print("largest " + " ".join("%.10f" % v for v in w[::-1][:8]))


if __name__ == "__main__":
    main()
