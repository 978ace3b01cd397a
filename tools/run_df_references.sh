#!/bin/sh
# Reproduce the Psi4 density-fitting reference numbers under tests/reference/df/.
#   tools/run_df_references.sh            all cases (about 40 min on 2 shared cores)
#   tools/run_df_references.sh CASE ...   only these cases
# Step 1 writes tests/reference/df/<case>.in (tools/psi4_df_refs.py); step 2
# runs each input with Psi4 1.3.2 (Debian), which writes <case>.ref.  Psi4's
# text output goes to ${PSI4_OUT:-/tmp/orbscreen-psi4}/<case>.out (not
# committed).  One job at a time, 2 threads: the machine's cores are shared.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
outdir=${PSI4_OUT:-/tmp/orbscreen-psi4}
mkdir -p "$outdir"
cases=$(python3 "$root/tools/psi4_df_refs.py" "$@")
cd "$root/tests/reference/df"
for c in $cases; do
    t0=$(date +%s.%N)
    if psi4 -n 2 "$c.in" "$outdir/$c.out" > "$outdir/$c.log" 2>&1; then
        t1=$(date +%s.%N)
        printf '%-32s %8.1f s  E=%s\n' "$c" "$(echo "$t1 - $t0" | bc)" \
            "$(awk '$1=="energy"{print $2}' "$c.ref")"
    else
        echo "$c FAILED (see $outdir/$c.out)" >&2
    fi
    # Psi4 leaves scratch files in the working directory on some paths.
    rm -f psi.*.clean timer.dat
done
