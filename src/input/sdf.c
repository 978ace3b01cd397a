/* SDF and MOL files (CTfile formats, V2000 and V3000): Angstrom in, bohr
 * inside.  The net charge is the sum of the formal charges (V2000: the atom
 * block's charge field, superseded by "M  CHG" lines as the format says;
 * V3000: CHG=), and radicals ("M  RAD", RAD=) give the multiplicity: each
 * doublet centre one unpaired electron, each triplet centre two.  The
 * record's title line and its data items ("> <NAME>") become tags.
 * Hydrogens must be explicit and coordinates 3D: a "2D" file is refused
 * rather than computed flat. */
#include "orbscreen.h"
#include "core/error.h"
#include "input/input.h"
#include "input/lines.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SDF_MAX_COORD_ANGSTROM 1.0e5

static int starts(const char *b, const char *e, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(e - b) >= n && memcmp(b, w, n) == 0;
}

/* Columns [c0, c1) of the line, trimmed, into out (empty past the end). */
static void field(const char *b, const char *e, int c0, int c1, char *out, size_t n)
{
    const char *s = b + c0 < e ? b + c0 : e, *t = b + c1 < e ? b + c1 : e;
    while (s < t && isspace((unsigned char)*s)) ++s;
    while (t > s && isspace((unsigned char)t[-1])) --t;
    size_t len = (size_t)(t - s) < n - 1 ? (size_t)(t - s) : n - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

/* Whitespace-separated tokens of [b, e) into tok (at most max, each < 64
 * bytes, longer ones truncated); returns the count. */
static int tokens(const char *b, const char *e, char tok[][64], int max)
{
    int n = 0;
    while (b < e && n < max) {
        while (b < e && isspace((unsigned char)*b)) ++b;
        if (b >= e) break;
        const char *s = b;
        while (b < e && !isspace((unsigned char)*b)) ++b;
        size_t len = (size_t)(b - s) < 63 ? (size_t)(b - s) : 63;
        memcpy(tok[n], s, len);
        tok[n++][len] = '\0';
    }
    return n;
}

static int parse_int(const char *s, int *out)
{
    if (!*s) return 0;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || errno == ERANGE || v < -1000000 || v > 1000000) return 0;
    *out = (int)v;
    return 1;
}

static os_status parse_coord(os_lines *r, const char *s, double *bohr, os_error *err)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: non-numeric coordinate '%.32s'", r->label,
                       r->lineno, s);
    if (!isfinite(v) || fabs(v) > SDF_MAX_COORD_ANGSTROM)
        return os_fail(err, OS_ERR_INPUT, "%s:%d: coordinate '%.32s' is not finite or beyond %.0e A",
                       r->label, r->lineno, s, SDF_MAX_COORD_ANGSTROM);
    *bohr = v / OS_BOHR_ANGSTROM;
    return OS_OK;
}

static os_status element(os_lines *r, const char *sym, int *Z, os_error *err)
{
    *Z = os_element_from_symbol(sym);
    if (!*Z)
        return os_fail(err, OS_ERR_INPUT, "%s:%d: unknown element '%.32s' (SDF atoms must be "
                       "elements with explicit hydrogens)", r->label, r->lineno, sym);
    return OS_OK;
}

/* What the charge and radical records say, summed over atoms. */
typedef struct {
    int *charge, *radical;  /* per atom: formal charge; 0 none, 1 singlet, 2 doublet, 3 triplet */
    int any_charge, any_radical;
} states;

static os_status alloc_atoms(os_molecule *mol, int natom, states *q, int **lines, os_lines *r,
                             os_error *err)
{
    if (natom < 1)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: no atoms", r->label, r->lineno);
    if (natom > OS_MAX_ATOMS)
        return os_fail(err, OS_ERR_INPUT, "%s:%d: %d atoms exceed the limit of %d", r->label,
                       r->lineno, natom, OS_MAX_ATOMS);
    mol->Z = malloc((size_t)natom * sizeof *mol->Z);
    mol->xyz = malloc((size_t)natom * 3 * sizeof *mol->xyz);
    *lines = malloc((size_t)natom * sizeof **lines);
    q->charge = calloc((size_t)natom, sizeof *q->charge);
    q->radical = calloc((size_t)natom, sizeof *q->radical);
    if (!mol->Z || !mol->xyz || !*lines || !q->charge || !q->radical)
        return OS_NOMEM(err, "molecule");
    return OS_OK;
}

