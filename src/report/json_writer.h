/* A small streaming JSON writer: nesting, commas and indentation handled in
 * one place, strings escaped (invalid UTF-8 replaced by U+FFFD so the output
 * always parses), non-finite numbers written as null.  Pretty (2-space
 * indent) or compact (one line: the results journal). */
#ifndef OS_JSON_WRITER_H
#define OS_JSON_WRITER_H
#include <stdio.h>

#define OS_JSON_MAX_DEPTH 16

typedef struct {
    FILE *f;
    int compact;
    int depth;
    int count[OS_JSON_MAX_DEPTH];  /* values written at each level */
    char close[OS_JSON_MAX_DEPTH]; /* '}' or ']' */
    char inline_[OS_JSON_MAX_DEPTH]; /* 1: values on one line (arrays of numbers) */
} os_json;

void os_json_init(os_json *j, FILE *f, int compact);
/* `key` names the value inside an object; NULL inside arrays and at the top. */
void os_json_object(os_json *j, const char *key);
void os_json_array(os_json *j, const char *key);
/* An array whose values stay on one line even in pretty mode. */
void os_json_array_inline(os_json *j, const char *key);
void os_json_end(os_json *j); /* closes the innermost object or array */
void os_json_str(os_json *j, const char *key, const char *v);      /* NULL: null */
void os_json_int(os_json *j, const char *key, long v);
void os_json_num(os_json *j, const char *key, const char *fmt, double v); /* non-finite: null */
void os_json_bool(os_json *j, const char *key, int v);
void os_json_null(os_json *j, const char *key);
/* An inline array of n numbers v[i] * scale, each written with fmt. */
void os_json_num_array(os_json *j, const char *key, const double *v, int n, double scale,
                       const char *fmt);
/* A value given as JSON text the caller knows to be valid (one line, for
 * the compact mode), written as is. */
void os_json_raw(os_json *j, const char *key, const char *json);
/* Escaped string literal with quotes: also for writers that are not JSON. */
void os_json_write_string(FILE *f, const char *s);

#endif
