/* Direct minimization of the SCF energy over orbital rotations, for the SCFs
 * that DIIS does not bring down (scf.c switches here when DIIS stalls, and
 * after the stability check has left a saddle point: DIIS, which finds any
 * stationary point, can climb back to it).
 *
 * The occupied orbitals (the first nocc of each spin, held by index, not
 * re-occupied by energy) are rotated into the virtual ones, C <- C exp(K),
 * K_ai = -K_ia = kappa_ai.  The energy's gradient is 2 F_ai per spin (4 F_ai
 * restricted) in the current orbitals' basis; the step is quasi-Newton
 * (L-BFGS, Nocedal-Wright Alg. 7.4) in units of F_ai, started from the
 * diagonal Hessian F_aa - F_ii, whose Newton step is the Roothaan step.  A
 * step that raises the energy is taken back and retried at a quarter of its
 * length.  This is the scheme of T. Van Voorhis and M. Head-Gordon's
 * geometric direct minimization [Mol. Phys. 100, 1713 (2002)] without its
 * transport of the history between orbital frames: each step is small, and
 * the history is kept in the MO indices as they are.
 *
 * Why: the radical dianions of fluorinated aryl- and alkyl-carboxylates in a
 * continuum (UKS B3LYP/6-31+G*, DME/DOL) have an extra electron that can sit
 * in several near-degenerate pi* or sigma* orbitals.  DIIS then holds the
 * orbital gradient at 1e-5-1e-4 while the energy keeps falling by 1e-5 Eh a
 * cycle (2026-11-28: four library molecules ran out of cycles): a soft
 * direction that a curvature-learning minimizer follows and DIIS does not. */
#include "scf/stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

#define LBFGS_PAIRS 12
/* Largest rotation (radians, per element) a step may take, and where the
 * trust starts. */
#define TRUST_MAX 0.5
#define TRUST_START 0.1
#define TRUST_MIN 1e-5
/* The diagonal Hessian is held above this (Eh): a near-degenerate pair
 * would otherwise ask for a huge first step. */
#define HDIAG_MIN 0.05
/* An energy rise above this (Eh) takes the step back; below, it is the
 * noise of the grid and the fit. */
#define RISE_TOL 1e-9

struct scf_descent {
    int dim;                 /* sum over spins of nocc * nvir */
    int off[2];              /* offset of spin sp in the rotation vectors */
    double *Cprev;           /* nspin * n * nmo: orbitals of the last accepted point */
    double *g, *gprev, *h;   /* dim: gradient now, at the last accepted point; diagonal Hessian */
    double *step;            /* dim: the last step taken from the accepted point */
    double *S, *Y, *rho;     /* L-BFGS pairs: LBFGS_PAIRS x dim, and 1 / (s.y) */
    double *K, *U, *T, *W;   /* nmo^2 scratch: the generator, its exponential, products */
    double e_prev, trust;
    int have_prev, npairs, newest;
};

void scf_descent_restart(scf_descent *d)
{
    d->have_prev = 0;
    d->npairs = 0;
}

void scf_descent_free(scf_descent *d)
{
    if (!d) return;
    double **bufs[] = {&d->Cprev, &d->g, &d->gprev, &d->h, &d->step, &d->S,
                       &d->Y,     &d->rho, &d->K,   &d->U, &d->T, &d->W};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) free(*bufs[i]);
    free(d);
}

os_status scf_descent_new(const scf_state *s, scf_descent **out, os_error *err)
{
    scf_descent *d = calloc(1, sizeof *d);
    if (!d) return OS_NOMEM(err, "SCF minimizer");
    for (int sp = 0; sp < s->nspin; ++sp) {
        d->off[sp] = d->dim;
        d->dim += scf_nocc(s, sp) * (s->nmo - scf_nocc(s, sp));
    }
    size_t dim = (size_t)(d->dim > 0 ? d->dim : 1), m2 = (size_t)s->nmo * s->nmo;
    d->Cprev = os_zeros((size_t)s->nspin * s->n * s->nmo);
    d->g = os_zeros(dim);
    d->gprev = os_zeros(dim);
    d->h = os_zeros(dim);
    d->step = os_zeros(dim);
    d->S = os_zeros(LBFGS_PAIRS * dim);
    d->Y = os_zeros(LBFGS_PAIRS * dim);
    d->rho = os_zeros(LBFGS_PAIRS);
    d->K = os_zeros(m2);
    d->U = os_zeros(m2);
    d->T = os_zeros(m2);
    d->W = os_zeros(m2);
    if (!d->Cprev || !d->g || !d->gprev || !d->h || !d->step || !d->S || !d->Y || !d->rho ||
        !d->K || !d->U || !d->T || !d->W) {
        scf_descent_free(d);
        return OS_NOMEM(err, "SCF minimizer");
    }
    d->trust = TRUST_START;
    *out = d;
    return OS_OK;
}