/* "M  CHG" and "M  RAD": a count, then (atom, value) pairs. */
static os_status property_line(os_lines *r, const char *b, const char *e, int natom, states *q,
                               os_error *err)
{
    int is_chg = starts(b, e, "M  CHG"), is_rad = starts(b, e, "M  RAD");
    if (!is_chg && !is_rad) return OS_OK;
    /* The first of these lines resets every atom-block charge and radical. */
    if (!q->any_charge && !q->any_radical) {
        memset(q->charge, 0, (size_t)natom * sizeof *q->charge);
        memset(q->radical, 0, (size_t)natom * sizeof *q->radical);
    }
    q->any_charge = q->any_radical = 1;
    char tok[20][64];
    int nt = tokens(b + 6, e, tok, 20), count;
    if (nt < 1 || !parse_int(tok[0], &count) || count < 1 || count > 8 || nt != 1 + 2 * count)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: malformed '%.6s' line", r->label, r->lineno, b);
    for (int k = 0; k < count; ++k) {
        int atom, v;
        if (!parse_int(tok[1 + 2 * k], &atom) || !parse_int(tok[2 + 2 * k], &v) || atom < 1 ||
            atom > natom || (is_chg && (v < -15 || v > 15)) || (is_rad && (v < 0 || v > 3)))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: bad entry '%s %s' on a '%.6s' line",
                           r->label, r->lineno, tok[1 + 2 * k], tok[2 + 2 * k], b);
        if (is_chg) q->charge[atom - 1] = v;
        else q->radical[atom - 1] = v;
    }
    return OS_OK;
}

/* V2000 atom line: x, y, z in columns 1-30, symbol 32-34, charge code 37-39. */
static os_status v2000_atom(os_lines *r, const char *b, const char *e, os_molecule *mol, int i,
                            states *q, os_error *err)
{
    char x[16], y[16], z[16], sym[8], chg[8];
    field(b, e, 0, 10, x, sizeof x);
    field(b, e, 10, 20, y, sizeof y);
    field(b, e, 20, 30, z, sizeof z);
    field(b, e, 31, 34, sym, sizeof sym);
    field(b, e, 36, 39, chg, sizeof chg);
    const char *xs[3] = {x, y, z};
    for (int k = 0; k < 3; ++k) {
        os_status st = parse_coord(r, xs[k], &mol->xyz[3 * i + k], err);
        if (st != OS_OK) return st;
    }
    os_status st = element(r, sym, &mol->Z[i], err);
    if (st != OS_OK) return st;
    /* Charge codes: 1..3 = +3..+1, 4 = doublet radical, 5..7 = -1..-3. */
    int code = 0;
    if (chg[0] && (!parse_int(chg, &code) || code < 0 || code > 7))
        return os_fail(err, OS_ERR_PARSE, "%s:%d: charge field '%s' is not 0..7", r->label,
                       r->lineno, chg);
    if (code == 4) q->radical[i] = 2;
    else if (code) q->charge[i] = 4 - code;
    return OS_OK;
}

