/* The SCF's stages and seams:
 *   - DIIS on a linear fixed-point problem x = A x + b (dimension 6, spectral
 *     radius 0.95: plain iteration needs ~450 steps for 1e-10): Pulay's
 *     extrapolation is Anderson mixing there and must reach |x - x*| < 1e-10
 *     within 12 steps; dependent error vectors must not break it;
 *   - SAD guess for water/6-31G*: symmetric, Tr(P S) = 10 electrons (1e-10),
 *     block-diagonal by atom, the O atom spherical (px = py = pz, 1e-8);
 *   - restart: water HF/cc-pVDZ restarted from its own orbitals converges in
 *     at most 3 cycles to the same energy (1e-10 Eh); the doublet cation (UHF)
 *     started from the neutral's orbitals reaches the SAD-started energy (1e-8);
 *   - an external potential term V = c S (energy c Tr(P S)) shifts the total
 *     energy by c N and every orbital energy by c (1e-8 Eh);
 *   - occupations: a result whose HOMO and LUMO lie 1e-5 Eh apart is flagged
 *     with a warning, one with a 0.1 Eh gap is not, and neither is water;
 *   - threads: the SCF runs on the threads it is given and leaves the
 *     caller's OpenMP setting alone;
 *   - ADIIS on a quadratic energy, where its model is exact, picks the best
 *     density in the hull of the stored ones (1e-10);
 *   - the peak memory an SCF reports matches the growth of the process's
 *     resident set over it (DOL HF/6-31+G*, 25% + 32 MiB). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/error.h"
#include "core/linalg.h"
#include "integrals/integrals.h"
#include "orbscreen.h"
#include "scf/diis.h"
#include "scf/guess.h"
#include "scf/stages.h"

static void test_diis(void)
{
    enum { N = 6 };
    double A[N * N], b[N], x[N], xs[N];
    /* A = Q diag(0.95, -0.9, 0.8, 0.5, -0.3, 0.1) Q^T with Q a fixed rotation. */
    double lam[N] = {0.95, -0.9, 0.8, 0.5, -0.3, 0.1};
    double Q[N * N];
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) Q[i * N + j] = cos(0.7 * (i + 1) * (j + 1)) + (i == j ? 2 : 0);
    /* Gram-Schmidt on the columns of Q. */
    for (int j = 0; j < N; ++j) {
        for (int k = 0; k < j; ++k) {
            double d = 0;
            for (int i = 0; i < N; ++i) d += Q[i * N + j] * Q[i * N + k];
            for (int i = 0; i < N; ++i) Q[i * N + j] -= d * Q[i * N + k];
        }
        double nrm = 0;
        for (int i = 0; i < N; ++i) nrm += Q[i * N + j] * Q[i * N + j];
        for (int i = 0; i < N; ++i) Q[i * N + j] /= sqrt(nrm);
    }
    for (int i = 0; i < N; ++i) {
        b[i] = 1.0 + 0.1 * i;
        x[i] = 0.0;
        for (int j = 0; j < N; ++j) {
            double v = 0;
            for (int k = 0; k < N; ++k) v += Q[i * N + k] * lam[k] * Q[j * N + k];
            A[i * N + j] = v;
        }
    }
    /* x* = (1 - A)^-1 b by plain iteration taken far (the reference). */
    for (int i = 0; i < N; ++i) xs[i] = 0;
    for (int it = 0; it < 5000; ++it) {
        double t[N];
        for (int i = 0; i < N; ++i) {
            t[i] = b[i];
            for (int j = 0; j < N; ++j) t[i] += A[i * N + j] * xs[j];
        }
        memcpy(xs, t, sizeof t);
    }
    os_diis d;
    os_error err;
    os_diis_init(&d, 8, N, N, 0, &err);
    int steps = 0;
    double dist = 1;
    for (steps = 1; steps <= 30 && dist > 1e-10; ++steps) {
        double g[N], e[N];
        for (int i = 0; i < N; ++i) {
            g[i] = b[i];
            for (int j = 0; j < N; ++j) g[i] += A[i * N + j] * x[j];
            e[i] = g[i] - x[i];
        }
        os_diis_extrapolate(&d, g, e, x, &err);
        dist = 0;
        for (int i = 0; i < N; ++i) dist = fmax(dist, fabs(x[i] - xs[i]));
    }
    check_close("DIIS: steps to |x - x*| < 1e-10 (at most 12)", steps - 1 <= 12 ? 0 : steps - 1, 0, 0);
    check_close("DIIS: distance from the fixed point", dist, 0, 1e-10);
    os_diis_free(&d);
    /* The same error vector over and over: singular equations, finite answer. */
    os_diis_init(&d, 8, N, N, 0, &err);
    double g[N] = {1, 2, 3, 4, 5, 6}, e[N] = {1e-3, 0, 0, 0, 0, 0}, out[N];
    int finite = 1;
    for (int k = 0; k < 10; ++k) {
        os_diis_extrapolate(&d, g, e, out, &err);
        for (int i = 0; i < N; ++i) finite &= isfinite(out[i]) && fabs(out[i] - g[i]) < 1e-9;
    }
    check_true("DIIS: repeated (dependent) error vectors give the stored vector back", finite);
    os_diis_free(&d);
}

