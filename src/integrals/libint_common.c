/* libint2's one-time initialization, basis checks, and the sparse
 * Cartesian -> spherical transformation applied to libint2's Cartesian
 * output (conventions in cart2sph.h). */
#include "integrals/libint_common.h"

#include <pthread.h>
#include <string.h>

#include "core/error.h"
#include "integrals/integrals.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_libint(void) { libint2_static_init(); }

os_status os_integrals_init(os_error *err)
{
    (void)err;
    pthread_once(&init_once, init_libint);
    return OS_OK;
}

os_status os_integrals_check_basis(const os_basis *bs, int max_l, os_error *err)
{
    if (bs->max_l > max_l)
        return os_fail(err, OS_ERR_BASIS, "angular momentum %d exceeds the supported maximum %d",
                       bs->max_l, max_l);
    for (int s = 0; s < bs->nshell; ++s) {
        const os_shell *sh = &bs->shells[s];
        if (sh->l < 0 || sh->l > max_l || sh->nprim < 1)
            return os_fail(err, OS_ERR_INTERNAL, "shell %d: l=%d nprim=%d unsupported", s, sh->l,
                           sh->nprim);
    }
    return OS_OK;
}

void os_sph_tf_init(os_sph_tf *tf, int l)
{
    double T[(2 * OS_SPH_MAX_L + 1) * OS_SPH_MAX_NCART];
    os_cart2sph(l, T);
    int nc = os_ncart(l);
    tf->nnz = 0;
    for (int m = 0; m < os_nsph(l); ++m)
        for (int c = 0; c < nc; ++c)
            if (T[m * nc + c] != 0.0) {
                tf->m[tf->nnz] = (unsigned char)m;
                tf->c[tf->nnz] = (unsigned char)c;
                tf->v[tf->nnz] = T[m * nc + c];
                ++tf->nnz;
            }
}

void os_sph_apply(const os_sph_tf *tf, int l, const double *in, double *out, size_t pre,
                  size_t post)
{
    int nc = os_ncart(l), ns = os_nsph(l);
    memset(out, 0, pre * ns * post * sizeof(double));
    for (size_t p = 0; p < pre; ++p) {
        const double *ip = in + p * nc * post;
        double *op = out + p * ns * post;
        for (int k = 0; k < tf->nnz; ++k) {
            const double *src = ip + tf->c[k] * post;
            double *dst = op + tf->m[k] * post;
            double v = tf->v[k];
            for (size_t q = 0; q < post; ++q) dst[q] += v * src[q];
        }
    }
}
