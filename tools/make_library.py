#!/usr/bin/python3
"""Stage 1 of orbscreen's molecule library: GFN2-xTB conformer search.

For every entry of tools/library.tsv (stem, label, charge, mult, family,
SMILES, name) this script

 1. builds the molecule from its SMILES with RDKit (explicit H), enumerating
    stereo elements the SMILES leaves open (FEC's ring carbon, hfac's enolate
    C=C), and embeds N conformers with ETKDGv3 (fixed random seed, one thread:
    deterministic); N grows with the number of rotatable bonds;
 2. pre-cleans every conformer with MMFF94 (UFF where MMFF lacks parameters,
    e.g. B) and drops duplicates (heavy-atom RMSD below RMSD_DUP, symmetry-
    and mirror-aware, see rmsd()); the xtb starts are these distinct
    force-field minima plus raw ETKDG conformers that differ from every start
    chosen by >= RMSD_START, at most START_MAX in all (PF6-, which RDKit
    cannot embed, starts from an ideal octahedron);
 3. optimizes each remaining conformer with GFN2-xTB
    (`xtb in.xyz --gfn 2 --opt tight --chrg Q --uhf 2S [--alpb SOLVENT]`);
 4. checks each optimized structure's connectivity: bonds perceived from
    distances (d <= BOND_FACTOR * (r_i + r_j), Cordero covalent radii) must
    equal the SMILES graph exactly (every bond present, no extra one);
    failures are reported and dropped;
 5. removes duplicates among the optimized conformers (same RMSD test), keeps
    the lowest KEEP_MAX within E_WINDOW of the minimum and writes them to
    tools/library-staging/<stem>/conf<k>.xyz (k = 1 lowest);
 6. re-optimizes the kept conformers at the other levels named by --compare
    (gas phase and/or ALPB solvents) and records energies and geometry
    descriptors (C-CO2 bond, O-C-O angle, phenylacetate torsions,
    sulfonylimide cis/trans, ...) for both levels in
    tools/library-staging/summary.tsv and compare.tsv.

Level: the staged conformers come from the search run with
`--solvent thf` (GFN2-xTB/ALPB(thf)); see tools/library-staging/README.md for
why (gas-phase GFN2 stretches C-CO2 of the fluorinated carboxylates well past
B3LYP) and for the gas-phase search (`--solvent gas --tables-only --out
tools/library-staging/gas-search`).

Programs: RDKit (Debian python3-rdkit 2022.09), xtb 6.5.1 (Debian).
Usage (repository root):
    /usr/bin/python3 tools/make_library.py [--solvent gas|thf|ether|...]
        [--compare gas,ether] [--threads 1] [--out DIR] [--tables-only] [stem ...]
Without stems every entry is run and the summary tables are rewritten; with
stems only those entries are rerun and their rows replaced (log:
run-partial.log).  The commands that made the committed staging folder:
    /usr/bin/python3 tools/make_library.py --solvent thf --compare gas,ether,water
    /usr/bin/python3 tools/make_library.py --solvent gas --compare thf \
        --tables-only --out tools/library-staging/gas-search
"""
import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem, rdMolDescriptors
from rdkit.Chem.EnumerateStereoisomers import (EnumerateStereoisomers,
                                               StereoEnumerationOptions)

RDLogger.DisableLog("rdApp.*")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, "tools", "library.tsv")
STAGE = os.path.join(ROOT, "tools", "library-staging")
OUT = STAGE        # where the tables, the log (and the XYZ files) go; see --out
WRITE_XYZ = True   # --tables-only: no XYZ files

HARTREE_KCAL = 627.509474  # 1 Eh in kcal/mol (CODATA 2018: 4.3597447222071e-18 J * N_A / 4184)
SEED = 20240611            # ETKDG random seed
RMSD_DUP = 0.25            # A, heavy atoms but CF3's F: below this two conformers are the same
E_WINDOW = 3.0             # kcal/mol above the lowest: kept for the later DFT step
KEEP_MAX = 10              # at most this many conformers per molecule are kept (DME has 9 within 2 kcal/mol, ranked differently by GFN2 and by higher levels)
BOND_FACTOR = 1.25         # bonded if d <= BOND_FACTOR * (r_cov,i + r_cov,j)
RMSD_START = 0.20          # A: raw ETKDG conformers this different from the chosen starts are added
START_MAX = 40             # xtb optimizations per molecule at most
ONE3_FACTOR = 1.10         # the same for 1,3 pairs (see perceived_bonds)

