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
#define MAX_AM_DERIV (LIBINT2_MAX_AM_eri1 < MAX_AM ? LIBINT2_MAX_AM_eri1 : MAX_AM)
#define NDERIV 12 /* first derivatives: 4 centres x 3 coordinates */

struct os_eri {
    const os_basis *bs;
    double omega;
    int deriv;           /* 0: integrals; 1: their first derivatives */
    os_pair_table pairs; /* primitive pairs of every shell pair */
    Libint_t *pd;        /* max_nprim^4 primitive quartets; pd[0] owns libint's stack */
    double *buf[2];      /* ncart(max_l)^4 each: libint result / transforms / output */
    double *out;         /* derivatives: NDERIV blocks of ncart(max_l)^4 */
    os_sph_tf tf[MAX_AM + 1];
};

void os_eri_free(os_eri *e)
{
    if (!e) return;
    if (e->pd) {
        if (e->deriv)
            libint2_cleanup_eri1(e->pd);
        else
            libint2_cleanup_eri(e->pd);
    }
    free(e->pd);
    os_pair_table_free(&e->pairs);
    free(e->buf[0]);
    free(e->buf[1]);
    free(e->out);
    free(e);
}

static os_status eri_new(const os_basis *bs, double omega, int deriv, os_eri **out, os_error *err)
{
    *out = NULL;
    os_status st = os_integrals_init(err);
    if (st != OS_OK) return st;
    if ((st = os_integrals_check_basis(bs, deriv ? MAX_AM_DERIV : MAX_AM, err)) != OS_OK) return st;
    if (!(omega >= 0.0)) return os_fail(err, OS_ERR_INPUT, "range-separation omega %g < 0", omega);
    if (4 * bs->max_l + deriv > OS_BOYS_MMAX)
        return os_fail(err, OS_ERR_INTERNAL, "Boys function order %d unsupported",
                       4 * bs->max_l + deriv);

    os_eri *e = calloc(1, sizeof *e);
    if (!e) return OS_NOMEM(err, "ERI engine");
    e->bs = bs;
    e->omega = omega;
    e->deriv = deriv;
    size_t maxp = (size_t)bs->max_nprim;
    size_t ncart = (size_t)os_ncart(bs->max_l);
    size_t nbuf = ncart * ncart * ncart * ncart;
    e->pd = malloc((maxp ? maxp * maxp * maxp * maxp : 1) * sizeof *e->pd);
    e->buf[0] = malloc(nbuf * sizeof(double));
    e->buf[1] = malloc(nbuf * sizeof(double));
    if (deriv) e->out = malloc(NDERIV * nbuf * sizeof(double));
    st = os_pair_table_new(bs, 0, &e->pairs, err);
    if (st == OS_OK && (!e->pd || !e->buf[0] || !e->buf[1] || (deriv && !e->out)))
        st = OS_NOMEM(err, "ERI engine");
    if (st != OS_OK) {
        free(e->pd);
        e->pd = NULL; /* not initialized yet: no libint cleanup */
        os_eri_free(e);
        return st;
    }
    if (deriv)
        libint2_init_eri1(e->pd, bs->max_l, NULL);
    else
        libint2_init_eri(e->pd, bs->max_l, NULL);
    for (int l = 0; l <= bs->max_l; ++l) os_sph_tf_init(&e->tf[l], l);
    *out = e;
    return OS_OK;
}

os_status os_eri_new(const os_basis *bs, double omega, os_eri **out, os_error *err)
{
    return eri_new(bs, omega, 0, out, err);
}

os_status os_eri_deriv_new(const os_basis *bs, double omega, os_eri **out, os_error *err)
{
    return eri_new(bs, omega, 1, out, err);
}

/* A quartet in libint's order (l1 >= l2, l3 >= l4, l1 + l2 <= l3 + l4) and
 * where the caller's shells a, b, c, d went. */
typedef struct {
    int s[4];   /* shell indices in libint's order */
    int pos[4]; /* position of a, b, c, d among s[0..3] */
    int permuted;
} quartet_order;

static quartet_order order_quartet(const os_shell *sh, int a, int b, int c, int d)
{
    int la = sh[a].l, lb = sh[b].l, lc = sh[c].l, ld = sh[d].l;
    int swap_bra = la < lb, swap_ket = lc < ld, swap_bk = la + lb > lc + ld;
    quartet_order o;
    int bra0 = swap_bk ? 2 : 0, ket0 = swap_bk ? 0 : 2;
    o.pos[0] = bra0 + (swap_bra ? 1 : 0);
    o.pos[1] = bra0 + (swap_bra ? 0 : 1);
    o.pos[2] = ket0 + (swap_ket ? 1 : 0);
    o.pos[3] = ket0 + (swap_ket ? 0 : 1);
    int in[4] = {a, b, c, d};
    for (int k = 0; k < 4; ++k) o.s[o.pos[k]] = in[k];
    o.permuted = swap_bra || swap_ket || swap_bk;
    return o;
}

/* Fill e->pd for the quartet s[0..3] (libint's order) with Boys orders
 * 0..L; returns the number of primitive quartets. */
static size_t fill_quartet(os_eri *e, const int s[4], int L)
{
    const os_shell *sh = e->bs->shells;
    return os_prim_quartets(e->pd, os_pair_data(&e->pairs, s[0], s[1]),
                            os_pair_data(&e->pairs, s[2], s[3]), sh[s[0]].origin,
                            sh[s[1]].origin, sh[s[2]].origin, sh[s[3]].origin, L,
                            e->omega * e->omega, e->deriv);
}

