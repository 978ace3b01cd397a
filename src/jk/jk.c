/* Dispatch of the J/K interface to the builder behind it, and what builders
 * (and the two-electron gradient) share. */
#include "jk/jk.h"

#include "core/error.h"

#include <math.h>

os_status os_jk_build(os_jk *jk, int nspin, const double *D, double *J, double *K, double *Klr,
                      os_error *err)
{
    if (nspin != 1 && nspin != 2)
        return os_fail(err, OS_ERR_INTERNAL, "J/K build for %d spin densities", nspin);
    return jk->ops->build(jk, nspin, D, J, K, Klr, err);
}

size_t os_jk_memory_bytes(const os_jk *jk) { return jk->ops->memory_bytes(jk); }

long os_jk_last_work(const os_jk *jk) { return jk->ops->last_work(jk); }

const char *os_jk_name(const os_jk *jk) { return jk->ops->name; }

void os_jk_free(os_jk *jk)
{
    if (jk) jk->ops->free(jk);
}

void os_jk_shell_pair_max(const os_basis *bs, int nd, const double *M, double *Mmax)
{
    int ns = bs->nshell, n = bs->nbf;
    for (int a = 0; a < ns; ++a)
        for (int b = 0; b <= a; ++b) {
            const os_shell *sa = &bs->shells[a], *sb = &bs->shells[b];
            double m = 0;
            for (int d = 0; d < nd; ++d)
                for (int i = sa->bf0; i < sa->bf0 + sa->nbf; ++i)
                    for (int j = sb->bf0; j < sb->bf0 + sb->nbf; ++j)
                        m = fmax(m, fabs(M[(size_t)d * n * n + (size_t)i * n + j]));
            Mmax[a * ns + b] = Mmax[b * ns + a] = m;
        }
}

int os_jk_significant_pairs(const os_basis *bs, const double *Q, double thresh, int *pairs)
{
    int ns = bs->nshell, npair = 0;
    double qmax = 0;
    for (int i = 0; i < ns * ns; ++i) qmax = fmax(qmax, Q[i]);
    for (int s1 = 0; s1 < ns; ++s1)
        for (int s2 = 0; s2 <= s1; ++s2)
            if (Q[s1 * ns + s2] * qmax >= thresh) {
                pairs[2 * npair] = s1;
                pairs[2 * npair + 1] = s2;
                ++npair;
            }
    return npair;
}
