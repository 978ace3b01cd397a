/* XYZ files: Angstrom in, bohr inside; the comment line's charge, mult and
 * name tokens.
 *
 * Strict on purpose: an input that could be read two ways is refused with
 * the line that says why, never guessed at.  Exactly four fields per atom
 * line; numbers in plain decimal (core/parse.c); a comment-line key given
 * twice, or one whose value does not parse, is an error. */
#include "orbscreen.h"
#include "core/error.h"
#include "core/parse.h"
#include "core/utf8.h"
#include "input/input.h"
#include "input/lines.h"
#include "input/textfile.h"

#include <ctype.h>
#include <strings.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Limits that keep hostile input from costing memory or time. */
#define XYZ_MAX_FILE_BYTES ((size_t)64 << 20)
#define XYZ_MAX_LINE 65536
#define XYZ_MIN_DIST_ANGSTROM 0.1
/* No molecule spans a micrometre; beyond this the input is garbage. */
#define XYZ_MAX_COORD_ANGSTROM 1.0e5

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

/* ------------------------------------------------------ the comment line
 *
 * Keys (any case): charge, mult or multiplicity, name.  Written key=value,
 * key = value, key: value or key:value; charge and mult also as "key value"
 * when the value starts like a number ("Charge -1 Multiplicity 1").  A value
 * may end in ',' or ';'.  Every other word is free text (smiles=..., an
 * energy, a title). */

enum { KEY_NONE, KEY_CHARGE, KEY_MULT, KEY_NAME };
static const char *const key_names[] = {"", "charge", "multiplicity", "name"};

typedef struct {
    const char *p, *e;
} cursor;

/* Next whitespace-separated token of the cursor as [*t, *t + *n). */
static int next_token(cursor *c, const char **t, size_t *n)
{
    while (c->p < c->e && isspace((unsigned char)*c->p)) ++c->p;
    if (c->p >= c->e) return 0;
    *t = c->p;
    while (c->p < c->e && !isspace((unsigned char)*c->p)) ++c->p;
    *n = (size_t)(c->p - *t);
    return 1;
}

/* The key a token starts with, when its letters are followed by nothing, '='
 * or ':'; *klen gets the letters' length. */
static int comment_key(const char *t, size_t n, size_t *klen)
{
    size_t k = 0;
    while (k < n && isalpha((unsigned char)t[k])) ++k;
    *klen = k;
    if (k < n && t[k] != '=' && t[k] != ':') return KEY_NONE;
    if (key_is(t, k, "charge")) return KEY_CHARGE;
    if (key_is(t, k, "mult") || key_is(t, k, "multiplicity")) return KEY_MULT;
    if (key_is(t, k, "name")) return KEY_NAME;
    return KEY_NONE;
}

static int is_assignment(const char *t, size_t n)
{
    return memchr(t, '=', n) || memchr(t, ':', n);
}

static int starts_like_number(const char *t, size_t n)
{
    size_t i = 0;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (i < n && t[i] == '.') ++i;
    return i < n && isdigit((unsigned char)t[i]);
}

/* The value of the key token [t, t+n) (letters klen long), reading further
 * tokens from c when the value stands apart.  Returns 0 when the word is
 * free text, not a key. */
static int key_value(cursor *c, int key, const char *t, size_t n, size_t klen,
                     const char **v, size_t *vn)
{
    cursor save = *c;
    const char *u;
    size_t un;
    *v = "";
    *vn = 0;
    if (klen < n) { /* key= or key: */
        if (klen + 1 < n) {
            *v = t + klen + 1;
            *vn = n - klen - 1;
        } else if (next_token(c, &u, &un) && !is_assignment(u, un)) {
            *v = u, *vn = un; /* "charge= -1" */
        } else {
            *c = save;
        }
        return 1;
    }
    if (!next_token(c, &u, &un)) return 0;
    if (u[0] == '=' || u[0] == ':') { /* "charge = -1", "charge =-1" */
        if (un > 1) {
            *v = u + 1, *vn = un - 1;
        } else {
            cursor after = *c;
            if (next_token(c, &u, &un) && !is_assignment(u, un)) *v = u, *vn = un;
            else *c = after;
        }
        return 1;
    }
    if (key != KEY_NAME && starts_like_number(u, un)) { /* "Charge -1" */
        *v = u, *vn = un;
        return 1;
    }
    *c = save;
    return 0;
}

