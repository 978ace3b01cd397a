/* The Gaussian94 basis-library parser (element blocks, SP shells, scale
 * factors, Fortran exponents; ECP sections are only flagged). */
#include "input/g94.h"
#include "core/error.h"
#include "core/parse.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define G94_MAX_ECP_L 10
#define G94_MAX_ECP_TERMS 1000

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

/* A real number in plain decimal, Fortran exponents accepted (1.0D+01);
 * never hexadecimal, inf or nan (core/parse.c). */
static int g94_real(const char *tok, double *v)
{
    return os_parse_real(tok, 1, v) == OS_NUM_OK;
}

static int g94_int(const char *tok, long lo, long hi, int *v)
{
    long x;
    if (os_parse_int(tok, lo, hi, &x) != OS_NUM_OK) return 0;
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
            const char *expect = sp ? "'exponent s-coefficient p-coefficient'"
                                    : "'exponent coefficient'";
            if (r->ntok != want)
                return os_fail(err, OS_ERR_PARSE, "%s:%d: expected %s", label, r->lineno, expect);
            double *dst[3] = {&a[i], &c1[i], &c2[i]};
            for (int k = 0; k < want; ++k)
                if (!g94_real(r->tok[k], dst[k])) {
                    char q[OS_QUOTE_LEN];
                    return os_fail(err, OS_ERR_PARSE,
                                   "%s:%d: expected %s: '%s' is not a decimal number", label,
                                   r->lineno, expect,
                                   os_quote(q, sizeof q, r->tok[k], strlen(r->tok[k])));
                }
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
    /* A UTF-8 byte-order mark is only an encoding label: skip it. */
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) text += 3, len -= 3;
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

