/* Nuclear gradients (src/grad/, the derivative integrals under them).
 * usage:
 *   test_grad integrals
 *       ERI first derivatives (libint2 eri1) against 5-point central
 *       differences of the integrals (step 1e-3 bohr, tol 1e-8) for AM quartets up to g,
 *       pure and Cartesian, 1/r12 and erf(0.3 r12)/r12; their translational
 *       invariance (sum over the 4 centres, tol 1e-10); the density-fitting
 *       integrals' derivatives (3eri1 (P|ab) up to l_P = 6, 2eri1 (P|Q)) the
 *       same way, relative to the largest derivative; one-body derivatives
 *       (overlap, kinetic, nuclear attraction incl. the nuclei's own motion,
 *       and point charges) contracted with a fixed symmetric matrix, against
 *       the same differences of the contracted integrals (tol 1e-8).
 *   test_grad fd GEOMETRY METHOD BASIS PURE GRID [JK]
 *       The analytic gradient against central differences of our own SCF
 *       energies (every component, step 1e-3 bohr, e_conv 1e-11, g_conv 1e-9),
 *       tol 1e-6 Eh/bohr; and its sum over atoms (translational invariance:
 *       the grid moves with the molecule), tol 1e-8 Eh/bohr.  With df, the
 *       gradient from the SCF's shared fitted tensors and grid
 *       (os_scf_options.shared) equals the recomputed one to 1e-9.  PURE: default,
 *       cart or sph; GRID: a grid spec, or - for HF; JK: exact (default) or
 *       df (the fitting basis Psi4 pairs with BASIS).
 *   test_grad external
 *       The same for water HF/cc-pVDZ with an external potential term
 *       V = 0.05 S (energy 0.05 Tr(P S)) whose gradient comes through the
 *       potential's gradient callback (os_scf_potential.gradient).
 *   test_grad psi4 CASE.ref [GTOL]
 *       Against Psi4 1.3.2 at the same geometry (tests/reference/grad/), with
 *       its two-electron integrals (scf_type pk: exact; df: density fitting
 *       over the df_basis it names): energy
 *       (tol 1e-6 Eh) and every gradient component (GTOL, default 1e-6
 *       Eh/bohr), and to Psi4's finite differences of its energy where the
 *       file has them (fd_gradient).  DFT on the grid size of the reference (200 x 974): the two
 *       programs' grids differ (pruning, partition) and Psi4 1.3.2 leaves out
 *       the grid response, so each test states the tolerance that covers that
 *       (grad.cmake).
 * GEOMETRY is relative to tests/reference/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "grad/grad.h"
#include "integrals/cart2sph.h"
#include "integrals/integrals.h"
#include "orbscreen.h"

/* ------------------------------------------------------------- integrals */

/* Four shells on four centres, each with two primitives (raw coefficients:
 * normalization does not matter for a derivative check). */
static const double ALPHA[4][2] = {{1.3, 0.4}, {0.9, 0.25}, {2.1, 0.6}, {0.7, 0.3}};
static const double COEF[4][2] = {{0.6, 0.5}, {0.7, 0.4}, {0.5, 0.5}, {0.8, 0.3}};
static const double ORIGIN[4][3] = {
    {0.1, -0.2, 0.3}, {1.2, 0.4, -0.5}, {-0.7, 1.1, 0.2}, {0.4, -0.9, 1.3}};

static void four_shells(const int *l, const int *pure, os_shell *sh, os_basis *bs)
{
    memset(bs, 0, sizeof *bs);
    int bf = 0;
    for (int i = 0; i < 4; ++i) {
        os_shell *s = &sh[i];
        memset(s, 0, sizeof *s);
        s->l = l[i];
        s->pure = pure[i];
        s->nprim = 2;
        s->alpha = ALPHA[i];
        s->coef = COEF[i];
        memcpy(s->origin, ORIGIN[i], sizeof s->origin);
        s->atom = i;
        s->bf0 = bf;
        s->nbf = pure[i] ? os_nsph(l[i]) : os_ncart(l[i]);
        bf += s->nbf;
        if (l[i] > bs->max_l) bs->max_l = l[i];
    }
    bs->nshell = 4;
    bs->shells = sh;
    bs->nbf = bf;
    bs->max_nprim = 2;
}

