/* Minimal assertion helpers for orbscreen's ctest executables.  Every check
 * compares a computed number with a reference and a stated tolerance. */
#ifndef OS_CHECK_H
#define OS_CHECK_H

#include <stddef.h>

#include "orbscreen.h"

/* Record a comparison |got - want| <= tol; prints one line; returns 1 if ok. */
int check_close(const char *what, double got, double want, double tol);
/* Record a boolean condition. */
int check_true(const char *what, int cond);
/* Read a reference file of "key value..." lines ('#' lines are comments):
 * fn(key, value, ctx) per line, value without its line end.  Returns 0 when
 * the file cannot be opened (after saying why). */
int check_read_keys(const char *path, void (*fn)(const char *key, char *value, void *ctx),
                    void *ctx);
/* Deterministic pseudo-random numbers in [-0.5, 0.5) (xorshift64, fixed seed). */
double check_urand(void);
/* max_k |a[k] - b[k]| */
double check_maxdiff(size_t len, const double *a, const double *b);
/* An external SCF term for tests: V = c S (energy c Tr(P S)), whose
 * gradient c sum P dS/dR comes through the potential's gradient callback
 * (os_scf_potential; ctx points to a check_overlap_term). */
typedef struct {
    const os_basis *bs;
    double c;
} check_overlap_term;
os_status check_overlap_build(void *ctx, const double *P, double *V, double *energy,
                              os_error *err);
os_status check_overlap_gradient(void *ctx, const double *P, double *grad, os_error *err);
/* Print "N passed, M failed" and return the process exit code. */
int check_finish(void);

#endif
