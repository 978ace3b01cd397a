/* Internal stability of a converged SCF: is the stationary point it found a
 * minimum of the energy over the orbitals it may vary (real RHF->RHF rotations
 * for a restricted run, UHF->UHF for an unrestricted one), or a saddle point?
 *
 * The orbital Hessian of a stationary point, for real occupied-virtual
 * rotations x_ia of each spin,
 *     (H x)_ia = (eps_a - eps_i) x_ia + [C_o^T dF(dD) C_v]_ia,
 *     dD = C_o x C_v^T + (C_o x C_v^T)^T   (per spin),
 * is the A+B matrix of linear response (singlet for RHF): dF is the change of
 * the Fock matrix with the density, J - a K - b K_lr from the J/K builder, and
 * for DFT (and external terms such as a solvent) the change of the potential,
 * taken as a one-sided finite difference of Vxc itself, so that every
 * functional orbscreen runs (LDA to meta-GGA, range-separated hybrids) has its
 * exact kernel on the same grid, to O(step), at the cost of one Vxc per
 * product.  The lowest eigenvalue comes from a few Davidson iterations started
 * on the lowest orbital-energy differences.  A Ritz value is an upper bound to
 * the lowest eigenvalue, so a negative one proves a saddle point at once.
 *
 * A saddle point is followed down: the occupied orbitals are rotated along
 * the unstable mode by the step that lowers the energy most, and the SCF
 * starts again from there (scf.c).  The occupied orbitals are those of the
 * converged density (F diagonalized within the space it occupies, and within
 * the rest), so a stationary point that is not aufbau (an occupied orbital
 * above an empty one) shows a negative eps_a - eps_i and is found, and
 * followed, the same way.
 *
 * Cost: one J/K build (plus one Vxc for DFT, on the early coarse grid) per
 * Davidson product, through the J/K interface (exact or density-fitted
 * alike); the check stops once the sign of the lowest eigenvalue is clear,
 * typically after 4-8 products (the budget is below, STAB_MAX_PRODUCTS).
 * External terms (a solvent) add their response when their potential is the
 * energy's derivative; otherwise the check is skipped (scf.c says why).
 * Davidson reaches the lowest mode through the start vectors' components
 * (the STAB_START lowest orbital-energy gaps), so a weakly negative mode far
 * from them can still go unseen by the check (options.stability = 2
 * converges the eigenvalue from more start vectors). */
#include "scf/stages.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

/* Davidson: products at most, and the residual norm (Eh) that ends it.  Each
 * product costs about one SCF cycle (a J/K build, plus a Vxc for DFT, on
 * the coarse grid), so the check is held to half the cycles the SCF took
 * (at least STAB_MIN_PRODUCTS), unless the residual still leaves the sign in
 * doubt: then up to STAB_MAX_PRODUCTS.  Typical: 4-8 products. */
#define STAB_MAX_PRODUCTS 16
#define STAB_MIN_PRODUCTS 4
#define STAB_RESIDUAL 1e-3
#define STAB_RESIDUAL_REL 0.1
/* With options.stability = 2: the eigenvalue itself, to about 1e-8 Eh. */
#define STAB_EXACT_PRODUCTS 60
#define STAB_EXACT_RESIDUAL 1e-5
#define STAB_EXACT_START 10
/* Start vectors of the default check: the lowest pairs each as a vector of
 * its own.  From the lowest pair alone, Davidson converged to a root of
 * +0.134 Eh for TFSI2-* in DME/DOL (6 products) while the lowest is
 * -0.0067 Eh (exact check: 23 products); with the 4 lowest pairs it found
 * -0.0040 Eh in 8 products. */
#define STAB_START 4
/* Eigenvalues below -STAB_NEGATIVE (Eh) make a saddle point: above the noise
 * of the grid kernel (OH's exact zero mode reads 2e-5 Eh on the coarse grid,
 * 2e-6 on the default one), below any instability that moves a result. */
#define STAB_NEGATIVE 5e-4
/* Step of the finite-difference kernel, in units of the unit-norm rotation. */
#define STAB_FD_STEP 1e-5
/* Step of the energy curvature check (stability = 2). */
#define STAB_CURVATURE_STEP 1e-2
/* Rotations tried along an unstable mode (tangent of the angle for one pair). */
static const double follow_steps[] = {1.0, 0.5, 0.25, 0.1};

