/* Nuclear gradients of SCF energies, internal to src/grad/ (the public entry
 * is os_scf_gradient in orbscreen.h).  The gradient is a sum of terms, each
 * the derivative of one part of the energy with the converged orbitals held
 * fixed (their response cancels at self-consistency, except through the
 * overlap, which the energy-weighted density term carries):
 *
 *   nuclear      nuclear repulsion
 *   core         sum P_ab d<a|T + V_nuc|b>
 *   overlap      -sum W_ab dS_ab, W the energy-weighted density
 *   coulomb      1/2 sum P_ab P_cd d(ab|cd)
 *   exchange     -1/2 ax sum_s Ds_ac Ds_bd d(ab|cd), and its long-range part
 *                with bx and erf(omega r12)/r12 (range-separated hybrids)
 *   xc           the XC energy's basis functions, and the grid's response:
 *                points move with their atom, Becke weights change
 *   external     each external potential's own gradient callback
 *
 * The two-electron terms follow the SCF's J/K builder (the energy and its
 * gradient must use the same integrals): exact four-centre integrals
 * (jk_grad.c) or density fitting over the SCF's fitting basis (df_grad.c). */
#ifndef OS_GRAD_H
#define OS_GRAD_H
#include "orbscreen.h"

#include "dft/grid.h"
#include "dft/xc.h"
#include "jk/jk.h"

enum {
    OS_GRAD_NUCLEAR,
    OS_GRAD_CORE,
    OS_GRAD_OVERLAP,
    OS_GRAD_COULOMB,
    OS_GRAD_EXCHANGE,
    OS_GRAD_EXCHANGE_LR,
    OS_GRAD_XC,      /* basis-function term (what Psi4 1.3.2 computes) */
    OS_GRAD_XC_GRID, /* grid response: point movement and Becke weight derivatives */
    OS_GRAD_EXTERNAL,
    OS_GRAD_NTERM
};

/* Short name of term t ("nuclear", "core", ...). */
const char *os_grad_term_name(int t);

/* Every term of the gradient of a converged result, terms[t*natom*3 + 3A + k]
 * (Eh/bohr), OS_GRAD_NTERM*natom*3 doubles. */
os_status os_grad_terms(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                        const os_scf_result *res, double *terms, os_error *err);

/* ------------------------------------------------------------ two-electron */

typedef struct {
    int nspin;        /* 1: D holds the alpha (= beta) density; 2: [Da, Db] */
    const double *D;  /* nspin*nbf^2, symmetric */
    double ax, bx;    /* exchange weights: ax K(1/r12) + bx K(erf(omega r12)/r12) */
    double omega;
    double schwarz;   /* quartets whose integral bound times density is below this are skipped */
    int nthreads;
    const os_basis *aux; /* fitting basis (density fitting only) */
    const os_jk *fitted; /* NULL, or the SCF's DF builder at this geometry over aux: when it
                            keeps its tensors in core they replace the integrals and metric */
} os_grad_2e_input;

/* Exact four-centre integrals: adds the Coulomb term to gJ, ax's exchange to
 * gK and bx's long-range exchange to gKlr (natom*3 each). */
os_status os_grad_2e_exact(const os_basis *bs, const os_grad_2e_input *in, double *gJ,
                           double *gK, double *gKlr, os_error *err);

/* Density fitting in the Coulomb metric over in->aux, the energy of jk/df.c
 * (its one-sided long-range K included): the same three terms. */
os_status os_grad_2e_df(const os_basis *bs, const os_grad_2e_input *in, double *gJ, double *gK,
                        double *gKlr, os_error *err);

/* --------------------------------------------------------------------- XC */

/* XC gradient on grid g of molecule mol: the basis-function term into gxc
 * and the grid response into ggrid (natom*3 each, added to).  nspin = 1: D is
 * the total density; 2: [Da, Db]; xc made for that nspin. */
os_status os_grad_xc(const os_molecule *mol, const os_basis *bs, const os_grid *g,
                     const os_xc *xc, int nspin, const double *D, int nthreads, double *gxc,
                     double *ggrid, os_error *err);

/* Second derivatives of one shell's functions on np points:
 * hess[(i*6 + c)*ld + p], c = xx, xy, xz, yy, yz, zz.  T as for
 * os_numint_eval_shell; work: (6 ncart(l) + 6 + 3(l+1)) np doubles. */
void os_basis_hessian(const os_shell *sh, const double *T, int np, const double *xyz,
                      double *hess, int ld, double *work);

#endif
