/* Lines of a text buffer (see lines.h). */
#include "input/lines.h"

#include <string.h>

int os_lines_next(os_lines *r, const char **b, const char **e)
{
    if (r->p >= r->end) return 0;
    const char *s = r->p;
    const char *nl = memchr(s, '\n', (size_t)(r->end - s));
    const char *t = nl ? nl : r->end;
    r->p = nl ? nl + 1 : r->end;
    if (t > s && t[-1] == '\r') --t;
    r->lineno++;
    *b = s;
    *e = t;
    return 1;
}
