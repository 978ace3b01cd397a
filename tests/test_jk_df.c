/* The density-fitted J/K builder (jk/df.c) against a dense DF oracle written
 * here from the textbook formulas, with none of the builder's machinery
 * (packing, Schwarz screening, M^-1/2, density factors, batching):
 *   T^P_mn = (P|mn) over every ordered shell pair, M^+ the pseudo-inverse of
 *   (P|Q) over eigenvalues >= 1e-10 of the largest (Psi4's conditioning),
 *   J = sum_PQ T^P M^+_PQ (T^Q . D_total),
 *   K_s = sum_PQ T^P D_s T^Q M^+_PQ,
 *   K^lr_s = sym(sum_PQ T^P D_s Tw^Q M^+_PQ), Tw the erf(omega r12) integrals
 *            (Psi4's one-sided long-range fit).
 * Densities: random symmetric (indefinite: exercises negative eigenvalues of
 * the density factors) and positive semidefinite C C^T; restricted and
 * unrestricted; in core and direct (memory 0: one fitting shell per pass);
 * water/cc-pVDZ (spherical fitting set), water/6-31+G* and acetate/6-31+G*
 * (Cartesian heavy-aug-cc-pVDZ-JKFIT, where the metric is near-singular).
 * Tolerance, relative to the largest element: 1e-11 (screening at 1e-12,
 * summation order) plus DBL_EPSILON times the condition number of the kept
 * metric (1e9 for the Cartesian sets: the builder's M^-1/2 M^-1/2 and the
 * oracle's M^+ then differ by that much roundoff). */
#include <lapacke.h>
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "integrals/integrals.h"
#include "jk/jk.h"
#include "orbscreen.h"

#define TOL 1e-11 /* relative to the largest element */


static void random_density(int n, int psd, double *D)
{
    if (psd) { /* C C^T with n/3 random columns */
        int k = n / 3 + 1;
        double *C = malloc(sizeof(double) * n * k);
        for (int i = 0; i < n * k; ++i) C[i] = check_urand();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, k, 1.0, C, k, C, k, 0.0, D, n);
        free(C);
        return;
    }
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j) D[i * n + j] = D[j * n + i] = check_urand() / (1.0 + 0.05 * (i - j));
}

static double maxabs(size_t len, const double *a)
{
    double m = 0;
    for (size_t k = 0; k < len; ++k) m = fmax(m, fabs(a[k]));
    return m;
}


/* T[P][m][n] over every ordered shell pair. */
static double *dense_three_index(const os_basis *aux, const os_basis *bs, double omega)
{
    int n = bs->nbf, na = aux->nbf;
    double *T = calloc((size_t)na * n * n, sizeof(double));
    os_eri3 *e;
    os_error err;
    if (os_eri3_new(aux, bs, omega, &e, &err) != OS_OK) {
        printf("eri3: %s\n", err.msg);
        return T;
    }
    for (int P = 0; P < aux->nshell; ++P)
        for (int a = 0; a < bs->nshell; ++a)
            for (int b = 0; b < bs->nshell; ++b) {
                const os_shell *sP = &aux->shells[P], *sa = &bs->shells[a], *sb = &bs->shells[b];
                const double *v = os_eri3_compute(e, P, a, b);
                for (int p = 0; p < sP->nbf; ++p)
                    for (int i = 0; i < sa->nbf; ++i)
                        for (int j = 0; j < sb->nbf; ++j)
                            T[((size_t)(sP->bf0 + p) * n + sa->bf0 + i) * n + sb->bf0 + j] =
                                *v++;
            }
    os_eri3_free(e);
    return T;
}

/* M^+ over eigenvalues >= 1e-10 a_max; *kappa: a_max over the smallest kept. */
static double *metric_pinv(const os_basis *aux, int *dropped, double *kappa)
{
    int na = aux->nbf;
    double *M = malloc(sizeof(double) * na * na), *a = malloc(sizeof(double) * na);
    double *Mp = calloc((size_t)na * na, sizeof(double));
    os_error err;
    os_eri2_matrix(aux, 0.0, 1, M, &err);
    LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', na, M, na, a);
    double amax = fmax(fabs(a[0]), fabs(a[na - 1]));
    *dropped = 0;
    *kappa = 1.0;
    for (int k = 0; k < na; ++k) {
        if (a[k] < 1e-10 * amax) {
            ++*dropped;
            continue;
        }
        *kappa = fmax(*kappa, amax / a[k]);
        for (int i = 0; i < na; ++i)
            for (int j = 0; j < na; ++j) Mp[i * na + j] += M[i * na + k] * M[j * na + k] / a[k];
    }
    free(M);
    free(a);
    return Mp;
}

