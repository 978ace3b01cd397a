/* The core-Hamiltonian stage: overlap S, H = T + V(nuclei), and the
 * canonical orthogonalizer X, which drops near-linear dependencies. */
#include "scf/stages.h"

#include <stdlib.h>

#include "core/error.h"
#include "core/linalg.h"
#include "integrals/integrals.h"

os_status scf_core(scf_state *s, os_scf_result *res, os_error *err)
{
    int n = s->n, nt = s->opt.nthreads;
    size_t n2 = (size_t)n * n;
    s->S = os_zeros(n2);
    s->H = os_zeros(n2);
    double *V = os_zeros(n2);
    os_status st = OS_OK;
    if (!s->S || !s->H || !V) st = OS_NOMEM(err, "one-electron matrices");
    if (st == OS_OK) st = os_int1e_overlap(s->bs, nt, s->S, err);
    if (st == OS_OK) st = os_int1e_kinetic(s->bs, nt, s->H, err);
    if (st == OS_OK) st = os_int1e_nuclear(s->bs, s->mol, nt, V, err);
    if (st == OS_OK)
        for (size_t k = 0; k < n2; ++k) s->H[k] += V[k];
    free(V);
    if (st != OS_OK) return st;
    st = os_orthogonalizer(n, s->S, s->opt.lindep, &s->X, &s->nmo, &res->s_min_eig, err);
    if (st != OS_OK) return st;
    res->nbf = n;
    res->nmo = s->nmo;
    res->n_dropped = n - s->nmo;
    res->lindep = s->opt.lindep;
    return OS_OK;
}
