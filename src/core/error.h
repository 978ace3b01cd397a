/* Internal: filling os_error messages. */
#ifndef OS_ERROR_H
#define OS_ERROR_H
#include "orbscreen.h"

/* Format a one-line message into err (if non-NULL) and return st. */
os_status os_fail(os_error *err, os_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Shorthand for the allocation-failure path. */
#define OS_NOMEM(err, what) os_fail((err), OS_ERR_NOMEM, "out of memory (%s)", (what))

#endif