typedef struct {
    scf_state *s;
    int nspin, n;
    int nocc[2], nvir[2];
    size_t off[2], dim;        /* x: spin blocks of nocc x nvir, row-major */
    double *Co[2], *Cv[2];     /* n x nocc, n x nvir: orbitals of the converged density */
    double *de;                /* dim: eps_a - eps_i */
    os_numint *ni;             /* the grid of the XC kernel */
    double *D0, *V0, *Vext0;   /* converged density, its Vxc on ni (nspin n^2) and Vext (n^2) */
    double *Ds, *J, *K, *Klr, *Dp, *Vp, *dF, *w;   /* scratch */
} hessian;

static void hessian_free(hessian *h)
{
    double **bufs[] = {&h->Co[0], &h->Co[1], &h->Cv[0], &h->Cv[1], &h->de,  &h->V0,
                       &h->Vext0, &h->Ds,    &h->J,     &h->K,     &h->Klr, &h->Dp,
                       &h->Vp,    &h->dF,    &h->w};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) {
        free(*bufs[i]);
        *bufs[i] = NULL;
    }
}

/* Occupied and virtual orbitals of the converged density D of spin sp
 * (scf_semicanonical): the occupied space is the one D holds whatever F's
 * ordering, so that a non-aufbau stationary point shows as negative
 * eps_a - eps_i, and degenerate levels are no ambiguity. */
static os_status semicanonical(hessian *h, int sp, const double *D, double *eo, double *ev,
                               os_error *err)
{
    scf_state *s = h->s;
    int n = s->n, nmo = s->nmo, no = h->nocc[sp], nv = h->nvir[sp];
    double *C = os_zeros((size_t)n * nmo), *eps = os_zeros((size_t)nmo);
    os_status st = C && eps ? scf_semicanonical(s, sp, D, no, C, eps, err)
                            : OS_NOMEM(err, "stability analysis");
    for (int i = 0; st == OS_OK && i < n; ++i) {
        memcpy(h->Co[sp] + (size_t)i * no, C + (size_t)i * nmo, (size_t)no * sizeof(double));
        memcpy(h->Cv[sp] + (size_t)i * nv, C + (size_t)i * nmo + no, (size_t)nv * sizeof(double));
    }
    if (st == OS_OK) {
        memcpy(eo, eps, (size_t)no * sizeof(double));
        memcpy(ev, eps + no, (size_t)nv * sizeof(double));
    }
    free(C);
    free(eps);
    return st;
}

/* The XC kernel's grid: the SCF's early coarse grid unless the eigenvalue
 * itself is asked for (exact).  Deciding the sign needs no more: the coarse
 * grid moves eigenvalues by ~1e-5 Eh (OH's exact zero mode reads 2e-5 Eh),
 * far below STAB_NEGATIVE, at a third of the points.  V0 is then the coarse
 * grid's Vxc at D0, so the finite difference stays on one grid. */
static os_status kernel_grid(hessian *h, int exact, os_error *err)
{
    scf_state *s = h->s;
    h->ni = s->t->ni;
    size_t n2 = (size_t)h->n * h->n;
    memcpy(h->V0, s->Vxc, h->nspin * n2 * sizeof(double));
    if (!s->is_dft || exact || !s->t->ni_early) return OS_OK;
    h->ni = s->t->ni_early;
    double *P = h->w, exc, nel;
    for (size_t k = 0; k < n2; ++k) P[k] = 2 * h->D0[k];
    return os_numint_vxc(h->ni, s->xc, h->nspin, h->nspin == 1 ? P : h->D0, &exc, &nel, h->V0,
                         err);
}

