/* The four-centre J/K builder: shell quartets with 8-fold permutational
 * symmetry, Schwarz and density screening, OpenMP with per-thread
 * accumulation, an in-core integral cache within a memory budget
 * (semi-direct), and incremental builds from the change in density.
 *
 * Each unique quartet (s1 s2|s3 s4) with s1>=s2, s3>=s4, (s1s2)>=(s3s4) is
 * computed once and scattered to the J and K elements it touches, scaled by
 * its degeneracy; symmetrizing at the end restores the missing transposes
 * (the same bookkeeping as libint's hartree-fock example). */
#include "jk/jk.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lanes.h"
#include "integrals/integrals.h"
#include "core/linalg.h"
#include "core/threads.h"

/* One integral kernel (1/r12 or erf(omega r12)/r12) and its cache. */
typedef struct {
    const os_basis *bs;
    double omega, thresh;
    int nthreads;
    double *Q;        /* nshell^2: sqrt(max |(ab|ab)|) per shell pair */
    int npair;
    int *pairs;       /* 2*npair: significant (s1, s2), s1 >= s2 */
    os_eri **eri;     /* one engine per thread */
    long last_quartets; /* quartets computed by the last build */
    /* In-core cache (semi-direct SCF): the integrals of the first ncached
     * bra pairs, in loop order, filled by the first build and read after. */
    int ncached;
    size_t *cache_off;  /* ncached+1 offsets into cache, doubles */
    double *cache;
    int cache_filled;
} quartets;

static void quartets_free(quartets *f)
{
    if (!f) return;
    if (f->eri)
        for (int t = 0; t < f->nthreads; ++t) os_eri_free(f->eri[t]);
    free(f->eri);
    free(f->Q);
    free(f->pairs);
    free(f->cache_off);
    free(f->cache);
    free(f);
}

/* Integrals surviving Schwarz screening for bra pair p, in doubles. */
static size_t pair_cache_size(const quartets *f, int p)
{
    const os_basis *bs = f->bs;
    int ns = bs->nshell;
    int s1 = f->pairs[2 * p], s2 = f->pairs[2 * p + 1];
    double q12 = f->Q[s1 * ns + s2];
    size_t n12 = (size_t)bs->shells[s1].nbf * bs->shells[s2].nbf, sz = 0;
    for (int q = 0; q <= p; ++q) {
        int s3 = f->pairs[2 * q], s4 = f->pairs[2 * q + 1];
        if (q12 * f->Q[s3 * ns + s4] >= f->thresh)
            sz += n12 * bs->shells[s3].nbf * bs->shells[s4].nbf;
    }
    return sz;
}

/* Cache as many bra pairs as fit in cache_bytes; on allocation failure run
 * fully direct (the cache only saves time). */
static void plan_cache(quartets *f, size_t cache_bytes)
{
    size_t budget = cache_bytes / sizeof(double);
    if (budget == 0) return;
    f->cache_off = malloc((size_t)(f->npair + 1) * sizeof(size_t));
    if (!f->cache_off) return;
    f->cache_off[0] = 0;
    int p = 0;
    for (; p < f->npair; ++p) {
        size_t next = f->cache_off[p] + pair_cache_size(f, p);
        if (next > budget) break;
        f->cache_off[p + 1] = next;
    }
    f->ncached = p;
    if (p == 0 || !(f->cache = os_big_alloc(f->cache_off[p] * sizeof(double)))) {
        f->ncached = 0;
        free(f->cache_off);
        f->cache_off = NULL;
    }
}

static size_t quartets_cache_bytes(const quartets *f)
{
    return f->ncached ? f->cache_off[f->ncached] * sizeof(double) : 0;
}

