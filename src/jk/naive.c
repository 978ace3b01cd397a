/* The J/K oracle: every shell quartet, no screening, no permutational
 * symmetry.  Slow and obviously correct; the tests compare every other
 * builder with it. */
#include "jk/jk.h"

#include <string.h>

#include "integrals/integrals.h"

os_status os_jk_naive(const os_basis *bs, double omega, int nd, const double *D, double *J,
                      double *K, os_error *err)
{
    os_eri *e;
    os_status st = os_eri_new(bs, omega, &e, err);
    if (st != OS_OK) return st;
    int n = bs->nbf;
    size_t n2 = (size_t)n * n;
    if (J) memset(J, 0, nd * n2 * sizeof(double));
    if (K) memset(K, 0, nd * n2 * sizeof(double));
    for (int s1 = 0; s1 < bs->nshell; ++s1)
        for (int s2 = 0; s2 < bs->nshell; ++s2)
            for (int s3 = 0; s3 < bs->nshell; ++s3)
                for (int s4 = 0; s4 < bs->nshell; ++s4) {
                    const os_shell *A = &bs->shells[s1], *B = &bs->shells[s2];
                    const os_shell *C = &bs->shells[s3], *E = &bs->shells[s4];
                    const double *buf = os_eri_compute(e, s1, s2, s3, s4);
                    for (int d = 0; d < nd; ++d) {
                        const double *Dd = D + d * n2;
                        int ijkl = 0;
                        for (int a = A->bf0; a < A->bf0 + A->nbf; ++a)
                            for (int b = B->bf0; b < B->bf0 + B->nbf; ++b)
                                for (int c = C->bf0; c < C->bf0 + C->nbf; ++c)
                                    for (int dd = E->bf0; dd < E->bf0 + E->nbf; ++dd, ++ijkl) {
                                        if (J) J[d * n2 + a * n + b] += buf[ijkl] * Dd[c * n + dd];
                                        if (K) K[d * n2 + a * n + c] += buf[ijkl] * Dd[b * n + dd];
                                    }
                    }
                }
    os_eri_free(e);
    return OS_OK;
}

