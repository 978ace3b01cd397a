/* Basis sets: name lookup, normalization, and the per-molecule shell list
 * built from a parsed Gaussian94 library (g94.c).
 *
 * Normalization convention (shared with cart2sph.h and the integral layer):
 * a primitive x^l exp(-a r^2) has norm
 *     N(a, l) = (2a/pi)^(3/4) (4a)^(l/2) / sqrt((2l-1)!!),
 * and a contraction sum_i c_i N_i x^l exp(-a_i r^2) is rescaled so that its
 * self-overlap is one.  The stored coefficient is c_i N_i / sqrt(S), so the
 * contracted Cartesian x^l component (and hence every solid harmonic built
 * by os_cart2sph) is unit-normalized; other Cartesian components such as xy
 * share the x^l factor and are not unit-normalized. */
#include "input/g94.h"
#include "integrals/cart2sph.h"
#include "core/error.h"
#include "input/textfile.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef ORBSCREEN_BASIS_DIR
#define ORBSCREEN_BASIS_DIR "basis"
#endif

#define G94_MAX_FILE_BYTES ((size_t)32 << 20)

/* ------------------------------------------------------------- name table */

/* Files are Psi4's names (Debian psi4-data; see basis/README.md): '+' -> p,
 * '*' -> s.  Aliases are matched after lowercasing and rewriting "(d)" to
 * "*" and "(d,p)" to "**". */
static const struct {
    const char *canon;
    const char *file;
} known_sets[] = {
    {"STO-3G", "sto-3g.gbs"},
    {"3-21G", "3-21g.gbs"},
    {"6-31G", "6-31g.gbs"},
    {"6-31G*", "6-31gs.gbs"},
    {"6-31G**", "6-31gss.gbs"},
    {"6-31+G", "6-31pg.gbs"},
    {"6-31+G*", "6-31pgs.gbs"},
    {"6-31+G**", "6-31pgss.gbs"},
    {"6-31++G*", "6-31ppgs.gbs"},
    {"6-31++G**", "6-31ppgss.gbs"},
    {"6-311G*", "6-311gs.gbs"},
    {"6-311G**", "6-311gss.gbs"},
    {"6-311+G*", "6-311pgs.gbs"},
    {"6-311+G**", "6-311pgss.gbs"},
    {"6-311++G*", "6-311ppgs.gbs"},
    {"6-311++G**", "6-311ppgss.gbs"},
    {"def2-SVP", "def2-svp.gbs"},
    {"def2-SVPD", "def2-svpd.gbs"},
    {"def2-TZVP", "def2-tzvp.gbs"},
    {"def2-TZVPD", "def2-tzvpd.gbs"},
    {"cc-pVDZ", "cc-pvdz.gbs"},
    {"cc-pVTZ", "cc-pvtz.gbs"},
    {"cc-pVQZ", "cc-pvqz.gbs"},
    {"aug-cc-pVDZ", "aug-cc-pvdz.gbs"},
    {"aug-cc-pVTZ", "aug-cc-pvtz.gbs"},
    {"aug-cc-pVQZ", "aug-cc-pvqz.gbs"},
};
#define N_KNOWN (int)(sizeof known_sets / sizeof known_sets[0])

void os_basis_key(const char *name, char *key, size_t n)
{
    char low[128];
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < sizeof low; ++p)
        if (!isspace((unsigned char)*p)) low[k++] = (char)tolower((unsigned char)*p);
    low[k] = '\0';
    k = 0;
    for (const char *p = low; *p && k + 2 < n;) {
        if (strncmp(p, "(d,p)", 5) == 0) {
            key[k++] = '*';
            key[k++] = '*';
            p += 5;
        } else if (strncmp(p, "(d)", 3) == 0) {
            key[k++] = '*';
            p += 3;
        } else {
            key[k++] = *p++;
        }
    }
    key[k] = '\0';
}

