#!/usr/bin/env python3
"""Write the Psi4 inputs for orbscreen's density-fitting (RI-J/RI-K) references.

For every case this writes tests/reference/df/<case>.in; running
`psi4 -n 2 <case>.in` inside tests/reference/df/ then writes <case>.ref
itself, in the same key/value format as tests/reference/*.ref plus the
fitting basis (`aux`, `aux_puream`, `naux`), the JK algorithm Psi4 ran
(`jk`), Psi4's energy components, and (where an exact-integral reference
exists) that energy (`energy_exact`) so the DF error is visible.

Each input also re-derives Psi4's DF energy with numpy from Psi4's own
integrals and converged density (the formulas of tests/reference/df/README.md)
and records the difference (`# numpy check`), so the README's formulas are
checked on every case.

Geometries: tests/reference/geom/*.xyz (Angstrom), given to Psi4 in bohr
converted with CODATA 2018, as in tools/psi4_refs.py (shared helpers:
tools/psi4_common.py).

Usage: tools/psi4_df_refs.py [case ...]   (from anywhere; stdlib only)
Then:  tools/run_df_references.sh [case ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psi4_common import (ENERGY_WFN, HASH_LINE, REF, REF_COMMENTS, REF_ORBITALS,  # noqa: E402
                         basis_comment, grid_text, input_header, molecule_block, psi4_method,
                         read_xyz, ref_method_lines, ref_spin_lines, scf_options, set_block,
                         settings_text, write_inputs)

GEOM = os.path.join(REF, "geom")
DF = os.path.join(REF, "df")
FINE = (200, 974)

# case, geometry, method, basis, reference, grid (None for HF), exact-integral
# reference case in tests/reference/ (None if there is none)
CASES = [
    ("water_hf_ccpvdz_df", "water", "hf", "cc-pVDZ", "rhf", None, "water_hf_ccpvdz"),
    ("water_hf_augccpvdz_df", "water", "hf", "aug-cc-pVDZ", "rhf", None, None),
    ("water_b3lyp_ccpvdz_df", "water", "b3lyp", "cc-pVDZ", "rks", FINE, "water_b3lyp_ccpvdz"),
    ("water_wb97x_ccpvdz_df", "water", "wb97x", "cc-pVDZ", "rks", FINE, "water_wb97x_ccpvdz"),
    ("ch3_uhf_631gs_df", "ch3", "hf", "6-31G*", "uhf", None, "ch3_uhf_631gs"),
    ("ch3_b3lyp_631gs_df", "ch3", "b3lyp", "6-31G*", "uks", FINE, "ch3_b3lyp_631gs"),
    ("oh_uhf_ccpvdz_df", "oh", "hf", "cc-pVDZ", "uhf", None, "oh_uhf_ccpvdz"),
    ("acetate_hf_631pgs_df", "acetate", "hf", "6-31+G*", "rhf", None, "acetate_hf_631pgs"),
    ("acetate_b3lyp_631pgs_df", "acetate", "b3lyp", "6-31+G*", "rks", FINE, "acetate_b3lyp_631pgs"),
]


def exact_energy(case):
    if case is None:
        return None
    for line in open(os.path.join(REF, case + ".ref")):
        s = line.split()
        if len(s) == 2 and s[0] == "energy":
            return s[1]
    raise SystemExit("no energy in %s.ref" % case)


def psi4_input(case, geom, method, basis, ref, grid, exact_case):
    q, m, atoms = read_xyz(os.path.join(GEOM, geom + ".xyz"))
    opts = scf_options(basis, ref, "df", grid=grid)
    e_exact = exact_energy(exact_case)
    exact_py = "None" if e_exact is None else repr(e_exact)
    exact_name = "" if exact_case is None else exact_case
    header = input_header("density-fitting reference case", "psi4_df_refs.py", "geom/%s.xyz" % geom,
                          "df/", case)
    return f"""{header}  DF_BASIS_SCF is left at Psi4's default (the JKFIT
