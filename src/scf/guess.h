/* Initial density for the SCF. */
#ifndef OS_GUESS_H
#define OS_GUESS_H
#include "orbscreen.h"

/* Superposition of atomic densities: a spin-averaged, fractionally occupied
 * Hartree-Fock SCF (the molecule's own SCF stages) for each unique element
 * in its own basis functions, placed on the diagonal blocks of D (total
 * density, nbf*nbf).  The result holds the neutral atoms' electrons, not the
 * molecule's.  `opt` supplies the integral screening threshold. */
os_status os_guess_sad(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                       double *D, os_error *err);

#endif