/* Five-point central differences: f'(x) ~ sum_s W_s f(x + X_s h) / h, error O(h^4). */
static const double STENCIL_X[4] = {-2.0, -1.0, 1.0, 2.0};
static const double STENCIL_W[4] = {1.0 / 12.0, -8.0 / 12.0, 8.0 / 12.0, -1.0 / 12.0};
#define FD_H 1e-3

/* Largest |FD - analytic| over one quartet's 12 derivative blocks, and the
 * largest |sum over centres|. */
static void eri_quartet(const int *l, const int *pure, double omega, double *fd_err,
                        double *ti_err)
{
    os_shell sh[4];
    os_basis bs;
    os_error err;
    four_shells(l, pure, sh, &bs);
    size_t n = (size_t)sh[0].nbf * sh[1].nbf * sh[2].nbf * sh[3].nbf;
    double *d = malloc(12 * n * sizeof(double)), *p = malloc(n * sizeof(double));
    os_eri *e;
    *fd_err = *ti_err = INFINITY;
    if (!d || !p || os_eri_deriv_new(&bs, omega, &e, &err) != OS_OK) {
        free(d);
        free(p);
        return;
    }
    memcpy(d, os_eri_deriv_compute(e, 0, 1, 2, 3), 12 * n * sizeof(double));
    os_eri_free(e);
    double fe = 0.0, te = 0.0;
    for (int c = 0; c < 4; ++c)
        for (int k = 0; k < 3; ++k) {
            memset(p, 0, n * sizeof(double));
            for (int s = 0; s < 4; ++s) {
                sh[c].origin[k] = ORIGIN[c][k] + STENCIL_X[s] * FD_H;
                if (os_eri_new(&bs, omega, &e, &err) != OS_OK) return;
                const double *v = os_eri_compute(e, 0, 1, 2, 3);
                for (size_t i = 0; i < n; ++i) p[i] += STENCIL_W[s] * v[i] / FD_H;
                os_eri_free(e);
            }
            sh[c].origin[k] = ORIGIN[c][k];
            for (size_t i = 0; i < n; ++i) fe = fmax(fe, fabs(p[i] - d[(3 * c + k) * n + i]));
        }
    for (int k = 0; k < 3; ++k)
        for (size_t i = 0; i < n; ++i) {
            double s = 0.0;
            for (int c = 0; c < 4; ++c) s += d[(3 * c + k) * n + i];
            te = fmax(te, fabs(s));
        }
    *fd_err = fe;
    *ti_err = te;
    free(d);
    free(p);
}

static void test_eri_deriv(void)
{
    static const int quartets[][4] = {{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0},
                                      {0, 0, 0, 1}, {1, 1, 1, 1}, {2, 1, 0, 3}, {0, 2, 2, 1},
                                      {3, 3, 1, 2}, {4, 0, 2, 1}, {1, 4, 4, 2}, {2, 2, 2, 2}};
    static const int pure[2][4] = {{1, 1, 0, 1}, {0, 0, 1, 0}};
    double fe = 0, te = 0;
    int nq = (int)(sizeof quartets / sizeof quartets[0]);
    for (int q = 0; q < nq; ++q) {
        double f, t;
        eri_quartet(quartets[q], pure[q % 2], 0.0, &f, &t);
        fe = fmax(fe, f);
        te = fmax(te, t);
    }
    check_close("d(ab|cd)/dR vs central differences, 12 AM quartets", fe, 0.0, 1e-8);
    check_close("d(ab|cd)/dR summed over the 4 centres", te, 0.0, 1e-10);
    double f, t;
    eri_quartet(quartets[6], pure[0], 0.3, &f, &t);
    check_close("erf(0.3 r12)/r12 derivatives vs central differences", f, 0.0, 1e-8);
}

/* Shells first .. first+count-1 of sh as a basis of their own. */
static void sub_basis(os_shell *sh, int first, int count, os_basis *bs)
{
    memset(bs, 0, sizeof *bs);
    bs->shells = sh + first;
    bs->nshell = count;
    for (int i = 0; i < count; ++i) {
        bs->nbf += sh[first + i].nbf;
        if (sh[first + i].l > bs->max_l) bs->max_l = sh[first + i].l;
        if (sh[first + i].nprim > bs->max_nprim) bs->max_nprim = sh[first + i].nprim;
    }
}

