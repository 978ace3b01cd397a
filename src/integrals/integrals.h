/* Gaussian integrals through libint2's C API.  src/integrals/ is the only
 * part that includes libint2.h (through libint_common.h).  Outputs are in the
 * basis's final representation (solid harmonics for pure shells, Cartesians
 * otherwise). */
#ifndef OS_INTEGRALS_H
#define OS_INTEGRALS_H
#include "orbscreen.h"

/* libint2's one-time static initialization (idempotent, thread-safe). */
os_status os_integrals_init(os_error *err);

/* One-electron matrices, nbf*nbf row-major, on nthreads threads (> 0). */
os_status os_int1e_overlap(const os_basis *bs, int nthreads, double *S, os_error *err);
os_status os_int1e_kinetic(const os_basis *bs, int nthreads, double *T, os_error *err);
os_status os_int1e_nuclear(const os_basis *bs, const os_molecule *mol, int nthreads, double *V,
                           os_error *err);

/* Per-thread two-electron integral engine. omega = 0: 1/r12;
 * omega > 0: erf(omega r12)/r12 (long-range part, for range-separated hybrids).
 * The engine keeps a pointer to `bs`, which must outlive it.  Angular momentum
 * up to h (l = 5). */
typedef struct os_eri os_eri;
os_status os_eri_new(const os_basis *bs, double omega, os_eri **out, os_error *err);
/* (ab|cd) over shells a, b, c, d (indices into the engine's basis),
 * row-major [a][b][c][d] (chemists' notation).  The pointer stays valid until
 * the next call on this engine.  Precomputed shell-pair data lives in the
 * engine, so one engine per thread. */
const double *os_eri_compute(os_eri *e, int a, int b, int c, int d);
void os_eri_free(os_eri *e);
/* Schwarz factors Q[a*ns+b] = sqrt(max |(ab|ab)|) over shell pairs (ns^2,
 * symmetric), so that |(ab|cd)| <= Q_ab Q_cd; on nthreads threads. */
os_status os_eri_schwarz(const os_basis *bs, int nthreads, double *Q, os_error *err);

/* Density-fitting integrals over a fitting (auxiliary) basis `aux`, shells up
 * to l = 7, pure or Cartesian as flagged; omega as above.  Per-thread
 * engines that keep pointers to their bases.
 * Three-centre (P|ab): fitting shell P, orbital shells a, b of `bs` (l <= 5),
 * row-major [P][a][b]; valid until the next call on the engine. */
typedef struct os_eri3 os_eri3;
os_status os_eri3_new(const os_basis *aux, const os_basis *bs, double omega, os_eri3 **out,
                      os_error *err);
const double *os_eri3_compute(os_eri3 *e, int P, int a, int b);
void os_eri3_free(os_eri3 *e);
/* Two-centre (P|Q) over fitting shells, row-major [P][Q]. */
typedef struct os_eri2 os_eri2;
os_status os_eri2_new(const os_basis *aux, double omega, os_eri2 **out, os_error *err);
const double *os_eri2_compute(os_eri2 *e, int P, int Q);
void os_eri2_free(os_eri2 *e);
/* The whole metric M_PQ = (P|Q), aux->nbf^2 row-major, on nthreads threads. */
os_status os_eri2_matrix(const os_basis *aux, double omega, int nthreads, double *M,
                         os_error *err);

#endif
