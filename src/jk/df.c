/* Density-fitted J and K (RI-J, RI-K) in the Coulomb metric, as Psi4 1.3.2
 * makes them (tests/reference/df/README.md, section 2, has the formulas and
 * where Psi4 has them):
 *   M_PQ = (P|Q), conditioned as Psi4 does: eigenvalues a < 1e-10 a_max are
 *     dropped (Psi4's DF_FITTING_CONDITION; Cartesian fitting sets are
 *     near-singular).  Psi4 then applies M^-1/2; here the equivalent
 *     Cholesky factor L of the conditioned metric (df_metric says why);
 *   B^Q_mn = sum_P (L^-1)_QP (P|mn) over the function pairs m >= n, packed,
 *     of the shell pairs that pass the Schwarz test (Psi4 screens the same
 *     way; the others are zero);
 *   J = sum_Q B^Q (B^Q . D), D the total density;
 *   K_s = sum_Q (B^Q C_s)(B^Q C_s)^T with D_s = C_s C_s^T: the interface hands
 *     over densities, so each is factored by its eigenvectors (|lambda| above
 *     1e-10 of the largest kept; negative ones, which SCF densities do not
 *     have, with a minus sign);
 *   long-range K of range-separated hybrids: Psi4's one-sided fit (DiskDFJK),
 *     Klr'_s = (mi|P) M^-1 (P|w|ni) = sum_Q (B^Q C_s)(Bw^Q C_s)^T with
 *     Bw^Q = sum_P (L^-1)_QP (P|w|mn) the erf integrals fitted in the
 *     Coulomb metric, then Klr = (Klr' + Klr'^T)/2.  No erf metric.  (Its
 *     fitting error is larger than the robust fit's: docs/benchmarks.md.)
 * Storage: B (and Bw) stay in memory when they fit in memory_bytes ("in
 * core"); otherwise every build recomputes (P|mn) in batches of fitting
 * shells ("direct"), contracts them with D and C first, and applies the
 * metric to the contracted quantities: J from g = (P|mn) D, d = M^-1 g (a
 * second pass over the integrals), K from X^P = (P|mn) C fitted as L^-1 X.
 * Contractions are BLAS calls, threaded over batches of fitting functions
 * (BLAS itself single-threaded, see orbscreen.h). */
#include "jk/jk.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lanes.h"
#include "core/linalg.h"
#include "core/threads.h"
#include "integrals/integrals.h"

#define METRIC_CUTOFF 1e-10  /* Psi4's DF_FITTING_CONDITION default */
#define DENSITY_DROP 1e-10   /* density eigenvalues kept: |lambda| > this * max |lambda| */
#define CHUNK_COLUMNS 1024   /* packed columns per chunk of shell pairs (tensor build) */
#define K_BATCH_BYTES ((size_t)4 << 20) /* X block of the K contraction, per thread */
#define DIRECT_BATCH_BYTES ((size_t)256 << 20) /* (P|mn) rows per pass, direct mode */

typedef struct {
    os_jk base;
    const os_basis *bs, *aux;
    int n, naux, nthreads;
    int want_k, want_klr;
    double omega;
    size_t memory;     /* memory_bytes of the options */
    /* Packed columns: function pair (m, n), m >= n, is column m(m+1)/2 + n
     * (row m of the lower triangle is contiguous), npair = n(n+1)/2 columns.
     * Only shell pairs a >= b that pass the Schwarz test are computed (the
     * others stay zero): sp[2k], sp[2k+1], ordered by a. */
    size_t npair;
    int nsp;
    int *sp;
    /* chunks of consecutive first shells a: shell pairs chunk0[c] ..
     * chunk0[c+1]-1, columns ccol[c] .. ccol[c+1]-1 */
    int nchunk;
    int *chunk0;
    size_t *ccol;
    double *L;         /* naux^2: Cholesky factor (lower) of the conditioned metric */
    int ndropped;      /* metric eigenvalues dropped */
    double *B, *Bw;    /* in core: naux x npair, B and Bw (NULL: direct) */
    long last_work;
} jk_df;

static inline size_t pcol(int m, int n) { return (size_t)m * (m + 1) / 2 + (size_t)n; }

/* ------------------------------------------------------------- layout */

/* Shell pairs whose Schwarz factor can reach the threshold (as Psi4's sieve:
 * sqrt((mn|mn)) sqrt(max (kl|kl)) >= cutoff; os_jk_significant_pairs), and
 * chunks of whole rows of shells with about CHUNK_COLUMNS columns. */
