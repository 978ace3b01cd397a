/* Direct J/K build over shell quartets with 8-fold permutational symmetry,
 * Schwarz and density screening, and OpenMP with per-thread accumulation.
 *
 * Each unique quartet (s1 s2|s3 s4) with s1>=s2, s3>=s4, (s1s2)>=(s3s4) is
 * computed once and scattered to the J and K elements it touches, scaled by
 * its degeneracy; symmetrizing at the end restores the missing transposes
 * (the same bookkeeping as libint's hartree-fock example). */
#include "fock.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "integrals.h"
#include "linalg.h"

struct os_fock {
    const os_basis *bs;
    double omega, thresh;
    int nthreads;
    double *Q;        /* nshell^2: sqrt(max |(ab|ab)|) per shell pair */
    int npair;
    int *pairs;       /* 2*npair: significant (s1, s2), s1 >= s2 */
    os_eri **eri;     /* one engine per thread */
};

void os_fock_free(os_fock *f)
{
    if (!f) return;
    if (f->eri)
        for (int t = 0; t < f->nthreads; ++t) os_eri_free(f->eri[t]);
    free(f->eri);
    free(f->Q);
    free(f->pairs);
    free(f);
}

os_status os_fock_new(const os_basis *bs, double omega, double thresh, int nthreads,
                      os_fock **out, os_error *err)
{
    *out = NULL;
    os_fock *f = calloc(1, sizeof *f);
    if (!f) return OS_NOMEM(err, "J/K builder");
    int ns = bs->nshell;
    f->bs = bs;
    f->omega = omega;
    f->thresh = thresh;
    f->nthreads = nthreads > 0 ? nthreads : omp_get_max_threads();
    f->Q = os_zeros((size_t)ns * ns);
    f->pairs = malloc((size_t)ns * (ns + 1) * sizeof(int));
    f->eri = calloc((size_t)f->nthreads, sizeof(os_eri *));
    if (!f->Q || !f->pairs || !f->eri) {
        os_fock_free(f);
        return OS_NOMEM(err, "J/K builder");
    }
    os_status st = OS_OK;
    for (int t = 0; t < f->nthreads && st == OS_OK; ++t) st = os_eri_new(bs, omega, &f->eri[t], err);
    if (st != OS_OK) {
        os_fock_free(f);
        return st;
    }

    /* Schwarz factors: |(ab|cd)| <= Q_ab Q_cd. */
#pragma omp parallel for schedule(dynamic) num_threads(f->nthreads)
    for (int s1 = 0; s1 < ns; ++s1) {
        os_eri *e = f->eri[omp_get_thread_num()];
        for (int s2 = 0; s2 <= s1; ++s2) {
            int n1 = bs->shells[s1].nbf, n2 = bs->shells[s2].nbf;
            const double *buf = os_eri_compute(e, s1, s2, s1, s2);
            double m = 0;
            for (int i = 0; i < n1; ++i)
                for (int j = 0; j < n2; ++j) {
                    int ij = i * n2 + j;
                    m = fmax(m, fabs(buf[(size_t)ij * n1 * n2 + ij]));
                }
            f->Q[s1 * ns + s2] = f->Q[s2 * ns + s1] = sqrt(m);
        }
    }
    double qmax = 0;
    for (int i = 0; i < ns * ns; ++i) qmax = fmax(qmax, f->Q[i]);
    f->npair = 0;
    for (int s1 = 0; s1 < ns; ++s1)
        for (int s2 = 0; s2 <= s1; ++s2)
            if (f->Q[s1 * ns + s2] * qmax >= thresh) {
                f->pairs[2 * f->npair] = s1;
                f->pairs[2 * f->npair + 1] = s2;
                ++f->npair;
            }
    *out = f;
    return OS_OK;
}

/* Largest |D| over the shell-pair blocks of all densities: drives density screening. */
static void shell_pair_dmax(const os_basis *bs, int nd, const double *D, double *Dm)
{
    int ns = bs->nshell, n = bs->nbf;
    for (int a = 0; a < ns; ++a)
        for (int b = 0; b <= a; ++b) {
            const os_shell *sa = &bs->shells[a], *sb = &bs->shells[b];
            double m = 0;
            for (int d = 0; d < nd; ++d)
                for (int i = sa->bf0; i < sa->bf0 + sa->nbf; ++i)
                    for (int j = sb->bf0; j < sb->bf0 + sb->nbf; ++j)
                        m = fmax(m, fabs(D[(size_t)d * n * n + (size_t)i * n + j]));
            Dm[a * ns + b] = Dm[b * ns + a] = m;
        }
}