int os_basis_lookup(const char *name, char *canon, size_t ncanon, char *file, size_t nfile)
{
    if (!name) return 0;
    char key[128], want[128];
    os_basis_key(name, key, sizeof key);
    for (int i = 0; i < N_KNOWN; ++i) {
        os_basis_key(known_sets[i].canon, want, sizeof want);
        if (strcmp(key, want) == 0) {
            if (canon) snprintf(canon, ncanon, "%s", known_sets[i].canon);
            if (file) snprintf(file, nfile, "%s", known_sets[i].file);
            return 1;
        }
    }
    return 0;
}

const char *os_basis_default_dir(void)
{
    const char *d = getenv("ORBSCREEN_BASIS_DIR");
    if (d && *d) return d;
    return ORBSCREEN_BASIS_DIR;
}

/* ----------------------------------------------------------- normalization */

static double double_factorial_odd(int l) /* (2l-1)!!, 1 for l = 0 */
{
    double f = 1.0;
    for (int k = 2 * l - 1; k > 1; k -= 2) f *= k;
    return f;
}

/* Overlap of two unit-normalized primitives of the same l:
 * (2 sqrt(a_i a_j) / (a_i + a_j))^(l + 3/2). */
static double prim_overlap(int l, double ai, double aj)
{
    return pow(2.0 * sqrt(ai * aj) / (ai + aj), l + 1.5);
}

double os_basis_cancellation(int l, int nprim, const double *a, const double *c)
{
    double s = 0.0, sabs = 0.0;
    for (int i = 0; i < nprim; ++i)
        for (int j = 0; j < nprim; ++j) {
            double t = c[i] * c[j] * prim_overlap(l, a[i], a[j]);
            s += t;
            sabs += fabs(t);
        }
    return s > 0.0 && isfinite(sabs) ? sabs / s : INFINITY;
}

