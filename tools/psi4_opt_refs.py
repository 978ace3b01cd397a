#!/usr/bin/env python3
"""Write the Psi4 inputs for the orbscreen geometry-optimization references.

For every case this writes tests/reference/opt/<case>.in; running
`psi4 -n 2 <case>.in` inside tests/reference/opt/ then writes <case>.ref
itself (Psi4's Python dialect; numbers printed with 12 decimals).

Each .in optimizes the committed starting geometry
tests/reference/opt/geom/<start>.xyz (Angstrom, comment line charge= mult=;
given to Psi4 in bohr converted with CODATA 2018) with Psi4 1.3.2's
optimizer (the C++ optking, redundant internal plus Cartesian coordinates,
RFO steps, g_convergence gau_verytight, formate gau_tight), then recomputes energy and analytic gradient
once more at the final geometry, and writes: the optimizer's final energy,
the single-point energy at the final geometry, the final geometry (bohr,
atoms in the start file's order), its largest gradient component, and the
key internal coordinates (bond lengths in Angstrom with CODATA 2018, angles
in degrees) computed from the final geometry.

Usage: tools/psi4_opt_refs.py [case ...]   (stdlib only)
Then:  tools/run_grad_references.sh opt [case ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psi4_common import (BOHR_ANGSTROM, HASH_LINE, REF, basis_comment, grid_text,  # noqa: E402
                         input_header, molecule_block, psi4_method, read_xyz, ref_method_lines,
                         ref_spin_lines, scf_options, set_block, settings_text, write_inputs,
                         write_xyz_table)

OPT = os.path.join(REF, "opt")
GEOM = os.path.join(OPT, "geom")

# Starting geometries, Angstrom: deliberately off-equilibrium, no symmetry,
# general orientation (built from the internal coordinates in the comment,
# rotated by 0.7 rad about (0.3,-0.5,0.8) and shifted by (0.05,-0.03,0.02) A).
START = {
    "water_s": (0, 1, "H2O start: r(OH1)=0.990 r(OH2)=0.935 A, HOH=100.5 deg", [
        ("O", 0.050000, -0.030000, 0.020000),
        ("H", 0.828574, 0.449767, 0.399139),
        ("H", -0.595708, 0.645730, 0.045986)]),
    "formaldehyde_s": (0, 1, "H2CO start: r(CO)=1.220 r(CH)=1.110/1.090 A, OCH=121/123 deg, H slightly "
                       "out of plane", [
        ("C", 0.050000, -0.030000, 0.020000),
        ("O", 1.009455, 0.561228, 0.487222),
        ("H", -0.938958, 0.466151, -0.068860),
        ("H", 0.097030, -1.066016, -0.315499)]),
    "formate_s": (-1, 1, "HCOO- start: r(CO1)=1.245 r(CO2)=1.275 r(CH)=1.125 A, OCO=127 deg, H 5 deg "
                  "out of plane", [
        ("C", 0.050000, -0.030000, 0.020000),
        ("O", 1.029116, 0.573343, 0.496796),
        ("O", -1.120209, 0.438043, -0.172800),
        ("H", 0.142024, -1.130363, -0.195310)]),
    # The minimum that orbscreen's test reaches from planar NH3 by leaving the
    # inversion saddle point (test_opt saddle); Psi4 starts on the pyramidal side.
    "nh3_s": (0, 1, "NH3 start: pyramidal, r(NH)=1.00/1.02/0.99 A, no symmetry", [
        ("N", 0.000000, 0.000000, 0.100000),
        ("H", 0.990000, 0.000000, -0.180000),
        ("H", -0.500000, 0.880000, -0.250000),
        ("H", -0.520000, -0.850000, -0.220000)]),
}

FINE = (200, 974)
# Formate's diffuse 6-31+G* makes the fine grid ~9 min per SCF on this shared
# machine, so its optimization runs on (99,590): at the distorted formate
# geometry (tests/reference/grad/formate_b3lyp_631pgs{,_99590}.ref) that grid
# changes E by +9.2e-9 Eh and the gradient by at most 3.2e-6 Eh/bohr.
MEDIUM = (99, 590)

# Internal coordinates to report (1-based atom numbers of the start file).
INTERNALS = {
    "water_s": [("bond", 1, 2), ("bond", 1, 3), ("angle", 2, 1, 3)],
    "formaldehyde_s": [("bond", 1, 2), ("bond", 1, 3), ("bond", 1, 4), ("angle", 2, 1, 3),
                       ("angle", 2, 1, 4), ("angle", 3, 1, 4), ("dihedral", 3, 2, 1, 4)],
    "formate_s": [("bond", 1, 2), ("bond", 1, 3), ("bond", 1, 4), ("angle", 2, 1, 3),
                  ("angle", 2, 1, 4), ("angle", 3, 1, 4), ("dihedral", 4, 2, 1, 3)],
    "nh3_s": [("bond", 1, 2), ("bond", 1, 3), ("bond", 1, 4), ("angle", 2, 1, 3),
              ("angle", 2, 1, 4), ("angle", 3, 1, 4)],
}

# case, start geometry, method, basis, puream (None: file default), reference, grid, scf_type
CASES = [
    ("water_hf_631gs", "water_s", "hf", "6-31G*", None, "rhf", None, "pk"),
    ("water_b3lyp_631gs", "water_s", "b3lyp", "6-31G*", None, "rks", FINE, "pk"),
    ("formaldehyde_b3lyp_631gs", "formaldehyde_s", "b3lyp", "6-31G*", None, "rks", FINE, "pk"),
    ("formate_b3lyp_631pgs", "formate_s", "b3lyp", "6-31+G*", None, "rks", MEDIUM, "pk"),
    ("ammonia_hf_631gs", "nh3_s", "hf", "6-31G*", None, "rhf", None, "pk"),
]

# g_convergence per case (default gau_verytight).  Formate on (99,590): with
# gau_verytight the forces met their thresholds from step 9 on but the
# displacements stalled at ~1.7e-5 bohr (threshold 6e-6) through step 10 --
# the grid's ~1e-6 Eh/bohr gradient noise (see grad/README.md) over a soft
# mode -- while the energy had stopped changing (1e-11 Eh per step), so that
# run was abandoned.  gau_tight (max force 1.5e-5, rms force 1e-5, max disp
# 6e-5, rms disp 4e-5) leaves < 1e-4 bohr and < 1e-9 Eh of error.
G_CONVERGENCE = {"formate_b3lyp_631pgs": "gau_tight"}


def write_start():
    write_xyz_table(GEOM, START)


def psi4_input(case, geom, method, basis, puream, ref, grid, scf_type):
    q, m, atoms = read_xyz(os.path.join(GEOM, geom + ".xyz"))
    opts = scf_options(basis, ref, scf_type, puream, grid)
    # opt_coordinates both: Psi4 1.3.2's optking builds only stretches and bends
    # for X-CY3 molecules (no out-of-plane coordinate), so from the non-planar
    # formaldehyde start its back-transformation failed ("Could not converge
    # backtransformation", 17 A steps, abort); redundant internals plus
    # Cartesians work for all four cases.
    opts += ["opt_coordinates both", "g_convergence %s" % G_CONVERGENCE.get(case, "gau_verytight"),
             "geom_maxiter 100"]
    psi_method = psi4_method(method)
    grid_s = grid_text(grid)
    internals = repr(INTERNALS[geom])
    header = input_header("geometry-optimization reference case", "psi4_opt_refs.py",
                          "opt/geom/%s.xyz" % geom, "opt/", case)
    return f"""{header}