/* Gradient F_ai and diagonal Hessian F_aa - F_ii of the current orbitals,
 * from the Fock matrix s->F of their density. */
static void gradient(scf_descent *d, scf_state *s)
{
    int n = s->n, nmo = s->nmo;
    size_t n2 = (size_t)n * n;
    for (int sp = 0; sp < s->nspin; ++sp) {
        int no = scf_nocc(s, sp), nv = nmo - no;
        if (no == 0 || nv == 0) continue;
        /* Fmo = C^T F C into T (work: n x nmo) */
        os_gemm(0, 0, n, nmo, n, 1.0, s->F + sp * n2, s->C[sp], 0.0, s->work);
        os_gemm(1, 0, nmo, nmo, n, 1.0, s->C[sp], s->work, 0.0, d->T);
        double *g = d->g + d->off[sp], *h = d->h + d->off[sp];
        for (int a = 0; a < nv; ++a)
            for (int i = 0; i < no; ++i) {
                int A = no + a;
                g[a * no + i] = d->T[(size_t)A * nmo + i];
                h[a * no + i] = fmax(d->T[(size_t)A * nmo + A] - d->T[(size_t)i * nmo + i], HDIAG_MIN);
            }
    }
}

/* Keep the pair (step, g - gprev) when it has positive curvature. */
static void remember_pair(scf_descent *d)
{
    int n = d->dim, slot = d->npairs < LBFGS_PAIRS ? d->npairs : (d->newest + 1) % LBFGS_PAIRS;
    double *sv = d->S + (size_t)slot * n, *yv = d->Y + (size_t)slot * n;
    for (int k = 0; k < n; ++k) {
        sv[k] = d->step[k];
        yv[k] = d->g[k] - d->gprev[k];
    }
    double sy = os_dot(n, sv, yv);
    if (!(sy > 1e-12 * sqrt(os_dot(n, sv, sv) * os_dot(n, yv, yv)))) return;
    d->rho[slot] = 1.0 / sy;
    d->newest = slot;
    if (d->npairs < LBFGS_PAIRS) ++d->npairs;
}

/* step = -H^-1 g by the two-loop recursion over the remembered pairs. */
static void quasi_newton_step(scf_descent *d)
{
    int n = d->dim, m = d->npairs;
    double alpha[LBFGS_PAIRS];
    double *q = d->step;
    for (int k = 0; k < n; ++k) q[k] = -d->g[k];
    for (int j = 0; j < m; ++j) { /* newest first */
        int slot = (d->newest - j + LBFGS_PAIRS) % LBFGS_PAIRS;
        const double *sv = d->S + (size_t)slot * n, *yv = d->Y + (size_t)slot * n;
        alpha[j] = d->rho[slot] * os_dot(n, sv, q);
        for (int k = 0; k < n; ++k) q[k] -= alpha[j] * yv[k];
    }
    for (int k = 0; k < n; ++k) q[k] /= d->h[k];
    for (int j = m - 1; j >= 0; --j) {
        int slot = (d->newest - j + LBFGS_PAIRS) % LBFGS_PAIRS;
        const double *sv = d->S + (size_t)slot * n, *yv = d->Y + (size_t)slot * n;
        double beta = d->rho[slot] * os_dot(n, yv, q);
        for (int k = 0; k < n; ++k) q[k] += (alpha[j] - beta) * sv[k];
    }
}

/* U = exp(K) for the antisymmetric m x m K: Taylor series of K / 2^j, then
 * squared j times (K's norm under 1/8 before the series). */
