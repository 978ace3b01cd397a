/* The command line's numeric options (numeric.h). */
#include "cli/numeric.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/parse.h"
#include "orbscreen.h"

static const cli_numeric table[] = {
    {"charge", 0, -OS_MAX_CHARGE, OS_MAX_CHARGE},
    {"mult", 0, 1, OS_MAX_MULT},
    {"threads", 0, 1, 4096},
    {"jobs", 0, 1, 4096},
    {"max-iter", 0, 1, 100000},
    {"e-conv", 1, 0.0, 1e-2},  /* Eh */
    {"d-conv", 1, 0.0, 1e-2},
    {"opt-steps", 0, 1, 10000},
    {"ion-starts", 0, 1, 8},   /* each start one more SCF and stability check */
    {"memory", 0, 0, INT_MAX}, /* MiB */
    {"eps", 1, 1.0, 1e6},      /* dielectric constant: above vacuum's */
};

int cli_numeric_count(void) { return (int)(sizeof table / sizeof *table); }

const cli_numeric *cli_numeric_at(int k)
{
    return k >= 0 && k < cli_numeric_count() ? &table[k] : NULL;
}

const cli_numeric *cli_numeric_find(const char *name)
{
    for (int k = 0; name && k < cli_numeric_count(); ++k)
        if (strcmp(table[k].name, name) == 0) return &table[k];
    return NULL;
}

int cli_numeric_parse(const char *name, const char *arg, long *iv, double *rv, char *msg,
                      size_t len)
{
    const cli_numeric *o = cli_numeric_find(name);
    if (!o) return -1;
    os_num_status ns;
    if (o->real) {
        double v = 0.0;
        ns = os_parse_real(arg, 0, &v);
        if (ns == OS_NUM_OK && !(v > o->lo && v <= o->hi)) ns = OS_NUM_RANGE;
        if (ns == OS_NUM_OK) {
            *rv = v;
            return 1;
        }
    } else {
        long v = 0;
        ns = os_parse_int(arg, (long)o->lo, (long)o->hi, &v);
        if (ns == OS_NUM_OK) {
            *iv = v;
            return 1;
        }
    }
    char q[OS_QUOTE_LEN];
    os_quote(q, sizeof q, arg, strlen(arg));
    if (o->real)
        snprintf(msg, len, "invalid value '%s' for --%s: %s > %.10g and <= %.10g", q, name,
                 ns == OS_NUM_RANGE ? "must be" : "expected a decimal number", o->lo, o->hi);
    else
        snprintf(msg, len, "invalid value '%s' for --%s: %s %ld..%ld", q, name,
                 ns == OS_NUM_RANGE ? "outside" : "expected an integer in", (long)o->lo,
                 (long)o->hi);
    return 0;
}
