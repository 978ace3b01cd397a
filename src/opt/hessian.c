/* The optimizer's Hessian: its BFGS update, its move between Cartesians
 * and internal coordinates, and its lowest eigenvalue (the minimum check).
 *
 * The update is the BFGS formula (Broyden, Fletcher, Goldfarb, Shanno
 * 1970), skipped when the step met negative curvature (s.y <= 0), so the
 * Hessian stays positive definite (Nocedal & Wright, "Numerical
 * Optimization", 2nd ed., section 6.1).  Negative curvature met far from
 * the minimum - a bond stretched past its inflection point - would
 * otherwise stay in the Hessian long after the optimizer has left it, and
 * its lowest eigenvalue would call a minimum a saddle point; the minimum
 * check probes the curvature at the end instead (optimizer.c). */
#include "opt/opt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

/* Updates with s.y or s.H.s below this fraction of |s||y| or |s||Hs| are skipped. */
#define BFGS_MIN_DENOM 1e-8

int os_hessian_bfgs(int n, double *H, const double *s, const double *y)
{
    double *Hs = malloc((size_t)n * sizeof *Hs + 1);
    if (!Hs) return -1;
    double sy = 0, sHs = 0, ss = 0, yy = 0, hh = 0;
    for (int i = 0; i < n; ++i) {
        double t = 0;
        for (int j = 0; j < n; ++j) t += H[(size_t)i * n + j] * s[j];
        Hs[i] = t;
        sy += s[i] * y[i];
        sHs += s[i] * t;
        ss += s[i] * s[i];
        yy += y[i] * y[i];
        hh += t * t;
    }
    int ok = sy > BFGS_MIN_DENOM * sqrt(ss * yy) && sHs > BFGS_MIN_DENOM * sqrt(ss * hh);
    if (ok)
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                H[(size_t)i * n + j] += y[i] * y[j] / sy - Hs[i] * Hs[j] / sHs;
    free(Hs);
    return ok;
}

os_status os_hessian_to_internal(const os_ic_frame *f, const double *Hx, double *Hq, os_error *err)
{
    int n = f->n, m = f->ncart;
    double *A = malloc((size_t)n * m * sizeof *A + 1), *T = malloc((size_t)n * m * sizeof *T + 1);
    if (!A || !T) {
        free(A);
        free(T);
        return OS_NOMEM(err, "internal Hessian");
    }
    os_gemm(0, 0, n, m, m, 1.0, f->B, f->M, 0.0, A); /* A = B M = (B^+)^T */
    os_gemm(0, 0, n, m, m, 1.0, A, Hx, 0.0, T);
    os_gemm(0, 1, n, n, m, 1.0, T, A, 0.0, Hq);
    os_symmetrize(n, Hq);
    free(A);
    free(T);
    return OS_OK;
}

os_status os_hessian_to_cartesian(const os_ic_frame *f, const double *Hq, double *Hx,
                                  os_error *err)
{
    int n = f->n, m = f->ncart;
    double *T = malloc((size_t)n * m * sizeof *T + 1);
    if (!T) return OS_NOMEM(err, "Cartesian Hessian");
    os_gemm(0, 0, n, m, n, 1.0, Hq, f->B, 0.0, T);
    os_gemm(1, 0, m, m, n, 1.0, f->B, T, 0.0, Hx);
    os_symmetrize(m, Hx);
    free(T);
    return OS_OK;
}

/* Eigenvalues of P H P + SHIFT (1 - P): the complement of P's range is
 * pushed far above every physical curvature. */
#define NULL_SPACE_SHIFT 1000.0

os_status os_hessian_modes(int n, const double *H, const double *P, double *w, double *V,
                           os_error *err)
{
    double *T = malloc((size_t)n * n * sizeof *T + 1);
    if (!T) return OS_NOMEM(err, "Hessian eigenvalues");
    if (P) {
        os_gemm(0, 0, n, n, n, 1.0, P, H, 0.0, T);
        os_gemm(0, 0, n, n, n, 1.0, T, P, 0.0, V);
        for (size_t i = 0; i < (size_t)n * n; ++i)
            V[i] += NULL_SPACE_SHIFT * ((i / n == i % n ? 1.0 : 0.0) - P[i]);
    } else {
        memcpy(V, H, (size_t)n * n * sizeof *V);
    }
    free(T);
    os_symmetrize(n, V);
    return os_eigh(n, V, w, err);
}
