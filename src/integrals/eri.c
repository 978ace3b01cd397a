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
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "integrals/boys.h"
#include "integrals/libint_common.h"

/* The (ss|ss)^(m) fields are consecutive scalars, which lets the Boys values
 * be written through one pointer (libint's engine does the same). */
_Static_assert(LIBINT2_MAX_VECLEN == 1, "scalar libint2 build expected");
_Static_assert(offsetof(Libint_t, LIBINT_T_SS_EREP_SS(20)) - offsetof(Libint_t, LIBINT_T_SS_EREP_SS(0)) ==
                   20 * sizeof(double),
               "TwoPRep (ss|ss)^(m) fields are not contiguous");

#define MAX_AM (LIBINT2_MAX_AM_eri < OS_MAX_L ? LIBINT2_MAX_AM_eri : OS_MAX_L)

/* Primitive pairs with |c_a c_b| exp(-rho AB^2) below this contribute nothing
 * at double precision to integrals of normalized functions. */
#define PAIR_DROP 1e-18

static const double K_PFAC = 5.91496717279561287782; /* sqrt(2) pi^(5/4) */

/* One primitive pair of a shell pair; symmetric in the two shells. */
typedef struct {
    double zeta, ooz; /* a + b, 1/(a + b) */
    double P[3];      /* (a A + b B)/zeta, bohr */
    double K;         /* sqrt(2) pi^(5/4) exp(-rho AB^2)/zeta c_a c_b */
} prim_pair;

struct os_eri {
    const os_basis *bs;
    double omega;
    size_t *pair0;  /* shell pair a >= b at a(a+1)/2 + b: prim pairs pair0[ab]..pair0[ab+1]-1 */
    prim_pair *pp;
    Libint_t *pd;   /* max_nprim^4 primitive quartets; pd[0] owns libint's stack */
    double *buf[2]; /* ncart(max_l)^4 each: libint result / transforms / output */
    os_sph_tf tf[MAX_AM + 1];
};

void os_eri_free(os_eri *e)
{
    if (!e) return;
    if (e->pd) libint2_cleanup_eri(e->pd);
    free(e->pd);
    free(e->pp);
    free(e->pair0);
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
    size_t npair = (size_t)ns * (ns + 1) / 2, nprim_tot = 0;
    for (int a = 0; a < ns; ++a)
        for (int b = 0; b <= a; ++b) nprim_tot += (size_t)bs->shells[a].nprim * bs->shells[b].nprim;
    size_t ncart = (size_t)os_ncart(bs->max_l);
    size_t nbuf = ncart * ncart * ncart * ncart;
    size_t npd = (size_t)maxp * maxp * maxp * maxp;
    e->pair0 = malloc((npair + 1) * sizeof *e->pair0);
    e->pp = malloc((nprim_tot ? nprim_tot : 1) * sizeof *e->pp);
    e->pd = malloc(npd * sizeof *e->pd);
    e->buf[0] = malloc(nbuf * sizeof(double));
    e->buf[1] = malloc(nbuf * sizeof(double));
    if (!e->pair0 || !e->pp || !e->pd || !e->buf[0] || !e->buf[1]) {
        free(e->pd);
        e->pd = NULL; /* not initialized yet: no libint cleanup */
        os_eri_free(e);
        return OS_NOMEM(err, "ERI engine");
    }
    libint2_init_eri(e->pd, bs->max_l, NULL);
    for (int l = 0; l <= bs->max_l; ++l) os_sph_tf_init(&e->tf[l], l);

    /* Shell-pair data, dropping negligible primitive pairs. */
    size_t n = 0;
    for (int a = 0; a < ns; ++a) {
        const os_shell *sa = &bs->shells[a];
        for (int b = 0; b <= a; ++b) {
            const os_shell *sb = &bs->shells[b];
            e->pair0[(size_t)a * (a + 1) / 2 + b] = n;
            const double *A = sa->origin, *B = sb->origin;
            double AB2 = (A[0] - B[0]) * (A[0] - B[0]) + (A[1] - B[1]) * (A[1] - B[1]) +
                         (A[2] - B[2]) * (A[2] - B[2]);
            for (int i = 0; i < sa->nprim; ++i)
                for (int j = 0; j < sb->nprim; ++j) {
                    double x = sa->alpha[i], y = sb->alpha[j];
                    double zeta = x + y, ooz = 1.0 / zeta;
                    double ex = exp(-x * y * ooz * AB2);
                    double cc = sa->coef[i] * sb->coef[j];
                    if (fabs(cc) * ex < PAIR_DROP) continue;
                    prim_pair *p = &e->pp[n++];
                    p->zeta = zeta;
                    p->ooz = ooz;
                    for (int k = 0; k < 3; ++k) p->P[k] = (x * A[k] + y * B[k]) * ooz;
                    if (AB2 == 0.0) memcpy(p->P, A, sizeof p->P);
                    p->K = K_PFAC * ex * ooz * cc;
                }
        }
    }
    e->pair0[npair] = n;
    *out = e;
    return OS_OK;
}

