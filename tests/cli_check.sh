# Sourced by the command-line tests (test_cli.sh, test_solvent_cli.sh), run
# as `sh TEST ORBSCREEN REFERENCE_DIR`: B (the binary), REF (the reference
# folder), T (a scratch folder, removed on exit), and the checks.
B=$1
REF=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
check() { # check STATUS WHAT
    if [ "$1" -eq 0 ]; then pass=$((pass + 1)); echo "PASS $2"
    else fail=$((fail + 1)); echo "FAIL $2"; fi
}
close_to() { # close_to GOT WANT TOL
    awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }'
}
finish() { # the summary line and the exit status
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}
