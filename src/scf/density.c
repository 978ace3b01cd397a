/* Density matrices from orbitals, and the orbital gradient that measures how
 * far a density is from self-consistency. */
#include "scf/stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

void os_density_build(int n, int nmo, const double *C, const double *occ, double *D)
{
    int last = nmo; /* occupied orbitals come first in every rule we use */
    while (last > 0 && occ[last - 1] == 0.0) --last;
    if (last == 0) {
        memset(D, 0, (size_t)n * n * sizeof(double));
        return;
    }
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j) {
            double v = 0;
            for (int k = 0; k < last; ++k) v += occ[k] * C[i * nmo + k] * C[j * nmo + k];
            D[i * n + j] = D[j * n + i] = v;
        }
}

double os_orbital_gradient(int n, int nmo, const double *F, const double *D, const double *S,
                           const double *X, double *e, double *w1, double *w2)
{
    os_gemm(0, 0, n, n, n, 1.0, F, D, 0.0, w1);   /* FD */
    os_gemm(0, 0, n, n, n, 1.0, w1, S, 0.0, w2);  /* FDS */
    for (int i = 0; i < n; ++i)                   /* FDS - (FDS)^T = FDS - SDF */
        for (int j = 0; j < i; ++j) {
            double a = w2[i * n + j] - w2[j * n + i];
            w2[i * n + j] = a;
            w2[j * n + i] = -a;
        }
    for (int i = 0; i < n; ++i) w2[i * n + i] = 0;
    os_gemm(0, 0, n, nmo, n, 1.0, w2, X, 0.0, w1);
    os_gemm(1, 0, nmo, nmo, n, 1.0, X, w1, 0.0, e);
    double m = 0;
    for (size_t k = 0; k < (size_t)nmo * nmo; ++k) m = fmax(m, fabs(e[k]));
    return m;
}

os_status os_scf_density(const os_scf_result *res, int spin, double *D, os_error *err)
{
    int beta = spin == 1 && res->unrestricted;
    const double *C = beta ? res->C_b : res->C_a, *occ = beta ? res->occ_b : res->occ_a;
    if (!C || !occ) return os_fail(err, OS_ERR_INTERNAL, "result holds no orbitals");
    os_density_build(res->nbf, res->nmo, C, occ, D);
    return OS_OK;
}

/* Eigenvectors W (m x k) and values ev of the symmetric A (m x m) restricted
 * to k orthonormal columns of V (m x ldv, from column c0): W = V' eig(V'^T A V').
 * work: 3 m k + k k. */
static os_status restricted_eigh(int m, int k, const double *A, const double *V, int ldv, int c0,
                                 double *W, double *ev, double *work, os_error *err)
{
    double *Vk = work, *AV = work + (size_t)m * k, *Ak = work + 2 * (size_t)m * k;
    for (int i = 0; i < m; ++i)
        memcpy(Vk + (size_t)i * k, V + (size_t)i * ldv + c0, (size_t)k * sizeof(double));
    os_gemm(0, 0, m, k, m, 1.0, A, Vk, 0.0, AV);
    os_gemm(1, 0, k, k, m, 1.0, Vk, AV, 0.0, Ak);
    os_symmetrize(k, Ak);
    os_status st = os_eigh(k, Ak, ev, err);
    if (st == OS_OK) os_gemm(0, 0, m, k, k, 1.0, Vk, Ak, 0.0, W);
    return st;
}

/* Orthonormal basis X (n x nmo), X^T S X = 1: D and F there are
 * (SX)^T D (SX) and X^T F X.  The occupied space: the last nocc eigenvectors
 * of the former (eigenvalue 1), the virtual space the first nmo - nocc. */
os_status scf_semicanonical(const scf_state *s, int sp, const double *D, int nocc, double *C,
                            double *eps, os_error *err)
{
    int n = s->n, nmo = s->nmo, nv = nmo - nocc;
    size_t m2 = (size_t)nmo * nmo;
    double *SX = os_zeros((size_t)n * nmo), *Dm = os_zeros(m2), *Fm = os_zeros(m2);
    double *w = os_zeros((size_t)nmo), *Wk = os_zeros(m2), *work = os_zeros(4 * m2);
    double *T = os_zeros((size_t)n * nmo);
    os_status st = SX && Dm && Fm && w && Wk && work && T ? OS_OK
                                                           : OS_NOMEM(err, "semicanonical orbitals");
    if (st == OS_OK) {
        os_gemm(0, 0, n, nmo, n, 1.0, s->S, s->X, 0.0, SX);
        os_gemm(0, 0, n, nmo, n, 1.0, D, SX, 0.0, T);
        os_gemm(1, 0, nmo, nmo, n, 1.0, SX, T, 0.0, Dm);
        os_gemm(0, 0, n, nmo, n, 1.0, s->F + (size_t)sp * n * n, s->X, 0.0, T);
        os_gemm(1, 0, nmo, nmo, n, 1.0, s->X, T, 0.0, Fm);
        os_symmetrize(nmo, Dm);
        st = os_eigh(nmo, Dm, w, err); /* ascending: the virtual space first */
    }
    /* each space diagonalizing F within itself, into C's columns [occ | virt] */
    for (int part = 0; part < 2 && st == OS_OK; ++part) {
        int k = part ? nv : nocc, c0 = part ? 0 : nv, col = part ? nocc : 0;
        if (k == 0) continue;
        st = restricted_eigh(nmo, k, Fm, Dm, nmo, c0, Wk, eps + col, work, err);
        if (st != OS_OK) break;
        os_gemm(0, 0, n, k, nmo, 1.0, s->X, Wk, 0.0, T);
        for (int i = 0; i < n; ++i)
            memcpy(C + (size_t)i * nmo + col, T + (size_t)i * k, (size_t)k * sizeof(double));
    }
    free(SX);
    free(Dm);
    free(Fm);
    free(w);
    free(Wk);
    free(work);
    free(T);
    return st;
}