static os_status df_layout(jk_df *d, double schwarz, os_error *err)
{
    const os_basis *bs = d->bs;
    int ns = bs->nshell;
    double *Q = os_zeros((size_t)ns * ns);
    d->sp = malloc((size_t)ns * (ns + 1) * sizeof(int));
    d->chunk0 = malloc(((size_t)ns + 1) * sizeof(int));
    d->ccol = malloc(((size_t)ns + 1) * sizeof(size_t));
    if (!Q || !d->sp || !d->chunk0 || !d->ccol) {
        free(Q);
        return OS_NOMEM(err, "density-fitting layout");
    }
    d->npair = pcol(d->n, 0);
    os_status st = os_eri_schwarz(bs, 0.0, d->nthreads, Q, err);
    if (st == OS_OK) {
        d->nsp = os_jk_significant_pairs(bs, Q, schwarz, d->sp); /* ordered by a */
        d->nchunk = 0;
        for (int a = 0, k = 0; a < ns; ++a) {
            size_t c0 = pcol(bs->shells[a].bf0, 0);
            if (a == 0 || c0 - d->ccol[d->nchunk - 1] >= CHUNK_COLUMNS) {
                d->chunk0[d->nchunk] = k;
                d->ccol[d->nchunk++] = c0;
            }
            while (k < d->nsp && d->sp[2 * k] == a) ++k;
        }
        d->chunk0[d->nchunk] = d->nsp;
        d->ccol[d->nchunk] = d->npair;
    }
    free(Q);
    return st;
}

/* Packed columns of symmetric A: A_mn (+ A_nm off the diagonal when sum). */
static void pack(const jk_df *d, const double *A, int sum, double *p)
{
    int n = d->n;
    for (int m = 0; m < n; ++m)
        for (int k = 0; k <= m; ++k)
            *p++ = sum && k != m ? A[(size_t)m * n + k] + A[(size_t)k * n + m] : A[(size_t)m * n + k];
}

/* n x n U from packed columns p: its lower triangle (m >= n), and with
 * `both` the upper one too. */
static void unpack(const jk_df *d, const double *p, int both, double *U)
{
    int n = d->n;
    for (int m = 0; m < n; ++m) {
        memcpy(U + (size_t)m * n, p + pcol(m, 0), (size_t)(m + 1) * sizeof(double));
        if (both)
            for (int k = 0; k < m; ++k) U[(size_t)k * n + m] = p[pcol(m, k)];
    }
}

/* ------------------------------------------------------------- metric */

/* The fitting metric as Psi4 conditions it, in a cheaper form.  Psi4 uses
 * M^+ = V a^-1 V^T over the eigenvalues a >= METRIC_CUTOFF a_max (through
 * M^-1/2).  Here M_c = M + sum_dropped (a_max - a_d) v_d v_d^T = L L^T: the
 * near-null directions get the weight 1/a_max instead of 0, which changes
 * J and K by ~a_d/a_max ~ 1e-10 relative, far below what the cutoff itself
 * changes (1e-7 Eh on acetate/6-31+G*, where an unconditioned Cholesky
 * factor differs from Psi4).  Applying L^-1 (a triangular solve) costs half
 * of applying M^-1/2 (a full product): that is the tensor build's main cost.
 * The eigendecomposition is skipped when LAPACK's condition estimate of M
 * (an upper bound on a_max/a_min, up to its estimation error) is far below
 * 1/METRIC_CUTOFF: then nothing would be dropped and M_c = M. */
#define SAFE_CONDITION (1e-2 / METRIC_CUTOFF)

os_status os_jk_df_metric(const os_basis *aux, int nthreads, double *L, int *ndropped,
                          os_error *err)
{
    int na = aux->nbf;
    size_t n2 = (size_t)na * na;
    double *M = malloc(n2 * sizeof(double)), *a = malloc((size_t)na * sizeof(double));
    if (!M || !a) {
        free(M);
        free(a);
        return OS_NOMEM(err, "fitting metric");
    }
    os_status st = os_eri2_matrix(aux, 0.0, nthreads, M, err);
    double rcond = 0.0;
    if (st == OS_OK) {
        memcpy(L, M, n2 * sizeof(double));
        double anorm = LAPACKE_dlange(LAPACK_ROW_MAJOR, '1', na, na, M, na);
        if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', na, L, na) != 0 ||
            LAPACKE_dpocon(LAPACK_ROW_MAJOR, 'L', na, L, na, anorm, &rcond) != 0)
            rcond = 0.0;
    }
    *ndropped = 0;
    if (st == OS_OK && !(rcond * SAFE_CONDITION > 1.0)) {
        memcpy(L, M, n2 * sizeof(double));
        st = os_eigh(na, L, a, err); /* eigenvectors in the columns of L */
        double amax = fmax(fabs(a[0]), fabs(a[na - 1]));
        for (int k = 0; st == OS_OK && k < na && a[k] < METRIC_CUTOFF * amax; ++k, ++*ndropped)
            cblas_dsyr(CblasRowMajor, CblasLower, na, amax - a[k], L + k, na, M, na);
        if (st == OS_OK) {
            memcpy(L, M, n2 * sizeof(double));
            if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', na, L, na) != 0)
                st = os_fail(err, OS_ERR_NUMERIC,
                             "fitting metric of %s: Cholesky failed after dropping %d "
                             "eigenvalues", aux->name, *ndropped);
        }
    }
    free(M);
    free(a);
    return st;
}

static os_status df_metric(jk_df *d, os_error *err)
{
    d->L = malloc((size_t)d->naux * d->naux * sizeof(double));
    if (!d->L) return OS_NOMEM(err, "fitting metric");
    return os_jk_df_metric(d->aux, d->nthreads, d->L, &d->ndropped, err);
}

