/* Direct Coulomb (J) and exchange (K) matrices from shell-quartet integrals.
 * Designed to be swappable (density fitting later): the SCF only sees
 * os_fock_jk. */
#ifndef OS_FOCK_H
#define OS_FOCK_H
#include "orbscreen.h"

typedef struct os_fock os_fock;

/* Prepare a J/K builder for basis bs: Schwarz factors, shell pairs, one ERI
 * engine per thread.  omega = 0: 1/r12; omega > 0: erf(omega r12)/r12.
 * thresh: quartets whose Schwarz bound times density is below it are skipped.
 * nthreads <= 0: OpenMP's default.  cache_bytes: memory for keeping
 * integrals between builds (semi-direct); 0 = fully direct. */
os_status os_fock_new(const os_basis *bs, double omega, double thresh, int nthreads,
                      size_t cache_bytes, os_fock **out, os_error *err);
/* Bytes of integrals held in memory. */
size_t os_fock_cache_bytes(const os_fock *f);
void os_fock_free(os_fock *f);

/* For nd symmetric densities D[d] (each nbf*nbf), set
 *   J[d]_ab = sum_cd (ab|cd) D[d]_cd,   K[d]_ac = sum_bd (ab|cd) D[d]_bd.
 * J or K may be NULL to skip it.  Outputs are overwritten. */
os_status os_fock_jk(os_fock *f, int nd, const double *D, double *J, double *K, os_error *err);

/* Shell quartets the last os_fock_jk computed (for the SCF log). */
long os_fock_last_quartets(const os_fock *f);

/* The same without screening or permutational symmetry: a slow, obviously
 * correct oracle for tests. */
os_status os_fock_jk_naive(const os_basis *bs, double omega, int nd, const double *D, double *J,
                           double *K, os_error *err);

#endif
