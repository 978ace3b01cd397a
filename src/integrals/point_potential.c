/* The electrostatic potential of an electron density at many points (the
 * surface points of a continuum-solvent cavity):
 *   phi_c = -sum_ab P_ab <a|1/|r - C||b>.
 * The integrals are those of the potential of point charges (onebody.c, one
 * charge per libint call here, since each point needs its own value); the
 * density is taken to the shells' Cartesian components once per shell pair,
 * so the per-point work is one libint call and one dot product.  Shell pairs
 * whose product is negligible everywhere are skipped. */
#include "integrals/integrals.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/threads.h"
#include "integrals/onebody.h"

/* A shell pair is skipped when sum_ij |c_i c_j| exp(-rho_ij AB^2) 2 pi/zeta_ij,
 * the largest potential its s-type product could make anywhere, is below this
 * (Eh per unit density-matrix element). */
#define PAIR_NEGLIGIBLE 1e-14

#define NC OS_ONEBODY_MAX_NCART

static const double TWO_PI = 6.28318530717958647692;

static double pair_bound(const os_shell *sa, const os_shell *sb)
{
    double ab2 = 0.0;
    for (int x = 0; x < 3; ++x) ab2 += (sa->origin[x] - sb->origin[x]) * (sa->origin[x] - sb->origin[x]);
    double s = 0.0;
    for (int i = 0; i < sa->nprim; ++i)
        for (int j = 0; j < sb->nprim; ++j) {
            double a = sa->alpha[i], b = sb->alpha[j], z = a + b;
            s += fabs(sa->coef[i] * sb->coef[j]) * exp(-a * b / z * ab2) * TWO_PI / z;
        }
    return s;
}

/* Shell pairs a >= b that are not negligible, as a(a+1)/2 + b; returns their number. */
static long significant_pairs(const os_basis *bs, long *pairs)
{
    long n = 0;
    for (int a = 0; a < bs->nshell; ++a)
        for (int b = 0; b <= a; ++b)
            if (pair_bound(&bs->shells[a], &bs->shells[b]) >= PAIR_NEGLIGIBLE)
                pairs[n++] = (long)a * (a + 1) / 2 + b;
    return n;
}

/* out[pre][ncart][post] = sum_m T[m][c] in[pre][m][post]: a solid-harmonic
 * index back to Cartesian components with the transpose of os_cart2sph, so
 * that sum P_sph . (T I T^T) = sum (T^T P_sph T) . I. */
static void sph_to_cart_transpose(const os_sph_tf *tf, int l, const double *in, double *out,
                                  size_t pre, size_t post)
{
    int nc = os_ncart(l), ns = os_nsph(l);
    memset(out, 0, pre * nc * post * sizeof(double));
    for (size_t p = 0; p < pre; ++p)
        for (int k = 0; k < tf->nnz; ++k) {
            const double *src = in + (p * ns + tf->m[k]) * post;
            double *dst = out + (p * nc + tf->c[k]) * post;
            for (size_t q = 0; q < post; ++q) dst[q] += tf->v[k] * src[q];
        }
}

/* The density block of shell pair (a, b) over their Cartesian components
 * (nca x ncb), doubled when a != b (the (b, a) block adds the same). */
static void cartesian_density(const os_basis *bs, const double *P, const os_shell *sa,
                              const os_shell *sb, int same, const os_sph_tf *tf, double *Pc,
                              double *t1, double *t2)
{
    int nbf = bs->nbf;
    for (int i = 0; i < sa->nbf; ++i)
        for (int j = 0; j < sb->nbf; ++j)
            t1[i * sb->nbf + j] = (same ? 1.0 : 2.0) * P[(size_t)(sa->bf0 + i) * nbf + sb->bf0 + j];
    const double *src = t1;
    int na = sa->nbf;
    if (sa->pure && sa->l > 1) {
        sph_to_cart_transpose(&tf[sa->l], sa->l, src, t2, 1, sb->nbf);
        src = t2;
        na = os_ncart(sa->l);
    }
    if (sb->pure && sb->l > 1) {
        sph_to_cart_transpose(&tf[sb->l], sb->l, src, Pc, na, 1);
    } else {
        memcpy(Pc, src, (size_t)na * sb->nbf * sizeof(double));
    }
}

typedef struct {
    os_onebody_ws *ws;
    double *phi;                           /* npt: this thread's sums */
    double Pc[NC * NC], t1[NC * NC], t2[NC * NC];
} thread_ws;

static void pair_contribution(const os_basis *bs, const double *P, long ab,
                              const os_charges *ch, const os_sph_tf *tf, thread_ws *w)
{
    int a, b;
    os_pair_index(ab, &a, &b);
    const os_shell *sa = &bs->shells[a], *sb = &bs->shells[b];
    cartesian_density(bs, P, sa, sb, a == b, tf, w->Pc, w->t1, w->t2);
    int n = os_ncart(sa->l) * os_ncart(sb->l);
    for (int c = 0; c < ch->n; ++c) {
        const double *I = os_onebody_cart_range(sa, sb, ch, c, c + 1, w->ws);
        double s = 0.0;
        for (int k = 0; k < n; ++k) s += w->Pc[k] * I[k];
        w->phi[c] += s;
    }
}

os_status os_int1e_density_potential(const os_basis *bs, const double *P, int npt,
                                     const double *xyz, int nthreads, double *phi,
                                     os_error *err)
{
    os_status st = os_integrals_init(err);
    if (st != OS_OK) return st;
    if ((st = os_integrals_check_basis(bs, OS_ONEBODY_MAX_AM, err)) != OS_OK) return st;
    memset(phi, 0, (size_t)npt * sizeof(double));
    if (npt < 1) return OS_OK;

    long npair_all = (long)bs->nshell * (bs->nshell + 1) / 2;
    long *pairs = malloc((size_t)npair_all * sizeof *pairs);
    double *ones = malloc((size_t)npt * sizeof *ones);
    if (!pairs || !ones) {
        free(pairs);
        free(ones);
        return OS_NOMEM(err, "density potential");
    }
    long npair = significant_pairs(bs, pairs);
    for (int c = 0; c < npt; ++c) ones[c] = 1.0; /* unit charges: the integrals themselves */
    os_charges ch = {npt, ones, xyz};
    os_sph_tf tf[OS_ONEBODY_MAX_AM + 1];
    for (int l = 0; l <= bs->max_l; ++l) os_sph_tf_init(&tf[l], l);

    int maxp = 0;
    for (int s = 0; s < bs->nshell; ++s)
        if (bs->shells[s].nprim > maxp) maxp = bs->shells[s].nprim;
    int failed = 0;
#pragma omp parallel num_threads(os_threads_for(nthreads, npair, 4))
    {
        thread_ws *w = malloc(sizeof *w);
        if (w) {
            w->ws = os_onebody_ws_new(OS_OP_POTENTIAL, bs->max_l, maxp, 1);
            w->phi = calloc((size_t)npt, sizeof(double));
        }
        int ok = w && w->ws && w->phi;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (long k = 0; k < npair; ++k)
            if (ok) pair_contribution(bs, P, pairs[k], &ch, tf, w);
        if (ok) {
#pragma omp critical(os_density_potential_sum)
            for (int c = 0; c < npt; ++c) phi[c] += w->phi[c];
        }
        if (w) {
            os_onebody_ws_free(w->ws);
            free(w->phi);
        }
        free(w);
    }
    free(pairs);
    free(ones);
    if (failed) return OS_NOMEM(err, "density potential workspace");
    return OS_OK;
}