# set paired with the orbital basis, puream following the orbital basis).
import time
import numpy as np
memory 4 gb

{molecule_block(q, m, atoms)}

{set_block(opts)}

{ENERGY_WFN % psi4_method(method)}
aux = wfn.get_basisset("DF_BASIS_SCF")
func = wfn.functional()
grid_line = "{grid_text(grid)}"
E_EXACT = {exact_py}

# Which JK object Psi4 built (its output file says).
jk_name = "?"
for line in open(core.outfile_name()):
    t = line.split()
    if len(t) > 2 and t[0] == "==>" and t[1] in ("MemDFJK:", "DiskDFJK:"):
        jk_name = t[1][:-1]

# ---- numpy re-derivation of Psi4's DF energy (tests/reference/df/README.md) ----
mints = core.MintsHelper(bs)
zero = core.BasisSet.zero_ao_basis_set()
nbf, naux = bs.nbf(), aux.nbf()
Pmn = np.asarray(mints.ao_eri(aux, zero, bs, bs)).reshape(naux, nbf, nbf)
M = np.asarray(mints.ao_eri(aux, zero, aux, zero)).reshape(naux, naux)
w, V = np.linalg.eigh(M)
cond = 1e-10   # DF_FITTING_CONDITION default
keep = np.abs(w) >= cond * np.max(np.abs(w))
ndrop = int(naux - keep.sum())
Mm12 = (V[:, keep] / np.sqrt(w[keep])) @ V[:, keep].T      # Matrix::power(-0.5, 1e-10)
Minv = (V[:, keep] / w[keep]) @ V[:, keep].T                # Matrix::power(-1.0, 1e-10)
B = np.einsum("PQ,Qmn->Pmn", Mm12, Pmn)
H = np.asarray(wfn.H())
Da, Db = np.asarray(wfn.Da()), np.asarray(wfn.Db())
Ca = np.asarray(wfn.Ca_subset("AO", "OCC"))
Cb = np.asarray(wfn.Cb_subset("AO", "OCC"))
Dt = Da + Db
Jt = np.einsum("Pmn,P->mn", B, np.einsum("Pls,ls->P", B, Dt))
def K_of(C):
    if C.shape[1] == 0:
        return np.zeros((nbf, nbf))
    X = np.einsum("Pmn,ni->Pmi", B, C)
    return np.einsum("Pmi,Pni->mn", X, X)
alpha = func.x_alpha() if func.is_x_hybrid() else 0.0
beta = func.x_beta() if func.is_x_lrc() else 0.0
omega = func.x_omega() if func.is_x_lrc() else 0.0
e_xc = wfn.get_energies("XC")
e_one = float(np.vdot(Dt, H))
e_j = 0.5 * float(np.vdot(Dt, Jt))
e_k = 0.0
if alpha != 0.0:
    e_k = -0.5 * alpha * (float(np.vdot(Da, K_of(Ca))) + float(np.vdot(Db, K_of(Cb))))
e_wk = 0.0
if beta != 0.0:
    fac = core.IntegralFactory(aux, zero, bs, bs)
    Pmn_w = np.asarray(mints.ao_erf_eri(omega, fac)).reshape(naux, nbf, nbf)
    L = np.einsum("PQ,Qmn->Pmn", Minv, Pmn)   # left: M^-1 (A|mn), Coulomb metric
    def wK_of(C):
        El = np.einsum("Pmn,ni->Pmi", L, C)
        Er = np.einsum("Pmn,ni->Pmi", Pmn_w, C)
        X = np.einsum("Pmi,Pni->mn", El, Er)
        return 0.5 * (X + X.T)                  # hermitivitize()
    e_wk = -0.5 * beta * (float(np.vdot(Da, wK_of(Ca))) + float(np.vdot(Db, wK_of(Cb))))
