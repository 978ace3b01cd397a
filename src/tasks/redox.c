/* Reduction and oxidation by Delta-SCF, vertical and adiabatic.
 *
 * The ion (one electron more or fewer) is an SCF of its own at the parent's
 * geometry, started from the parent's orbitals: the extra electron goes into
 * the parent's LUMO (the SOMO of the radical), which is where a radical
 * dianion in a weak dielectric converges reliably.  In a solvent the ion
 * gets its own surface charges in the same cavity (same eps, radii,
 * discretization), so the difference E(N+1) - E(N) is the solvated vertical
 * reduction energy.  The potential vs Li/Li+ follows OS_REDOX_CONVENTION:
 * one electron, 1 eV per electron = 1 V.  Adiabatic: the ion is optimized
 * (os_optimize) from the parent's optimum and the vertical ion's orbitals
 * there (or the parent's), its solvent model
 * rebuilt at every geometry (os_solvent_opt); a bond it breaks is part of
 * the answer (OS_REDOX_ADIABATIC_CONVENTION). */
#include "orbscreen.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

void os_redox_state(const os_molecule *mol, int dn, int *charge, int *mult)
{
    *charge = mol->charge - dn;
    *mult = mol->mult == 1 ? 2 : mol->mult - 1;
}

/* -(dE)/F - E_abs(Li/Li+) for a reduction, +dE/F - E_abs for an oxidation;
 * dE in Eh, 1 eV / e = 1 V. */
static double potential_vs_li(int dn, double de_eh)
{
    double de_ev = de_eh * OS_HARTREE_EV;
    return (dn > 0 ? -de_ev : de_ev) - OS_LI_ABS_POTENTIAL_V;
}

/* The ion of mol with dn electrons more: a copy sharing mol's arrays (only
 * charge and multiplicity differ), after checking dn and the parent. */
static os_status ion_state(const os_molecule *mol, const os_scf_result *parent, int dn,
                           os_molecule *ion, int *charge, int *mult, os_error *err)
{
    if (dn != 1 && dn != -1)
        return os_fail(err, OS_ERR_INPUT, "%s: redox electron change %d (need +1 or -1)",
                       mol->name, dn);
    if (!parent || !parent->converged)
        return os_fail(err, OS_ERR_INPUT, "%s: Delta-SCF needs the converged N-electron result",
                       mol->name);
    *ion = *mol;
    os_redox_state(mol, dn, charge, mult);
    return os_molecule_set_state(ion, *charge, *mult, err);
}

/* The ion's SCF, with its own solvent model when there is one. */
static os_status ion_scf(const os_molecule *ion, const os_basis *bs, const os_scf_options *scf,
                         const os_solvent_options *solvent, const os_scf_result *parent,
                         os_scf_result *res, double *e_pol, os_error *err)
{
    os_scf_options o = *scf;
    o.guess = OS_GUESS_ORBITALS;
    o.guess_orbitals = parent;
    o.unrestricted = -1; /* UHF/UKS for the open-shell ion */
    o.potentials = NULL;
    o.npotentials = 0;
    *e_pol = 0.0;
    if (!solvent) return os_scf_run(ion, bs, &o, res, err);
    os_solvent *sv;
    os_status st = os_solvent_new(ion, bs, solvent, &sv, err);
    if (st != OS_OK) return st;
    os_scf_potential p = os_solvent_potential(sv);
    o.potentials = &p;
    o.npotentials = 1;
    st = os_scf_run(ion, bs, &o, res, err);
    *e_pol = os_solvent_energy(sv);
    os_solvent_free(sv);
    return st;
}

/* The vertical ion from `guess` (the parent's orbitals, a reordering of
 * them, or the ion's own) with the SCF options `scf`; `start` is recorded in
 * `out`. */
os_status os_redox_vertical_from(const os_molecule *mol, const os_basis *bs,
                                 const os_scf_options *scf, const os_solvent_options *solvent,
                                 const os_scf_result *parent, const os_scf_result *guess,
                                 int dn, int start, os_redox_result *out, os_scf_result *ion_res,
                                 os_error *err)
{
    memset(out, 0, sizeof *out);
    os_molecule ion;
    int charge = 0, mult = 0;
    os_status st = ion_state(mol, parent, dn, &ion, &charge, &mult, err);
    if (st != OS_OK) return st;
    os_scf_result res;
    memset(&res, 0, sizeof res); /* freed below even when the SCF never started */
    double e_pol = 0.0;
    st = ion_scf(&ion, bs, scf, solvent, guess, &res, &e_pol, err);
    if (st == OS_OK) {
        *out = (os_redox_result){.dn = dn, .charge = charge, .mult = mult, .e_n = parent->energy,
                                 .e_ion = res.energy, .e_pol_ion = e_pol, .s2 = res.s2,
                                 .s2_exact = res.s2_exact, .lumo_ion = res.lumo,
                                 .homo_ion = res.homo, .iterations = res.iterations,
                                 .somo_diffuse = NAN, .stability_eig = res.stability_eig,
                                 .start = start, .starts = 1};
        out->potential_v = potential_vs_li(dn, res.energy - parent->energy);
    }
    if (ion_res && st == OS_OK)
        *ion_res = res;
    else
        os_scf_result_free(&res);
    return st;
}

os_status os_redox_vertical(const os_molecule *mol, const os_basis *bs,
                            const os_scf_options *scf, const os_solvent_options *solvent,
                            const os_scf_result *parent, int dn, os_redox_result *out,
                            os_scf_result *ion_res, os_error *err)
{
    return os_redox_vertical_from(mol, bs, scf, solvent, parent, parent, dn, 0, out, ion_res,
                                  err);
}

