/* The streaming JSON writer (json_writer.h). */
#include "report/json_writer.h"

#include "core/utf8.h"

#include <math.h>

void os_json_init(os_json *j, FILE *f, int compact)
{
    j->f = f;
    j->compact = compact;
    j->depth = 0;
    j->count[0] = 0;
    j->close[0] = 0;
    j->inline_[0] = 0;
}

void os_json_write_string(FILE *f, const char *str)
{
    if (!str) {
        fputs("null", f);
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', f);
    while (*s) {
        unsigned char c = *s;
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                fprintf(f, "\\u%04x", c);
            } else if (c >= 0x80) {
                int n = os_utf8_len((const char *)s);
                if (n == 0) {
                    fputs("\\ufffd", f); /* an invalid byte: the replacement character */
                } else {
                    fwrite(s, 1, (size_t)n, f);
                    s += n;
                    continue;
                }
            } else {
                fputc(c, f);
            }
        }
        ++s;
    }
    fputc('"', f);
}

/* Comma, newline and indentation before a value, then its key. */
static void value_start(os_json *j, const char *key)
{
    if (j->depth > 0) {
        int later = j->count[j->depth]++ > 0;
        if (later) fputc(',', j->f);
        if (!j->compact && !j->inline_[j->depth]) {
            fputc('\n', j->f);
            for (int i = 0; i < j->depth; ++i) fputs("  ", j->f);
        } else if (later) {
            fputc(' ', j->f);
        }
    }
    if (key) {
        os_json_write_string(j->f, key);
        fputs(": ", j->f);
    }
}

static void open_(os_json *j, const char *key, char open, char close, int inl)
{
    value_start(j, key);
    fputc(open, j->f);
    if (j->depth + 1 < OS_JSON_MAX_DEPTH) {
        ++j->depth;
        j->count[j->depth] = 0;
        j->close[j->depth] = close;
        j->inline_[j->depth] = (char)(inl || j->inline_[j->depth - 1]);
    }
}

void os_json_object(os_json *j, const char *key) { open_(j, key, '{', '}', 0); }
void os_json_array(os_json *j, const char *key) { open_(j, key, '[', ']', 0); }
void os_json_array_inline(os_json *j, const char *key) { open_(j, key, '[', ']', 1); }

void os_json_end(os_json *j)
{
    if (j->depth == 0) return;
    int had = j->count[j->depth] > 0, inl = j->inline_[j->depth];
    char close = j->close[j->depth];
    --j->depth;
    if (had && !j->compact && !inl) {
        fputc('\n', j->f);
        for (int i = 0; i < j->depth; ++i) fputs("  ", j->f);
    }
    fputc(close, j->f);
    if (j->depth == 0 && !j->compact) fputc('\n', j->f);
}

void os_json_str(os_json *j, const char *key, const char *v)
{
    value_start(j, key);
    os_json_write_string(j->f, v);
}

void os_json_int(os_json *j, const char *key, long v)
{
    value_start(j, key);
    fprintf(j->f, "%ld", v);
}

void os_json_num(os_json *j, const char *key, const char *fmt, double v)
{
    value_start(j, key);
    if (isfinite(v))
        fprintf(j->f, fmt, v);
    else
        fputs("null", j->f);
}

void os_json_bool(os_json *j, const char *key, int v)
{
    value_start(j, key);
    fputs(v ? "true" : "false", j->f);
}

void os_json_null(os_json *j, const char *key)
{
    value_start(j, key);
    fputs("null", j->f);
}

void os_json_raw(os_json *j, const char *key, const char *json)
{
    value_start(j, key);
    fputs(json, j->f);
}

void os_json_num_array(os_json *j, const char *key, const double *v, int n, double scale,
                       const char *fmt)
{
    os_json_array_inline(j, key);
    for (int i = 0; i < n; ++i) os_json_num(j, NULL, fmt, v[i] * scale);
    os_json_end(j);
}