enuc = mol.nuclear_repulsion_energy()
e_np = enuc + e_one + e_j + e_k + e_wk + e_xc
# Same, but exact inverse by Cholesky (no eigenvalue cutoff): shows whether the cutoff matters.
Lc = np.linalg.cholesky(M)
Bc = np.linalg.solve(Lc, Pmn.reshape(naux, -1)).reshape(naux, nbf, nbf)
Jc = np.einsum("Pmn,P->mn", Bc, np.einsum("Pls,ls->P", Bc, Dt))
def Kc_of(C):
    if C.shape[1] == 0:
        return np.zeros((nbf, nbf))
    X = np.einsum("Pmn,ni->Pmi", Bc, C)
    return np.einsum("Pmi,Pni->mn", X, X)
e_kc = 0.0
if alpha != 0.0:
    e_kc = -0.5 * alpha * (float(np.vdot(Da, Kc_of(Ca))) + float(np.vdot(Db, Kc_of(Cb))))
e_chol = enuc + e_one + 0.5 * float(np.vdot(Dt, Jc)) + e_kc + e_wk + e_xc

{HASH_LINE}
with open("{case}.ref", "w") as f:
    f.write(HASH + " Psi4 1.3.2 (Debian psi4 1:1.3.2+dfsg-5, libxc 5.2.3), {settings_text(opts)}, 4 GB of Psi4 memory\\n")
{basis_comment(basis)}
    f.write(HASH + " fitting basis: Psi4 default DF_BASIS_SCF for {basis}: %s, Psi4 name %s, %d functions, %s\\n"
            % (aux.blend(), aux.name(), naux, "spherical" if aux.has_puream() else "Cartesian"))
    f.write(HASH + " JK algorithm: %s; Coulomb metric (P|Q), eigenvalues %.3e .. %.3e, %d dropped by DF_FITTING_CONDITION 1e-10\\n"
            % (jk_name, w[0], w[-1], ndrop))
{REF_COMMENTS % "enuc"}
    f.write(HASH + " numpy check (README formulas on Psi4's integrals and density): E_numpy - E_psi4 = %.3e Eh; "
            "with a Cholesky inverse instead of the 1e-10 eigenvalue cutoff: %.3e Eh\\n" % (e_np - e, e_chol - e))
    if E_EXACT is not None:
        f.write(HASH + " exact-integral (scf_type pk) energy from ../{exact_name}.ref: %s; DF error E_df - E_pk = %.3e Eh\\n"
                % (E_EXACT, e - float(E_EXACT)))
    f.write("geometry  geom/{geom}.xyz\\n")
{ref_method_lines(method, basis)}
    f.write("aux       %s\\n" % aux.blend().replace(" + ", "+"))
    f.write("aux_puream %d\\n" % (1 if aux.has_puream() else 0))
    f.write("naux      %d\\n" % naux)
    f.write("jk        %s\\n" % jk_name)
{ref_spin_lines(q, m, ref)}
    f.write("grid      %s\\n" % grid_line)
    f.write("nbf       %d\\n" % wfn.nso())
    f.write("energy    %.12f\\n" % e)
    if E_EXACT is not None:
        f.write("energy_exact %s\\n" % E_EXACT)
    f.write(HASH + " e_one, e_two, e_xc: Psi4's energy components (One-Electron, Two-Electron = J + K + wK terms, XC);\\n")
    f.write(HASH + " e_j, e_k, e_wk: the numpy split of e_two from Psi4's converged density (1/2 Tr D J, -alpha/2 sum_s Tr D_s K_s, -beta/2 sum_s Tr D_s wK_s)\\n")
    f.write("e_nuc     %.12f\\n" % enuc)
    f.write("e_one     %.12f\\n" % wfn.get_energies("One-Electron"))
    f.write("e_two     %.12f\\n" % wfn.get_energies("Two-Electron"))
    f.write("e_xc      %.12f\\n" % e_xc)
    f.write("e_j       %.12f\\n" % e_j)
    f.write("e_k       %.12f\\n" % e_k)
    f.write("e_wk      %.12f\\n" % e_wk)
    f.write("x_alpha   %.12f\\n" % alpha)
    f.write("x_beta    %.12f\\n" % beta)
    f.write("x_omega   %.12f\\n" % omega)
{REF_ORBITALS % ref}
"""


# Timing/iteration-count runs with Psi4's own defaults (scf_type df, default
# grid 75x302, e/d_convergence 1e-6 for energy(), SAD guess, DIIS, default
# memory 500 MiB) for the paper anions: what orbscreen's speed is compared with.
TIMING = [
    ("tfpaa_b3lyp_631pgs_psi4default", "tfpaa", "b3lyp", "6-31+G*"),
    ("tfsi_b3lyp_631pgs_psi4default", "tfsi", "b3lyp", "6-31+G*"),
]


def timing_input(case, geom, method, basis):
    q, m, atoms = read_xyz(os.path.join(GEOM, geom + ".xyz"))
    return f"""# Psi4 1.3.2 input: default DF {method}/{basis} run on {geom} for SCF iteration
