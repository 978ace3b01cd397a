/* Convergence acceleration: the Fock matrix handed to the diagonalizer is a
 * combination sum_i c_i F_i (sum_i c_i = 1) of the stored ones.
 *
 *   DIIS   minimizes |sum_i c_i e_i| over the orbital gradients e_i
 *          [P. Pulay, CPL 73, 393 (1980); JCC 3, 556 (1982)].  Fast near the
 *          solution, but far from it the extrapolation can overshoot (anions
 *          from a guess of neutral atoms).
 *   ADIIS  minimizes, over c_i >= 0, the second-order model of the energy
 *            f(c) = 2 sum_i c_i <D_i - D_n, F_n>
 *                   + sum_ij c_i c_j <D_i - D_n, F_j - F_n>
 *          (n the newest) [X. Hu, W. Yang, JCP 132, 054109 (2010)]: an
 *          interpolation, so it cannot overshoot.
 *   blend  as Garza and Scuseria did with EDIIS [JCP 137, 054110 (2012)]:
 *          ADIIS while the largest gradient element is above OS_ADIIS_START,
 *          DIIS below OS_ADIIS_END, in between c = w c_ADIIS + (1 - w) c_DIIS
 *          with w falling linearly with max |e|.  (Measured on six molecules,
 *          B3LYP/6-31+G*: a weight linear in log max |e| keeps ADIIS too long
 *          and costs water and acetate two cycles each.)
 * Spin blocks are stacked in F, D and e; <A, B> = sum of elementwise products
 * (the trace of A B for symmetric matrices). */
#include "scf/diis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

#define ADIIS_MAX_VEC 16 /* the simplex search enumerates 2^n faces */

os_status os_diis_init(os_diis *d, int max_vec, size_t flen, size_t elen, int with_density,
                       os_error *err)
{
    memset(d, 0, sizeof *d);
    if (max_vec < 1 || (with_density && max_vec > ADIIS_MAX_VEC))
        return os_fail(err, OS_ERR_INTERNAL, "DIIS: %d vectors", max_vec);
    size_t m = (size_t)max_vec;
    d->max_vec = max_vec;
    d->flen = flen;
    d->elen = elen;
    d->F = malloc(m * flen * sizeof(double));
    d->E = malloc(m * elen * sizeof(double));
    d->emax = malloc(m * sizeof(double));
    d->B = malloc(m * m * sizeof(double));
    int ok = d->F && d->E && d->emax && d->B;
    if (with_density) {
        d->D = malloc(m * flen * sizeof(double));
        d->DF = malloc(m * m * sizeof(double));
        ok = ok && d->D && d->DF;
    }
    if (!ok) {
        os_diis_free(d);
        return OS_NOMEM(err, "DIIS history");
    }
    return OS_OK;
}

void os_diis_free(os_diis *d)
{
    free(d->F);
    free(d->D);
    free(d->E);
    free(d->emax);
    free(d->B);
    free(d->DF);
    memset(d, 0, sizeof *d);
}

size_t os_diis_memory_bytes(const os_diis *d)
{
    size_t m = (size_t)d->max_vec;
    return sizeof(double) * (m * (d->flen * (d->D ? 2 : 1) + d->elen + 1) + m * m * (d->DF ? 2 : 1));
}

/* The slot for a new vector: a free one, else the oldest.  (Making room by
 * dropping the vector with the largest error instead can freeze the
 * subspace: when the extrapolation stalls, the newest vector is the worst,
 * is dropped at once, and the same Fock matrix comes back every cycle.) */
static int free_slot(const os_diis *d)
{
    if (d->n < d->max_vec) return d->n;
    return (d->newest + 1) % d->max_vec;
}

