#!/usr/bin/env python3
"""Cross-check a few Psi4 HF references with NWChem 7.0.2 (Debian).

Writes tests/reference/nwchem/<case>.nw (geometry in bohr, CODATA 2018 from
the same tests/reference/geom/*.xyz), runs `nwchem` on each (one process),
and writes tests/reference/nwchem/<case>.txt with NWChem's total energy and
orbital energies next to the Psi4 .ref numbers.
Usage: tools/nwchem_check.py [case ...]   (from the repository root)
"""
import os
import re
import subprocess
import sys
import time

BOHR_ANGSTROM = 0.529177210903
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "tests", "reference")
OUT = os.path.join(REF, "nwchem")
# case: NWChem basis keyword and library name; must match the Psi4 case.
CASES = {
    "water_hf_ccpvdz": ("spherical", "cc-pvdz"),
    "water_hf_631gs_cart": ("cartesian", "6-31g*"),
    "acetate_hf_631pgs": ("cartesian", "6-31+g*"),
    "o2_uhf_631gs": ("cartesian", "6-31g*"),
}


def read_ref(path):
    d = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        k, *v = line.split()
        d[k] = v
    return d


def main():
    os.makedirs(OUT, exist_ok=True)
    for case in sys.argv[1:] or CASES:
        shape, lib = CASES[case]
        ref = read_ref(os.path.join(REF, case + ".ref"))
        geo = os.path.join(REF, ref["geometry"][0])
        lines = open(geo).read().splitlines()
        n = int(lines[0])
        atoms = [l.split() for l in lines[2:2 + n]]
        mult = int(ref["mult"][0])
        scftype = "rhf" if ref["reference"][0] == "rhf" else "uhf"
        spin = {1: "singlet", 2: "doublet", 3: "triplet"}[mult]
        geom = "\n".join("  %-2s %20.12f %20.12f %20.12f" % (
            a[0], float(a[1]) / BOHR_ANGSTROM, float(a[2]) / BOHR_ANGSTROM,
            float(a[3]) / BOHR_ANGSTROM) for a in atoms)
        nw = f"""start {case}
title "orbscreen cross-check of Psi4 case {case}"
geometry units bohr noautoz nocenter noautosym
{geom}
end
basis {shape}
  * library {lib}
end
charge {ref['charge'][0]}
scf
  {scftype}
  {spin}
  thresh 1e-9
  tol2e 1e-14
  maxiter 200
  print "final evals"
end
task scf energy
"""
        inp = os.path.join(OUT, case + ".nw")
        open(inp, "w").write(nw)
        scratch = "/tmp/orbscreen-nwchem/" + case
        os.makedirs(scratch, exist_ok=True)
        t0 = time.time()
        out = subprocess.run(["nwchem", os.path.abspath(inp)], cwd=scratch,
                             capture_output=True, text=True).stdout
        open(os.path.join(scratch, case + ".out"), "w").write(out)
        wall = time.time() - t0
        m = re.findall(r"Total SCF energy =\s+(-?\d+\.\d+)", out)
        e = float(m[-1])
        psi = float(ref["energy"][0])
        # Orbital energies from NWChem's final vector analysis (7 significant
        # digits); blocks restart at vector 1 for the beta spin.
        blocks = []
        for k, v in re.findall(r"Vector\s+(\d+)\s+Occ=\S+\s+E=\s*(\S+)", out):
            if not blocks or int(k) <= blocks[-1][-1][0]:
                blocks.append([])
            blocks[-1].append((int(k), float(v.replace("D", "E"))))
        blocks = blocks[-2:] if scftype == "uhf" else blocks[-1:]
        spins = [("eps_a", blocks[0])] + ([("eps_b", blocks[1])] if scftype == "uhf" else [])
        orb = []
        for key, blk in spins:
            ps = [float(x) for x in ref[key]]
            dmax = max(abs(v - ps[k - 1]) for k, v in blk)
            orb.append("%s: %d vectors printed (%d..%d), max abs diff = %.1e Eh"
                       % (key, len(blk), blk[0][0], blk[-1][0], dmax))
        with open(os.path.join(OUT, case + ".txt"), "w") as f:
            f.write("# NWChem 7.0.2 (Debian nwchem 7.0.2-4) vs Psi4 1.3.2, case %s, "
                    "basis %s (%s), NWChem scf thresh 1e-9 tol2e 1e-14; wall %.1f s\n"
                    % (case, lib, shape, wall))
            f.write("energy_nwchem %.10f\nenergy_psi4   %.10f\ndiff_Eh       %.3e\n"
                    % (e, psi, e - psi))
            for o in orb:
                f.write(o + "\n")
        print("%-24s NWChem %.10f  Psi4 %.10f  diff %.2e Eh; %s" % (case, e, psi, e - psi, "; ".join(orb)))


if __name__ == "__main__":
    main()