static inline const prim_pair *pair_data(const os_eri *e, int a, int b, size_t *np)
{
    size_t ab = a >= b ? (size_t)a * (a + 1) / 2 + b : (size_t)b * (b + 1) / 2 + a;
    *np = e->pair0[ab + 1] - e->pair0[ab];
    return e->pp + e->pair0[ab];
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
    const prim_pair *pb = pair_data(e, s1, s2, &nb), *pk = pair_data(e, s3, s4, &nk);
    const double *A = S1->origin, *B = S2->origin, *C = S3->origin, *D = S4->origin;
    double omega2 = e->omega * e->omega;
    double *out = e->buf[0];

    if (L == 0) {
        double sum = 0.0, F[1];
        for (size_t i = 0; i < nb; ++i)
            for (size_t j = 0; j < nk; ++j) {
                const prim_pair *p = &pb[i], *q = &pk[j];
                double PQ[3] = {p->P[0] - q->P[0], p->P[1] - q->P[1], p->P[2] - q->P[2]};
                double zpe = p->zeta + q->zeta;
                double rho = p->zeta * q->zeta / zpe;
                double T = rho * (PQ[0] * PQ[0] + PQ[1] * PQ[1] + PQ[2] * PQ[2]);
                double pf = p->K * q->K / sqrt(zpe);
                if (omega2 > 0.0) {
                    double s = omega2 / (omega2 + rho);
                    T *= s;
                    pf *= sqrt(s);
                }
                os_boys(0, T, F);
                sum += pf * F[0];
            }
        out[0] = sum;
        return out;
    }

    size_t n = 0;
    double AB[3] = {A[0] - B[0], A[1] - B[1], A[2] - B[2]};
    double CD[3] = {C[0] - D[0], C[1] - D[1], C[2] - D[2]};
    for (size_t i = 0; i < nb; ++i) {
        const prim_pair *p = &pb[i];
        for (size_t j = 0; j < nk; ++j) {
            const prim_pair *q = &pk[j];
            Libint_t *t = &e->pd[n++];
            double zeta = p->zeta, eta = q->zeta, zpe = zeta + eta, oozpe = 1.0 / zpe;
            double rho = zeta * eta * oozpe;
            double PQ[3] = {p->P[0] - q->P[0], p->P[1] - q->P[1], p->P[2] - q->P[2]};
            double T = rho * (PQ[0] * PQ[0] + PQ[1] * PQ[1] + PQ[2] * PQ[2]);
            double pf = p->K * q->K * sqrt(oozpe);
            double *F = &t->LIBINT_T_SS_EREP_SS(0)[0];
            if (omega2 > 0.0) {
                double s = omega2 / (omega2 + rho);
                os_boys_scaled(L, T * s, pf * sqrt(s), F);
                double sm = s;
                for (int m = 1; m <= L; ++m, sm *= s) F[m] *= sm;
            } else {
                os_boys_scaled(L, T, pf, F);
            }
            double W[3];
            for (int k = 0; k < 3; ++k) W[k] = (zeta * p->P[k] + eta * q->P[k]) * oozpe;
#if LIBINT2_DEFINED(eri, PA_x)
            t->PA_x[0] = p->P[0] - A[0];
            t->PA_y[0] = p->P[1] - A[1];
            t->PA_z[0] = p->P[2] - A[2];
#endif
#if LIBINT2_DEFINED(eri, PB_x)
            t->PB_x[0] = p->P[0] - B[0];
            t->PB_y[0] = p->P[1] - B[1];
            t->PB_z[0] = p->P[2] - B[2];
#endif
#if LIBINT2_DEFINED(eri, QC_x)
            t->QC_x[0] = q->P[0] - C[0];
            t->QC_y[0] = q->P[1] - C[1];
            t->QC_z[0] = q->P[2] - C[2];
#endif
#if LIBINT2_DEFINED(eri, QD_x)
            t->QD_x[0] = q->P[0] - D[0];
            t->QD_y[0] = q->P[1] - D[1];
            t->QD_z[0] = q->P[2] - D[2];
#endif
#if LIBINT2_DEFINED(eri, AB_x)
            t->AB_x[0] = AB[0];
            t->AB_y[0] = AB[1];
            t->AB_z[0] = AB[2];
#endif
#if LIBINT2_DEFINED(eri, CD_x)
            t->CD_x[0] = CD[0];
            t->CD_y[0] = CD[1];
            t->CD_z[0] = CD[2];
#endif
#if LIBINT2_DEFINED(eri, WP_x)
            t->WP_x[0] = W[0] - p->P[0];
            t->WP_y[0] = W[1] - p->P[1];
            t->WP_z[0] = W[2] - p->P[2];
#endif
#if LIBINT2_DEFINED(eri, WQ_x)
            t->WQ_x[0] = W[0] - q->P[0];
            t->WQ_y[0] = W[1] - q->P[1];
            t->WQ_z[0] = W[2] - q->P[2];
#endif
#if LIBINT2_DEFINED(eri, oo2z)
            t->oo2z[0] = 0.5 * p->ooz;
#endif
#if LIBINT2_DEFINED(eri, oo2e)
            t->oo2e[0] = 0.5 * q->ooz;
#endif
#if LIBINT2_DEFINED(eri, oo2ze)
            t->oo2ze[0] = 0.5 * oozpe;
#endif
#if LIBINT2_DEFINED(eri, roz)
            t->roz[0] = rho * p->ooz;
#endif
#if LIBINT2_DEFINED(eri, roe)
            t->roe[0] = rho * q->ooz;
#endif
        }
    }
    int n1 = os_ncart(l1), n2 = os_ncart(l2), n3 = os_ncart(l3), n4 = os_ncart(l4);
    const double *src;
    if (n == 0) {
        memset(out, 0, (size_t)n1 * n2 * n3 * n4 * sizeof(double));
        src = out;
    } else {
        e->pd[0].contrdepth = (int)n;
        libint2_build_eri[l1][l2][l3][l4](e->pd);
        src = e->pd[0].targets[0];
    }

    /* Cartesian -> spherical, one index at a time, in libint's order. */
    int bi = 0;
    if (S1->pure && l1 > 1) {
        os_sph_apply(&e->tf[l1], l1, src, e->buf[bi], 1, (size_t)n2 * n3 * n4);
        src = e->buf[bi];
        bi ^= 1;
        n1 = os_nsph(l1);
    }
    if (S2->pure && l2 > 1) {
        os_sph_apply(&e->tf[l2], l2, src, e->buf[bi], (size_t)n1, (size_t)n3 * n4);
        src = e->buf[bi];
        bi ^= 1;
        n2 = os_nsph(l2);
    }
    if (S3->pure && l3 > 1) {
        os_sph_apply(&e->tf[l3], l3, src, e->buf[bi], (size_t)n1 * n2, (size_t)n4);
        src = e->buf[bi];
        bi ^= 1;
        n3 = os_nsph(l3);
    }
    if (S4->pure && l4 > 1) {
        os_sph_apply(&e->tf[l4], l4, src, e->buf[bi], (size_t)n1 * n2 * n3, 1);
        src = e->buf[bi];
        bi ^= 1;
        n4 = os_nsph(l4);
    }
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
