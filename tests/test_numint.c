/* Numerical-integration tests on a hand-built water-like basis (s, p, d, f
 * shells; pure and Cartesian): the grid overlap against analytic Gaussian
 * overlaps, Slater exchange of a single Gaussian in closed form, and
 * V = dExc/dD by finite differences for LDA, GGA and meta-GGA, nspin 1 and 2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrals/cart2sph.h"
#include "check.h"
#include "dft/numint.h"

#define PI 3.14159265358979323846

static double dfact(int n)
{
    double f = 1.0;
    for (int k = n; k > 1; k -= 2) f *= k;
    return f;
}

static double binom(int n, int k)
{
    double b = 1.0;
    for (int i = 1; i <= k; ++i) b = b * (n - k + i) / i;
    return b;
}

/* ------------------------------------------------------------ test basis */

typedef struct {
    int atom, l, pure, nprim;
    double alpha[3], c[3]; /* raw contraction coefficients (of normalized primitives) */
} shell_def;

/* Water (bohr) */
static const int Zw[3] = {8, 1, 1};
/* turned off the coordinate planes so that no overlap vanishes by symmetry */
static const double Rw[9] = {0.11, -0.07, -0.1294, 0.43, -1.4041, 1.0974, -0.26, 1.5241, 0.9674};

static const shell_def defs[] = {
    {0, 0, 1, 3, {130.70932, 23.808861, 6.4436083}, {0.15432897, 0.53532814, 0.44463454}},
    {0, 0, 1, 3, {5.0331513, 1.1695961, 0.380389}, {-0.09996723, 0.39951283, 0.70011547}},
    {0, 1, 1, 3, {5.0331513, 1.1695961, 0.380389}, {0.15591627, 0.60768372, 0.39195739}},
    {0, 1, 1, 1, {0.0845}, {1.0}},
    {0, 2, 1, 1, {0.8}, {1.0}},
    {0, 3, 1, 1, {1.1}, {1.0}},
    {1, 0, 1, 3, {3.42525091, 0.62391373, 0.1688554}, {0.15432897, 0.53532814, 0.44463454}},
    {1, 1, 1, 1, {1.0}, {1.0}},
    {2, 0, 1, 3, {3.42525091, 0.62391373, 0.1688554}, {0.15432897, 0.53532814, 0.44463454}},
    {2, 2, 0, 1, {0.9}, {1.0}}, /* Cartesian d */
};
#define NSHELL ((int)(sizeof defs / sizeof defs[0]))

/* Self-overlap of x^l Gaussians with exponents a, b (same centre). */
static double prim_ss(int l, double a, double b)
{
    double p = a + b;
    return dfact(2 * l - 1) / pow(2.0 * p, l) * pow(PI / p, 1.5);
}

static void build_basis(os_basis *bs, os_molecule *mol, double *store)
{
    memset(bs, 0, sizeof *bs);
    memset(mol, 0, sizeof *mol);
    mol->natom = 3;
    mol->Z = (int *)Zw;
    mol->xyz = (double *)Rw;
    bs->nshell = NSHELL;
    bs->shells = calloc(NSHELL, sizeof(os_shell));
    bs->atom_shell0 = calloc(4, sizeof(int));
    int bf = 0, k = 0;
    for (int s = 0; s < NSHELL; ++s) {
        const shell_def *d = &defs[s];
        os_shell *sh = &bs->shells[s];
        sh->l = d->l;
        sh->pure = d->pure;
        sh->nprim = d->nprim;
        sh->atom = d->atom;
        for (int q = 0; q < 3; ++q) sh->origin[q] = Rw[3 * d->atom + q];
        double *al = store + k, *co = store + k + d->nprim;
        k += 2 * d->nprim;
        double norm = 0.0;
        for (int i = 0; i < d->nprim; ++i) {
            al[i] = d->alpha[i];
            co[i] = d->c[i] / sqrt(prim_ss(d->l, d->alpha[i], d->alpha[i]));
        }
        for (int i = 0; i < d->nprim; ++i)
            for (int j = 0; j < d->nprim; ++j) norm += co[i] * co[j] * prim_ss(d->l, al[i], al[j]);
        for (int i = 0; i < d->nprim; ++i) co[i] /= sqrt(norm);
        sh->alpha = al;
        sh->coef = co;
        sh->bf0 = bf;
        sh->nbf = d->pure ? os_nsph(d->l) : os_ncart(d->l);
        bf += sh->nbf;
        if (d->l > bs->max_l) bs->max_l = d->l;
        if (d->nprim > bs->max_nprim) bs->max_nprim = d->nprim;
        bs->atom_shell0[d->atom + 1] = s + 1;
    }
    bs->nbf = bf;
}

