/* Molden files (orbitals for Molden, Jmol, Avogadro, Multiwfn, Open Babel).
 *
 * Format: https://www.theochem.ru.nl/molden/molden_format.html.  Conventions
 * that differ from orbscreen's (src/cart2sph.h), all converted in
 * molden_shell_coefs() below:
 *   - primitives: [GTO] lists coefficients of *normalized* primitives, and
 *     readers renormalize the contraction; orbscreen's os_shell.coef already
 *     contain the primitive norm of x^l, which is divided out here;
 *   - Cartesian functions: each component is unit-normalized on its own (xy
 *     as xy, not with the norm of x^2: the convention of Molpro, PySCF and
 *     Jmol), in Molden's order
 *       d: xx yy zz xy xz yz
 *       f: xxx yyy zzz xyy xxy xxz xzz yzz yyz xyz
 *       g: xxxx yyyy zzzz xxxy xxxz yyyx yyyz zzzx zzzy xxyy xxzz yyzz xxyz yyxz zzxy;
 *     orbscreen's Cartesians share the norm of x^l, so a coefficient of
 *     x^a y^b z^c is scaled by sqrt((2a-1)!!(2b-1)!!(2c-1)!! / (2l-1)!!);
 *   - spherical functions ([5D7F], [9G] flags): unit-normalized real solid
 *     harmonics with the same phases as libint2 (Schlegel-Frisch), in the
 *     order m = 0, +1, -1, +2, -2, ...; orbscreen's order is m = -l..+l;
 *   - p shells are always px, py, pz (orbscreen's pure p is x, y, z too).
 *     Molden's flags are per angular momentum, so when an l mixes pure and
 *     Cartesian shells the pure shells are expanded exactly into Cartesians
 *     with os_cart2sph (pure p goes through the same path).
 * Molden stops at g: a basis with l > 4 is refused. */
#include "integrals/cart2sph.h"
#include "core/error.h"
#include "report/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MOLDEN_MAX_L 4
#define PI 3.14159265358979323846

