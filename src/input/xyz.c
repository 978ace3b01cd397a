/* XYZ files: Angstrom in, bohr inside; the comment line's charge=, mult= and
 * name= tokens. */
#include "orbscreen.h"
#include "core/error.h"
#include "input/input.h"
#include "input/textfile.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    static const char *const ext[] = {".xyz", ".sdf", ".sd", ".mol"};
    for (size_t k = 0; k < sizeof ext / sizeof *ext; ++k) {
        size_t el = strlen(ext[k]);
        if (len > el && strncasecmp(b + len - el, ext[k], el) == 0) {
            len -= el;
            break;
        }
    }
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
        os_status tst = os_molecule_add_tag(mol, s, klen, eq + 1, len - klen - 1, err);
        if (tst != OS_OK) return tst;
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
os_status os_check_distances(const os_molecule *mol, const char *label, const int *lines,
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

static os_status parse_xyz_body(const char *text, size_t len, const char *label, int line0,
                                os_molecule *mol, int **lines_out, os_error *err)
{
    line_reader r = {text, text + len, line0};
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
        return os_fail(err, OS_ERR_PARSE, "%s:%d: missing comment line (expected %d atoms)",
                       label, r.lineno + 1, natom);
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

    st = os_check_distances(mol, label, lines, err);
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
    return os_xyz_parse_frame(text, len, label, 0, mol, err);
}

os_status os_xyz_parse_frame(const char *text, size_t len, const char *label, int line0,
                             os_molecule *mol, os_error *err)
{
    memset(mol, 0, sizeof *mol);
    mol->mult = 1;
    if (!label) label = "xyz";
    snprintf(mol->file, sizeof mol->file, "%s", label);
    os_molecule_name_from_path(label, mol->name, sizeof mol->name);
    if (!text) text = "";
    int *lines = NULL;
    os_status st = parse_xyz_body(text, len, mol->file, line0, mol, &lines, err);
    free(lines);
    if (st) {
        /* Keep name and file: a failed molecule is still reported by name. */
        free(mol->Z);
        free(mol->xyz);
        os_molecule_free_tags(mol);
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

/* ------------------------------------------------------- multi-frame files */

/* A count line: one token, a positive integer. */
static int count_line(const char *b, const char *e, int *natom)
{
    char tok[2][64];
    int toolong;
    return split_tokens(b, e, tok, 2, &toolong) == 1 && !toolong && parse_int(tok[0], natom) &&
           *natom >= 1;
}

/* The name= of a comment line, "" when it has none (errors are left to the
 * frame's own parse). */
static void comment_name(const char *b, const char *e, char *name, size_t n)
{
    os_molecule scratch;
    memset(&scratch, 0, sizeof scratch);
    parse_comment(b, e, "", 0, &scratch, NULL);
    snprintf(name, n, "%s", scratch.label);
    os_molecule_free_tags(&scratch);
}

/* Frames follow each other directly or after blank lines; each starts with
 * its atom count.  After a frame's atoms, a line that is not a count line
 * ends the splitting: the frame is given the rest of the text so that its
 * parse reports "more atoms than ..." where the extra line is. */
os_status os_xyz_split(const char *text, size_t len, os_frames *fr, os_error *err)
{
    line_reader r = {text, text + len, 0};
    const char *b, *e;
    for (;;) {
        os_frame f = {.off = (size_t)(r.p - text), .line0 = r.lineno};
        int natom = 0, last = 1;
        if (next_line(&r, &b, &e) && count_line(b, e, &natom) && natom <= OS_MAX_ATOMS &&
            next_line(&r, &b, &e)) {
            comment_name(b, e, f.name, sizeof f.name);
            for (int i = 0; i < natom && next_line(&r, &b, &e); ++i) {}
            /* Blank lines, then the next frame's count line, or the end. */
            for (;;) {
                line_reader q = r;
                if (!next_line(&q, &b, &e)) break;
                int next;
                if (!is_blank(b, e)) {
                    last = !count_line(b, e, &next);
                    break;
                }
                r = q;
            }
        }
        f.len = (last ? len : (size_t)(r.p - text)) - f.off;
        os_status st = os_frames_push(fr, &f, err);
        if (st != OS_OK || last) return st;
    }
}