/* charge or mult from its value text. */
static os_status comment_int(int key, const char *v, size_t vn, const char *label, int lineno,
                             int *out, os_error *err)
{
    char q[OS_QUOTE_LEN], buf[OS_NUM_MAX_LEN + 1];
    long lo = key == KEY_CHARGE ? -OS_MAX_CHARGE : 1;
    long hi = key == KEY_CHARGE ? OS_MAX_CHARGE : OS_MAX_MULT;
    long x = 0;
    os_num_status ns = OS_NUM_SYNTAX;
    if (vn < sizeof buf) {
        memcpy(buf, v, vn);
        buf[vn] = '\0';
        ns = os_parse_int(buf, lo, hi, &x);
        if (ns == OS_NUM_RANGE)
            return os_fail(err, OS_ERR_INPUT, "%s:%d: %s %s is outside %ld..%ld", label, lineno,
                           key_names[key], os_quote(q, sizeof q, v, vn), lo, hi);
    }
    if (ns != OS_NUM_OK)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: %s value '%s' is not an integer", label,
                       lineno, key_names[key], os_quote(q, sizeof q, v, vn));
    *out = (int)x;
    return OS_OK;
}

/* Read the charge, multiplicity and name keys of the comment line. */
static os_status parse_comment(const char *b, const char *e, const char *label, int lineno,
                               os_molecule *mol, os_error *err)
{
    cursor c = {b, e};
    int seen[4] = {0};
    char first[4][OS_QUOTE_LEN];
    const char *t, *v;
    size_t n, klen, vn;
    while (next_token(&c, &t, &n)) {
        int key = comment_key(t, n, &klen);
        if (key == KEY_NONE || !key_value(&c, key, t, n, klen, &v, &vn)) {
            /* smiles=... and the like are not ours: kept as tags for the reports */
            const char *eq = memchr(t, '=', n);
            os_status tst = eq && eq > t ? os_molecule_add_tag(mol, t, (size_t)(eq - t), eq + 1,
                                                               n - (size_t)(eq - t) - 1, err)
                                         : OS_OK;
            if (tst != OS_OK) return tst;
            continue;
        }
        if (vn > 0 && (v[vn - 1] == ',' || v[vn - 1] == ';')) --vn;
        char q[OS_QUOTE_LEN];
        os_quote(q, sizeof q, v, vn);
        if (seen[key])
            return os_fail(err, OS_ERR_PARSE, "%s:%d: %s given twice ('%s', then '%s')", label,
                           lineno, key_names[key], first[key], q);
        seen[key] = 1;
        memcpy(first[key], q, sizeof q);
        os_status st = os_molecule_add_tag(mol, key_names[key], strlen(key_names[key]), v, vn, err);
        if (st != OS_OK) return st;
        if (key == KEY_NAME) {
            os_utf8_copy(mol->label, sizeof mol->label, v, vn); /* display only */
        } else if (key == KEY_CHARGE) {
            st = comment_int(key, v, vn, label, lineno, &mol->charge, err);
            mol->has_charge = 1;
        } else {
            st = comment_int(key, v, vn, label, lineno, &mol->mult, err);
            mol->has_mult = 1;
        }
        if (st != OS_OK) return st;
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

/* Refuse text that is not ASCII/UTF-8 XYZ at all: NUL bytes (binary or
 * UTF-16), and over-long lines (checked up front so later code can quote). */
static os_status check_text(const char *text, size_t len, const char *label, os_error *err)
{
    if (len >= 2 && ((unsigned char)text[0] == 0xff || (unsigned char)text[0] == 0xfe) &&
        ((unsigned char)text[1] ^ (unsigned char)text[0]) == 0x01)
        return os_fail(err, OS_ERR_PARSE,
                       "%s:1: UTF-16 text (byte-order mark); save the file as ASCII or UTF-8",
                       label);
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int ln = 1;
        for (const char *q = text; q < nul; ++q) ln += (*q == '\n');
        return os_fail(err, OS_ERR_PARSE, "%s:%d: NUL byte in text", label, ln);
    }
    const char *b, *e;
    for (os_lines q = {.p = text, .end = text + len}; os_lines_next(&q, &b, &e);)
        if (e - b > XYZ_MAX_LINE)
            return os_fail(err, OS_ERR_PARSE, "%s:%d: line longer than %d characters", label,
                           q.lineno, XYZ_MAX_LINE);
    return OS_OK;
}

/* Line 1: the atom count, alone. */
static os_status parse_count(const char *b, const char *e, const char *label, int *natom,
                             os_error *err)
{
    char tok[2][64], q[OS_QUOTE_LEN], q2[OS_QUOTE_LEN];
    int toolong;
    int ntok = split_tokens(b, e, tok, 2, &toolong);
    if (ntok == 0) return os_fail(err, OS_ERR_PARSE, "%s:1: missing atom count", label);
    os_quote(q, sizeof q, tok[0], strlen(tok[0]));
    if (ntok > 1)
        return os_fail(err, OS_ERR_PARSE,
                       "%s:1: the atom count must stand alone on line 1 (found '%s' then '%s')",
                       label, q, os_quote(q2, sizeof q2, tok[1], strlen(tok[1])));
    long n = 0;
    os_num_status ns = toolong ? OS_NUM_RANGE : os_parse_int(tok[0], 1, OS_MAX_ATOMS, &n);
    if (ns == OS_NUM_RANGE && isdigit((unsigned char)tok[0][0]) && strspn(tok[0], "0") == 0)
        return os_fail(err, OS_ERR_INPUT, "%s:1: %s atoms exceed the limit of %d", label, q,
                       OS_MAX_ATOMS);
    if (ns != OS_NUM_OK)
        return os_fail(err, OS_ERR_PARSE, "%s:1: atom count '%s' is not a positive integer",
                       label, q);
    *natom = (int)n;
    return OS_OK;
}

/* "nan", "inf" or "infinity" (any case, signed): a non-finite number rather
 * than a non-number, for the message. */
static int nonfinite_word(const char *t)
{
    if (*t == '+' || *t == '-') ++t;
    size_t n = strlen(t);
    return key_is(t, n, "nan") || key_is(t, n, "inf") || key_is(t, n, "infinity");
}

/* One atom line: 'Symbol x y z' (or an atomic number for the symbol), x y z
 * in Angstrom; exactly four fields. */
static os_status parse_atom(const char *b, const char *e, const char *label, int ln, int *Z,
                            double *xyz, os_error *err)
{
    char tok[5][64], q[OS_QUOTE_LEN];
    int toolong;
    int ntok = split_tokens(b, e, tok, 5, &toolong);
    if (toolong)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: field longer than 63 characters", label, ln);
    if (ntok != 4)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: expected 'Symbol x y z', found %d field%s%s",
                       label, ln, ntok, ntok == 1 ? "" : "s",
                       ntok > 4 ? " (extra columns are not read: remove them)" : "");
    *Z = os_element_from_symbol(tok[0]);
    long zn;
    if (!*Z && os_parse_int(tok[0], 1, OS_MAX_Z_KNOWN, &zn) == OS_NUM_OK) *Z = (int)zn;
    if (!*Z)
        return os_fail(err, OS_ERR_INPUT, "%s:%d: unknown element '%s'", label, ln,
                       os_quote(q, sizeof q, tok[0], strlen(tok[0])));
    for (int k = 0; k < 3; ++k) {
        const char *t = tok[k + 1];
        double v;
        os_num_status ns = os_parse_real(t, 0, &v);
        os_quote(q, sizeof q, t, strlen(t));
        if (ns != OS_NUM_OK)
            return os_fail(err, OS_ERR_PARSE, "%s:%d: %s coordinate '%s'", label, ln,
                           ns == OS_NUM_RANGE || nonfinite_word(t) ? "non-finite" : "non-numeric",
                           q);
        if (fabs(v) > XYZ_MAX_COORD_ANGSTROM)
            return os_fail(err, OS_ERR_INPUT, "%s:%d: coordinate '%s' beyond %.0e A", label, ln,
                           q, XYZ_MAX_COORD_ANGSTROM);
        xyz[k] = v / OS_BOHR_ANGSTROM; /* Angstrom -> bohr */
    }
    return OS_OK;
}