/* The Hessian's pieces at the converged density D0 (s->F its Fock matrix). */
static os_status hessian_setup(hessian *h, scf_state *s, const double *D0, int exact,
                               os_error *err)
{
    memset(h, 0, sizeof *h);
    h->s = s;
    h->nspin = s->nspin;
    h->n = s->n;
    h->D0 = (double *)D0;
    int n = s->n, nmo = s->nmo;
    size_t n2 = (size_t)n * n, ns2 = (size_t)s->nspin * n2;
    h->dim = 0;
    for (int sp = 0; sp < s->nspin; ++sp) {
        h->nocc[sp] = scf_nocc(s, sp);
        h->nvir[sp] = nmo - h->nocc[sp];
        h->off[sp] = h->dim;
        h->dim += (size_t)h->nocc[sp] * h->nvir[sp];
    }
    h->de = os_zeros(h->dim);
    double **bufs[] = {&h->V0, &h->Ds, &h->K, &h->Klr, &h->Dp, &h->Vp, &h->dF};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) *bufs[i] = os_zeros(ns2);
    h->Vext0 = os_zeros(n2);
    h->J = os_zeros(n2);
    h->w = os_zeros(2 * n2);
    double *eo = os_zeros((size_t)nmo), *ev = os_zeros((size_t)nmo);
    int ok = eo && ev && h->de && h->Vext0 && h->J && h->w;
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) ok = ok && *bufs[i];
    os_status st = ok ? OS_OK : OS_NOMEM(err, "stability analysis");
    for (int sp = 0; st == OS_OK && sp < s->nspin; ++sp) {
        int no = h->nocc[sp], nv = h->nvir[sp];
        h->Co[sp] = os_zeros((size_t)n * (no ? no : 1));
        h->Cv[sp] = os_zeros((size_t)n * (nv ? nv : 1));
        if (!h->Co[sp] || !h->Cv[sp]) st = OS_NOMEM(err, "stability analysis");
        if (st == OS_OK) st = semicanonical(h, sp, D0 + sp * n2, eo, ev, err);
        for (int i = 0; st == OS_OK && i < no; ++i)
            for (int a = 0; a < nv; ++a) h->de[h->off[sp] + (size_t)i * nv + a] = ev[a] - eo[i];
    }
    free(eo);
    free(ev);
    if (st != OS_OK) {
        hessian_free(h);
        return st;
    }
    memcpy(h->Vext0, s->Vext, n2 * sizeof(double));
    st = kernel_grid(h, exact, err);
    if (st != OS_OK) hessian_free(h);
    return st;
}

/* Per spin: dD = C_o x C_v^T + transpose. */
static void rotation_density(const hessian *h, const double *x, double *Ds)
{
    int n = h->n;
    size_t n2 = (size_t)n * n;
    for (int sp = 0; sp < h->nspin; ++sp) {
        int no = h->nocc[sp], nv = h->nvir[sp];
        double *D = Ds + sp * n2;
        if (no == 0 || nv == 0) {
            memset(D, 0, n2 * sizeof(double));
            continue;
        }
        os_gemm(0, 0, n, nv, no, 1.0, h->Co[sp], x + h->off[sp], 0.0, h->w); /* C_o x */
        os_gemm(0, 1, n, n, nv, 1.0, h->w, h->Cv[sp], 0.0, D);                /* (C_o x) C_v^T */
        for (int i = 0; i < n; ++i)
            for (int j = 0; j <= i; ++j) D[i * n + j] = D[j * n + i] = D[i * n + j] + D[j * n + i];
    }
}

/* The potential of the XC or external terms at D0 + step dD, minus the one
 * at D0, over step, added to dF. */