static void store(os_diis *d, const double *F, const double *D, const double *e)
{
    int slot = free_slot(d), m = d->max_vec;
    if (slot == d->n) ++d->n;
    d->newest = slot;
    double *Fs = d->F + (size_t)slot * d->flen, *Es = d->E + (size_t)slot * d->elen;
    memcpy(Fs, F, d->flen * sizeof(double));
    memcpy(Es, e, d->elen * sizeof(double));
    double mx = 0;
    for (size_t k = 0; k < d->elen; ++k) mx = fmax(mx, fabs(e[k]));
    d->emax[slot] = mx;
    for (int i = 0; i < d->n; ++i) {
        double v = os_dot((int)d->elen, d->E + (size_t)i * d->elen, Es);
        d->B[i * m + slot] = d->B[slot * m + i] = v;
    }
    if (!D || !d->D) return;
    double *Ds = d->D + (size_t)slot * d->flen;
    memcpy(Ds, D, d->flen * sizeof(double));
    for (int i = 0; i < d->n; ++i) {
        d->DF[i * m + slot] = os_dot((int)d->flen, d->D + (size_t)i * d->flen, Fs);
        d->DF[slot * m + i] = os_dot((int)d->flen, Ds, d->F + (size_t)i * d->flen);
    }
}

/* DIIS coefficients c[0..n): the bordered system [B 1; 1 0][c; -l] = [0; 1],
 * solved by a pseudo-inverse that drops the near-null directions appearing
 * when error vectors become dependent.  Returns 0 when it cannot be solved
 * (then c is the newest vector alone). */
static os_status diis_coefficients(const os_diis *d, double *c, os_error *err)
{
    int n = d->n, m = n + 1, mv = d->max_vec;
    double *A = malloc((size_t)m * m * sizeof(double));
    double *w = malloc((size_t)m * sizeof(double));
    if (!A || !w) {
        free(A);
        free(w);
        return OS_NOMEM(err, "DIIS equations");
    }
    /* Scaled by the newest error norm so the system stays well conditioned. */
    double scale = d->B[d->newest * mv + d->newest];
    if (!(scale > 0)) scale = 1.0;
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) A[i * m + j] = d->B[i * mv + j] / scale;
        A[i * m + n] = A[n * m + i] = -1.0;
    }
    A[n * m + n] = 0.0;
    for (int i = 0; i < n; ++i) c[i] = 0.0;
    if (os_eigh(m, A, w, NULL) != OS_OK) {
        c[d->newest] = 1.0;
    } else {
        /* right-hand side (0, ..., 0, -1): its projection on eigenvector k is -A[n][k] */
        double wmax = 0;
        for (int k = 0; k < m; ++k) wmax = fmax(wmax, fabs(w[k]));
        for (int k = 0; k < m; ++k) {
            if (fabs(w[k]) < 1e-14 * wmax) continue;
            double proj = -A[n * m + k];
            for (int i = 0; i < n; ++i) c[i] += A[i * m + k] * proj / w[k];
        }
    }
    free(A);
    free(w);
    return OS_OK;
}

/* Solve the k x k system M x = b in place (partial pivoting); 0 if singular. */
static int small_solve(int k, double *M, double *b)
{
    double big = 0;
    for (int i = 0; i < k * k; ++i) big = fmax(big, fabs(M[i]));
    for (int col = 0; col < k; ++col) {
        int piv = col;
        for (int r = col + 1; r < k; ++r)
            if (fabs(M[r * k + col]) > fabs(M[piv * k + col])) piv = r;
        if (!(fabs(M[piv * k + col]) > 1e-13 * big)) return 0;
        if (piv != col) {
            for (int j = 0; j < k; ++j) {
                double t = M[col * k + j];
                M[col * k + j] = M[piv * k + j];
                M[piv * k + j] = t;
            }
            double t = b[col];
            b[col] = b[piv];
            b[piv] = t;
        }
        for (int r = col + 1; r < k; ++r) {
            double f = M[r * k + col] / M[col * k + col];
            for (int j = col; j < k; ++j) M[r * k + j] -= f * M[col * k + j];
            b[r] -= f * b[col];
        }
    }
    for (int r = k - 1; r >= 0; --r) {
        double s = b[r];
        for (int j = r + 1; j < k; ++j) s -= M[r * k + j] * b[j];
        b[r] = s / M[r * k + r];
    }
    return 1;
}

/* ADIIS coefficients: the minimum of the quadratic f over the simplex, found
 * exactly by visiting every face (at most 2^16 for 16 vectors) and keeping
 * the best stationary point with c >= 0.  The newest vector alone (f = 0) is
 * always a candidate. */
