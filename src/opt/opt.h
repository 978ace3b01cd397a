/* Geometry optimization, internal to src/opt/ (the public entries are
 * os_optimize and the os_connectivity_* functions in orbscreen.h).  In the
 * order the optimizer uses them:
 *
 *   connectivity.c    bonds from covalent radii, fragments joined
 *   primitives.c      one internal coordinate: its value and its row of B
 *   coordinates.c     the redundant set (stretches, bends, linear bends,
 *                     torsions, out-of-plane), B, its pseudo-inverse, rigid motions
 *   backtransform.c   an internal-coordinate step as Cartesians (iterative)
 *   model_hessian.c   Lindh's model Hessian (Cartesian)
 *   hessian.c         BFGS update, moving a Hessian between coordinate systems
 *   step.c            rational-function step inside a trust radius
 *   optimizer.c       the driver: SCF + gradient per geometry, steps, history
 *   opt_xyz.c         the optimized geometry as an XYZ file
 *
 * Units: bohr, radians, Eh.  Matrices row-major. */
#ifndef OS_OPT_H
#define OS_OPT_H
#include "orbscreen.h"

/* ------------------------------------------------------------ primitives */

typedef enum {
    OS_IC_STRETCH,     /* |a - b| */
    OS_IC_BEND,        /* angle a-b-c at b, radians */
    OS_IC_LINEAR_BEND, /* w . (e_ba + e_bc): bending of a near-linear a-b-c along w */
    OS_IC_TORSION,     /* dihedral a-b-c-d about b-c, radians in (-pi, pi] */
    OS_IC_OUT_OF_PLANE,/* improper dihedral a-b-c-d with a the centre bonded to b, c, d */
    OS_IC_CARTESIAN    /* coordinate k = atom[1] of atom atom[0] */
} os_ic_kind;

typedef struct {
    os_ic_kind kind;
    int atom[4];
    double w[3]; /* OS_IC_LINEAR_BEND: unit direction perpendicular to a-c */
} os_ic;

/* Number of atoms a primitive involves (its B row has 3 entries per atom). */
int os_ic_natom(const os_ic *c);
/* Value of the primitive at Cartesians xyz (bohr). */
double os_ic_value(const os_ic *c, const double *xyz);
/* Its derivatives with respect to its atoms' Cartesians, d[3*i + k] for
 * atom c->atom[i].  Returns 0 when undefined here (a bend or torsion at
 * 180 degrees, coincident atoms). */
int os_ic_derivative(const os_ic *c, const double *xyz, double *d);
/* 1 for coordinates whose differences wrap at 2 pi (torsions, out-of-plane). */
int os_ic_periodic(const os_ic *c);
/* The two linear bends of a-b-c (vertex b): w perpendicular to a-c and to
 * each other. */
void os_ic_linear_pair(const double *xyz, int a, int b, int c, os_ic pair[2]);
/* Angle a-b-c at b, radians. */
double os_ic_angle(const double *xyz, int a, int b, int c);

/* ----------------------------------------------------------- coordinates */

/* Bends beyond this (radians, 175 degrees) are replaced by linear bends, and
 * no torsion runs through them. */
#define OS_IC_LINEAR_ANGLE (175.0 * 3.14159265358979323846 / 180.0)

typedef struct {
    int natom;
    int n;           /* primitives */
    int cap;
    os_ic *ic;
    int cartesian;   /* 1: the plain Cartesians (B = 1, rigid motions projected) */
    int nlinear;     /* linear bends among them */
} os_ic_set;

/* The redundant internal coordinates of a molecule at xyz (bohr) with bonds
 * `conn`; Cartesians are added when they do not span every internal motion. */
os_status os_ic_set_build(const os_molecule *mol, const os_connectivity *conn,
                          const double *xyz, os_ic_set *s, os_error *err);
/* The set of plain Cartesians. */
os_status os_ic_set_cartesian(int natom, os_ic_set *s, os_error *err);
void os_ic_set_free(os_ic_set *s);
/* 1 when every bend, torsion and out-of-plane of the set is still well
 * defined at xyz (no angle through which one is defined reached 175 deg). */
int os_ic_set_sound(const os_ic_set *s, const double *xyz);
/* Values q (n). */
void os_ic_values(const os_ic_set *s, const double *xyz, double *q);
/* dq = q1 - q0, periodic coordinates wrapped into (-pi, pi]. */
void os_ic_diff(const os_ic_set *s, const double *q1, const double *q0, double *dq);

