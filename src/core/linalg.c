/* Thin wrappers so the SCF reads as algebra rather than BLAS argument lists. */
#include "core/linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/error.h"

os_status os_eigh(int n, double *A, double *w, os_error *err)
{
    /* LAPACKE answers a NaN with "info -5" (its 5th argument): say what it means. */
    for (size_t k = 0; k < (size_t)n * n; ++k)
        if (!isfinite(A[k]))
            return os_fail(err, OS_ERR_NUMERIC,
                           "symmetric eigensolver: the %d x %d matrix has NaN or Inf entries", n,
                           n);
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', n, A, n, w);
    if (info != 0)
        return os_fail(err, OS_ERR_NUMERIC, "symmetric eigensolver failed (dsyevd info %d, n %d)",
                       (int)info, n);
    return OS_OK;
}

void os_gemm(int ta, int tb, int m, int n, int k, double alpha, const double *A,
             const double *B, double beta, double *C)
{
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, A, ta ? m : k, B, tb ? k : n, beta, C, n);
}

double os_dot(int n2, const double *A, const double *B)
{
    return cblas_ddot(n2, A, 1, B, 1);
}

void os_symmetrize(int n, double *A)
{
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < i; ++j) {
            double v = 0.5 * (A[i * n + j] + A[j * n + i]);
            A[i * n + j] = A[j * n + i] = v;
        }
}

void os_blas_set_threads(int n)
{
#ifdef OPENBLAS_VERSION
    openblas_set_num_threads(n > 0 ? n : 1);
#else
    (void)n;
#endif
}

double *os_big_alloc(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, (size_t)2 << 20, bytes ? bytes : 1) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

double *os_zeros(size_t n)
{
    return calloc(n ? n : 1, sizeof(double));
}

/* X = U s^(-1/2) over overlap eigenvalues above lindep: canonical
 * orthogonalization, which drops near-linear dependencies of diffuse sets. */
os_status os_orthogonalizer(int n, const double *S, double lindep, double **Xout, int *nmo,
                            double *smin, os_error *err)
{
    double *U = malloc((size_t)n * n * sizeof(double)), *w = malloc((size_t)n * sizeof(double));
    if (!U || !w) {
        free(U);
        free(w);
        return OS_NOMEM(err, "overlap eigenvectors");
    }
    memcpy(U, S, (size_t)n * n * sizeof(double));
    os_status st = os_eigh(n, U, w, err);
    if (st != OS_OK) goto done;
    *smin = w[0];
    int first = 0;
    while (first < n && w[first] < lindep) ++first;
    *nmo = n - first;
    if (*nmo == 0) {
        st = os_fail(err, OS_ERR_NUMERIC, "overlap matrix is singular (largest eigenvalue %.3g)",
                     w[n - 1]);
        goto done;
    }
    double *X = malloc((size_t)n * *nmo * sizeof(double));
    if (!X) {
        st = OS_NOMEM(err, "orthogonalizer");
        goto done;
    }
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < *nmo; ++k) X[i * *nmo + k] = U[i * n + first + k] / sqrt(w[first + k]);
    *Xout = X;
done:
    free(U);
    free(w);
    return st;
}

/* Diagonalize F in the orthogonal basis: C = X C', eps ascending. */
os_status os_diagonalize(int n, int nmo, const double *X, const double *F, double *C, double *eps,
                         double *work, os_error *err)
{
    /* work: n*nmo then nmo*nmo */
    double *FX = work, *Fp = work + (size_t)n * nmo;
    os_gemm(0, 0, n, nmo, n, 1.0, F, X, 0.0, FX);
    os_gemm(1, 0, nmo, nmo, n, 1.0, X, FX, 0.0, Fp);
    os_symmetrize(nmo, Fp);
    os_status st = os_eigh(nmo, Fp, eps, err);
    if (st != OS_OK) return st;
    os_gemm(0, 0, n, nmo, nmo, 1.0, X, Fp, 0.0, C);
    return OS_OK;
}
