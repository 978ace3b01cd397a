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

/* The (ss|ss)^(m) fields are consecutive scalars, which lets the Boys values
 * be written through one pointer (libint's engine does the same). */
_Static_assert(LIBINT2_MAX_VECLEN == 1, "scalar libint2 build expected");
_Static_assert(offsetof(Libint_t, LIBINT_T_SS_EREP_SS(20)) - offsetof(Libint_t, LIBINT_T_SS_EREP_SS(0)) ==
                   20 * sizeof(double),
               "TwoPRep (ss|ss)^(m) fields are not contiguous");

#define MAX_AM (LIBINT2_MAX_AM_eri < OS_MAX_L ? LIBINT2_MAX_AM_eri : OS_MAX_L)
#define MAX_AM_DERIV (LIBINT2_MAX_AM_eri1 < MAX_AM ? LIBINT2_MAX_AM_eri1 : MAX_AM)
#define NDERIV 12 /* first derivatives: 4 centres x 3 coordinates */

/* Primitive pairs with |c_a c_b| exp(-rho AB^2) below this contribute nothing
 * at double precision to integrals of normalized functions. */
#define PAIR_DROP 1e-18

static const double K_PFAC = 5.91496717279561287782; /* sqrt(2) pi^(5/4) */

/* One primitive pair of a shell pair (a >= b as shell indices); symmetric in
 * the two shells except for the exponents. */
typedef struct {
    double zeta, ooz; /* a + b, 1/(a + b) */
    double P[3];      /* (a A + b B)/zeta, bohr */
    double K;         /* sqrt(2) pi^(5/4) exp(-rho AB^2)/zeta c_a c_b */
    double ea, eb;    /* exponents on shell a and shell b (derivative integrals) */
} prim_pair;

struct os_eri {
    const os_basis *bs;
    double omega;
    int deriv;      /* 0: integrals; 1: their first derivatives */
    size_t *pair0;  /* shell pair a >= b at a(a+1)/2 + b: prim pairs pair0[ab]..pair0[ab+1]-1 */
    prim_pair *pp;
    Libint_t *pd;   /* max_nprim^4 primitive quartets; pd[0] owns libint's stack */
    double *buf[2]; /* ncart(max_l)^4 each: libint result / transforms / output */
    double *out;    /* derivatives: NDERIV blocks of ncart(max_l)^4 */
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
    free(e->pp);
    free(e->pair0);
    free(e->buf[0]);
    free(e->buf[1]);
    free(e->out);
    free(e);
}

/* Shell-pair data, dropping negligible primitive pairs. */
static void build_pairs(os_eri *e)
{
    const os_basis *bs = e->bs;
    int ns = bs->nshell;
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
                    p->ea = x;
                    p->eb = y;
                }
        }
    }
    e->pair0[(size_t)ns * (ns + 1) / 2] = n;
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
    if (deriv) e->out = malloc(NDERIV * nbuf * sizeof(double));
    if (!e->pair0 || !e->pp || !e->pd || !e->buf[0] || !e->buf[1] || (deriv && !e->out)) {
        free(e->pd);
        e->pd = NULL; /* not initialized yet: no libint cleanup */
        os_eri_free(e);
        return OS_NOMEM(err, "ERI engine");
    }
    if (deriv)
        libint2_init_eri1(e->pd, bs->max_l, NULL);
    else
        libint2_init_eri(e->pd, bs->max_l, NULL);
    for (int l = 0; l <= bs->max_l; ++l) os_sph_tf_init(&e->tf[l], l);
    build_pairs(e);
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

/* Primitive pairs of shells (a, b); *flip = 1 when they are stored as (b, a),
 * i.e. ea belongs to b. */
