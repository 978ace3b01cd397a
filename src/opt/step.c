/* A quasi-Newton step: the rational-function (RFO) step of Banerjee,
 * Adams, Simons & Shepard, J. Phys. Chem. 89, 52 (1985), cut back to a
 * trust radius by a further level shift (the restricted step of Besalu &
 * Bofill, Theor. Chem. Acc. 100, 265 (1998)).
 *
 * In the eigenvectors v_i of the Hessian (eigenvalues h_i) the step is
 * dq = -sum_i (g.v_i) / (h_i - lambda) v_i.  RFO's lambda is the lowest root
 * of lambda = sum_i (g.v_i)^2 / (lambda - h_i), below every h_i, so the step
 * goes downhill along every mode whatever the Hessian's signs.  When |dq|
 * exceeds the trust radius, lambda is lowered until |dq| equals it; |dq|
 * falls monotonically as lambda does.  Redundant coordinates: the Hessian
 * is P H P + 1000 (1 - P) and the gradient P g, so nothing moves outside
 * the range of P. */
#include "opt/opt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

#define NULL_SPACE_SHIFT 1000.0
/* Modes whose gradient component is below this take no part (Eh per unit). */
#define MODE_GRADIENT_MIN 1e-14
#define BISECTION_STEPS 200

typedef struct {
    int n;
    const double *h; /* eigenvalues */
    const double *f; /* gradient components */
} modes;

/* sum f_i^2 / (lambda - h_i) - lambda: increasing in lambda below min h. */
static double secular(const modes *m, double lambda)
{
    double s = 0;
    for (int i = 0; i < m->n; ++i)
        if (fabs(m->f[i]) > MODE_GRADIENT_MIN) s += m->f[i] * m->f[i] / (lambda - m->h[i]);
    return lambda - s;
}

static double step_norm(const modes *m, double lambda)
{
    double s = 0;
    for (int i = 0; i < m->n; ++i)
        if (fabs(m->f[i]) > MODE_GRADIENT_MIN) {
            double d = m->f[i] / (m->h[i] - lambda);
            s += d * d;
        }
    return sqrt(s);
}

/* Lowest eigenvalue among the modes the gradient touches. */
static double lowest_active(const modes *m)
{
    double lo = INFINITY;
    for (int i = 0; i < m->n; ++i)
        if (fabs(m->f[i]) > MODE_GRADIENT_MIN && m->h[i] < lo) lo = m->h[i];
    return lo;
}

/* RFO's lambda: the root of secular() below the lowest active eigenvalue. */
static double rfo_lambda(const modes *m)
{
    double top = lowest_active(m);
    if (!isfinite(top)) return 0.0;
    double fn = 0;
    for (int i = 0; i < m->n; ++i) fn += m->f[i] * m->f[i];
    double hi = fmin(top, 0.0), lo = hi - 1.0 - sqrt(fn);
    while (secular(m, lo) > 0) lo = 2 * lo - hi;
    /* secular -> +inf just below top: bracket [lo, hi) and bisect. */
    double hi_open = hi;
    for (int it = 0; it < BISECTION_STEPS; ++it) {
        double mid = 0.5 * (lo + hi_open);
        if (mid == lo || mid == hi_open) break;
        if (secular(m, mid) > 0)
            hi_open = mid;
        else
            lo = mid;
    }
    return 0.5 * (lo + hi_open);
}

/* Lower lambda until the step is `trust` long. */
static double trust_lambda(const modes *m, double lambda, double trust)
{
    double hi = lambda, lo = lambda - 1.0;
    while (step_norm(m, lo) > trust) lo = hi - 2 * (hi - lo);
    for (int it = 0; it < BISECTION_STEPS; ++it) {
        double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi) break;
        if (step_norm(m, mid) > trust)
            hi = mid;
        else
            lo = mid;
    }
    return lo;
}

/* A = P H P + SHIFT (1 - P), or H; g' = P g, or g. */
static void projected_problem(int n, const double *H, const double *g, const double *P, double *A,
                              double *gp, double *work)
{
    if (!P) {
        memcpy(A, H, (size_t)n * n * sizeof *A);
        memcpy(gp, g, (size_t)n * sizeof *gp);
        return;
    }
    os_gemm(0, 0, n, n, n, 1.0, P, H, 0.0, work);
    os_gemm(0, 0, n, n, n, 1.0, work, P, 0.0, A);
    for (size_t i = 0; i < (size_t)n * n; ++i)
        A[i] += NULL_SPACE_SHIFT * ((i / n == i % n ? 1.0 : 0.0) - P[i]);
    os_symmetrize(n, A);
    os_gemm(0, 0, n, 1, n, 1.0, P, g, 0.0, gp);
}

os_status os_step_rfo(int n, const double *H, const double *g, const double *P, double trust,
                      double *dq, os_step_info *info, os_error *err)
{
    memset(info, 0, sizeof *info);
    double *A = malloc((size_t)n * n * sizeof *A + 1), *work = malloc((size_t)n * n * sizeof *A + 1);
    double *h = malloc((size_t)n * sizeof *h + 1), *f = malloc((size_t)n * sizeof *f + 1);
    double *gp = malloc((size_t)n * sizeof *gp + 1);
    os_status st = OS_OK;
    if (!A || !work || !h || !f || !gp) {
        st = OS_NOMEM(err, "optimization step");
        goto done;
    }
    projected_problem(n, H, g, P, A, gp, work);
    if ((st = os_eigh(n, A, h, err)) != OS_OK) goto done;
    os_gemm(1, 0, n, 1, n, 1.0, A, gp, 0.0, f); /* f_i = v_i . g */
    modes m = {n, h, f};
    double lambda = rfo_lambda(&m);
    if (step_norm(&m, lambda) > trust) {
        lambda = trust_lambda(&m, lambda, trust);
        info->restricted = 1;
    }
    /* dq = sum_i -f_i / (h_i - lambda) v_i */
    for (int i = 0; i < n; ++i) work[i] = fabs(f[i]) > MODE_GRADIENT_MIN ? -f[i] / (h[i] - lambda) : 0.0;
    os_gemm(0, 0, n, 1, n, 1.0, A, work, 0.0, dq);
    double gd = 0, dhd = 0, nn = 0;
    for (int i = 0; i < n; ++i) {
        gd += gp[i] * dq[i];
        dhd += work[i] * work[i] * h[i];
        nn += dq[i] * dq[i];
    }
    info->norm = sqrt(nn);
    info->predicted = gd + 0.5 * dhd;
    info->lambda = lambda;
done:
    free(A), free(work), free(h), free(f), free(gp);
    return st;
}
