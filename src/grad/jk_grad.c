/* The two-electron gradient with exact four-centre integrals:
 *   E2 = 1/2 sum (ab|cd) P_ab P_cd
 *        - 1/2 sum_s sum [ax (ab|cd) + bx (ab|cd)_lr] Ds_ac Ds_bd,
 * differentiated with the densities fixed: dE2/dX = sum d(ab|cd)/dX G_abcd.
 * Unique shell quartets (s1 >= s2, s3 >= s4, pair 12 >= pair 34) times their
 * degeneracy, with the exchange density symmetrized to
 * 1/2 (D_ac D_bd + D_ad D_bc) so that G has the integrals' 8-fold symmetry.
 * libint2 returns all 12 derivatives of a quartet (its translational
 * invariance); quartets on one atom are skipped (their derivatives cancel).
 * Screening: Schwarz bound Q_12 Q_34 times the largest density product. */
#include "grad/grad.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lanes.h"
#include "core/linalg.h"
#include "core/threads.h"
#include "integrals/cart2sph.h"
#include "integrals/integrals.h"
#include "jk/jk.h"

typedef struct {
    const os_basis *bs;
    int n, ns, nspin, natom;
    const double *D;   /* nspin*n^2 */
    double *P;         /* n^2: total density */
    double *Pm, *Dm;   /* ns^2: largest |P|, |Ds| per shell pair */
    double jscale;     /* 1: Coulomb, 0: none */
    double kscale;     /* exchange weight (ax or bx) */
    double thresh;
} g2e;

static inline double max2(double x, double y) { return x > y ? x : y; }

/* Coulomb and exchange parts of G for one quartet, times deg, into gJ and gK. */
static void quartet_density(const g2e *c, const os_shell *A, const os_shell *B, const os_shell *C,
                            const os_shell *E, double deg, double *gJ, double *gK)
{
    int n = c->n;
    /* restricted: D is one spin of two, sum_s = 2 D D */
    double fk = -0.25 * c->kscale * deg * (c->nspin == 1 ? 2.0 : 1.0);
    double fj = 0.5 * c->jscale * deg;
    size_t x = 0;
    for (int i = 0; i < A->nbf; ++i) {
        int a = A->bf0 + i;
        for (int j = 0; j < B->nbf; ++j) {
            int b = B->bf0 + j;
            double Pab = c->P[(size_t)a * n + b] * fj;
            for (int k = 0; k < C->nbf; ++k) {
                int cc = C->bf0 + k;
                for (int l = 0; l < E->nbf; ++l, ++x) {
                    int d = E->bf0 + l;
                    gJ[x] = Pab * c->P[(size_t)cc * n + d];
                    double v = 0.0;
                    for (int s = 0; s < c->nspin && fk != 0.0; ++s) {
                        const double *Ds = c->D + (size_t)s * n * n;
                        v += Ds[(size_t)a * n + cc] * Ds[(size_t)b * n + d] +
                             Ds[(size_t)a * n + d] * Ds[(size_t)b * n + cc];
                    }
                    gK[x] = fk * v;
                }
            }
        }
    }
}

