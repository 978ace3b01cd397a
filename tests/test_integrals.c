/* Integral layer vs Psi4 1.3.2 (tests/reference/integrals/, produced by
 * psi4_ints.in there), plus internal consistency:
 *   - cart2sph: solid harmonics orthonormal under the Cartesian overlap of
 *     x^l-normalized components, l = 0..5 (tol 1e-14), and closed-form d values;
 *   - sph case (O, N, H; s p d f g per atom, spherical, 75 functions):
 *     S, T, V elementwise (tol 1e-10 Eh / 1), ERI checksums per canonical shell
 *     quartet (sum I^2 and a cosine-weighted sum, tol 1e-9), 800 single ERIs
 *     (tol 1e-10), erf(0.4 r12)/r12 checksums (tol 1e-9);
 *   - 8-fold permutational symmetry for every ordered AM quartet, shells on
 *     different atoms (tol 1e-12; sph with omega = 0, cart with omega = 0.3);
 *   - cart case (N, H; s p d f Cartesian, 40 functions): the same vs Psi4;
 *   - h case (O s d h, H s p h; spherical, 32 functions): l = 5 vs Psi4,
 *     symmetry to 1e-10 (roundoff in libint's h recursions reaches 4e-11);
 *   - density fitting (psi4_df_ints.in): three-centre (P|ab) and two-centre
 *     (P|Q), 1/r12 and erf(0.4 r12)/r12, checksums per shell block vs Psi4
 *     (tol 1e-9) with fitting shells up to i (l = 6) spherical and g
 *     Cartesian; and vs the four-centre engine with a unit shell appended,
 *     (P|ab) = (P u|ab), on the sph, cart (omega 0.3) and h cases (tol as the
 *     symmetry test's, relative).
 * The basis is built here from the Psi4 dump (exponents and raw coefficients),
 * normalized per orbscreen.h: each contracted x^l component has unit norm. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrals/cart2sph.h"
#include "check.h"
#include "integrals/integrals.h"

#define TOL_1E 1e-10
#define TOL_ERI 1e-10
#define TOL_SUM 1e-9
#define TOL_SYM 1e-12   /* l <= 4 */
#define TOL_SYM_H 1e-10 /* with h shells: libint HRR loses ~2 more digits (4e-11 seen) */

static double dfact(int n) /* n!!, (-1)!! = 1 */
{
    double f = 1.0;
    for (; n > 1; n -= 2) f *= n;
    return f;
}

/* <x^l e^{-a r^2} | x^l e^{-b r^2}> */
static double prim_ovl(double a, double b, int l)
{
    double p = a + b;
    return pow(3.14159265358979323846 / p, 1.5) * dfact(2 * l - 1) / pow(2.0 * p, l);
}

typedef struct {
    os_molecule mol;
    os_basis bs;
    double *alpha, *coef;
} test_system;

static void system_free(test_system *s)
{
    free(s->mol.Z);
    free(s->mol.xyz);
    free(s->bs.shells);
    free(s->alpha);
    free(s->coef);
}

