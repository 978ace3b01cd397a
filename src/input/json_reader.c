/* JSON text into a tree (see json_reader.h): a recursive-descent parser
 * over the grammar of RFC 8259, with a depth limit so hostile input cannot
 * exhaust the stack. */
#include "input/json_reader.h"
#include "core/error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

typedef struct {
    const char *s, *end, *label;
    os_error *err;
    os_status st;
} parser;

/* Line and column of p, for messages. */
static void where(const parser *ps, const char *p, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *q = ps->s; q < p && q < ps->end; ++q) {
        if (*q == '\n') ++*line, *col = 1;
        else ++*col;
    }
}

static int fail(parser *ps, const char *p, const char *what)
{
    if (ps->st == OS_OK) {
        int line, col;
        where(ps, p, &line, &col);
        ps->st = os_fail(ps->err, OS_ERR_PARSE, "%s:%d:%d: %s", ps->label, line, col, what);
    }
    return 0;
}

static const char *skip_ws(const parser *ps, const char *p)
{
    while (p < ps->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    return p;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; ++i) {
        if (p + i >= end) return 0;
        char c = p[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d > 15) return 0;
        *v = *v * 16 + d;
    }
    return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Length of a valid UTF-8 sequence at p (0 when invalid). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || p + n > end) return 0;
    for (size_t i = 1; i < n; ++i)
        if ((p[i] & 0xc0) != 0x80) return 0;
    unsigned cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t i = 1; i < n; ++i) cp = cp << 6 | (p[i] & 0x3f);
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0; /* overlong, surrogate */
    return n;
}

/* A string starting at the opening quote; *out malloc'd. */
static const char *string(parser *ps, const char *p, char **out)
{
    const char *q = p + 1;
    /* The decoded string is never longer than the text. */
    size_t cap = 1;
    for (const char *r = q; r < ps->end && *r != '"'; ++r) {
        ++cap;
        if (*r == '\\' && r + 1 < ps->end) ++r, ++cap;
    }
    char *o = malloc(cap + 4);
    if (!o) {
        ps->st = OS_NOMEM(ps->err, "JSON string");
        return NULL;
    }
    size_t n = 0;
    while (q < ps->end && *q != '"') {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20) {
            free(o);
            return fail(ps, q, "control character in a string"), NULL;
        }
        if (c != '\\') {
            size_t k = utf8_len((const unsigned char *)q, (const unsigned char *)ps->end);
            if (!k) {
                free(o);
                return fail(ps, q, "invalid UTF-8 in a string"), NULL;
            }
            memcpy(o + n, q, k);
            n += k;
            q += k;
            continue;
        }
        if (++q >= ps->end) break;
        unsigned cp;
        switch (*q) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u':
            if (!hex4(q + 1, ps->end, &cp)) goto bad_escape;
            q += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) { /* a surrogate pair */
                unsigned lo;
                if (q + 2 >= ps->end || q[1] != '\\' || q[2] != 'u' || !hex4(q + 3, ps->end, &lo) ||
                    lo < 0xdc00 || lo > 0xdfff)
                    goto bad_escape;
                q += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
                goto bad_escape;
            }
            n += put_utf8(o + n, cp);
            break;
        default: goto bad_escape;
        }
        ++q;
        continue;
    bad_escape:
        free(o);
        return fail(ps, q, "bad escape in a string"), NULL;
    }
    if (q >= ps->end) {
        free(o);
        return fail(ps, p, "unterminated string"), NULL;
    }
    o[n] = '\0';
    *out = o;
    return q + 1;
}