static os_status v2000_body(os_lines *r, const char *counts_b, const char *counts_e,
                            os_molecule *mol, states *q, int **lines, os_error *err)
{
    char na[8], nb[8];
    field(counts_b, counts_e, 0, 3, na, sizeof na);
    field(counts_b, counts_e, 3, 6, nb, sizeof nb);
    int natom, nbond;
    if (!parse_int(na, &natom) || !parse_int(nb, &nbond) || nbond < 0)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: bad counts line", r->label, r->lineno);
    os_status st = alloc_atoms(mol, natom, q, lines, r, err);
    if (st != OS_OK) return st;
    const char *b, *e;
    for (int i = 0; i < natom; ++i) {
        if (!os_lines_next(r, &b, &e))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: expected %d atoms, found %d", r->label,
                           r->lineno + 1, natom, i);
        (*lines)[i] = r->lineno;
        if ((st = v2000_atom(r, b, e, mol, i, q, err)) != OS_OK) return st;
        mol->natom = i + 1;
    }
    for (int i = 0; i < nbond; ++i)
        if (!os_lines_next(r, &b, &e))
            return os_fail(err, OS_ERR_PARSE, "%s:%d: expected %d bonds, found %d", r->label,
                           r->lineno + 1, nbond, i);
    while (os_lines_next(r, &b, &e)) {
        if (starts(b, e, "M  END")) return OS_OK;
        if ((st = property_line(r, b, e, natom, q, err)) != OS_OK) return st;
    }
    return os_fail(err, OS_ERR_PARSE, "%s:%d: missing 'M  END'", r->label, r->lineno);
}

/* One logical V3000 line: "M  V30 " lines joined where a line ends in '-'.
 * Returns 0 at the end of text; the text goes into buf (truncated to n). */
static int v30_line(os_lines *r, char *buf, size_t n, os_error *err, os_status *st)
{
    const char *b, *e;
    size_t len = 0;
    buf[0] = '\0';
    for (;;) {
        if (!os_lines_next(r, &b, &e)) return 0;
        if (!starts(b, e, "M  V30 ")) {
            if (starts(b, e, "M  END") && len == 0) {
                snprintf(buf, n, "M  END");
                return 1;
            }
            *st = os_fail(err, OS_ERR_PARSE, "%s:%d: expected an 'M  V30' line", r->label,
                          r->lineno);
            return 0;
        }
        b += 7;
        int more = e > b && e[-1] == '-';
        if (more) --e;
        size_t add = (size_t)(e - b);
        if (len + add >= n) {
            *st = os_fail(err, OS_ERR_PARSE, "%s:%d: V3000 line too long", r->label, r->lineno);
            return 0;
        }
        memcpy(buf + len, b, add);
        len += add;
        buf[len] = '\0';
        if (!more) return 1;
    }
}

/* V3000 atom: "index type x y z aamap [KEY=VALUE...]". */
static os_status v3000_atom(os_lines *r, const char *line, os_molecule *mol, int i, states *q,
                            os_error *err)
{
    char tok[32][64];
    int nt = tokens(line, line + strlen(line), tok, 32);
    if (nt < 6)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: expected 'index type x y z aamap'", r->label,
                       r->lineno);
    os_status st = element(r, tok[1], &mol->Z[i], err);
    for (int k = 0; k < 3 && st == OS_OK; ++k) st = parse_coord(r, tok[2 + k], &mol->xyz[3 * i + k], err);
    for (int k = 6; k < nt && st == OS_OK; ++k) {
        int v;
        if (!strncmp(tok[k], "CHG=", 4)) {
            if (!parse_int(tok[k] + 4, &v) || v < -15 || v > 15)
                return os_fail(err, OS_ERR_PARSE, "%s:%d: bad %s", r->label, r->lineno, tok[k]);
            q->charge[i] = v;
            q->any_charge = 1;
        } else if (!strncmp(tok[k], "RAD=", 4)) {
            if (!parse_int(tok[k] + 4, &v) || v < 0 || v > 3)
                return os_fail(err, OS_ERR_PARSE, "%s:%d: bad %s", r->label, r->lineno, tok[k]);
            q->radical[i] = v;
            q->any_radical = 1;
        }
    }
    return st;
}

