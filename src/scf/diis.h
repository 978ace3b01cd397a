/* Pulay's DIIS extrapolation of Fock matrices. */
#ifndef OS_DIIS_H
#define OS_DIIS_H
#include "orbscreen.h"

typedef struct {
    int max_vec;      /* vectors kept */
    int n;            /* vectors held now */
    int next;         /* slot the next push overwrites once full */
    size_t flen, elen;
    double *F;        /* max_vec * flen: stored Fock matrices (all spins) */
    double *E;        /* max_vec * elen: stored error vectors */
    double *B;        /* max_vec^2: cached error overlaps */
} os_diis;

os_status os_diis_init(os_diis *d, int max_vec, size_t flen, size_t elen, os_error *err);
/* Store (F, e) and write the extrapolated Fock matrix into Fout (flen).
 * Falls back to the newest F when the DIIS equations are singular. */
os_status os_diis_extrapolate(os_diis *d, const double *F, const double *e, double *Fout,
                              os_error *err);
void os_diis_free(os_diis *d);

#endif
