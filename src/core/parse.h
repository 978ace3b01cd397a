/* Strict decimal numbers: the one grammar for every number orbscreen reads
 * from a file or the command line.  strtol/strtod alone accept too much
 * (leading blanks, hexadecimal "0xd", "inf", "nan", values that overflow
 * before a range check), so a token is first checked against the grammar,
 * and an integer against its range while its digits are read. */
#ifndef OS_PARSE_H
#define OS_PARSE_H

#include <stddef.h>

typedef enum {
    OS_NUM_OK = 0,
    OS_NUM_SYNTAX, /* not a decimal number of the asked kind */
    OS_NUM_RANGE   /* a number, but outside the allowed range (or not finite) */
} os_num_status;

/* Longest number token accepted, characters. */
#define OS_NUM_MAX_LEN 63

/* The whole of `s` as [+-]?[0-9]+ with lo <= value <= hi. */
os_num_status os_parse_int(const char *s, long lo, long hi, long *out);

/* The whole of `s` as [+-]? (digits [. digits] | . digits) ([eE] [+-]? digits)?,
 * finite; fortran_d: D/d may stand for the exponent letter (1.0D+01). */
os_num_status os_parse_real(const char *s, int fortran_d, double *out);

#endif
