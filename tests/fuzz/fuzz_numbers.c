/* libFuzzer target: the strict number grammar every file and command-line
 * number goes through (core/parse.c: the XYZ count, charge, mult and
 * coordinates, Gaussian94 numbers), the command line's numeric options
 * themselves (cli/numeric.c: --charge, --mult, --threads, --jobs, --max-iter,
 * --memory, --eps, with their ranges and messages) and the DFT grid spec
 * (--grid), on arbitrary bytes (tests/fuzz/run.sh).  Each accepted text is checked
 * against an independent reading: the grammar by hand, the value by
 * strtoll/strtod. */
#include "cli/numeric.h"
#include "core/parse.h"
#include "dft/grid.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int all_digits(const char *s, const char *e)
{
    if (s == e) return 0;
    for (; s < e; ++s)
        if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

static void check_int(const char *s, long lo, long hi)
{
    long v = 12345;
    os_num_status st = os_parse_int(s, lo, hi, &v);
    const char *d = s + (*s == '+' || *s == '-');
    int grammar = all_digits(d, d + strlen(d));
    if (st == OS_NUM_SYNTAX) {
        if (grammar) abort();
        return;
    }
    if (!grammar) abort();
    errno = 0;
    long long ref = strtoll(s, NULL, 10);
    int fits = errno != ERANGE && ref >= lo && ref <= hi;
    if ((st == OS_NUM_OK) != fits) abort();
    if (st == OS_NUM_OK && v != ref) abort();
}

static void check_real(const char *s, int fortran)
{
    double v = 0;
    os_num_status st = os_parse_real(s, fortran, &v);
    if (st != OS_NUM_OK) return;
    /* Accepted: only signs, digits, one point, one exponent letter. */
    int points = 0, exps = 0;
    for (const char *p = s; *p; ++p) {
        char c = *p;
        if (c == '.') ++points;
        else if (c == 'e' || c == 'E' || (fortran && (c == 'd' || c == 'D'))) ++exps;
        else if (!isdigit((unsigned char)c) && c != '+' && c != '-') abort();
    }
    if (points > 1 || exps > 1 || !isfinite(v)) abort();
    char buf[OS_NUM_MAX_LEN + 1];
    strcpy(buf, s);
    for (char *p = buf; *p; ++p)
        if (*p == 'd' || *p == 'D') *p = 'e';
    char *end;
    double ref = strtod(buf, &end);
    if (*end || ref != v) abort();
}

static void check_grid(const char *s)
{
    int r = 0, a = 0;
    os_error err = {""};
    if (os_grid_parse_spec(s, &r, &a, &err) != OS_OK) {
        if (!err.msg[0]) abort();
        return;
    }
    if (r < 5 || r > 1000 || a < 6 || a > 974) abort();
    if (!*s || !strcmp(s, "default") || !strcmp(s, "coarse") || !strcmp(s, "fine")) return;
    const char *comma = strchr(s, ',');
    if (!comma || !all_digits(s, comma) || !all_digits(comma + 1, s + strlen(s))) abort();
    if (strtol(s, NULL, 10) != r || strtol(comma + 1, NULL, 10) != a) abort();
}

/* The CLI's numeric option k: an accepted value lies in the option's range
 * and agrees with the grammar; a refused one gets one line naming the option. */
static void check_option(int k, const char *s)
{
    const cli_numeric *o = cli_numeric_at(k % cli_numeric_count());
    long iv = 12345;
    double rv = NAN;
    char msg[256] = "", want[64];
    int ok = cli_numeric_parse(o->name, s, &iv, &rv, msg, sizeof msg);
    if (ok == 1) {
        if (o->real && !(rv > o->lo && rv <= o->hi)) abort();
        if (!o->real && (iv < (long)o->lo || iv > (long)o->hi)) abort();
        long v;
        double d;
        if (!o->real && (os_parse_int(s, (long)o->lo, (long)o->hi, &v) != OS_NUM_OK || v != iv))
            abort();
        if (o->real && (os_parse_real(s, 0, &d) != OS_NUM_OK || d != rv)) abort();
        return;
    }
    snprintf(want, sizeof want, "' for --%s: ", o->name);
    if (ok != 0 || !strstr(msg, want) || strchr(msg, '\n') || strncmp(msg, "invalid value '", 15))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    char s[80];
    size_t n = size - 3 < sizeof s - 1 ? size - 3 : sizeof s - 1;
    memcpy(s, data + 3, n);
    s[n] = '\0';
    /* a range from the first two bytes: the CLI's and the files' ranges and more */
    static const long bounds[][2] = {{-1000, 1000}, {1, 1000},  {1, 4096}, {1, 100000},
                                     {0, 2147483647L}, {1, 5000}, {1, 118},
                                     {-9223372036854775807L - 1, 9223372036854775807L}};
    const long *b = bounds[data[1] % (sizeof bounds / sizeof *bounds)];
    switch (data[0] % 5) {
    case 0: check_int(s, b[0], b[1]); break;
    case 1: check_real(s, data[2] & 1); break;
    case 2: check_grid(s); break;
    case 4: check_option(data[1], s); break;
    default: check_int(s, b[0] + (long)(data[2] % 7), b[1]); break;
    }
    return 0;
}
