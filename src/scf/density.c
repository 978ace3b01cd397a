/* Density matrices from orbitals, and the orbital gradient that measures how
 * far a density is from self-consistency. */
#include "scf/stages.h"

#include <math.h>
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