static inline const prim_pair *pair_data(const os_eri *e, int a, int b, size_t *np, int *flip)
{
    *flip = a < b;
    size_t ab = a >= b ? (size_t)a * (a + 1) / 2 + b : (size_t)b * (b + 1) / 2 + a;
    *np = e->pair0[ab + 1] - e->pair0[ab];
    return e->pp + e->pair0[ab];
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

/* (ss|ss)-type value summed over primitive quartets (libint has no such class). */
static double ssss(const prim_pair *pb, size_t nb, const prim_pair *pk, size_t nk, double omega2)
{
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
    return sum;
}

/* Libint's primitive data for one quartet of primitive pairs p (centres
 * A, B with exponents alpha[0..1]) and q (C, D, alpha[2..3]); Boys values up
 * to order mmax. */
static void prim_quartet(Libint_t *t, const prim_pair *p, const prim_pair *q, const double *A,
                         const double *B, const double *C, const double *D, const double *AB,
                         const double *CD, const double alpha[4], double omega2, int mmax,
                         int deriv)
{
    (void)B; /* which of PA/PB, QC/QD libint uses depends on its build */
    (void)D;
    double zeta = p->zeta, eta = q->zeta, zpe = zeta + eta, oozpe = 1.0 / zpe;
    double rho = zeta * eta * oozpe;
    double PQ[3] = {p->P[0] - q->P[0], p->P[1] - q->P[1], p->P[2] - q->P[2]};
    double T = rho * (PQ[0] * PQ[0] + PQ[1] * PQ[1] + PQ[2] * PQ[2]);
    double pf = p->K * q->K * sqrt(oozpe);
    double *F = &t->LIBINT_T_SS_EREP_SS(0)[0];
    if (omega2 > 0.0) {
        double s = omega2 / (omega2 + rho);
        os_boys_scaled(mmax, T * s, pf * sqrt(s), F);
        double sm = s;
        for (int m = 1; m <= mmax; ++m, sm *= s) F[m] *= sm;
    } else {
        os_boys_scaled(mmax, T, pf, F);
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
#if LIBINT2_DEFINED(eri, BA_x)
    t->BA_x[0] = -AB[0];
    t->BA_y[0] = -AB[1];
    t->BA_z[0] = -AB[2];
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
    if (!deriv) return;
    /* Prefactors of the derivative relations (names as libint's engine). */
    double rz2 = p->ooz * eta * oozpe, re2 = q->ooz * zeta * oozpe; /* rho/zeta^2, rho/eta^2 */
    (void)rz2;
    (void)re2;
#if LIBINT2_DEFINED(eri, alpha1_rho_over_zeta2)
    t->alpha1_rho_over_zeta2[0] = alpha[0] * rz2;
#endif
#if LIBINT2_DEFINED(eri, alpha2_rho_over_zeta2)
    t->alpha2_rho_over_zeta2[0] = alpha[1] * rz2;
#endif
#if LIBINT2_DEFINED(eri, alpha3_rho_over_eta2)
    t->alpha3_rho_over_eta2[0] = alpha[2] * re2;
#endif
#if LIBINT2_DEFINED(eri, alpha4_rho_over_eta2)
    t->alpha4_rho_over_eta2[0] = alpha[3] * re2;
#endif
#if LIBINT2_DEFINED(eri, alpha1_over_zetapluseta)
    t->alpha1_over_zetapluseta[0] = alpha[0] * oozpe;
#endif
#if LIBINT2_DEFINED(eri, alpha2_over_zetapluseta)
    t->alpha2_over_zetapluseta[0] = alpha[1] * oozpe;
#endif
#if LIBINT2_DEFINED(eri, alpha3_over_zetapluseta)
    t->alpha3_over_zetapluseta[0] = alpha[2] * oozpe;
#endif
#if LIBINT2_DEFINED(eri, alpha4_over_zetapluseta)
    t->alpha4_over_zetapluseta[0] = alpha[3] * oozpe;
#endif
#if LIBINT2_DEFINED(eri, rho12_over_alpha1)
    t->rho12_over_alpha1[0] = alpha[1] * p->ooz;
#endif
#if LIBINT2_DEFINED(eri, rho12_over_alpha2)
    t->rho12_over_alpha2[0] = alpha[0] * p->ooz;
#endif
#if LIBINT2_DEFINED(eri, rho34_over_alpha3)
    t->rho34_over_alpha3[0] = alpha[3] * q->ooz;
#endif
#if LIBINT2_DEFINED(eri, rho34_over_alpha4)
    t->rho34_over_alpha4[0] = alpha[2] * q->ooz;
#endif
#if LIBINT2_DEFINED(eri, two_alpha0_bra)
    t->two_alpha0_bra[0] = 2.0 * alpha[0];
#endif
#if LIBINT2_DEFINED(eri, two_alpha0_ket)
    t->two_alpha0_ket[0] = 2.0 * alpha[1];
#endif
#if LIBINT2_DEFINED(eri, two_alpha1_bra)
    t->two_alpha1_bra[0] = 2.0 * alpha[2];
#endif
#if LIBINT2_DEFINED(eri, two_alpha1_ket)
    t->two_alpha1_ket[0] = 2.0 * alpha[3];
#endif
}

/* Fill e->pd for the quartet s[0..3] (libint's order); returns the number of
 * primitive quartets. */
static size_t fill_quartet(os_eri *e, const int s[4], int mmax)
{
    const os_shell *sh = e->bs->shells;
    const double *A = sh[s[0]].origin, *B = sh[s[1]].origin, *C = sh[s[2]].origin,
                 *D = sh[s[3]].origin;
    size_t nb, nk;
    int fb, fk;
    const prim_pair *pb = pair_data(e, s[0], s[1], &nb, &fb);
    const prim_pair *pk = pair_data(e, s[2], s[3], &nk, &fk);
    double AB[3] = {A[0] - B[0], A[1] - B[1], A[2] - B[2]};
    double CD[3] = {C[0] - D[0], C[1] - D[1], C[2] - D[2]};
    double omega2 = e->omega * e->omega;
    size_t n = 0;
    for (size_t i = 0; i < nb; ++i) {
        const prim_pair *p = &pb[i];
        for (size_t j = 0; j < nk; ++j) {
            const prim_pair *q = &pk[j];
            double alpha[4] = {fb ? p->eb : p->ea, fb ? p->ea : p->eb, fk ? q->eb : q->ea,
                               fk ? q->ea : q->eb};
            prim_quartet(&e->pd[n++], p, q, A, B, C, D, AB, CD, alpha, omega2, mmax, e->deriv);
        }
    }
    return n;
}

/* Cartesian block src of the quartet in libint's order -> the shells' final
 * representation, in the caller's order [a][b][c][d], into dst (which may be
 * returned as is when nothing needs permuting: the result pointer says where
 * it ended up; it is one of e->buf[], src, or dst). */
static const double *finish_block(os_eri *e, const quartet_order *o, const double *src,
                                  double *dst)
{
    const os_shell *sh = e->bs->shells;
    const os_shell *S[4] = {&sh[o->s[0]], &sh[o->s[1]], &sh[o->s[2]], &sh[o->s[3]]};
    size_t n[4];
    for (int k = 0; k < 4; ++k) n[k] = (size_t)os_ncart(S[k]->l);
    /* Cartesian -> spherical, one index at a time, in libint's order. */
    int bi = 0;
    for (int k = 0; k < 4; ++k) {
        int l = S[k]->l;
        if (!S[k]->pure || l < 2) continue;
        size_t pre = 1, post = 1;
        for (int j = 0; j < k; ++j) pre *= n[j];
        for (int j = k + 1; j < 4; ++j) post *= n[j];
        os_sph_apply(&e->tf[l], l, src, e->buf[bi], pre, post);
        src = e->buf[bi];
        bi ^= 1;
        n[k] = (size_t)os_nsph(l);
    }
    if (!o->permuted) return src;
    /* Permute [s1][s2][s3][s4] back to [a][b][c][d]. */
    size_t st[4] = {n[1] * n[2] * n[3], n[2] * n[3], n[3], 1}; /* strides of s1..s4 */
    size_t sa = st[o->pos[0]], sb = st[o->pos[1]], sc = st[o->pos[2]], sd = st[o->pos[3]];
    size_t na = n[o->pos[0]], nb = n[o->pos[1]], nc = n[o->pos[2]], nd = n[o->pos[3]];
    if (!dst) dst = (src == e->buf[0]) ? e->buf[1] : e->buf[0];
    double *out = dst;
    for (size_t i = 0; i < na; ++i)
        for (size_t j = 0; j < nb; ++j)
            for (size_t k = 0; k < nc; ++k) {
                const double *s = src + i * sa + j * sb + k * sc;
                for (size_t l = 0; l < nd; ++l) *out++ = s[l * sd];
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
        size_t nb, nk;
        int f;
        const prim_pair *pb = pair_data(e, a, b, &nb, &f), *pk = pair_data(e, c, d, &nk, &f);
        e->buf[0][0] = ssss(pb, nb, pk, nk, e->omega * e->omega);
        return e->buf[0];
    }
    size_t n = fill_quartet(e, o.s, L);
    const double *src;
    if (n == 0) {
        memset(e->buf[0], 0,
               (size_t)os_ncart(l[0]) * os_ncart(l[1]) * os_ncart(l[2]) * os_ncart(l[3]) *
                   sizeof(double));
        src = e->buf[0];
    } else {
        e->pd[0].contrdepth = (int)n;
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
    size_t n = fill_quartet(e, o.s, l[0] + l[1] + l[2] + l[3] + 1);
    if (n == 0) {
        memset(e->out, 0, NDERIV * nabcd * sizeof(double));
        return e->out;
    }
    e->pd[0].contrdepth = (int)n;
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
