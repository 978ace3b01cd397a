/* Internal: filling os_error messages. */
#ifndef OS_ERROR_H
#define OS_ERROR_H
#include "orbscreen.h"

/* Format a one-line message into err (if non-NULL) and return st.  A message
 * longer than OS_MSG_LEN loses the middle of its longest words (paths) first,
 * so the reason stays readable. */
os_status os_fail(os_error *err, os_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Shorthand for the allocation-failure path. */
#define OS_NOMEM(err, what) os_fail((err), OS_ERR_NOMEM, "out of memory (%s)", (what))

/* The len bytes at s as they can be quoted in a message: printable ASCII as
 * is, every other byte as \xNN (a BOM, a tab or an invalid byte is seen),
 * cut with "..." to fit n bytes.  Returns buf. */
const char *os_quote(char *buf, size_t n, const char *s, size_t len);

/* Size of an os_quote buffer for tokens in messages. */
#define OS_QUOTE_LEN 48

#endif