typedef struct {
    const os_basis *bs, *aux;
    double *T, *Tw, *Mp, *W, *Ww; /* W = M^+ T, Ww = M^+ Tw */
    int dropped;
    double kappa; /* condition number of the kept metric */
} oracle;

static void oracle_new(oracle *o, const os_basis *bs, const os_basis *aux, double omega)
{
    int n = bs->nbf, na = aux->nbf;
    size_t n2 = (size_t)n * n;
    o->bs = bs;
    o->aux = aux;
    o->T = dense_three_index(aux, bs, 0.0);
    o->Mp = metric_pinv(aux, &o->dropped, &o->kappa);
    o->W = malloc(sizeof(double) * na * n2);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, na, (int)n2, na, 1.0, o->Mp, na, o->T,
                (int)n2, 0.0, o->W, (int)n2);
    o->Tw = o->Ww = NULL;
    if (omega > 0) {
        o->Tw = dense_three_index(aux, bs, omega);
        o->Ww = malloc(sizeof(double) * na * n2);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, na, (int)n2, na, 1.0, o->Mp, na,
                    o->Tw, (int)n2, 0.0, o->Ww, (int)n2);
    }
}

static void oracle_free(oracle *o)
{
    free(o->T), free(o->Tw), free(o->Mp), free(o->W), free(o->Ww);
}

/* K = sum_Q A^Q D R^Q (symmetrized when sym). */
static void oracle_exchange(int n, int na, const double *A, const double *R, const double *D,
                            int sym, double *K)
{
    size_t n2 = (size_t)n * n;
    double *AD = malloc(sizeof(double) * n2);
    memset(K, 0, n2 * sizeof(double));
    for (int Q = 0; Q < na; ++Q) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A + Q * n2, n, D, n,
                    0.0, AD, n);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, AD, n, R + Q * n2, n,
                    1.0, K, n);
    }
    if (sym)
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < i; ++j) K[i * n + j] = K[j * n + i] = 0.5 * (K[i * n + j] + K[j * n + i]);
    free(AD);
}

static void oracle_jk(const oracle *o, int nspin, const double *D, double *J, double *K,
                      double *Klr)
{
    int n = o->bs->nbf, na = o->aux->nbf;
    size_t n2 = (size_t)n * n;
    double *P = malloc(sizeof(double) * n2), *g = malloc(sizeof(double) * na);
    for (size_t k = 0; k < n2; ++k) P[k] = nspin == 1 ? 2 * D[k] : D[k] + D[n2 + k];
    cblas_dgemv(CblasRowMajor, CblasNoTrans, na, (int)n2, 1.0, o->W, (int)n2, P, 1, 0.0, g, 1);
    cblas_dgemv(CblasRowMajor, CblasTrans, na, (int)n2, 1.0, o->T, (int)n2, g, 1, 0.0, J, 1);
    for (int s = 0; s < nspin; ++s) {
        oracle_exchange(n, na, o->T, o->W, D + s * n2, 0, K + s * n2);
        if (o->Tw) oracle_exchange(n, na, o->T, o->Ww, D + s * n2, 1, Klr + s * n2);
    }
    free(P);
    free(g);
}

