/* The SCF as named stages over one state (internal to src/scf/).
 *
 *   scf_setup          electron counts, spin treatment, options
 *   scf_core           overlap S, core Hamiltonian H = T + V, orthogonalizer X
 *   scf_terms_new      the two-electron term (a J/K builder), the XC term
 *                      (grid, libxc, numerical integration), external terms
 *   scf_initial        the starting density (SAD, core, earlier orbitals)
 *   loop {
 *     scf_fock         F_s = H + J - (a K_s + b K_s^lr) + Vxc_s + Vext, energy
 *     scf_orbital_gradient, DIIS
 *     scf_orbitals     diagonalize, occupy, density
 *     (scf_descent_step instead, once DIIS has stalled: a quasi-Newton
 *      rotation of the orbitals, descent.c)
 *   }
 *   scf_stability      a minimum, not a saddle point: else follow it down and
 *                      loop again (stability.c)
 *   frontier orbitals and the near-degeneracy warning (occupations.c)
 *   scf_check_*        the basis before, the result after (checks.c)
 *
 * Kohn-Sham differs from Hartree-Fock only in the XC term and the exchange
 * weights; the solvent is one external term. */
#ifndef OS_SCF_STAGES_H
#define OS_SCF_STAGES_H
#include "orbscreen.h"

#include "dft/grid.h"
#include "dft/numint.h"
#include "dft/xc.h"
#include "jk/jk.h"

/* How orbitals are occupied. */
typedef enum {
    OS_OCC_AUFBAU,   /* nalpha/nbeta lowest orbitals, one electron each */
    OS_OCC_SPHERICAL /* restricted, fractional: electrons shared evenly by (near-)degenerate
                        orbitals (spherical atoms for the SAD guess) */
} os_occ_rule;

/* The J/K builder and the DFT grids of an SCF (terms.c), with what they were
 * made for: an SCF owns them, or borrows them from an os_scf_shared that an
 * earlier SCF of the same nuclei, basis and options filled. */
typedef struct {
    os_jk *jk;
    os_basis aux;                 /* fitting basis of density-fitted J/K */
    int have_aux;
    os_grid grid, grid_early;     /* the grid asked for; the early cycles' coarser one */
    int have_grid, have_grid_early;
    os_numint *ni, *ni_early;
    /* the key: nuclei (bohr), basis, J/K and grid options */
    int natom, *Z;
    double *xyz;
    const os_basis *bs;
    int want_k, want_klr, need_grad, nrad, nang, nthreads;
    double omega;
    char aux_name[64];
} scf_terms;

typedef struct {
    /* problem */
    const os_molecule *mol;
    const os_basis *bs;
    os_scf_options opt;
    os_occ_rule rule;
    int n, nmo, nspin, nalpha, nbeta;
    double nelec;                 /* electrons (== nalpha + nbeta) */
    /* core Hamiltonian */
    double *S, *H, *X;            /* nbf^2, nbf^2, nbf*nmo */
    /* terms */
    scf_terms own, *t;            /* t: &own, or those of opt.shared */
    double ax, bx, omega;         /* exchange: F -= ax K + bx K^lr(omega) */
    os_xc *xc;
    int is_dft;
    int early_grid;               /* XC on t->ni_early (the early cycles) */
    /* matrices, nspin*nbf^2 unless stated */
    double *D, *F, *Fdiis;        /* spin densities, Fock, extrapolated Fock */
    double *J;                    /* nbf^2: Coulomb of the total density */
    double *K, *Klr, *Vxc;
    double *Vext;                 /* nbf^2: external potentials */
    double *P;                    /* nbf^2: total density (scratch) */
    double *err;                  /* nspin*nmo^2: orbital gradients for DIIS */
    double *work, *work2;         /* nbf^2 + nmo^2 scratch each */
    double *C[2], *eps[2], *occ[2]; /* views of the result's arrays */
} scf_state;

/* Occupied orbitals of spin sp (0 alpha, 1 beta). */
static inline int scf_nocc(const scf_state *s, int sp) { return sp == 0 ? s->nalpha : s->nbeta; }

/* Energy of one Fock build, Eh. */
typedef struct {
    double total, one_electron, coulomb, exchange, xc, external, nelec_grid;
    double jk_s, xc_s;            /* wall seconds of the J/K and XC terms (for --verbose) */
} scf_energy;

/* Run the SCF with a chosen occupation rule (os_scf_run is OS_OCC_AUFBAU;
 * the SAD guess runs each atom with OS_OCC_SPHERICAL). */
os_status os_scf_solve(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                       os_occ_rule rule, os_scf_result *res, os_error *err);

