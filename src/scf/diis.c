/* DIIS: minimize |sum_i c_i e_i| subject to sum_i c_i = 1 (Pulay 1980/1982). */
#include "scf/diis.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

os_status os_diis_init(os_diis *d, int max_vec, size_t flen, size_t elen, os_error *err)
{
    memset(d, 0, sizeof *d);
    d->max_vec = max_vec;
    d->flen = flen;
    d->elen = elen;
    d->F = malloc((size_t)max_vec * flen * sizeof(double));
    d->E = malloc((size_t)max_vec * elen * sizeof(double));
    d->B = malloc((size_t)max_vec * max_vec * sizeof(double));
    if (!d->F || !d->E || !d->B) {
        os_diis_free(d);
        return OS_NOMEM(err, "DIIS history");
    }
    return OS_OK;
}

void os_diis_free(os_diis *d)
{
    free(d->F);
    free(d->E);
    free(d->B);
    memset(d, 0, sizeof *d);
}

os_status os_diis_extrapolate(os_diis *d, const double *F, const double *e, double *Fout,
                              os_error *err)
{
    int slot = d->n < d->max_vec ? d->n++ : d->next;
    d->next = (slot + 1) % d->max_vec;
    memcpy(d->F + (size_t)slot * d->flen, F, d->flen * sizeof(double));
    memcpy(d->E + (size_t)slot * d->elen, e, d->elen * sizeof(double));
    for (int i = 0; i < d->n; ++i) {
        double v = os_dot((int)d->elen, d->E + (size_t)i * d->elen, d->E + (size_t)slot * d->elen);
        d->B[i * d->max_vec + slot] = d->B[slot * d->max_vec + i] = v;
    }

    int n = d->n, m = n + 1;
    double *A = malloc((size_t)m * m * sizeof(double));
    double *c = malloc((size_t)m * sizeof(double));
    if (!A || !c) {
        free(A);
        free(c);
        return OS_NOMEM(err, "DIIS equations");
    }
    /* Scale by the newest error norm so the bordered system stays well conditioned. */
    double scale = d->B[slot * d->max_vec + slot];
    if (!(scale > 0)) scale = 1.0;
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) A[i * m + j] = d->B[i * d->max_vec + j] / scale;
        A[i * m + n] = A[n * m + i] = -1.0;
        c[i] = 0.0;
    }
    A[n * m + n] = 0.0;
    c[n] = -1.0;

    /* Symmetric indefinite system; a pseudo-inverse via eigenvalues drops the
     * near-null directions that appear when error vectors become dependent. */
    double *w = malloc((size_t)m * sizeof(double));
    double *x = calloc((size_t)m, sizeof(double));
    os_status st = OS_OK;
    if (!w || !x) {
        st = OS_NOMEM(err, "DIIS equations");
        goto done;
    }
    if (os_eigh(m, A, w, NULL) != OS_OK) {
        memcpy(Fout, F, d->flen * sizeof(double));
        goto done;
    }
    double wmax = 0;
    for (int k = 0; k < m; ++k) wmax = fmax(wmax, fabs(w[k]));
    for (int k = 0; k < m; ++k) {
        if (fabs(w[k]) < 1e-14 * wmax) continue;
        double proj = 0;
        for (int i = 0; i < m; ++i) proj += A[i * m + k] * c[i];
        for (int i = 0; i < m; ++i) x[i] += A[i * m + k] * proj / w[k];
    }
    memset(Fout, 0, d->flen * sizeof(double));
    for (int i = 0; i < n; ++i) {
        const double *Fi = d->F + (size_t)i * d->flen;
        for (size_t k = 0; k < d->flen; ++k) Fout[k] += x[i] * Fi[k];
    }
done:
    free(A);
    free(c);
    free(w);
    free(x);
    return st;
}