/* Read integrals/<tag>_<what>.txt (format in psi4_ints.in). */
static int load_basis_file(const char *tag, const char *what, test_system *s)
{
    char path[1024], line[256];
    snprintf(path, sizeof path, "%s/integrals/%s_%s.txt", OS_REF_DIR, tag, what);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    memset(s, 0, sizeof *s);
    int natom = 0, nshell = 0, ia = 0, is = -1, ip = 0, nbf = 0;
    s->alpha = calloc(4096, sizeof(double));
    s->coef = calloc(4096, sizeof(double));
    while (fgets(line, sizeof line, f)) {
        double x, y, z;
        int Z, c, l, pure, np;
        if (sscanf(line, "natom %d", &natom) == 1) {
            s->mol.natom = natom;
            s->mol.Z = calloc(natom, sizeof(int));
            s->mol.xyz = calloc(3 * natom, sizeof(double));
        } else if (sscanf(line, "atom %d %lf %lf %lf", &Z, &x, &y, &z) == 4) {
            s->mol.Z[ia] = Z;
            s->mol.xyz[3 * ia] = x;
            s->mol.xyz[3 * ia + 1] = y;
            s->mol.xyz[3 * ia + 2] = z;
            ++ia;
        } else if (sscanf(line, "nshell %d", &nshell) == 1) {
            s->bs.nshell = nshell;
            s->bs.shells = calloc(nshell, sizeof(os_shell));
        } else if (sscanf(line, "shell %d %d %d %d", &c, &l, &pure, &np) == 4) {
            os_shell *sh = &s->bs.shells[++is];
            sh->atom = c;
            sh->l = l;
            sh->pure = pure;
            sh->nprim = np;
            sh->alpha = s->alpha + ip;
            sh->coef = s->coef + ip;
            memcpy(sh->origin, s->mol.xyz + 3 * c, sizeof sh->origin);
            sh->bf0 = nbf;
            sh->nbf = pure ? os_nsph(l) : os_ncart(l);
            nbf += sh->nbf;
            if (l > s->bs.max_l) s->bs.max_l = l;
            if (np > s->bs.max_nprim) s->bs.max_nprim = np;
        } else if (sscanf(line, "%lf %lf", &x, &y) == 2 && is >= 0) {
            s->alpha[ip] = x;
            s->coef[ip] = y;
            ++ip;
        }
    }
    fclose(f);
    s->bs.nbf = nbf;
    /* Normalize: primitives like x^l, then the contraction. */
    for (int k = 0; k < nshell; ++k) {
        os_shell *sh = &s->bs.shells[k];
        double *c = s->coef + (sh->coef - s->coef);
        for (int i = 0; i < sh->nprim; ++i) c[i] /= sqrt(prim_ovl(sh->alpha[i], sh->alpha[i], sh->l));
        double n2 = 0.0;
        for (int i = 0; i < sh->nprim; ++i)
            for (int j = 0; j < sh->nprim; ++j) n2 += c[i] * c[j] * prim_ovl(sh->alpha[i], sh->alpha[j], sh->l);
        for (int i = 0; i < sh->nprim; ++i) c[i] /= sqrt(n2);
    }
    return ia == natom && is == nshell - 1 && natom > 0;
}

static int load_system(const char *tag, test_system *s) { return load_basis_file(tag, "basis", s); }

static void test_cart2sph(void)
{
    double worst = 0.0;
    for (int l = 0; l <= OS_MAX_L; ++l) {
        int nc = os_ncart(l), ns = os_nsph(l);
        double T[11 * 21], M[21 * 21];
        os_cart2sph(l, T);
        for (int i = 0; i < nc; ++i)
            for (int j = 0; j < nc; ++j) {
                int a[3], b[3];
                os_cart_exponents(l, i, &a[0], &a[1], &a[2]);
                os_cart_exponents(l, j, &b[0], &b[1], &b[2]);
                double v = 1.0 / dfact(2 * l - 1);
                for (int k = 0; k < 3; ++k)
                    v *= ((a[k] + b[k]) % 2) ? 0.0 : dfact(a[k] + b[k] - 1);
                M[i * nc + j] = v; /* overlap of x^l-normalized components */
            }
        for (int m = 0; m < ns; ++m)
            for (int n = 0; n < ns; ++n) {
                double s = 0.0;
                for (int i = 0; i < nc; ++i)
                    for (int j = 0; j < nc; ++j) s += T[m * nc + i] * M[i * nc + j] * T[n * nc + j];
                double e = fabs(s - (m == n));
                if (e > worst) worst = e;
            }
    }
    check_close("cart2sph: max |T M T^t - 1|, l=0..5", worst, 0.0, 1e-14);
    double T2[5 * 6];
    os_cart2sph(2, T2);
    /* d: m=0 = zz - (xx + yy)/2; m=2 = sqrt(3)/2 (xx - yy); m=-2 = sqrt(3) xy. */
    check_close("cart2sph: d m=0 coefficient of zz", T2[2 * 6 + 5], 1.0, 1e-15);
    check_close("cart2sph: d m=0 coefficient of xx", T2[2 * 6 + 0], -0.5, 1e-15);
    check_close("cart2sph: d m=+2 coefficient of yy", T2[4 * 6 + 3], -sqrt(3.0) / 2, 1e-15);
    check_close("cart2sph: d m=-2 coefficient of xy", T2[0 * 6 + 1], sqrt(3.0), 1e-15);
    int lx, ly, lz;
    os_cart_exponents(3, 7, &lx, &ly, &lz); /* f: xxx xxy xxz xyy xyz xzz yyy yyz ... */
    check_true("cart exponents: f component 7 is yyz", lx == 0 && ly == 2 && lz == 1);
}