static os_status potential_response(hessian *h, const double *Ds, os_error *err)
{
    scf_state *s = h->s;
    int nspin = h->nspin;
    size_t n2 = (size_t)h->n * h->n, ns2 = nspin * n2;
    for (size_t k = 0; k < ns2; ++k) h->Dp[k] = h->D0[k] + STAB_FD_STEP * Ds[k];
    /* total density, for libxc when restricted and for external terms */
    double *P = h->w;
    for (size_t k = 0; k < n2; ++k) P[k] = nspin == 1 ? 2 * h->Dp[k] : h->Dp[k] + h->Dp[n2 + k];
    os_status st;
    if (s->is_dft) {
        double exc, nel;
        st = os_numint_vxc(h->ni, s->xc, nspin, nspin == 1 ? P : h->Dp, &exc, &nel, h->Vp, err);
        if (st != OS_OK) return st;
        for (size_t k = 0; k < ns2; ++k) h->dF[k] += (h->Vp[k] - h->V0[k]) / STAB_FD_STEP;
    }
    if (s->opt.npotentials > 0) {
        memset(h->Vp, 0, n2 * sizeof(double));
        for (int t = 0; t < s->opt.npotentials; ++t) {
            const os_scf_potential *p = &s->opt.potentials[t];
            double e = 0.0;
            if ((st = p->build(p->ctx, P, h->Vp, &e, err)) != OS_OK) return st;
        }
        for (int sp = 0; sp < nspin; ++sp)
            for (size_t k = 0; k < n2; ++k)
                h->dF[sp * n2 + k] += (h->Vp[k] - h->Vext0[k]) / STAB_FD_STEP;
    }
    return OS_OK;
}

/* sigma = H x. */
static os_status hessian_apply(hessian *h, const double *x, double *sigma, os_error *err)
{
    scf_state *s = h->s;
    int n = h->n, nspin = h->nspin;
    size_t n2 = (size_t)n * n;
    rotation_density(h, x, h->Ds);
    os_status st = os_jk_build(s->t->jk, nspin, h->Ds, h->J, s->ax != 0.0 ? h->K : NULL,
                               s->bx != 0.0 ? h->Klr : NULL, err);
    if (st != OS_OK) return st;
    for (int sp = 0; sp < nspin; ++sp)
        for (size_t k = 0; k < n2; ++k) {
            double kx = (s->ax != 0.0 ? s->ax * h->K[sp * n2 + k] : 0.0) +
                        (s->bx != 0.0 ? s->bx * h->Klr[sp * n2 + k] : 0.0);
            h->dF[sp * n2 + k] = h->J[k] - kx;
        }
    if ((s->is_dft || s->opt.npotentials > 0) && (st = potential_response(h, h->Ds, err)) != OS_OK)
        return st;
    for (size_t p = 0; p < h->dim; ++p) sigma[p] = h->de[p] * x[p];
    for (int sp = 0; sp < nspin; ++sp) {
        int no = h->nocc[sp], nv = h->nvir[sp];
        if (no == 0 || nv == 0) continue;
        os_gemm(0, 0, n, nv, n, 1.0, h->dF + sp * n2, h->Cv[sp], 0.0, h->w); /* dF C_v */
        os_gemm(1, 0, no, nv, n, 1.0, h->Co[sp], h->w, 1.0, sigma + h->off[sp]);
    }
    return OS_OK;
}

static double dot(size_t n, const double *a, const double *b)
{
    double d = 0.0;
    for (size_t k = 0; k < n; ++k) d += a[k] * b[k];
    return d;
}

/* Orthonormalize v against the k vectors in B (twice, for round-off);
 * returns its remaining norm before normalization. */
static double orthonormalize(size_t dim, const double *B, int k, double *v)
{
    for (int pass = 0; pass < 2; ++pass)
        for (int i = 0; i < k; ++i) {
            double c = dot(dim, B + (size_t)i * dim, v);
            for (size_t p = 0; p < dim; ++p) v[p] -= c * B[(size_t)i * dim + p];
        }
    double nrm = sqrt(dot(dim, v, v));
    if (nrm > 0)
        for (size_t p = 0; p < dim; ++p) v[p] /= nrm;
    return nrm;
}

/* Start: the lowest orbital-energy difference, plus every other pair weighted
 * by how close it lies, with fixed pseudo-random signs so that every symmetry
 * of the molecule is present and the Davidson space can reach any mode.  The
 * next lowest pairs are added as vectors of their own (STAB_START of them;
 * STAB_EXACT_START to converge the eigenvalue itself), so that a root of
 * another symmetry lying near the lowest one is not taken for it.  Returns
 * the number of vectors. */