/* ADIIS on a quadratic energy E(D) = <F0, D> + 1/2 <D, K D> (K positive
 * definite, F(D) = F0 + K D): there its model is exact, so with the minimizer
 * D* = -K^-1 F0 inside the hull of the stored densities (D* = sum c_i D_i,
 * c = 0.1, 0.2, 0.3, 0.4) and errors large enough for pure ADIIS, the
 * combined Fock matrix is F(D*) = 0. */
static void test_adiis(void)
{
    enum { N = 6, M = 4 };
    double K[N * N], F0[N], Ds[N], Dv[M][N], Fv[M][N], e[N], out[N];
    for (int i = 0; i < N; ++i) {
        F0[i] = sin(1.0 + i);
        for (int j = 0; j < N; ++j) K[i * N + j] = 0.2 * cos(0.9 * (i + 1) * (j + 1)) + (i == j ? 3.0 : 0.0);
    }
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < i; ++j) K[i * N + j] = K[j * N + i];
    /* D* = -K^-1 F0 by Gauss-Seidel (K diagonally dominant). */
    for (int i = 0; i < N; ++i) Ds[i] = 0.0;
    for (int it = 0; it < 500; ++it)
        for (int i = 0; i < N; ++i) {
            double r = -F0[i];
            for (int j = 0; j < N; ++j)
                if (j != i) r -= K[i * N + j] * Ds[j];
            Ds[i] = r / K[i * N + i];
        }
    const double c[M] = {0.1, 0.2, 0.3, 0.4};
    for (int i = 0; i < N; ++i) {
        double rest = Ds[i];
        for (int m = 0; m < M - 1; ++m) {
            Dv[m][i] = cos(2.0 * m + 0.3 * i) + 0.5 * m;
            rest -= c[m] * Dv[m][i];
        }
        Dv[M - 1][i] = rest / c[M - 1];
    }
    for (int m = 0; m < M; ++m)
        for (int i = 0; i < N; ++i) {
            Fv[m][i] = F0[i];
            for (int j = 0; j < N; ++j) Fv[m][i] += K[i * N + j] * Dv[m][j];
        }
    os_diis d;
    os_error err;
    check_true("ADIIS: history with densities", os_diis_init(&d, 8, N, N, 1, &err) == OS_OK);
    for (int m = 0; m < M; ++m) {
        for (int i = 0; i < N; ++i) e[i] = 2.0 * OS_ADIIS_START * (1 + i + m); /* ADIIS alone */
        os_diis_step(&d, Fv[m], Dv[m], e, out, &err);
    }
    double worst = 0.0;
    for (int i = 0; i < N; ++i) worst = fmax(worst, fabs(out[i]));
    check_close("ADIIS: F of the best density in the hull (= 0)", worst, 0.0, 1e-10);
    os_diis_free(&d);
}

static int load(const char *geom, const char *basis, int charge, int mult, os_molecule *mol,
                os_basis *bs)
{
    os_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/geom/%s.xyz", OS_REF_DIR, geom);
    if (os_molecule_read_xyz(path, mol, &err) != OS_OK ||
        os_molecule_set_state(mol, charge, mult, &err) != OS_OK ||
        os_basis_load(mol, basis, NULL, OS_PURE_DEFAULT, bs, &err) != OS_OK) {
        printf("setup %s: %s\n", geom, err.msg);
        return 0;
    }
    return 1;
}

/* Default options, Hartree-Fock, two threads. */
static os_scf_options hf_on_two_threads(void)
{
    os_scf_options o;
    os_scf_options_default(&o);
    o.method = "hf";
    o.nthreads = 2;
    return o;
}

