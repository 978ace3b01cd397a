/* Strict decimal numbers (see parse.h). */
#include "core/parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

os_num_status os_parse_int(const char *s, long lo, long hi, long *out)
{
    if (!s) return OS_NUM_SYNTAX;
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (!is_digit(*p)) return OS_NUM_SYNTAX;
    /* Digits are read against the bound on their side, so nothing overflows:
     * |value| <= limit <= LONG_MAX + 1 fits in an unsigned long. */
    unsigned long limit = neg ? (lo < 0 ? 0UL - (unsigned long)lo : 0UL)
                              : (hi > 0 ? (unsigned long)hi : 0UL);
    unsigned long v = 0;
    int over = 0;
    for (; is_digit(*p); ++p) {
        unsigned d = (unsigned)(*p - '0');
        if (v > limit / 10 || (v == limit / 10 && d > limit % 10)) over = 1;
        else v = v * 10 + d; /* still <= limit */
    }
    if (*p) return OS_NUM_SYNTAX;
    if (over) return OS_NUM_RANGE;
    long x = neg ? (v == 0 ? 0 : -1 - (long)(v - 1)) : (long)v;
    if (x < lo || x > hi) return OS_NUM_RANGE;
    *out = x;
    return OS_NUM_OK;
}

os_num_status os_parse_real(const char *s, int fortran_d, double *out)
{
    if (!s) return OS_NUM_SYNTAX;
    size_t n = strlen(s);
    if (n == 0 || n > OS_NUM_MAX_LEN) return OS_NUM_SYNTAX;
    char buf[OS_NUM_MAX_LEN + 1];
    const char *p = s;
    size_t k = 0;
    if (*p == '+' || *p == '-') buf[k++] = *p++;
    int mant = 0;
    for (; is_digit(*p); ++p, ++mant) buf[k++] = *p;
    if (*p == '.') {
        buf[k++] = *p++;
        for (; is_digit(*p); ++p, ++mant) buf[k++] = *p;
    }
    if (mant == 0) return OS_NUM_SYNTAX;
    if (*p == 'e' || *p == 'E' || (fortran_d && (*p == 'd' || *p == 'D'))) {
        buf[k++] = 'e';
        ++p;
        if (*p == '+' || *p == '-') buf[k++] = *p++;
        if (!is_digit(*p)) return OS_NUM_SYNTAX;
        for (; is_digit(*p); ++p) buf[k++] = *p;
    }
    if (*p) return OS_NUM_SYNTAX;
    buf[k] = '\0';
    /* The text is a plain decimal now: strtod reads it exactly as written. */
    double v = strtod(buf, NULL);
    if (!isfinite(v)) return OS_NUM_RANGE;
    *out = v;
    return OS_NUM_OK;
}