static int start_vectors(const hessian *h, int exact, double *B)
{
    size_t dim = h->dim, lo = 0;
    for (size_t p = 1; p < dim; ++p)
        if (h->de[p] < h->de[lo]) lo = p;
    unsigned long long r = 0x9e3779b97f4a7c15ULL;
    for (size_t p = 0; p < dim; ++p) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        double xi = (double)(r >> 11) / 9007199254740992.0 * 2.0 - 1.0; /* [-1, 1) */
        B[p] = 0.1 * xi * 0.1 / (0.1 + h->de[p] - h->de[lo]);
    }
    B[lo] += 1.0;
    orthonormalize(dim, B, 0, B);
    int nb = 1;
    size_t taken[STAB_EXACT_START];
    taken[0] = lo;
    int nstart = exact ? STAB_EXACT_START : STAB_START;
    for (int k = 1; k < nstart && (size_t)k < dim; ++k) {
        size_t best = dim; /* the k-th lowest pair: the lowest not yet taken */
        for (size_t p = 0; p < dim; ++p) {
            int t = 0;
            for (int j = 0; j < k && !t; ++j) t = taken[j] == p;
            if (!t && (best == dim || h->de[p] < h->de[best])) best = p;
        }
        taken[k] = best;
        double *v = B + (size_t)nb * dim;
        memset(v, 0, dim * sizeof(double));
        v[best] = 1.0;
        if (orthonormalize(dim, B, nb, v) > 1e-8) ++nb;
    }
    return nb;
}

/* Lowest eigenvalue (*theta) and its Ritz vector u of H, by Davidson until
 * the residual is small or the Ritz value is clearly negative: within
 * `budget` products, or up to maxp while the residual r leaves the sign in
 * doubt (theta - |r| below -STAB_NEGATIVE: an eigenvalue lies within |r| of
 * theta). */
static os_status lowest_mode(hessian *h, int exact, int budget, int maxp, double *theta,
                             double *u, int *nprod, os_error *err)
{
    size_t dim = h->dim;
    double res_abs = exact ? STAB_EXACT_RESIDUAL : STAB_RESIDUAL;
    double res_rel = exact ? 0.0 : STAB_RESIDUAL_REL;
    int maxk = dim < (size_t)maxp ? (int)dim : maxp;
    double *B = malloc((size_t)maxk * dim * sizeof(double));
    double *Sg = malloc((size_t)maxk * dim * sizeof(double));
    double *G = malloc((size_t)maxk * maxk * sizeof(double));
    double *Y = malloc((size_t)maxk * maxk * sizeof(double));
    double *ev = malloc((size_t)maxk * sizeof(double));
    double *r = malloc(dim * sizeof(double));
    os_status st = OS_OK;
    *nprod = 0;
    *theta = INFINITY;
    if (!B || !Sg || !G || !Y || !ev || !r) {
        st = OS_NOMEM(err, "stability analysis");
        goto done;
    }
    int nb = start_vectors(h, exact, B);
    for (int k = 0; k < maxk; ++k) {
        double *b = B + (size_t)k * dim, *sg = Sg + (size_t)k * dim;
        if ((st = hessian_apply(h, b, sg, err)) != OS_OK) goto done;
        ++*nprod;
        int m = k + 1;
        for (int i = 0; i < m; ++i) {
            double g = 0.5 * (dot(dim, B + (size_t)i * dim, sg) +
                              dot(dim, b, Sg + (size_t)i * dim));
            G[i * maxk + k] = G[k * maxk + i] = g;
        }
        if (m < nb) continue; /* the start vectors first */
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < m; ++j) Y[i * m + j] = G[i * maxk + j];
        if ((st = os_eigh(m, Y, ev, err)) != OS_OK) goto done;
        *theta = ev[0];
        /* Ritz vector u = B y and residual r = Sg y - theta u (y: column 0). */
        memset(u, 0, dim * sizeof(double));
        memset(r, 0, dim * sizeof(double));
        for (int i = 0; i < m; ++i) {
            double y = Y[i * m];
            for (size_t p = 0; p < dim; ++p) {
                u[p] += y * B[(size_t)i * dim + p];
                r[p] += y * Sg[(size_t)i * dim + p];
            }
        }
        for (size_t p = 0; p < dim; ++p) r[p] -= *theta * u[p];
        double rn = sqrt(dot(dim, r, r));
        /* Done when negative (proven: a Ritz value bounds the lowest
         * eigenvalue from above), or when the residual no longer leaves the
         * sign in doubt. */
        int doubt = !exact && *theta - rn < -STAB_NEGATIVE;
        if ((!exact && *theta < -STAB_NEGATIVE) || rn < fmax(res_abs, res_rel * *theta) ||
            k + 1 == maxk || (k + 1 >= budget && !doubt))
            break;
        /* Next direction: the residual, preconditioned by the diagonal. */
        double *nbv = B + (size_t)(k + 1) * dim;
        for (size_t p = 0; p < dim; ++p) {
            double d = h->de[p] - *theta;
            if (fabs(d) < 1e-2) d = d < 0 ? -1e-2 : 1e-2;
            nbv[p] = r[p] / d;
        }
        if (orthonormalize(dim, B, k + 1, nbv) < 1e-10) break; /* the space is exhausted */
        nb = k + 2;
    }
