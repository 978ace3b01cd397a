/* Basis sets: name lookup, the Gaussian94 library parser, normalization, and
 * the per-molecule shell list.
 *
 * Normalization convention (shared with cart2sph.h and the integral layer):
 * a primitive x^l exp(-a r^2) has norm
 *     N(a, l) = (2a/pi)^(3/4) (4a)^(l/2) / sqrt((2l-1)!!),
 * and a contraction sum_i c_i N_i x^l exp(-a_i r^2) is rescaled so that its
 * self-overlap is one.  The stored coefficient is c_i N_i / sqrt(S), so the
 * contracted Cartesian x^l component (and hence every solid harmonic built
 * by os_cart2sph) is unit-normalized; other Cartesian components such as xy
 * share the x^l factor and are not unit-normalized. */
#include "basis.h"
#include "cart2sph.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef ORBSCREEN_BASIS_DIR
#define ORBSCREEN_BASIS_DIR "basis"
#endif

#define G94_MAX_FILE_BYTES (32L * 1024 * 1024)
#define G94_MAX_ECP_L 10
#define G94_MAX_ECP_TERMS 1000

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

/* Lowercase, drop blanks, and spell polarization the short way. */
static void basis_key(const char *name, char *key, size_t n)
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
    basis_key(name, key, sizeof key);
    for (int i = 0; i < N_KNOWN; ++i) {
        basis_key(known_sets[i].canon, want, sizeof want);
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

int os_basis_normalize(int l, int nprim, const double *a, double *c)
{
    const double pi = 3.14159265358979323846;
    double dfac = double_factorial_odd(l);
    /* Overlap of two unit-normalized primitives of the same l:
     * (2 sqrt(a_i a_j) / (a_i + a_j))^(l + 3/2). */
    double s = 0.0;
    for (int i = 0; i < nprim; ++i)
        for (int j = 0; j < nprim; ++j) {
            double r = 2.0 * sqrt(a[i] * a[j]) / (a[i] + a[j]);
            s += c[i] * c[j] * pow(r, l + 1.5);
        }
    if (!(s > 0.0) || !isfinite(s)) return 0;
    double inv = 1.0 / sqrt(s);
    for (int i = 0; i < nprim; ++i) {
        double N = pow(2.0 * a[i] / pi, 0.75) * pow(4.0 * a[i], 0.5 * l) / sqrt(dfac);
        c[i] *= N * inv;
        if (!isfinite(c[i])) return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ G94 parsing */

typedef struct {
    const char *p, *end;
    int lineno;
    char tok[4][64];
    int ntok;
    int toolong;
    const char *b, *e; /* current line */
} g94_reader;

/* Advance to the next line that is neither blank nor a '!' comment and
 * split its first four tokens.  Returns 0 at end of text. */
static int g94_next(g94_reader *r)
{
    while (r->p < r->end) {
        const char *s = r->p;
        const char *nl = memchr(s, '\n', (size_t)(r->end - s));
        const char *t = nl ? nl : r->end;
        r->p = nl ? nl + 1 : r->end;
        r->lineno++;
        const char *q = s;
        while (q < t && isspace((unsigned char)*q)) ++q;
        if (q == t || *q == '!') continue;
        r->b = s;
        r->e = t;
        r->ntok = 0;
        r->toolong = 0;
        while (q < t) {
            while (q < t && isspace((unsigned char)*q)) ++q;
            if (q >= t) break;
            const char *w = q;
            while (q < t && !isspace((unsigned char)*q)) ++q;
            if (r->ntok < 4) {
                size_t len = (size_t)(q - w);
                if (len > 63) {
                    len = 63;
                    r->toolong = 1;
                }
                memcpy(r->tok[r->ntok], w, len);
                r->tok[r->ntok][len] = '\0';
            }
            r->ntok++;
        }
        /* A token we could only store truncated must not be read as a
         * different number: make every "expected N fields" test fail. */
        if (r->toolong) r->ntok = -1;
        return 1;
    }
    return 0;
}

static int ci_equal(const char *s, const char *w)
{
    for (; *s && *w; ++s, ++w)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*w)) return 0;
    return *s == *w;
}

/* A real number, accepting Fortran exponents (1.0D+01). */
static int g94_real(const char *tok, double *v)
{
    char buf[64];
    size_t n = strlen(tok);
    if (n == 0 || n >= sizeof buf) return 0;
    for (size_t i = 0; i <= n; ++i) buf[i] = (tok[i] == 'D' || tok[i] == 'd') ? 'E' : tok[i];
    char *end;
    errno = 0;
    *v = strtod(buf, &end);
    return *end == '\0' && end != buf && isfinite(*v);
}

static int g94_int(const char *tok, long lo, long hi, int *v)
{
    char *end;
    errno = 0;
    long x = strtol(tok, &end, 10);
    if (end == tok || *end || errno == ERANGE || x < lo || x > hi) return 0;
    *v = (int)x;
    return 1;
}

/* Element symbol as written in a block header; 1-3 letters (files may
 * carry elements beyond orbscreen's table, which are parsed and dropped). */
static int g94_symbol(const char *tok, int *Z)
{
    size_t n = strlen(tok);
    if (n < 1 || n > 3) return 0;
    for (size_t i = 0; i < n; ++i)
        if (!isalpha((unsigned char)tok[i])) return 0;
    *Z = os_element_from_symbol(tok);
    return 1;
}

static int shell_letter_l(const char *tok)
{
    static const char letters[] = "spdfghi";
    if (strlen(tok) != 1) return -1;
    const char *q = strchr(letters, tolower((unsigned char)tok[0]));
    return q && *q ? (int)(q - letters) : -1;
}

typedef struct {
    os_g94_library *lib;
    int shell_cap;
    size_t data_len, data_cap;
} g94_builder;

static os_status push_shell(g94_builder *bld, int l, int nprim, const double *a,
                            const double *c, os_error *err)
{
    os_g94_library *lib = bld->lib;
    if (lib->nshell == bld->shell_cap) {
        int cap = bld->shell_cap ? 2 * bld->shell_cap : 64;
        os_g94_shell *ns = realloc(lib->shells, (size_t)cap * sizeof *ns);
        if (!ns) return OS_NOMEM(err, "basis shells");
        lib->shells = ns;
        bld->shell_cap = cap;
    }
    size_t need = bld->data_len + 2 * (size_t)nprim;
    if (need > bld->data_cap) {
        size_t cap = bld->data_cap ? bld->data_cap : 1024;
        while (cap < need) cap *= 2;
        double *nd = realloc(lib->data, cap * sizeof *nd);
        if (!nd) return OS_NOMEM(err, "basis data");
        lib->data = nd;
        bld->data_cap = cap;
    }
    os_g94_shell *sh = &lib->shells[lib->nshell++];
    sh->l = l;
    sh->nprim = nprim;
    sh->off = bld->data_len;
    memcpy(lib->data + bld->data_len, a, (size_t)nprim * sizeof *a);
    memcpy(lib->data + bld->data_len + nprim, c, (size_t)nprim * sizeof *c);
    bld->data_len = need;
    return OS_OK;
}

/* Skip an ECP definition whose "Sym-ECP lmax ncore" line is current. */
static os_status skip_ecp(g94_reader *r, const char *label, os_error *err)
{
    int lmax, ncore;
    if (r->ntok != 3 || !g94_int(r->tok[1], 0, G94_MAX_ECP_L, &lmax) ||
        !g94_int(r->tok[2], 0, 1000, &ncore))
        return os_fail(err, OS_ERR_PARSE, "%s:%d: expected 'Sym-ECP lmax ncore'", label,
                       r->lineno);
    for (int k = 0; k <= lmax; ++k) {
        int nterm;
        if (!g94_next(r)) /* the block title, e.g. "f-ul potential" */
            return os_fail(err, OS_ERR_PARSE, "%s:%d: ECP ends early", label, r->lineno);
        if (!g94_next(r) || r->ntok != 1 || !g94_int(r->tok[0], 0, G94_MAX_ECP_TERMS, &nterm))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: expected an ECP term count", label,
                           r->lineno);
        for (int t = 0; t < nterm; ++t) {
            double x;
            int pw;
            if (!g94_next(r) || r->ntok != 3 || !g94_int(r->tok[0], 0, 10, &pw) ||
                !g94_real(r->tok[1], &x) || !g94_real(r->tok[2], &x))
                return os_fail(err, OS_ERR_PARSE, "%s:%d: expected 'power exponent coefficient'",
                               label, r->lineno);
        }
    }
    return OS_OK;
}