/* The Wilson B matrix of a set at one geometry and what follows from it:
 * M = (B^T B)^+ (3N x 3N, the pseudo-inverse over the internal motions;
 * for plain Cartesians the projector off rigid translations and
 * rotations), so that
 *   B^+ = M B^T        (internal step -> Cartesian step)
 *   g_q = B M g_x      (Cartesian gradient -> internal gradient)
 *   P   = B M B^T      (projector onto the non-redundant internal motions). */
typedef struct {
    int n, ncart;
    double *B;       /* n x ncart */
    double *M;       /* ncart x ncart */
    int rank;
} os_ic_frame;

os_status os_ic_frame_build(const os_ic_set *s, const double *xyz, os_ic_frame *f,
                            os_error *err);
void os_ic_frame_free(os_ic_frame *f);
/* dx = B^+ dq (ncart). */
os_status os_ic_to_cartesian(const os_ic_frame *f, const double *dq, double *dx, os_error *err);
/* g_q = B M g_x (n). */
os_status os_ic_gradient(const os_ic_frame *f, const double *gx, double *gq, os_error *err);
/* P (n x n). */
os_status os_ic_projector(const os_ic_frame *f, double *P, os_error *err);

/* Rigid motions: project translations and infinitesimal rotations of the
 * molecule at xyz out of v (natom*3) in place. */
void os_rigid_project(int natom, const double *xyz, double *v);
/* Largest |v_i| and the root mean square over natom*3. */
void os_vec_max_rms(int n, const double *v, double *vmax, double *vrms);

/* ---------------------------------------------------------- back-transform */

typedef struct {
    int iterations;
    int converged;   /* 1: the Cartesians reproduce q0 + dq */
    double residual; /* |q(x) - (q0 + dq)| at the returned x */
} os_backtransform_info;

/* Cartesians x (ncart) whose internal coordinates are q(x0) + dq, by
 * x_{k+1} = x_k + B^+(x_k) (q0 + dq - q(x_k)).  Returns OS_OK with
 * info->converged = 0 when the iteration does not settle (the caller falls
 * back to a Cartesian step); x then holds the first-order step x0 + B^+ dq. */
os_status os_backtransform(const os_ic_set *s, const double *x0, const double *dq, double *x,
                           os_backtransform_info *info, os_error *err);

/* ------------------------------------------------------------------ Hessian */

/* Lindh's model Hessian with an out-of-plane term (Cartesian, natom*3
 * square), Eh/bohr^2. */
os_status os_model_hessian_lindh(const os_molecule *mol, const double *xyz, double *H,
                                 os_error *err);
/* BFGS update of H (n x n) with step s and gradient change y.  Returns 1,
 * 0 when skipped (s.y <= 0: negative curvature, or a negligible
 * denominator), -1 when out of memory. */
int os_hessian_bfgs(int n, double *H, const double *s, const double *y);
/* Internal-coordinate Hessian from a Cartesian one: Hq = B M Hx M B^T. */
os_status os_hessian_to_internal(const os_ic_frame *f, const double *Hx, double *Hq,
                                 os_error *err);
/* Cartesian Hessian from an internal one: Hx = B^T Hq B. */
os_status os_hessian_to_cartesian(const os_ic_frame *f, const double *Hq, double *Hx,
                                  os_error *err);
/* Eigenvalues w (n, ascending) and eigenvectors (columns of V, n x n) of
 * P H P + 1000 (1 - P): the modes in the range of P come first (P NULL: of H). */
os_status os_hessian_modes(int n, const double *H, const double *P, double *w, double *V,
                           os_error *err);

/* --------------------------------------------------------------------- step */

typedef struct {
    double norm;         /* |dq| */
    double predicted;    /* g.dq + 1/2 dq.H.dq, Eh */
    double lambda;       /* the level shift used */
    int restricted;      /* 1: cut back to the trust radius */
} os_step_info;

/* Rational-function step dq (n) for gradient g and Hessian H projected by P
 * (n x n; NULL: the identity), no longer than `trust`. */
os_status os_step_rfo(int n, const double *H, const double *g, const double *P, double trust,
                      double *dq, os_step_info *info, os_error *err);

/* ---------------------------------------------------------------- opt_xyz */

/* The atom lines of an XYZ frame: symbol and Cartesians xyz (bohr) in Angstrom. */
void os_opt_write_xyz_atoms(FILE *f, int natom, const int *Z, const double *xyz);

#endif