static void expm_antisymmetric(int m, const double *K, double *U, double *T, double *W)
{
    size_t m2 = (size_t)m * m;
    double norm = 0.0;
    for (size_t k = 0; k < m2; ++k) norm += K[k] * K[k];
    norm = sqrt(norm);
    int j = 0;
    while (norm / ldexp(1.0, j) > 0.125) ++j;
    double scale = ldexp(1.0, -j);
    /* U = I + A + A^2/2! + ... + A^8/8!, A = scale K; T holds A^p / p! */
    memset(U, 0, m2 * sizeof(double));
    for (int i = 0; i < m; ++i) U[(size_t)i * m + i] = 1.0;
    memcpy(T, U, m2 * sizeof(double));
    for (int p = 1; p <= 8; ++p) {
        os_gemm(0, 0, m, m, m, scale / p, T, K, 0.0, W);
        memcpy(T, W, m2 * sizeof(double));
        for (size_t k = 0; k < m2; ++k) U[k] += T[k];
    }
    for (int r = 0; r < j; ++r) {
        os_gemm(0, 0, m, m, m, 1.0, U, U, 0.0, W);
        memcpy(U, W, m2 * sizeof(double));
    }
}

/* C_sp <- C_sp exp(K) for the rotation vector x, then the densities. */
static void rotate(scf_descent *d, scf_state *s, const double *x)
{
    int n = s->n, nmo = s->nmo;
    size_t m2 = (size_t)nmo * nmo;
    for (int sp = 0; sp < s->nspin; ++sp) {
        int no = scf_nocc(s, sp), nv = nmo - no;
        if (no > 0 && nv > 0) {
            const double *xs = x + d->off[sp];
            memset(d->K, 0, m2 * sizeof(double));
            for (int a = 0; a < nv; ++a)
                for (int i = 0; i < no; ++i) {
                    d->K[(size_t)(no + a) * nmo + i] = xs[a * no + i];
                    d->K[(size_t)i * nmo + no + a] = -xs[a * no + i];
                }
            expm_antisymmetric(nmo, d->K, d->U, d->T, d->W);
            os_gemm(0, 0, n, nmo, nmo, 1.0, s->C[sp], d->U, 0.0, s->work);
            memcpy(s->C[sp], s->work, (size_t)n * nmo * sizeof(double));
        }
        os_occupy_aufbau(nmo, no, s->occ[sp]);
        os_density_build(n, nmo, s->C[sp], s->occ[sp], s->D + (size_t)sp * n * n);
    }
}

/* Largest |element| of x. */
static double max_abs(int n, const double *x)
{
    double m = 0.0;
    for (int k = 0; k < n; ++k) m = fmax(m, fabs(x[k]));
    return m;
}

/* Take back the last step and try a quarter of it from the accepted point. */
static void retreat(scf_descent *d, scf_state *s)
{
    size_t cn = (size_t)s->n * s->nmo;
    for (int sp = 0; sp < s->nspin; ++sp) memcpy(s->C[sp], d->Cprev + sp * cn, cn * sizeof(double));
    for (int k = 0; k < d->dim; ++k) d->step[k] *= 0.25;
    d->trust = fmax(max_abs(d->dim, d->step), TRUST_MIN);
    rotate(d, s, d->step);
}

void scf_descent_step(scf_descent *d, scf_state *s, double energy)
{
    if (d->dim == 0) return;
    if (d->have_prev && energy > d->e_prev + RISE_TOL && max_abs(d->dim, d->step) > TRUST_MIN) {
        retreat(d, s);
        return;
    }
    gradient(d, s);
    if (d->have_prev) {
        remember_pair(d);
        d->trust = fmin(2.0 * d->trust, TRUST_MAX);
    }
    size_t cn = (size_t)s->n * s->nmo;
    for (int sp = 0; sp < s->nspin; ++sp) memcpy(d->Cprev + sp * cn, s->C[sp], cn * sizeof(double));
    memcpy(d->gprev, d->g, (size_t)d->dim * sizeof(double));
    d->e_prev = energy;
    d->have_prev = 1;
    quasi_newton_step(d);
    double big = max_abs(d->dim, d->step);
    if (big > d->trust)
        for (int k = 0; k < d->dim; ++k) d->step[k] *= d->trust / big;
    rotate(d, s, d->step);
}