/* Parse the shells of one element block after its header, through "****".
 * Z == 0 parses and drops the block. */
static os_status parse_block(g94_reader *r, g94_builder *bld, int Z, const char *sym,
                             int header_line, const char *label, os_error *err)
{
    os_g94_library *lib = bld->lib;
    double a[OS_G94_MAX_NPRIM], c1[OS_G94_MAX_NPRIM], c2[OS_G94_MAX_NPRIM];
    int first = lib->nshell;
    for (;;) {
        if (!g94_next(r))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: block of %s (line %d) lacks its '****'",
                           label, r->lineno, sym, header_line);
        if (r->ntok == 1 && strcmp(r->tok[0], "****") == 0) break;
        int sp = ci_equal(r->tok[0], "SP") || ci_equal(r->tok[0], "L");
        int l = sp ? 0 : shell_letter_l(r->tok[0]);
        int nprim;
        double scale;
        if (r->ntok != 3 || l < 0 ||
            !g94_int(r->tok[1], 1, OS_G94_MAX_NPRIM, &nprim) || !g94_real(r->tok[2], &scale) ||
            !(scale > 0.0))
            return os_fail(err, OS_ERR_PARSE,
                           "%s:%d: expected a shell line 'S|P|D|F|G|H|I|SP nprim scale' "
                           "(1 <= nprim <= %d, scale > 0) or '****'",
                           label, r->lineno, OS_G94_MAX_NPRIM);
        int shell_line = r->lineno;
        for (int i = 0; i < nprim; ++i) {
            int want = sp ? 3 : 2;
            if (!g94_next(r))
                return os_fail(err, OS_ERR_PARSE, "%s:%d: shell has %d of %d primitives",
                               label, shell_line, i, nprim);
            if (r->ntok != want || !g94_real(r->tok[0], &a[i]) || !g94_real(r->tok[1], &c1[i]) ||
                (sp && !g94_real(r->tok[2], &c2[i])))
                return os_fail(err, OS_ERR_PARSE, "%s:%d: expected %s", label, r->lineno,
                               sp ? "'exponent s-coefficient p-coefficient'"
                                  : "'exponent coefficient'");
            /* Gaussian's scale factor s multiplies the function width: a -> s^2 a. */
            a[i] *= scale * scale;
            if (!(a[i] > 0.0) || !isfinite(a[i]))
                return os_fail(err, OS_ERR_PARSE, "%s:%d: exponent must be positive and finite",
                               label, r->lineno);
        }
        if (Z) {
            os_status st = push_shell(bld, l, nprim, a, c1, err);
            if (!st && sp) st = push_shell(bld, 1, nprim, a, c2, err);
            if (st) return st;
        }
    }
    if (Z) {
        lib->elem_shell0[Z] = first;
        lib->elem_nshell[Z] = lib->nshell - first;
        lib->elem_line[Z] = header_line;
        if (lib->elem_nshell[Z] == 0)
            return os_fail(err, OS_ERR_PARSE, "%s:%d: element %s has no shells", label,
                           header_line, sym);
    }
    return OS_OK;
}