static void test_1e(const char *tag, test_system *s)
{
    int n = s->bs.nbf;
    double *S = malloc(sizeof(double) * n * n), *T = malloc(sizeof(double) * n * n),
           *V = malloc(sizeof(double) * n * n);
    os_error err;
    char what[128];
    int ok = os_int1e_overlap(&s->bs, 2, S, &err) == OS_OK && os_int1e_kinetic(&s->bs, 2, T, &err) == OS_OK &&
             os_int1e_nuclear(&s->bs, &s->mol, 2, V, &err) == OS_OK;
    snprintf(what, sizeof what, "%s: one-electron integrals computed", tag);
    if (!check_true(what, ok)) printf("  %s\n", err.msg);
    char path[1024], line[256];
    snprintf(path, sizeof path, "%s/integrals/%s_1e.txt", OS_REF_DIR, tag);
    FILE *f = fopen(path, "r");
    double dS = 0, dT = 0, dV = 0;
    int cnt = 0;
    while (f && fgets(line, sizeof line, f)) {
        int i, j;
        double rs, rt, rv;
        if (line[0] == '#' || sscanf(line, "%d %d %lf %lf %lf", &i, &j, &rs, &rt, &rv) != 5) continue;
        dS = fmax(dS, fabs(S[i * n + j] - rs));
        dT = fmax(dT, fabs(T[i * n + j] - rt));
        dV = fmax(dV, fabs(V[i * n + j] - rv));
        if (!(S[i * n + j] == S[j * n + i] && T[i * n + j] == T[j * n + i] && V[i * n + j] == V[j * n + i]))
            dS = NAN;
        ++cnt;
    }
    if (f) fclose(f);
    snprintf(what, sizeof what, "%s: read %d x %d lower triangle", tag, n, n);
    check_true(what, cnt == n * (n + 1) / 2);
    snprintf(what, sizeof what, "%s: max |S - S(Psi4)|", tag);
    check_close(what, dS, 0.0, TOL_1E);
    snprintf(what, sizeof what, "%s: max |T - T(Psi4)|, Eh", tag);
    check_close(what, dT, 0.0, TOL_1E);
    snprintf(what, sizeof what, "%s: max |V - V(Psi4)|, Eh", tag);
    check_close(what, dV, 0.0, TOL_1E);
    free(S);
    free(T);
    free(V);
}

/* Checksums of every canonical shell quartet against <tag>_<kind>.txt. */
static void test_eri_sums(const char *tag, const char *kind, double omega, test_system *s)
{
    os_eri *e = NULL;
    os_error err;
    char what[160], path[1024], line[256];
    snprintf(what, sizeof what, "%s %s: engine created", tag, kind);
    if (!check_true(what, os_eri_new(&s->bs, omega, &e, &err) == OS_OK)) return;
    snprintf(path, sizeof path, "%s/integrals/%s_%s.txt", OS_REF_DIR, tag, kind);
    FILE *f = fopen(path, "r");
    double d2 = 0, dw = 0;
    int cnt = 0, ns = s->bs.nshell;
    while (f && fgets(line, sizeof line, f)) {
        int P, Q, R, S;
        double r2, rw;
        if (line[0] == '#' || sscanf(line, "%d %d %d %d %lf %lf", &P, &Q, &R, &S, &r2, &rw) != 6) continue;
        const os_shell *sh = s->bs.shells;
        const double *I = os_eri_compute(e, P, Q, R, S);
        double s2 = 0, sw = 0;
        int x = 0;
        for (int a = 0; a < sh[P].nbf; ++a)
            for (int b = 0; b < sh[Q].nbf; ++b)
                for (int c = 0; c < sh[R].nbf; ++c)
                    for (int d = 0; d < sh[S].nbf; ++d, ++x) {
                        double w = cos(0.1 * (sh[P].bf0 + a) + 0.2 * (sh[Q].bf0 + b) + 0.3 * (sh[R].bf0 + c) +
                                       0.4 * (sh[S].bf0 + d));
                        s2 += I[x] * I[x];
                        sw += w * I[x];
                    }
        dw = fmax(dw, fabs(sw - rw));
        d2 = fmax(d2, fabs(s2 - r2) / fmax(1.0, sqrt(r2)));
        if (!isfinite(s2)) d2 = NAN;
        ++cnt;
    }
    if (f) fclose(f);
    int ncan = 0;
    for (int P = 0; P < ns; ++P)
        for (int Q = 0; Q <= P; ++Q)
            for (int R = 0; R <= P; ++R) ncan += (R == P ? Q : R) + 1;
    snprintf(what, sizeof what, "%s %s: read all %d canonical shell quartets", tag, kind, ncan);
    check_true(what, cnt == ncan);
    snprintf(what, sizeof what, "%s %s: max |sum I^2 - Psi4|/max(1,|I|)", tag, kind);
    check_close(what, d2, 0.0, TOL_SUM);
    snprintf(what, sizeof what, "%s %s: max |sum w I - Psi4|", tag, kind);
    check_close(what, dw, 0.0, TOL_SUM);
    os_eri_free(e);
}

