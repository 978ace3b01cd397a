/* Cartesian -> real solid-harmonic transformation (conventions in cart2sph.h).
 *
 * The coefficients follow the closed form for real regular solid harmonics in
 * Racah normalization (Helgaker, Jorgensen, Olsen, "Molecular
 * Electronic-Structure Theory", eqs. 6.4.47-6.4.50):
 *
 *   S_lm = N_lm sum_{t,u,w} C_tuw x^(2t+|m|-2u-w) y^(2u+w) z^(l-2t-|m|)
 *   C_tuw = (-1)^(t+(w-w_m)/2) 4^-t binom(l,t) binom(l-t,|m|+t) binom(t,u) binom(|m|,w)
 *   N_lm = sqrt(2 (l+|m|)! (l-|m|)! / 2^delta(m,0)) / (2^|m| l!)
 *
 * with w = 2v running over the integers of the parity of w_m (w_m = 0 for
 * m >= 0, 1 for m < 0) up to |m|.  Racah-normalized harmonics have the same
 * angular norm, 4 pi/(2l+1), as x^l; so when every Cartesian component carries
 * the normalization of x^l, the polynomial coefficients C are directly the
 * coefficients of unit-normalized solid harmonics.  This reproduces libint2's
 * solidharmonics.h (Schlegel-Frisch, IJQC 54, 83 (1995)) including signs.
 *
 * l = 1 is the exception: libint2 keeps p shells Cartesian, so "pure" p
 * functions are x, y, z here too (identity), not y, z, x in m order. */
#include "integrals/cart2sph.h"

#include <math.h>

static double factorial(int n)
{
    double f = 1.0;
    for (int i = 2; i <= n; ++i) f *= i;
    return f;
}

static double binom(int n, int k)
{
    if (k < 0 || k > n) return 0.0;
    return factorial(n) / (factorial(k) * factorial(n - k));
}

/* CCA index of (lx, ly, lz) within shell l: lx descending, then ly descending. */
static int cart_index(int l, int lx, int ly)
{
    int r = l - lx;
    return r * (r + 1) / 2 + (r - ly);
}

void os_cart_exponents(int l, int c, int *lx, int *ly, int *lz)
{
    /* Walk rows of constant lx (row r = l - lx holds r+1 components). */
    int r = 0;
    while (c > r) {
        c -= r + 1;
        ++r;
    }
    *lx = l - r;
    *ly = r - c;
    *lz = c;
}

void os_cart2sph(int l, double *T)
{
    int nc = os_ncart(l);
    for (int i = 0; i < os_nsph(l) * nc; ++i) T[i] = 0.0;
    if (l == 1) {
        T[0] = T[4] = T[8] = 1.0;
        return;
    }

    for (int m = -l; m <= l; ++m) {
        double *row = T + (m + l) * nc;
        int am = m < 0 ? -m : m;
        int wm = m < 0 ? 1 : 0;
        double N = sqrt(2.0 * factorial(l + am) * factorial(l - am) / (m == 0 ? 2.0 : 1.0)) /
                   (ldexp(1.0, am) * factorial(l));
        for (int t = 0; t <= (l - am) / 2; ++t) {
            for (int u = 0; u <= t; ++u) {
                for (int w = wm; w <= am; w += 2) {
                    int sign = ((t + (w - wm) / 2) % 2) ? -1 : 1;
                    double C = sign * ldexp(1.0, -2 * t) * binom(l, t) * binom(l - t, am + t) *
                               binom(t, u) * binom(am, w);
                    int lx = 2 * t + am - 2 * u - w;
                    int ly = 2 * u + w;
                    row[cart_index(l, lx, ly)] += N * C;
                }
            }
        }
    }
}
