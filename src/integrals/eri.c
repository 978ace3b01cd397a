/* Four-centre electron-repulsion integrals through libint2's C API, and the
 * libint2 C contract that every file in src/integrals/ follows.
 *
 * The libint2 C contract, as implemented here (learned from libint 2.7's
 * engine.impl.h / shell.h; the C++ headers themselves are not used):
 *   - libint2_static_init() once fills the libint2_build_* function tables.
 *   - A contracted shell set is computed by filling one Libint_t per
 *     primitive combination (pd[0..n-1]), setting pd[0].contrdepth = n and
 *     calling libint2_build_<op>[la][lb]... (&pd[0]).  Libint sums the
 *     primitive contributions; pd[0].targets[0] then points to the Cartesian
 *     block (CCA order, row-major over the centres in build order).  Only
 *     pd[0] owns a stack, from libint2_init_<op>(&pd[0], max_am, NULL).
 *   - Per primitive, with P = (a A + b B)/zeta, zeta = a + b, rho_ab = ab/zeta:
 *       one-body: PA, PB, AB (= A - B), BA, oo2z = 1/(2 zeta), and the 1-D
 *         overlaps _0_Overlap_0_{x,y,z} = sqrt(pi/zeta) exp(-rho_ab AB_i^2)
 *         (contraction coefficients folded into x); kinetic adds
 *         two_alpha0_bra = 2a, two_alpha0_ket = 2b; nuclear attraction adds
 *         PC and ElecPot_up_m = -Z 2 pi/zeta exp(-rho_ab AB^2) c_a c_b
 *         F_m(zeta PC^2).  One Libint_t per (primitive pair, nucleus): the
 *         sum over nuclei rides on the contraction sum.
 *       ERI (ab|cd), Q, eta = c + d likewise for the ket, rho = zeta eta /
 *         (zeta + eta), W = (zeta P + eta Q)/(zeta + eta): PA, PB, QC, QD, AB,
 *         CD, WP, WQ, oo2z, oo2e, oo2ze = 1/(2(zeta+eta)), roz = rho/zeta,
 *         roe = rho/eta, and TwoPRep_up_m = K_ab K_cd/sqrt(zeta+eta) F_m(rho PQ^2)
 *         with K_ab = sqrt(2) pi^(5/4) exp(-rho_ab AB^2)/zeta c_a c_b.
 *         erf(omega r12)/r12: with s = omega^2/(omega^2 + rho),
 *         F_m(T) -> s^(m+1/2) F_m(s T).
 *   - Shell sets are only generated for la >= lb (ERI: la >= lb, lc >= ld,
 *     la + lb <= lc + ld); others are reached by swapping centres and
 *     permuting the result back.  (s|s)-type sets (some table entries are
 *     NULL) are summed directly from the primitive data.
 *   - Pure shells with l >= 2: the Cartesian result is transformed with
 *     os_cart2sph (p shells stay x, y, z; see cart2sph.h). */
#include "integrals/integrals.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/threads.h"
#include "integrals/boys.h"
#include "integrals/libint_common.h"

#define MAX_AM (LIBINT2_MAX_AM_eri < OS_MAX_L ? LIBINT2_MAX_AM_eri : OS_MAX_L)

struct os_eri {
    const os_basis *bs;
    double omega;
    os_pair_table pairs; /* primitive pairs of every shell pair */
    Libint_t *pd;   /* max_nprim^4 primitive quartets; pd[0] owns libint's stack */
    double *buf[2]; /* ncart(max_l)^4 each: libint result / transforms / output */
    os_sph_tf tf[MAX_AM + 1];
};

void os_eri_free(os_eri *e)
{
    if (!e) return;
    if (e->pd) libint2_cleanup_eri(e->pd);
    free(e->pd);
    os_pair_table_free(&e->pairs);
    free(e->buf[0]);
    free(e->buf[1]);
    free(e);
}

os_status os_eri_new(const os_basis *bs, double omega, os_eri **out, os_error *err)
{
    *out = NULL;
    os_status st = os_integrals_init(err);
    if (st != OS_OK) return st;
    if ((st = os_integrals_check_basis(bs, MAX_AM, err)) != OS_OK) return st;
    if (!(omega >= 0.0)) return os_fail(err, OS_ERR_INPUT, "range-separation omega %g < 0", omega);
    if (4 * bs->max_l > OS_BOYS_MMAX)
        return os_fail(err, OS_ERR_INTERNAL, "Boys function order %d unsupported", 4 * bs->max_l);

    os_eri *e = calloc(1, sizeof *e);
    if (!e) return OS_NOMEM(err, "ERI engine");
    e->bs = bs;
    e->omega = omega;
    int ns = bs->nshell, maxp = 0;
    for (int s = 0; s < ns; ++s)
        if (bs->shells[s].nprim > maxp) maxp = bs->shells[s].nprim;
    size_t ncart = (size_t)os_ncart(bs->max_l);
    size_t nbuf = ncart * ncart * ncart * ncart;
    size_t npd = (size_t)maxp * maxp * maxp * maxp;
    e->pd = malloc(npd * sizeof *e->pd);
    e->buf[0] = malloc(nbuf * sizeof(double));
    e->buf[1] = malloc(nbuf * sizeof(double));
    st = os_pair_table_new(bs, 0, &e->pairs, err);
    if (st == OS_OK && (!e->pd || !e->buf[0] || !e->buf[1])) st = OS_NOMEM(err, "ERI engine");
    if (st != OS_OK) {
        free(e->pd);
        e->pd = NULL; /* not initialized yet: no libint cleanup */
        os_eri_free(e);
        return st;
    }
    libint2_init_eri(e->pd, bs->max_l, NULL);
    for (int l = 0; l <= bs->max_l; ++l) os_sph_tf_init(&e->tf[l], l);
    *out = e;
    return OS_OK;
}

