/* Gaussian integrals through libint2's C API (the only file that includes
 * libint2.h).
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
#include "integrals.h"

#include <libint2.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "boys.h"
#include "cart2sph.h"
#include "error.h"

/* The (ss|ss)^(m) and (s|A|s)^(m) fields are consecutive scalars, which lets
 * the Boys values be written through one pointer (libint's engine does the same). */
_Static_assert(LIBINT2_MAX_VECLEN == 1, "scalar libint2 build expected");
_Static_assert(offsetof(Libint_t, LIBINT_T_SS_EREP_SS(20)) - offsetof(Libint_t, LIBINT_T_SS_EREP_SS(0)) ==
                   20 * sizeof(double),
               "TwoPRep (ss|ss)^(m) fields are not contiguous");
_Static_assert(offsetof(Libint_t, LIBINT_T_S_ELECPOT_S(10)) - offsetof(Libint_t, LIBINT_T_S_ELECPOT_S(0)) ==
                   10 * sizeof(double),
               "ElecPot (s|s)^(m) fields are not contiguous");

#define MAX_AM (LIBINT2_MAX_AM_eri < OS_MAX_L ? LIBINT2_MAX_AM_eri : OS_MAX_L)
#define MAX_NCART ((MAX_AM + 1) * (MAX_AM + 2) / 2)

/* Primitive pairs with |c_a c_b| exp(-rho AB^2) below this contribute nothing
 * at double precision to integrals of normalized functions. */
#define PAIR_DROP 1e-18

static const double SQRT_PI = 1.77245385090551602730;
static const double K_PFAC = 5.91496717279561287782; /* sqrt(2) pi^(5/4) */

/* ------------------------------------------------------------ one-time init */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_libint(void) { libint2_static_init(); }

os_status os_integrals_init(os_error *err)
{
    (void)err;
    pthread_once(&init_once, init_libint);
    return OS_OK;
}

static os_status check_basis(const os_basis *bs, os_error *err)
{
    if (bs->max_l > MAX_AM)
        return os_fail(err, OS_ERR_BASIS, "angular momentum %d exceeds the supported maximum %d",
                       bs->max_l, MAX_AM);
    for (int s = 0; s < bs->nshell; ++s) {
        const os_shell *sh = &bs->shells[s];
        if (sh->l < 0 || sh->l > MAX_AM || sh->nprim < 1)
            return os_fail(err, OS_ERR_INTERNAL, "shell %d: l=%d nprim=%d unsupported", s, sh->l,
                           sh->nprim);
    }
    return OS_OK;
}

/* ------------------------------------------------- Cartesian -> spherical */

/* Nonzero entries of os_cart2sph(l): sph_m += v * cart_c. */
typedef struct {
    int nnz;
    unsigned char m[(2 * MAX_AM + 1) * MAX_NCART];
    unsigned char c[(2 * MAX_AM + 1) * MAX_NCART];
    double v[(2 * MAX_AM + 1) * MAX_NCART];
} sph_tf;