static os_status g94_parse_body(const char *text, size_t len, const char *label,
                                g94_builder *bld, os_error *err)
{
    os_g94_library *lib = bld->lib;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int ln = 1;
        for (const char *q = text; q < nul; ++q) ln += (*q == '\n');
        return os_fail(err, OS_ERR_PARSE, "%s:%d: NUL byte in text", label, ln);
    }
    g94_reader r = {.p = text, .end = text + len};
    int seen_element = 0;
    while (g94_next(&r)) {
        if (r.ntok == 1 && strcmp(r.tok[0], "****") == 0) continue;
        if (!seen_element && r.ntok == 1 &&
            (ci_equal(r.tok[0], "cartesian") || ci_equal(r.tok[0], "spherical"))) {
            lib->pure = ci_equal(r.tok[0], "spherical");
            continue;
        }
        int Z, zero;
        if (r.ntok != 2 || !g94_symbol(r.tok[0], &Z) || !g94_int(r.tok[1], 0, 0, &zero))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: expected an element header 'Sym 0'",
                           label, r.lineno);
        seen_element = 1;
        char sym[64];
        snprintf(sym, sizeof sym, "%s", r.tok[0]);
        int header_line = r.lineno;
        /* Peek: an ECP definition or the element's shells. */
        g94_reader save = r;
        if (!g94_next(&r))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: element %s has no shells", label,
                           header_line, sym);
        size_t tl = strlen(r.tok[0]);
        if (tl > 4 && ci_equal(r.tok[0] + tl - 4, "-ECP")) {
            os_status st = skip_ecp(&r, label, err);
            if (st) return st;
            if (Z) lib->elem_ecp[Z] = 1;
            continue;
        }
        r = save;
        if (Z && lib->elem_nshell[Z])
            return os_fail(err, OS_ERR_PARSE, "%s:%d: element %s defined again (first on line %d)",
                           label, header_line, sym, lib->elem_line[Z]);
        os_status st = parse_block(&r, bld, Z, sym, header_line, label, err);
        if (st) return st;
    }
    return OS_OK;
}