/* The density-fitting integrals (P|ab) (ncentre 3: shell 0 fitting, 1 and 2
 * orbital) or (P|Q) (ncentre 2: shells 0 and 1 fitting), or their
 * derivatives, into a static buffer. */
static const double *df_integrals(int ncentre, os_shell *sh, double omega, int deriv)
{
    static double out[9 * 28 * 21 * 21];
    os_basis aux, bs;
    os_error err;
    const double *v = NULL;
    size_t n = 0;
    if (ncentre == 3) {
        sub_basis(sh, 0, 1, &aux);
        sub_basis(sh, 1, 2, &bs);
        os_eri3 *e;
        if ((deriv ? os_eri3_deriv_new(&aux, &bs, omega, &e, &err)
                   : os_eri3_new(&aux, &bs, omega, &e, &err)) != OS_OK)
            return NULL;
        v = deriv ? os_eri3_deriv_compute(e, 0, 0, 1) : os_eri3_compute(e, 0, 0, 1);
        n = (size_t)sh[0].nbf * sh[1].nbf * sh[2].nbf * (deriv ? 9 : 1);
        memcpy(out, v, n * sizeof(double));
        os_eri3_free(e);
    } else {
        sub_basis(sh, 0, 2, &aux);
        os_eri2 *e;
        if ((deriv ? os_eri2_deriv_new(&aux, omega, &e, &err) : os_eri2_new(&aux, omega, &e, &err)) !=
            OS_OK)
            return NULL;
        v = deriv ? os_eri2_deriv_compute(e, 0, 1) : os_eri2_compute(e, 0, 1);
        n = (size_t)sh[0].nbf * sh[1].nbf * (deriv ? 6 : 1);
        memcpy(out, v, n * sizeof(double));
        os_eri2_free(e);
    }
    return out;
}

/* The largest |FD - analytic| over the derivative blocks of one set, and the
 * largest |sum over centres|, relative to the largest derivative when above 1. */
static void df_integral_case(int ncentre, const int *l, const int *pure, double omega,
                             double *fd_err, double *ti_err)
{
    os_shell sh[4];
    os_basis all;
    four_shells(l, pure, sh, &all);
    size_t n = (size_t)sh[0].nbf * sh[1].nbf * (ncentre == 3 ? sh[2].nbf : 1);
    static double d[9 * 28 * 21 * 21], p[28 * 21 * 21];
    const double *v = df_integrals(ncentre, sh, omega, 1);
    *fd_err = *ti_err = INFINITY;
    if (!v) return;
    memcpy(d, v, 3 * ncentre * n * sizeof(double));
    double fe = 0.0, te = 0.0;
    for (int c = 0; c < ncentre; ++c)
        for (int k = 0; k < 3; ++k) {
            memset(p, 0, n * sizeof(double));
            for (int s = 0; s < 4; ++s) {
                sh[c].origin[k] = ORIGIN[c][k] + STENCIL_X[s] * FD_H;
                if (!(v = df_integrals(ncentre, sh, omega, 0))) return;
                for (size_t i = 0; i < n; ++i) p[i] += STENCIL_W[s] * v[i] / FD_H;
            }
            sh[c].origin[k] = ORIGIN[c][k];
            for (size_t i = 0; i < n; ++i) fe = fmax(fe, fabs(p[i] - d[(3 * c + k) * n + i]));
        }
    for (int k = 0; k < 3; ++k)
        for (size_t i = 0; i < n; ++i) {
            double s = 0.0;
            for (int c = 0; c < ncentre; ++c) s += d[(3 * c + k) * n + i];
            te = fmax(te, fabs(s));
        }
    /* relative to the largest derivative (up to 2e4 for (i|i) here) when above 1 */
    double m = 1.0;
    for (size_t i = 0; i < 3 * ncentre * n; ++i) m = fmax(m, fabs(d[i]));
    *fd_err = fe / m;
    *ti_err = te / m;
}

