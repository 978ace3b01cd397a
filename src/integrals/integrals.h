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
/* Integrals <a|1/|r - C||b> between the basis and npt fixed points xyz
 * (bohr; the array must outlive the object), kept in memory when they fit in
 * max_bytes, else recomputed at each use (point_ints.c).  Shell pairs whose
 * product is negligible are skipped. */
typedef struct os_point_ints os_point_ints;
os_status os_point_ints_new(const os_basis *bs, int npt, const double *xyz, size_t max_bytes,
                            int nthreads, os_point_ints **out, os_error *err);
/* Potential of the electrons of density P (nbf*nbf, symmetric, electrons
 * counted positive) at the points: phi_c = -sum_ab P_ab <a|1/|r - C||b> (Eh/e). */
os_status os_point_ints_density_potential(const os_point_ints *pi, const double *P, double *phi,
                                          os_error *err);
/* Matrix of charges q (e) at the points: M = -sum_c q_c <a|1/|r - C||b>. */
os_status os_point_ints_charges_matrix(const os_point_ints *pi, const double *q, double *M,
                                       os_error *err);
/* Bytes of integrals kept (0: recomputed at each use). */
size_t os_point_ints_bytes(const os_point_ints *pi);
void os_point_ints_free(os_point_ints *pi);

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