void os_g94_free(os_g94_library *lib)
{
    if (!lib) return;
    free(lib->shells);
    free(lib->data);
    memset(lib, 0, sizeof *lib);
    lib->pure = -1;
}

os_status os_g94_parse(const char *text, size_t len, const char *label, os_g94_library *lib,
                       os_error *err)
{
    memset(lib, 0, sizeof *lib);
    lib->pure = -1;
    if (!label) label = "basis";
    g94_builder bld = {.lib = lib};
    os_status st = g94_parse_body(text ? text : "", text ? len : 0, label, &bld, err);
    if (st) os_g94_free(lib);
    return st;
}

/* ---------------------------------------------------------------- loading */

static os_status read_text(const char *path, char **out, size_t *outlen, os_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return os_fail(err, OS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode)) return os_fail(err, OS_ERR_IO, "%s: is a directory", path);
    if (sb.st_size > G94_MAX_FILE_BYTES)
        return os_fail(err, OS_ERR_IO, "%s: larger than %ld bytes", path, G94_MAX_FILE_BYTES);
    FILE *f = fopen(path, "rb");
    if (!f) return os_fail(err, OS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = (size_t)sb.st_size + 1;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return OS_NOMEM(err, "basis file");
    }
    size_t len = fread(buf, 1, cap, f);
    int bad = ferror(f) || len == cap; /* grew while we read: refuse, do not guess */
    fclose(f);
    if (bad) {
        free(buf);
        return os_fail(err, OS_ERR_IO, "%s: read error", path);
    }
    *out = buf;
    *outlen = len;
    return OS_OK;
}

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

/* Build the shells of `mol` from a parsed library. */
static os_status build_basis(const os_molecule *mol, const os_g94_library *lib, int pure,
                             os_basis *bs, os_error *err)
{
    size_t nshell = 0, ndata = 0;
    for (int A = 0; A < mol->natom; ++A) {
        int Z = mol->Z[A];
        if (Z < 1 || Z > OS_MAX_Z)
            return os_fail(err, OS_ERR_INPUT, "atom %d has atomic number %d", A + 1, Z);
        if (lib->elem_ecp[Z])
            return os_fail(err, OS_ERR_BASIS,
                           "basis %s: element %s needs an effective core potential, "
                           "which orbscreen does not support",
                           bs->name, os_element_symbol(Z));
        if (lib->elem_nshell[Z] == 0)
            return os_fail(err, OS_ERR_BASIS, "basis %s: no functions for element %s", bs->name,
                           os_element_symbol(Z));
        for (int k = 0; k < lib->elem_nshell[Z]; ++k) {
            const os_g94_shell *g = &lib->shells[lib->elem_shell0[Z] + k];
            if (g->l > OS_MAX_L)
                return os_fail(err, OS_ERR_BASIS,
                               "basis %s: element %s has l=%d functions; orbscreen supports l <= %d",
                               bs->name, os_element_symbol(Z), g->l, OS_MAX_L);
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
        bs->atom_shell0[A] = (int)s;
        for (int k = 0; k < lib->elem_nshell[Z]; ++k, ++s) {
            const os_g94_shell *g = &lib->shells[lib->elem_shell0[Z] + k];
            os_shell *sh = &bs->shells[s];
            double *alpha = bs->store + off;
            double *coef = alpha + g->nprim;
            memcpy(alpha, lib->data + g->off, (size_t)g->nprim * sizeof *alpha);
            memcpy(coef, lib->data + g->off + g->nprim, (size_t)g->nprim * sizeof *coef);
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
    const char *dir = basis_dir ? basis_dir : os_basis_default_dir();
    char path[4096];
    size_t dl = strlen(dir);
    int w = snprintf(path, sizeof path, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
                     file);
    if (w < 0 || (size_t)w >= sizeof path)
        return os_fail(err, OS_ERR_IO, "basis %s: directory path too long", bs->name);

    char *text = NULL;
    size_t len = 0;
    os_status st = read_text(path, &text, &len, err);
    if (st) return st;
    os_g94_library lib;
    st = os_g94_parse(text, len, path, &lib, err);
    free(text);
    if (st) return st;
    if (pure == OS_PURE_DEFAULT) pure = lib.pure >= 0 ? lib.pure : OS_SPHERICAL;
    st = build_basis(mol, &lib, pure, bs, err);
    os_g94_free(&lib);
    if (st) {
        char keep[sizeof bs->name];
        memcpy(keep, bs->name, sizeof keep);
        os_basis_free(bs);
        memcpy(bs->name, keep, sizeof keep); /* the name stays useful in callers' messages */
    }
    return st;
}