/* Analytic overlap of Cartesian components (lx,ly,lz) and (mx,my,mz) of two
 * contracted shells (binomial expansion around the Gaussian product centre). */
static double overlap_1d(int i, int j, double PA, double PB, double p)
{
    double s = 0.0;
    for (int k = 0; k <= i; ++k)
        for (int m = 0; m <= j; ++m) {
            int n = k + m;
            if (n & 1) continue;
            s += binom(i, k) * binom(j, m) * pow(PA, i - k) * pow(PB, j - m) * dfact(n - 1) /
                 pow(2.0 * p, n / 2) * sqrt(PI / p);
        }
    return s;
}

static void analytic_overlap(const os_basis *bs, double *S)
{
    int n = bs->nbf;
    for (int a = 0; a < bs->nshell; ++a)
        for (int b = 0; b < bs->nshell; ++b) {
            const os_shell *A = &bs->shells[a], *B = &bs->shells[b];
            int na = os_ncart(A->l), nb = os_ncart(B->l);
            double *Sc = calloc((size_t)na * nb, sizeof(double));
            for (int ca = 0; ca < na; ++ca)
                for (int cb = 0; cb < nb; ++cb) {
                    int e1[3], e2[3];
                    os_cart_exponents(A->l, ca, &e1[0], &e1[1], &e1[2]);
                    os_cart_exponents(B->l, cb, &e2[0], &e2[1], &e2[2]);
                    double s = 0.0;
                    for (int i = 0; i < A->nprim; ++i)
                        for (int j = 0; j < B->nprim; ++j) {
                            double ai = A->alpha[i], bj = B->alpha[j], p = ai + bj, r2 = 0.0, v = 1.0;
                            for (int q = 0; q < 3; ++q) {
                                double d = A->origin[q] - B->origin[q];
                                r2 += d * d;
                            }
                            for (int q = 0; q < 3; ++q) {
                                double P = (ai * A->origin[q] + bj * B->origin[q]) / p;
                                v *= overlap_1d(e1[q], e2[q], P - A->origin[q], P - B->origin[q], p);
                            }
                            s += A->coef[i] * B->coef[j] * exp(-ai * bj / p * r2) * v;
                        }
                    Sc[ca * nb + cb] = s;
                }
            /* to the final representation */
            int fa = A->nbf, fb = B->nbf;
            double *Ta = calloc((size_t)fa * na, sizeof(double)), *Tb = calloc((size_t)fb * nb, sizeof(double));
            /* p shells stay Cartesian (x, y, z) even when pure, as in integrals.c */
            if (A->pure && A->l > 1) os_cart2sph(A->l, Ta);
            else for (int i = 0; i < na; ++i) Ta[i * na + i] = 1.0;
            if (B->pure && B->l > 1) os_cart2sph(B->l, Tb);
            else for (int i = 0; i < nb; ++i) Tb[i * nb + i] = 1.0;
            for (int i = 0; i < fa; ++i)
                for (int j = 0; j < fb; ++j) {
                    double s = 0.0;
                    for (int x = 0; x < na; ++x)
                        for (int y = 0; y < nb; ++y) s += Ta[i * na + x] * Sc[x * nb + y] * Tb[j * nb + y];
                    S[(size_t)(A->bf0 + i) * n + B->bf0 + j] = s;
                }
            free(Sc);
            free(Ta);
            free(Tb);
        }
}

