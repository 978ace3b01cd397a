/* Internal to src/solvent/: the conductor-like continuum model in its parts,
 * in the order the data flows.
 *
 *   radii.c          atomic cavity radii (Bondi / UFF tables, scaling)
 *   sphere_points.c  points on the unit sphere: Lebedev grids (SWIG) or
 *                    NWChem's subdivided octahedron / icosahedron
 *   cavity.c         the surface: points on the atomic spheres, the smooth
 *                    switching function F_i, the Gaussian exponents zeta_i
 *   cpcm.c           the A matrix and its Cholesky factor, the constrained
 *                    solve for the surface charges, the polarization energy,
 *                    and dA/dX
 *   gradient.c       the polarization energy's nuclear gradient
 *   solvent.c        the public model (os_solvent): potential at the points,
 *                    the SCF's external term and its gradient, read-back
 *   solvents.c       named solvents and their dielectric constants
 *
 * Lengths in bohr, charges in e, potentials in Eh/e, energies in Eh. */
#ifndef OS_SOLVENT_INTERNAL_H
#define OS_SOLVENT_INTERNAL_H
#include "orbscreen.h"

/* ------------------------------------------------------------ radii.c */

/* Radius (Angstrom, unscaled) of element Z in set OS_RADII_*, 0 when the set
 * has none; *source names the table. */
double os_radius_angstrom(int set, int Z);
/* One radius per atom in bohr: table radius x scale / OS_BOHR_ANGSTROM, or
 * the caller's radii_bohr when given.  Fails naming an element without one. */
os_status os_cavity_radii(const os_molecule *mol, const os_solvent_options *o, double *R,
                          os_error *err);

/* ---------------------------------------------------- sphere_points.c */

/* Unit vectors t (3n) and weights w (n, summing to 4 pi) of a point set;
 * returns n, or 0 when the set does not exist.  NULL t/w: count only.
 *   OS_CAVITY_SWIG:   Lebedev grid with `npoints` points;
 *   OS_CAVITY_NWCHEM: NWChem's tessellation, level `npoints` (minbem), of the
 *                     octahedron (icosahedron when `icosahedron`), equal weights. */
int os_sphere_points(int cavity, int npoints, int icosahedron, double *t, double *w);

/* ----------------------------------------------------------- cavity.c */

/* The discretized cavity surface: Gaussian surface elements i at s_i on the
 * sphere of atom atom[i] (radius R_I), exponent zeta_i and switching value
 * F_i in (0, 1] (points with smaller F were dropped). */
typedef struct {
    int n;                 /* surface points kept */
    double *xyz;           /* 3n, bohr */
    double *zeta;          /* n, bohr^-1: Gaussian exponent of the element */
    double *F;             /* n: switching function */
    double *weight;        /* n: unit-sphere weight (sum 4 pi per sphere) */
    int *atom;             /* n: owning atom */
    int *point;            /* n: index of the unit-sphere point */
    double self_factor;    /* A_ii = self_factor zeta_i sqrt(2/pi) / F_i */
    int per_sphere;        /* unit-sphere points per atom */
    double area;           /* sum_i F_i w_i R_I^2, bohr^2 (the switched surface area) */
    int natom;
    double *R, *Rin, *W;   /* natom each, bohr: radius, switching region [Rin, Rin + W] */
    double *X;             /* 3 natom, bohr: the atoms the cavity was built on */
} os_cavity;

/* Build the cavity of atoms xyz (3 natom, bohr) with radii R (bohr; 0 = no
 * sphere) for the discretization in o. */
os_status os_cavity_build(int natom, const double *xyz, const double *R,
                          const os_solvent_options *o, os_cavity *cav, os_error *err);
void os_cavity_free(os_cavity *cav);
/* Adds scale dF_i/dX_A (element i's switching function; its point moves with
 * its atom) to grad (3 natom, per atom). */