static void test_df_deriv(void)
{
    /* l of (P, a, b) or (P, Q): s to the fitting sets' highest (i, l = 6) */
    static const int sets3[][4] = {{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0},
                                   {2, 1, 3, 0}, {3, 2, 2, 0}, {4, 0, 2, 0}, {6, 2, 1, 0},
                                   {5, 3, 4, 0}};
    static const int sets2[][4] = {{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 2, 0, 0}, {3, 4, 0, 0},
                                   {6, 5, 0, 0}, {6, 6, 0, 0}};
    static const int pure[2][4] = {{1, 1, 0, 1}, {0, 0, 1, 0}};
    double f3 = 0, t3 = 0, f2 = 0, t2 = 0, f, t;
    for (size_t q = 0; q < sizeof sets3 / sizeof sets3[0]; ++q) {
        df_integral_case(3, sets3[q], pure[q % 2], 0.0, &f, &t);
        f3 = fmax(f3, f);
        t3 = fmax(t3, t);
    }
    for (size_t q = 0; q < sizeof sets2 / sizeof sets2[0]; ++q) {
        df_integral_case(2, sets2[q], pure[q % 2], 0.0, &f, &t);
        f2 = fmax(f2, f);
        t2 = fmax(t2, t);
    }
    check_close("d(P|ab)/dR vs central differences (relative), 9 AM sets", f3, 0.0, 1e-8);
    check_close("d(P|ab)/dR summed over the 3 centres", t3, 0.0, 1e-10);
    check_close("d(P|Q)/dR vs central differences (relative), 6 AM sets", f2, 0.0, 1e-8);
    check_close("d(P|Q)/dR summed over the 2 centres", t2, 0.0, 1e-10);
    df_integral_case(3, sets3[5], pure[1], 0.3, &f, &t);
    check_close("erf(0.3 r12)/r12 (P|ab) derivatives vs central differences", f, 0.0, 1e-8);
}

/* sum_ab M_ab op_ab for op = overlap (0), kinetic (1), nuclear (2), point charges (3). */
static double contracted(int op, const os_molecule *mol, const char *basis, int pure,
                         const double *M, const double *q, const double *qxyz)
{
    os_basis bs;
    os_error err;
    if (os_basis_load(mol, basis, NULL, pure, &bs, &err) != OS_OK) return NAN;
    size_t n2 = (size_t)bs.nbf * bs.nbf;
    double *S = calloc(n2, sizeof(double)), e = 0.0;
    os_status st = op == 0   ? os_int1e_overlap(&bs, 1, S, &err)
                   : op == 1 ? os_int1e_kinetic(&bs, 1, S, &err)
                   : op == 2 ? os_int1e_nuclear(&bs, mol, 1, S, &err)
                             : os_int1e_potential(&bs, 2, q, qxyz, 1, S, &err);
    for (size_t i = 0; i < n2; ++i) e += M[i] * S[i];
    free(S);
    os_basis_free(&bs);
    return st == OS_OK ? e : NAN;
}

