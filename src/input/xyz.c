/* XYZ files: Angstrom in, bohr inside; the comment line's charge=, mult= and
 * name= tokens. */
#include "orbscreen.h"
#include "core/error.h"
#include "input/textfile.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Limits that keep hostile input from costing memory or time. */
#define XYZ_MAX_FILE_BYTES ((size_t)64 << 20)
#define XYZ_MAX_LINE 65536
#define XYZ_MIN_DIST_ANGSTROM 0.1
/* No molecule spans a micrometre; beyond this the input is garbage. */
#define XYZ_MAX_COORD_ANGSTROM 1.0e5

typedef struct {
    const char *p, *end;
    int lineno;
} line_reader;

/* Next line as [*b, *e) without the newline (and without a trailing CR).
 * Returns 0 at end of text. */
static int next_line(line_reader *r, const char **b, const char **e)
{
    if (r->p >= r->end) return 0;
    const char *s = r->p;
    const char *nl = memchr(s, '\n', (size_t)(r->end - s));
    const char *t = nl ? nl : r->end;
    r->p = nl ? nl + 1 : r->end;
    if (t > s && t[-1] == '\r') --t;
    r->lineno++;
    *b = s;
    *e = t;
    return 1;
}

static int is_blank(const char *b, const char *e)
{
    for (; b < e; ++b)
        if (!isspace((unsigned char)*b)) return 0;
    return 1;
}

/* Split [b,e) into at most maxtok whitespace-separated tokens, each copied
 * NUL-terminated into tok[i] (capacity tokcap; longer tokens are truncated
 * and flagged by setting *toolong).  Returns the total token count, which
 * may exceed maxtok. */
static int split_tokens(const char *b, const char *e, char tok[][64], int maxtok, int *toolong)
{
    int n = 0;
    *toolong = 0;
    while (b < e) {
        while (b < e && isspace((unsigned char)*b)) ++b;
        if (b >= e) break;
        const char *s = b;
        while (b < e && !isspace((unsigned char)*b)) ++b;
        if (n < maxtok) {
            size_t len = (size_t)(b - s);
            if (len >= 64) {
                len = 63;
                *toolong = 1;
            }
            memcpy(tok[n], s, len);
            tok[n][len] = '\0';
        }
        ++n;
    }
    return n;
}

/* Strict decimal integer: the whole token, within int range. */
static int parse_int(const char *s, int *out)
{
    if (!*s) return 0;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || errno == ERANGE || v < INT_MIN || v > INT_MAX) return 0;
    *out = (int)v;
    return 1;
}

void os_molecule_name_from_path(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t len = strlen(b);
    if (len > 4 && (b[len - 4] == '.') && tolower((unsigned char)b[len - 3]) == 'x' &&
        tolower((unsigned char)b[len - 2]) == 'y' && tolower((unsigned char)b[len - 1]) == 'z')
        len -= 4;
    if (len >= n) len = n - 1;
    memcpy(out, b, len);
    out[len] = '\0';
}

/* Case-insensitive comparison of [s, s+len) with the lowercase word w. */
static int key_is(const char *s, size_t len, const char *w)
{
    if (strlen(w) != len) return 0;
    for (size_t i = 0; i < len; ++i)
        if (tolower((unsigned char)s[i]) != w[i]) return 0;
    return 1;
}

/* Read charge=/mult=/multiplicity= and name= tokens from the comment line. */
static os_status parse_comment(const char *b, const char *e, const char *label, int lineno,
                               os_molecule *mol, os_error *err)
{
    while (b < e) {
        while (b < e && isspace((unsigned char)*b)) ++b;
        if (b >= e) break;
        const char *s = b;
        while (b < e && !isspace((unsigned char)*b)) ++b;
        size_t len = (size_t)(b - s);
        const char *eq = memchr(s, '=', len);
        if (!eq) continue;
        size_t klen = (size_t)(eq - s);
        int which = 0; /* 1 charge, 2 mult */
        if (key_is(s, klen, "name")) {
            /* display label only: keep what fits, it never affects a result */
            snprintf(mol->label, sizeof mol->label, "%.*s", (int)(len - klen - 1), eq + 1);
            continue;
        }
        if (key_is(s, klen, "charge")) which = 1;
        else if (key_is(s, klen, "mult") || key_is(s, klen, "multiplicity")) which = 2;
        if (!which) continue; /* smiles=... and the like are not ours */
        char val[64];
        size_t vlen = len - klen - 1;
        int v;
        if (vlen >= sizeof val) vlen = sizeof val - 1;
        memcpy(val, eq + 1, vlen);
        val[vlen] = '\0';
        if (len - klen - 1 >= sizeof val || !parse_int(val, &v))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: %s value '%.32s' is not an integer",
                           label, lineno, which == 1 ? "charge" : "multiplicity", val);
        if (which == 1) {
            mol->charge = v;
            mol->has_charge = 1;
        } else {
            mol->mult = v;
            mol->has_mult = 1;
        }
    }
    return OS_OK;
}