done:
    free(B);
    free(Sg);
    free(G);
    free(Y);
    free(ev);
    free(r);
    return st;
}

/* Density of the occupied orbitals rotated by t along u: per spin
 * C_o' = C_o + t C_v u^T, orthonormalized (Loewdin), D = C_o' C_o'^T. */
static os_status rotated_density(hessian *h, const double *u, double t, double *D, os_error *err)
{
    int n = h->n;
    size_t n2 = (size_t)n * n;
    for (int sp = 0; sp < h->nspin; ++sp) {
        int no = h->nocc[sp], nv = h->nvir[sp];
        double *Ds = D + sp * n2;
        if (no == 0) {
            memset(Ds, 0, n2 * sizeof(double));
            continue;
        }
        double *Cr = os_zeros((size_t)n * no), *M = os_zeros((size_t)no * no);
        double *ev = os_zeros((size_t)no), *Ms = os_zeros((size_t)no * no);
        double *one = os_zeros((size_t)no);
        os_status st = Cr && M && ev && Ms && one ? OS_OK : OS_NOMEM(err, "orbital rotation");
        if (st == OS_OK) {
            const double *x = u + h->off[sp];
            memcpy(Cr, h->Co[sp], (size_t)n * no * sizeof(double));
            if (nv > 0) os_gemm(0, 1, n, no, nv, t, h->Cv[sp], x, 1.0, Cr); /* + t C_v x^T */
            /* overlap of the rotated orbitals: I + t^2 x x^T */
            for (int i = 0; i < no; ++i) M[i * no + i] = 1.0;
            if (nv > 0) os_gemm(0, 1, no, no, nv, t * t, x, x, 1.0, M);
            st = os_eigh(no, M, ev, err);
        }
        if (st == OS_OK) {
            /* M^-1/2 = U ev^-1/2 U^T */
            for (int i = 0; i < no; ++i)
                for (int j = 0; j < no; ++j) {
                    double v = 0.0;
                    for (int k = 0; k < no; ++k) v += M[i * no + k] * M[j * no + k] / sqrt(ev[k]);
                    Ms[i * no + j] = v;
                }
            os_gemm(0, 0, n, no, no, 1.0, Cr, Ms, 0.0, h->w);
            for (int i = 0; i < no; ++i) one[i] = 1.0;
            os_density_build(n, no, h->w, one, Ds);
        }
        free(Cr);
        free(M);
        free(ev);
        free(Ms);
        free(one);
        if (st != OS_OK) return st;
    }
    return OS_OK;
}

/* Energy (Eh) of the density rotated by t along u, which is left in s->D
 * (and its Fock matrix in s->F). */
static os_status energy_along(hessian *h, const double *u, double t, double *e, os_error *err)
{
    scf_energy en;
    os_status st = rotated_density(h, u, t, h->s->D, err);
    if (st == OS_OK) st = scf_fock(h->s, &en, err);
    *e = st == OS_OK && isfinite(en.total) ? en.total : INFINITY;
    return st;
}

/* Along the unstable mode u: the step that lowers the energy most, its
 * density left in s->D.  *lower = 0 when no step lowers it. */
