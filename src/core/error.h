/* Internal: filling os_error messages. */
#ifndef OS_ERROR_H
#define OS_ERROR_H
#include "orbscreen.h"

#include <sys/types.h>

/* Format a one-line message into err (if non-NULL) and return st.  A message
 * longer than OS_MSG_LEN loses the middle of its longest words (paths) first,
 * so the reason stays readable. */
os_status os_fail(os_error *err, os_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Shorthand for the allocation-failure path. */
#define OS_NOMEM(err, what) os_fail((err), OS_ERR_NOMEM, "out of memory (%s)", (what))

/* Put "label: " before err's message unless it already starts with label
 * (so that every message about a molecule names its file). */
void os_error_prefix(os_error *err, const char *label);

/* The len bytes at s as they can be quoted in a message: printable ASCII as
 * is, every other byte as \xNN (a BOM, a tab or an invalid byte is seen),
 * cut with "..." to fit n bytes.  Returns buf. */
const char *os_quote(char *buf, size_t n, const char *s, size_t len);

/* What a file of mode m is, for messages: "a FIFO", "a character device", ... */
const char *os_file_kind(mode_t m);

/* Size of an os_quote buffer for tokens in messages. */
#define OS_QUOTE_LEN 48

#endif
