/* J/K builders against the naive oracle (os_jk_naive: every quartet, no
 * screening, no symmetry).
 *   - direct, fully direct (no cache) and semi-direct (cache holding part of
 *     the integrals, and all of them): J of the total density and K of each
 *     spin density, restricted and unrestricted, tol 1e-10;
 *   - incremental builds: a sequence of densities, each build's J/K equal to
 *     the oracle's for that density (through the full rebuild every 8th);
 *   - range separation: K^lr with omega = 0.3 against the erf oracle;
 * with random symmetric densities: single builds on acetate/6-31+G*
 * (Cartesian d, diffuse functions on C and O; enough shell pairs for two
 * threads), sequences of builds on water/6-31+G* (the oracle is cheap there).  Tolerance 1e-10: the builders screen
 * quartets whose bound times density is below 1e-12, so differences come
 * from screening and summation order only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jk/jk.h"
#include "orbscreen.h"

#define TOL 1e-10


/* A symmetric "density" with a decaying off-diagonal, like a real one. */
static void random_density(int n, double scale, double *D)
{
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j) {
            double v = scale * check_urand() / (1.0 + 0.05 * (i - j));
            D[i * n + j] = D[j * n + i] = v;
        }
}


/* Oracle J of the total density and K per spin. */
static void oracle(const os_basis *bs, double omega, int nspin, const double *D, double *J,
                   double *K)
{
    int n = bs->nbf;
    size_t n2 = (size_t)n * n;
    double *Jd = calloc(nspin * n2, sizeof(double));
    os_error err;
    if (os_jk_naive(bs, omega, nspin, D, Jd, K, &err) != OS_OK) printf("naive: %s\n", err.msg);
    for (size_t k = 0; k < n2; ++k) J[k] = nspin == 1 ? 2 * Jd[k] : Jd[k] + Jd[n2 + k];
    free(Jd);
}

/* One builder configuration over `nbuild` successive densities. */
static void check_builder(const char *what, const os_basis *bs, int nspin, size_t memory,
                          double omega, int nbuild)
{
    int n = bs->nbf;
    size_t n2 = (size_t)n * n, len = nspin * n2;
    os_jk_options o = {.want_k = 1, .omega = omega, .want_klr = omega > 0, .schwarz = 1e-12,
                       .nthreads = 2, .memory_bytes = memory};
    os_jk *jk;
    os_error err;
    if (os_jk_direct_new(bs, &o, &jk, &err) != OS_OK) {
        check_true(err.msg, 0);
        return;
    }
    double *D = calloc(len, sizeof(double)), *J = calloc(n2, sizeof(double));
    double *K = calloc(len, sizeof(double)), *Klr = calloc(len, sizeof(double));
    double *Jr = calloc(n2, sizeof(double)), *Kr = calloc(len, sizeof(double));
    double *Klrr = calloc(len, sizeof(double));
    random_density(n, 1.0, D);
    if (nspin == 2) random_density(n, 0.7, D + n2);
    double worst_j = 0, worst_k = 0, worst_klr = 0;
    for (int b = 0; b < nbuild; ++b) {
        if (b > 0) /* a small change, as between SCF cycles */
            for (int s = 0; s < nspin; ++s) {
                double *dD = calloc(n2, sizeof(double));
                random_density(n, 1e-3, dD);
                for (size_t k = 0; k < n2; ++k) D[s * n2 + k] += dD[k];
                free(dD);
            }
        if (os_jk_build(jk, nspin, D, J, K, omega > 0 ? Klr : NULL, &err) != OS_OK) {
            check_true(err.msg, 0);
            break;
        }
        oracle(bs, 0.0, nspin, D, Jr, Kr);
        worst_j = fmax(worst_j, check_maxdiff(n2, J, Jr));
        worst_k = fmax(worst_k, check_maxdiff(len, K, Kr));
        if (omega > 0) {
            double *Jlr = calloc(n2, sizeof(double));
            oracle(bs, omega, nspin, D, Jlr, Klrr);
            worst_klr = fmax(worst_klr, check_maxdiff(len, Klr, Klrr));
            free(Jlr);
        }
    }
    char label[160];
    snprintf(label, sizeof label, "%s: J vs oracle (max |diff|, %d builds)", what, nbuild);
    check_close(label, worst_j, 0.0, TOL);
    snprintf(label, sizeof label, "%s: K vs oracle", what);
    check_close(label, worst_k, 0.0, TOL);
    if (omega > 0) {
        snprintf(label, sizeof label, "%s: K^lr (omega %.2f) vs erf oracle", what, omega);
        check_close(label, worst_klr, 0.0, TOL);
    }
    printf("     %s: integral cache %.1f MB\n", what, os_jk_memory_bytes(jk) / 1048576.0);
    os_jk_free(jk);
    free(D), free(J), free(K), free(Klr), free(Jr), free(Kr), free(Klrr);
}

static int load(const char *geom, const char *basis, os_molecule *mol, os_basis *bs)
{
    os_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/geom/%s.xyz", OS_REF_DIR, geom);
    if (os_molecule_read_xyz(path, mol, &err) != OS_OK ||
        os_basis_load(mol, basis, NULL, OS_PURE_DEFAULT, bs, &err) != OS_OK) {
        printf("setup: %s\n", err.msg);
        return 0;
    }
    printf("%s/%s: %d functions, %d shells\n", geom, basis, bs->nbf, bs->nshell);
    return 1;
}

int main(void)
{
    os_molecule mol;
    os_basis bs;
    if (!load("acetate", "6-31+G*", &mol, &bs)) return 1;
    check_builder("direct, no cache, RHF", &bs, 1, 0, 0.0, 1);
    check_builder("semi-direct, 2 MB cache (part of it), UHF", &bs, 2, (size_t)2 << 20, 0.0, 1);
    os_basis_free(&bs);
    os_molecule_free(&mol);
    if (!load("water", "6-31+G*", &mol, &bs)) return 1;
    check_builder("semi-direct, all cached, UHF", &bs, 2, (size_t)1 << 32, 0.0, 1);
    /* 10 builds cross the full rebuild every 8th. */
    check_builder("incremental, no cache, UHF", &bs, 2, 0, 0.0, 10);
    check_builder("incremental, all cached, RHF", &bs, 1, (size_t)1 << 32, 0.0, 10);
    check_builder("range-separated, omega 0.3, incremental, UHF", &bs, 2, (size_t)1 << 32, 0.3, 3);
    os_basis_free(&bs);
    os_molecule_free(&mol);
    return check_finish();
}
