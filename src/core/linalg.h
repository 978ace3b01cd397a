/* Small dense linear-algebra helpers over LAPACKE/CBLAS (row-major). */
#ifndef OS_LINALG_H
#define OS_LINALG_H
#include "orbscreen.h"

/* Eigen-decomposition of a symmetric n x n matrix A (row-major); on return A
 * holds the eigenvectors in its columns and w the ascending eigenvalues. */
os_status os_eigh(int n, double *A, double *w, os_error *err);

/* C (m x n) = op(A) * op(B) with row-major storage; ta/tb = 1 to transpose. */
void os_gemm(int ta, int tb, int m, int n, int k, double alpha, const double *A,
             const double *B, double beta, double *C);

/* Trace of A*B for n x n matrices where B is symmetric: sum_ij A_ij B_ij. */
double os_dot(int n2, const double *A, const double *B);

/* Symmetrize in place: A = (A + A^T)/2. */
void os_symmetrize(int n, double *A);

/* Canonical orthogonalization X = U s^(-1/2) (n x nmo, allocated here) over
 * the overlap eigenvalues s above lindep, which drops near-linear
 * dependencies; smin gets the smallest eigenvalue. */
os_status os_orthogonalizer(int n, const double *S, double lindep, double **X, int *nmo,
                            double *smin, os_error *err);

/* Eigenvectors C (n x nmo) and ascending eigenvalues eps of the Fock matrix F
 * in the orthogonal basis X: C = X eig(X^T F X).  work: n*nmo + nmo*nmo. */
os_status os_diagonalize(int n, int nmo, const double *X, const double *F, double *C, double *eps,
                         double *work, os_error *err);

/* Large uninitialized allocation (free() it), page-aligned; transparent huge
 * pages, where the kernel offers them, cut the page faults of first touch
 * by 512x.  NULL on failure. */
double *os_big_alloc(size_t bytes);

/* Allocate n doubles set to zero; NULL on failure. */
double *os_zeros(size_t n);

#endif