/* Single integrals from <tag>_eri_pick.txt. */
static void test_eri_pick(const char *tag, test_system *s)
{
    os_eri *e = NULL;
    os_error err;
    char what[160], path[1024], line[256];
    if (os_eri_new(&s->bs, 0.0, &e, &err) != OS_OK) {
        check_true("ERI engine for picks", 0);
        return;
    }
    int n = s->bs.nbf, ns = s->bs.nshell;
    int *shell_of = malloc(sizeof(int) * n);
    for (int k = 0; k < ns; ++k)
        for (int i = 0; i < s->bs.shells[k].nbf; ++i) shell_of[s->bs.shells[k].bf0 + i] = k;
    snprintf(path, sizeof path, "%s/integrals/%s_eri_pick.txt", OS_REF_DIR, tag);
    FILE *f = fopen(path, "r");
    double worst = 0;
    int cnt = 0;
    while (f && fgets(line, sizeof line, f)) {
        int i[4];
        double ref;
        if (line[0] == '#' || sscanf(line, "%d %d %d %d %lf", &i[0], &i[1], &i[2], &i[3], &ref) != 5) continue;
        int P = shell_of[i[0]], Q = shell_of[i[1]], R = shell_of[i[2]], S = shell_of[i[3]];
        const os_shell *sh = s->bs.shells;
        const double *I = os_eri_compute(e, P, Q, R, S);
        double v = I[(((i[0] - sh[P].bf0) * sh[Q].nbf + (i[1] - sh[Q].bf0)) * sh[R].nbf + (i[2] - sh[R].bf0)) *
                         sh[S].nbf +
                     (i[3] - sh[S].bf0)];
        worst = fmax(worst, fabs(v - ref));
        if (!isfinite(v)) worst = NAN;
        ++cnt;
    }
    if (f) fclose(f);
    snprintf(what, sizeof what, "%s: read 800 picked ERIs", tag);
    check_true(what, cnt == 800);
    snprintf(what, sizeof what, "%s: max |(ab|cd) - Psi4| over picks", tag);
    check_close(what, worst, 0.0, TOL_ERI);
    free(shell_of);
    os_eri_free(e);
}

/* (ab|cd) = (ba|cd) = (ab|dc) = (cd|ab) = ... for every ordered tuple of
 * angular momenta (la, lb, lc, ld), with the shells taken from atoms
 * 0, 1, 2, 1 (mod natom) so that all centre pairs differ where possible:
 * exercises every centre swap the engine makes for libint's AM ordering. */
static int find_shell(const test_system *s, int atom, int l)
{
    for (int k = 0; k < s->bs.nshell; ++k)
        if (s->bs.shells[k].atom == atom && s->bs.shells[k].l == l) return k;
    return -1;
}