/* Deterministic pseudo-random numbers in [-1, 1). */
static double rnd(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return ((*state >> 8) & 0xffff) / 32768.0 - 1.0;
}

/* D = C C^T with nocc random orbitals: a positive semi-definite density. */
static void model_density(int n, int nocc, unsigned seed, double scale, double *D)
{
    double *C = malloc(sizeof(double) * n * nocc);
    for (int i = 0; i < n * nocc; ++i) C[i] = scale * rnd(&seed);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double s = 0.0;
            for (int k = 0; k < nocc; ++k) s += C[i * nocc + k] * C[j * nocc + k];
            D[i * n + j] = s;
        }
    free(C);
}

static double trace_prod(int n, const double *A, const double *B)
{
    double s = 0.0;
    for (int i = 0; i < n * n; ++i) s += A[i] * B[i];
    return s;
}

/* ------------------------------------------------------------------ tests */

static void test_overlap(const os_basis *bs, os_numint *ni, const char *label, int diag,
                         double tol_diag, double tol_rand)
{
    int n = bs->nbf;
    double *S = calloc((size_t)n * n, sizeof(double)), *D = calloc((size_t)n * n, sizeof(double)),
           *V = calloc((size_t)n * n, sizeof(double));
    analytic_overlap(bs, S);
    /* Sanity of the analytic side: pure functions are normalized. */
    check_close("analytic S: O f(m=0) normalized", S[(size_t)(bs->shells[5].bf0 + 3) * n + bs->shells[5].bf0 + 3], 1.0, 1e-12);
    os_xc *hf;
    os_xc_new("hf", 1, &hf, NULL);
    /* Diagonal D picks the self-overlaps; random D tests all pairs at once. */
    double maxd = 0.0, exc, nel;
    char what[128];
    for (int i = 0; i < n && diag; ++i) {
        memset(D, 0, sizeof(double) * n * n);
        D[i * n + i] = 1.0;
        os_numint_vxc(ni, hf, 1, D, &exc, &nel, V, NULL);
        if (fabs(nel - S[i * n + i]) > maxd) maxd = fabs(nel - S[i * n + i]);
    }
    snprintf(what, sizeof what, "%s grid: self-overlaps vs analytic, max |diff|", label);
    if (diag) check_close(what, maxd, 0.0, tol_diag);
    for (int t = 0; t < 3; ++t) {
        unsigned seed = 7 + 13 * t;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j <= i; ++j) D[i * n + j] = D[j * n + i] = rnd(&seed);
        os_numint_vxc(ni, hf, 1, D, &exc, &nel, V, NULL);
        snprintf(what, sizeof what, "%s grid: tr(DS) vs analytic, random D #%d", label, t);
        check_close(what, nel, trace_prod(n, D, S), tol_rand);
    }
    os_xc_free(hf);
    free(S);
    free(D);
    free(V);
}

/* Slater exchange of one normalized s Gaussian with occupation N:
 * E_x = -(3/4)(3/pi)^(1/3) N^(4/3) (2a/pi)^2 (3 pi/(8a))^(3/2). */
static void test_slater(void)
{
    double a = 0.7, al = 0.7, c = 1.0 / sqrt(prim_ss(0, a, a)), N = 2.0;
    os_shell sh = {0};
    sh.l = 0;
    sh.pure = 1;
    sh.nprim = 1;
    sh.alpha = &al;
    sh.coef = &c;
    sh.nbf = 1;
    int sh0[2] = {0, 1};
    os_basis bs = {0};
    bs.nshell = 1;
    bs.shells = &sh;
    bs.nbf = 1;
    bs.max_nprim = 1;
    bs.atom_shell0 = sh0;
    int Z = 10;
    double xyz[3] = {0, 0, 0};
    os_molecule mol = {0};
    mol.natom = 1;
    mol.Z = &Z;
    mol.xyz = xyz;
    os_grid g;
    os_numint *ni;
    os_xc *xc;
    if (os_grid_build(&mol, 75, 302, 2, &g, NULL) || os_numint_new(&bs, &g, 0, 2, &ni, NULL) ||
        os_xc_new("LDA_X", 1, &xc, NULL)) {
        check_true("slater set-up", 0);
        return;
    }
    double D = N, V, exc, nel;
    os_numint_vxc(ni, xc, 1, &D, &exc, &nel, &V, NULL);
    double Cx = 0.75 * cbrt(3.0 / PI);
    double want = -Cx * pow(N, 4.0 / 3.0) * pow(2 * a / PI, 2) * pow(3 * PI / (8 * a), 1.5);
    check_close("LDA_X energy of a Gaussian vs closed form (Eh)", exc, want, 1e-9);
    check_close("electrons of a Gaussian", nel, N, 1e-10);
    /* V = dE/dD = (4/3) E / N for E ~ N^(4/3) */
    check_close("LDA_X potential = (4/3) E/N", V, 4.0 / 3.0 * want / N, 1e-9);
    os_xc_free(xc);
    os_numint_free(ni);
    os_grid_free(&g);
}