# Single-bond covalent radii (A): B. Cordero et al., Dalton Trans. 2008, 2832
# (C: the sp3 value).
R_COV = {"H": 0.31, "B": 0.84, "C": 0.76, "N": 0.71, "O": 0.66, "F": 0.57,
         "P": 1.07, "S": 1.05}


def n_embed(mol):
    """Conformers to embed: grows with the rotatable bonds (strict RDKit count)."""
    nrot = rdMolDescriptors.CalcNumRotatableBonds(mol)
    return min(120, 20 + 40 * nrot)


def ideal_star(mol):
    """Start geometry for a centre with 4 or 6 terminal ligands (and nothing
    else): ideal tetrahedron or octahedron, bond lengths r_cov,i + r_cov,j."""
    n = mol.GetNumAtoms()
    centre = [a for a in mol.GetAtoms() if a.GetDegree() == n - 1]
    if len(centre) != 1 or n - 1 not in (4, 6):
        return None
    c = centre[0]
    dirs = {4: [(1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)],
            6: [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]}[n - 1]
    x = np.zeros((n, 3))
    for a, v in zip([a for a in mol.GetAtoms() if a.GetIdx() != c.GetIdx()], dirs):
        v = np.array(v, float)
        x[a.GetIdx()] = v / np.linalg.norm(v) * (R_COV[a.GetSymbol()] + R_COV[c.GetSymbol()])
    return x


def read_table(path=TABLE):
    rows = []
    header = None
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        if header is None:
            header = f
            continue
        r = dict(zip(header, f))
        r["charge"] = int(r["charge"])
        r["mult"] = int(r["mult"])
        rows.append(r)
    return rows


# ---------------------------------------------------------------- geometry
def heavy_index(mol):
    """The atoms compared by rmsd(): heavy atoms, less the three terminal atoms
    of a symmetric top such as CF3 (a CF3 rotation changes no conformer, yet
    moves its F by up to 1.3 A)."""
    skip = set()
    for a in mol.GetAtoms():
        ends = [n for n in a.GetNeighbors() if n.GetDegree() == 1 and n.GetAtomicNum() > 1]
        if a.GetDegree() == 4 and len(ends) == 3 and len({n.GetAtomicNum() for n in ends}) == 1:
            skip.update(n.GetIdx() for n in ends)
    return [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1 and a.GetIdx() not in skip]


def automorphisms(mol, heavy):
    """Permutations of the heavy atoms that map the bare heavy-atom graph
    (elements only: bond orders and charges ignored, so carboxylate, nitrate
    and sulfonyl O are equivalent) onto itself."""
    rw = Chem.RWMol()
    old2new = {}
    for i in heavy:
        a = Chem.Atom(mol.GetAtomWithIdx(i).GetAtomicNum())
        a.SetNoImplicit(True)
        old2new[i] = rw.AddAtom(a)
    for b in mol.GetBonds():
        i, j = b.GetBeginAtomIdx(), b.GetEndAtomIdx()
        if i in old2new and j in old2new:
            rw.AddBond(old2new[i], old2new[j], Chem.BondType.SINGLE)
    g = rw.GetMol()
    g.UpdatePropertyCache(strict=False)
    q = Chem.MolFromSmarts(Chem.MolToSmarts(g))
    # MolToSmarts writes each atom as [#Z] with its single bonds: an element graph.
    perms = g.GetSubstructMatches(q, uniquify=False, useChirality=False,
                                  maxMatches=100000)
    return [np.array(p) for p in perms]


def kabsch_rmsd(P, Q, allow_reflection):
    """Minimal RMSD between centred point sets P and Q (n x 3) over rotations
    (and reflections if allow_reflection)."""
    H = P.T @ Q
    U, S, Vt = np.linalg.svd(H)
    if not allow_reflection and np.linalg.det(U @ Vt) < 0:
        S = S.copy()
        S[-1] = -S[-1]
    e = (P * P).sum() + (Q * Q).sum() - 2.0 * S.sum()
    return math.sqrt(max(e, 0.0) / len(P))


