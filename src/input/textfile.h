/* Reading a whole input file with bounds: only regular files are read (a
 * FIFO or a device is refused at once rather than waited on), and never more
 * than a stated size. */
#ifndef OS_TEXTFILE_H
#define OS_TEXTFILE_H
#include "orbscreen.h"

/* Read `path` into a NUL-terminated buffer (*text, caller frees) of *len
 * bytes.  `what` names the expected content in messages ("an XYZ file").
 * Errors: "PATH: cannot open: REASON", "PATH: is a directory, not WHAT",
 * "PATH: is not a regular file (...)", "PATH: larger than N bytes". */
os_status os_text_read(const char *path, size_t max_bytes, const char *what, char **text,
                       size_t *len, os_error *err);

/* Standard input into a NUL-terminated buffer, at most max_bytes
 * ("<stdin>: larger than N bytes" beyond). */
os_status os_text_read_stdin(size_t max_bytes, char **text, size_t *len, os_error *err);

#endif