/* V = dExc/dD: central differences along a random symmetric direction. */
static void test_fd(const os_basis *bs, os_numint *ni, const char *func, int nspin)
{
    int n = bs->nbf;
    size_t n2 = (size_t)n * n;
    double *D = malloc(sizeof(double) * nspin * n2), *Dp = malloc(sizeof(double) * nspin * n2),
           *dir = malloc(sizeof(double) * nspin * n2), *V = malloc(sizeof(double) * nspin * n2),
           *Vt = malloc(sizeof(double) * nspin * n2);
    os_xc *xc;
    if (os_xc_new(func, nspin, &xc, NULL) != OS_OK) {
        check_true("fd: functional", 0);
        return;
    }
    /* nspin=1: D total (2 x 5 occupied); nspin=2: 5 alpha, 4 beta */
    if (nspin == 1) {
        model_density(n, 5, 3, 0.3, D);
        for (size_t k = 0; k < n2; ++k) D[k] *= 2.0;
    } else {
        model_density(n, 5, 3, 0.3, D);
        model_density(n, 4, 11, 0.3, D + n2);
    }
    unsigned seed = 99;
    for (int s = 0; s < nspin; ++s)
        for (int i = 0; i < n; ++i)
            for (int j = 0; j <= i; ++j)
                dir[s * n2 + i * n + j] = dir[s * n2 + j * n + i] = 0.05 * rnd(&seed);
    double e0, nel, ep, em, tmp;
    os_numint_vxc(ni, xc, nspin, D, &e0, &nel, V, NULL);
    double h = 1e-4;
    for (size_t k = 0; k < nspin * n2; ++k) Dp[k] = D[k] + h * dir[k];
    os_numint_vxc(ni, xc, nspin, Dp, &ep, &tmp, Vt, NULL);
    for (size_t k = 0; k < nspin * n2; ++k) Dp[k] = D[k] - h * dir[k];
    os_numint_vxc(ni, xc, nspin, Dp, &em, &tmp, Vt, NULL);
    double fd = (ep - em) / (2 * h), an = 0.0;
    for (size_t k = 0; k < nspin * n2; ++k) an += V[k] * dir[k];
    char what[128];
    snprintf(what, sizeof what, "%s nspin=%d: dExc/dD along a direction, FD vs tr(V dD)", func, nspin);
    check_close(what, an, fd, 1e-7 * fabs(fd) + 1e-9);
    double maxasym = 0.0;
    for (int s = 0; s < nspin; ++s)
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < i; ++j) {
                double d = fabs(V[s * n2 + i * n + j] - V[s * n2 + j * n + i]);
                if (d > maxasym) maxasym = d;
            }
    snprintf(what, sizeof what, "%s nspin=%d: Exc finite and negative", func, nspin);
    check_true(what, isfinite(e0) && e0 < 0.0);
    /* Spin-polarized with equal spins reproduces the restricted energy. */
    if (nspin == 2) {
        os_xc *x1;
        os_xc_new(func, 1, &x1, NULL);
        for (size_t k = 0; k < n2; ++k) {
            D[n2 + k] = D[k];
            Dp[k] = 2.0 * D[k];
        }
        double eu, er, nu, nr;
        os_numint_vxc(ni, xc, 2, D, &eu, &nu, V, NULL);
        os_numint_vxc(ni, x1, 1, Dp, &er, &nr, Vt, NULL);
        snprintf(what, sizeof what, "%s: UKS energy with Da = Db equals RKS energy", func);
        check_close(what, eu, er, 1e-10 * fabs(er) + 1e-12);
        double maxv = 0.0;
        for (size_t k = 0; k < n2; ++k) {
            if (fabs(V[k] - Vt[k]) > maxv) maxv = fabs(V[k] - Vt[k]);
            if (fabs(V[n2 + k] - Vt[k]) > maxv) maxv = fabs(V[n2 + k] - Vt[k]);
        }
        snprintf(what, sizeof what, "%s: UKS Va = Vb = RKS V when Da = Db", func);
        check_close(what, maxv, 0.0, 1e-9);
        os_xc_free(x1);
    }
    os_xc_free(xc);
    free(D);
    free(Dp);
    free(dir);
    free(V);
    free(Vt);
}