def rmsd(X, Y, perms):
    """Heavy-atom RMSD between conformers X and Y (heavy-atom coordinates),
    minimized over the graph automorphisms and over rotations and
    reflections (mirror-image conformers have the same energy, so a mirror
    image counts as the same conformer)."""
    X = X - X.mean(axis=0)
    Y = Y - Y.mean(axis=0)
    best = 1e9
    for p in perms:
        best = min(best, kabsch_rmsd(X, Y[p], True))
    return best


def perceived_bonds(symbols, xyz, one3=frozenset()):
    """Bonds perceived from distances: d <= BOND_FACTOR * (r_i + r_j), except
    for the pairs in one3 (atoms two bonds apart in the SMILES graph), whose
    distance is fixed by a bond angle: these count as bonded only when
    d <= ONE3_FACTOR * (r_i + r_j), i.e. the angle has collapsed into a
    three-membered ring.  (A sulfonylimide's S...S, 2.50 A in GFN2 FSI-, is a
    1,3 pair shorter than 1.25 * 2 * r_cov(S) = 2.63 A.)"""
    n = len(symbols)
    out = set()
    for i in range(n):
        for j in range(i + 1, n):
            d = np.linalg.norm(xyz[i] - xyz[j])
            f = ONE3_FACTOR if (i, j) in one3 else BOND_FACTOR
            if d <= f * (R_COV[symbols[i]] + R_COV[symbols[j]]):
                out.add((i, j))
    return out


def one3_pairs(mol):
    """Atom pairs two bonds apart (and not bonded) in the molecular graph."""
    dm = Chem.GetDistanceMatrix(mol)
    n = mol.GetNumAtoms()
    return frozenset((i, j) for i in range(n) for j in range(i + 1, n) if dm[i][j] == 2)


def graph_bonds(mol):
    return {tuple(sorted((b.GetBeginAtomIdx(), b.GetEndAtomIdx())))
            for b in mol.GetBonds()}


def bond_margins(mol, symbols, xyz, one3):
    """Largest d/(r_i+r_j) over the SMILES bonds, smallest over the 1,3 pairs and
    smallest over the pairs further apart: how far the structure is from the
    thresholds (BOND_FACTOR, ONE3_FACTOR)."""
    bonds = graph_bonds(mol)
    n = len(symbols)
    bmax, m13, nbmin = 0.0, 1e9, 1e9
    for i in range(n):
        for j in range(i + 1, n):
            r = np.linalg.norm(xyz[i] - xyz[j]) / (R_COV[symbols[i]] + R_COV[symbols[j]])
            if (i, j) in bonds:
                bmax = max(bmax, r)
            elif (i, j) in one3:
                m13 = min(m13, r)
            else:
                nbmin = min(nbmin, r)
    return bmax, (m13 if m13 < 1e8 else float("nan")), (nbmin if nbmin < 1e8 else float("nan"))


def dist(x, i, j):
    return float(np.linalg.norm(x[i] - x[j]))


def angle(x, i, j, k):
    a, b = x[i] - x[j], x[k] - x[j]
    return math.degrees(math.acos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b), -1, 1)))


def torsion(x, i, j, k, l):
    b0, b1, b2 = x[i] - x[j], x[k] - x[j], x[l] - x[k]
    b1n = b1 / np.linalg.norm(b1)
    v = b0 - (b0 @ b1n) * b1n
    w = b2 - (b2 @ b1n) * b1n
    return math.degrees(math.atan2(np.cross(b1n, v) @ w, v @ w))


PAT = {
    "carboxylate": Chem.MolFromSmarts("[#6:1][CX3:2](~[OX1:3])~[OX1:4]"),
    "phenylacetate": Chem.MolFromSmarts("[OX1:1]~[CX3:2](~[OX1:3])[CX4:4][c:5]"),
    "imide": Chem.MolFromSmarts("[#6,F:1][SX4:2][NX2-:3][SX4:4][#6,F:5]"),
    "hfac": Chem.MolFromSmarts("[OX1:1]~[#6:2]~[#6:3]~[#6:4]~[OX1:5]"),
    "dme": Chem.MolFromSmarts("[CH3:1][O:2][CH2:3][CH2:4][O:5][CH3:6]"),
}