/* Check that no two atoms are closer than XYZ_MIN_DIST_ANGSTROM. */
static os_status check_distances(const os_molecule *mol, const char *label, const int *lines,
                                 os_error *err)
{
    const double dmin = XYZ_MIN_DIST_ANGSTROM / OS_BOHR_ANGSTROM; /* bohr */
    for (int i = 0; i < mol->natom; ++i)
        for (int j = 0; j < i; ++j) {
            double dx = mol->xyz[3 * i] - mol->xyz[3 * j];
            double dy = mol->xyz[3 * i + 1] - mol->xyz[3 * j + 1];
            double dz = mol->xyz[3 * i + 2] - mol->xyz[3 * j + 2];
            double d = sqrt(dx * dx + dy * dy + dz * dz);
            if (d < dmin)
                return os_fail(err, OS_ERR_INPUT,
                               "%s:%d: atom %d (%s) is %.4f A from atom %d (%s, line %d); "
                               "atoms closer than %.1f A",
                               label, lines[i], i + 1, os_element_symbol(mol->Z[i]),
                               d * OS_BOHR_ANGSTROM, j + 1, os_element_symbol(mol->Z[j]),
                               lines[j], XYZ_MIN_DIST_ANGSTROM);
        }
    return OS_OK;
}

static os_status parse_xyz_body(const char *text, size_t len, const char *label,
                                os_molecule *mol, int **lines_out, os_error *err)
{
    line_reader r = {text, text + len, 0};
    const char *b, *e;
    char tok[5][64];
    int toolong;

    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int ln = 1;
        for (const char *q = text; q < nul; ++q) ln += (*q == '\n');
        return os_fail(err, OS_ERR_PARSE, "%s:%d: NUL byte in text", label, ln);
    }
    /* Long lines are checked up front so later code can quote freely. */
    for (line_reader q = r; next_line(&q, &b, &e);)
        if (e - b > XYZ_MAX_LINE)
            return os_fail(err, OS_ERR_PARSE, "%s:%d: line longer than %d characters", label,
                           q.lineno, XYZ_MAX_LINE);

    if (is_blank(text, text + len))
        return os_fail(err, OS_ERR_PARSE, "%s:1: empty file", label);
    next_line(&r, &b, &e);
    int ntok = split_tokens(b, e, tok, 2, &toolong);
    int natom;
    if (ntok == 0)
        return os_fail(err, OS_ERR_PARSE, "%s:1: missing atom count", label);
    if (ntok != 1 || toolong || !parse_int(tok[0], &natom) || natom < 1)
        return os_fail(err, OS_ERR_PARSE, "%s:1: atom count '%.32s' is not a positive integer",
                       label, tok[0]);
    if (natom > OS_MAX_ATOMS)
        return os_fail(err, OS_ERR_INPUT, "%s:1: %d atoms exceed the limit of %d", label, natom,
                       OS_MAX_ATOMS);

    if (!next_line(&r, &b, &e))
        return os_fail(err, OS_ERR_PARSE, "%s:2: missing comment line (expected %d atoms)",
                       label, natom);
    os_status st = parse_comment(b, e, label, r.lineno, mol, err);
    if (st) return st;

    mol->Z = malloc((size_t)natom * sizeof *mol->Z);
    mol->xyz = malloc((size_t)natom * 3 * sizeof *mol->xyz);
    int *lines = malloc((size_t)natom * sizeof *lines);
    *lines_out = lines;
    if (!mol->Z || !mol->xyz || !lines) return OS_NOMEM(err, "molecule");

    for (int i = 0; i < natom; ++i) {
        int more = next_line(&r, &b, &e);
        if (!more || is_blank(b, e))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: expected %d atoms, found %d", label,
                           more ? r.lineno : r.lineno + 1, natom, i);
        int ln = r.lineno;
        lines[i] = ln;
        ntok = split_tokens(b, e, tok, 4, &toolong);
        if (toolong)
            return os_fail(err, OS_ERR_PARSE, "%s:%d: field longer than 63 characters", label,
                           ln);
        if (ntok < 4)
            return os_fail(err, OS_ERR_PARSE,
                           "%s:%d: expected 'Symbol x y z', found %d field%s", label, ln, ntok,
                           ntok == 1 ? "" : "s");
        int Z = os_element_from_symbol(tok[0]);
        int zn;
        if (!Z && parse_int(tok[0], &zn) && zn >= 1 && zn <= OS_MAX_Z) Z = zn;
        if (!Z)
            return os_fail(err, OS_ERR_INPUT, "%s:%d: unknown element '%.32s'", label, ln,
                           tok[0]);
        mol->Z[i] = Z;
        for (int k = 0; k < 3; ++k) {
            char *end;
            double v = strtod(tok[k + 1], &end);
            if (end == tok[k + 1] || *end)
                return os_fail(err, OS_ERR_PARSE, "%s:%d: non-numeric coordinate '%.32s'",
                               label, ln, tok[k + 1]);
            if (!isfinite(v))
                return os_fail(err, OS_ERR_PARSE, "%s:%d: non-finite coordinate '%.32s'",
                               label, ln, tok[k + 1]);
            if (fabs(v) > XYZ_MAX_COORD_ANGSTROM)
                return os_fail(err, OS_ERR_INPUT,
                               "%s:%d: coordinate '%.32s' beyond %.0e A", label, ln,
                               tok[k + 1], XYZ_MAX_COORD_ANGSTROM);
            mol->xyz[3 * i + k] = v / OS_BOHR_ANGSTROM; /* Angstrom -> bohr */
        }
        mol->natom = i + 1;
    }
    /* Only blank lines may follow the atoms. */
    while (next_line(&r, &b, &e))
        if (!is_blank(b, e))
            return os_fail(err, OS_ERR_PARSE,
                           "%s:%d: more atoms than the %d given on line 1", label, r.lineno,
                           natom);

    st = check_distances(mol, label, lines, err);
    if (st) return st;

    if (mol->has_mult) {
        st = os_molecule_set_state(mol, mol->charge, mol->mult, err);
        if (st) return st;
    } else if (mol->has_charge) {
        /* Multiplicity is left to the caller; only the electron count is checked. */
        long zsum = 0;
        for (int i = 0; i < mol->natom; ++i) zsum += mol->Z[i];
        if (zsum - mol->charge <= 0)
            return os_fail(err, OS_ERR_INPUT, "%s: charge %d leaves %s electrons", label,
                           mol->charge, zsum - mol->charge == 0 ? "no" : "a negative count of");
    }
    return OS_OK;
}