/* What the comment line alone can be checked for: a charge that leaves no
 * electrons.  The multiplicity, and a charge given without one, are checked
 * once the caller has combined them with its own defaults
 * (os_molecule_set_state). */
static os_status check_comment_state(os_molecule *mol, const char *label, int cline,
                                     os_error *err)
{
    if (mol->has_charge && mol->has_mult)
        return os_molecule_set_state(mol, mol->charge, mol->mult, err);
    if (mol->has_charge) {
        long long zsum = 0;
        for (int i = 0; i < mol->natom; ++i) zsum += mol->Z[i];
        if (zsum - mol->charge <= 0)
            return os_fail(err, OS_ERR_INPUT, "%s:%d: charge %d leaves %s electrons", label,
                           cline, mol->charge, zsum - mol->charge == 0 ? "no" : "a negative count of");
    }
    return OS_OK;
}

static os_status parse_xyz_body(const char *text, size_t len, const char *label, int line0,
                                os_molecule *mol, int **lines_out, os_error *err)
{
    os_status st = check_text(text, len, label, err);
    if (st) return st;
    /* A UTF-8 byte-order mark is only an encoding label: skip it. */
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) text += 3, len -= 3;
    os_lines r = {.p = text, .end = text + len, .lineno = line0};
    const char *b, *e;
    if (is_blank(text, text + len))
        return os_fail(err, OS_ERR_PARSE, "%s:1: empty file", label);
    os_lines_next(&r, &b, &e);
    int natom = 0;
    if ((st = parse_count(b, e, label, &natom, err))) return st;

    if (!os_lines_next(&r, &b, &e))
        return os_fail(err, OS_ERR_PARSE, "%s:%d: missing comment line (expected %d atoms)",
                       label, r.lineno + 1, natom);
    int cline = r.lineno;
    if ((st = parse_comment(b, e, label, cline, mol, err))) return st;

    mol->Z = malloc((size_t)natom * sizeof *mol->Z);
    mol->xyz = malloc((size_t)natom * 3 * sizeof *mol->xyz);
    int *lines = malloc((size_t)natom * sizeof *lines);
    *lines_out = lines;
    if (!mol->Z || !mol->xyz || !lines) return OS_NOMEM(err, "molecule");

    for (int i = 0; i < natom; ++i) {
        int more = os_lines_next(&r, &b, &e);
        if (!more || is_blank(b, e))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: expected %d atoms, found %d", label,
                           more ? r.lineno : r.lineno + 1, natom, i);
        lines[i] = r.lineno;
        st = parse_atom(b, e, label, r.lineno, &mol->Z[i], &mol->xyz[3 * i], err);
        if (st) return st;
        mol->natom = i + 1;
    }
    /* Only blank lines may follow the atoms. */
    while (os_lines_next(&r, &b, &e))
        if (!is_blank(b, e))
            return os_fail(err, OS_ERR_PARSE,
                           "%s:%d: more atoms than the %d given on line 1", label, r.lineno,
                           natom);

    if ((st = os_check_distances(mol, label, lines, err))) return st;
    return check_comment_state(mol, label, cline, err);
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
    long n;
    if (split_tokens(b, e, tok, 2, &toolong) != 1 || toolong ||
        os_parse_int(tok[0], 1, OS_MAX_ATOMS, &n) != OS_NUM_OK)
        return 0;
    *natom = (int)n;
    return 1;
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
    /* A UTF-8 byte-order mark is only an encoding label (the frame's parse skips it too). */
    size_t bom = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
    os_lines r = {.p = text + bom, .end = text + len};
    const char *b, *e;
    for (;;) {
        os_frame f = {.off = (size_t)(r.p - text), .line0 = r.lineno};
        int natom = 0, last = 1;
        if (os_lines_next(&r, &b, &e) && count_line(b, e, &natom) && natom <= OS_MAX_ATOMS &&
            os_lines_next(&r, &b, &e)) {
            comment_name(b, e, f.name, sizeof f.name);
            for (int i = 0; i < natom && os_lines_next(&r, &b, &e); ++i) {}
            /* Blank lines, then the next frame's count line, or the end. */
            for (;;) {
                os_lines q = r;
                if (!os_lines_next(&q, &b, &e)) break;
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