static void test_eri_symmetry(const char *tag, test_system *s, double omega, int need_all)
{
    os_eri *e = NULL;
    os_error err;
    if (os_eri_new(&s->bs, omega, &e, &err) != OS_OK) {
        check_true("ERI engine for symmetry", 0);
        return;
    }
    const os_shell *sh = s->bs.shells;
    int L = s->bs.max_l, na_ = s->mol.natom;
    size_t maxb = (size_t)os_ncart(L);
    double *ref = malloc(sizeof(double) * maxb * maxb * maxb * maxb);
    double worst = 0;
    long nq = 0;
    static const int perm[7][4] = {{1, 0, 2, 3}, {0, 1, 3, 2}, {1, 0, 3, 2}, {2, 3, 0, 1},
                                   {3, 2, 0, 1}, {2, 3, 1, 0}, {3, 2, 1, 0}};
    for (int t = 0; t < (L + 1) * (L + 1) * (L + 1) * (L + 1); ++t) {
        int lq[4] = {t % (L + 1), t / (L + 1) % (L + 1), t / ((L + 1) * (L + 1)) % (L + 1),
                     t / ((L + 1) * (L + 1) * (L + 1))};
        int sid[4], dim[4];
        for (int k = 0; k < 4; ++k) {
            sid[k] = find_shell(s, (k == 3 ? 1 : k) % na_, lq[k]);
            if (sid[k] < 0) break;
            dim[k] = sh[sid[k]].nbf;
        }
        if (sid[0] < 0 || sid[1] < 0 || sid[2] < 0 || sid[3] < 0) continue;
        memcpy(ref, os_eri_compute(e, sid[0], sid[1], sid[2], sid[3]),
               sizeof(double) * dim[0] * dim[1] * dim[2] * dim[3]);
        for (int p = 0; p < 7; ++p) {
            const int *pm = perm[p];
            const double *I = os_eri_compute(e, sid[pm[0]], sid[pm[1]], sid[pm[2]], sid[pm[3]]);
            int idx[4];
            for (idx[0] = 0; idx[0] < dim[0]; ++idx[0])
                for (idx[1] = 0; idx[1] < dim[1]; ++idx[1])
                    for (idx[2] = 0; idx[2] < dim[2]; ++idx[2])
                        for (idx[3] = 0; idx[3] < dim[3]; ++idx[3]) {
                            double r = ref[((idx[0] * dim[1] + idx[1]) * dim[2] + idx[2]) * dim[3] + idx[3]];
                            size_t o = ((size_t)(idx[pm[0]] * dim[pm[1]] + idx[pm[1]]) * dim[pm[2]] + idx[pm[2]]) *
                                           dim[pm[3]] + idx[pm[3]];
                            double d = fabs(I[o] - r);
                            if (!(d <= worst)) worst = d;
                        }
        }
        ++nq;
    }
    char what[160];
    snprintf(what, sizeof what, "%s omega=%g: 8-fold symmetry, %ld AM quartets", tag, omega, nq);
    check_close(what, worst, 0.0, L > 4 ? TOL_SYM_H : TOL_SYM);
    if (need_all) check_true("symmetry test covered every AM quartet", nq == (L + 1) * (L + 1) * (L + 1) * (L + 1));
    free(ref);
    os_eri_free(e);
}

/* ------------------------------------------------ density-fitting integrals */

/* Per-shell-block checksums of (P|ab) (a >= b) or (P|Q) (P >= Q) against
 * integrals/<tag>_<kind>.txt from psi4_df_ints.in. */