/* A number by the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static const char *number(parser *ps, const char *p, double *v)
{
    const char *q = p;
    if (q < ps->end && *q == '-') ++q;
    if (q >= ps->end || *q < '0' || *q > '9') return fail(ps, p, "bad number"), NULL;
    if (*q == '0') ++q;
    else while (q < ps->end && *q >= '0' && *q <= '9') ++q;
    if (q < ps->end && *q == '.') {
        ++q;
        if (q >= ps->end || *q < '0' || *q > '9') return fail(ps, p, "bad number"), NULL;
        while (q < ps->end && *q >= '0' && *q <= '9') ++q;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        ++q;
        if (q < ps->end && (*q == '+' || *q == '-')) ++q;
        if (q >= ps->end || *q < '0' || *q > '9') return fail(ps, p, "bad number"), NULL;
        while (q < ps->end && *q >= '0' && *q <= '9') ++q;
    }
    char buf[64];
    if ((size_t)(q - p) >= sizeof buf) return fail(ps, p, "number too long"), NULL;
    memcpy(buf, p, (size_t)(q - p));
    buf[q - p] = '\0';
    errno = 0;
    *v = strtod(buf, NULL);
    if (!isfinite(*v)) return fail(ps, p, "number out of range"), NULL;
    return q;
}

static const char *value(parser *ps, const char *p, os_jvalue *v, int depth);

/* Append one item to an array or object under construction. */
static os_jvalue *push(parser *ps, os_jvalue *v, int *cap, int keyed)
{
    if (v->n == *cap) {
        int nc = *cap ? 2 * *cap : 4;
        os_jvalue *ni = realloc(v->items, (size_t)nc * sizeof *ni);
        if (ni) v->items = ni;
        char **nk = keyed ? realloc(v->keys, (size_t)nc * sizeof *nk) : NULL;
        if (keyed && nk) v->keys = nk;
        if (!ni || (keyed && !nk)) {
            ps->st = OS_NOMEM(ps->err, "JSON");
            return NULL;
        }
        *cap = nc;
    }
    os_jvalue *it = &v->items[v->n];
    memset(it, 0, sizeof *it);
    if (keyed) v->keys[v->n] = NULL;
    ++v->n;
    return it;
}

static const char *container(parser *ps, const char *p, os_jvalue *v, int depth)
{
    int keyed = *p == '{', cap = 0;
    char close = keyed ? '}' : ']';
    v->type = keyed ? OS_JOBJ : OS_JARR;
    if (depth >= JSON_MAX_DEPTH) return fail(ps, p, "nesting too deep"), NULL;
    p = skip_ws(ps, p + 1);
    if (p < ps->end && *p == close) return p + 1;
    for (;;) {
        os_jvalue *it = push(ps, v, &cap, keyed);
        if (!it) return NULL;
        if (keyed) {
            if (p >= ps->end || *p != '"') return fail(ps, p, "expected a key"), NULL;
            if (!(p = string(ps, p, &v->keys[v->n - 1]))) return NULL;
            p = skip_ws(ps, p);
            if (p >= ps->end || *p != ':') return fail(ps, p, "expected ':'"), NULL;
            p = skip_ws(ps, p + 1);
        }
        if (!(p = value(ps, p, it, depth + 1))) return NULL;
        p = skip_ws(ps, p);
        if (p < ps->end && *p == ',') {
            p = skip_ws(ps, p + 1);
            continue;
        }
        if (p < ps->end && *p == close) return p + 1;
        return fail(ps, p, keyed ? "expected ',' or '}'" : "expected ',' or ']'"), NULL;
    }
}

static const char *literal(parser *ps, const char *p, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - p) < n || memcmp(p, word, n) != 0) return fail(ps, p, "unexpected text"), NULL;
    return p + n;
}

static const char *value(parser *ps, const char *p, os_jvalue *v, int depth)
{
    memset(v, 0, sizeof *v);
    if (p >= ps->end) return fail(ps, p, "unexpected end of text"), NULL;
    switch (*p) {
    case '{':
    case '[': return container(ps, p, v, depth);
    case '"': v->type = OS_JSTR; return string(ps, p, &v->str);
    case 't': v->type = OS_JBOOL; v->num = 1; return literal(ps, p, "true");
    case 'f': v->type = OS_JBOOL; return literal(ps, p, "false");
    case 'n': v->type = OS_JNULL; return literal(ps, p, "null");
    default: v->type = OS_JNUM; return number(ps, p, &v->num);
    }
}

os_status os_json_parse(const char *text, size_t len, const char *label, os_jvalue *out,
                        os_error *err)
{
    parser ps = {text, text + len, label ? label : "json", err, OS_OK};
    const char *p = skip_ws(&ps, text);
    p = value(&ps, p, out, 0);
    if (p) {
        p = skip_ws(&ps, p);
        if (p < ps.end) fail(&ps, p, "text after the JSON value");
    }
    if (ps.st != OS_OK) {
        os_jvalue_free(out);
        return ps.st;
    }
    return OS_OK;
}

void os_jvalue_free(os_jvalue *v)
{
    if (!v) return;
    for (int i = 0; i < v->n; ++i) {
        os_jvalue_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    memset(v, 0, sizeof *v);
}

const os_jvalue *os_jvalue_get(const os_jvalue *obj, const char *key)
{
    if (!obj || obj->type != OS_JOBJ) return NULL;
    for (int i = obj->n - 1; i >= 0; --i)
        if (obj->keys[i] && strcmp(obj->keys[i], key) == 0) return &obj->items[i];
    return NULL;
}