static void onebody_case(const char *basis, int pure)
{
    static const char *const names[4] = {"overlap", "kinetic", "nuclear attraction", "point charges"};
    char path[1024];
    snprintf(path, sizeof path, "%s/grad/geom/water_d.xyz", OS_REF_DIR);
    os_molecule mol;
    os_basis bs;
    os_error err;
    if (os_molecule_read_xyz(path, &mol, &err) != OS_OK ||
        os_basis_load(&mol, basis, NULL, pure, &bs, &err) != OS_OK) {
        check_true(err.msg, 0);
        return;
    }
    int n = bs.nbf, na3 = 3 * mol.natom;
    double *M = malloc(sizeof(double) * n * n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j) M[i * n + j] = M[j * n + i] = sin(1.0 + 0.37 * i + 0.91 * j * j);
    double q[2] = {0.7, -1.3}, qxyz[6] = {2.0, -1.0, 0.5, -1.5, 0.3, 2.2};
    for (int op = 0; op < 4; ++op) {
        double g[9 + 6] = {0}; /* atoms, then the two charges */
        os_status st = op == 0   ? os_int1e_overlap_grad(&bs, 2, M, g, &err)
                       : op == 1 ? os_int1e_kinetic_grad(&bs, 2, M, g, &err)
                       : op == 2 ? os_int1e_nuclear_grad(&bs, &mol, 2, M, g, &err)
                                 : os_int1e_potential_grad(&bs, 2, q, qxyz, 2, M, g, g + na3, &err);
        double worst = st == OS_OK ? 0.0 : INFINITY;
        int ncoord = op == 3 ? na3 + 6 : na3;
        for (int i = 0; i < ncoord; ++i) {
            double *x = i < na3 ? &mol.xyz[i] : &qxyz[i - na3], x0 = *x, fd = 0.0;
            for (int s = 0; s < 4; ++s) {
                *x = x0 + STENCIL_X[s] * FD_H;
                fd += STENCIL_W[s] * contracted(op, &mol, basis, pure, M, q, qxyz) / FD_H;
            }
            *x = x0;
            worst = fmax(worst, fabs(fd - g[i]));
        }
        char what[128];
        snprintf(what, sizeof what, "%s %s: sum M d<a|op|b>/dR vs differences", basis,
                 names[op]);
        check_close(what, worst, 0.0, 1e-8);
    }
    free(M);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

static int run_integrals(void)
{
    test_eri_deriv();
    test_df_deriv();
    onebody_case("cc-pVDZ", OS_PURE_DEFAULT); /* spherical d */
    onebody_case("6-31+G*", OS_PURE_DEFAULT); /* Cartesian d, diffuse */
    return check_finish();
}

/* ------------------------------------------------------- whole gradients */

typedef struct {
    os_molecule mol;
    os_basis bs;
    os_scf_options opt;
    os_scf_result res;
    char basis[64];
    int pure;
    check_overlap_term term; /* used when opt.npotentials = 1 */
    os_scf_potential pot;
} system_t;

static int system_load(system_t *s, const char *geometry, const char *method, const char *basis,
                       int pure, const char *grid, const char *jk, const char *aux,
                       double external_c)
{
    char path[1024];
    os_error err;
    memset(s, 0, sizeof *s);
    snprintf(path, sizeof path, "%s/%s", OS_REF_DIR, geometry);
    snprintf(s->basis, sizeof s->basis, "%s", basis);
    s->pure = pure;
    if (os_molecule_read_xyz(path, &s->mol, &err) != OS_OK ||
        os_molecule_set_state(&s->mol, s->mol.charge, s->mol.mult, &err) != OS_OK ||
        os_basis_load(&s->mol, basis, NULL, pure, &s->bs, &err) != OS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 0;
    }
    os_scf_options_default(&s->opt);
    s->opt.method = method;
    s->opt.grid = grid && strcmp(grid, "-") ? grid : NULL;
    s->opt.e_conv = 1e-11;
    s->opt.g_conv = 1e-9;
    s->opt.memory_mb = 256;
    s->opt.jk = jk;
    s->opt.aux = aux;
    if (external_c != 0.0) {
        s->term = (check_overlap_term){&s->bs, external_c};
        s->pot = (os_scf_potential){"overlap", &s->term, check_overlap_build, check_overlap_gradient, 0};
        s->opt.potentials = &s->pot;
        s->opt.npotentials = 1;
    }
    if (os_scf_run(&s->mol, &s->bs, &s->opt, &s->res, &err) != OS_OK) {
        fprintf(stderr, "SCF: %s\n", err.msg);
        return 0;
    }
    return 1;
}

static void system_free(system_t *s)
{
    os_scf_result_free(&s->res);
    os_basis_free(&s->bs);
    os_molecule_free(&s->mol);
}

/* The SCF energy at the molecule's current coordinates, started from the
 * reference orbitals. */
static double energy_at(system_t *s)
{
    os_basis bs;
    os_scf_result r;
    os_error err;
    if (os_basis_load(&s->mol, s->basis, NULL, s->pure, &bs, &err) != OS_OK) return NAN;
    os_scf_options o = s->opt;
    o.guess = OS_GUESS_ORBITALS;
    o.guess_orbitals = &s->res;
    check_overlap_term term = {&bs, s->term.c};
    os_scf_potential pot = {"overlap", &term, check_overlap_build, check_overlap_gradient, 0};
    if (o.npotentials) o.potentials = &pot;
    double e = os_scf_run(&s->mol, &bs, &o, &r, &err) == OS_OK ? r.energy : NAN;
    os_scf_result_free(&r);
    os_basis_free(&bs);
    return e;
}

/* Print the terms (for the log) and return the gradient. */
static int gradient_of(system_t *s, double *g)
{
    int na3 = 3 * s->mol.natom;
    double *t = calloc((size_t)OS_GRAD_NTERM * na3, sizeof(double));
    os_error err;
    if (!t || os_grad_terms(&s->mol, &s->bs, &s->opt, &s->res, t, &err) != OS_OK) {
        fprintf(stderr, "gradient: %s\n", t ? err.msg : "out of memory");
        free(t);
        return 0;
    }
    for (int i = 0; i < na3; ++i) g[i] = 0.0;
    for (int k = 0; k < OS_GRAD_NTERM; ++k) {
        printf("  %-12s", os_grad_term_name(k));
        for (int i = 0; i < na3; ++i) {
            printf(" % .10f", t[k * na3 + i]);
            g[i] += t[k * na3 + i];
        }
        printf("\n");
    }
    free(t);
    return 1;
}

/* With the SCF's shared set at hand (os_scf_options.shared), the DF gradient
 * takes the fitted tensors and the grid from it instead of recomputing them:
 * the same gradient as g, every component to 1e-9 Eh/bohr. */
static void same_from_shared(system_t *s, const double *g)
{
    int na3 = 3 * s->mol.natom;
    os_scf_shared *sh = NULL;
    os_scf_result r;
    os_error err;
    os_scf_options o = s->opt;
    double *g2 = calloc(na3, sizeof(double));
    if (!check_true("shared set", g2 && os_scf_shared_new(&sh, &err) == OS_OK)) {
        free(g2);
        return;
    }
    o.shared = sh;
    int ok = os_scf_run(&s->mol, &s->bs, &o, &r, &err) == OS_OK;
    os_scf_result_free(&r);
    if (check_true("gradient from the SCF's fitted tensors",
                   ok && os_scf_gradient(&s->mol, &s->bs, &o, &s->res, g2, &err) == OS_OK)) {
        check_close("largest change from the recomputed integrals, Eh/bohr",
                    check_maxdiff((size_t)na3, g2, g), 0.0, 1e-9);
    }
    os_scf_shared_free(sh);
    free(g2);
}

static int parse_pure(const char *s)
{
    return !strcmp(s, "cart") ? OS_CARTESIAN : !strcmp(s, "sph") ? OS_SPHERICAL : OS_PURE_DEFAULT;
}

static int run_fd(const char *geometry, const char *method, const char *basis, const char *pure,
                  const char *grid, const char *jk, double external_c)
{
    system_t s;
    if (!check_true("reference SCF converged", system_load(&s, geometry, method, basis,
                                                           parse_pure(pure), grid, jk, NULL,
                                                           external_c)))
        return check_finish();
    int natom = s.mol.natom, na3 = 3 * natom;
    double *g = calloc(na3, sizeof(double));
    if (!check_true("analytic gradient", gradient_of(&s, g))) return check_finish();
    if (jk && !strcmp(jk, "df")) same_from_shared(&s, g);
    const double h = 1e-3;
    for (int i = 0; i < na3; ++i) {
        double x0 = s.mol.xyz[i];
        s.mol.xyz[i] = x0 + h;
        double ep = energy_at(&s);
        s.mol.xyz[i] = x0 - h;
        double em = energy_at(&s);
        s.mol.xyz[i] = x0;
        char what[96];
        snprintf(what, sizeof what, "%s/%s atom %d %c: analytic vs central differences", method,
                 basis, i / 3 + 1, "xyz"[i % 3]);
        check_close(what, g[i], (ep - em) / (2 * h), 1e-6);
    }
    for (int k = 0; k < 3; ++k) {
        double sum = 0.0;
        for (int a = 0; a < natom; ++a) sum += g[3 * a + k];
        char what[96];
        snprintf(what, sizeof what, "sum over atoms of the gradient, %c", "xyz"[k]);
        check_close(what, sum, 0.0, 1e-8);
    }
    free(g);
    system_free(&s);
    return check_finish();
}

/* ------------------------------------------------------------------ Psi4 */

typedef struct {
    char geometry[512], method[64], basis[64], reference[16], grid[32], scf_type[16], df_basis[64];
    int puream, natom;
    double energy, gradient[3 * 64], fd_gradient[3 * 64];
    int ngrad, nfd;
} grad_ref;

static int read_list(char *rest, double *v, int max)
{
    int n = 0;
    for (char *t = strtok(rest, " \t"); t && n < max; t = strtok(NULL, " \t")) v[n++] = strtod(t, NULL);
    return n;
}

static void grad_ref_key(const char *key, char *rest, void *ctx)
{
    grad_ref *r = ctx;
    if (!strcmp(key, "geometry")) snprintf(r->geometry, sizeof r->geometry, "%s", rest);
    else if (!strcmp(key, "method")) snprintf(r->method, sizeof r->method, "%s", rest);
    else if (!strcmp(key, "basis")) snprintf(r->basis, sizeof r->basis, "%s", rest);
    else if (!strcmp(key, "reference")) snprintf(r->reference, sizeof r->reference, "%s", rest);
    else if (!strcmp(key, "grid")) snprintf(r->grid, sizeof r->grid, "%s", rest);
    else if (!strcmp(key, "scf_type")) snprintf(r->scf_type, sizeof r->scf_type, "%s", rest);
    else if (!strcmp(key, "df_basis")) snprintf(r->df_basis, sizeof r->df_basis, "%s", rest);
    else if (!strcmp(key, "puream")) r->puream = atoi(rest);
    else if (!strcmp(key, "natom")) r->natom = atoi(rest);
    else if (!strcmp(key, "energy")) r->energy = strtod(rest, NULL);
    else if (!strcmp(key, "gradient")) r->ngrad = read_list(rest, r->gradient, 3 * 64);
    else if (!strcmp(key, "fd_gradient")) r->nfd = read_list(rest, r->fd_gradient, 3 * 64);
}

static int read_grad_ref(const char *path, grad_ref *r)
{
    memset(r, 0, sizeof *r);
    r->puream = -1;
    if (!check_read_keys(path, grad_ref_key, r)) return 0;
    return r->geometry[0] && r->method[0] && r->basis[0] && r->ngrad == 3 * r->natom;
}

static int run_psi4(const char *path, double gtol)
{
    static grad_ref r;
    if (!check_true("reference file complete", read_grad_ref(path, &r))) return check_finish();
    int df = !strcmp(r.scf_type, "df"); /* else pk: exact integrals */
    system_t s;
    if (!check_true("SCF converged", system_load(&s, r.geometry, r.method, r.basis, r.puream,
                                                 r.grid, df ? "df" : "exact",
                                                 df ? r.df_basis : NULL, 0.0)))
        return check_finish();
    check_close("total energy vs Psi4, Eh", s.res.energy, r.energy, 1e-6);
    double g[3 * 64];
    if (check_true("atoms as in the reference", s.mol.natom == r.natom) &&
        check_true("analytic gradient", gradient_of(&s, g)))
        for (int i = 0; i < 3 * r.natom; ++i) {
            char what[96];
            snprintf(what, sizeof what, "gradient atom %d %c vs Psi4, Eh/bohr", i / 3 + 1,
                     "xyz"[i % 3]);
            check_close(what, g[i], r.gradient[i], gtol);
        }
    /* Psi4's finite differences of its own energy on its moving grid: the
     * true derivative, grid response included. */
    for (int i = 0; i < r.nfd && r.nfd == 3 * r.natom; ++i) {
        char what[96];
        snprintf(what, sizeof what, "gradient atom %d %c vs Psi4's differences", i / 3 + 1,
                 "xyz"[i % 3]);
        check_close(what, g[i], r.fd_gradient[i], gtol);
    }
    system_free(&s);
    return check_finish();
}

int main(int argc, char **argv)
{
    os_blas_set_threads(1);
    if (argc >= 2 && !strcmp(argv[1], "integrals")) return run_integrals();
    if (argc >= 7 && !strcmp(argv[1], "fd"))
        return run_fd(argv[2], argv[3], argv[4], argv[5], argv[6], argc > 7 ? argv[7] : "exact",
                      0.0);
    if (argc >= 2 && !strcmp(argv[1], "external"))
        return run_fd("grad/geom/water_d.xyz", "hf", "cc-pVDZ", "default", "-", "exact", 0.05);
    if (argc >= 3 && !strcmp(argv[1], "psi4")) return run_psi4(argv[2], argc > 3 ? atof(argv[3]) : 1e-6);
    fprintf(stderr,
            "usage: %s integrals | fd GEOMETRY METHOD BASIS PURE GRID [JK] | external | psi4 CASE.ref [GTOL]\n",
            argv[0]);
    return 2;
}