int main(void)
{
    os_basis bs;
    os_molecule mol;
    double store[64];
    build_basis(&bs, &mol, store);
    os_grid g;
    os_numint *ni;
    os_error err;
    /* Overlaps on the default and fine grids: the d and f functions on H are
     * the hardest (Becke cell boundaries); errors measured 1.3e-6 (default,
     * self-overlaps), 3.8e-6 and 4.9e-8 (default, fine; random D). */
    const char *levels[2] = {"default", "fine"};
    const double tol_diag[2] = {2e-6, 1e-7}, tol_rand[2] = {5e-6, 1e-7};
    for (int l = 0; l < 2; ++l) {
        int nr, na;
        os_grid_parse_spec(levels[l], &nr, &na, NULL);
        if (os_grid_build(&mol, nr, na, 2, &g, &err) != OS_OK || os_numint_new(&bs, &g, 0, 2, &ni, &err) != OS_OK) {
            printf("set-up failed: %s\n", err.msg);
            return 1;
        }
        printf("  water-like test basis: %d functions, %s grid %d points\n", bs.nbf, levels[l], g.npt);
        test_overlap(&bs, ni, levels[l], l == 0, tol_diag[l], tol_rand[l]);
        os_numint_free(ni);
        os_grid_free(&g);
    }
    /* Derivative checks need no accuracy from the grid: a small one. */
    if (os_grid_build(&mol, 40, 110, 2, &g, &err) != OS_OK || os_numint_new(&bs, &g, 1, 2, &ni, &err) != OS_OK) {
        printf("set-up failed: %s\n", err.msg);
        return 1;
    }
    test_slater();
    test_fd(&bs, ni, "svwn", 1);
    test_fd(&bs, ni, "svwn", 2);
    test_fd(&bs, ni, "pbe", 1);
    test_fd(&bs, ni, "pbe", 2);
    test_fd(&bs, ni, "b3lyp", 2);
    test_fd(&bs, ni, "tpss", 1);
    test_fd(&bs, ni, "tpss", 2);
    test_fd(&bs, ni, "m06-2x", 1);
    /* A numint set up without gradients refuses a GGA. */
    os_numint *ni0;
    os_xc *pbe;
    double exc, nel;
    double *D = calloc((size_t)bs.nbf * bs.nbf, sizeof(double)), *V = calloc((size_t)bs.nbf * bs.nbf, sizeof(double));
    os_numint_new(&bs, &g, 0, 2, &ni0, NULL);
    os_xc_new("pbe", 1, &pbe, NULL);
    check_true("GGA on a numint without gradients is refused",
               os_numint_vxc(ni0, pbe, 1, D, &exc, &nel, V, &err) == OS_ERR_INTERNAL);
    free(D);
    free(V);
    os_xc_free(pbe);
    os_numint_free(ni0);
    os_numint_free(ni);
    os_grid_free(&g);
    free(bs.shells);
    free(bs.atom_shell0);
    return check_finish();
}