def dme_name(a):
    """Usual name of a DME conformer from its torsions (C-O-C-C, O-C-C-O, C-C-O-C),
    e.g. TGT, TGG': T if |t| > 120 deg else G; a prime marks a gauche of sign
    opposite to the first gauche; of the name read forwards or backwards the
    one with T first (then fewer primes) is given."""
    def name(ts):
        out, ref = [], None
        for t in ts:
            if abs(t) > 120:
                out.append("T")
            else:
                ref = ref if ref is not None else math.copysign(1, t)
                out.append("G" if math.copysign(1, t) == ref else "G'")
        return out
    cands = [name(a), name(a[::-1])]
    return "".join(min(cands, key=lambda n: ([{"T": 0, "G": 1, "G'": 2}[c] for c in n])))


def descriptors(mol, x):
    """Geometry descriptors (dict of name -> formatted value) of one conformer."""
    d = {}
    m = mol.GetSubstructMatch(PAT["carboxylate"])
    if m:
        c1, c2, o1, o2 = m
        d["r_C-CO2"] = "%.3f" % dist(x, c1, c2)
        d["a_OCO"] = "%.1f" % angle(x, o1, c2, o2)
        d["r_CO"] = "%.3f/%.3f" % (dist(x, c2, o1), dist(x, c2, o2))
    m = mol.GetSubstructMatch(PAT["phenylacetate"])
    if m:
        o1, c2, o3, c4, c5 = m
        t = sorted((torsion(x, o1, c2, c4, c5), torsion(x, o3, c2, c4, c5)), key=abs)
        d["t_OCCCipso"] = "%.0f/%.0f" % tuple(t)
        # benzylic torsion C(carboxyl)-CH2-C(ipso)-C(ortho), the smaller |value|
        orth = [a.GetIdx() for a in mol.GetAtomWithIdx(c5).GetNeighbors()
                if a.GetIdx() != c4 and a.GetIsAromatic()]
        t2 = sorted((torsion(x, c2, c4, c5, o) for o in orth), key=abs)
        d["t_CCCipsoCo"] = "%.0f/%.0f" % tuple(t2)
    m = mol.GetSubstructMatch(PAT["imide"])
    if m:
        x1, s1, n, s2, x2 = m
        # signed distances of the two S substituents from the S-N-S plane
        nrm = np.cross(x[s1] - x[n], x[s2] - x[n])
        nrm /= np.linalg.norm(nrm)
        h1, h2 = (x[x1] - x[n]) @ nrm, (x[x2] - x[n]) @ nrm
        d["imide"] = "cisoid" if h1 * h2 > 0 else "transoid"
        d["t_XSNS"] = "%.0f/%.0f" % (torsion(x, x1, s1, n, s2), torsion(x, x2, s2, n, s1))
        d["a_SNS"] = "%.1f" % angle(x, s1, n, s2)
        d["r_SN"] = "%.3f/%.3f" % (dist(x, s1, n), dist(x, s2, n))
    if mol.GetProp("_family") == "enolate":
        m = mol.GetSubstructMatch(PAT["hfac"])
        if m:
            o1, c2, c3, c4, o5 = m
            t1, t2 = torsion(x, o1, c2, c3, c4), torsion(x, c2, c3, c4, o5)
            shape = {(0, 0): "U", (1, 1): "W"}.get((abs(t1) > 90, abs(t2) > 90), "S")
            d["hfac"] = "%s %.0f/%.0f" % (shape, t1, t2)
    m = mol.GetSubstructMatch(PAT["dme"])
    if m:
        a = [torsion(x, *m[0:4]), torsion(x, *m[1:5]), torsion(x, *m[2:6])]
        d["dme"] = dme_name(a) + " %.0f/%.0f/%.0f" % tuple(a)
    return d


# --------------------------------------------------------------------- xtb
def write_xyz(path, symbols, xyz, comment):
    with open(path, "w") as f:
        f.write("%d\n%s\n" % (len(symbols), comment))
        for s, (a, b, c) in zip(symbols, xyz):
            f.write("%-2s %15.8f %15.8f %15.8f\n" % (s, a, b, c))


