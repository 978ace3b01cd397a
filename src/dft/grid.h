/* Molecular integration grid: radial x Lebedev angular per atom, Becke/Stratmann
 * partitioning, grouped into spatial blocks. */
#ifndef OS_GRID_H
#define OS_GRID_H
#include "orbscreen.h"

typedef struct {
    int nrad, nang;     /* requested radial points and (max) Lebedev points per atom */
    int npt;            /* total points (after dropping zero weights) */
    double *xyz;        /* npt*3, bohr */
    double *w;          /* npt, quadrature weights including partition function */
    int *atom;          /* npt: the atom whose grid holds the point (it moves with that atom) */
    int nblock;
    int *block0;        /* nblock+1: block b holds points block0[b]..block0[b+1]-1 */
} os_grid;

/* Parse "coarse" (50,194) | "default" (75,302) | "fine" (99,590) | "R,A"
 * (e.g. "75,302"; A one of the Lebedev sizes 6 ... 974); NULL/"" = default.
 * Grids of 110 or more angular points are pruned near the nuclei (grid.c). */
os_status os_grid_parse_spec(const char *spec, int *nrad, int *nang, os_error *err);
/* nthreads: threads for the partition weights (> 0). */
os_status os_grid_build(const os_molecule *mol, int nrad, int nang, int nthreads, os_grid *g,
                        os_error *err);
void os_grid_free(os_grid *g);
/* Bytes the grid holds. */
size_t os_grid_memory_bytes(const os_grid *g);

#endif
