#!/usr/bin/env python3
"""Write the Psi4 inputs for the orbscreen analytic-gradient reference cases.

For every case this writes tests/reference/grad/<case>.in; running
`psi4 -n 2 <case>.in` inside tests/reference/grad/ then writes <case>.ref
itself (Psi4's Python dialect; numbers printed with 12 decimals).

Geometries: tests/reference/grad/geom/*.xyz (Angstrom, comment line with
charge= mult=), fixed *distorted* small molecules written by this script
(and acetate's frozen GFN2-xTB geometry if a case asks for it), handed to Psi4
in bohr converted here with CODATA 2018, so Psi4's own (CODATA 2014) bohr
constant never enters.  The distortions are deliberate: off-equilibrium bond
lengths and angles in an arbitrary orientation and position, so that every
gradient component is sizeable and no symmetry zeroes any of them.

The .in runs the SCF (energy()), then the analytic gradient on that
wavefunction (gradient(..., ref_wfn=wfn)) with PRINT 2 so that Psi4's scfgrad
prints the gradient term by term; the .in reads those blocks back from its
own output file and stores them too (grad_<term> lines).

Usage: tools/psi4_grad_refs.py [case ...]   (from anywhere; stdlib only)
Then:  tools/run_grad_references.sh [case ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psi4_common import (HASH_LINE, PSI4_BASIS_DIR, REF, basis_comment,  # noqa: E402
                         grid_text, input_header, molecule_block, psi4_method, read_xyz,
                         ref_method_lines, ref_spin_lines, scf_options, set_block, settings_text,
                         sha256, write_inputs, write_xyz_table)

GRAD = os.path.join(REF, "grad")
GEOM = os.path.join(GRAD, "geom")

# Distorted small molecules, Angstrom.  name: (charge, mult, comment, atoms).
# Built once (internal coordinates below, then rotated by 0.7 rad about
# (0.3,-0.5,0.8) and shifted by (0.05,-0.03,0.02) A) and frozen here as numbers.
SMALL = {
    "water_d": (0, 1, "distorted H2O: r(OH1)=0.990 r(OH2)=0.935 A, HOH=100.5 deg, general orientation", [
        ("O", 0.050000, -0.030000, 0.020000),
        ("H", 0.828574, 0.449767, 0.399139),
        ("H", -0.595708, 0.645730, 0.045986)]),
    "oh_d": (0, 2, "stretched OH radical: r=1.030 A, general orientation", [
        ("O", 0.050000, -0.030000, 0.020000),
        ("H", -0.225823, -0.329947, 0.965967)]),
    "ch3_d": (0, 2, "pyramidalised CH3 radical: r(CH)=1.085/1.070/1.095 A, H azimuths 0/118/241 deg, "
              "elevations -12/-10/-14 deg", [
        ("C", 0.050000, -0.030000, 0.020000),
        ("H", 0.945048, 0.550007, 0.219261),
        ("H", -0.807158, 0.551792, -0.247763),
        ("H", 0.233073, -0.968963, -0.512783)]),
    "formate_d": (-1, 1, "distorted formate HCOO-: r(CO1)=1.245 r(CO2)=1.275 r(CH)=1.125 A, OCO=127 deg, "
                  "H 5 deg out of plane", [
        ("C", 0.050000, -0.030000, 0.020000),
        ("O", 1.029116, 0.573343, 0.496796),
        ("O", -1.120209, 0.438043, -0.172800),
        ("H", 0.142024, -1.130363, -0.195310)]),
}

FINE = (200, 974)  # the "fine" grid of tests/reference (quadrature error < 1e-7 Eh for water)

# case, geometry, method, basis, puream (None: basis-file default), reference,
# grid (None for HF), scf_type
CASES = [
    # --- Hartree-Fock, exact integrals ---
    ("water_hf_ccpvdz", "water_d", "hf", "cc-pVDZ", None, "rhf", None, "pk"),
    ("water_hf_631gs_cart", "water_d", "hf", "6-31G*", 0, "rhf", None, "pk"),
    ("oh_uhf_ccpvdz", "oh_d", "hf", "cc-pVDZ", None, "uhf", None, "pk"),
    # --- Kohn-Sham, fine grid, exact integrals ---
    ("water_b3lyp_ccpvdz", "water_d", "b3lyp", "cc-pVDZ", None, "rks", FINE, "pk"),
    ("ch3_b3lyp_631gs", "ch3_d", "b3lyp", "6-31G*", None, "uks", FINE, "pk"),
    ("water_pbe_ccpvdz", "water_d", "pbe", "cc-pVDZ", None, "rks", FINE, "pk"),
    ("water_wb97x_ccpvdz", "water_d", "wb97x", "cc-pVDZ", None, "rks", FINE, "pk"),
    ("formate_b3lyp_631pgs", "formate_d", "b3lyp", "6-31+G*", None, "rks", FINE, "pk"),
    # grid check: the same on a (99,590) grid (~3x cheaper; used to size the grid error)
    ("formate_b3lyp_631pgs_99590", "formate_d", "b3lyp", "6-31+G*", None, "rks", (99, 590), "pk"),
    # --- density fitting (Psi4's default fitting basis for the orbital basis) ---
    ("water_hf_ccpvdz_df", "water_d", "hf", "cc-pVDZ", None, "rhf", None, "df"),
    ("water_b3lyp_ccpvdz_df", "water_d", "b3lyp", "cc-pVDZ", None, "rks", FINE, "df"),
]

# Finite-difference gradient of the same fine-grid energy (grid moving with the
# atoms, as Psi4 builds it): dE/dx with the grid response included, to compare
# with Psi4's analytic gradient, which omits it.  5-point central differences.
FD_CASES = [
    ("water_b3lyp_ccpvdz_fd", "water_d", "b3lyp", "cc-pVDZ", None, "rks", FINE, "pk"),
]
FD_STEP = 0.002  # bohr


def write_small():
    write_xyz_table(GEOM, SMALL)


def psi4_input(case, geom, method, basis, puream, ref, grid, scf_type):
    q, m, atoms = read_xyz(os.path.join(GEOM, geom + ".xyz"))
    mem = "memory 4 gb\n" if scf_type == "df" else "memory 2 gb\n"
    opts = scf_options(basis, ref, scf_type, puream, grid)
    psi_method = psi4_method(method)
    aux_file = ""
    if scf_type == "df":  # Psi4's default fitting basis for cc-pVDZ (checked against the run's output)
        aux_file = " (Psi4 %s/cc-pvdz-jkfit.gbs, sha256 %s...)" % (
            PSI4_BASIS_DIR, sha256(os.path.join(PSI4_BASIS_DIR, "cc-pvdz-jkfit.gbs")))
    header = input_header("gradient reference case", "psi4_grad_refs.py", "grad/geom/%s.xyz" % geom,
                          "grad/", case)
    return f"""{header}