static void sph_tf_init(sph_tf *tf, int l)
{
    double T[(2 * MAX_AM + 1) * MAX_NCART];
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

/* out[pre][nsph][post] = sum_c T[m][c] in[pre][c][post]. */
static void sph_apply(const sph_tf *tf, int l, const double *in, double *out, size_t pre, size_t post)
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

/* ---------------------------------------------------------------- one-body */

enum { OP_OVERLAP, OP_KINETIC, OP_NUCLEAR };

typedef struct {
    Libint_t *pd;
    double cart[MAX_NCART * MAX_NCART], tmp[MAX_NCART * MAX_NCART], acc[MAX_NCART * MAX_NCART];
} onebody_ws;

/* Nuclei per libint call in the nuclear-attraction integrals (bounds the
 * per-thread Libint_t array at max_nprim^2 * NUC_BATCH). */
#ifndef NUC_BATCH
#define NUC_BATCH 32
#endif

/* Fill pd with the primitive data of shell pair (A = sa, B = sb); returns the
 * number of entries.  Nuclear attraction: one entry per (pair, nucleus) for
 * nuclei c0..c1-1. */
static int onebody_primdata(int op, const os_shell *sa, const os_shell *sb, const os_molecule *mol,
                            int c0, int c1, Libint_t *pd)
{
    const double *A = sa->origin, *B = sb->origin;
    double AB[3] = {A[0] - B[0], A[1] - B[1], A[2] - B[2]};
    int mmax = sa->l + sb->l;
    int n = 0;
    for (int i = 0; i < sa->nprim; ++i) {
        for (int j = 0; j < sb->nprim; ++j) {
            double a = sa->alpha[i], b = sb->alpha[j];
            double zeta = a + b, oz = 1.0 / zeta, rho = a * b * oz;
            double P[3];
            for (int x = 0; x < 3; ++x) P[x] = (a * A[x] + b * B[x]) * oz;
            double xyz = SQRT_PI * sqrt(oz);
            double ox = exp(-rho * AB[0] * AB[0]) * xyz * sa->coef[i] * sb->coef[j];
            double oy = exp(-rho * AB[1] * AB[1]) * xyz;
            double ozz = exp(-rho * AB[2] * AB[2]) * xyz;
            for (int C = c0; C < c1; ++C) {
                Libint_t *t = &pd[n++];
                t->PA_x[0] = P[0] - A[0];
                t->PA_y[0] = P[1] - A[1];
                t->PA_z[0] = P[2] - A[2];
                t->PB_x[0] = P[0] - B[0];
                t->PB_y[0] = P[1] - B[1];
                t->PB_z[0] = P[2] - B[2];
                t->AB_x[0] = AB[0];
                t->AB_y[0] = AB[1];
                t->AB_z[0] = AB[2];
                t->BA_x[0] = -AB[0];
                t->BA_y[0] = -AB[1];
                t->BA_z[0] = -AB[2];
                t->oo2z[0] = 0.5 * oz;
                t->_0_Overlap_0_x[0] = ox;
                t->_0_Overlap_0_y[0] = oy;
                t->_0_Overlap_0_z[0] = ozz;
                t->two_alpha0_bra[0] = 2.0 * a;
                t->two_alpha0_ket[0] = 2.0 * b;
                if (op == OP_NUCLEAR) {
                    const double *Cx = mol->xyz + 3 * C;
                    double PC[3] = {P[0] - Cx[0], P[1] - Cx[1], P[2] - Cx[2]};
                    t->PC_x[0] = PC[0];
                    t->PC_y[0] = PC[1];
                    t->PC_z[0] = PC[2];
                    double *F = &t->LIBINT_T_S_ELECPOT_S(0)[0];
                    os_boys(mmax, zeta * (PC[0] * PC[0] + PC[1] * PC[1] + PC[2] * PC[2]), F);
                    /* -Z 2 pi/zeta exp(-rho AB^2) c_a c_b = -Z sqrt(zeta) 2/sqrt(pi) ox oy oz */
                    double pf = -mol->Z[C] * sqrt(zeta) * (2.0 / SQRT_PI) * ox * oy * ozz;
                    for (int m = 0; m <= mmax; ++m) F[m] *= pf;
                }
            }
        }
    }
    return n;
}

/* Block <a|op|b> in the shells' final representation into ws->cart (na x nb). */
/* Cartesian block <a|op|b> (nuclei c0..c1-1 for OP_NUCLEAR); the pointer is
 * libint's target or ws->cart. */
static const double *onebody_cart(int op, const os_shell *sa, const os_shell *sb,
                                  const os_molecule *mol, int c0, int c1, onebody_ws *ws)
{
    int la = sa->l, lb = sb->l;
    int n = onebody_primdata(op, sa, sb, mol, c0, c1, ws->pd);
    if (la == 0 && lb == 0 && op != OP_KINETIC) {
        /* (s|s) and (s|A|s) are not generated by libint: sum directly. */
        double s = 0.0;
        for (int k = 0; k < n; ++k) {
            const Libint_t *t = &ws->pd[k];
            s += op == OP_OVERLAP ? t->_0_Overlap_0_x[0] * t->_0_Overlap_0_y[0] * t->_0_Overlap_0_z[0]
                                  : t->LIBINT_T_S_ELECPOT_S(0)[0];
        }
        ws->cart[0] = s;
        return ws->cart;
    }
    ws->pd[0].contrdepth = n;
    if (op == OP_OVERLAP)
        libint2_build_overlap[la][lb](ws->pd);
    else if (op == OP_KINETIC)
        libint2_build_kinetic[la][lb](ws->pd);
    else
        libint2_build_elecpot[la][lb](ws->pd);
    return ws->pd[0].targets[0];
}

static void onebody_block(int op, const os_shell *sa, const os_shell *sb, const os_molecule *mol,
                          const sph_tf *tf, onebody_ws *ws)
{
    int la = sa->l, lb = sb->l;
    int nca = os_ncart(la), ncb = os_ncart(lb);
    int ncent = op == OP_NUCLEAR ? mol->natom : 1;
    const double *src;
    if (ncent <= NUC_BATCH) {
        src = onebody_cart(op, sa, sb, mol, 0, ncent, ws);
    } else {
        /* Bounded workspace: nuclei in batches, summed here. */
        memset(ws->acc, 0, (size_t)nca * ncb * sizeof(double));
        for (int c0 = 0; c0 < ncent; c0 += NUC_BATCH) {
            int c1 = c0 + NUC_BATCH < ncent ? c0 + NUC_BATCH : ncent;
            const double *r = onebody_cart(op, sa, sb, mol, c0, c1, ws);
            for (int i = 0; i < nca * ncb; ++i) ws->acc[i] += r[i];
        }
        src = ws->acc;
    }
    if (sa->pure && la > 1) {
        sph_apply(&tf[la], la, src, ws->tmp, 1, ncb);
        src = ws->tmp;
        nca = os_nsph(la);
    }
    if (sb->pure && lb > 1) {
        sph_apply(&tf[lb], lb, src, ws->cart, nca, 1);
    } else if (src != ws->cart) {
        memcpy(ws->cart, src, (size_t)nca * ncb * sizeof(double));
    }
}

static os_status onebody(int op, const os_basis *bs, const os_molecule *mol, double *M, os_error *err)
{
    os_status st = os_integrals_init(err);
    if (st != OS_OK) return st;
    if ((st = check_basis(bs, err)) != OS_OK) return st;
    if (op == OP_NUCLEAR && (!mol || mol->natom < 1))
        return os_fail(err, OS_ERR_INPUT, "nuclear attraction needs at least one atom");

    sph_tf tf[MAX_AM + 1];
    for (int l = 0; l <= bs->max_l; ++l) sph_tf_init(&tf[l], l);

    int maxp = 0;
    for (int s = 0; s < bs->nshell; ++s)
        if (bs->shells[s].nprim > maxp) maxp = bs->shells[s].nprim;
    size_t npd = (size_t)maxp * maxp * (op == OP_NUCLEAR ? (size_t)(mol->natom < NUC_BATCH ? mol->natom : NUC_BATCH) : 1);
    long npair = (long)bs->nshell * (bs->nshell + 1) / 2;
    int nbf = bs->nbf;
    int failed = 0;

#pragma omp parallel
    {
        onebody_ws *ws = malloc(sizeof *ws);
        Libint_t *pd = ws ? malloc(npd * sizeof *pd) : NULL;
        if (!pd) {
#pragma omp atomic write
            failed = 1;
        } else {
            ws->pd = pd;
            if (op == OP_OVERLAP)
                libint2_init_overlap(pd, bs->max_l, NULL);
            else if (op == OP_KINETIC)
                libint2_init_kinetic(pd, bs->max_l, NULL);
            else
                libint2_init_elecpot(pd, bs->max_l, NULL);
#pragma omp for schedule(dynamic, 4)
            for (long ab = 0; ab < npair; ++ab) {
                /* ab -> (a >= b) */
                int a = (int)((sqrt(8.0 * ab + 1.0) - 1.0) / 2.0);
                while ((long)a * (a + 1) / 2 > ab) --a;
                while ((long)(a + 1) * (a + 2) / 2 <= ab) ++a;
                int b = (int)(ab - (long)a * (a + 1) / 2);
                const os_shell *sa = &bs->shells[a], *sb = &bs->shells[b];
                onebody_block(op, sa, sb, mol, tf, ws);
                for (int i = 0; i < sa->nbf; ++i)
                    for (int j = 0; j < sb->nbf; ++j) {
                        double v = ws->cart[i * sb->nbf + j];
                        M[(size_t)(sa->bf0 + i) * nbf + sb->bf0 + j] = v;
                        M[(size_t)(sb->bf0 + j) * nbf + sa->bf0 + i] = v;
                    }
            }
            if (op == OP_OVERLAP)
                libint2_cleanup_overlap(pd);
            else if (op == OP_KINETIC)
                libint2_cleanup_kinetic(pd);
            else
                libint2_cleanup_elecpot(pd);
        }
        free(pd);
        free(ws);
    }
    if (failed) return OS_NOMEM(err, "one-electron integral workspace");
    return OS_OK;
}

os_status os_int1e_overlap(const os_basis *bs, double *S, os_error *err)
{
    return onebody(OP_OVERLAP, bs, NULL, S, err);
}

os_status os_int1e_kinetic(const os_basis *bs, double *T, os_error *err)
{
    return onebody(OP_KINETIC, bs, NULL, T, err);
}

os_status os_int1e_nuclear(const os_basis *bs, const os_molecule *mol, double *V, os_error *err)
{
    return onebody(OP_NUCLEAR, bs, mol, V, err);
}

/* -------------------------------------------------------------------- ERIs */

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
    sph_tf tf[MAX_AM + 1];
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
    if ((st = check_basis(bs, err)) != OS_OK) return st;
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
    for (int l = 0; l <= bs->max_l; ++l) sph_tf_init(&e->tf[l], l);

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
        sph_apply(&e->tf[l1], l1, src, e->buf[bi], 1, (size_t)n2 * n3 * n4);
        src = e->buf[bi];
        bi ^= 1;
        n1 = os_nsph(l1);
    }
    if (S2->pure && l2 > 1) {
        sph_apply(&e->tf[l2], l2, src, e->buf[bi], (size_t)n1, (size_t)n3 * n4);
        src = e->buf[bi];
        bi ^= 1;
        n2 = os_nsph(l2);
    }
    if (S3->pure && l3 > 1) {
        sph_apply(&e->tf[l3], l3, src, e->buf[bi], (size_t)n1 * n2, (size_t)n4);
        src = e->buf[bi];
        bi ^= 1;
        n3 = os_nsph(l3);
    }
    if (S4->pure && l4 > 1) {
        sph_apply(&e->tf[l4], l4, src, e->buf[bi], (size_t)n1 * n2 * n3, 1);
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