static void test_guess(void)
{
    os_molecule mol;
    os_basis bs;
    if (!load("water", "6-31G*", 0, 1, &mol, &bs)) return;
    int n = bs.nbf;
    double *P = calloc((size_t)n * n, sizeof(double)), *S = calloc((size_t)n * n, sizeof(double));
    os_scf_options o;
    os_scf_options_default(&o);
    os_error err;
    check_true("SAD: built", os_guess_sad(&mol, &bs, &o, P, &err) == OS_OK);
    os_int1e_overlap(&bs, 1, S, &err);
    double tr = 0, asym = 0, offblock = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            tr += P[i * n + j] * S[i * n + j];
            asym = fmax(asym, fabs(P[i * n + j] - P[j * n + i]));
        }
    /* O's functions come first (atom 0): every O-H element is zero. */
    int nO = bs.shells[bs.atom_shell0[1]].bf0;
    for (int i = 0; i < nO; ++i)
        for (int j = nO; j < n; ++j) offblock = fmax(offblock, fabs(P[i * n + j]));
    check_close("SAD: Tr(P S) = 10 electrons", tr, 10.0, 1e-10);
    check_close("SAD: symmetric", asym, 0.0, 0.0);
    check_close("SAD: no O-H block", offblock, 0.0, 0.0);
    /* The first p shell of O: equal diagonal elements (spherical atom). */
    int s;
    for (s = bs.atom_shell0[0]; bs.shells[s].l != 1; ++s) {}
    int p0 = bs.shells[s].bf0;
    double px = P[p0 * n + p0], py = P[(p0 + 1) * n + p0 + 1], pz = P[(p0 + 2) * n + p0 + 2];
    check_close("SAD: O atom spherical (px - py)", px - py, 0.0, 1e-8);
    check_close("SAD: O atom spherical (px - pz)", px - pz, 0.0, 1e-8);
    free(P);
    free(S);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* V = c S: a constant potential c everywhere. */
typedef struct {
    const double *S;
    int n;
    double c;
} shift_ctx;

static os_status shift_build(void *ctx, const double *P, double *V, double *energy, os_error *err)
{
    (void)err;
    shift_ctx *s = ctx;
    double e = 0;
    for (size_t k = 0; k < (size_t)s->n * s->n; ++k) {
        V[k] += s->c * s->S[k];
        e += s->c * P[k] * s->S[k];
    }
    *energy = e;
    return OS_OK;
}

static void test_restart_and_terms(void)
{
    os_molecule mol, cat;
    os_basis bs, bsc;
    if (!load("water", "cc-pVDZ", 0, 1, &mol, &bs) || !load("water", "cc-pVDZ", 1, 2, &cat, &bsc))
        return;
    os_scf_options o = hf_on_two_threads();
    os_scf_result r0, r1, rc_sad, rc_orb, rs;
    os_error err;
    check_true("water HF converges", os_scf_run(&mol, &bs, &o, &r0, &err) == OS_OK);

    os_scf_options ro = o;
    ro.guess = OS_GUESS_ORBITALS;
    ro.guess_orbitals = &r0;
    check_true("restart from own orbitals converges", os_scf_run(&mol, &bs, &ro, &r1, &err) == OS_OK);
    check_close("restart: same energy", r1.energy, r0.energy, 1e-10);
    check_close("restart: cycles (at most 3)", r1.iterations <= 3 ? 0 : r1.iterations, 0, 0);

    check_true("cation from SAD converges", os_scf_run(&cat, &bsc, &o, &rc_sad, &err) == OS_OK);
    check_true("cation from neutral orbitals converges",
               os_scf_run(&cat, &bsc, &ro, &rc_orb, &err) == OS_OK);
    check_close("cation: same energy from either start", rc_orb.energy, rc_sad.energy, 1e-8);
    printf("     cation cycles: %d from SAD, %d from the neutral's orbitals\n", rc_sad.iterations,
           rc_orb.iterations);

    int n = bs.nbf;
    double *S = calloc((size_t)n * n, sizeof(double));
    os_int1e_overlap(&bs, 1, S, &err);
    shift_ctx sc = {S, n, 0.05};
    os_scf_potential pot = {"shift", &sc, shift_build, NULL, 0};
    os_scf_options po = o;
    po.potentials = &pot;
    po.npotentials = 1;
    check_true("with a constant external potential: converges",
               os_scf_run(&mol, &bs, &po, &rs, &err) == OS_OK);
    check_close("external term: energy shift = c N", rs.energy - r0.energy, 0.05 * 10, 1e-8);
    check_close("external term: its energy reported", rs.e_ext, 0.05 * 10, 1e-8);
    double worst = 0;
    for (int i = 0; i < r0.nmo; ++i) worst = fmax(worst, fabs(rs.eps_a[i] - r0.eps_a[i] - 0.05));
    check_close("external term: every orbital energy shifted by c", worst, 0.0, 1e-8);
    check_true("water: HOMO/LUMO not flagged degenerate", !r0.homo_lumo_degenerate && !r0.warning[0]);
    free(S);
    os_scf_result *all[] = {&r0, &r1, &rc_sad, &rc_orb, &rs};
    for (size_t k = 0; k < sizeof all / sizeof *all; ++k) os_scf_result_free(all[k]);
    os_basis_free(&bs);
    os_basis_free(&bsc);
    os_molecule_free(&mol);
    os_molecule_free(&cat);
}

