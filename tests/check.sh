# Helpers for the shell tests (sourced): each check prints PASS/FAIL, and
# check_finish prints "N passed, M failed" and gives the exit status.
pass=0
fail=0
check() { # check STATUS WHAT
    if [ "$1" -eq 0 ]; then pass=$((pass + 1)); echo "PASS $2"
    else fail=$((fail + 1)); echo "FAIL $2"; fi
}
close_to() { # close_to GOT WANT TOL: |GOT - WANT| <= TOL
    awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }'
}
check_finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}