static void adiis_coefficients(const os_diis *d, double *c)
{
    int n = d->n, mv = d->max_vec, nw = d->newest;
    double g[ADIIS_MAX_VEC], H[ADIIS_MAX_VEC * ADIIS_MAX_VEC];
    double M[(ADIIS_MAX_VEC + 1) * (ADIIS_MAX_VEC + 1)], x[ADIIS_MAX_VEC + 1];
    int idx[ADIIS_MAX_VEC];
    double dfnn = d->DF[nw * mv + nw];
    for (int i = 0; i < n; ++i) g[i] = d->DF[i * mv + nw] - dfnn;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            H[i * n + j] = d->DF[i * mv + j] - d->DF[i * mv + nw] - d->DF[nw * mv + j] + dfnn;
    for (int i = 0; i < n; ++i) /* only the symmetric part enters f */
        for (int j = 0; j < i; ++j) H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
    double best = 0.0;
    for (int i = 0; i < n; ++i) c[i] = i == nw;
    for (unsigned mask = 1; mask < (1u << n); ++mask) {
        int k = 0;
        for (int i = 0; i < n; ++i)
            if (mask >> i & 1u) idx[k++] = i;
        /* stationary point on the face: [H 1; 1 0][c; l] = [-g; 1] */
        int k1 = k + 1;
        for (int a = 0; a < k; ++a) {
            for (int b = 0; b < k; ++b) M[a * k1 + b] = H[idx[a] * n + idx[b]];
            M[a * k1 + k] = 1.0;
            M[k * k1 + a] = 1.0;
            x[a] = -g[idx[a]];
        }
        M[k * k1 + k] = 0.0;
        x[k] = 1.0;
        if (!small_solve(k1, M, x)) continue;
        int feasible = 1;
        for (int a = 0; a < k; ++a) feasible &= x[a] >= 0.0;
        if (!feasible) continue;
        double f = 0.0;
        for (int a = 0; a < k; ++a) {
            f += 2.0 * g[idx[a]] * x[a];
            for (int b = 0; b < k; ++b) f += x[a] * H[idx[a] * n + idx[b]] * x[b];
        }
        if (f < best) {
            best = f;
            for (int i = 0; i < n; ++i) c[i] = 0.0;
            for (int a = 0; a < k; ++a) c[idx[a]] = x[a];
        }
    }
}

static void combine(const os_diis *d, const double *c, double *Fout)
{
    memset(Fout, 0, d->flen * sizeof(double));
    for (int i = 0; i < d->n; ++i) {
        const double *Fi = d->F + (size_t)i * d->flen;
        for (size_t k = 0; k < d->flen; ++k) Fout[k] += c[i] * Fi[k];
    }
}

os_status os_diis_extrapolate(os_diis *d, const double *F, const double *e, double *Fout,
                              os_error *err)
{
    store(d, F, NULL, e);
    double c[ADIIS_MAX_VEC], *cd = d->n <= ADIIS_MAX_VEC ? c : malloc(d->n * sizeof(double));
    if (!cd) return OS_NOMEM(err, "DIIS coefficients");
    os_status st = diis_coefficients(d, cd, err);
    if (st == OS_OK) combine(d, cd, Fout);
    if (cd != c) free(cd);
    return st;
}

os_status os_diis_step(os_diis *d, const double *F, const double *D, const double *e,
                       double *Fout, os_error *err)
{
    if (!d->D) return os_fail(err, OS_ERR_INTERNAL, "DIIS: made without densities");
    store(d, F, D, e);
    double cd[ADIIS_MAX_VEC], ca[ADIIS_MAX_VEC];
    os_status st = diis_coefficients(d, cd, err);
    if (st != OS_OK) return st;
    double emax = d->emax[d->newest];
    double w = emax >= OS_ADIIS_START ? 1.0
               : emax <= OS_ADIIS_END ? 0.0
                                      : (emax - OS_ADIIS_END) / (OS_ADIIS_START - OS_ADIIS_END);
    if (w > 0.0) {
        adiis_coefficients(d, ca);
        for (int i = 0; i < d->n; ++i) cd[i] = w * ca[i] + (1.0 - w) * cd[i];
    }
    combine(d, cd, Fout);
    return OS_OK;
}