/* B <- L^-1 B for rows x cols B with leading dimension ld. */
static void fit_rows(const jk_df *d, double *B, int cols, size_t ld)
{
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, d->naux, cols,
                1.0, d->L, d->naux, B, (int)ld);
}

/* ------------------------------------------------------ three-index rows */

/* (P|mn) for the fitting shells p0..p1-1 and the shell pairs of chunk c into
 * T[(row of P) * ld + (column - first column of the chunk)]; rows count from
 * the first function of shell p0.  Screened pairs are not written. */
static void three_index_block(const jk_df *d, os_eri3 *e, int p0, int p1, int c, double *T,
                              size_t ld)
{
    const os_shell *sh = d->bs->shells, *ax = d->aux->shells;
    int f0 = ax[p0].bf0;
    size_t cbase = d->ccol[c];
    for (int k = d->chunk0[c]; k < d->chunk0[c + 1]; ++k) {
        int a = d->sp[2 * k], b = d->sp[2 * k + 1];
        int na = sh[a].nbf, nb = sh[b].nbf;
        for (int P = p0; P < p1; ++P) {
            const double *Iv = os_eri3_compute(e, P, a, b);
            for (int p = 0; p < ax[P].nbf; ++p) {
                double *row = T + (size_t)(ax[P].bf0 + p - f0) * ld - cbase;
                const double *Ip = Iv + (size_t)p * na * nb;
                for (int i = 0; i < na; ++i) {
                    int jmax = a == b ? i + 1 : nb;
                    memcpy(row + pcol(sh[a].bf0 + i, sh[b].bf0), Ip + i * nb,
                           (size_t)jmax * sizeof(double));
                }
            }
        }
    }
}

/* Per-thread three-centre engines (1/r12 with omega 0, else erf). */
static os_status engines_new(const jk_df *d, double omega, int nt, os_eri3 ***out, os_error *err)
{
    os_eri3 **e = calloc((size_t)nt, sizeof *e);
    if (!e) return OS_NOMEM(err, "3-centre engines");
    os_status st = OS_OK;
    for (int t = 0; t < nt && st == OS_OK; ++t) st = os_eri3_new(d->aux, d->bs, omega, &e[t], err);
    *out = e;
    return st;
}

static void engines_free(os_eri3 **e, int nt)
{
    if (!e) return;
    for (int t = 0; t < nt; ++t) os_eri3_free(e[t]);
    free(e);
}

/* (P|mn) rows of the fitting shells p0..p1-1 over every column, into T
 * (rows x npair), threaded over chunks of shell pairs. */
static void three_index_rows(const jk_df *d, os_eri3 **eng, int nt, int p0, int p1, double *T)
{
#pragma omp parallel for schedule(dynamic) num_threads(nt)
    for (int c = 0; c < d->nchunk; ++c)
        three_index_block(d, eng[omp_get_thread_num()], p0, p1, c, T + d->ccol[c], d->npair);
}

/* In core: B = L^-1 (P|mn) and, for the long-range K, Bw = L^-1 (P|w|mn).
 * The raw integrals are computed while one thread factors the metric (its
 * eigendecomposition is serial LAPACK), then fitted chunk by chunk. */
static os_status tensors_in_core(jk_df *d, os_error *err)
{
    size_t na = (size_t)d->naux, np = d->npair;
    int nt = os_threads_for(d->nthreads, d->nchunk, 1), ntensor = d->want_klr ? 2 : 1;
    int njob = ntensor * d->nchunk;
    double *T[2] = {NULL, NULL};
    os_eri3 **eng[2] = {NULL, NULL};
    os_status st = OS_OK, st_metric = OS_OK;
    os_error err_metric;
    for (int t = 0; t < ntensor && st == OS_OK; ++t) {
        T[t] = os_big_alloc(na * np * sizeof(double));
        st = T[t] ? engines_new(d, t ? d->omega : 0.0, nt, &eng[t], err)
                  : OS_NOMEM(err, "three-index tensor");
    }
    if (st == OS_OK) {
#pragma omp parallel num_threads(nt)
        {
#pragma omp single nowait
            st_metric = df_metric(d, &err_metric);
#pragma omp for schedule(dynamic)
            for (int job = 0; job < njob; ++job) {
                int t = job / d->nchunk, c = job % d->nchunk;
                size_t c0 = d->ccol[c], w = d->ccol[c + 1] - c0;
                for (size_t r = 0; r < na; ++r) /* screened pairs: zero */
                    memset(T[t] + r * np + c0, 0, w * sizeof(double));
                three_index_block(d, eng[t][omp_get_thread_num()], 0, d->aux->nshell, c,
                                  T[t] + c0, np);
            }
        }
        if (st_metric != OS_OK) {
            st = st_metric;
            if (err) *err = err_metric;
        }
    }
    if (st == OS_OK) {
#pragma omp parallel for schedule(dynamic) num_threads(nt)
        for (int job = 0; job < njob; ++job) {
            int t = job / d->nchunk, c = job % d->nchunk;
            fit_rows(d, T[t] + d->ccol[c], (int)(d->ccol[c + 1] - d->ccol[c]), np);
        }
    }
    for (int t = 0; t < 2; ++t) engines_free(eng[t], nt);
    if (st != OS_OK) {
        free(T[0]);
        free(T[1]);
        T[0] = T[1] = NULL;
    }
    d->B = T[0];
    d->Bw = T[1];
    return st;
}

