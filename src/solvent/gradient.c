/* The nuclear gradient of the polarization energy G_pol = 1/2 q.V.
 *
 * G_pol depends on the geometry through the solute's potential at the
 * elements V_i (nuclei, and electrons through basis functions centred on
 * the atoms), through A (the elements s_i = X_I + R_I t_k move with their
 * atom, the switching functions F_i with every atom) and, with the
 * variational Fock term, through Q = sum Z - tr(P S).  At a density P where
 * the SCF is stationary for E_0 + G_pol its response cancels, and
 *
 *   dG_pol/dX = sum_i q_fock,i dV_i/dX |_P                (potential)
 *             + 1/(2 f) sum_ij u_i q_j dA_ij/dX,  u = q + f Q t / T   (A)
 *             + c sum_ab P_ab dS_ab/dX                    (Q, c = fock_overlap)
 *
 * (cpcm.c derives q_fock = dG_pol/dV and c; without the constraint, or for
 * a neutral solute, u = q_fock = q).  The potential term has three parts:
 * the nuclei's potential at the points, the basis functions' centres, and
 * the points' positions in the electrons' potential integrals. */
#include "solvent/solvent.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "integrals/integrals.h"

/* sum_i w_i sum_A Z_A / |s_i - X_A|: the nucleus A and the point's atom I. */
static void nuclear_potential_grad(const os_molecule *mol, const os_cavity *cav, const double *w,
                                   double *grad)
{
    for (int i = 0; i < cav->n; ++i) {
        const double *s = cav->xyz + 3 * i;
        int I = cav->atom[i];
        for (int A = 0; A < mol->natom; ++A) {
            if (A == I) continue; /* s_i - X_I is fixed */
            const double *X = mol->xyz + 3 * A;
            double d[3] = {s[0] - X[0], s[1] - X[1], s[2] - X[2]};
            double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            double c = w[i] * mol->Z[A] / (r * r * r);
            for (int k = 0; k < 3; ++k) {
                grad[3 * A + k] += c * d[k];
                grad[3 * I + k] -= c * d[k];
            }
        }
    }
}

/* sum_i w_i V_el,i = sum_ab P_ab (-sum_i w_i <a|1/|r - s_i||b>): basis
 * centres, and each point's share to its atom. */
static os_status electronic_potential_grad(const os_solvent_grad_input *in, const double *P,
                                           double *grad, os_error *err)
{
    const os_cavity *cav = in->cav;
    double *gpt = calloc(3 * (size_t)cav->n, sizeof(double));
    if (!gpt) return OS_NOMEM(err, "solvent gradient");
    os_status st = os_int1e_potential_grad(in->bs, cav->n, in->q_fock, cav->xyz, in->nthreads, P,
                                           grad, gpt, err);
    if (st == OS_OK)
        for (int i = 0; i < cav->n; ++i)
            for (int k = 0; k < 3; ++k) grad[3 * cav->atom[i] + k] += gpt[3 * i + k];
    free(gpt);
    return st;
}

/* c sum P dS/dX: Q = sum Z - tr(P S) in G_pol (variational Fock term). */
static os_status charge_grad(const os_solvent_grad_input *in, const double *P, double *grad,
                             os_error *err)
{
    if (in->fock_overlap == 0.0) return OS_OK;
    size_t n2 = (size_t)in->bs->nbf * in->bs->nbf;
    double *cP = malloc(n2 * sizeof(double));
    if (!cP) return OS_NOMEM(err, "solvent gradient");
    for (size_t k = 0; k < n2; ++k) cP[k] = in->fock_overlap * P[k];
    os_status st = os_int1e_overlap_grad(in->bs, in->nthreads, cP, grad, err);
    free(cP);
    return st;
}

os_status os_solvent_grad(const os_solvent_grad_input *in, const double *P, double *grad,
                          os_error *err)
{
    const os_cavity *cav = in->cav;
    double *u = malloc((size_t)cav->n * sizeof(double));
    if (!u) return OS_NOMEM(err, "solvent gradient");
    /* u = q + f Q t / T = 2 q_fock - q */
    for (int i = 0; i < cav->n; ++i) u[i] = 2.0 * in->q_fock[i] - in->q[i];
    nuclear_potential_grad(in->mol, cav, in->q_fock, grad);
    os_cpcm_A_grad(cav, u, in->q, 0.5 / in->f, in->nthreads, grad);
    free(u);
    os_status st = electronic_potential_grad(in, P, grad, err);
    if (st == OS_OK) st = charge_grad(in, P, grad, err);
    return st;
}
