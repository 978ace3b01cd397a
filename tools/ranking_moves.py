#!/usr/bin/python3
"""How a ranking moved between two orbscreen runs (e.g. before and after the
molecule library was rebuilt): a Markdown table, one row per molecule file
present in both runs' JSON, matched by file name.

Columns: the reduction potential (V vs Li/Li+) and its rank in each run, the
solvated and gas-phase LUMO (eV), and, when the runs hold geometries, the
carboxylates' C-CO2 bond (Angstrom) in each.  Molecules in only one run
are listed below the table.

Usage: /usr/bin/python3 tools/ranking_moves.py OLD.json NEW.json
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_library import BOND_FACTOR, R_COV  # noqa: E402  (the library's bond perception)

BOHR_A = 0.529177210903  # Angstrom per bohr (CODATA 2018)


def load(path):
    return {os.path.basename(m["file"]): m for m in json.load(open(path))["molecules"]}


def e_red(m):
    r = m.get("reduction") or {}
    return r.get("potential_v_li")


def fmt(v, f="%.3f"):
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f % v


def coords(m):
    """[(symbol, (x, y, z) in Angstrom)] from the JSON's geometry, or None."""
    g = m.get("geometry") or {}
    sym, xyz = g.get("elements"), g.get("coordinates")
    if not sym or not xyz:
        return None
    f = BOHR_A if g.get("units") == "bohr" else 1.0
    return [(s, [v * f for v in x]) for s, x in zip(sym, xyz)]


def neighbours(g, i):
    return [j for j in range(len(g)) if j != i and
            math.dist(g[i][1], g[j][1]) <= BOND_FACTOR * (R_COV.get(g[i][0], 1.5) + R_COV.get(g[j][0], 1.5))]


def c_co2(g):
    """The C-CO2 bond length (Angstrom) of a carboxylate: the carboxyl C has two
    terminal O neighbours and one C; None when there is no such group."""
    if not g:
        return None
    for i, (s, _) in enumerate(g):
        if s != "C":
            continue
        nb = neighbours(g, i)
        o = [j for j in nb if g[j][0] == "O" and neighbours(g, j) == [i]]
        c = [j for j in nb if g[j][0] == "C"]
        if len(o) == 2 and len(c) == 1 and len(nb) == 3:
            return math.dist(g[i][1], g[c[0]][1])
    return None


def c_co2_text(o, n):
    a, b = c_co2(coords(o)), c_co2(coords(n))
    return "-" if a is None and b is None else "%s → %s" % (fmt(a), fmt(b))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old, new = load(sys.argv[1]), load(sys.argv[2])
    both = sorted(set(old) & set(new),
                  key=lambda f: (new[f].get("rank_reduction") is None, new[f].get("rank_reduction") or 0, f))
    # the new run's ranks among the molecules both runs hold (anions with a potential)
    common = sorted((f for f in both if new[f]["charge"] < 0 and e_red(new[f]) is not None),
                    key=lambda f: -e_red(new[f]))
    rank_common = {f: k + 1 for k, f in enumerate(common)}
    print("| file | E_red old (V) | new (V) | Δ (V) | rank old | rank new (of these) | rank new (all) | LUMO(solv) old → new (eV) "
          "| LUMO(gas) old → new (eV) | C–CO₂ old → new (Å) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|---|")
    for f in both:
        o, n = old[f], new[f]
        eo, en = e_red(o), e_red(n)
        d = en - eo if eo is not None and en is not None else None
        print("| %s | %s | %s | %s | %s | %s | %s | %s → %s | %s → %s | %s |"
              % (f, fmt(eo), fmt(en), fmt(d, "%+.3f"), fmt(o.get("rank_reduction"), "%d"),
                 fmt(rank_common.get(f), "%d"), fmt(n.get("rank_reduction"), "%d"), fmt(o.get("lumo_ev"), "%.2f"),
                 fmt(n.get("lumo_ev"), "%.2f"), fmt(o.get("lumo_gas_ev"), "%.2f"),
                 fmt(n.get("lumo_gas_ev"), "%.2f"), c_co2_text(o, n)))
    only_old, only_new = sorted(set(old) - set(new)), sorted(set(new) - set(old))
    if only_old:
        print("\nonly in the old run: " + ", ".join(only_old))
    if only_new:
        print("\nonly in the new run: " + ", ".join(only_new))


if __name__ == "__main__":
    main()
