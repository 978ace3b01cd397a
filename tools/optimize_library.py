#!/usr/bin/python3
"""Stage 2 of orbscreen's molecule library: B3LYP/6-31+G* minima into molecules/.

Input: the conformers stage 1 (tools/make_library.py) staged in
tools/library-staging/<stem>/conf<k>.xyz (GFN2-xTB/ALPB(thf) minima within
3 kcal/mol).  For every entry of tools/library.tsv this script

 1. ranks the staged conformers by orbscreen's gas-phase B3LYP/6-31+G*
    single-point energy (density fitting, the default grid);
 2. optimizes the lowest, and the next one too when it lies within
    SELECT_WINDOW (0.3) kcal/mol, with `orbscreen --opt` (gas phase, Gaussian's
    default criteria);
 3. checks each optimized structure's bonds against its SMILES graph
    (make_library.perceived_bonds: no bond broken, none formed) and keeps
    the lowest converged, sound one;
 4. writes molecules/<stem>.xyz (tokens charge= mult= name= smiles= and
    level=, the energy and where it came from) and molecules/README.md's
    table, and records every conformer in tools/library-staging/dft.tsv.

The orbscreen runs go to a work folder (default /tmp/orbscreen-library); the
single points use --resume and each optimization has its own folder, so an
interrupted run picks up where it stopped.
Usage (repository root): /usr/bin/python3 tools/optimize_library.py
    [--orbscreen build/orbscreen] [--work DIR] [--jobs 2] [--window 0.3] [--no-run] [stem ...]
(--no-run: no optimizations, write what the work folder holds.)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from rdkit import Chem

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_library as ml  # noqa: E402  (stage 1: table, bond perception, descriptors)

ROOT = ml.ROOT
MOLECULES = os.path.join(ROOT, "molecules")
SELECT_WINDOW = 0.3   # kcal/mol above the lowest single point: also optimized (at most 2)
LEVEL = "B3LYP/6-31+G*"
PAPER = ("dme", "dol", "tfsi", "tfpaa")  # the paper's Figure 2b: optimized first
STALE_S = 900         # s: an optimization whose log is silent this long has died


def orbscreen(exe, args, files, log):
    cmd = [exe] + args + files
    log("$ " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd[:12])
        + (" ... (%d files)" % len(files) if len(cmd) > 12 else ""))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log(p.stdout.rstrip())
    if p.returncode not in (0, 1):  # 1: some molecule failed; handled per molecule
        raise SystemExit("orbscreen exited %d" % p.returncode)


def by_name(json_path):
    return {m["name"]: m for m in json.load(open(json_path))["molecules"]}


def stage_conformers(rows, work):
    """Copy the staged conformers into one flat folder as <stem>_c<k>.xyz
    (orbscreen names its outputs after the file); return {stem: [name, ...]}."""
    flat = os.path.join(work, "conformers")
    os.makedirs(flat, exist_ok=True)
    out = {}
    for r in rows:
        d = os.path.join(ml.STAGE, r["stem"])
        confs = sorted((f for f in os.listdir(d) if f.startswith("conf") and f.endswith(".xyz")),
                       key=lambda f: int(f[4:-4]))
        out[r["stem"]] = []
        for f in confs:
            name = "%s_c%s" % (r["stem"], f[4:-4])
            shutil.copy(os.path.join(d, f), os.path.join(flat, name + ".xyz"))
            out[r["stem"]].append(name)
    return flat, out


def stale(out):
    log = os.path.join(out, "run.log")
    return not os.path.exists(log) or time.time() - os.path.getmtime(log) > STALE_S


def elsewhere(out):
    """Is the optimization in folder `out` being run by another instance (started,
    not done, its log not silent for STALE_S)?"""
    return (os.path.isdir(out) and not os.path.exists(os.path.join(out, "orbscreen.json"))
            and not stale(out))


def optimize_all(exe, jobs, flat, opt_dir, names, log, run=True):
    """`orbscreen --opt` on each conformer in its own folder, `jobs` side by
    side (one thread each).  A folder with its JSON is done (--resume does not
    cover --opt); one without is being run by another instance of this script
    and is waited for, unless its log has been silent for STALE_S (the run
    died): then it is run again."""
    def one(n):
        out = os.path.join(opt_dir, n)
        done = os.path.join(out, "orbscreen.json")
        if not run:
            return by_name(done) if os.path.exists(done) else {}
        while elsewhere(out):
            time.sleep(10)
        if not os.path.exists(done):
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "run.log"), "w") as f:
                p = subprocess.run([exe, "--gas", "--threads", "1", "--opt", "--verbose", "--out", out,
                                    os.path.join(flat, n + ".xyz")], stdout=f, stderr=subprocess.STDOUT)
            log("%s: orbscreen --opt exited %d (log %s/run.log)" % (n, p.returncode, out))
        return by_name(done)
    # folders another instance is running go last
    names = sorted(names, key=lambda n: elsewhere(os.path.join(opt_dir, n)))
    with ThreadPoolExecutor(jobs) as pool:
        res = list(pool.map(one, names))
    return {n: m for r in res for n, m in r.items()}


def largest_first(flat, names):
    return sorted(names, key=lambda n: -int(open(os.path.join(flat, n + ".xyz")).readline()))


def select(names, sp, window):
    """The lowest conformer by single point, and the next within `window` kcal/mol."""
    ok = sorted((sp[n]["energy"], n) for n in names if n in sp and sp[n].get("error") is None)
    if not ok:
        return []
    return [n for e, n in ok[:2] if (e - ok[0][0]) * ml.HARTREE_KCAL <= window]


def library_mol(r):
    """Entry r's molecule from its SMILES with explicit H, in the staged files'
    atom order, tagged with its family (make_library.descriptors reads it)."""
    mol = Chem.AddHs(Chem.MolFromSmiles(r["smiles"]))
    mol.SetProp("_family", r["family"])
    return mol


def check_bonds(r, xyz_path):
    """(sound, text): bonds perceived at the optimized geometry against the SMILES."""
    mol = library_mol(r)
    symbols, x, _ = ml.read_xyz(xyz_path)
    if symbols != [a.GetSymbol() for a in mol.GetAtoms()]:
        return False, "atom order differs from the SMILES", mol, x
    ref = ml.graph_bonds(mol)
    got = ml.perceived_bonds(symbols, x, ml.one3_pairs(mol))
    bad = ["%s%d-%s%d %s" % (symbols[i], i + 1, symbols[j], j + 1, what)
           for what, s in (("broken", ref - got), ("formed", got - ref)) for i, j in sorted(s)]
    return not bad, "; ".join(bad) or "as SMILES", mol, x


def xyz_comment(r, m, conf):
    return ("charge=%d mult=%d name=%s smiles=%s level=%s(orbscreen,gas,opt) E_Eh=%.10f "
            "from=GFN2-xTB/ALPB(thf)-conf%s"
            % (r["charge"], r["mult"], r["label"], r["smiles"], LEVEL, m["energy"], conf))


def write_readme(rows):
    """molecules/README.md's table: every library entry with a file, its level
    (from the file's comment line) and, for carboxylates, the C-CO2 bond."""
    lines = ["| file | name | SMILES | charge | mult | atoms | level | C–CO₂ (Å) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        path = os.path.join(MOLECULES, r["stem"] + ".xyz")
        if not os.path.exists(path):
            continue
        symbols, x, comment = ml.read_xyz(path)
        tok = dict(t.split("=", 1) for t in comment.split() if "=" in t)
        mol = library_mol(r)
        same_order = symbols == [a.GetSymbol() for a in mol.GetAtoms()]
        cco2 = ml.descriptors(mol, x).get("r_C-CO2", "") if same_order else ""
        level = tok.get("level", "GFN2-xTB (gas, 0.2)").replace("(orbscreen,gas,opt)", " (gas, opt)")
        lines.append("| %s.xyz | %s | `%s` | %d | %d | %d | %s | %s |"
                     % (r["stem"], r["name"], r["smiles"], r["charge"], r["mult"], len(symbols),
                        level, cco2))
    path = os.path.join(MOLECULES, "README.md")
    text = open(path).read()
    start, end = text.index("| file |"), text.index("\n## ")
    open(path, "w").write(text[:start] + "\n".join(lines) + "\n" + text[end:])


def keep_best(r, names, chosen, sp, opt, opt_dir, table):
    """The lowest converged optimized conformer of entry r whose bonds match
    its SMILES (None if there is none); one dft.tsv row per staged conformer
    appended to table."""
    rows, cands = [], []
    for n in names:
        m = opt.get(n) if n in chosen else None
        row = {"n": n, "sp": sp.get(n), "m": m, "bonds": "", "desc": {}}
        if m and m.get("error") is None and m.get("optimization", {}).get("converged"):
            row["xyz"] = os.path.join(opt_dir, n, n + ".opt.xyz")
            sound, row["bonds"], mol, x = check_bonds(r, row["xyz"])
            if sound:
                row["desc"] = ml.descriptors(mol, x)
                cands.append(row)
        rows.append(row)
    best = min(cands, key=lambda c: c["m"]["energy"]) if cands else None
    e_sp = [x["sp"]["energy"] for x in rows if x["sp"] and x["sp"].get("error") is None]
    for row in rows:
        spm, m = row["sp"], row["m"]
        sp_ok, m_ok = spm is not None and spm.get("error") is None, m is not None and m.get("error") is None
        o = (m or {}).get("optimization", {})
        table.append([r["stem"], row["n"].split("_c")[-1],
                      "%.10f" % spm["energy"] if sp_ok else "failed",
                      "%.2f" % ((spm["energy"] - min(e_sp)) * ml.HARTREE_KCAL) if sp_ok else "",
                      ("yes" if m else "pending") if row["n"] in chosen else "no",
                      ("yes" if o.get("converged") else "no") if m else "",
                      str(o.get("steps", "")) if m else "",
                      "%.10f" % m["energy"] if m_ok else "",
                      "%.2f" % ((m["energy"] - best["m"]["energy"]) * ml.HARTREE_KCAL) if m_ok and best else "",
                      row["bonds"], "yes" if row is best else "no",
                      row["desc"].get("r_C-CO2", ""), row["desc"].get("a_OCO", "")])
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("stems", nargs="*")
    ap.add_argument("--orbscreen", default=os.path.join(ROOT, "build", "orbscreen"))
    ap.add_argument("--work", default="/tmp/orbscreen-library")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-run", action="store_true",
                    help="no optimizations: write what the work folder holds (the others keep their files)")
    ap.add_argument("--window", type=float, default=SELECT_WINDOW,
                    help="kcal/mol: a second conformer this close to the lowest is optimized too")
    a = ap.parse_args()
    rows = [r for r in ml.read_table() if not a.stems or r["stem"] in a.stems]
    os.makedirs(a.work, exist_ok=True)
    logf = open(os.path.join(a.work, "optimize_library.log"), "a")

    def log(s):
        print(s, flush=True)
        logf.write(s + "\n")
        logf.flush()

    flat, confs = stage_conformers(rows, a.work)
    common = ["--gas", "--jobs", str(a.jobs), "--threads", "1", "--resume"]  # single points
    allconf = largest_first(flat, [n for r in rows for n in confs[r["stem"]]])
    sp_dir, opt_dir = os.path.join(a.work, "sp"), os.path.join(a.work, "opt")
    orbscreen(a.orbscreen, common + ["--out", sp_dir], [os.path.join(flat, n + ".xyz") for n in allconf], log)
    sp = by_name(os.path.join(sp_dir, "orbscreen.json"))
    chosen = {r["stem"]: select(confs[r["stem"]], sp, a.window) for r in rows}
    # the paper's four first, then the lowest conformers largest first, then the second ones
    first = [chosen[s][0] for s in PAPER if chosen.get(s)]
    rest = largest_first(flat, [chosen[s][0] for s in chosen if chosen[s] and chosen[s][0] not in first])
    todo = first + rest + largest_first(flat, [n for s in chosen for n in chosen[s][1:]])
    opt = optimize_all(a.orbscreen, a.jobs, flat, opt_dir, todo, log, run=not a.no_run)

    table = [["stem", "conf", "E_sp_Eh", "dE_sp_kcal", "optimized", "converged", "steps",
              "E_opt_Eh", "dE_opt_kcal", "bonds", "kept", "r_C-CO2", "a_OCO"]]
    for r in rows:
        best = keep_best(r, confs[r["stem"]], chosen[r["stem"]], sp, opt, opt_dir, table)
        s = r["stem"]
        if not best:
            why = ("not optimized yet" if not any(n in opt for n in chosen[s])
                   else "no converged, sound optimized conformer")
            log("%s: %s; molecules/%s.xyz not written" % (s, why, s))
            continue
        conf = best["n"].split("_c")[-1]
        symbols, x, _ = ml.read_xyz(best["xyz"])
        ml.write_xyz(os.path.join(MOLECULES, s + ".xyz"), symbols, x, xyz_comment(r, best["m"], conf))
        log("%s: conf%s kept, E %.10f Eh, %s steps, bonds %s"
            % (s, conf, best["m"]["energy"], best["m"]["optimization"].get("steps"), best["bonds"]))
    with open(os.path.join(ml.STAGE, "dft.tsv"), "w") as f:
        for t in table:
            f.write("\t".join(t) + "\n")
    if not a.stems:
        write_readme(rows)


if __name__ == "__main__":
    main()