def read_xyz(path):
    L = open(path).read().splitlines()
    n = int(L[0].split()[0])
    sym, xyz = [], []
    for l in L[2:2 + n]:
        f = l.split()
        sym.append(f[0].capitalize())
        xyz.append([float(v) for v in f[1:4]])
    return sym, np.array(xyz), L[1]


def xtb_opt(symbols, xyz, charge, mult, solvent, threads):
    """GFN2-xTB tight optimization. Returns (energy Eh, coordinates, seconds)
    or (None, None, seconds, reason) on failure."""
    work = tempfile.mkdtemp(prefix="xtblib.")
    t0 = time.time()
    try:
        write_xyz(os.path.join(work, "in.xyz"), symbols, xyz, "in")
        cmd = ["xtb", "in.xyz", "--gfn", "2", "--opt", "tight",
               "--chrg", str(charge), "--uhf", str(mult - 1)]
        if solvent != "gas":
            cmd += ["--alpb", solvent]
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS="1",
                   OMP_STACKSIZE="500M", OMP_MAX_ACTIVE_LEVELS="1")
        p = subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        log = p.stdout
        dt = time.time() - t0
        if p.returncode != 0 or "GEOMETRY OPTIMIZATION CONVERGED" not in log:
            return None, None, dt, "xtb rc=%d, not converged" % p.returncode
        sym, x, comment = read_xyz(os.path.join(work, "xtbopt.xyz"))
        e = float(comment.split()[1])  # " energy: E gnorm: ..."
        return e, x, dt, ""
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------- per entry
def dedup(items, heavy, perms, thresh=None, kept=None, cap=None):
    """items sorted by energy: (E, xyz, ...). Greedy: keep an item unless it is
    within thresh (default RMSD_DUP) of one kept already (kept: items already
    chosen, not returned); stop at cap items."""
    thresh = RMSD_DUP if thresh is None else thresh
    prev = list(kept or [])
    out = []
    for it in items:
        if cap is not None and len(out) >= cap:
            break
        if all(rmsd(k[1][heavy], it[1][heavy], perms) >= thresh for k in prev + out):
            out.append(it)
    return out