import math
import time
memory 2 gb

{molecule_block(q, m, atoms)}

{set_block(opts)}

BOHR_ANGSTROM = {BOHR_ANGSTROM}
t0 = time.time()
e_opt, hist = optimize('{psi_method}', return_history=True)
t1 = time.time()
nsteps = len(hist['energy'])
# single point (energy, then analytic gradient) at the final geometry
e_sp, wfn = energy('{psi_method}', return_wfn=True)
g = gradient('{psi_method}', ref_wfn=wfn)
t2 = time.time()
natom = mol.natom()
X = [[mol.x(i), mol.y(i), mol.z(i)] for i in range(natom)]  # bohr
gmax = max(abs(g.get(i, k)) for i in range(natom) for k in range(3))
gsum = [sum(g.get(i, k) for i in range(natom)) for k in range(3)]


def sub(a, b):
    return [a[k] - b[k] for k in range(3)]


def dot(a, b):
    return sum(a[k] * b[k] for k in range(3))


def cross(a, b):
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def internal(t):
    p = [X[i - 1] for i in t[1:]]
    if t[0] == "bond":
        return math.sqrt(dot(sub(p[0], p[1]), sub(p[0], p[1]))) * BOHR_ANGSTROM
    if t[0] == "angle":
        u, v = sub(p[0], p[1]), sub(p[2], p[1])
        return math.degrees(math.acos(dot(u, v) / math.sqrt(dot(u, u) * dot(v, v))))
    b1, b2, b3 = sub(p[1], p[0]), sub(p[2], p[1]), sub(p[3], p[2])
    n1, n2 = cross(b1, b2), cross(b2, b3)
    m1 = cross(n1, [b2[k] / math.sqrt(dot(b2, b2)) for k in range(3)])
    return math.degrees(math.atan2(dot(m1, n2), dot(n1, n2)))


