/* The conductor-like equations on a cavity of Gaussian surface elements.
 *
 *   A_ij = erf(zeta_ij r_ij) / r_ij,  zeta_ij = zeta_i zeta_j / sqrt(zeta_i^2 + zeta_j^2)
 *          (2 zeta_ij / sqrt(pi) when the elements coincide),
 *   A_ii = self_factor zeta_i sqrt(2/pi) / F_i            (cavity.c),
 * the Coulomb interaction of normalized Gaussian charges; switched-off
 * elements get a large self term and so no charge.  A is factorized once per
 * geometry (Cholesky).  For the solute's total potential V at the elements:
 *
 *   x = A^-1 V,  t = A^-1 1,  lambda = (Q - sum x) / sum t   (constraint; else 0),
 *   q = -f (x + lambda t)                   so that sum q = -f Q exactly,
 *   G_pol = 1/2 q . V.
 *
 * This is NWChem's model (tests/reference/cosmo/README.md): the constraint
 * is its Lagrangian charge correction and 1/2 q.V its energy.
 *
 * The Fock term.  For a charged solute lambda depends on V, and the
 * derivative of G_pol, with Q = sum_A Z_A - tr(P S), is
 *   dG_pol/dP_ab = sum_i q_fock,i dV_i/dP_ab + dG_pol/dQ dQ/dP_ab,
 *   q_fock = dG_pol/dV = q + f Q / (2 T) t,   T = sum t,
 *   dG_pol/dQ = -f a / (2 T),  a = sum x,     dQ/dP_ab = -S_ab.
 * That is orbscreen's default (OS_SOLVENT_FOCK_VARIATIONAL): the SCF then
 * minimizes E_0 + G_pol, and the nuclear gradient is the partial derivative
 * at fixed P (gradient.c).  NWChem puts the potential of q alone into the
 * Fock matrix (OS_SOLVENT_FOCK_NWCHEM): for a neutral molecule the same
 * density and energy (the S part only shifts orbital energies, by
 * f a / (2 T), a few meV), but for an ion its fixed point is not a
 * stationary point of its energy.
 * Inside the cavity the extra charges f Q t / (2 T) and the S part cancel;
 * outside they do not, and an electron that leaves the cavity is rewarded
 * by up to f |Q| / (2 T) (2.5 eV for acetate), so the variational SCF puts
 * a little more density outside: measured against NWChem's fixed point
 * (docs/solvent.md), -5e-5 Eh for acetate (HF), -0.6 kcal/mol for the
 * formaldehyde radical anion and -1.9 kcal/mol for the acetate radical
 * dianion (B3LYP, eps 7.2), with diffuse orbitals 0.3-0.5 eV lower.
 *
 * dA/dX (os_cpcm_A_grad): the elements move with their atoms and their
 * switching functions F_i with every atom; the exponents zeta_i do not
 * depend on the geometry. */
#include "solvent/solvent.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lanes.h"
#include "core/linalg.h"
#include "core/threads.h"

static const double SQRT_2_OVER_PI = 0.79788456080286535588;
static const double TWO_OVER_SQRT_PI = 1.12837916709551257390;

/* Elements closer than this (bohr) coincide: A_ij = 2 zeta_ij / sqrt(pi). */
#define COINCIDE 1e-6

double os_cpcm_f(int scaling, double eps)
{
    return scaling == OS_SOLVENT_COSMO ? (eps - 1.0) / (eps + 0.5) : (eps - 1.0) / eps;
}

static double element_pair(const os_cavity *cav, int i, int j)
{
    const double *a = cav->xyz + 3 * i, *b = cav->xyz + 3 * j;
    double d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    double zi = cav->zeta[i], zj = cav->zeta[j];
    double zij = zi * zj / sqrt(zi * zi + zj * zj);
    return r < COINCIDE ? TWO_OVER_SQRT_PI * zij : erf(zij * r) / r;
}

/* Lower triangle of A, row-major. */
static void build_A(const os_cavity *cav, int nthreads, double *A)
{
    int n = cav->n;
#pragma omp parallel for schedule(dynamic, 16) num_threads(os_threads_for(nthreads, n, 64))
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < i; ++j) A[(size_t)i * n + j] = element_pair(cav, i, j);
        A[(size_t)i * n + i] = cav->self_factor * cav->zeta[i] * SQRT_2_OVER_PI / cav->F[i];
    }
}

/* x = A^-1 b with the Cholesky factor (b overwritten). */
static void cholesky_solve(const os_cpcm *c, double *b)
{
    LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', c->n, 1, c->L, c->n, b, 1);
}

