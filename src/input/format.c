/* Which format an input is in, by its content: an SDF/MOL file has "V2000"
 * or "V3000" on its counts line (line 4), an XYZ file an atom count alone on
 * its first line.  The extension (.xyz, .sdf, .sd, .mol) decides only when
 * the content fits neither, so that a damaged file is parsed as what it
 * claims to be and its error names the line.  Anything else is refused as
 * an unsupported format, with a guess at what it is. */
#include "input/input.h"
#include "core/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *os_format_name(os_format fmt) { return fmt == OS_FORMAT_SDF ? "sdf" : "xyz"; }

/* Line k (0-based) of the text as [*b, *e); 0 when there are fewer lines. */
static int line_at(const char *text, size_t len, int k, const char **b, const char **e)
{
    const char *p = text, *end = text + len;
    for (int i = 0; i < k; ++i) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return 0;
        p = nl + 1;
    }
    if (p >= end) return 0;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *b = p;
    *e = nl ? nl : end;
    return 1;
}

static int contains(const char *b, const char *e, const char *w)
{
    size_t n = strlen(w);
    for (; b + n <= e; ++b)
        if (memcmp(b, w, n) == 0) return 1;
    return 0;
}

/* One token that is a positive integer. */
static int count_line(const char *b, const char *e)
{
    while (b < e && isspace((unsigned char)*b)) ++b;
    while (e > b && isspace((unsigned char)e[-1])) --e;
    if (b == e) return 0;
    for (const char *c = b; c < e; ++c)
        if (!isdigit((unsigned char)*c)) return 0;
    return 1;
}

static int has_ext(const char *path, const char *ext)
{
    size_t lp = strlen(path), le = strlen(ext);
    return lp > le && strcasecmp(path + lp - le, ext) == 0;
}

/* What a text that is neither XYZ nor SDF looks like, for the message. */
static const char *guess(const char *text, size_t len)
{
    const char *b, *e;
    size_t i = 0;
    while (i < len && isspace((unsigned char)text[i])) ++i;
    if (i < len && (text[i] == '{' || text[i] == '[')) return "JSON";
    for (int k = 0; k < 64 && line_at(text, len, k, &b, &e); ++k) {
        if (contains(b, e, "@<TRIPOS>")) return "MOL2";
        if (e - b >= 6 && (!memcmp(b, "ATOM  ", 6) || !memcmp(b, "HETATM", 6) ||
                           !memcmp(b, "HEADER", 6) || !memcmp(b, "CRYST1", 6)))
            return "PDB";
        if (contains(b, e, "$molecule") || contains(b, e, "%chk") || contains(b, e, "#p ") ||
            contains(b, e, "# "))
            return "a program input file";
    }
    return NULL;
}

os_status os_format_detect(const char *text, size_t len, const char *path, os_format *fmt,
                           os_error *err)
{
    const char *b, *e;
    size_t i = 0;
    while (i < len && isspace((unsigned char)text[i])) ++i;
    if (i == len) return os_fail(err, OS_ERR_PARSE, "%s: empty input", path);
    if (line_at(text, len, 3, &b, &e) && (contains(b, e, "V2000") || contains(b, e, "V3000"))) {
        *fmt = OS_FORMAT_SDF;
        return OS_OK;
    }
    if (line_at(text, len, 0, &b, &e) && count_line(b, e)) {
        *fmt = OS_FORMAT_XYZ;
        return OS_OK;
    }
    if (has_ext(path, ".xyz")) {
        *fmt = OS_FORMAT_XYZ;
        return OS_OK;
    }
    if (has_ext(path, ".sdf") || has_ext(path, ".sd") || has_ext(path, ".mol")) {
        *fmt = OS_FORMAT_SDF;
        return OS_OK;
    }
    const char *what = guess(text, len);
    return os_fail(err, OS_ERR_PARSE,
                   "%s: unsupported format%s%s%s: orbscreen reads XYZ (one or more frames) and "
                   "SDF/MOL (V2000, V3000)",
                   path, what ? " (looks like " : "", what ? what : "", what ? ")" : "");
}