static os_status quartets_new(const os_basis *bs, double omega, double thresh, int nthreads,
                             size_t cache_bytes, quartets **out, os_error *err)
{
    *out = NULL;
    quartets *f = calloc(1, sizeof *f);
    if (!f) return OS_NOMEM(err, "J/K builder");
    int ns = bs->nshell;
    f->bs = bs;
    f->omega = omega;
    f->thresh = thresh;
    f->nthreads = nthreads > 0 ? nthreads : 1;
    f->Q = os_zeros((size_t)ns * ns);
    f->pairs = malloc((size_t)ns * (ns + 1) * sizeof(int));
    f->eri = calloc((size_t)f->nthreads, sizeof(os_eri *));
    if (!f->Q || !f->pairs || !f->eri) {
        quartets_free(f);
        return OS_NOMEM(err, "J/K builder");
    }
    os_status st = OS_OK;
    for (int t = 0; t < f->nthreads && st == OS_OK; ++t) st = os_eri_new(bs, omega, &f->eri[t], err);
    if (st != OS_OK) {
        quartets_free(f);
        return st;
    }

    /* Schwarz factors: |(ab|cd)| <= Q_ab Q_cd. */
    if ((st = os_eri_schwarz(bs, omega, f->nthreads, f->Q, err)) != OS_OK) {
        quartets_free(f);
        return st;
    }
    f->npair = os_jk_significant_pairs(bs, f->Q, thresh, f->pairs);
    plan_cache(f, cache_bytes);
    *out = f;
    return OS_OK;
}

static inline double max2(double x, double y) { return x > y ? x : y; }

/* Add one unique quartet's integrals (times its degeneracy) to J and K.
 * Row pointers are hoisted so the innermost loop is a few streams; doJ/doK
 * are constants at each call, so the compiler emits three lean variants.
 * Ka and Kb may alias (a == b), hence no restrict on them. */
static inline void scatter(int n, const os_shell *A, const os_shell *B, const os_shell *C,
                           const os_shell *E, const double *restrict buf, double deg,
                           const double *restrict D, double *restrict J, double *K, int doJ,
                           int doK)
{
    const int d0 = E->bf0, n4 = E->nbf;
    for (int i = 0; i < A->nbf; ++i) {
        const int a = A->bf0 + i;
        const double *restrict Da = D + (size_t)a * n + d0;
        double *Ka = K + (size_t)a * n + d0;
        for (int j = 0; j < B->nbf; ++j) {
            const int b = B->bf0 + j;
            const double *restrict Db = D + (size_t)b * n + d0;
            double *Kb = K + (size_t)b * n + d0;
            const double Dab = D[(size_t)a * n + b] * deg;
            double Jab = 0;
            for (int k = 0; k < C->nbf; ++k, buf += n4) {
                const int c = C->bf0 + k;
                const double *restrict Dc = D + (size_t)c * n + d0;
                double *restrict Jc = J + (size_t)c * n + d0;
                const double Dac = D[(size_t)a * n + c] * deg, Dbc = D[(size_t)b * n + c] * deg;
                double Kac = 0, Kbc = 0;
                for (int l = 0; l < n4; ++l) {
                    const double x = buf[l];
                    if (doJ) {
                        Jab += Dc[l] * x;
                        Jc[l] += Dab * x;
                    }
                    if (doK) {
                        Kac += Db[l] * x;
                        Kbc += Da[l] * x;
                        Kb[l] += Dac * x;
                        Ka[l] += Dbc * x;
                    }
                }
                if (doK) {
                    K[(size_t)a * n + c] += Kac * deg;
                    K[(size_t)b * n + c] += Kbc * deg;
                }
            }
            if (doJ) J[(size_t)a * n + b] += Jab * deg;
        }
    }
}

