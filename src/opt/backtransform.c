/* An internal-coordinate step as Cartesians.  Internal coordinates are
 * curvilinear, so x0 + B^+ dq reaches q0 + dq only to first order; the
 * iteration x_{k+1} = x_k + B^+(x_k) (q0 + dq - q(x_k)) corrects it (Pulay &
 * Fogarasi 1992; Peng et al. 1996).  With redundant coordinates the target
 * may not be reachable exactly: the iteration (Gauss-Newton on
 * |q(x) - q0 - dq|^2) then settles where the residual is least, and that is
 * the step taken.  It fails when it diverges or never settles. */
#include "opt/opt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define BT_MAX_ITER 50
#define BT_DX_CONV 1e-7      /* rms Cartesian change that ends the iteration, bohr */
/* Failed: the Cartesians did not settle and the best residual is above this
 * fraction of |dq|, or the iteration diverged (the residual grew this many
 * times in a row). */
#define BT_MAX_RESIDUAL 0.1
#define BT_MAX_GROWTH 3

static double norm(int n, const double *v)
{
    double s = 0;
    for (int i = 0; i < n; ++i) s += v[i] * v[i];
    return sqrt(s);
}

/* r = q0 + dq - q(x), returned |r|. */
static double residual(const os_ic_set *s, const double *target, const double *x, double *q,
                       double *r)
{
    os_ic_values(s, x, q);
    os_ic_diff(s, target, q, r);
    return norm(s->n, r);
}

os_status os_backtransform(const os_ic_set *s, const double *x0, const double *dq, double *x,
                           os_backtransform_info *info, os_error *err)
{
    int n = s->n, m = 3 * s->natom;
    memset(info, 0, sizeof *info);
    double *target = malloc((size_t)n * sizeof *target), *q = malloc((size_t)n * sizeof *q);
    double *r = malloc((size_t)n * sizeof *r), *dx = malloc((size_t)m * sizeof *dx);
    double *first = malloc((size_t)m * sizeof *first), *best = malloc((size_t)m * sizeof *best);
    if (!target || !q || !r || !dx || !first || !best) {
        free(target), free(q), free(r), free(dx), free(first), free(best);
        return OS_NOMEM(err, "back-transformation");
    }
    os_ic_values(s, x0, q);
    for (int i = 0; i < n; ++i) target[i] = q[i] + dq[i];
    memcpy(x, x0, (size_t)m * sizeof *x);
    memcpy(r, dq, (size_t)n * sizeof *r);
    double dq_norm = norm(n, dq), best_res = INFINITY, last_res = INFINITY;
    int growth = 0, settled = 0;
    os_status st = OS_OK;
    for (int it = 1; it <= BT_MAX_ITER; ++it) {
        os_ic_frame f;
        if ((st = os_ic_frame_build(s, x, &f, err)) != OS_OK) {
            /* A coordinate became undefined on the way: not a usable step. */
            st = OS_OK;
            break;
        }
        st = os_ic_to_cartesian(&f, r, dx, err);
        os_ic_frame_free(&f);
        if (st != OS_OK) break;
        for (int i = 0; i < m; ++i) x[i] += dx[i];
        if (it == 1) memcpy(first, x, (size_t)m * sizeof *x);
        double res = residual(s, target, x, q, r);
        info->iterations = it;
        if (res < best_res) {
            best_res = res;
            memcpy(best, x, (size_t)m * sizeof *x);
        }
        growth = res > last_res ? growth + 1 : 0;
        last_res = res;
        if (growth >= BT_MAX_GROWTH) break;
        if (norm(m, dx) / sqrt((double)m) < BT_DX_CONV) {
            settled = 1;
            break;
        }
    }
    if (st == OS_OK) {
        info->residual = best_res;
        info->converged = isfinite(best_res) &&
                          (settled || best_res <= BT_MAX_RESIDUAL * dq_norm + 1e-10);
        memcpy(x, info->converged ? best : first, (size_t)m * sizeof *x);
        if (!info->converged && info->iterations == 0) memcpy(x, x0, (size_t)m * sizeof *x);
    }
    free(target), free(q), free(r), free(dx), free(first), free(best);
    return st;
}