import time
{mem}
{molecule_block(q, m, atoms)}

{set_block(opts)}

t0 = time.time()
e, wfn = energy('{psi_method}', return_wfn=True)
t1 = time.time()
# scfgrad prints every term of the gradient with PRINT > 1 (scf_grad.cc)
set print 2
g = gradient('{psi_method}', ref_wfn=wfn)
t2 = time.time()
set print 1
G = [[g.get(i, k) for k in range(3)] for i in range(g.rows())]
natom = mol.natom()
{HASH_LINE}

# Read scfgrad's term-by-term blocks back from this run's output file.
core.close_outfile()
core.reopen_outfile()
lines = open(core.outfile_name()).read().splitlines()
start = max(i for i, l in enumerate(lines) if "SCF GRAD" in l)
terms = {{}}
order = []
i = start
while i < len(lines):
    l = lines[i].strip()
    if l.startswith("-") and l.endswith("Gradient:") and i + 2 < len(lines) and "Atom" in lines[i + 1]:
        name = l[1:-1].strip()
        rows = [[float(x) for x in lines[i + 3 + a].split()[1:4]] for a in range(natom)]
        if name not in terms:
            order.append(name)
        terms[name] = rows
        i += 3 + natom
    else:
        i += 1
tmax = max(abs(terms["Total Gradient"][a][k] - G[a][k]) for a in range(natom) for k in range(3))
if tmax > 1e-11:
    raise Exception("printed total gradient differs from returned one by %g" % tmax)