int os_basis_normalize(int l, int nprim, const double *a, double *c)
{
    const double pi = 3.14159265358979323846;
    double dfac = double_factorial_odd(l);
    double s = 0.0;
    for (int i = 0; i < nprim; ++i)
        for (int j = 0; j < nprim; ++j) s += c[i] * c[j] * prim_overlap(l, a[i], a[j]);
    if (!(s > 0.0) || !isfinite(s)) return 0;
    double inv = 1.0 / sqrt(s);
    for (int i = 0; i < nprim; ++i) {
        double N = pow(2.0 * a[i] / pi, 0.75) * pow(4.0 * a[i], 0.5 * l) / sqrt(dfac);
        c[i] *= N * inv;
        if (!isfinite(c[i])) return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- loading */

void os_basis_free(os_basis *bs)
{
    if (!bs) return;
    free(bs->shells);
    free(bs->atom_shell0);
    free(bs->store);
    memset(bs, 0, sizeof *bs);
}

static void known_list(char *buf, size_t n)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (int i = 0; i < N_KNOWN && pos + 1 < n; ++i) {
        int w = snprintf(buf + pos, n - pos, "%s%s", i ? ", " : "", known_sets[i].canon);
        if (w < 0) break;
        pos += (size_t)w;
    }
}

/* The first library of libs[] that has element Z (NULL: none). */
static const os_g94_library *library_for(const os_g94_library *const *libs, int nlib, int Z)
{
    for (int k = 0; k < nlib; ++k)
        if (libs[k]->elem_nshell[Z] > 0 || libs[k]->elem_ecp[Z]) return libs[k];
    return NULL;
}

/* The library of libs[] that gives atom A (element Z) functions orbscreen can
 * use, in *lib. */
static os_status element_supported(const os_g94_library *const *libs, int nlib, int Z, int A,
                                   const char *basis, const os_g94_library **lib, os_error *err)
{
    if (Z < 1 || Z > OS_MAX_Z_KNOWN)
        return os_fail(err, OS_ERR_INPUT, "atom %d has atomic number %d", A + 1, Z);
    const char *sym = os_element_symbol(Z);
    *lib = library_for(libs, nlib, Z);
    if (!*lib)
        return os_fail(err, OS_ERR_BASIS,
                       "element %s (Z = %d) is known but not supported by basis set %s", sym, Z,
                       basis);
    if ((*lib)->elem_ecp[Z])
        return os_fail(err, OS_ERR_BASIS,
                       "basis %s: element %s needs an effective core potential, "
                       "which orbscreen does not support",
                       basis, sym);
    if (Z > OS_MAX_Z)
        return os_fail(err, OS_ERR_BASIS,
                       "basis %s: element %s (Z = %d) is beyond orbscreen's element data "
                       "(Z <= %d)",
                       basis, sym, Z, OS_MAX_Z);
    return OS_OK;
}

os_status os_basis_build(const os_molecule *mol, const os_g94_library *const *libs, int nlib,
                         int pure, int max_l, os_basis *bs, os_error *err)
{
    size_t nshell = 0, ndata = 0;
    for (int A = 0; A < mol->natom; ++A) {
        int Z = mol->Z[A];
        const os_g94_library *lib = NULL;
        os_status st = element_supported(libs, nlib, Z, A, bs->name, &lib, err);
        if (st != OS_OK) return st;
        for (int k = 0; k < lib->elem_nshell[Z]; ++k) {
            const os_g94_shell *g = &lib->shells[lib->elem_shell0[Z] + k];
            if (g->l > max_l)
                return os_fail(err, OS_ERR_BASIS,
                               "basis %s: element %s has l=%d functions; orbscreen supports l <= %d",
                               bs->name, os_element_symbol(Z), g->l, max_l);
            ndata += 2 * (size_t)g->nprim;
        }
        nshell += (size_t)lib->elem_nshell[Z];
    }
    bs->shells = calloc(nshell ? nshell : 1, sizeof *bs->shells);
    bs->atom_shell0 = calloc((size_t)mol->natom + 1, sizeof *bs->atom_shell0);
    bs->store = malloc((ndata ? ndata : 1) * sizeof *bs->store);
    if (!bs->shells || !bs->atom_shell0 || !bs->store) return OS_NOMEM(err, "basis");

    size_t s = 0, off = 0;
    int nbf = 0;
    for (int A = 0; A < mol->natom; ++A) {
        int Z = mol->Z[A];
        const os_g94_library *lib = library_for(libs, nlib, Z);
        bs->atom_shell0[A] = (int)s;
        for (int k = 0; k < lib->elem_nshell[Z]; ++k, ++s) {
            const os_g94_shell *g = &lib->shells[lib->elem_shell0[Z] + k];
            os_shell *sh = &bs->shells[s];
            double *alpha = bs->store + off;
            double *coef = alpha + g->nprim;
            memcpy(alpha, lib->data + g->off, (size_t)g->nprim * sizeof *alpha);
            memcpy(coef, lib->data + g->off + g->nprim, (size_t)g->nprim * sizeof *coef);
            for (int q = 0; q < g->nprim; ++q)
                if (alpha[q] > OS_BASIS_MAX_EXPONENT)
                    return os_fail(err, OS_ERR_BASIS,
                                   "basis %s: element %s shell %d has the exponent %.3g, above "
                                   "%.0e: its kinetic energy would leave the Fock matrix no "
                                   "digits",
                                   bs->name, os_element_symbol(Z), k + 1, alpha[q],
                                   OS_BASIS_MAX_EXPONENT);
            double cancel = os_basis_cancellation(g->l, g->nprim, alpha, coef);
            if (isfinite(cancel) && cancel > OS_BASIS_MAX_CANCELLATION)
                return os_fail(err, OS_ERR_BASIS,
                               "basis %s: element %s shell %d is numerically ill-conditioned: "
                               "its primitives cancel to 1 part in %.1e (limit %.0e), so its "
                               "integrals would lose that many digits",
                               bs->name, os_element_symbol(Z), k + 1, cancel,
                               OS_BASIS_MAX_CANCELLATION);
            if (!os_basis_normalize(g->l, g->nprim, alpha, coef))
                return os_fail(err, OS_ERR_BASIS,
                               "basis %s: element %s shell %d cannot be normalized", bs->name,
                               os_element_symbol(Z), k + 1);
            off += 2 * (size_t)g->nprim;
            sh->l = g->l;
            sh->pure = pure;
            sh->nprim = g->nprim;
            sh->alpha = alpha;
            sh->coef = coef;
            memcpy(sh->origin, mol->xyz + 3 * A, sizeof sh->origin);
            sh->atom = A;
            sh->bf0 = nbf;
            sh->nbf = pure ? os_nsph(g->l) : os_ncart(g->l);
            nbf += sh->nbf;
            if (g->l > bs->max_l) bs->max_l = g->l;
            if (g->nprim > bs->max_nprim) bs->max_nprim = g->nprim;
        }
    }
    bs->atom_shell0[mol->natom] = (int)s;
    bs->nshell = (int)nshell;
    bs->nbf = nbf;
    return OS_OK;
}

static os_status unknown_basis(const char *name, os_error *err)
{
    char list[400];
    known_list(list, sizeof list);
    return os_fail(err, OS_ERR_BASIS, "unknown basis set '%.64s' (known: %s)",
                   name ? name : "(null)", list);
}

os_status os_basis_check(const char *name, os_error *err)
{
    char canon[64], file[64];
    if (name && os_basis_lookup(name, canon, sizeof canon, file, sizeof file)) return OS_OK;
    return unknown_basis(name, err);
}

os_status os_g94_load(const char *basis_dir, const char *file, const char *name,
                      os_g94_library *lib, os_error *err)
{
    const char *dir = basis_dir ? basis_dir : os_basis_default_dir();
    char path[4096];
    size_t dl = strlen(dir);
    int w = snprintf(path, sizeof path, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
                     file);
    if (w < 0 || (size_t)w >= sizeof path)
        return os_fail(err, OS_ERR_IO, "basis %s: directory path too long", name);
    char *text = NULL;
    size_t len = 0;
    os_status st = os_text_read(path, G94_MAX_FILE_BYTES, "a Gaussian94 basis file", &text, &len, err);
    if (st) return st;
    st = os_g94_parse(text, len, path, lib, err);
    free(text);
    return st;
}

os_status os_basis_load(const os_molecule *mol, const char *name, const char *basis_dir,
                        int pure, os_basis *bs, os_error *err)
{
    memset(bs, 0, sizeof *bs);
    char file[64];
    if (!name || !os_basis_lookup(name, bs->name, sizeof bs->name, file, sizeof file))
        return unknown_basis(name, err);
    if (!mol || mol->natom < 1)
        return os_fail(err, OS_ERR_INPUT, "basis %s: molecule has no atoms", bs->name);
    if (pure != OS_PURE_DEFAULT && pure != OS_CARTESIAN && pure != OS_SPHERICAL)
        return os_fail(err, OS_ERR_INTERNAL, "basis %s: bad pure flag %d", bs->name, pure);
    os_g94_library lib;
    os_status st = os_g94_load(basis_dir, file, bs->name, &lib, err);
    if (st) return st;
    if (pure == OS_PURE_DEFAULT) pure = lib.pure >= 0 ? lib.pure : OS_SPHERICAL;
    const os_g94_library *libs[1] = {&lib};
    st = os_basis_build(mol, libs, 1, pure, OS_MAX_L, bs, err);
    os_g94_free(&lib);
    if (st) os_basis_free_keep_name(bs);
    return st;
}

void os_basis_free_keep_name(os_basis *bs)
{
    char keep[sizeof bs->name];
    memcpy(keep, bs->name, sizeof keep);
    os_basis_free(bs);
    memcpy(bs->name, keep, sizeof keep); /* the name stays useful in callers' messages */
}