def run_entry(r, solvent, compare, threads, log):
    t_start = time.time()
    stem = r["stem"]
    mol0 = Chem.MolFromSmiles(r["smiles"])
    if Chem.GetFormalCharge(mol0) != r["charge"]:
        raise SystemExit("%s: SMILES charge %d != table charge %d"
                         % (stem, Chem.GetFormalCharge(mol0), r["charge"]))
    nconf = n_embed(mol0)
    opts = StereoEnumerationOptions(onlyUnassigned=True, unique=True)
    isomers = list(EnumerateStereoisomers(mol0, options=opts))
    mol = Chem.AddHs(isomers[0])
    mol.SetProp("_family", r["family"])
    symbols = [a.GetSymbol() for a in mol.GetAtoms()]
    heavy = heavy_index(mol)
    perms = automorphisms(mol, heavy)
    ref_bonds = graph_bonds(mol)
    one3 = one3_pairs(mol)

    # 1-2: ETKDG for each stereoisomer (all share the SMILES atom order: AddHs
    # appends the H in the same order for each isomer), then two kinds of xtb
    # starts: the distinct MMFF94 (UFF) minima, and raw ETKDG conformers that
    # differ from every start already chosen by >= RMSD_START (the force-field
    # minimization funnels most conformers into one MMFF minimum, which need
    # not be GFN2's), at most START_MAX in all.
    ff_min, raw = [], []
    ff_used = set()
    for k, iso in enumerate(isomers):
        m = Chem.AddHs(iso)
        ps = AllChem.ETKDGv3()
        ps.randomSeed = SEED + k
        ps.numThreads = 1
        ps.pruneRmsThresh = -1.0
        cids = list(AllChem.EmbedMultipleConfs(m, numConfs=max(1, nconf // len(isomers)), params=ps))
        if not cids:
            ps.useRandomCoords = True
            cids = list(AllChem.EmbedMultipleConfs(m, numConfs=max(1, nconf // len(isomers)), params=ps))
        if not cids:
            # RDKit 2022.09 cannot embed 6-coordinate centres (PF6-): ideal polyhedron.
            x = ideal_star(m)
            if x is None:
                raise SystemExit("%s: RDKit embedding failed" % stem)
            ff_used.add("ideal-polyhedron")
            ff_min.append((0.0, x))
            continue
        raw += [(0.0, m.GetConformer(c).GetPositions()) for c in cids]
        if AllChem.MMFFHasAllMoleculeParams(m):
            res = AllChem.MMFFOptimizeMoleculeConfs(m, numThreads=1, maxIters=5000)
            ff = "MMFF94"
        elif AllChem.UFFHasAllMoleculeParams(m):
            res = AllChem.UFFOptimizeMoleculeConfs(m, numThreads=1, maxIters=5000)
            ff = "UFF"
        else:
            res = [(0, 0.0)] * len(cids)
            ff = "none"
        ff_used.add(ff)
        for cid, (conv, e) in zip(cids, res):
            ff_min.append((e, m.GetConformer(cid).GetPositions()))
    n_embedded = len(ff_min)
    ff_min.sort(key=lambda t: t[0])
    starts = dedup(ff_min, heavy, perms, cap=START_MAX)
    n_ff = len(starts)
    starts += dedup(raw, heavy, perms, thresh=RMSD_START, kept=starts,
                    cap=START_MAX - len(starts))
    log("%-9s %2d atoms, %d stereoisomer(s), %d embedded, %s: %d distinct minima + %d raw ETKDG starts"
        % (stem, len(symbols), len(isomers), n_embedded, "/".join(sorted(ff_used)), n_ff,
           len(starts) - n_ff))

    # 3-4: xtb optimizations and connectivity check
    opt, failures = [], []
    t_xtb = 0.0
    for i, (_, x0) in enumerate(starts):
        e, x, dt, why = xtb_opt(symbols, x0, r["charge"], r["mult"], solvent, threads)
        t_xtb += dt
        if e is None:
            failures.append("start %d: %s" % (i, why))
            continue
        got = perceived_bonds(symbols, x, one3)
        if got != ref_bonds:
            miss = sorted(ref_bonds - got)
            extra = sorted(got - ref_bonds)
            fmt = lambda bs: ",".join("%s%d-%s%d" % (symbols[a], a + 1, symbols[b], b + 1) for a, b in bs)
            failures.append("start %d: connectivity changed (missing %s; extra %s)"
                            % (i, fmt(miss) or "-", fmt(extra) or "-"))
            continue
        opt.append((e, x, i))
    opt.sort(key=lambda t: t[0])
    distinct = dedup(opt, heavy, perms)
    if not distinct:
        log("%-9s FAILED: no conformer survived (%s)" % (stem, "; ".join(failures)))
        return None
    emin = distinct[0][0]
    kept = [c for c in distinct if (c[0] - emin) * HARTREE_KCAL <= E_WINDOW][:KEEP_MAX]

    # 5: staging files
    level = "GFN2-xTB" if solvent == "gas" else "GFN2-xTB/ALPB(%s)" % solvent
    d = os.path.join(OUT, stem)
    if WRITE_XYZ:
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    rows = []
    for k, (e, x, _) in enumerate(distinct, 1):
        if WRITE_XYZ and k <= len(kept):
            comment = ("charge=%d mult=%d name=%s smiles=%s level=%s conf=%d E_xtb=%.10f"
                       % (r["charge"], r["mult"], r["label"], r["smiles"], level, k, e))
            write_xyz(os.path.join(d, "conf%d.xyz" % k), symbols, x, comment)
        bmax, m13, nbmin = bond_margins(mol, symbols, x, one3)
        rows.append({"stem": stem, "conf": k, "level": level, "E": e, "kept": k <= len(kept),
                     "dE": (e - emin) * HARTREE_KCAL, "bmax": bmax, "m13": m13, "nbmin": nbmin,
                     "desc": descriptors(mol, x)})

    # 6: the kept conformers re-optimized at the comparison levels
    comp = []
    for lev in compare:
        res = []
        for k, (e, x, _) in enumerate(kept, 1):
            e2, x2, dt, why = xtb_opt(symbols, x, r["charge"], r["mult"], lev, threads)
            t_xtb += dt
            if e2 is None:
                res.append((k, None, None, why))
                continue
            ok = perceived_bonds(symbols, x2, one3) == ref_bonds
            res.append((k, e2, x2, "" if ok else "connectivity changed"))
        good = [t for t in res if t[1] is not None]
        e2min = min(t[1] for t in good) if good else 0.0
        for k, e2, x2, why in res:
            row = {"stem": stem, "conf": k, "level": lev, "note": why}
            if e2 is not None:
                row["E"] = e2
                row["dE"] = (e2 - e2min) * HARTREE_KCAL
                row["rmsd"] = rmsd(kept[k - 1][1][heavy], x2[heavy], perms)
                row["desc"] = descriptors(mol, x2)
            comp.append(row)

    wall = time.time() - t_start
    info = {"stem": stem, "label": r["label"], "atoms": len(symbols),
            "isomers": len(isomers), "embedded": n_embedded, "ff": "/".join(sorted(ff_used)),
            "starts": len(starts), "ff_starts": n_ff, "optimized": len(opt), "distinct": len(distinct),
            "kept": len(kept), "failures": failures, "t_xtb": t_xtb, "wall": wall,
            "rows": rows, "comp": comp}
    for row in rows:
        log("%-9s %s%d %s E=%.8f dE=%.2f kcal/mol  d/rcov: bonds max %.3f, 1-3 min %.3f, others min %.3f  %s"
            % (stem, "conf" if row["kept"] else "(not kept) ", row["conf"], level, row["E"], row["dE"],
               row["bmax"], row["m13"], row["nbmin"],
               " ".join("%s=%s" % kv for kv in row["desc"].items())))
    for row in comp:
        if "E" in row:
            log("%-9s   conf%d at %-6s dE=%.2f rmsd=%.3f %s %s"
                % (stem, row["conf"], row["level"], row["dE"], row["rmsd"],
                   " ".join("%s=%s" % kv for kv in row["desc"].items()), row["note"]))
        else:
            log("%-9s   conf%d at %-6s FAILED %s" % (stem, row["conf"], row["level"], row["note"]))
    for f in failures:
        log("%-9s dropped %s" % (stem, f))
    log("%-9s %d optimized, %d distinct, %d kept; xtb %.1f s, wall %.1f s"
        % (stem, len(opt), len(distinct), len(kept), t_xtb, wall))
    return info


# ------------------------------------------------------------------ output
DESC_KEYS = ["r_C-CO2", "a_OCO", "r_CO", "t_OCCCipso", "t_CCCipsoCo", "imide", "t_XSNS", "a_SNS", "r_SN",
             "hfac", "dme"]


def write_tables(infos, table):
    """Rewrite summary.tsv, conformers.tsv, compare.tsv, failures.txt, merging with
    the rows of stems not rerun this time."""
    def merge(path, header, newrows, key=0):
        old = []
        if os.path.exists(path):
            L = open(path).read().splitlines()
            if L and L[0] == header:
                old = [l for l in L[1:] if l.split("\t")[key] not in infos]
        allrows = old + newrows
        order = {r["stem"]: i for i, r in enumerate(table)}
        allrows.sort(key=lambda l: (order.get(l.split("\t")[0], 999), l))
        with open(path, "w") as f:
            f.write(header + "\n")
            for l in allrows:
                f.write(l + "\n")

    h = "stem\tlabel\tatoms\tstereoisomers\tembedded\tff\tff_starts\tstarts\txtb_ok\tdistinct\tkept\tfailed\tt_xtb_s\twall_s"
    rows = ["%s\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f"
            % (i["stem"], i["label"], i["atoms"], i["isomers"], i["embedded"], i["ff"],
               i["ff_starts"], i["starts"], i["optimized"], i["distinct"], i["kept"], len(i["failures"]),
               i["t_xtb"], i["wall"]) for i in infos.values()]
    merge(os.path.join(OUT, "summary.tsv"), h, rows)

    h = ("stem\tconf\tkept\tlevel\tE_Eh\tdE_kcal\tbond_ratio_max\tratio13_min\tnonbond_ratio_min\t"
         + "\t".join(DESC_KEYS))
    rows = []
    for i in infos.values():
        for r in i["rows"]:
            rows.append("%s\t%d\t%s\t%s\t%.10f\t%.2f\t%.3f\t%.3f\t%.3f\t%s"
                        % (r["stem"], r["conf"], "yes" if r["kept"] else "no", r["level"], r["E"], r["dE"],
                           r["bmax"], r["m13"], r["nbmin"],
                           "\t".join(r["desc"].get(k, "") for k in DESC_KEYS)))
    merge(os.path.join(OUT, "conformers.tsv"), h, rows)

    h = "stem\tconf\tlevel\tE_Eh\tdE_kcal\trmsd_to_staged\tnote\t" + "\t".join(DESC_KEYS)
    rows = []
    for i in infos.values():
        for r in i["comp"]:
            if "E" in r:
                rows.append("%s\t%d\t%s\t%.10f\t%.2f\t%.3f\t%s\t%s"
                            % (r["stem"], r["conf"], r["level"], r["E"], r["dE"], r["rmsd"], r["note"],
                               "\t".join(r["desc"].get(k, "") for k in DESC_KEYS)))
            else:
                rows.append("%s\t%d\t%s\t\t\t\t%s\t%s" % (r["stem"], r["conf"], r["level"],
                                                        r["note"], "\t" * (len(DESC_KEYS) - 1)))
    merge(os.path.join(OUT, "compare.tsv"), h, rows)

    h = "stem\tdropped"
    rows = ["%s\t%s" % (i["stem"], f) for i in infos.values() for f in i["failures"]]
    merge(os.path.join(OUT, "failures.tsv"), h, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("stems", nargs="*")
    ap.add_argument("--solvent", default="gas",
                    help="level of the search and the staged files: gas, or an xtb ALPB solvent")
    ap.add_argument("--compare", default="",
                    help="comma-separated extra levels at which the kept conformers are re-optimized")
    ap.add_argument("--threads", type=int, default=1, help="OMP threads for xtb (1 or 2)")
    ap.add_argument("--out", default=STAGE, help="folder of the results (default tools/library-staging)")
    ap.add_argument("--tables-only", action="store_true", help="write the tables and log, no XYZ files")
    a = ap.parse_args()
    global OUT, WRITE_XYZ
    OUT = os.path.abspath(a.out)
    WRITE_XYZ = not a.tables_only
    table = read_table()
    stems = {r["stem"] for r in table}
    for s in a.stems:
        if s not in stems:
            raise SystemExit("unknown stem %s" % s)
    todo = [r for r in table if not a.stems or r["stem"] in a.stems]
    compare = [c for c in a.compare.split(",") if c and c != a.solvent]
    os.makedirs(OUT, exist_ok=True)
    if not a.stems:  # a full run starts the summary tables afresh
        for f in ("summary.tsv", "conformers.tsv", "compare.tsv", "failures.tsv"):
            if os.path.exists(os.path.join(OUT, f)):
                os.remove(os.path.join(OUT, f))
    logf = open(os.path.join(OUT, "run.log" if not a.stems else "run-partial.log"), "w")

    def log(s):
        print(s, flush=True)
        logf.write(s + "\n")
        logf.flush()

    log("make_library.py: level %s, compare %s, threads %d, seed %d, RMSD_DUP %.2f A, window %.1f kcal/mol, keep <= %d"
        % (a.solvent, ",".join(compare) or "-", a.threads, SEED, RMSD_DUP, E_WINDOW, KEEP_MAX))
    log("xtb: " + subprocess.run(["xtb", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True).stdout.split("xtb version")[1].split("\n")[0].strip()
        + "; rdkit " + Chem.rdBase.rdkitVersion)
    t0 = time.time()
    infos = {}
    for r in todo:
        info = run_entry(r, a.solvent, compare, a.threads, log)
        if info is not None:
            infos[r["stem"]] = info
        write_tables(infos, table)
    log("total wall %.1f s for %d molecules" % (time.time() - t0, len(todo)))


if __name__ == "__main__":
    main()