bs = wfn.basisset()
grid_line = "{grid_text(grid)}"
aux = "-"
if "{scf_type}" == "df":
    auxbs = wfn.get_basisset("DF_BASIS_SCF")
    aux = auxbs.blend()  # name() is "(CC-PVDZ AUX)"; blend() names the file's basis
    aux_nbf = auxbs.nbf()
    if aux.upper() != "CC-PVDZ-JKFIT":
        raise Exception("unexpected DF basis " + aux)
gsum = [sum(G[a][k] for a in range(natom)) for k in range(3)]
gmax = max(abs(G[a][k]) for a in range(natom) for k in range(3))
with open("{case}.ref", "w") as f:
    f.write(HASH + " Psi4 1.3.2 (Debian psi4 1:1.3.2+dfsg-5, libxc 5.2.3), {settings_text(opts)}\\n")
{basis_comment(basis)}
    if aux != "-":
        f.write(HASH + " DF: Psi4's default DF_BASIS_SCF for {basis} is %s{aux_file}; spherical; the SCF uses it through MemDFJK, "
                "the gradient through DFJKGrad (Coulomb metric), the same fit in both\\n" % aux)
    if grid_line != "-":
        f.write(HASH + " DFT grid: Treutler-Ahlrichs M4 radial (Psi4 radius table, alpha=1.0), Lebedev angular, "
                "Treutler nuclear (Becke-type) partition, no pruning (flat)\\n")
        f.write(HASH + " XC gradient: Psi4 1.3.2 has NO grid-weight / grid-point response terms (weights held fixed), "
                "so the gradient sum over atoms (grad_sum) is not zero\\n")
    f.write(HASH + " enuc %.12f  (bohr geometry, Psi4)\\n" % mol.nuclear_repulsion_energy())
    f.write(HASH + " psi4 wall time: scf %.2f s, gradient %.2f s, with psi4 -n %d threads\\n" % (t1 - t0, t2 - t1, core.get_num_threads()))
    f.write(HASH + " gradient in Eh/bohr, atoms in the xyz order, one line: g1x g1y g1z g2x ...;\\n")
    f.write(HASH + " grad_<term>: scfgrad's own terms (their sum is the gradient; grad_xc absent for HF)\\n")
    f.write("geometry  grad/geom/{geom}.xyz\\n")
{ref_method_lines(method, basis)}
{ref_spin_lines(q, m, ref)}
    f.write("grid      %s\\n" % grid_line)
    f.write("scf_type  {scf_type}\\n")
    f.write("df_basis  %s\\n" % aux)
    if aux != "-":
        f.write("df_nbf    %d\\n" % aux_nbf)
    f.write("natom     %d\\n" % natom)
    f.write("nbf       %d\\n" % wfn.nso())
    f.write("nalpha    %d\\n" % wfn.nalpha())
    f.write("nbeta     %d\\n" % wfn.nbeta())
    f.write("energy    %.12f\\n" % e)
    f.write("gradient  " + " ".join("%.12f" % G[a][k] for a in range(natom) for k in range(3)) + "\\n")
    f.write("grad_max  %.12f\\n" % gmax)
    f.write("grad_sum  " + " ".join("%.12f" % s for s in gsum) + "\\n")
    # every term scfgrad printed, in its order (Nuclear, Core Hamiltonian,
    # Overlap, Coulomb, Exchange, Exchange,LR, XC), and a check that they add up
    tsum = [[0.0] * 3 for a in range(natom)]
    for name in order:
        if name == "Total Gradient":
            continue
        key = name.replace(" Gradient", "").replace(" Hamiltonian", "").replace(",", "_").replace(" ", "_").lower()
        f.write(("grad_%-11s " % key) + " ".join("%.12f" % terms[name][a][k] for a in range(natom) for k in range(3)) + "\\n")
        for a in range(natom):
            for k in range(3):
                tsum[a][k] += terms[name][a][k]
    dev = max(abs(tsum[a][k] - G[a][k]) for a in range(natom) for k in range(3))
    f.write(HASH + " sum of the grad_ terms minus gradient: max |dev| %.1e (printed terms have 12 decimals)\\n" % dev)