/* Cartesian block src of the quartet in libint's order -> the shells' final
 * representation, in the caller's order [a][b][c][d], into dst (NULL: one of
 * e->buf[]); returns where it ended up: src itself when nothing was
 * transformed or permuted, a buffer of e->buf[], or dst. */
static const double *finish_block(os_eri *e, const quartet_order *o, const double *src,
                                  double *dst)
{
    const os_shell *sh = e->bs->shells;
    int l[4], pure[4], n[4];
    for (int k = 0; k < 4; ++k) {
        l[k] = sh[o->s[k]].l;
        pure[k] = sh[o->s[k]].pure;
        n[k] = os_ncart(l[k]);
    }
    src = os_sph_block(e->tf, 4, l, pure, n, src, e->buf);
    if (!o->permuted) return src;
    /* Permute [s1][s2][s3][s4] back to [a][b][c][d]. */
    size_t st[4] = {(size_t)n[1] * n[2] * n[3], (size_t)n[2] * n[3], (size_t)n[3], 1};
    size_t sa = st[o->pos[0]], sb = st[o->pos[1]], sc = st[o->pos[2]], sd = st[o->pos[3]];
    int na = n[o->pos[0]], nb = n[o->pos[1]], nc = n[o->pos[2]], nd = n[o->pos[3]];
    if (!dst) dst = (src == e->buf[0]) ? e->buf[1] : e->buf[0];
    double *out = dst;
    for (int i = 0; i < na; ++i)
        for (int j = 0; j < nb; ++j)
            for (int k = 0; k < nc; ++k) {
                const double *s = src + i * sa + j * sb + k * sc;
                for (int m = 0; m < nd; ++m) *out++ = s[m * sd];
            }
    return dst;
}

const double *os_eri_compute(os_eri *e, int a, int b, int c, int d)
{
    const os_shell *sh = e->bs->shells;
    quartet_order o = order_quartet(sh, a, b, c, d);
    int l[4] = {sh[o.s[0]].l, sh[o.s[1]].l, sh[o.s[2]].l, sh[o.s[3]].l};
    int L = l[0] + l[1] + l[2] + l[3];
    if (L == 0) {
        e->buf[0][0] = os_prim_ssss_sum(os_pair_data(&e->pairs, a, b),
                                        os_pair_data(&e->pairs, c, d), e->omega * e->omega);
        return e->buf[0];
    }
    const double *src;
    if (fill_quartet(e, o.s, L) == 0) {
        memset(e->buf[0], 0,
               (size_t)os_ncart(l[0]) * os_ncart(l[1]) * os_ncart(l[2]) * os_ncart(l[3]) *
                   sizeof(double));
        src = e->buf[0];
    } else {
        libint2_build_eri[l[0]][l[1]][l[2]][l[3]](e->pd);
        src = e->pd[0].targets[0];
    }
    return finish_block(e, &o, src, NULL);
}

const double *os_eri_deriv_compute(os_eri *e, int a, int b, int c, int d)
{
    const os_shell *sh = e->bs->shells;
    quartet_order o = order_quartet(sh, a, b, c, d);
    int l[4] = {sh[o.s[0]].l, sh[o.s[1]].l, sh[o.s[2]].l, sh[o.s[3]].l};
    size_t nabcd = (size_t)sh[a].nbf * sh[b].nbf * sh[c].nbf * sh[d].nbf;
    if (fill_quartet(e, o.s, l[0] + l[1] + l[2] + l[3] + 1) == 0) {
        memset(e->out, 0, NDERIV * nabcd * sizeof(double));
        return e->out;
    }
    libint2_build_eri1[l[0]][l[1]][l[2]][l[3]](e->pd);
    /* libint's targets: d/d(centre i, coordinate k) at targets[3 i + k], in
     * its own centre order. */
    for (int x = 0; x < 4; ++x)
        for (int k = 0; k < 3; ++k) {
            double *dst = e->out + (size_t)(3 * x + k) * nabcd;
            const double *r = finish_block(e, &o, e->pd[0].targets[3 * o.pos[x] + k], dst);
            if (r != dst) memcpy(dst, r, nabcd * sizeof(double));
        }
    return e->out;
}

os_status os_eri_schwarz(const os_basis *bs, double omega, int nthreads, double *Q, os_error *err)
{
    int ns = bs->nshell, nt = os_threads_for(nthreads, (long)ns * ns / 2, 256);
    os_eri **eri = calloc((size_t)nt, sizeof *eri);
    if (!eri) return OS_NOMEM(err, "Schwarz factors");
    os_status st = OS_OK;
    for (int t = 0; t < nt && st == OS_OK; ++t) st = os_eri_new(bs, omega, &eri[t], err);
    if (st == OS_OK) {
#pragma omp parallel for schedule(dynamic) num_threads(nt)
        for (int s1 = 0; s1 < ns; ++s1) {
            os_eri *e = eri[omp_get_thread_num()];
            for (int s2 = 0; s2 <= s1; ++s2) {
                int n1 = bs->shells[s1].nbf, n2 = bs->shells[s2].nbf;
                const double *buf = os_eri_compute(e, s1, s2, s1, s2);
                double m = 0;
                for (int ij = 0; ij < n1 * n2; ++ij) m = fmax(m, fabs(buf[(size_t)ij * n1 * n2 + ij]));
                Q[(size_t)s1 * ns + s2] = Q[(size_t)s2 * ns + s1] = sqrt(m);
            }
        }
    }
    for (int t = 0; t < nt; ++t) os_eri_free(eri[t]);
    free(eri);
    return st;
}
