/* <S^2> of a single determinant (UHF/UKS): with n_a >= n_b occupied alpha
 * and beta orbitals and their overlaps O_ij = <a_i|b_j> = (C_a^T S C_b)_ij,
 *   <S^2> = S_z (S_z + 1) + n_b - sum_ij O_ij^2,   S_z = (n_a - n_b)/2
 * (Szabo & Ostlund, Eq. 2.271).  For Kohn-Sham orbitals this is the value of
 * the determinant of the orbitals, the usual spin-contamination diagnostic.
 * A restricted determinant is a pure spin state: <S^2> = S_z (S_z + 1). */
#include "scf/stages.h"

#include <stdlib.h>

#include "core/error.h"
#include "core/linalg.h"

os_status os_scf_spin(const double *S, os_scf_result *res, os_error *err)
{
    double sz = 0.5 * (res->nalpha - res->nbeta);
    res->s2_exact = sz * (sz + 1.0);
    res->s2 = res->s2_exact;
    int n = res->nbf, nmo = res->nmo, na = res->nalpha, nb = res->nbeta;
    if (!res->unrestricted || na == 0 || nb == 0) return OS_OK;
    /* occupied columns of C (row-major nbf x nmo) */
    double *Ca = malloc((size_t)n * na * sizeof(double)), *Cb = malloc((size_t)n * nb * sizeof(double));
    double *SCb = malloc((size_t)n * nb * sizeof(double)), *O = malloc((size_t)na * nb * sizeof(double));
    os_status st = Ca && Cb && SCb && O ? OS_OK : OS_NOMEM(err, "<S^2>");
    if (st == OS_OK) {
        for (int mu = 0; mu < n; ++mu) {
            for (int i = 0; i < na; ++i) Ca[(size_t)mu * na + i] = res->C_a[(size_t)mu * nmo + i];
            for (int j = 0; j < nb; ++j) Cb[(size_t)mu * nb + j] = res->C_b[(size_t)mu * nmo + j];
        }
        os_gemm(0, 0, n, nb, n, 1.0, S, Cb, 0.0, SCb);
        os_gemm(1, 0, na, nb, n, 1.0, Ca, SCb, 0.0, O);
        double sum = 0.0;
        for (size_t k = 0; k < (size_t)na * nb; ++k) sum += O[k] * O[k];
        res->s2 = sz * (sz + 1.0) + nb - sum;
    }
    free(Ca);
    free(Cb);
    free(SCb);
    free(O);
    return st;
}