/* ---------------------------------------------------- density factors */

typedef os_density_factor density_factor;

os_status os_jk_factor_density(int n, const double *D, os_density_factor *f, double *V,
                               double *w, os_error *err)
{
    memcpy(V, D, (size_t)n * n * sizeof(double));
    os_status st = os_eigh(n, V, w, err);
    if (st != OS_OK) return st;
    double wmax = fmax(fabs(w[0]), fabs(w[n - 1]));
    int order[2] = {1, -1};
    f->k = f->kpos = 0;
    for (int pass = 0; pass < 2; ++pass)
        for (int e = n - 1; e >= 0; --e) {
            if (!(fabs(w[e]) > DENSITY_DROP * wmax) || (w[e] > 0) != (order[pass] > 0)) continue;
            double s = sqrt(fabs(w[e]));
            for (int i = 0; i < n; ++i) f->C[(size_t)i * n + f->k] = V[(size_t)i * n + e] * s;
            ++f->k;
            if (pass == 0) ++f->kpos;
        }
    /* compact to n x k */
    for (int i = 0; i < n; ++i)
        memmove(f->C + (size_t)i * f->k, f->C + (size_t)i * n, (size_t)f->k * sizeof(double));
    return OS_OK;
}

/* ---------------------------------------------------------- K from X */

/* K accumulation, block by block of nq fitting functions: a thread's
 * scratch holds the fitted X_s = B^Q C_s side by side (n x nq*k_s, leading
 * dimension ldx) and, for the long-range K, Y_s = Bw^Q C_s likewise; the
 * sums go to the block's lane (core/lanes.h), so that K is the same on any
 * number of threads. */
typedef struct {
    double *U, *X, *Y, *Xs; /* n^2; n x ldx (X, Y, signed X) */
} k_work;

/* The lanes' partial sums: per lane J (npair), then K and Klr (nspin n^2 each). */
typedef struct {
    int lanes;
    size_t len; /* doubles per lane */
    double *sum;
} k_lanes;

static double *lane_j(const k_lanes *a, int l) { return a->sum + (size_t)l * a->len; }
static double *lane_k(const jk_df *d, const k_lanes *a, int l)
{
    return lane_j(a, l) + d->npair;
}
static double *lane_klr(const jk_df *d, int nspin, const k_lanes *a, int l)
{
    return lane_k(d, a, l) + (size_t)nspin * d->n * d->n;
}

static os_status k_lanes_new(const jk_df *d, int nspin, int nblock, k_lanes *a, os_error *err)
{
    size_t n2 = (size_t)d->n * d->n;
    a->len = d->npair + (size_t)nspin * n2 * (d->want_klr ? 2 : 1);
    a->lanes = os_lanes(nblock, a->len * sizeof(double));
    a->sum = os_zeros((size_t)a->lanes * a->len);
    return a->sum ? OS_OK : OS_NOMEM(err, "exchange lanes");
}

/* Columns c0 <= c < c1 of each fitting function's k columns of X (n x nq*k,
 * leading dimension ldx), side by side into T (n x nq*(c1-c0)). */
static void gather_columns(int n, int nq, int k, int c0, int c1, const double *X, size_t ldx,
                           double *T)
{
    size_t m = (size_t)(c1 - c0), w = (size_t)nq * m;
    for (int i = 0; i < n; ++i)
        for (int q = 0; q < nq; ++q)
            memcpy(T + (size_t)i * w + (size_t)q * m, X + (size_t)i * ldx + (size_t)q * k + c0,
                   m * sizeof(double));
}

static void k_accumulate(const jk_df *d, int nspin, const density_factor *f, int nq, size_t ldx,
                         const k_work *w, double *Kl, double *Klrl)
{
    int n = d->n;
    size_t n2 = (size_t)n * n;
    for (int s = 0; s < nspin; ++s) {
        const double *X = w->X + (size_t)s * n * ldx, *Y = w->Y ? w->Y + (size_t)s * n * ldx : NULL;
        int k = f[s].k, kpos = f[s].kpos, kneg = k - kpos, width = nq * k;
        if (width == 0) continue;
        if (d->want_k && kneg == 0) {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, width, 1.0, X, (int)ldx,
                        1.0, Kl + s * n2, n);
        } else if (d->want_k) {
            /* an indefinite density (the stability check's rotations):
             * K = X+ X+^T - X- X-^T, two rank updates of one triangle each,
             * half the flops of X (X diag(sign))^T */
            double *Tp = w->Xs, *Tn = w->Xs + (size_t)n * nq * kpos;
            gather_columns(n, nq, k, 0, kpos, X, ldx, Tp);
            gather_columns(n, nq, k, kpos, k, X, ldx, Tn);
            if (kpos > 0)
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, nq * kpos, 1.0, Tp,
                            nq * kpos, 1.0, Kl + s * n2, n);
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, nq * kneg, -1.0, Tn,
                        nq * kneg, 1.0, Kl + s * n2, n);
        }
        if (Y) { /* X diag(sign) Y^T: negate the columns of negative eigenvalues */
            const double *Xs = X;
            if (kneg > 0) {
                double *t = w->Xs;
                for (int i = 0; i < n; ++i)
                    for (int q = 0; q < nq; ++q)
                        for (int c = 0; c < k; ++c) {
                            size_t o = (size_t)i * ldx + (size_t)q * k + c;
                            t[o] = c < kpos ? X[o] : -X[o];
                        }
                Xs = t;
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, width, 1.0, Xs, (int)ldx,
                        Y, (int)ldx, 1.0, Klrl + s * n2, n);
        }
    }
}