os_status os_molecule_parse_xyz(const char *text, size_t len, const char *label,
                                os_molecule *mol, os_error *err)
{
    memset(mol, 0, sizeof *mol);
    mol->mult = 1;
    if (!label) label = "xyz";
    snprintf(mol->file, sizeof mol->file, "%s", label);
    os_molecule_name_from_path(label, mol->name, sizeof mol->name);
    if (!text) text = "";
    int *lines = NULL;
    os_status st = parse_xyz_body(text, len, mol->file, mol, &lines, err);
    free(lines);
    if (st) {
        /* Keep name and file: a failed molecule is still reported by name. */
        free(mol->Z);
        free(mol->xyz);
        mol->Z = NULL;
        mol->xyz = NULL;
        mol->natom = 0;
    }
    return st;
}

os_status os_molecule_read_xyz(const char *path, os_molecule *mol, os_error *err)
{
    memset(mol, 0, sizeof *mol);
    mol->mult = 1;
    snprintf(mol->file, sizeof mol->file, "%s", path);
    os_molecule_name_from_path(path, mol->name, sizeof mol->name);
    char *text;
    size_t len;
    os_status st = os_text_read(path, XYZ_MAX_FILE_BYTES, "an XYZ file", &text, &len, err);
    if (st != OS_OK) return st;
    st = os_molecule_parse_xyz(text, len, path, mol, err);
    free(text);
    return st;
}
