/* Thin wrappers so the SCF reads as algebra rather than BLAS argument lists. */
#include "linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <stdlib.h>

#include "error.h"

os_status os_eigh(int n, double *A, double *w, os_error *err)
{
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

double *os_zeros(size_t n)
{
    return calloc(n ? n : 1, sizeof(double));
}