static os_status quartets_jk(quartets *f, int nd, const double *D, double *J, double *K, os_error *err)
{
    const os_basis *bs = f->bs;
    int n = bs->nbf, ns = bs->nshell;
    size_t n2 = (size_t)n * n, len = (size_t)nd * n2;
    int doJ = J != NULL, doK = K != NULL;
    /* Per-lane accumulators (core/lanes.h): threads never write to shared
     * memory in the hot loop, and J, K are the same on any thread count. */
    const int lanes = os_lanes(f->npair, 2 * len * sizeof(double));
    /* Unique quartets to screen: tiny molecules run on one thread. */
    const int nt = os_threads_for(os_threads_for(f->nthreads, (long)f->npair * (f->npair + 1) / 2, 2048),
                                  lanes, 1);
    double *Dm = os_zeros((size_t)ns * ns);
    double *acc = os_zeros((size_t)lanes * 2 * len);
    if (!Dm || !acc) {
        free(Dm);
        free(acc);
        return OS_NOMEM(err, "J/K accumulators");
    }
    os_jk_shell_pair_max(bs, nd, D, Dm);
    const double thresh = f->thresh;
    const double *Q = f->Q;
    const int *pairs = f->pairs;
    const int npair = f->npair;
    const int fill = f->ncached > 0 && !f->cache_filled;

    long nq = 0;
#pragma omp parallel num_threads(nt) reduction(+ : nq)
    {
        os_eri *eng = f->eri[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (int l = 0; l < lanes; ++l)
        for (int p = npair - 1 - l; p >= 0; p -= lanes) {
            double *Jt = acc + (size_t)l * 2 * len, *Kt = Jt + len;
            int s1 = pairs[2 * p], s2 = pairs[2 * p + 1];
            const os_shell *A = &bs->shells[s1], *B = &bs->shells[s2];
            double q12 = Q[s1 * ns + s2];
            int cached = p < f->ncached;
            double *cp = cached ? f->cache + f->cache_off[p] : NULL;
            for (int q = 0; q <= p; ++q) {
                int s3 = pairs[2 * q], s4 = pairs[2 * q + 1];
                double bound = q12 * Q[s3 * ns + s4];
                if (bound < thresh) continue;
                const os_shell *C = &bs->shells[s3], *Dd = &bs->shells[s4];
                size_t nq4 = (size_t)A->nbf * B->nbf * C->nbf * Dd->nbf;
                /* Cached quartets are read back whole: reading is cheaper
                 * than deciding to skip.  Direct ones are screened by density. */
                if (!cached) {
                    double dmax = 0;
                    if (doJ) dmax = 4 * max2(Dm[s1 * ns + s2], Dm[s3 * ns + s4]);
                    if (doK)
                        dmax = max2(dmax, max2(max2(Dm[s1 * ns + s3], Dm[s1 * ns + s4]),
                                               max2(Dm[s2 * ns + s3], Dm[s2 * ns + s4])));
                    if (bound * dmax < thresh) continue;
                }
                const double *buf;
                if (cached && !fill) {
                    buf = cp;
                } else {
                    buf = os_eri_compute(eng, s1, s2, s3, s4);
                    ++nq;
                    if (cached) memcpy(cp, buf, nq4 * sizeof(double));
                }
                if (cached) cp += nq4;
                double deg = (s1 == s2 ? 1.0 : 2.0) * (s3 == s4 ? 1.0 : 2.0) *
                             (p == q ? 1.0 : 2.0);
                for (int d = 0; d < nd; ++d) {
                    const double *Dd_ = D + (size_t)d * n2;
                    double *Jd = Jt + (size_t)d * n2, *Kd = Kt + (size_t)d * n2;
                    if (doJ && doK)
                        scatter(n, A, B, C, Dd, buf, deg, Dd_, Jd, Kd, 1, 1);
                    else if (doJ)
                        scatter(n, A, B, C, Dd, buf, deg, Dd_, Jd, Kd, 1, 0);
                    else
                        scatter(n, A, B, C, Dd, buf, deg, Dd_, Jd, Kd, 0, 1);
                }
            }
        }
    }

    f->last_quartets = nq;
    if (fill) f->cache_filled = 1;
    /* Add the lanes, then restore the transposes the unique-quartet loop
     * skipped (J: 1/4, K: 1/8, see the file comment). */
    for (int l = 1; l < lanes; ++l) {
        double *src = acc + (size_t)l * 2 * len;
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


/* ------------------------------------------------------------ the builder */

/* Incremental builds accumulate screening error; rebuild from scratch this often. */
#define FULL_REBUILD_EVERY 8

typedef struct {
    os_jk base;
    quartets *full, *lr; /* 1/r12 (J, K) and erf(omega r12)/r12 (Klr) */
    int want_k, want_klr;
    int ncall, nspin;
    /* Per-spin accumulated J, K, Klr and the density they belong to. */
    double *Dprev, *dD, *Js, *Ks, *Klrs, *dJ, *dK;
} jk_direct;

static void direct_free(os_jk *base)
{
    jk_direct *d = (jk_direct *)base;
    quartets_free(d->full);
    quartets_free(d->lr);
    free(d->Dprev);
    free(d->dD);
    free(d->Js);
    free(d->Ks);
    free(d->Klrs);
    free(d->dJ);
    free(d->dK);
    free(d);
}

static os_status direct_alloc(jk_direct *d, int nspin, os_error *err)
{
    size_t len = (size_t)nspin * d->base.nbf * d->base.nbf;
    double **bufs[] = {&d->Dprev, &d->dD, &d->Js, &d->Ks, &d->Klrs, &d->dJ, &d->dK};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) {
        free(*bufs[i]);
        *bufs[i] = os_zeros(len);
        if (!*bufs[i]) return OS_NOMEM(err, "J/K accumulators");
    }
    d->nspin = nspin;
    d->ncall = 0;
    return OS_OK;
}

/* d_acc = full ? d_new : d_acc + d_new */
static void accumulate(size_t len, int full, const double *d_new, double *d_acc)
{
    for (size_t k = 0; k < len; ++k) d_acc[k] = full ? d_new[k] : d_acc[k] + d_new[k];
}

static os_status direct_build(os_jk *base, int nspin, const double *D, double *J, double *K,
                              double *Klr, os_error *err)
{
    jk_direct *d = (jk_direct *)base;
    size_t n2 = (size_t)base->nbf * base->nbf, len = nspin * n2;
    os_status st;
    if (nspin != d->nspin && (st = direct_alloc(d, nspin, err)) != OS_OK) return st;
    /* Contract the change in density since the last build; every
     * FULL_REBUILD_EVERY builds, the whole density. */
    int full = d->ncall++ % FULL_REBUILD_EVERY == 0;
    for (size_t k = 0; k < len; ++k) {
        d->dD[k] = full ? D[k] : D[k] - d->Dprev[k];
        d->Dprev[k] = D[k];
    }
    if ((st = quartets_jk(d->full, nspin, d->dD, d->dJ, d->want_k ? d->dK : NULL, err)) != OS_OK)
        return st;
    accumulate(len, full, d->dJ, d->Js);
    if (d->want_k) accumulate(len, full, d->dK, d->Ks);
    if (d->lr) {
        if ((st = quartets_jk(d->lr, nspin, d->dD, NULL, d->dK, err)) != OS_OK) return st;
        accumulate(len, full, d->dK, d->Klrs);
    }
    for (size_t k = 0; k < n2; ++k) J[k] = nspin == 1 ? 2 * d->Js[k] : d->Js[k] + d->Js[n2 + k];
    if (d->want_k && K) memcpy(K, d->Ks, len * sizeof(double));
    if (d->lr && Klr) memcpy(Klr, d->Klrs, len * sizeof(double));
    return OS_OK;
}

static size_t direct_memory(const os_jk *base)
{
    const jk_direct *d = (const jk_direct *)base;
    return quartets_cache_bytes(d->full) + (d->lr ? quartets_cache_bytes(d->lr) : 0);
}

static long direct_last_work(const os_jk *base)
{
    return ((const jk_direct *)base)->full->last_quartets;
}

static const os_jk_ops direct_ops = {"direct", direct_build, direct_memory, direct_last_work,
                                     direct_free};

os_status os_jk_direct_new(const os_basis *bs, const os_jk_options *opt, os_jk **out,
                           os_error *err)
{
    *out = NULL;
    jk_direct *d = calloc(1, sizeof *d);
    if (!d) return OS_NOMEM(err, "J/K builder");
    d->base.ops = &direct_ops;
    d->base.nbf = bs->nbf;
    d->want_k = opt->want_k;
    d->want_klr = opt->want_klr && opt->omega > 0.0;
    /* The cache budget is shared with the long-range kernel, if any. */
    size_t cache = opt->memory_bytes / (d->want_klr ? 2 : 1);
    os_status st = quartets_new(bs, 0.0, opt->schwarz, opt->nthreads, cache, &d->full, err);
    if (st == OS_OK && d->want_klr)
        st = quartets_new(bs, opt->omega, opt->schwarz, opt->nthreads, cache, &d->lr, err);
    if (st != OS_OK) {
        direct_free(&d->base);
        return st;
    }
    *out = &d->base;
    return OS_OK;
}