static os_status v3000_body(os_lines *r, os_molecule *mol, states *q, int **lines, os_error *err)
{
    char line[8192];
    os_status st = OS_OK;
    int natom = -1, in_atoms = 0, atoms_done = 0, i = 0;
    while (v30_line(r, line, sizeof line, err, &st)) {
        if (!strcmp(line, "M  END")) break;
        char tok[4][64];
        int nt = tokens(line, line + strlen(line), tok, 4);
        if (nt >= 3 && !strcmp(tok[0], "COUNTS")) {
            if (natom >= 0)
                return os_fail(err, OS_ERR_PARSE, "%s:%d: a second COUNTS line", r->label, r->lineno);
            if (!parse_int(tok[1], &natom))
                return os_fail(err, OS_ERR_PARSE, "%s:%d: bad COUNTS line", r->label, r->lineno);
            if ((st = alloc_atoms(mol, natom, q, lines, r, err)) != OS_OK) return st;
        } else if (nt >= 2 && !strcmp(tok[0], "BEGIN") && !strcmp(tok[1], "ATOM")) {
            if (natom < 0)
                return os_fail(err, OS_ERR_PARSE, "%s:%d: atom block before COUNTS", r->label,
                               r->lineno);
            in_atoms = 1;
        } else if (nt >= 2 && !strcmp(tok[0], "END") && !strcmp(tok[1], "ATOM")) {
            in_atoms = 0;
            atoms_done = 1;
        } else if (in_atoms) {
            if (i >= natom)
                return os_fail(err, OS_ERR_PARSE, "%s:%d: more atoms than the %d in COUNTS",
                               r->label, r->lineno, natom);
            (*lines)[i] = r->lineno;
            if ((st = v3000_atom(r, line, mol, i, q, err)) != OS_OK) return st;
            mol->natom = ++i;
        }
    }
    if (st != OS_OK) return st;
    if (strcmp(line, "M  END") != 0)
        return os_fail(err, OS_ERR_PARSE, "%s:%d: missing 'M  END'", r->label, r->lineno);
    if (!atoms_done || i != natom)
        return os_fail(err, OS_ERR_PARSE, "%s: expected %d atoms in the V3000 atom block, found %d",
                       r->label, natom, i);
    return OS_OK;
}

/* Data items after "M  END": "> <NAME>" (or ">  <NAME> (1)"), then value
 * lines up to a blank line; each becomes a tag. */
static os_status data_items(os_lines *r, os_molecule *mol, os_error *err)
{
    const char *b, *e;
    while (os_lines_next(r, &b, &e)) {
        if (b == e || *b != '>') continue;
        const char *lt = memchr(b, '<', (size_t)(e - b));
        const char *gt = lt ? memchr(lt, '>', (size_t)(e - lt)) : NULL;
        if (!lt || !gt) continue;
        const char *v0 = r->p, *v1 = r->p;
        while (os_lines_next(r, &b, &e) && b != e) v1 = e;
        os_status st = os_molecule_add_tag(mol, lt + 1, (size_t)(gt - lt - 1), v0,
                                           v1 > v0 ? (size_t)(v1 - v0) : 0, err);
        if (st != OS_OK) return st;
    }
    return OS_OK;
}

/* Net charge and multiplicity from the formal charges and radicals: the
 * charge counts as given when the file says anything about charges; the
 * multiplicity when it marks any radical centre (a singlet centre, RAD=1,
 * adds no unpaired electron). */
static os_status apply_states(const states *q, os_molecule *mol, os_error *err)
{
    int charge = 0, unpaired = 0, any_radical = 0;
    for (int i = 0; i < mol->natom; ++i) {
        charge += q->charge[i];
        unpaired += q->radical[i] == 2 ? 1 : q->radical[i] == 3 ? 2 : 0;
        any_radical |= q->radical[i] != 0;
    }
    if (q->any_charge || charge != 0) {
        mol->charge = charge;
        mol->has_charge = 1;
    }
    if (!any_radical) return OS_OK;
    mol->has_mult = 1;
    return os_molecule_set_state(mol, charge, unpaired + 1, err);
}

