/* Convergence acceleration of the SCF: Pulay's DIIS, and ADIIS for the first
 * steps, blended as the orbital gradient shrinks. */
#ifndef OS_DIIS_H
#define OS_DIIS_H
#include "orbscreen.h"

typedef struct {
    int max_vec;      /* vectors kept */
    int n;            /* vectors held now */
    int newest;       /* slot of the newest vector */
    size_t flen, elen;
    double *F;        /* max_vec * flen: stored Fock matrices (all spins) */
    double *D;        /* max_vec * flen: their densities (ADIIS), or NULL */
    double *E;        /* max_vec * elen: stored error vectors */
    double *emax;     /* max_vec: max |e| of each stored error vector */
    double *B;        /* max_vec^2: cached error overlaps <e_i, e_j> */
    double *DF;       /* max_vec^2: cached <D_i, F_j> (ADIIS) */
} os_diis;

/* with_density: keep densities too, for os_diis_step's ADIIS part. */
os_status os_diis_init(os_diis *d, int max_vec, size_t flen, size_t elen, int with_density,
                       os_error *err);
/* Store (F, e) and write the DIIS-extrapolated Fock matrix into Fout (flen).
 * Once full, the oldest vector makes room.  Falls back to the newest F when
 * the DIIS equations are singular. */
os_status os_diis_extrapolate(os_diis *d, const double *F, const double *e, double *Fout,
                              os_error *err);
/* Store (F, D, e) (a diis made with_density) and write into Fout the
 * combination of stored Fock matrices: ADIIS while max |e| is above
 * OS_ADIIS_START, DIIS below OS_ADIIS_END, and in between a blend of the
 * two sets of coefficients, linear in max |e|. */
os_status os_diis_step(os_diis *d, const double *F, const double *D, const double *e,
                       double *Fout, os_error *err);
void os_diis_free(os_diis *d);
/* Bytes the history takes. */
size_t os_diis_memory_bytes(const os_diis *d);

#define OS_ADIIS_START 1e-1
#define OS_ADIIS_END 1e-4

#endif
