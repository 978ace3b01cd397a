/* Lines of a text buffer, one at a time, counting line numbers for
 * messages (the XYZ and SDF readers). */
#ifndef OS_LINES_H
#define OS_LINES_H
#include <stddef.h>

typedef struct {
    const char *p, *end;
    int lineno;       /* of the line last returned */
    const char *label; /* file name for messages */
} os_lines;

/* Next line as [*b, *e) without the newline and a trailing CR; 0 at the end. */
int os_lines_next(os_lines *r, const char **b, const char **e);

#endif
