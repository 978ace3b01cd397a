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

/* First derivatives of the one-electron integrals contracted with a
 * symmetric nbf*nbf matrix M: grad[3 A + k] += sum_ab M_ab d<a|op|b>/dR_Ak
 * for every atom A (shells' atom indices; grad holds 3 per atom).  Built from
 * ordinary integrals over shells with l + 1 and l - 1 (onebody_deriv.c);
 * angular momentum up to g. */
os_status os_int1e_overlap_grad(const os_basis *bs, int nthreads, const double *M, double *grad,
                                os_error *err);
os_status os_int1e_kinetic_grad(const os_basis *bs, int nthreads, const double *M, double *grad,
                                os_error *err);
/* Potential of point charges: the basis centres' part into grad (per atom)
 * and the charges' positions' part into grad_charges (3 per charge; NULL to
 * drop it). */
os_status os_int1e_potential_grad(const os_basis *bs, int ncharge, const double *q,
                                  const double *xyz, int nthreads, const double *M,
                                  double *grad, double *grad_charges, os_error *err);
/* Nuclear attraction: both parts, the nuclei being the atoms. */
os_status os_int1e_nuclear_grad(const os_basis *bs, const os_molecule *mol, int nthreads,
                                const double *M, double *grad, os_error *err);

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
/* Engine for first derivatives of the same integrals (libint2's eri1
 * classes; angular momentum up to g, l = 4). */
os_status os_eri_deriv_new(const os_basis *bs, double omega, os_eri **out, os_error *err);
/* d(ab|cd)/dX for the 12 coordinates X of the shells' centres, as 12 blocks
 * in the layout of os_eri_compute: block 3 i + k is the derivative with
 * respect to coordinate k (x, y, z) of the centre of shell i (0: a, 1: b,
 * 2: c, 3: d).  Valid until the next call on this engine. */
const double *os_eri_deriv_compute(os_eri *e, int a, int b, int c, int d);

/* Schwarz factors Q[a*nshell + b] = sqrt(max |(ab|ab)|) over the shell pair's
 * functions, so that |(ab|cd)| <= Q_ab Q_cd (nshell^2, symmetric). */
os_status os_eri_schwarz(const os_basis *bs, double omega, int nthreads, double *Q, os_error *err);

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
/* Engine for their first derivatives (libint2's 3eri1; fitting shells up to
 * l = 6): d(P|ab)/dX as 9 blocks in the layout of os_eri3_compute, block
 * 3 i + k the derivative with respect to coordinate k of the centre of P
 * (i = 0), a (1), b (2).  Valid until the next call on the engine. */
os_status os_eri3_deriv_new(const os_basis *aux, const os_basis *bs, double omega,
                            os_eri3 **out, os_error *err);
const double *os_eri3_deriv_compute(os_eri3 *e, int P, int a, int b);
/* Two-centre (P|Q) over fitting shells, row-major [P][Q]. */
typedef struct os_eri2 os_eri2;
os_status os_eri2_new(const os_basis *aux, double omega, os_eri2 **out, os_error *err);
const double *os_eri2_compute(os_eri2 *e, int P, int Q);
void os_eri2_free(os_eri2 *e);
/* First derivatives (2eri1, l <= 6): 6 blocks [P][Q], block 3 i + k for
 * coordinate k of the centre of P (i = 0) or Q (1). */
os_status os_eri2_deriv_new(const os_basis *aux, double omega, os_eri2 **out, os_error *err);
const double *os_eri2_deriv_compute(os_eri2 *e, int P, int Q);
/* The whole metric M_PQ = (P|Q), aux->nbf^2 row-major, on nthreads threads. */
os_status os_eri2_matrix(const os_basis *aux, double omega, int nthreads, double *M,
                         os_error *err);

#endif