const double *os_eri_compute(os_eri *e, int a, int b, int c, int d)
{
    const os_shell *sh = e->bs->shells;
    int la = sh[a].l, lb = sh[b].l, lc = sh[c].l, ld = sh[d].l;
    /* libint's order: l1 >= l2, l3 >= l4, l1 + l2 <= l3 + l4. */
    int swap_bra = la < lb, swap_ket = lc < ld, swap_bk = la + lb > lc + ld;
    int s1 = swap_bra ? b : a, s2 = swap_bra ? a : b;
    int s3 = swap_ket ? d : c, s4 = swap_ket ? c : d;
    if (swap_bk) {
        int t1 = s1, t2 = s2;
        s1 = s3;
        s2 = s4;
        s3 = t1;
        s4 = t2;
    }
    const os_shell *S1 = &sh[s1], *S2 = &sh[s2], *S3 = &sh[s3], *S4 = &sh[s4];
    int l1 = S1->l, l2 = S2->l, l3 = S3->l, l4 = S4->l, L = l1 + l2 + l3 + l4;
    size_t nb, nk;
    const os_prim_pair *pb = os_pair_data(&e->pairs, s1, s2, &nb);
    const os_prim_pair *pk = os_pair_data(&e->pairs, s3, s4, &nk);
    const double *A = S1->origin, *B = S2->origin, *C = S3->origin, *D = S4->origin;
    double omega2 = e->omega * e->omega;
    double *out = e->buf[0];

    if (L == 0) {
        out[0] = os_prim_ssss_sum(pb, nb, pk, nk, omega2);
        return out;
    }

    size_t n = os_prim_quartets(e->pd, pb, nb, pk, nk, A, B, C, D, L, omega2);
    int dims[4] = {os_ncart(l1), os_ncart(l2), os_ncart(l3), os_ncart(l4)};
    const double *src;
    if (n == 0) {
        memset(out, 0, (size_t)dims[0] * dims[1] * dims[2] * dims[3] * sizeof(double));
        src = out;
    } else {
        libint2_build_eri[l1][l2][l3][l4](e->pd);
        src = e->pd[0].targets[0];
    }

    /* Cartesian -> spherical, one index at a time, in libint's order. */
    int ls[4] = {l1, l2, l3, l4}, pure[4] = {S1->pure, S2->pure, S3->pure, S4->pure};
    src = os_sph_block(e->tf, 4, ls, pure, dims, src, e->buf);
    int n2 = dims[1], n3 = dims[2], n4 = dims[3];
    if (!swap_bra && !swap_ket && !swap_bk) return src;

    /* Permute [s1][s2][s3][s4] back to [a][b][c][d]. */
    size_t st[4] = {(size_t)n2 * n3 * n4, (size_t)n3 * n4, (size_t)n4, 1}; /* strides of s1..s4 */
    /* position of a, b, c, d among s1..s4 */
    int pa = (swap_bk ? 2 : 0) + (swap_bra ? 1 : 0), pb_ = (swap_bk ? 2 : 0) + (swap_bra ? 0 : 1);
    int pc = (swap_bk ? 0 : 2) + (swap_ket ? 1 : 0), pd_ = (swap_bk ? 0 : 2) + (swap_ket ? 0 : 1);
    size_t sa = st[pa], sb = st[pb_], sc = st[pc], sd = st[pd_];
    int na = sh[a].nbf, nbb = sh[b].nbf, nc = sh[c].nbf, nd = sh[d].nbf;
    double *dst = (src == e->buf[0]) ? e->buf[1] : e->buf[0];
    double *o = dst;
    for (int i = 0; i < na; ++i)
        for (int j = 0; j < nbb; ++j)
            for (int k = 0; k < nc; ++k) {
                const double *s = src + i * sa + j * sb + k * sc;
                for (int l = 0; l < nd; ++l) *o++ = s[l * sd];
            }
    return dst;
}

os_status os_eri_schwarz(const os_basis *bs, int nthreads, double *Q, os_error *err)
{
    int ns = bs->nshell;
    int nt = os_threads_for(nthreads, (long)ns * ns / 2, 256);
    os_eri **eng = calloc((size_t)nt, sizeof *eng);
    if (!eng) return OS_NOMEM(err, "Schwarz factors");
    os_status st = OS_OK;
    for (int t = 0; t < nt && st == OS_OK; ++t) st = os_eri_new(bs, 0.0, &eng[t], err);
    if (st == OS_OK) {
#pragma omp parallel for schedule(dynamic) num_threads(nt)
        for (int s1 = 0; s1 < ns; ++s1) {
            os_eri *e = eng[omp_get_thread_num()];
            for (int s2 = 0; s2 <= s1; ++s2) {
                int n1 = bs->shells[s1].nbf, n2 = bs->shells[s2].nbf;
                const double *buf = os_eri_compute(e, s1, s2, s1, s2);
                double m = 0;
                for (int ij = 0; ij < n1 * n2; ++ij)
                    m = fmax(m, fabs(buf[(size_t)ij * n1 * n2 + ij]));
                Q[s1 * ns + s2] = Q[s2 * ns + s1] = sqrt(m);
            }
        }
    }
    for (int t = 0; t < nt; ++t) os_eri_free(eng[t]);
    free(eng);
    return st;
}