static os_status parse_record(os_lines *r, os_molecule *mol, states *q, int **lines, os_error *err)
{
    const char *b, *e, *tb, *te;
    if (!os_lines_next(r, &tb, &te))
        return os_fail(err, OS_ERR_PARSE, "%s:%d: empty record", r->label, r->lineno + 1);
    /* Title: a name when it says something. */
    const char *s = tb, *t = te;
    while (s < t && isspace((unsigned char)*s)) ++s;
    while (t > s && isspace((unsigned char)t[-1])) --t;
    if (t > s) {
        os_status st = os_molecule_add_tag(mol, "title", 5, s, (size_t)(t - s), err);
        if (st != OS_OK) return st;
        snprintf(mol->label, sizeof mol->label, "%.*s", (int)(t - s), s);
    }
    if (!os_lines_next(r, &b, &e))
        return os_fail(err, OS_ERR_PARSE, "%s:%d: missing program line", r->label, r->lineno + 1);
    char dim[4];
    field(b, e, 20, 22, dim, sizeof dim);
    if (!strcmp(dim, "2D"))
        return os_fail(err, OS_ERR_INPUT,
                       "%s:%d: 2D coordinates; orbscreen needs a 3D structure with explicit "
                       "hydrogens (e.g. obabel --gen3d)",
                       r->label, r->lineno);
    if (!os_lines_next(r, &b, &e) || !os_lines_next(r, &b, &e))
        return os_fail(err, OS_ERR_PARSE, "%s:%d: missing counts line", r->label, r->lineno + 1);
    char ver[8];
    field(b, e, 33, 39, ver, sizeof ver);
    os_status st;
    if (!strcmp(ver, "V3000"))
        st = v3000_body(r, mol, q, lines, err);
    else if (!strcmp(ver, "V2000") || !ver[0])
        st = v2000_body(r, b, e, mol, q, lines, err);
    else
        return os_fail(err, OS_ERR_PARSE, "%s:%d: unknown CTfile version '%s'", r->label,
                       r->lineno, ver);
    if (st == OS_OK) st = data_items(r, mol, err);
    if (st == OS_OK) st = os_check_distances(mol, r->label, *lines, err);
    if (st == OS_OK) st = apply_states(q, mol, err);
    return st;
}

os_status os_sdf_parse_record(const char *text, size_t len, const char *label, int line0,
                              os_molecule *mol, os_error *err)
{
    memset(mol, 0, sizeof *mol);
    mol->mult = 1;
    if (!label) label = "sdf";
    snprintf(mol->file, sizeof mol->file, "%s", label);
    os_molecule_name_from_path(label, mol->name, sizeof mol->name);
    os_lines r = {text ? text : "", (text ? text : "") + len, line0, mol->file};
    if (text && memchr(text, '\0', len))
        return os_fail(err, OS_ERR_PARSE, "%s: NUL byte in text", label);
    states q = {0};
    int *lines = NULL;
    os_status st = parse_record(&r, mol, &q, &lines, err);
    free(lines);
    free(q.charge);
    free(q.radical);
    if (st != OS_OK) {
        char name[256], file[1024], lab[64];
        memcpy(name, mol->name, sizeof name);
        memcpy(file, mol->file, sizeof file);
        memcpy(lab, mol->label, sizeof lab);
        os_molecule_free(mol);
        mol->mult = 1;
        memcpy(mol->name, name, sizeof name);
        memcpy(mol->file, file, sizeof file);
        memcpy(mol->label, lab, sizeof lab);
    }
    return st;
}

/* Records end at a "$$$$" line; a last record without one ends the text.
 * The title line (a record's first) is its name. */
os_status os_sdf_split(const char *text, size_t len, os_frames *fr, os_error *err)
{
    os_lines r = {text, text + len, 0, ""};
    const char *b, *e;
    while (r.p < r.end) {
        os_frame f = {.off = (size_t)(r.p - text), .line0 = r.lineno};
        const char *body_end = r.end;
        int first = 1, blank = 1;
        while (os_lines_next(&r, &b, &e)) {
            if (first) {
                field(b, e, 0, 80, f.name, sizeof f.name);
                first = 0;
            }
            if (starts(b, e, "$$$$")) {
                body_end = b;
                break;
            }
            for (const char *c = b; c < e; ++c) blank &= isspace((unsigned char)*c) != 0;
            body_end = r.p;
        }
        /* Blank lines after the last "$$$$" are no record. */
        if (blank && r.p >= r.end && fr->n > 0) break;
        f.len = (size_t)(body_end - text) - f.off;
        os_status st = os_frames_push(fr, &f, err);
        if (st != OS_OK) return st;
    }
    return OS_OK;
}