# count and wall time.  Generated by tools/psi4_df_refs.py from
# tests/reference/geom/{geom}.xyz (bohr, CODATA 2018).  Everything is Psi4's
# default (scf_type df, grid 75x302, e/d_convergence 1e-6, SAD guess, DIIS,
# memory 500 MiB) except symmetry c1 (orbscreen uses no point-group symmetry).
# Run inside tests/reference/df/:  psi4 -n 2 {case}.in /tmp/{case}.out   -> {case}.ref
import time

{molecule_block(q, m, atoms)}

set basis {basis}

t0 = time.time()
e, wfn = energy('{method}', return_wfn=True)
wall = time.time() - t0
aux = wfn.get_basisset("DF_BASIS_SCF")
niter = 0
jk_name = "?"
guess = "?"
thr = []
for line in open(core.outfile_name()):
    t = line.split()
    if len(t) > 3 and t[0].startswith("@DF-") and t[1] == "iter" and t[2] != "SAD:":
        niter += 1
    if len(t) > 2 and t[0] == "==>" and t[1] in ("MemDFJK:", "DiskDFJK:"):
        jk_name = t[1][:-1]
    if line.strip().startswith("Guess Type is"):
        guess = t[-1].rstrip(".")
    if line.strip().startswith(("Energy threshold", "Density threshold")):
        thr.append(t[-1])
HASH = chr(35)
with open("{case}.ref", "w") as f:
    f.write(HASH + " Psi4 1.3.2 (Debian psi4 1:1.3.2+dfsg-5, libxc 5.2.3), all defaults, symmetry c1; from {case}.in\\n")
    f.write(HASH + " wall: Psi4 energy() call, psi4 -n %d, on a 2-core machine shared with other jobs (rough)\\n" % core.get_num_threads())
    f.write("geometry   geom/{geom}.xyz\\n")
    f.write("method     {method}\\n")
    f.write("basis      {basis}\\n")
    f.write("nbf        %d\\n" % wfn.nso())
    f.write("aux        %s\\n" % aux.blend().replace(" + ", "+"))
    f.write("aux_puream %d\\n" % (1 if aux.has_puream() else 0))
    f.write("naux       %d\\n" % aux.nbf())
    f.write("jk         %s\\n" % jk_name)
    f.write("guess      %s\\n" % guess)
    f.write("thresholds %s\\n" % " ".join(thr))
    f.write("iterations %d\\n" % niter)
    f.write("wall_s     %.1f\\n" % wall)
    f.write("energy     %.10f\\n" % e)
"""


def main():
    os.makedirs(DF, exist_ok=True)
    want = set(sys.argv[1:])
    names = write_inputs(DF, CASES, psi4_input, want)
    # the timing runs only on request: 5-10 min each
    names += write_inputs(DF, [c for c in TIMING if c[0] in want], timing_input, want)
    print("\n".join(names))


if __name__ == "__main__":
    main()