/* Fitting functions per K block so that one spin's X block is ~K_BATCH_BYTES. */
static int k_batch(const jk_df *d, const density_factor *f, int nspin)
{
    int kmax = 1;
    for (int s = 0; s < nspin; ++s)
        if (f[s].k > kmax) kmax = f[s].k;
    size_t per = (size_t)d->n * kmax * sizeof(double);
    int nq = (int)(K_BATCH_BYTES / per);
    if (nq < 1) nq = 1;
    if (nq > d->naux) nq = d->naux;
    return nq;
}

static void k_work_free(k_work *w, int nt)
{
    if (!w) return;
    for (int t = 0; t < nt; ++t) {
        free(w[t].U);
        free(w[t].X);
        free(w[t].Y);
        free(w[t].Xs);
    }
    free(w);
}

static os_status k_work_new(const jk_df *d, int nspin, int nt, size_t ldx, k_work **out,
                            os_error *err)
{
    size_t n = (size_t)d->n, n2 = n * n;
    *out = NULL;
    k_work *w = calloc((size_t)nt, sizeof *w);
    int ok = w != NULL;
    for (int t = 0; ok && t < nt; ++t) {
        w[t].U = os_zeros(n2);
        w[t].X = malloc((size_t)nspin * n * ldx * sizeof(double));
        w[t].Xs = malloc(n * ldx * sizeof(double));
        ok = w[t].U && w[t].X && w[t].Xs;
        if (ok && d->want_klr) {
            w[t].Y = malloc((size_t)nspin * n * ldx * sizeof(double));
            ok = w[t].Y != NULL;
        }
    }
    if (!ok) {
        k_work_free(w, nt);
        return OS_NOMEM(err, "exchange work space");
    }
    *out = w;
    return OS_OK;
}

/* Sum the lanes' K (upper triangle when built by dsyrk) into K and Klr. */
static void k_reduce(const jk_df *d, int nspin, const k_lanes *a, double *K, double *Klr)
{
    int n = d->n;
    size_t n2 = (size_t)n * n;
    if (d->want_k && K) os_lanes_sum(a->lanes, nspin * n2, a->len, lane_k(d, a, 0), K);
    if (d->want_klr && Klr) os_lanes_sum(a->lanes, nspin * n2, a->len, lane_klr(d, nspin, a, 0), Klr);
    for (int s = 0; s < nspin; ++s) {
        if (d->want_k && K) {
            double *Ks = K + s * n2;
            for (int i = 0; i < n; ++i) /* built in the upper triangle */
                for (int j = 0; j < i; ++j) Ks[(size_t)i * n + j] = Ks[(size_t)j * n + i];
        }
        if (d->want_klr && Klr)
            os_symmetrize(n, Klr + s * n2); /* Psi4's hermitivitize() of the one-sided fit */
    }
}

/* ------------------------------------------------------------ in core */

/* J_p = B^T (B D_p), threaded over rows, then columns. */
static void j_incore(const jk_df *d, const double *Dp, double *g, double *Jp)
{
    int na = d->naux, nt = os_threads_for(d->nthreads, na, 16);
    size_t np = d->npair;
#pragma omp parallel for num_threads(nt)
    for (int Q = 0; Q < na; ++Q) g[Q] = cblas_ddot((int)np, d->B + (size_t)Q * np, 1, Dp, 1);
    int nb = (int)((np + CHUNK_COLUMNS - 1) / CHUNK_COLUMNS);
#pragma omp parallel for num_threads(os_threads_for(d->nthreads, nb, 4))
    for (int b = 0; b < nb; ++b) {
        size_t c0 = (size_t)b * CHUNK_COLUMNS, w = np - c0 < CHUNK_COLUMNS ? np - c0 : CHUNK_COLUMNS;
        cblas_dgemv(CblasRowMajor, CblasTrans, na, (int)w, 1.0, d->B + c0, (int)np, g, 1, 0.0,
                    Jp + c0, 1);
    }
}

/* X_s = U C_s for the packed row p of a three-index tensor, U its symmetric
 * matrix (only the lower triangle is unpacked into the scratch U), X_s to
 * dst[s] with leading dimension ld[s]. */
static void row_times_factors(const jk_df *d, const double *p, double *U, int nspin,
                              const density_factor *f, double *const *dst, const size_t *ld)
{
    int n = d->n;
    unpack(d, p, 0, U);
    for (int s = 0; s < nspin; ++s)
        if (f[s].k > 0)
            cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, n, f[s].k, 1.0, U, n, f[s].C, f[s].k,
                        0.0, dst[s], (int)ld[s]);
}

