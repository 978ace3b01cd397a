#!/usr/bin/env python3
"""The library table of docs/reduction.md from a results document.

    tools/reduction_table.py results/orbscreen.json

Prints one Markdown row per molecule: anions in the order of their reduction
rank, then the anions without a potential, then the neutral molecules (by
potential, highest first).  Columns: E_red vs Li/Li+ (V), the gas-phase and
solvated LUMO (eV), the diffuse shares of the solvated LUMO and of the
reduced species' SOMO, <S^2> of the reduced species and the solvation
energy (kcal/mol)."""
import json
import sys

HEADER = ("| E_red rank | molecule | E_red (V vs Li/Li⁺) | LUMO gas (eV) | LUMO in DME/DOL (eV) "
          "| diffuse share (solv. LUMO) | diffuse share (ion SOMO) | ⟨S²⟩ ion | ΔG_solv (kcal/mol) |\n"
          "|---:|---|---:|---:|---:|---:|---:|---:|---:|")


def num(value, fmt):
    return "n/a" if value is None else format(value, fmt)


def row(m):
    red = m.get("reduction") or {}
    pot = red.get("potential_v_li")
    solv = m.get("solvation") or {}
    rank = m.get("rank_reduction")
    return "| {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
        rank if rank else "-", m["name"], num(pot, ".3f") if pot is not None else "ΔSCF failed",
        num(m.get("lumo_gas_ev"), ".3f"), num(m.get("lumo_ev"), ".3f"),
        num(m.get("lumo_diffuse_share"), ".2f"), num(red.get("somo_diffuse_share"), ".2f"),
        num(red.get("s2"), ".3f"), num(solv.get("solvation_energy_kcal_mol"), ".2f"))


def main(path):
    with open(path, encoding="utf-8") as f:
        mols = json.load(f)["molecules"]
    pot = lambda m: (m.get("reduction") or {}).get("potential_v_li")
    ranked = sorted((m for m in mols if m.get("rank_reduction")), key=lambda m: m["rank_reduction"])
    failed = sorted((m for m in mols if m.get("charge", 0) < 0 and pot(m) is None),
                    key=lambda m: m["name"])
    neutral = sorted((m for m in mols if m.get("charge", 0) >= 0),
                     key=lambda m: -(pot(m) if pot(m) is not None else -1e9))
    print(HEADER)
    for m in ranked + failed + neutral:
        print(row(m))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: reduction_table.py RESULTS.json")
    main(sys.argv[1])