void os_cavity_switching_grad(const os_cavity *cav, int i, double scale, double *grad);

/* ------------------------------------------------------------- cpcm.c */

/* The conductor-like equations on one cavity: A (Gaussian surface elements)
 * factorized once; the charges for a potential V each SCF cycle. */
typedef struct {
    int n;
    double f;              /* f(eps): (eps-1)/eps (C-PCM) or (eps-1)/(eps+1/2) (COSMO) */
    double charge;         /* molecular charge Q the surface charges must screen (e) */
    int constrain;         /* 1: sum q = -f Q exactly (Lagrange multiplier) */
    double *L;             /* n*n: Cholesky factor of A (lower, row-major) */
    double *t;             /* n: A^-1 1 */
    double t_sum;          /* 1 . A^-1 1 */
} os_cpcm;

/* What one solve gives. */
typedef struct {
    double energy;         /* G_pol = 1/2 q . V, Eh */
    double lambda;         /* Lagrange multiplier (0 without the constraint), Eh/e */
    double q_sum;          /* sum q, e */
    double fock_overlap;   /* c of the Fock term's c S part, Eh (see os_cpcm_solve) */
} os_cpcm_solution;

/* f(eps) of the scaling OS_SOLVENT_SCALING_*. */
double os_cpcm_f(int scaling, double eps);
/* Build A for the cavity and factorize it. */
os_status os_cpcm_new(const os_cavity *cav, double f, double charge, int constrain,
                      int nthreads, os_cpcm *c, os_error *err);
void os_cpcm_free(os_cpcm *c);
/* Surface charges for the total solute potential V (n, Eh/e):
 *   q = -f A^-1 (V + lambda 1), lambda such that sum q = -f Q (constraint),
 * the energy 1/2 q . V, and the Fock term dG_pol/dP = sum_i q_fock,i
 * <a|-1/|r - s_i||b> + fock_overlap S_ab (q_fock = q and no S part without
 * the constraint; see cpcm.c).  work: n doubles. */
void os_cpcm_solve(const os_cpcm *c, const double *V, double *q, double *q_fock, double *work,
                   os_cpcm_solution *sol);
/* Adds scale sum_ij u_i q_j dA_ij/dX_A to grad (3 natom, per atom): the
 * elements' positions (moving with their atoms) and switching functions. */
void os_cpcm_A_grad(const os_cavity *cav, const double *u, const double *q, double scale,
                    int nthreads, double *grad);

/* --------------------------------------------------------- gradient.c */

/* What the gradient of G_pol needs from a converged solve. */
typedef struct {
    const os_molecule *mol;
    const os_basis *bs;
    const os_cavity *cav;
    double f;              /* f(eps) */
    const double *q;       /* n: the surface charges */
    const double *q_fock;  /* n: dG_pol/dV (q itself without the constraint or when neutral) */
    double fock_overlap;   /* c of the Fock term's c S part (0 for NWChem's Fock term) */
    int nthreads;
} os_solvent_grad_input;

/* dG_pol/dX_A at the total density P (nbf^2), added to grad (3 natom). */
os_status os_solvent_grad(const os_solvent_grad_input *in, const double *P, double *grad,
                          os_error *err);

/* ---------------------------------------------------------- solvent.c */

const os_cavity *os_solvent_cavity(const os_solvent *s);
/* T = 1 . A^-1 1 (bohr): the cavity's capacitance in this model. */
double os_solvent_cpcm_tsum(const os_solvent *s);
/* The last solve, NULL before the first. */
const os_cpcm_solution *os_solvent_solution(const os_solvent *s);

/* --------------------------------------------------------- solvents.c */

/* A named solvent: canonical name, static dielectric constant, a short source. */
typedef struct {
    const char *name;
    const char *aliases;   /* space-separated, lower case */
    double eps;
    const char *note;      /* temperature, source, "estimate" where it is one */
} os_solvent_entry;

#endif
