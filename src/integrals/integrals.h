/* Gaussian integrals through libint2's C API.  integrals.c is the only file
 * that includes libint2.h.  Outputs are in the basis's final representation
 * (solid harmonics for pure shells, Cartesians otherwise). */
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
/* Potential of ncharge point charges q (e) at xyz (bohr): V = -sum_c q_c <a|1/|r - C||b>. */
os_status os_int1e_potential(const os_basis *bs, int ncharge, const double *q,
                             const double *xyz, int nthreads, double *V, os_error *err);
/* Electrostatic potential of the electrons of density P (nbf*nbf, symmetric,
 * electrons counted positive) at npt points xyz (bohr):
 * phi_c = -sum_ab P_ab <a|1/|r - C||b> (Eh/e); shell pairs whose product is
 * negligible are skipped (point_potential.c). */
os_status os_int1e_density_potential(const os_basis *bs, const double *P, int npt,
                                     const double *xyz, int nthreads, double *phi,
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

#endif
