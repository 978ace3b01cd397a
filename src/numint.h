/* Numerical integration of the XC energy and potential matrix on a grid. */
#ifndef OS_NUMINT_H
#define OS_NUMINT_H
#include "grid.h"
#include "xc.h"

/* Basis values on the grid, built once per geometry: for each block the
 * shells that do not vanish there, their values and gradients. */
typedef struct os_numint os_numint;
os_status os_numint_new(const os_basis *bs, const os_grid *g, int need_grad,
                        os_numint **out, os_error *err);
void os_numint_free(os_numint *ni);

/* nspin = 1: D = total density matrix (nbf*nbf); V gets Vxc.
 * nspin = 2: D = [Da, Db] (2*nbf*nbf); V gets [Va, Vb].
 * exc: XC energy, Eh; nelec: integrated density (electrons). */
os_status os_numint_vxc(os_numint *ni, const os_xc *xc, int nspin, const double *D,
                        double *exc, double *nelec, double *V, os_error *err);

#endif