/* Molden's Cartesian order as exponent triples (lx, ly, lz). */
static const unsigned char cart_p[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
static const unsigned char cart_d[6][3] = {{2, 0, 0}, {0, 2, 0}, {0, 0, 2},
                                           {1, 1, 0}, {1, 0, 1}, {0, 1, 1}};
static const unsigned char cart_f[10][3] = {{3, 0, 0}, {0, 3, 0}, {0, 0, 3}, {1, 2, 0},
                                            {2, 1, 0}, {2, 0, 1}, {1, 0, 2}, {0, 1, 2},
                                            {0, 2, 1}, {1, 1, 1}};
static const unsigned char cart_g[15][3] = {
    {4, 0, 0}, {0, 4, 0}, {0, 0, 4}, {3, 1, 0}, {3, 0, 1}, {1, 3, 0}, {0, 3, 1}, {1, 0, 3},
    {0, 1, 3}, {2, 2, 0}, {2, 0, 2}, {0, 2, 2}, {2, 1, 1}, {1, 2, 1}, {1, 1, 2}};

static const unsigned char (*molden_cart(int l))[3]
{
    static const unsigned char s[1][3] = {{0, 0, 0}};
    switch (l) {
    case 0: return s;
    case 1: return cart_p;
    case 2: return cart_d;
    case 3: return cart_f;
    default: return cart_g;
    }
}

/* (2n-1)!!, with (-1)!! = 1. */
static double dfact2m1(int n)
{
    double r = 1.0;
    for (int k = 2 * n - 1; k > 1; k -= 2) r *= k;
    return r;
}

/* CCA index of (lx, ly, lz) in shell l (see cart2sph.h). */
static int cca_index(int l, int lx, int ly)
{
    int r = l - lx;
    return r * (r + 1) / 2 + (r - ly);
}

/* Norm of the primitive x^l exp(-a r^2), a in bohr^-2. */
static double prim_norm(double a, int l)
{
    return pow(2.0 * a / PI, 0.75) * pow(4.0 * a, 0.5 * l) / sqrt(dfact2m1(l));
}

static const char shell_letter[] = "spdfg";

/* Molden functions of shell sh under the per-l choice pure_l. */
static int molden_nfunc(const os_shell *sh, const int *pure_l)
{
    return pure_l[sh->l] ? os_nsph(sh->l) : os_ncart(sh->l);
}

/* Convert the orbscreen coefficients c (sh->nbf of them) of one MO on one
 * shell into Molden's functions, out (molden_nfunc of them).  T is scratch
 * for os_cart2sph, (2l+1) x ncart(l). */
static void molden_shell_coefs(const os_shell *sh, const int *pure_l, const double *c,
                               double *out, double *T)
{
    int l = sh->l;
    if (pure_l[l]) { /* pure to pure: reorder m = -l..l into 0, +1, -1, +2, ... */
        out[0] = c[l];
        for (int m = 1; m <= l; ++m) {
            out[2 * m - 1] = c[l + m];
            out[2 * m] = c[l - m];
        }
        return;
    }
    double cart[15]; /* orbscreen Cartesians, CCA order, x^l normalization */
    int nc = os_ncart(l);
    if (sh->pure) {
        /* sum_m c_m S_m = sum_c (sum_m c_m T[m][c]) cart_c */
        os_cart2sph(l, T);
        for (int k = 0; k < nc; ++k) {
            double s = 0.0;
            for (int m = 0; m < os_nsph(l); ++m) s += c[m] * T[m * nc + k];
            cart[k] = s;
        }
    } else {
        for (int k = 0; k < nc; ++k) cart[k] = c[k];
    }
    const unsigned char(*ord)[3] = molden_cart(l);
    for (int k = 0; k < nc; ++k) {
        int lx = ord[k][0], ly = ord[k][1], lz = ord[k][2];
        /* phi_orbscreen = phi_molden * N_l / N_xyz */
        double scale = sqrt(dfact2m1(lx) * dfact2m1(ly) * dfact2m1(lz) / dfact2m1(l));
        out[k] = cart[cca_index(l, lx, ly)] * scale;
    }
}

/* [MO] coefficients follow [GTO]: atom by atom, shells in basis order. */
static void write_mos(FILE *f, int natom, const os_basis *bs, const int *pure_l, const double *C,
                      const double *eps, int nmo, const char *spin, const double *occ,
                      double *vec, double *T)
{
    for (int i = 0; i < nmo; ++i) {
        fprintf(f, " Sym= A\n Ene= %.10f\n Spin= %s\n Occup= %.6f\n", eps[i], spin, occ[i]);
        int k = 0;
        for (int a = 0; a < natom; ++a)
        for (int s = 0; s < bs->nshell; ++s) {
            const os_shell *sh = &bs->shells[s];
            if (sh->atom != a) continue;
            double cc[15]; /* up to 15 Cartesian (g) components */
            for (int j = 0; j < sh->nbf; ++j) cc[j] = C[(size_t)(sh->bf0 + j) * nmo + i];
            molden_shell_coefs(sh, pure_l, cc, vec + k, T);
            k += molden_nfunc(sh, pure_l);
        }
        for (int j = 0; j < k; ++j) fprintf(f, " %5d %20.12e\n", j + 1, vec[j]);
    }
}

os_status os_molden_write(FILE *f, const os_molecule *mol, const os_basis *bs,
                          const os_scf_result *res, os_error *err)
{
    if (!mol || !bs || !res || !res->C_a || !res->eps_a)
        return os_fail(err, OS_ERR_INTERNAL, "Molden: missing orbitals for %s",
                       mol ? mol->name : "?");
    /* Molden's flags are per l: spherical only when every shell of that l is. */
    int has_l[MOLDEN_MAX_L + 1] = {0}, all_pure[MOLDEN_MAX_L + 1] = {0, 0, 1, 1, 1};
    for (int s = 0; s < bs->nshell; ++s) {
        int l = bs->shells[s].l;
        if (l > MOLDEN_MAX_L)
            return os_fail(err, OS_ERR_INTERNAL,
                           "Molden: %s has an l=%d shell; the format stops at g (l=4)",
                           mol->name, l);
        if (bs->shells[s].atom < 0 || bs->shells[s].atom >= mol->natom)
            return os_fail(err, OS_ERR_INTERNAL, "Molden: shell %d of %s on atom %d of %d", s,
                           mol->name, bs->shells[s].atom, mol->natom);
        has_l[l] = 1;
        if (!bs->shells[s].pure) all_pure[l] = 0;
    }
    int pure_l[MOLDEN_MAX_L + 1] = {0, 0, 0, 0, 0};
    for (int l = 2; l <= MOLDEN_MAX_L; ++l) pure_l[l] = has_l[l] && all_pure[l];

    fputs("[Molden Format]\n[Title]\n", f);
    /* The title is one free line of valid text whatever the file name holds. */
    os_report_put_text(f, mol->name, 0, 0);
    fprintf(f, " %s/%s, orbscreen %s\n", res->method, bs->name, OS_VERSION);

    fputs("[Atoms] AU\n", f);
    for (int a = 0; a < mol->natom; ++a)
        fprintf(f, "%-2s %5d %3d %18.10f %18.10f %18.10f\n", os_element_symbol(mol->Z[a]), a + 1,
                mol->Z[a], mol->xyz[3 * a], mol->xyz[3 * a + 1], mol->xyz[3 * a + 2]);

    fputs("[GTO]\n", f);
    for (int a = 0; a < mol->natom; ++a) {
        fprintf(f, "%5d 0\n", a + 1);
        for (int s = 0; s < bs->nshell; ++s) {
            const os_shell *sh = &bs->shells[s];
            if (sh->atom != a) continue;
            fprintf(f, " %c %4d 1.00\n", shell_letter[sh->l], sh->nprim);
            for (int p = 0; p < sh->nprim; ++p)
                fprintf(f, " %20.10e %20.10e\n", sh->alpha[p],
                        sh->coef[p] / prim_norm(sh->alpha[p], sh->l));
        }
        fputc('\n', f);
    }
    /* Without flags Molden assumes 6D 10F 15G. */
    int d_pure = pure_l[2], f_pure = has_l[3] ? pure_l[3] : pure_l[2];
    if (d_pure && f_pure) fputs("[5D7F]\n", f);
    if (d_pure && !f_pure) fputs("[5D10F]\n", f);
    if (!d_pure && f_pure && has_l[3]) fputs("[7F]\n", f);
    if (pure_l[4]) fputs("[9G]\n", f);

    int nmold = 0;
    for (int s = 0; s < bs->nshell; ++s) nmold += molden_nfunc(&bs->shells[s], pure_l);
    int nmo = res->nmo;
    double *vec = malloc(sizeof(double) * ((size_t)nmold + 2 * (size_t)nmo + 9 * 15));
    if (!vec) return OS_NOMEM(err, "Molden coefficients");
    double *occ_a = vec + nmold, *occ_b = occ_a + nmo, *T = occ_b + nmo;

    fputs("[MO]\n", f);
    if (res->unrestricted && res->C_b && res->eps_b) {
        for (int i = 0; i < nmo; ++i) {
            occ_a[i] = i < res->nalpha ? 1.0 : 0.0;
            occ_b[i] = i < res->nbeta ? 1.0 : 0.0;
        }
        write_mos(f, mol->natom, bs, pure_l, res->C_a, res->eps_a, nmo, "Alpha", occ_a, vec, T);
        write_mos(f, mol->natom, bs, pure_l, res->C_b, res->eps_b, nmo, "Beta", occ_b, vec, T);
    } else {
        for (int i = 0; i < nmo; ++i)
            occ_a[i] = (i < res->nalpha ? 1.0 : 0.0) + (i < res->nbeta ? 1.0 : 0.0);
        write_mos(f, mol->natom, bs, pure_l, res->C_a, res->eps_a, nmo, "Alpha", occ_a, vec, T);
    }
    free(vec);
    if (ferror(f))
        return os_fail(err, OS_ERR_IO, "cannot write Molden file for %s: %s", mol->name,
                       strerror(errno));
    return OS_OK;
}