/* J (into Jp, from the packed density Dp) and K, Klr from the stored
 * tensors in one pass over them, threaded over blocks of fitting functions. */
static os_status jk_incore(jk_df *d, int nspin, const density_factor *f, const double *Dp,
                           double *Jp, double *K, double *Klr, os_error *err)
{
    int n = d->n, na = d->naux, nq = k_batch(d, f, nspin);
    int nblock = (na + nq - 1) / nq, kmax = 1;
    size_t np = d->npair;
    for (int s = 0; s < nspin; ++s)
        if (f[s].k > kmax) kmax = f[s].k;
    size_t ldx = (size_t)nq * kmax, ld[2] = {ldx, ldx};
    k_work *w = NULL;
    k_lanes acc = {0};
    os_status st = k_lanes_new(d, nspin, nblock, &acc, err);
    int nt = os_threads_for(d->nthreads, acc.lanes, 1);
    if (st == OS_OK) st = k_work_new(d, nspin, nt, ldx, &w, err);
    if (st != OS_OK) {
        free(acc.sum);
        return st;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (int l = 0; l < acc.lanes; ++l) {
        k_work *tw = &w[omp_get_thread_num()];
        double *Jl = lane_j(&acc, l);
        for (int b = l; b < nblock; b += acc.lanes) {
            int Q0 = b * nq, nqb = na - Q0 < nq ? na - Q0 : nq;
            for (int q = 0; q < nqb; ++q) {
                const double *row = d->B + (size_t)(Q0 + q) * np;
                /* J: d_Q = B^Q . D, J += d_Q B^Q while the row is in cache */
                cblas_daxpy((int)np, cblas_ddot((int)np, row, 1, Dp, 1), row, 1, Jl, 1);
                double *x[2], *y[2];
                for (int s = 0; s < nspin; ++s) {
                    x[s] = tw->X + (size_t)s * n * ldx + (size_t)q * f[s].k;
                    if (tw->Y) y[s] = tw->Y + (size_t)s * n * ldx + (size_t)q * f[s].k;
                }
                row_times_factors(d, row, tw->U, nspin, f, x, ld);
                if (d->want_klr)
                    row_times_factors(d, d->Bw + (size_t)(Q0 + q) * np, tw->U, nspin, f, y, ld);
            }
            k_accumulate(d, nspin, f, nqb, ldx, tw, lane_k(d, &acc, l), lane_klr(d, nspin, &acc, l));
        }
    }
    os_lanes_sum(acc.lanes, np, acc.len, acc.sum, Jp);
    k_reduce(d, nspin, &acc, K, Klr);
    k_work_free(w, nt);
    free(acc.sum);
    return OS_OK;
}

/* ------------------------------------------------------------- direct */

/* Fitting shells per pass so that a pass's (P|mn) rows stay within the
 * memory budget (at most DIRECT_BATCH_BYTES; at least one shell). */
static int direct_pass_end(const jk_df *d, int p0)
{
    size_t budget = d->memory < DIRECT_BATCH_BYTES ? d->memory : DIRECT_BATCH_BYTES;
    size_t rows = 0, max_rows = budget / (d->npair * sizeof(double));
    int p = p0;
    do rows += (size_t)d->aux->shells[p++].nbf;
    while (p < d->aux->nshell && rows + (size_t)d->aux->shells[p].nbf <= max_rows);
    return p;
}

/* X_s^P = (P|x|mn) C_s for the rows of T (fitting functions f0..f0+rows-1),
 * into Xall_s (naux x n x k_s). */
static void contract_rows(const jk_df *d, int nspin, const density_factor *f, const double *T,
                          int f0, int rows, double *const *Xall, double *U, int nt)
{
    int n = d->n;
    size_t ld[2] = {(size_t)f[0].k, (size_t)f[nspin - 1].k};
#pragma omp parallel for schedule(dynamic) num_threads(nt)
    for (int r = 0; r < rows; ++r) {
        double *dst[2];
        for (int s = 0; s < nspin; ++s) dst[s] = Xall[s] + (size_t)(f0 + r) * n * f[s].k;
        row_times_factors(d, T + (size_t)r * d->npair, U + (size_t)omp_get_thread_num() * n * n,
                          nspin, f, dst, ld);
    }
}

/* J and K recomputing (P|mn) (see the file comment). */
static os_status build_direct(jk_df *d, int nspin, const double *Dp, const density_factor *f,
                              double *g, double *Jp, double *K, double *Klr, os_error *err)
{
    int n = d->n, na = d->naux, nas = d->aux->nshell;
    int nt = os_threads_for(d->nthreads, d->nchunk, 1);
    int need_x = d->want_k || d->want_klr;
    size_t max_rows = 0;
    for (int p0 = 0; p0 < nas;) {
        int p1 = direct_pass_end(d, p0);
        size_t rows = (size_t)(d->aux->shells[p1 - 1].bf0 + d->aux->shells[p1 - 1].nbf -
                               d->aux->shells[p0].bf0);
        if (rows > max_rows) max_rows = rows;
        p0 = p1;
    }
    double *T = os_zeros(max_rows * d->npair); /* screened pairs stay zero */
    double *U = os_zeros((size_t)nt * n * n);
    double *Xall[2] = {NULL, NULL}, *Yall[2] = {NULL, NULL};
    os_eri3 **eng = NULL, **engw = NULL;
    os_status st = !T || !U ? OS_NOMEM(err, "direct density fitting") : OS_OK;
    for (int s = 0; s < nspin && st == OS_OK && need_x; ++s) {
        size_t len = (size_t)na * n * (f[s].k ? f[s].k : 1);
        Xall[s] = malloc(len * sizeof(double));
        if (d->want_klr) Yall[s] = malloc(len * sizeof(double));
        if (!Xall[s] || (d->want_klr && !Yall[s])) st = OS_NOMEM(err, "direct density fitting");
    }
    if (st == OS_OK) st = engines_new(d, 0.0, nt, &eng, err);
    if (st == OS_OK && d->want_klr) st = engines_new(d, d->omega, nt, &engw, err);

    /* Pass 1: g = (P|mn) D, X = (P|mn) C, Y = (P|w|mn) C. */
    for (int p0 = 0; p0 < nas && st == OS_OK;) {
        int p1 = direct_pass_end(d, p0), f0 = d->aux->shells[p0].bf0;
        int rows = d->aux->shells[p1 - 1].bf0 + d->aux->shells[p1 - 1].nbf - f0;
        three_index_rows(d, eng, nt, p0, p1, T);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, rows, (int)d->npair, 1.0, T, (int)d->npair, Dp, 1,
                    0.0, g + f0, 1);
        if (need_x) contract_rows(d, nspin, f, T, f0, rows, Xall, U, nt);
        if (d->want_klr) {
            three_index_rows(d, engw, nt, p0, p1, T);
            contract_rows(d, nspin, f, T, f0, rows, Yall, U, nt);
        }
        p0 = p1;
    }
    /* d = M^-1 g; pass 2: J_p = (P|mn)^T d. */
    if (st == OS_OK) {
        /* M_c^-1 g = L^-T L^-1 g */
        cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, na, d->L, na, g, 1);
        cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, na, d->L, na, g, 1);
        memset(Jp, 0, d->npair * sizeof(double));
        for (int p0 = 0; p0 < nas;) {
            int p1 = direct_pass_end(d, p0), f0 = d->aux->shells[p0].bf0;
            int rows = d->aux->shells[p1 - 1].bf0 + d->aux->shells[p1 - 1].nbf - f0;
            three_index_rows(d, eng, nt, p0, p1, T);
            cblas_dgemv(CblasRowMajor, CblasTrans, rows, (int)d->npair, 1.0, T, (int)d->npair,
                        g + f0, 1, 1.0, Jp, 1);
            p0 = p1;
        }
    }
    free(T);
    T = NULL;
    /* K: fit X (and Y) with L^-1, then accumulate as in core. */
    if (st == OS_OK && need_x) {
        for (int s = 0; s < nspin; ++s) {
            size_t cols = (size_t)n * f[s].k;
            if (cols == 0) continue;
            fit_rows(d, Xall[s], (int)cols, cols);
            if (d->want_klr) fit_rows(d, Yall[s], (int)cols, cols);
        }
        int nq = k_batch(d, f, nspin), nblock = (na + nq - 1) / nq;
        int kmax = 1;
        for (int s = 0; s < nspin; ++s)
            if (f[s].k > kmax) kmax = f[s].k;
        size_t ldx = (size_t)nq * kmax;
        k_work *w = NULL;
        k_lanes acc = {0};
        st = k_lanes_new(d, nspin, nblock, &acc, err);
        int ntk = os_threads_for(d->nthreads, acc.lanes, 1);
        if (st == OS_OK) st = k_work_new(d, nspin, ntk, ldx, &w, err);
        if (st == OS_OK) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(ntk)
            for (int l = 0; l < acc.lanes; ++l) {
                k_work *tw = &w[omp_get_thread_num()];
                for (int b = l; b < nblock; b += acc.lanes) {
                    int Q0 = b * nq, nqb = na - Q0 < nq ? na - Q0 : nq;
                    for (int s = 0; s < nspin; ++s) {
                        int k = f[s].k;
                        for (int q = 0; q < nqb; ++q)
                            for (int i = 0; i < n; ++i) {
                                size_t src = ((size_t)(Q0 + q) * n + i) * k;
                                size_t dst = (size_t)s * n * ldx + (size_t)i * ldx + (size_t)q * k;
                                memcpy(tw->X + dst, Xall[s] + src, (size_t)k * sizeof(double));
                                if (d->want_klr)
                                    memcpy(tw->Y + dst, Yall[s] + src, (size_t)k * sizeof(double));
                            }
                    }
                    k_accumulate(d, nspin, f, nqb, ldx, tw, lane_k(d, &acc, l),
                                 lane_klr(d, nspin, &acc, l));
                }
            }
            k_reduce(d, nspin, &acc, K, Klr);
        }
        k_work_free(w, ntk);
        free(acc.sum);
    }
    for (int s = 0; s < 2; ++s) {
        free(Xall[s]);
        free(Yall[s]);
    }
    engines_free(eng, nt);
    engines_free(engw, nt);
    free(T);
    free(U);
    return st;
}