os_status os_cpcm_new(const os_cavity *cav, double f, double charge, int constrain,
                      int nthreads, os_cpcm *c, os_error *err)
{
    memset(c, 0, sizeof *c);
    int n = cav->n;
    c->n = n;
    c->f = f;
    c->charge = charge;
    c->constrain = constrain;
    c->L = calloc((size_t)n * n, sizeof(double));
    c->t = malloc((size_t)n * sizeof(double));
    if (!c->L || !c->t) {
        os_cpcm_free(c);
        return OS_NOMEM(err, "C-PCM matrix");
    }
    build_A(cav, nthreads, c->L);
    lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, c->L, n);
    if (info != 0) {
        os_cpcm_free(c);
        return os_fail(err, OS_ERR_NUMERIC,
                       "the C-PCM matrix of %d surface elements is not positive definite "
                       "(LAPACK dpotrf info %d)",
                       n, (int)info);
    }
    for (int i = 0; i < n; ++i) c->t[i] = 1.0;
    cholesky_solve(c, c->t);
    for (int i = 0; i < n; ++i) c->t_sum += c->t[i];
    return OS_OK;
}

void os_cpcm_free(os_cpcm *c)
{
    free(c->L);
    free(c->t);
    memset(c, 0, sizeof *c);
}

void os_cpcm_solve(const os_cpcm *c, const double *V, double *q, double *q_fock, double *work,
                   os_cpcm_solution *sol)
{
    int n = c->n;
    memcpy(work, V, (size_t)n * sizeof(double));
    cholesky_solve(c, work);
    double xsum = 0.0;
    for (int i = 0; i < n; ++i) xsum += work[i];
    double lambda = c->constrain ? (c->charge - xsum) / c->t_sum : 0.0;
    double shift = c->constrain ? c->f * c->charge / (2.0 * c->t_sum) : 0.0;
    sol->fock_overlap = c->constrain ? c->f * xsum / (2.0 * c->t_sum) : 0.0;
    sol->energy = 0.0;
    sol->q_sum = 0.0;
    for (int i = 0; i < n; ++i) {
        q[i] = -c->f * (work[i] + lambda * c->t[i]);
        q_fock[i] = q[i] + shift * c->t[i];
        sol->energy += 0.5 * q[i] * V[i];
        sol->q_sum += q[i];
    }
    sol->lambda = lambda;
}

/* d/dr [erf(z r) / r] */
static double pair_deriv(double z, double r)
{
    return (TWO_OVER_SQRT_PI * z * r * exp(-z * z * r * r) - erf(z * r)) / (r * r);
}

/* Row i's off-diagonal terms: A_ij depends on s_i - s_j only (nothing
 * within one sphere; atoms are ai, aj: lapacke.h's complex.h owns I). */
static void row_grad(const os_cavity *cav, const double *u, const double *q, double scale, int i,
                     double *grad)
{
    const double *si = cav->xyz + 3 * i;
    int ai = cav->atom[i];
    for (int j = 0; j < i; ++j) {
        int aj = cav->atom[j];
        if (aj == ai) continue;
        const double *sj = cav->xyz + 3 * j;
        double d[3] = {si[0] - sj[0], si[1] - sj[1], si[2] - sj[2]};
        double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (r < COINCIDE) continue;
        double zi = cav->zeta[i], zj = cav->zeta[j];
        double c = scale * (u[i] * q[j] + u[j] * q[i]) *
                   pair_deriv(zi * zj / sqrt(zi * zi + zj * zj), r) / r;
        for (int k = 0; k < 3; ++k) {
            grad[3 * ai + k] += c * d[k];
            grad[3 * aj + k] -= c * d[k];
        }
    }
}

void os_cpcm_A_grad(const os_cavity *cav, const double *u, const double *q, double scale,
                    int nthreads, double *grad)
{
    int n = cav->n, na3 = 3 * cav->natom;
    /* Rows dealt to lanes (core/lanes.h); on one thread when out of memory. */
    int lanes = os_lanes(n / 16, (size_t)na3 * sizeof(double));
    double *part = os_zeros((size_t)lanes * na3);
    if (!part) {
        for (int i = 0; i < n; ++i) row_grad(cav, u, q, scale, i, grad);
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(os_threads_for(nthreads, lanes, 1))
        for (int l = 0; l < lanes; ++l)
            for (int i = l; i < n; i += lanes) row_grad(cav, u, q, scale, i, part + (size_t)l * na3);
        os_lanes_add(lanes, (size_t)na3, (size_t)na3, part, grad);
        free(part);
    }
    /* Diagonal: A_ii = self zeta_i sqrt(2/pi) / F_i, dA_ii = -A_ii dF_i / F_i. */
    for (int i = 0; i < n; ++i) {
        double Aii = cav->self_factor * cav->zeta[i] * SQRT_2_OVER_PI / cav->F[i];
        os_cavity_switching_grad(cav, i, -scale * u[i] * q[i] * Aii / cav->F[i], grad);
    }
}
