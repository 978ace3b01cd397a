#!/bin/sh
# Regenerate molecules/*.xyz: Open Babel 3D build from SMILES, then GFN2-xTB
# tight optimization.  Checks that the optimized structure has the same
# connectivity as the SMILES (Open Babel canonical SMILES compared).
# Usage: tools/make_molecules.sh [name ...]   (run from the repository root)
# Tools used (Debian 12): Open Babel 3.1.1, xtb 6.5.1.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/molecules"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One thread each: the machine's cores are shared.
export OMP_NUM_THREADS=1 OMP_STACKSIZE=500M MKL_NUM_THREADS=1

# file|charge|mult|name|SMILES
list() {
cat <<'TAB'
dme|0|1|DME|COCCOC
dol|0|1|DOL|C1OCCO1
tfsi|-1|1|TFSI-|[N-](S(=O)(=O)C(F)(F)F)S(=O)(=O)C(F)(F)F
fsi|-1|1|FSI-|[N-](S(=O)(=O)F)S(=O)(=O)F
pf6|-1|1|PF6-|F[P-](F)(F)(F)(F)F
bf4|-1|1|BF4-|F[B-](F)(F)F
tfpaa|-1|1|TFPAA-|[O-]C(=O)Cc1cc(F)c(F)cc1F
acetate|-1|1|acetate|CC(=O)[O-]
fa|-1|1|fluoroacetate|FCC(=O)[O-]
dfa|-1|1|difluoroacetate|FC(F)C(=O)[O-]
tfa|-1|1|trifluoroacetate|FC(F)(F)C(=O)[O-]
pfp|-1|1|pentafluoropropionate|FC(F)(F)C(F)(F)C(=O)[O-]
hfb|-1|1|heptafluorobutyrate|FC(F)(F)C(F)(F)C(F)(F)C(=O)[O-]
tfp|-1|1|3,3,3-trifluoropropionate|FC(F)(F)CC(=O)[O-]
benzoate|-1|1|benzoate|[O-]C(=O)c1ccccc1
fbz|-1|1|4-fluorobenzoate|[O-]C(=O)c1ccc(F)cc1
tfbz|-1|1|2,4,5-trifluorobenzoate|[O-]C(=O)c1cc(F)c(F)cc1F
pfbz|-1|1|pentafluorobenzoate|[O-]C(=O)c1c(F)c(F)c(F)c(F)c1F
tfmbz|-1|1|4-(trifluoromethyl)benzoate|[O-]C(=O)c1ccc(cc1)C(F)(F)F
paa|-1|1|phenylacetate|[O-]C(=O)Cc1ccccc1
fpaa|-1|1|4-fluorophenylacetate|[O-]C(=O)Cc1ccc(F)cc1
dfpaa|-1|1|2,4-difluorophenylacetate|[O-]C(=O)Cc1ccc(F)cc1F
tfpaa345|-1|1|3,4,5-trifluorophenylacetate|[O-]C(=O)Cc1cc(F)c(F)c(F)c1
pfpaa|-1|1|pentafluorophenylacetate|[O-]C(=O)Cc1c(F)c(F)c(F)c(F)c1F
TAB
}

canon() { obabel "$1" -ocan 2>/dev/null | awk '{print $1}'; }


list | while IFS='|' read -r file charge mult name smiles; do
    if [ $# -gt 0 ]; then
        case " $* " in *" $file "*) ;; *) continue ;; esac
    fi
    d="$work/$file"; mkdir -p "$d"
    # --gen3d (with its force-field cleanup) is not bit-reproducible between runs.
    obabel -:"$smiles" --gen3d -osdf -O "$d/in.sdf" 2>/dev/null
    obabel "$d/in.sdf" -oxyz -O "$d/in.xyz" 2>/dev/null
    uhf=$((mult - 1))
    (cd "$d" && xtb in.xyz --opt tight --chrg "$charge" --uhf "$uhf" --gfn 2 > xtb.log 2>&1) || {
        echo "xtb failed for $file" >&2; exit 1; }
    grep -q "GEOMETRY OPTIMIZATION CONVERGED" "$d/xtb.log" || { echo "not converged: $file" >&2; exit 1; }
    want=$(obabel -:"$smiles" -ocan 2>/dev/null | awk '{print $1}')
    # Canonical SMILES of the result (bonds from distances, so no formal charge): printed only.
    got=$(obabel "$d/xtbopt.xyz" -ocan 2>/dev/null | awk '{print $1}')
    nat=$(head -1 "$d/xtbopt.xyz" | tr -d ' ')
    {
        echo "$nat"
        echo "charge=$charge mult=$mult name=$name smiles=$smiles"
        tail -n +3 "$d/xtbopt.xyz" | awk 'NF==4 {printf "%-2s %15.8f %15.8f %15.8f\n", $1, $2, $3, $4}'
    } > "$out/$file.xyz"
    # Connectivity check: bonds of the SMILES build (explicit in in.sdf) must
    # equal the bonds Open Babel perceives from the optimized distances
    # (atom order is preserved by xtb).
    obabel "$d/xtbopt.xyz" -osdf -O "$d/out.sdf" 2>/dev/null
    same=$(python3 - "$d/in.sdf" "$d/out.sdf" <<'PY'
import sys
def bonds(p):
    L = open(p).read().splitlines()
    na, nb = int(L[3][0:3]), int(L[3][3:6])
    return {tuple(sorted((int(l[0:3]), int(l[3:6])))) for l in L[4 + na:4 + na + nb]}
print("ok" if bonds(sys.argv[1]) == bonds(sys.argv[2]) else "MISMATCH")
PY
)
    e=$(grep "TOTAL ENERGY" "$d/xtb.log" | tail -1 | awk '{print $4}')
    ok=$same; [ "$ok" = ok ] || echo "connectivity changed: $file" >&2
    printf '%-10s %-8s E(GFN2)=%s  in=%s  out=%s\n' "$file" "$ok" "$e" "$want" "$got"
done
