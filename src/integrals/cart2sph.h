/* Cartesian <-> real solid-harmonic transformation and component orderings.
 * The one place that fixes orbscreen's conventions:
 *   - Cartesian components in libint2's standard (CCA) order:
 *     for l=2: xx, xy, xz, yy, yz, zz (lx descending, then ly descending);
 *   - every Cartesian component of a shell shares the normalization of x^l
 *     (so xy is not unit-normalized);
 *   - solid harmonics in libint2's standard order m = -l, ..., 0, ..., +l,
 *     each unit-normalized, for l >= 2;
 *   - p shells (l = 1) are the same flagged pure or not: x, y, z (libint2
 *     keeps p shells Cartesian), so os_cart2sph(1) is the identity. */
#ifndef OS_CART2SPH_H
#define OS_CART2SPH_H

#define OS_MAX_L 5

static inline int os_ncart(int l) { return (l + 1) * (l + 2) / 2; }
static inline int os_nsph(int l) { return 2 * l + 1; }

/* Row-major (2l+1) x ncart(l) matrix T with sph_m = sum_c T[m][c] cart_c,
 * for 0 <= l <= OS_MAX_L, written into the caller's buffer T (no hidden
 * global tables: callers that need it often keep their own copy). */
void os_cart2sph(int l, double *T);

/* Exponents of Cartesian component c of shell l (CCA order). */
void os_cart_exponents(int l, int c, int *lx, int *ly, int *lz);
/* Index of component x^lx y^ly z^lz within its shell (CCA order): the inverse. */
static inline int os_cart_index(int lx, int ly, int lz)
{
    (void)lx;
    int r = ly + lz;
    return r * (r + 1) / 2 + lz;
}

#endif
