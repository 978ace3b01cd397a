/* Becke's partition of space into atomic cells [A.D. Becke, JCP 88, 2547
 * (1988)], with the atomic-size adjustment of the molecular grid (grid.c),
 * and its derivative with respect to the nuclear positions (the grid-weight
 * term of the XC gradient). */
#ifndef OS_BECKE_H
#define OS_BECKE_H
#include "orbscreen.h"

typedef struct {
    int natom;
    const double *xyz; /* natom*3, bohr (the molecule's; must outlive this) */
    double *invR;      /* natom^2: 1/|R_i - R_j| */
    double *adj;       /* natom^2: Becke's size adjustment a_ij (= -a_ji) */
    double *u;         /* natom^2*3: unit vectors (R_i - R_j)/|R_i - R_j| (the gradient's) */
} os_becke;

/* Bragg-Slater radius of element Z, Angstrom (the partition's atomic sizes;
 * also the grid's pruning regions). */
double os_bragg_radius(int Z);

/* Pair data for mol; fails when two atoms coincide. */
os_status os_becke_new(const os_molecule *mol, os_becke *b, os_error *err);
void os_becke_free(os_becke *b);

/* Cell function of atom a at point r (bohr): w_a(r) = P_a(r) / sum_B P_B(r).
 * work: 2*natom doubles. */
double os_becke_cell(const os_becke *b, int a, const double *r, double *work);

/* Adds scale * d ln w_a(r_p)/dR_D to grad[3 D + k] for every atom D, for a
 * grid point r_p that belongs to atom a and moves with it (a point's weight
 * w_p changes by w_p d ln w_a).  work: OS_BECKE_GRAD_WORK(natom) doubles. */
void os_becke_cell_grad(const os_becke *b, int a, const double *r, double scale, double *grad,
                        double *work);
#define OS_BECKE_GRAD_WORK(natom) (2 * (size_t)(natom) * (natom) + 8 * (size_t)(natom))

#endif