/* core.c */
os_status scf_core(scf_state *s, os_scf_result *res, os_error *err);

/* terms.c */
/* OS_OK when opt's J/K choice ("df", "exact", NULL) and fitting basis are known. */
os_status scf_terms_check(const os_scf_options *opt, os_error *err);
os_status scf_terms_new(scf_state *s, os_scf_result *res, os_error *err);
void scf_terms_free(scf_state *s);
/* The terms a shared set holds when it was filled for these nuclei (same
 * positions) and this basis, else NULL: the gradient's way to the SCF's
 * fitted integrals and grid (grad/gradient.c). */
const scf_terms *scf_shared_terms(const os_scf_shared *sh, const os_molecule *mol,
                                  const os_basis *bs);
os_status scf_fock(scf_state *s, scf_energy *e, os_error *err);
/* The external terms (a solvent's charges) of s->D again, after trial
 * densities went through them; F, J, K and Vxc are left as they are. */
os_status scf_external_refresh(scf_state *s, os_error *err);
/* Leave the early cycles' grid: the Fock matrix of the same density again,
 * with XC on the final grid (J and K kept). */
os_status scf_final_grid(scf_state *s, scf_energy *e, os_error *err);

/* occupations.c */
/* Occupation of each orbital (0..1 per spin) for ascending energies eps. */
void os_occupy_aufbau(int nmo, int nocc, double *occ);
void os_occupy_spherical(int nmo, const double *eps, double nelec, double *occ);
/* HOMO/LUMO over both spins and the near-degeneracy flag and warning. */
void os_scf_frontier(os_scf_result *res);

/* spin.c */
/* <S^2> and S(S+1) of the result's determinant into res->s2, res->s2_exact
 * (S: the overlap matrix). */
os_status os_scf_spin(const double *S, os_scf_result *res, os_error *err);

/* density.c */
/* D = C diag(occ) C^T over the nmo orbitals of C (nbf x nmo). */
void os_density_build(int n, int nmo, const double *C, const double *occ, double *D);
/* Orbitals C (n x nmo: nocc occupied columns, then the virtual ones) and
 * energies eps of the idempotent density D of spin sp, each space
 * diagonalizing s->F of that spin within itself (semicanonical). */
os_status scf_semicanonical(const scf_state *s, int sp, const double *D, int nocc, double *C,
                            double *eps, os_error *err);
/* X^T (F D S - S D F) X into e (nmo^2); returns max |element|.  w1, w2:
 * nbf^2 scratch each. */
double os_orbital_gradient(int n, int nmo, const double *F, const double *D, const double *S,
                           const double *X, double *e, double *w1, double *w2);

/* descent.c: direct minimization over orbital rotations (L-BFGS), for the
 * SCFs that DIIS does not converge. */
typedef struct scf_descent scf_descent;
os_status scf_descent_new(const scf_state *s, scf_descent **d, os_error *err);
/* One step from the orbitals s->C whose density s->D has the Fock matrix s->F
 * and this energy (Eh): new orbitals s->C and densities s->D.  A step that
 * raised the energy is taken back and a shorter one taken instead. */
void scf_descent_step(scf_descent *d, scf_state *s, double energy);
/* Forget the history (the energy function changed: the final grid). */
void scf_descent_restart(scf_descent *d);
void scf_descent_free(scf_descent *d);

/* stability.c */
/* After convergence (s->D the converged density, s->F its Fock matrix): the
 * lowest eigenvalue of the orbital Hessian into res->stability_eig.  At a
 * saddle point, with `follow`, s->D is moved down along the unstable mode and
 * *moved set (the caller iterates again from there); without, OS_ERR_NUMERIC.
 * Otherwise s->D and s->F are left as they were. */
os_status scf_stability(scf_state *s, os_scf_result *res, int follow, int *moved, os_error *err);

/* checks.c */
/* Before the SCF: the overlap matrix of the basis is that of real functions
 * (positive, unit self-overlaps) to numerical precision. */
os_status scf_check_basis(const scf_state *s, const os_scf_result *res, os_error *err);
/* Tr(F D) minus the sum of the lowest orbital energies of spin sp in s->eps
 * (Eh): 0 when D holds the lowest orbitals of F, > 0 otherwise. */
double scf_aufbau_excess(const scf_state *s, const double *D, int sp);
/* After it: the result is physical (aufbau for the converged density Dconv,
 * the grid's electron count, the energy's lower bound). */
os_status scf_check_result(const scf_state *s, const double *Dconv, const os_scf_result *res,
                           os_error *err);

#endif