"""


def fd_input(case, geom, method, basis, puream, ref, grid, scf_type):
    """Same settings as psi4_input; the body computes the 5-point FD gradient."""
    head = psi4_input(case, geom, method, basis, puream, ref, grid, scf_type)
    head = head[:head.index("t0 = time.time()")]
    head = head.replace("gradient reference case", "finite-difference gradient reference case")
    psi_method = psi4_method(method)
    grid_s = grid_text(grid)
    return head + f"""h = {FD_STEP!r}  # bohr
t0 = time.time()
e0, wfn = energy('{psi_method}', return_wfn=True)
g = gradient('{psi_method}', ref_wfn=wfn)
natom = mol.natom()
GA = [[g.get(i, k) for k in range(3)] for i in range(natom)]
X0 = [[mol.x(i), mol.y(i), mol.z(i)] for i in range(natom)]
GF = [[0.0] * 3 for i in range(natom)]
for a in range(natom):
    for k in range(3):
        es = {{}}
        for s in (-2, -1, 1, 2):
            X = [row[:] for row in X0]
            X[a][k] += s * h
            mol.set_geometry(core.Matrix.from_list(X))
            mol.update_geometry()
            es[s] = energy('{psi_method}')
        GF[a][k] = (es[-2] - 8.0 * es[-1] + 8.0 * es[1] - es[2]) / (12.0 * h)
mol.set_geometry(core.Matrix.from_list(X0))
mol.update_geometry()
wall = time.time() - t0
HASH = chr(35)
with open("{case}.ref", "w") as f:
    f.write(HASH + " Psi4 1.3.2, same settings and geometry as the analytic case; {len(grid_s) and ''}fd_gradient = 5-point central\\n")
    f.write(HASH + " differences of Psi4's SCF energy, step h = %g bohr, (E(-2h) - 8E(-h) + 8E(h) - E(2h))/(12h); the grid\\n" % h)
    f.write(HASH + " (atom-centred, Becke/Treutler partition) moves with the atoms, so this includes the grid response\\n")
    f.write(HASH + " that Psi4's analytic XC gradient (gradient line) leaves out.  wall time %.0f s\\n" % wall)
    f.write("geometry  grad/geom/{geom}.xyz\\n")
    f.write("method    {method}\\n")
    f.write("basis     {basis}\\n")
    f.write("reference {ref}\\n")
    f.write("grid      {grid_s}\\n")
    f.write("scf_type  {scf_type}\\n")
    f.write("natom     %d\\n" % natom)
    f.write("energy    %.12f\\n" % e0)
    f.write("fd_step   %g\\n" % h)
    f.write("gradient  " + " ".join("%.12f" % GA[a][k] for a in range(natom) for k in range(3)) + "\\n")
    f.write("fd_gradient " + " ".join("%.12f" % GF[a][k] for a in range(natom) for k in range(3)) + "\\n")
    f.write("fd_minus_analytic " + " ".join("%.3e" % (GF[a][k] - GA[a][k]) for a in range(natom) for k in range(3)) + "\\n")
    f.write("fd_sum    " + " ".join("%.3e" % sum(GF[a][k] for a in range(natom)) for k in range(3)) + "\\n")
    f.write("grad_sum  " + " ".join("%.3e" % sum(GA[a][k] for a in range(natom)) for k in range(3)) + "\\n")
"""


def main():
    write_small()
    want = set(sys.argv[1:])
    done = write_inputs(GRAD, CASES, psi4_input, want) + write_inputs(GRAD, FD_CASES, fd_input, want)
    print("\n".join(done))


if __name__ == "__main__":
    main()
