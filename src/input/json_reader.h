/* A small JSON reader (RFC 8259) for the inputs orbscreen accepts as JSON
 * (QCSchema AtomicInput): the whole text into a tree of values.  Strict:
 * one value, no trailing commas or comments, strings valid UTF-8 with
 * \uXXXX escapes (surrogate pairs joined), nesting at most 64 deep. */
#ifndef OS_JSON_READER_H
#define OS_JSON_READER_H
#include "orbscreen.h"

typedef enum { OS_JNULL, OS_JBOOL, OS_JNUM, OS_JSTR, OS_JARR, OS_JOBJ } os_jtype;

typedef struct os_jvalue {
    os_jtype type;
    double num;               /* OS_JNUM; OS_JBOOL: 0 or 1 */
    char *str;                /* OS_JSTR: UTF-8, NUL-terminated (a \u0000 is refused) */
    int n;                    /* OS_JARR, OS_JOBJ: number of items */
    char **keys;              /* OS_JOBJ: n keys */
    struct os_jvalue *items;  /* OS_JARR, OS_JOBJ: n values */
} os_jvalue;

/* Parse text[0..len) into *out (free with os_jvalue_free); errors name
 * `label`, line and column. */
os_status os_json_parse(const char *text, size_t len, const char *label, os_jvalue *out,
                        os_error *err);
void os_jvalue_free(os_jvalue *v);
/* Member `key` of an object (the last one when repeated), NULL if absent or
 * not an object. */
const os_jvalue *os_jvalue_get(const os_jvalue *obj, const char *key);

#endif
