/* libint2's one-time initialization, basis checks, and the sparse
 * Cartesian -> spherical transformation applied to libint2's Cartesian
 * output (conventions in cart2sph.h). */
#include "integrals/libint_common.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
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

const double *os_sph_block(const os_sph_tf *tf, int n, const int *l, const int *pure, int *dims,
                           const double *src, double *const buf[2])
{
    int bi = 0;
    for (int k = 0; k < n; ++k) {
        if (!pure[k] || l[k] < 2) continue;
        size_t pre = 1, post = 1;
        for (int j = 0; j < k; ++j) pre *= (size_t)dims[j];
        for (int j = k + 1; j < n; ++j) post *= (size_t)dims[j];
        os_sph_apply(&tf[l[k]], l[k], src, buf[bi], pre, post);
        src = buf[bi];
        bi ^= 1;
        dims[k] = os_nsph(l[k]);
    }
    return src;
}

/* ------------------------------------------------------- primitive pairs */

/* Primitive pairs with |c_a c_b| exp(-rho AB^2) below this contribute nothing
 * at double precision to integrals of normalized functions. */
#define PAIR_DROP 1e-18

static const double K_PFAC = 5.91496717279561287782; /* sqrt(2) pi^(5/4) */

void os_pair_table_free(os_pair_table *t)
{
    free(t->pair0);
    free(t->pp);
    memset(t, 0, sizeof *t);
}

/* Primitive pairs of shells sa and sb (sb NULL: the unit shell) into out;
 * returns how many were kept. */
static size_t shell_pairs(const os_shell *sa, const os_shell *sb, os_prim_pair *out)
{
    static const double unit_alpha = 0.0, unit_coef = 1.0;
    const double *A = sa->origin, *B = sb ? sb->origin : sa->origin;
    int nb = sb ? sb->nprim : 1;
    const double *beta = sb ? sb->alpha : &unit_alpha, *cb = sb ? sb->coef : &unit_coef;
    double AB2 = (A[0] - B[0]) * (A[0] - B[0]) + (A[1] - B[1]) * (A[1] - B[1]) +
                 (A[2] - B[2]) * (A[2] - B[2]);
    size_t n = 0;
    for (int i = 0; i < sa->nprim; ++i)
        for (int j = 0; j < nb; ++j) {
            double x = sa->alpha[i], y = beta[j];
            double zeta = x + y, ooz = 1.0 / zeta;
            double ex = exp(-x * y * ooz * AB2);
            double cc = sa->coef[i] * cb[j];
            if (fabs(cc) * ex < PAIR_DROP) continue;
            os_prim_pair *p = &out[n++];
            p->zeta = zeta;
            p->ooz = ooz;
            for (int k = 0; k < 3; ++k) p->P[k] = (x * A[k] + y * B[k]) * ooz;
            if (AB2 == 0.0) memcpy(p->P, A, sizeof p->P);
            p->K = K_PFAC * ex * ooz * cc;
            p->ea = x;
            p->eb = y;
        }
    return n;
}

os_status os_pair_table_new(const os_basis *bs, int unit, os_pair_table *t, os_error *err)
{
    memset(t, 0, sizeof *t);
    t->unit = unit;
    int ns = bs->nshell;
    size_t npair = unit ? (size_t)ns : (size_t)ns * (ns + 1) / 2, nprim = 0;
    for (int a = 0; a < ns; ++a)
        for (int b = 0; b <= (unit ? 0 : a); ++b)
            nprim += (size_t)bs->shells[a].nprim * (unit ? 1 : bs->shells[b].nprim);
    t->pair0 = malloc((npair + 1) * sizeof *t->pair0);
    t->pp = malloc((nprim ? nprim : 1) * sizeof *t->pp);
    if (!t->pair0 || !t->pp) {
        os_pair_table_free(t);
        return OS_NOMEM(err, "primitive pairs");
    }
    size_t n = 0, k = 0;
    for (int a = 0; a < ns; ++a)
        for (int b = 0; b <= (unit ? 0 : a); ++b) {
            t->pair0[k++] = n;
            n += shell_pairs(&bs->shells[a], unit ? NULL : &bs->shells[b], t->pp + n);
        }
    t->pair0[npair] = n;
    return OS_OK;
}
