/* The command line's numeric options: one table of names and ranges, each
 * value read by the strict grammar (core/parse.c) and range-checked before
 * any conversion, so that "0x10", " 5", "1e3" or 4294967302 are refused
 * naming the option instead of being read as something else.  Free of the
 * rest of orbscreen (the number fuzzer links it alone). */
#ifndef OS_CLI_NUMERIC_H
#define OS_CLI_NUMERIC_H

#include <stddef.h>

typedef struct {
    const char *name; /* without the leading "--" */
    int real;         /* 0: integer in [lo, hi]; 1: real in (lo, hi] */
    double lo, hi;
} cli_numeric;

/* The numeric option `name`, NULL when it is not one. */
const cli_numeric *cli_numeric_find(const char *name);

/* Parse arg as the value of numeric option `name`: 1 and *iv (integers) or
 * *rv (reals) set; 0 and a one-line message "invalid value '...' for
 * --name: ..." in msg[len]; -1 when name is not a numeric option. */
int cli_numeric_parse(const char *name, const char *arg, long *iv, double *rv, char *msg,
                      size_t len);

/* Number of table entries, and entry k (for the fuzzer and the tests). */
int cli_numeric_count(void);
const cli_numeric *cli_numeric_at(int k);

#endif
