/* Numerical integration of the XC energy and potential matrix on a grid. */
#ifndef OS_NUMINT_H
#define OS_NUMINT_H
#include "dft/grid.h"
#include "dft/xc.h"

/* Built once per geometry: for each grid block the shells that do not
 * vanish there (their values and gradients are recomputed on every
 * os_numint_vxc call: storing them would take gigabytes).  need_grad: the
 * functional is a GGA or meta-GGA.  bs and g must outlive the object. */
typedef struct os_numint os_numint;
os_status os_numint_new(const os_basis *bs, const os_grid *g, int need_grad, int nthreads,
                        os_numint **out, os_error *err);
void os_numint_free(os_numint *ni);
/* Bytes the object holds: block lists and the per-thread work space (made
 * on the first os_numint_vxc call). */
size_t os_numint_memory_bytes(const os_numint *ni);
/* The shells that do not vanish on grid block b: *shells[0..n-1], returns n. */
int os_numint_block_shells(const os_numint *ni, int b, const int **shells);

/* Values (and gradients when grad != NULL) of one shell's functions on np
 * points xyz: phi[i*ld + p], grad[(i*3 + k)*ld + p] for k = x, y, z.  T: the
 * shell's os_cart2sph matrix (used when pure, l >= 2).  cart and cgrad are
 * scratch of ncart*np and 3*ncart*np; pw holds (5 + 3(l+1))*np. */
void os_numint_eval_shell(const os_shell *sh, const double *T, int np, const double *xyz,
                          double *phi, double *grad, int ld, double *cart, double *cgrad,
                          double *pw);

/* nspin = 1: D = total density matrix (nbf*nbf); V gets Vxc.
 * nspin = 2: D = [Da, Db] (2*nbf*nbf); V gets [Va, Vb].
 * exc: XC energy, Eh; nelec: integrated density (electrons).
 * D must be symmetric; V comes back symmetric.  xc must have been made for
 * the same nspin (a functional with no XC part, "hf", gives exc = 0, V = 0
 * and still integrates the density).  Runs on the nthreads given to
 * os_numint_new, each calling BLAS on small blocks: BLAS itself should run
 * single-threaded (the CLI sets that once at start-up).  The work space is
 * the object's: one call at a time per object. */
os_status os_numint_vxc(os_numint *ni, const os_xc *xc, int nspin, const double *D,
                        double *exc, double *nelec, double *V, os_error *err);

/* Values of every basis function at np points (xyz: np*3, bohr) into
 * phi[mu*np + p] (nbf*np): the orbital pictures (cube files) use it. */
os_status os_basis_eval(const os_basis *bs, int np, const double *xyz, double *phi,
                        os_error *err);

#endif