os_status os_fock_jk(os_fock *f, int nd, const double *D, double *J, double *K, os_error *err)
{
    const os_basis *bs = f->bs;
    int n = bs->nbf, ns = bs->nshell, nt = f->nthreads;
    size_t n2 = (size_t)n * n, len = (size_t)nd * n2;
    int doJ = J != NULL, doK = K != NULL;
    double *Dm = os_zeros((size_t)ns * ns);
    /* Per-thread accumulators: threads never write to shared memory in the hot loop. */
    double *acc = os_zeros((size_t)nt * 2 * len);
    if (!Dm || !acc) {
        free(Dm);
        free(acc);
        return OS_NOMEM(err, "J/K accumulators");
    }
    shell_pair_dmax(bs, nd, D, Dm);
    const double thresh = f->thresh;
    const double *Q = f->Q;
    const int *pairs = f->pairs;
    const int npair = f->npair;

#pragma omp parallel num_threads(nt)
    {
        int tid = omp_get_thread_num();
        os_eri *eng = f->eri[tid];
        double *Jt = acc + (size_t)tid * 2 * len, *Kt = Jt + len;
#pragma omp for schedule(dynamic, 1)
        for (int p = npair - 1; p >= 0; --p) {
            int s1 = pairs[2 * p], s2 = pairs[2 * p + 1];
            const os_shell *A = &bs->shells[s1], *B = &bs->shells[s2];
            double q12 = Q[s1 * ns + s2];
            for (int q = 0; q <= p; ++q) {
                int s3 = pairs[2 * q], s4 = pairs[2 * q + 1];
                double bound = q12 * Q[s3 * ns + s4];
                if (bound < thresh) continue;
                double dmax = 0;
                if (doJ) dmax = fmax(4 * Dm[s1 * ns + s2], 4 * Dm[s3 * ns + s4]);
                if (doK)
                    dmax = fmax(dmax, fmax(fmax(Dm[s1 * ns + s3], Dm[s1 * ns + s4]),
                                           fmax(Dm[s2 * ns + s3], Dm[s2 * ns + s4])));
                if (bound * dmax < thresh) continue;
                const os_shell *C = &bs->shells[s3], *Dd = &bs->shells[s4];
                const double *buf = os_eri_compute(eng, s1, s2, s3, s4);
                double deg = (s1 == s2 ? 1.0 : 2.0) * (s3 == s4 ? 1.0 : 2.0) *
                             (p == q ? 1.0 : 2.0);
                int n1 = A->nbf, nb2 = B->nbf, n3 = C->nbf, n4 = Dd->nbf;
                for (int d = 0; d < nd; ++d) {
                    const double *Dd_ = D + (size_t)d * n2;
                    double *Jd = Jt + (size_t)d * n2, *Kd = Kt + (size_t)d * n2;
                    for (int i = 0, ijkl = 0; i < n1; ++i) {
                        int a = A->bf0 + i;
                        for (int j = 0; j < nb2; ++j) {
                            int b = B->bf0 + j;
                            double Dab = Dd_[a * n + b], Jab = 0;
                            for (int k = 0; k < n3; ++k) {
                                int c = C->bf0 + k;
                                double Dac = Dd_[a * n + c], Dbc = Dd_[b * n + c];
                                double Kac = 0, Kbc = 0;
                                for (int l = 0; l < n4; ++l, ++ijkl) {
                                    int dd = Dd->bf0 + l;
                                    double v = buf[ijkl] * deg;
                                    if (doJ) {
                                        Jab += Dd_[c * n + dd] * v;
                                        Jd[c * n + dd] += Dab * v;
                                    }
                                    if (doK) {
                                        Kac += Dd_[b * n + dd] * v;
                                        Kbc += Dd_[a * n + dd] * v;
                                        Kd[b * n + dd] += Dac * v;
                                        Kd[a * n + dd] += Dbc * v;
                                    }
                                }
                                if (doK) {
                                    Kd[a * n + c] += Kac;
                                    Kd[b * n + c] += Kbc;
                                }
                            }
                            if (doJ) Jd[a * n + b] += Jab;
                        }
                    }
                }
            }
        }
    }

    /* Reduce thread copies, then restore the transposes the unique-quartet
     * loop skipped (J: 1/4, K: 1/8, see the file comment). */
    for (int t = 1; t < nt; ++t) {
        double *src = acc + (size_t)t * 2 * len;
        for (size_t k = 0; k < 2 * len; ++k) acc[k] += src[k];
    }
    for (int d = 0; d < nd; ++d) {
        double *Ja = acc + (size_t)d * n2, *Ka = acc + len + (size_t)d * n2;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                if (doJ) J[(size_t)d * n2 + i * n + j] = 0.25 * (Ja[i * n + j] + Ja[j * n + i]);
                if (doK) K[(size_t)d * n2 + i * n + j] = 0.125 * (Ka[i * n + j] + Ka[j * n + i]);
            }
    }
    free(Dm);
    free(acc);
    return OS_OK;
}

os_status os_fock_jk_naive(const os_basis *bs, double omega, int nd, const double *D, double *J,
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