static void test_degenerate_and_threads(void)
{
    double eps[4] = {-0.5, -0.3, -0.3 + 1e-5, 0.2};
    os_scf_result r = {.nmo = 4, .nalpha = 2, .nbeta = 2, .eps_a = eps};
    os_scf_frontier(&r);
    check_close("frontier: HOMO", r.homo, -0.3, 0);
    check_close("frontier: LUMO", r.lumo, -0.3 + 1e-5, 0);
    check_true("frontier: HOMO/LUMO 1e-5 Eh apart flagged degenerate", r.homo_lumo_degenerate);
    check_true("frontier: the warning says so", strstr(r.warning, "degenerate") != NULL);
    eps[2] = -0.2;
    os_scf_result r2 = {.nmo = 4, .nalpha = 2, .nbeta = 2, .eps_a = eps};
    os_scf_frontier(&r2);
    check_true("frontier: a 0.1 Eh gap is not flagged", !r2.homo_lumo_degenerate && !r2.warning[0]);

    os_molecule mol;
    os_basis bs;
    if (!load("water", "6-31G*", 0, 1, &mol, &bs)) return;
    os_scf_options o = hf_on_two_threads();
    omp_set_num_threads(3); /* the caller's own setting */
    os_scf_result rw;
    os_error err;
    check_true("water HF/6-31G* on 2 threads", os_scf_run(&mol, &bs, &o, &rw, &err) == OS_OK);
    check_close("the caller's OpenMP thread count is left as it was", omp_get_max_threads(), 3, 0);
    os_scf_result_free(&rw);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* One line of /proc/self/status in kB, -1 when unreadable. */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n)) v = atol(line + n);
    if (f) fclose(f);
    return v;
}

/* The peak memory an SCF reports against what the process actually grew by:
 * the resident high-water mark (reset through /proc/self/clear_refs) over
 * the SCF of DOL, HF/6-31+G*, less the resident size before it.  Within 25%
 * and 32 MiB (thread stacks, allocator arenas, libint's buffers). */
static void test_peak_memory(void)
{
    os_molecule mol;
    os_basis bs;
    if (!load("dol", "6-31+G*", 0, 1, &mol, &bs)) return;
    os_scf_options o = hf_on_two_threads();
    FILE *f = fopen("/proc/self/clear_refs", "w");
    int reset = f && fputs("5", f) >= 0;
    if (f) reset &= fclose(f) == 0;
    check_true("peak memory: the resident high-water mark can be reset", reset);
    long before_kb = status_kb("VmRSS:");
    os_scf_result r;
    os_error err;
    check_true("DOL HF/6-31+G* converges", os_scf_run(&mol, &bs, &o, &r, &err) == OS_OK);
    double grew_mib = (status_kb("VmHWM:") - before_kb) / 1024.0;
    double said_mib = r.peak_memory_bytes / 1048576.0;
    printf("     DOL HF: SCF reports %.1f MiB, the process grew by %.1f MiB\n", said_mib, grew_mib);
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer's shadow memory and quarantine are resident too: the
     * process's growth says nothing about the SCF's own arrays there. */
    check_true("peak memory: reported (AddressSanitizer build: not compared)", said_mib > 0.0);
#else
    check_close("peak memory: reported vs resident growth (MiB)", said_mib, grew_mib,
                0.25 * grew_mib + 32.0);
#endif
    os_scf_result_free(&r);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* issue 9: a NaN reached LAPACK as "dsyevd info -5", with no file named.  The
 * eigensolver says what is wrong; the batch prefixes the file (test_cli.sh). */
static void test_eigensolver_nan(void)
{
    double A[4] = {1.0, NAN, NAN, 2.0}, w[2];
    os_error err = {""};
    os_status st = os_eigh(2, A, w, &err);
    check_true("eigensolver on NaN: a numeric error naming NaN, not LAPACK's info",
               st == OS_ERR_NUMERIC && strstr(err.msg, "NaN or Inf") && !strstr(err.msg, "info"));
    os_error_prefix(&err, "dir/x.xyz");
    check_true("eigensolver on NaN: the message gains the file name once",
               strncmp(err.msg, "dir/x.xyz: symmetric eigensolver", 32) == 0);
    os_error_prefix(&err, "dir/x.xyz");
    check_true("eigensolver on NaN: no second prefix", strstr(err.msg + 1, "dir/x.xyz") == NULL);
}

int main(void)
{
    test_eigensolver_nan();
    test_diis();
    test_adiis();
    test_peak_memory();
    test_guess();
    test_restart_and_terms();
    test_degenerate_and_threads();
    return check_finish();
}
