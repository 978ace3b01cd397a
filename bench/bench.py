#!/usr/bin/python3
"""Time orbscreen against Psi4 on the same molecules, basis and core count.

usage: bench/bench.py [--method hf|b3lyp] [--basis 6-31+G*] [--threads 2]
                      [--psi4-scf-types pk,direct] [--grid 75,302]
                      [--e-conv 1e-6] [--d-conv 1e-6] FILE.xyz...

Each molecule runs once in orbscreen and once per Psi4 scf_type; the table
gives wall times (s) and the ratio Psi4/orbscreen (>1: orbscreen faster).
Psi4 gets the geometry in bohr (CODATA 2018) so both programs see the same
nuclei; Pople sets follow Psi4's own Cartesian/spherical convention in both.
Both get the same SCF thresholds: by default 1e-6 Eh and 1e-6 (the RMS orbital
gradient), which is what each uses for an energy when not told otherwise.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time

BOHR_ANGSTROM = 0.529177210903
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_xyz(path):
    with open(path) as f:
        lines = f.read().splitlines()
    n = int(lines[0].split()[0])
    comment = lines[1]
    charge = int(re.search(r"charge=(-?\d+)", comment).group(1)) if "charge=" in comment else 0
    m = re.search(r"mult(?:iplicity)?=(\d+)", comment)
    mult = int(m.group(1)) if m else 1
    atoms = []
    for line in lines[2:2 + n]:
        s, x, y, z = line.split()[:4]
        atoms.append((s, float(x), float(y), float(z)))
    return charge, mult, atoms


def psi4_input(path, method, basis, scf_type, grid, e_conv, d_conv):
    charge, mult, atoms = read_xyz(path)
    geo = "\n".join("%s %.12f %.12f %.12f" % (s, x / BOHR_ANGSTROM, y / BOHR_ANGSTROM,
                                              z / BOHR_ANGSTROM) for s, x, y, z in atoms)
    opts = ["basis %s" % basis, "scf_type %s" % scf_type, "e_convergence %g" % e_conv,
            "d_convergence %g" % d_conv, "reference %s" % ("uhf" if mult > 1 and method == "hf" else
                                                    "uks" if mult > 1 else
                                                    "rhf" if method == "hf" else "rks")]
    if grid and method != "hf":
        r, a = grid.split(",")
        opts += ["dft_radial_points %s" % r, "dft_spherical_points %s" % a]
    return ("memory 16 gb\nmolecule {\n%d %d\n%s\nunits bohr\nsymmetry c1\nno_com\nno_reorient\n}\n"
            "set {\n%s\n}\nenergy('%s')\n" % (charge, mult, geo, "\n".join(opts),
                                               "scf" if method == "hf" else method))


def timed(cmd, cwd=None, env=None):
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-2000:])
        raise SystemExit("command failed: %s" % " ".join(cmd))
    return dt, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--method", default="hf")
    ap.add_argument("--basis", default="6-31+G*")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--psi4-scf-types", default="pk,direct")
    ap.add_argument("--grid", default="75,302")
    ap.add_argument("--e-conv", type=float, default=1e-6)
    ap.add_argument("--d-conv", type=float, default=1e-6)
    ap.add_argument("--orbscreen", default=os.path.join(ROOT, "build", "orbscreen"))
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    if not shutil.which("psi4"):
        raise SystemExit("psi4 not found (apt-get install psi4)")
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))
    types = a.psi4_scf_types.split(",")
    print("# %s/%s, %d threads, SCF thresholds %g Eh / %g, %s"
          % (a.method, a.basis, a.threads, a.e_conv, a.d_conv, time.strftime("%Y-%m-%d")))
    print("%-16s %12s %s" % ("molecule", "orbscreen_s",
                             " ".join("%12s %8s" % ("psi4_%s_s" % t, "ratio") for t in types)))
    for path in a.files:
        name = os.path.splitext(os.path.basename(path))[0]
        grid_opt = ["--grid", a.grid] if a.method != "hf" else []
        t_os, _ = timed([a.orbscreen, "--gas", "--quiet", "--no-results", "--method", a.method, "--basis",
                         a.basis, "--threads", str(a.threads), "--e-conv", str(a.e_conv),
                         "--d-conv", str(a.d_conv)] + grid_opt + [path], env=env)
        cols = []
        for t in types:
            with tempfile.TemporaryDirectory() as d:
                with open(os.path.join(d, "in.dat"), "w") as f:
                    f.write(psi4_input(path, a.method, a.basis, t, a.grid, a.e_conv, a.d_conv))
                t_p, _ = timed(["psi4", "-n", str(a.threads), "in.dat", "out.dat"], cwd=d, env=env)
            cols.append("%12.2f %8.2f" % (t_p, t_p / t_os))
        print("%-16s %12.2f %s" % (name, t_os, " ".join(cols)), flush=True)


if __name__ == "__main__":
    main()