static os_status follow_mode(hessian *h, const double *u, double e0, int *lower, os_error *err)
{
    double best_e = e0 - 1e-8, best_t = 0.0, e;
    for (size_t k = 0; k < sizeof follow_steps / sizeof *follow_steps; ++k) {
        os_status st = energy_along(h, u, follow_steps[k], &e, err);
        if (st != OS_OK) return st;
        if (e < best_e) best_e = e, best_t = follow_steps[k];
    }
    *lower = best_t > 0.0;
    return *lower ? rotated_density(h, u, best_t, h->s->D, err) : OS_OK;
}

/* The energy's second derivative along the rotation t u, from energies alone
 * (central difference): an independent check of the Hessian product, which
 * predicts 2 theta per electron of a rotated orbital (4 theta restricted,
 * 2 theta unrestricted for a mode of one spin). */
static os_status mode_curvature(hessian *h, const double *u, double e0, double *curv,
                                os_error *err)
{
    double ep = NAN, em = NAN;
    os_status st = energy_along(h, u, STAB_CURVATURE_STEP, &ep, err);
    if (st == OS_OK) st = energy_along(h, u, -STAB_CURVATURE_STEP, &em, err);
    *curv = (ep + em - 2.0 * e0) / (STAB_CURVATURE_STEP * STAB_CURVATURE_STEP);
    return st;
}

os_status scf_stability(scf_state *s, os_scf_result *res, int follow, int *moved, os_error *err)
{
    *moved = 0;
    res->stability_curvature = NAN;
    size_t ns2 = (size_t)s->nspin * s->n * s->n;
    /* The converged density and its Fock matrix, kept: the trial steps below
     * overwrite both, and unless a step is taken they come back. */
    double *D0 = malloc(ns2 * sizeof(double)), *F0 = malloc(ns2 * sizeof(double));
    if (!D0 || !F0) {
        free(D0);
        free(F0);
        return OS_NOMEM(err, "stability analysis");
    }
    memcpy(D0, s->D, ns2 * sizeof(double));
    memcpy(F0, s->F, ns2 * sizeof(double));
    double t0 = omp_get_wtime();
    hessian h;
    int nprod = 0, exact = s->opt.stability == OS_STABILITY_EXACT;
    os_status st = hessian_setup(&h, s, D0, exact, err);
    double theta = NAN, *u = NULL;
    if (st == OS_OK && h.dim) {
        u = malloc(h.dim * sizeof(double));
        int maxp = exact ? STAB_EXACT_PRODUCTS : STAB_MAX_PRODUCTS, budget = maxp;
        if (!exact) {
            budget = res->iterations / 2 < STAB_MIN_PRODUCTS ? STAB_MIN_PRODUCTS : res->iterations / 2;
            if (budget > maxp) budget = maxp;
        }
        st = u ? lowest_mode(&h, exact, budget, maxp, &theta, u, &nprod, err)
               : OS_NOMEM(err, "stability");
    }
    if (st == OS_OK) {
        res->stability_eig = theta;
        if (s->opt.log && h.dim)
            fprintf(s->opt.log,
                    "  stability: lowest orbital Hessian eigenvalue %.6f Eh (%d products, "
                    "%.2f s)\n",
                    theta, nprod, omp_get_wtime() - t0);
    }
    if (st == OS_OK && h.dim && exact)
        st = mode_curvature(&h, u, res->energy, &res->stability_curvature, err);
    if (st == OS_OK && h.dim && theta < -STAB_NEGATIVE) {
        if (!follow) {
            st = os_fail(err, OS_ERR_NUMERIC,
                         "%s: the SCF keeps converging to a saddle point of the energy (lowest "
                         "orbital Hessian eigenvalue %.2e Eh), not a minimum",
                         os_molecule_label(s->mol), theta);
        } else {
            st = follow_mode(&h, u, res->energy, moved, err);
            if (st == OS_OK && !*moved)
                snprintf(res->warning, sizeof res->warning,
                         "orbital Hessian eigenvalue %.2e Eh, but no step along it lowers the "
                         "energy",
                         theta);
        }
    }
    if (!*moved) {
        memcpy(s->D, D0, ns2 * sizeof(double));
        memcpy(s->F, F0, ns2 * sizeof(double));
    }
    free(u);
    hessian_free(&h);
    free(D0);
    free(F0);
    return st;
}
