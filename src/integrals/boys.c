/* Boys function F_m(T) = int_0^1 t^(2m) exp(-T t^2) dt, m = 0..mmax.
 *
 * T < TMAX (36): the highest order comes from an 8-term Taylor expansion about
 *   the nearest point T_k of a 0.1-spaced table (dF_m/dT = -F_{m+1}, so
 *   F_m(T_k + d) = sum_j F_{m+j}(T_k) (-d)^j / j!; |d| <= 0.05 bounds the
 *   truncation at 0.05^8/8! ~ 1e-15 relative), and the lower orders from
 *   downward recursion F_{m-1} = (2T F_m + e^-T)/(2m-1), which is stable.
 * T >= TMAX: F_0 = sqrt(pi/T)/2 (erfc(sqrt T) < 3e-17 is dropped) and upward
 *   recursion F_{m+1} = ((2m+1) F_m - e^-T)/(2T), stable for T > m.
 * The table is generated const data (tools/gen_boys_table.py, mpmath). */
#include "integrals/boys.h"

#include <math.h>

#include "generated/boys_table.h"

#define NTAYLOR 8

_Static_assert(OS_BOYS_MMAX + NTAYLOR <= OS_BOYS_TABLE_NM, "Boys table lacks orders");
_Static_assert(OS_BOYS_TABLE_TMAX * OS_BOYS_TABLE_INV_STEP + 1 == OS_BOYS_TABLE_NT,
               "Boys table does not span [0, TMAX]");
_Static_assert(OS_BOYS_MMAX < OS_BOYS_TABLE_TMAX, "upward recursion needs T > mmax");

/* 1/(2m-1) for m = 1..OS_BOYS_MMAX (index m); saves a division per order. */
static const double inv_2m_minus_1[OS_BOYS_MMAX + 1] = {
    0.0,        1.0 / 1,  1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11, 1.0 / 13, 1.0 / 15,
    1.0 / 17,   1.0 / 19, 1.0 / 21, 1.0 / 23, 1.0 / 25, 1.0 / 27, 1.0 / 29, 1.0 / 31, 1.0 / 33,
    1.0 / 35,   1.0 / 37, 1.0 / 39, 1.0 / 41, 1.0 / 43, 1.0 / 45, 1.0 / 47,
};

void os_boys(int mmax, double T, double *F) { os_boys_scaled(mmax, T, 1.0, F); }

/* The recursions are linear in (F, e^-T), so scaling both scales every F_m. */
void os_boys_scaled(int mmax, double T, double scale, double *F)
{
    if (T < OS_BOYS_TABLE_TMAX) {
        int k = (int)(T * OS_BOYS_TABLE_INV_STEP + 0.5);
        double x = (double)k / OS_BOYS_TABLE_INV_STEP - T; /* = -d */
        const double *row = boys_table[k] + mmax;
        /* Horner for sum_j row[j] x^j / j!; the x/j factors are off the
         * dependency chain, which is then one FMA per term. */
        double s = row[7];
        s = row[6] + (x * (1.0 / 7)) * s;
        s = row[5] + (x * (1.0 / 6)) * s;
        s = row[4] + (x * (1.0 / 5)) * s;
        s = row[3] + (x * (1.0 / 4)) * s;
        s = row[2] + (x * (1.0 / 3)) * s;
        s = row[1] + (x * (1.0 / 2)) * s;
        s = row[0] + x * s;
        double f = scale * s;
        F[mmax] = f;
        if (mmax > 0) {
            double e = scale * exp(-T), T2 = 2.0 * T;
            for (int m = mmax; m > 0; --m) {
                f = (T2 * f + e) * inv_2m_minus_1[m];
                F[m - 1] = f;
            }
        }
    } else {
        double inv_2T = 0.5 / T;
        double f = scale * 0.886226925452758014 / sqrt(T); /* sqrt(pi)/2 */
        F[0] = f;
        if (mmax > 0) {
            double e = scale * exp(-T);
            for (int m = 0; m < mmax; ++m) {
                f = ((2 * m + 1) * f - e) * inv_2T;
                F[m + 1] = f;
            }
        }
    }
}
