/* Error messages: one line, no trailing newline, never printed here. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

os_status os_fail(os_error *err, os_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* Messages are one line by contract: fold any newline a caller let in. */
        for (char *p = err->msg; *p; ++p)
            if (*p == '\n' || *p == '\r') *p = ' ';
    }
    return st;
}

const char *os_status_name(os_status st)
{
    switch (st) {
    case OS_OK: return "ok";
    case OS_ERR_IO: return "I/O error";
    case OS_ERR_PARSE: return "parse error";
    case OS_ERR_INPUT: return "input error";
    case OS_ERR_BASIS: return "basis error";
    case OS_ERR_METHOD: return "method error";
    case OS_ERR_NOMEM: return "out of memory";
    case OS_ERR_NOCONV: return "not converged";
    case OS_ERR_NUMERIC: return "numerical error";
    case OS_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}