/* The loop over unique quartets for one kernel (omega); adds into gJ, gK. */
static os_status kernel_grad(const g2e *c, double omega, int nthreads, double *gJ, double *gK,
                             os_error *err)
{
    const os_basis *bs = c->bs;
    int ns = c->ns, natom = c->natom;
    double *Q = os_zeros((size_t)ns * ns);
    int *pairs = malloc((size_t)ns * (ns + 1) * sizeof(int));
    if (!Q || !pairs) {
        free(Q);
        free(pairs);
        return OS_NOMEM(err, "two-electron gradient");
    }
    os_status st = os_eri_schwarz(bs, omega, nthreads, Q, err);
    if (st != OS_OK) {
        free(Q);
        free(pairs);
        return st;
    }
    int npair = os_jk_significant_pairs(bs, Q, c->thresh, pairs);
    size_t nmax = (size_t)os_ncart(bs->max_l);
    nmax = nmax * nmax * nmax * nmax;
    /* Per lane (core/lanes.h): J's then K's 3 natom components. */
    size_t na3 = (size_t)3 * natom;
    int lanes = os_lanes(npair, 2 * na3 * sizeof(double));
    double *part = os_zeros((size_t)lanes * 2 * na3);
    int nt = os_threads_for(os_threads_for(nthreads, (long)npair * (npair + 1) / 2, 512), lanes, 1);
    os_status failed = part ? OS_OK : OS_NOMEM(err, "two-electron gradient");

#pragma omp parallel num_threads(nt) if (failed == OS_OK)
    {
        os_eri *eng = NULL;
        os_error my_err;
        os_status my_st = failed != OS_OK ? failed : os_eri_deriv_new(bs, omega, &eng, &my_err);
        double *dJ = malloc(nmax * sizeof(double)), *dK = malloc(nmax * sizeof(double));
        if (my_st == OS_OK && (!dJ || !dK)) my_st = OS_NOMEM(&my_err, "two-electron gradient");
#pragma omp for schedule(dynamic, 1)
        for (int l = 0; l < lanes; ++l)
        for (int p = npair - 1 - l; p >= 0; p -= lanes) {
            if (my_st != OS_OK) continue;
            double *tJ = part + (size_t)l * 2 * na3, *tK = tJ + na3;
            int s1 = pairs[2 * p], s2 = pairs[2 * p + 1];
            const os_shell *A = &bs->shells[s1], *B = &bs->shells[s2];
            double q12 = Q[s1 * ns + s2];
            for (int q = 0; q <= p; ++q) {
                int s3 = pairs[2 * q], s4 = pairs[2 * q + 1];
                const os_shell *C = &bs->shells[s3], *E = &bs->shells[s4];
                if (A->atom == B->atom && A->atom == C->atom && A->atom == E->atom) continue;
                double dmax = c->jscale * c->Pm[s1 * ns + s2] * c->Pm[s3 * ns + s4];
                if (c->kscale != 0.0)
                    dmax = max2(dmax, fabs(c->kscale) *
                                          max2(c->Dm[s1 * ns + s3] * c->Dm[s2 * ns + s4],
                                               c->Dm[s1 * ns + s4] * c->Dm[s2 * ns + s3]));
                if (q12 * Q[s3 * ns + s4] * dmax < c->thresh) continue;
                double deg = (s1 == s2 ? 1.0 : 2.0) * (s3 == s4 ? 1.0 : 2.0) * (p == q ? 1.0 : 2.0);
                quartet_density(c, A, B, C, E, deg, dJ, dK);
                size_t nq = (size_t)A->nbf * B->nbf * C->nbf * E->nbf;
                const double *d = os_eri_deriv_compute(eng, s1, s2, s3, s4);
                const int atom[4] = {A->atom, B->atom, C->atom, E->atom};
                for (int x = 0; x < 12; ++x) {
                    const double *blk = d + (size_t)x * nq;
                    double vJ = 0.0, vK = 0.0;
                    if (c->jscale != 0.0)
                        for (size_t i = 0; i < nq; ++i) vJ += dJ[i] * blk[i];
                    if (c->kscale != 0.0)
                        for (size_t i = 0; i < nq; ++i) vK += dK[i] * blk[i];
                    tJ[3 * atom[x / 3] + x % 3] += vJ;
                    tK[3 * atom[x / 3] + x % 3] += vK;
                }
            }
        }
        if (my_st != OS_OK) {
#pragma omp critical(os_grad_2e_error)
            if (failed == OS_OK) {
                if (err) *err = my_err;
                failed = my_st;
            }
        }
        os_eri_free(eng);
        free(dJ);
        free(dK);
    }
    if (failed == OS_OK) {
        if (gJ) os_lanes_add(lanes, na3, 2 * na3, part, gJ);
        os_lanes_add(lanes, na3, 2 * na3, part + na3, gK);
    }
    free(part);
    free(Q);
    free(pairs);
    return failed;
}

os_status os_grad_2e_exact(const os_basis *bs, const os_grad_2e_input *in, double *gJ,
                           double *gK, double *gKlr, os_error *err)
{
    g2e c = {.bs = bs, .n = bs->nbf, .ns = bs->nshell, .nspin = in->nspin, .D = in->D,
             .thresh = in->schwarz};
    for (int s = 0; s < bs->nshell; ++s)
        if (bs->shells[s].atom + 1 > c.natom) c.natom = bs->shells[s].atom + 1;
    size_t n2 = (size_t)c.n * c.n, ns2 = (size_t)c.ns * c.ns;
    c.P = os_zeros(n2);
    c.Pm = os_zeros(ns2);
    c.Dm = os_zeros(ns2);
    double *scratch = os_zeros((size_t)3 * c.natom);
    os_status st = OS_OK;
    if (!c.P || !c.Pm || !c.Dm || !scratch) st = OS_NOMEM(err, "two-electron gradient");
    if (st == OS_OK) {
        for (size_t k = 0; k < n2; ++k)
            c.P[k] = in->nspin == 1 ? 2.0 * in->D[k] : in->D[k] + in->D[n2 + k];
        os_jk_shell_pair_max(bs, 1, c.P, c.Pm);
        os_jk_shell_pair_max(bs, in->nspin, in->D, c.Dm);
        /* 1/r12: Coulomb and ax exchange in one pass */
        c.jscale = 1.0;
        c.kscale = in->ax;
        st = kernel_grad(&c, 0.0, in->nthreads, gJ, in->ax != 0.0 ? gK : scratch, err);
    }
    if (st == OS_OK && in->bx != 0.0 && in->omega > 0.0) {
        c.jscale = 0.0;
        c.kscale = in->bx;
        st = kernel_grad(&c, in->omega, in->nthreads, NULL, gKlr, err);
    }
    free(c.P);
    free(c.Pm);
    free(c.Dm);
    free(scratch);
    return st;
}
