#!/usr/bin/env python3
"""Reference Boys function values for tests/test_boys.c.

F_m(T) = 1F1(m+1/2; m+3/2; -T) / (2m+1), evaluated with mpmath at 50 digits
and printed with 20 significant digits, for m = 0..24 and T spanning 0 to 1e5
(off-grid points, both sides of the T = 36 branch switch, tiny and huge T).

Usage: python3 tests/reference/boys/gen_boys_ref.py > tests/reference/boys/boys_ref.txt
Each line: m T F_m(T).  T values are written exactly (short decimals).
"""
import mpmath

mpmath.mp.dps = 50

TS = ["0", "1e-14", "1e-10", "1e-6", "1e-3", "0.01", "0.04999", "0.05", "0.0731",
      "0.1", "0.2468", "0.5", "0.77777", "1", "1.3", "2.04", "2.5", "3.14159",
      "4.9", "5.55", "7.3", "9.999", "10.05", "12.3456", "15", "17.83", "20.25",
      "24.6", "28.95", "31.001", "33.3", "35.5", "35.95", "35.99999", "36",
      "36.00001", "36.7", "40", "45.5", "50", "63.21", "80", "100", "150.5",
      "256", "500", "999.9", "1000", "3000", "1e4", "1e5"]


def boys(m, T):
    if T == 0:
        return mpmath.mpf(1) / (2 * m + 1)
    return mpmath.hyp1f1(m + mpmath.mpf(1) / 2, m + mpmath.mpf(3) / 2, -T) / (2 * m + 1)


print("# m T F_m(T)   (mpmath %s, 50 digits; tests/reference/boys/gen_boys_ref.py)" % mpmath.__version__)
for t in TS:
    T = mpmath.mpf(t)
    for m in range(25):
        print("%d %s %s" % (m, t, mpmath.nstr(boys(m, T), 20, min_fixed=0, max_fixed=0)))