static void check_df(const char *what, const oracle *o, int nspin, int psd, size_t memory,
                     double omega)
{
    const os_basis *bs = o->bs;
    int n = bs->nbf;
    size_t n2 = (size_t)n * n, len = nspin * n2;
    os_jk_options opt = {.want_k = 1, .omega = omega, .want_klr = omega > 0, .schwarz = 1e-12,
                         .nthreads = 2, .memory_bytes = memory};
    os_jk *jk;
    os_error err;
    char label[200];
    snprintf(label, sizeof label, "%s: builder created", what);
    if (!check_true(label, os_jk_df_new(bs, o->aux, &opt, &jk, &err) == OS_OK)) {
        printf("  %s\n", err.msg);
        return;
    }
    snprintf(label, sizeof label, "%s: %s", what, memory ? "tensor in core" : "direct");
    check_true(label, os_jk_df_in_core(jk) == (memory != 0));
    snprintf(label, sizeof label, "%s: metric eigenvalues dropped as the oracle", what);
    check_true(label, os_jk_df_dropped(jk) == o->dropped);
    double *D = calloc(len, sizeof(double)), *J = calloc(n2, sizeof(double));
    double *K = calloc(len, sizeof(double)), *Klr = calloc(len, sizeof(double));
    double *Jr = calloc(n2, sizeof(double)), *Kr = calloc(len, sizeof(double));
    double *Klrr = calloc(len, sizeof(double));
    for (int s = 0; s < nspin; ++s) random_density(n, psd, D + s * n2);
    if (os_jk_build(jk, nspin, D, J, K, omega > 0 ? Klr : NULL, &err) != OS_OK) {
        check_true(err.msg, 0);
    } else {
        oracle_jk(o, nspin, D, Jr, Kr, Klrr);
        /* Roundoff through the near-singular metric: eps * condition number. */
        double tol = TOL + DBL_EPSILON * o->kappa;
        snprintf(label, sizeof label, "%s: J vs dense DF, max |diff|/max |J|", what);
        check_close(label, check_maxdiff(n2, J, Jr) / maxabs(n2, Jr), 0.0, tol);
        snprintf(label, sizeof label, "%s: K vs dense DF, relative", what);
        check_close(label, check_maxdiff(len, K, Kr) / maxabs(len, Kr), 0.0, tol);
        if (omega > 0) {
            snprintf(label, sizeof label, "%s: K^lr (omega %.2f) vs dense one-sided fit, relative",
                     what, omega);
            check_close(label, check_maxdiff(len, Klr, Klrr) / maxabs(len, Klrr), 0.0, tol);
        }
    }
    os_jk_free(jk);
    free(D), free(J), free(K), free(Klr), free(Jr), free(Kr), free(Klrr);
}

static int load(const char *geom, const char *basis, os_molecule *mol, os_basis *bs, os_basis *aux)
{
    os_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/geom/%s.xyz", OS_REF_DIR, geom);
    if (os_molecule_read_xyz(path, mol, &err) != OS_OK ||
        os_basis_load(mol, basis, NULL, OS_PURE_DEFAULT, bs, &err) != OS_OK ||
        os_basis_load_aux(mol, bs, NULL, NULL, aux, &err) != OS_OK) {
        printf("setup: %s\n", err.msg);
        return 0;
    }
    printf("%s/%s: %d functions; %s: %d functions\n", geom, basis, bs->nbf, aux->name, aux->nbf);
    return 1;
}

static void unload(os_molecule *mol, os_basis *bs, os_basis *aux)
{
    os_basis_free(aux);
    os_basis_free(bs);
    os_molecule_free(mol);
}

int main(void)
{
    os_molecule mol;
    os_basis bs, aux;
    oracle o;
    const size_t big = (size_t)1 << 32;
    if (check_true("water/cc-pVDZ", load("water", "cc-pVDZ", &mol, &bs, &aux))) {
        oracle_new(&o, &bs, &aux, 0.3);
        printf("water/cc-pVDZ: %d dropped, kappa %.2e\n", o.dropped, o.kappa);
        check_df("water/cc-pVDZ, in core, RHF, indefinite D", &o, 1, 0, big, 0.0);
        check_df("water/cc-pVDZ, in core, UHF, C C^T", &o, 2, 1, big, 0.3);
        check_df("water/cc-pVDZ, direct, UHF, indefinite D", &o, 2, 0, 0, 0.3);
        oracle_free(&o);
        unload(&mol, &bs, &aux);
    }
    if (check_true("water/6-31+G*", load("water", "6-31+G*", &mol, &bs, &aux))) {
        oracle_new(&o, &bs, &aux, 0.3);
        printf("water/6-31+G*: %d dropped, kappa %.2e\n", o.dropped, o.kappa);
        check_df("water/6-31+G*, in core, RHF, C C^T, omega 0.3", &o, 1, 1, big, 0.3);
        check_df("water/6-31+G*, direct, RHF, C C^T", &o, 1, 1, 0, 0.0);
        oracle_free(&o);
        unload(&mol, &bs, &aux);
    }
    if (check_true("acetate/6-31+G*", load("acetate", "6-31+G*", &mol, &bs, &aux))) {
        oracle_new(&o, &bs, &aux, 0.0);
        printf("acetate: %d metric eigenvalues dropped by the oracle, kappa %.2e\n", o.dropped, o.kappa);
        check_df("acetate/6-31+G*, in core, UHF, C C^T", &o, 2, 1, big, 0.0);
        check_df("acetate/6-31+G*, direct, RHF, indefinite D", &o, 1, 0, 0, 0.0);
        oracle_free(&o);
        unload(&mol, &bs, &aux);
    }
    return check_finish();
}