static void test_df_sums(const char *tag, const char *kind, double omega, test_system *orb,
                         test_system *aux)
{
    int three = kind[3] == '3';
    os_eri3 *e3 = NULL;
    os_eri2 *e2 = NULL;
    os_error err;
    char what[160], path[1024], line[256];
    os_status st = three ? os_eri3_new(&aux->bs, &orb->bs, omega, &e3, &err)
                         : os_eri2_new(&aux->bs, omega, &e2, &err);
    snprintf(what, sizeof what, "%s %s: engine created", tag, kind);
    if (!check_true(what, st == OS_OK)) {
        printf("  %s\n", err.msg);
        return;
    }
    snprintf(path, sizeof path, "%s/integrals/%s_%s.txt", OS_REF_DIR, tag, kind);
    FILE *f = fopen(path, "r");
    double d2 = 0, dw = 0;
    int cnt = 0;
    const os_shell *sa = aux->bs.shells, *sb = three ? orb->bs.shells : aux->bs.shells;
    while (f && fgets(line, sizeof line, f)) {
        int P, a, b = 0;
        double r2, rw;
        if (line[0] == '#') continue;
        if (three ? sscanf(line, "%d %d %d %lf %lf", &P, &a, &b, &r2, &rw) != 5
                  : sscanf(line, "%d %d %lf %lf", &P, &a, &r2, &rw) != 4)
            continue;
        const double *I = three ? os_eri3_compute(e3, P, a, b) : os_eri2_compute(e2, P, a);
        int nb = three ? sb[b].nbf : 1;
        double s2 = 0, sw = 0;
        for (int i = 0; i < sa[P].nbf; ++i)
            for (int j = 0; j < sb[a].nbf; ++j)
                for (int k = 0; k < nb; ++k) {
                    double v = I[(i * sb[a].nbf + j) * nb + k];
                    double w = three ? cos(0.1 * (sa[P].bf0 + i) + 0.2 * (sb[a].bf0 + j) +
                                           0.3 * (sb[b].bf0 + k))
                                     : cos(0.1 * (sa[P].bf0 + i) + 0.3 * (sb[a].bf0 + j));
                    s2 += v * v;
                    sw += w * v;
                }
        dw = fmax(dw, fabs(sw - rw));
        d2 = fmax(d2, fabs(s2 - r2) / fmax(1.0, sqrt(r2)));
        if (!isfinite(s2)) d2 = NAN;
        ++cnt;
    }
    if (f) fclose(f);
    int na = aux->bs.nshell, no = orb->bs.nshell;
    int want = three ? na * no * (no + 1) / 2 : na * (na + 1) / 2;
    snprintf(what, sizeof what, "%s %s: read all %d shell blocks", tag, kind, want);
    check_true(what, cnt == want);
    snprintf(what, sizeof what, "%s %s: max |sum I^2 - Psi4|/max(1,|I|)", tag, kind);
    check_close(what, d2, 0.0, TOL_SUM);
    snprintf(what, sizeof what, "%s %s: max |sum w I - Psi4|", tag, kind);
    check_close(what, dw, 0.0, TOL_SUM);
    os_eri3_free(e3);
    os_eri2_free(e2);
}

/* With libint's unit shell u (one s primitive, exponent 0, coefficient 1)
 * appended to a basis, the four-centre engine gives (P u|a b) = (P|ab) and
 * (P u|Q u) = (P|Q): an independent route (libint's 4-centre recursions and
 * centre swaps) for every shell of the test basis as fitting shell, every
 * ordered orbital pair (exercising the l_a < l_b transposition), 1/r12 and
 * erf(omega r12)/r12. */
