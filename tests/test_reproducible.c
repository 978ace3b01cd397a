/* Results do not depend on the thread count, to the last bit.
 *
 * Every parallel sum is dealt to a fixed set of lanes (core/lanes.h). Before
 * that, a sum split among threads changed in its last bits from run to run
 * and with the thread count, and an SCF between close-lying radical states
 * amplified those bits into a different state. The triflate radical dianion
 * in DME/DOL landed in three states, 0.09 eV apart, in three runs.
 *
 * The formate radical dianion in a dielectric (eps 7.2, UKS B3LYP/6-31+G*,
 * the default density fitting, stability check always) runs on 1, 2 and 3
 * threads. The runs on 2 and 3 threads must match the one on 1 thread
 * exactly (tolerance 0): the energy, every orbital energy, the lowest
 * orbital-Hessian eigenvalue, and the nuclear gradient with the solvent's
 * term. The same holds for UHF with exact integrals.
 * This exercises every parallel sum: the XC potential and its gradient, DF
 * and exact J/K and their gradients, the surface potentials, the one-electron
 * derivatives and the cavity's gradient. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "orbscreen.h"

typedef struct {
    double energy, stability_eig;
    int nmo;
    double *eps, *grad; /* alpha then beta orbital energies; natom*3 */
} run_out;

static int run(const os_molecule *mol, const os_basis *bs, const char *method, const char *jk,
               int nthreads, run_out *out)
{
    os_error err = {""};
    os_solvent_options so;
    os_solvent_options_default(&so);
    so.eps = 7.2;
    so.nthreads = nthreads;
    os_solvent *sv = NULL;
    if (os_solvent_new(mol, bs, &so, &sv, &err) != OS_OK) {
        printf("  solvent: %s\n", err.msg);
        return 0;
    }
    os_scf_potential p = os_solvent_potential(sv);
    os_scf_options o;
    os_scf_options_default(&o);
    o.method = method;
    o.jk = jk;
    o.potentials = &p;
    o.npotentials = 1;
    o.stability = OS_STABILITY_ALWAYS;
    o.nthreads = nthreads;
    os_scf_result r;
    int ok = os_scf_run(mol, bs, &o, &r, &err) == OS_OK;
    if (ok) {
        out->energy = r.energy;
        out->stability_eig = r.stability_eig;
        out->nmo = r.nmo;
        out->eps = malloc(2 * (size_t)r.nmo * sizeof(double));
        out->grad = malloc(3 * (size_t)mol->natom * sizeof(double));
        ok = out->eps && out->grad;
        if (ok) {
            memcpy(out->eps, r.eps_a, (size_t)r.nmo * sizeof(double));
            memcpy(out->eps + r.nmo, r.eps_b ? r.eps_b : r.eps_a, (size_t)r.nmo * sizeof(double));
            ok = os_scf_gradient(mol, bs, &o, &r, out->grad, &err) == OS_OK;
        }
        os_scf_result_free(&r);
    }
    if (!ok) printf("  %s\n", err.msg);
    os_solvent_free(sv);
    return ok;
}

static void same_on_any_thread_count(const os_molecule *mol, const os_basis *bs,
                                     const char *method, const char *jk)
{
    run_out one = {0}, many = {0};
    char what[160];
    snprintf(what, sizeof what, "%s, %s J/K, 1 thread: SCF and gradient", method, jk);
    if (check_true(what, run(mol, bs, method, jk, 1, &one))) {
        printf("     E %.12f Eh, lowest Hessian eigenvalue %.6f Eh\n", one.energy, one.stability_eig);
        for (int nt = 2; nt <= 3; ++nt) {
            snprintf(what, sizeof what, "%s, %s J/K, %d threads: SCF and gradient", method, jk, nt);
            if (!check_true(what, run(mol, bs, method, jk, nt, &many))) continue;
            snprintf(what, sizeof what, "%d threads: energy as on 1 (Eh)", nt);
            check_close(what, many.energy, one.energy, 0.0);
            snprintf(what, sizeof what, "%d threads: every orbital energy as on 1 (Eh)", nt);
            check_close(what, check_maxdiff(2 * (size_t)one.nmo, many.eps, one.eps), 0.0, 0.0);
            snprintf(what, sizeof what, "%d threads: lowest Hessian eigenvalue as on 1 (Eh)", nt);
            check_close(what, many.stability_eig, one.stability_eig, 0.0);
            snprintf(what, sizeof what, "%d threads: nuclear gradient as on 1 (Eh/bohr)", nt);
            check_close(what, check_maxdiff(3 * (size_t)mol->natom, many.grad, one.grad), 0.0,
                        0.0);
            free(many.eps);
            free(many.grad);
        }
    }
    free(one.eps);
    free(one.grad);
}

int main(void)
{
    os_molecule mol;
    os_basis bs;
    os_error err = {""};
    if (!check_true("formate radical dianion, 6-31+G*",
                    os_molecule_read_xyz(OS_REF_DIR "/cosmo/geom/formate.xyz", &mol, &err) ==
                            OS_OK &&
                        os_molecule_set_state(&mol, -2, 2, &err) == OS_OK &&
                        os_basis_load(&mol, "6-31+G*", NULL, OS_PURE_DEFAULT, &bs, &err) == OS_OK)) {
        printf("  %s\n", err.msg);
        return check_finish();
    }
    same_on_any_thread_count(&mol, &bs, "b3lyp", "df");
    same_on_any_thread_count(&mol, &bs, "hf", "exact");
    os_basis_free(&bs);
    os_molecule_free(&mol);
    return check_finish();
}
