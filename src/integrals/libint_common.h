/* Internal to src/integrals/ (the only part that includes libint2.h): what
 * every libint2 caller shares.  The libint2 C contract is described at the
 * top of eri.c. */
#ifndef OS_LIBINT_COMMON_H
#define OS_LIBINT_COMMON_H

#include <libint2.h>
#include <math.h>
#include <stddef.h>

#include "orbscreen.h"
#include "integrals/cart2sph.h"

/* Highest l the Cartesian -> spherical tables hold (auxiliary sets reach i/k). */
#define OS_SPH_MAX_L 7
#define OS_SPH_MAX_NCART ((OS_SPH_MAX_L + 1) * (OS_SPH_MAX_L + 2) / 2)

static const double OS_SQRT_PI = 1.77245385090551602730;

/* Nonzero entries of os_cart2sph(l): sph_m += v * cart_c. */
typedef struct {
    int nnz;
    unsigned char m[(2 * OS_SPH_MAX_L + 1) * OS_SPH_MAX_NCART];
    unsigned char c[(2 * OS_SPH_MAX_L + 1) * OS_SPH_MAX_NCART];
    double v[(2 * OS_SPH_MAX_L + 1) * OS_SPH_MAX_NCART];
} os_sph_tf;

void os_sph_tf_init(os_sph_tf *tf, int l);
/* out[pre][nsph][post] = sum_c T[m][c] in[pre][c][post]. */
void os_sph_apply(const os_sph_tf *tf, int l, const double *in, double *out, size_t pre,
                  size_t post);

/* Unique shell pair number ab = a(a+1)/2 + b (a >= b) back to (a, b). */
static inline void os_pair_index(long ab, int *a, int *b)
{
    int i = (int)((sqrt(8.0 * (double)ab + 1.0) - 1.0) / 2.0);
    while ((long)i * (i + 1) / 2 > ab) --i;
    while ((long)(i + 1) * (i + 2) / 2 <= ab) ++i;
    *a = i;
    *b = (int)(ab - (long)i * (i + 1) / 2);
}

/* OS_OK when every shell of bs has 0 <= l <= max_l and at least one primitive. */
os_status os_integrals_check_basis(const os_basis *bs, int max_l, os_error *err);

#endif