static void test_df_vs_four_centre(const char *tag, test_system *s, double omega)
{
    static const double zero = 0.0, one = 1.0;
    int ns = s->bs.nshell;
    os_basis wide = s->bs;
    wide.shells = malloc(sizeof(os_shell) * (ns + 1));
    memcpy(wide.shells, s->bs.shells, sizeof(os_shell) * ns);
    os_shell *u = &wide.shells[ns];
    *u = (os_shell){.l = 0, .pure = 1, .nprim = 1, .alpha = &zero, .coef = &one,
                    .atom = 0, .bf0 = s->bs.nbf, .nbf = 1};
    wide.nshell = ns + 1;
    wide.nbf = s->bs.nbf + 1;
    os_eri *e4 = NULL;
    os_eri3 *e3 = NULL;
    os_eri2 *e2 = NULL;
    os_error err;
    char what[160];
    snprintf(what, sizeof what, "%s omega=%g: 4-, 3-, 2-centre engines", tag, omega);
    int ok = os_eri_new(&wide, omega, &e4, &err) == OS_OK &&
             os_eri3_new(&s->bs, &s->bs, omega, &e3, &err) == OS_OK &&
             os_eri2_new(&s->bs, omega, &e2, &err) == OS_OK;
    if (check_true(what, ok)) {
        double d3 = 0, d2 = 0, big = 0, tol = s->bs.max_l > 4 ? TOL_SYM_H : TOL_SYM;
        size_t maxb = (size_t)os_ncart(s->bs.max_l);
        double *ref = malloc(sizeof(double) * maxb * maxb * maxb);
        for (int P = 0; P < ns; ++P) {
            int nP = s->bs.shells[P].nbf;
            for (int a = 0; a < ns; ++a) {
                int na = s->bs.shells[a].nbf;
                for (int b = 0; b < ns; ++b) {
                    int nb = s->bs.shells[b].nbf;
                    memcpy(ref, os_eri_compute(e4, P, ns, a, b), sizeof(double) * nP * na * nb);
                    const double *I = os_eri3_compute(e3, P, a, b);
                    for (int k = 0; k < nP * na * nb; ++k) {
                        d3 = fmax(d3, fabs(I[k] - ref[k]));
                        big = fmax(big, fabs(ref[k]));
                        if (!isfinite(I[k])) d3 = NAN;
                    }
                }
                memcpy(ref, os_eri_compute(e4, P, ns, a, ns), sizeof(double) * nP * na);
                const double *I = os_eri2_compute(e2, P, a);
                for (int k = 0; k < nP * na; ++k) {
                    d2 = fmax(d2, fabs(I[k] - ref[k]));
                    if (!isfinite(I[k])) d2 = NAN;
                }
            }
        }
        free(ref);
        snprintf(what, sizeof what, "%s omega=%g: max |(P|ab) - (P u|ab)|, all ordered shells", tag,
                 omega);
        check_close(what, d3, 0.0, tol * fmax(1.0, big));
        snprintf(what, sizeof what, "%s omega=%g: max |(P|Q) - (P u|Q u)|", tag, omega);
        check_close(what, d2, 0.0, tol * fmax(1.0, big));
    } else {
        printf("  %s\n", err.msg);
    }
    os_eri_free(e4);
    os_eri3_free(e3);
    os_eri2_free(e2);
    free(wide.shells);
}

static void test_df(void)
{
    static const char *tags[] = {"dfsph", "dfcart"};
    for (int t = 0; t < 2; ++t) {
        test_system orb, aux;
        char what[64];
        snprintf(what, sizeof what, "load %s basis and fitting basis", tags[t]);
        if (!check_true(what, load_system(tags[t], &orb) && load_basis_file(tags[t], "aux", &aux)))
            continue;
        test_df_sums(tags[t], "eri3", 0.0, &orb, &aux);
        test_df_sums(tags[t], "erf3", 0.4, &orb, &aux);
        test_df_sums(tags[t], "eri2", 0.0, &orb, &aux);
        test_df_sums(tags[t], "erf2", 0.4, &orb, &aux);
        system_free(&orb);
        system_free(&aux);
    }
}

int main(void)
{
    os_error err;
    check_true("os_integrals_init", os_integrals_init(&err) == OS_OK);
    test_cart2sph();

    test_system sph, cart;
    if (check_true("load sph_basis.txt", load_system("sph", &sph))) {
        test_1e("sph", &sph);
        test_eri_sums("sph", "eri", 0.0, &sph);
        test_eri_sums("sph", "erf", 0.4, &sph);
        test_eri_pick("sph", &sph);
        test_eri_symmetry("sph", &sph, 0.0, 1);
        test_df_vs_four_centre("sph", &sph, 0.0);
        system_free(&sph);
    }
    if (check_true("load cart_basis.txt", load_system("cart", &cart))) {
        test_1e("cart", &cart);
        test_eri_sums("cart", "eri", 0.0, &cart);
        test_eri_pick("cart", &cart);
        test_eri_symmetry("cart", &cart, 0.3, 1);
        test_df_vs_four_centre("cart", &cart, 0.3);
        system_free(&cart);
    }
    test_system hs;
    if (check_true("load h_basis.txt", load_system("h", &hs))) {
        test_1e("h", &hs);
        test_eri_sums("h", "eri", 0.0, &hs);
        test_eri_pick("h", &hs);
        test_eri_symmetry("h", &hs, 0.0, 0);
        test_df_vs_four_centre("h", &hs, 0.0);
        system_free(&hs);
    }
    test_df();
    return check_finish();
}