{HASH_LINE}
bs = wfn.basisset()
with open("{case}.ref", "w") as f:
    f.write(HASH + " Psi4 1.3.2 (Debian psi4 1:1.3.2+dfsg-5, libxc 5.2.3), optking (C++, Psi4 1.3.2: "
            "redundant internals + Cartesians, RFO), {settings_text(opts)}\\n")
{basis_comment(basis)}
    if "{grid_s}" != "-":
        f.write(HASH + " DFT grid: Treutler-Ahlrichs M4 radial (Psi4 radius table, alpha=1.0), Lebedev angular, "
                "Treutler nuclear (Becke-type) partition, no pruning (flat); Psi4's XC gradient omits grid-weight "
                "derivatives, so the optimizer zeroes that gradient, not dE/dx exactly\\n")
    f.write(HASH + " psi4 wall time: optimization %.1f s (%d gradients), final single point %.1f s, psi4 -n %d\\n"
            % (t1 - t0, nsteps, t2 - t1, core.get_num_threads()))
    f.write(HASH + " energy: single point at final_geom; opt_energy: optimizer's energy at its last gradient\\n")
    f.write(HASH + " final_geom: bohr, atoms in the start file's order, one line x1 y1 z1 x2 ...\\n")
    f.write(HASH + " bond i j: Angstrom (CODATA 2018); angle i j k (j the vertex) and dihedral i j k l: degrees\\n")
    f.write("start     opt/geom/{geom}.xyz\\n")
{ref_method_lines(method, basis)}
{ref_spin_lines(q, m, ref)}
    f.write("grid      {grid_s}\\n")
    f.write("scf_type  {scf_type}\\n")
    f.write("natom     %d\\n" % natom)
    f.write("opt_steps %d\\n" % nsteps)
    f.write("energy    %.12f\\n" % e_sp)
    f.write("opt_energy %.12f\\n" % e_opt)
    f.write("start_energy %.12f\\n" % hist['energy'][0])
    f.write("final_geom " + " ".join("%.12f" % X[i][k] for i in range(natom) for k in range(3)) + "\\n")
    f.write("final_grad_max %.3e\\n" % gmax)
    f.write("final_grad_sum %.3e %.3e %.3e\\n" % tuple(gsum))
    for t in {internals}:
        f.write("%-8s %s  %.6f\\n" % (t[0], " ".join(str(i) for i in t[1:]), internal(t)))
"""


def main():
    write_start()
    print("\n".join(write_inputs(OPT, CASES, psi4_input, set(sys.argv[1:]))))


if __name__ == "__main__":
    main()