/* ---------------------------------------------------------- the builder */

static os_status df_build(os_jk *base, int nspin, const double *D, double *J, double *K,
                          double *Klr, os_error *err)
{
    jk_df *d = (jk_df *)base;
    int n = d->n;
    size_t n2 = (size_t)n * n;
    int need_x = d->want_k || d->want_klr;
    double *P = malloc(n2 * sizeof(double)), *Dp = malloc(d->npair * sizeof(double));
    double *Jp = malloc(d->npair * sizeof(double)), *g = malloc((size_t)d->naux * sizeof(double));
    double *V = malloc(n2 * sizeof(double)), *w = malloc((size_t)n * sizeof(double));
    density_factor f[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    os_status st = !P || !Dp || !Jp || !g || !V || !w ? OS_NOMEM(err, "density-fitted J/K")
                                                      : OS_OK;
    for (size_t k = 0; k < n2 && st == OS_OK; ++k)
        P[k] = nspin == 1 ? 2 * D[k] : D[k] + D[n2 + k];
    if (st == OS_OK) pack(d, P, 1, Dp);
    for (int s = 0; s < nspin && st == OS_OK && need_x; ++s) {
        if (!(f[s].C = malloc(n2 * sizeof(double))))
            st = OS_NOMEM(err, "density factors");
        else
            st = os_jk_factor_density(n, D + s * n2, &f[s], V, w, err);
    }
    if (st == OS_OK) {
        if (d->B && need_x) {
            st = jk_incore(d, nspin, f, Dp, Jp, K, Klr, err);
        } else if (d->B) {
            j_incore(d, Dp, g, Jp);
        } else {
            st = build_direct(d, nspin, Dp, f, g, Jp, K, Klr, err);
        }
    }
    if (st == OS_OK) {
        memset(J, 0, n2 * sizeof(double));
        unpack(d, Jp, 1, J);
        d->last_work = 0;
        for (int s = 0; s < nspin; ++s) d->last_work += (long)d->naux * f[s].k;
    }
    for (int s = 0; s < 2; ++s) free(f[s].C);
    free(P);
    free(Dp);
    free(Jp);
    free(g);
    free(V);
    free(w);
    return st;
}

static size_t df_memory(const os_jk *base)
{
    const jk_df *d = (const jk_df *)base;
    size_t t = (size_t)d->naux * d->naux * sizeof(double);
    if (d->B) t += (size_t)d->naux * d->npair * sizeof(double);
    if (d->Bw) t += (size_t)d->naux * d->npair * sizeof(double);
    return t;
}

static long df_last_work(const os_jk *base) { return ((const jk_df *)base)->last_work; }

static void df_free(os_jk *base)
{
    jk_df *d = (jk_df *)base;
    free(d->sp);
    free(d->ccol);
    free(d->chunk0);
    free(d->L);
    free(d->B);
    free(d->Bw);
    free(d);
}

static const os_jk_ops df_ops = {"df", df_build, df_memory, df_last_work, df_free};

os_status os_jk_df_new(const os_basis *bs, const os_basis *aux, const os_jk_options *opt,
                       os_jk **out, os_error *err)
{
    *out = NULL;
    jk_df *d = calloc(1, sizeof *d);
    if (!d) return OS_NOMEM(err, "density-fitted J/K");
    d->base.ops = &df_ops;
    d->base.nbf = bs->nbf;
    d->bs = bs;
    d->aux = aux;
    d->n = bs->nbf;
    d->naux = aux->nbf;
    d->nthreads = opt->nthreads > 0 ? opt->nthreads : 1;
    d->want_k = opt->want_k;
    d->want_klr = opt->want_klr && opt->omega > 0.0;
    d->omega = opt->omega;
    d->memory = opt->memory_bytes;
    os_status st = df_layout(d, opt->schwarz, err);
    /* In core when the fitted tensors fit in the budget. */
    size_t tensor = (size_t)d->naux * d->npair * sizeof(double) * (d->want_klr ? 2 : 1);
    if (st == OS_OK)
        st = tensor <= opt->memory_bytes ? tensors_in_core(d, err) : df_metric(d, err);
    if (st != OS_OK) {
        df_free(&d->base);
        return st;
    }
    *out = &d->base;
    return OS_OK;
}

int os_jk_df_in_core(const os_jk *jk)
{
    return jk->ops == &df_ops && ((const jk_df *)jk)->B != NULL;
}

int os_jk_df_dropped(const os_jk *jk)
{
    return jk->ops == &df_ops ? ((const jk_df *)jk)->ndropped : 0;
}

int os_jk_df_fitted(const os_jk *jk, int *naux, const double **L, int *has_lr)
{
    if (!os_jk_df_in_core(jk)) return 0;
    const jk_df *d = (const jk_df *)jk;
    *naux = d->naux;
    *L = d->L;
    *has_lr = d->Bw != NULL;
    return 1;
}

void os_jk_df_fitted_row(const os_jk *jk, int lr, int Q, double *U)
{
    const jk_df *d = (const jk_df *)jk;
    unpack(d, (lr ? d->Bw : d->B) + (size_t)Q * d->npair, 1, U);
}
