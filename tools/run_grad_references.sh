#!/bin/sh
# Reproduce the Psi4 gradient / geometry-optimization references.
#   tools/run_grad_references.sh grad [case ...]   tests/reference/grad/ (about 15 min on 2 cores)
#   tools/run_grad_references.sh opt  [case ...]   tests/reference/opt/  (about 30 min on 2 cores)
# Step 1 writes tests/reference/<kind>/<case>.in (tools/psi4_grad_refs.py or
# tools/psi4_opt_refs.py); step 2 runs each input with Psi4 1.3.2 (Debian)
# inside that folder, which writes <case>.ref.  Psi4's text output goes to
# ${PSI4_OUT:-/tmp/orbscreen-psi4}/<kind>/<case>.out (not committed).
# One job at a time, 2 threads: the machine's cores are shared.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:?usage: $0 grad|opt [case ...]}
shift
case $kind in
    grad) gen=psi4_grad_refs.py ;;
    opt) gen=psi4_opt_refs.py ;;
    *) echo "usage: $0 grad|opt [case ...]" >&2; exit 2 ;;
esac
outdir=${PSI4_OUT:-/tmp/orbscreen-psi4}/$kind
mkdir -p "$outdir"
cases=$(python3 "$root/tools/$gen" "$@")
cd "$root/tests/reference/$kind"
for c in $cases; do
    rm -f "$c.ref"
    t0=$(date +%s.%N)
    if psi4 -n 2 "$c.in" "$outdir/$c.out" > "$outdir/$c.log" 2>&1 && [ -s "$c.ref" ]; then
        t1=$(date +%s.%N)
        printf '%-28s %8.1f s  E=%s\n' "$c" "$(echo "$t1 - $t0" | bc)" \
            "$(awk '$1=="energy"{print $2}' "$c.ref")"
    else
        echo "$c FAILED (see $outdir/$c.out, $outdir/$c.log)" >&2
    fi
    rm -f timer.dat psi.*.clean
done