/* A view of the restricted `parent` whose orbitals nalpha and nalpha + k
 * trade places (C and eps copied into the two buffers given). */
static os_scf_result promoted(const os_scf_result *parent, int k, double *C, double *eps)
{
    os_scf_result p = *parent;
    size_t nbf = (size_t)parent->nbf, nmo = (size_t)parent->nmo;
    int a = parent->nalpha, b = parent->nalpha + k;
    memcpy(C, parent->C_a, nbf * nmo * sizeof *C);
    memcpy(eps, parent->eps_a, nmo * sizeof *eps);
    cblas_dswap((int)nbf, C + a, (int)nmo, C + b, (int)nmo); /* columns a and b */
    cblas_dswap(1, eps + a, 1, eps + b, 1);
    p.C_a = C;
    p.eps_a = eps;
    return p;
}

os_status os_redox_vertical_start(const os_molecule *mol, const os_basis *bs,
                                  const os_scf_options *scf,
                                  const os_solvent_options *solvent,
                                  const os_scf_result *parent, int start,
                                  os_redox_result *out, os_scf_result *ion_res, os_error *err)
{
    if (start == 0) return os_redox_vertical(mol, bs, scf, solvent, parent, 1, out, ion_res, err);
    memset(out, 0, sizeof *out);
    if (!parent || !parent->converged)
        return os_fail(err, OS_ERR_INPUT, "%s: Delta-SCF needs the converged N-electron result",
                       mol->name);
    if (parent->unrestricted || parent->C_b)
        return os_fail(err, OS_ERR_INPUT,
                       "%s: a start above the LUMO needs a restricted (closed-shell) parent",
                       mol->name);
    if (start < 0 || parent->nalpha + start >= parent->nmo)
        return os_fail(err, OS_ERR_INPUT, "%s: no virtual orbital LUMO+%d (%d orbitals)",
                       mol->name, start, parent->nmo);
    double *C = malloc((size_t)parent->nbf * parent->nmo * sizeof *C);
    double *eps = malloc((size_t)parent->nmo * sizeof *eps);
    os_status st = OS_OK;
    if (!C || !eps) st = OS_NOMEM(err, "Delta-SCF start");
    if (st == OS_OK) {
        os_scf_result guess = promoted(parent, start, C, eps);
        os_scf_options o = *scf;
        o.solver = OS_SCF_SOLVER_DESCENT;
        st = os_redox_vertical_from(mol, bs, &o, solvent, parent, &guess, 1, start, out,
                                    ion_res, err);
    }
    free(C);
    free(eps);
    return st;
}

/* The ion optimized from mol's geometry in the same model: its first SCF
 * from `start`'s orbitals (the vertical ion's, or the parent's reoccupied
 * with one electron more or fewer). */
static os_status ion_optimize(const os_molecule *ion, const char *basis, const char *basis_dir,
                              int pure, const os_scf_options *scf,
                              const os_solvent_options *solvent, const os_opt_options *opt,
                              const os_scf_result *start, os_opt_result *res, os_error *err)
{
    os_scf_options so = *scf;
    so.guess = OS_GUESS_ORBITALS;
    so.guess_orbitals = start;
    so.unrestricted = -1;
    so.potentials = NULL;
    so.npotentials = 0;
    so.shared = NULL; /* the geometries differ */
    os_opt_options oo;
    if (opt)
        oo = *opt;
    else
        os_opt_options_default(&oo);
    os_solvent_opt sx;
    os_opt_external ext;
    oo.external = NULL;
    if (solvent) {
        os_solvent_opt_init(&sx, solvent, &ext);
        oo.external = &ext;
    }
    return os_optimize(ion, basis, basis_dir, pure, &so, &oo, res, err);
}

os_status os_redox_adiabatic(const os_molecule *mol, const char *basis, const char *basis_dir,
                             int pure, const os_scf_options *scf,
                             const os_solvent_options *solvent, const os_opt_options *opt,
                             const os_scf_result *parent, const os_scf_result *ion_start, int dn,
                             os_redox_adiabatic_result *out, os_opt_result *ion_res, os_error *err)
{
    memset(out, 0, sizeof *out);
    memset(ion_res, 0, sizeof *ion_res);
    os_molecule ion;
    int charge = 0, mult = 0;
    os_status st = ion_state(mol, parent, dn, &ion, &charge, &mult, err);
    if (st != OS_OK) return st;
    st = ion_optimize(&ion, basis, basis_dir, pure, scf, solvent, opt,
                      ion_start ? ion_start : parent, ion_res, err);
    /* Out of steps is a result (flagged), when a geometry was accepted. */
    int have = ion_res->nhistory > 0 && ion_res->mol.natom > 0 && ion_res->scf.converged;
    if (st != OS_OK && !(st == OS_ERR_NOCONV && have)) return st;
    *out = (os_redox_adiabatic_result){
        .dn = dn, .charge = charge, .mult = mult, .e_n = parent->energy,
        .e_ion = ion_res->energy, .s2 = ion_res->scf.s2, .s2_exact = ion_res->scf.s2_exact,
        .converged = ion_res->converged, .steps = ion_res->nsteps,
        .nbond_changes = ion_res->nbond_changes, .saddle = ion_res->saddle,
        .min_curvature = ion_res->probe_min_curvature,
        .stability_eig = ion_res->scf.stability_eig};
    out->potential_v = potential_vs_li(dn, ion_res->energy - parent->energy);
    return OS_OK;
}
