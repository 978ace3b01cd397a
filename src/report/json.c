/* orbscreen.json: the full machine-readable report, and the one-line form of
 * a molecule for the results journal (orbscreen.jsonl).  Its shape is
 * documented and checked by docs/orbscreen-results.schema.json.
 * Energies: total energy in Eh ("%.10f"), orbital energies in eV ("%.6f").
 * Non-finite numbers are written as null, never as NaN/Inf.  Orbital
 * energies and occupations are always per spin ({"alpha", "beta"}); a
 * restricted result has beta = alpha. */
#include "report/report.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "report/json_parts.h"

/* Version of the document's shape (docs/orbscreen-results.schema.json). */
#define OS_RESULTS_SCHEMA_VERSION 2

void os_report_json_input(os_json *j, const os_report_entry *e)
{
    const os_molecule *m = e->mol;
    os_json_object(j, "input");
    os_json_str(j, "path", m->file);
    os_json_str(j, "format", e->input_format);
    os_json_str(j, "sha256", e->input_sha256);
    os_json_int(j, "frame", m->frame > 0 ? m->frame : 1);
    os_json_int(j, "frames", m->nframe > 0 ? m->nframe : 1);
    os_json_end(j);
    os_json_array(j, "tags");
    for (int t = 0; t < m->ntag; ++t) {
        os_json_object(j, NULL);
        os_json_str(j, "key", m->tags[t].key);
        os_json_str(j, "value", m->tags[t].value);
        os_json_end(j);
    }
    os_json_end(j);
}

static void geometry(os_json *j, const os_molecule *m)
{
    os_json_object(j, "geometry");
    os_json_str(j, "units", "angstrom");
    os_json_array_inline(j, "elements");
    for (int a = 0; a < m->natom; ++a) os_json_str(j, NULL, os_element_symbol(m->Z[a]));
    os_json_end(j);
    os_json_array(j, "coordinates");
    for (int a = 0; a < m->natom; ++a) {
        os_json_array_inline(j, NULL);
        for (int k = 0; k < 3; ++k)
            os_json_num(j, NULL, "%.10f", m->xyz[3 * a + k] * OS_BOHR_ANGSTROM);
        os_json_end(j);
    }
    os_json_end(j);
    os_json_end(j);
}

static void molecule_identity(os_json *j, const os_report_entry *e)
{
    const os_molecule *m = e->mol;
    char formula[256] = "";
    if (m->natom > 0) os_molecule_formula(m, formula, sizeof formula);
    os_json_str(j, "name", m->name);
    os_json_str(j, "file", m->file);
    os_json_str(j, "label", e->label ? e->label : m->name);
    os_report_json_input(j, e);
    os_json_str(j, "formula", m->natom > 0 ? formula : NULL);
    os_json_int(j, "n_atoms", m->natom);
    if (m->natom > 0) {
        os_json_int(j, "charge", m->charge);
        os_json_int(j, "multiplicity", m->mult);
        os_json_int(j, "n_electrons", os_molecule_nelectron(m));
    } else {
        os_json_null(j, "charge");
        os_json_null(j, "multiplicity");
        os_json_null(j, "n_electrons");
    }
    geometry(j, m);
}

/* Thresholds and the last iteration's residuals: how converged it is. */
void os_report_json_convergence(os_json *j, const os_scf_result *r)
{
    os_json_int(j, "iterations", r->iterations);
    os_json_object(j, "scf_thresholds");
    os_json_num(j, "energy_change_eh", "%.3e", r->e_conv);
    os_json_num(j, "orbital_gradient", "%.3e", r->g_conv);
    os_json_end(j);
    os_json_object(j, "scf_residuals");
    os_json_num(j, "energy_change_eh", "%.3e", r->last_de);
    os_json_num(j, "orbital_gradient", "%.3e", r->last_gradient);
    os_json_end(j);
}

void os_report_json_frontier(os_json *j, const os_scf_result *r)
{
    os_json_num(j, "homo_ev", "%.6f", r->homo * OS_HARTREE_EV);
    os_json_num(j, "lumo_ev", "%.6f", r->lumo * OS_HARTREE_EV);
    os_json_num(j, "gap_ev", "%.6f", (r->lumo - r->homo) * OS_HARTREE_EV);
}

void os_report_json_per_spin(os_json *j, const char *key, const double *a, const double *b, int n,
                             double scale, const char *fmt)
{
    os_json_object(j, key);
    os_json_num_array(j, "alpha", a, n, scale, fmt);
    os_json_num_array(j, "beta", b ? b : a, n, scale, fmt);
    os_json_end(j);
}

static void scf_fields(os_json *j, const os_scf_result *r)
{
    os_json_str(j, "reference", os_report_reference(r));
    os_json_str(j, "grid", r->grid[0] ? r->grid : NULL);
    os_json_str(j, "jk", r->jk[0] ? r->jk : NULL);
    os_json_str(j, "aux", r->aux[0] ? r->aux : NULL);
    os_json_int(j, "nmo", r->nmo);
    os_json_int(j, "n_dropped", r->n_dropped);
    /* why functions were dropped: overlap eigenvalues below the threshold */
    os_json_num(j, "overlap_min_eigenvalue", "%.3e", r->s_min_eig);
    os_json_num(j, "lindep_threshold", "%.1e", r->lindep);
    os_json_bool(j, "converged", r->converged);
    os_report_json_convergence(j, r);
    os_json_num(j, "peak_memory_mib", "%.1f", r->peak_memory_bytes / 1048576.0);
    os_json_num(j, "energy", "%.10f", r->energy);
    os_json_num(j, "nuclear_repulsion_energy", "%.10f", r->e_nuc);
    os_report_json_frontier(j, r);
    if (r->unrestricted) { /* spin contamination of the open-shell determinant */
        os_json_num(j, "s2", "%.6f", r->s2);
        os_json_num(j, "s2_exact", "%.6f", r->s2_exact);
    }
    os_json_int(j, "n_alpha", r->nalpha);
    os_json_int(j, "n_beta", r->nbeta);
    os_report_json_per_spin(j, "orbital_energies_ev", r->eps_a, r->eps_b, r->eps_a ? r->nmo : 0,
                            OS_HARTREE_EV, "%.6f");
    /* electrons per orbital and spin (0..1) */
    os_report_json_per_spin(j, "occupations", r->occ_a, r->occ_b, r->occ_a ? r->nmo : 0, 1.0,
                            "%.6g");
    /* the stability check: lowest orbital-Hessian eigenvalue, or why not run */
    os_json_object(j, "stability");
    os_json_num(j, "lowest_eigenvalue", "%.6f", r->stability_eig);
    os_json_str(j, "skipped", r->stability_skipped[0] ? r->stability_skipped : NULL);
    os_json_end(j);
    os_json_array(j, "warnings");
    if (r->warning[0]) os_json_str(j, NULL, r->warning);
    os_json_end(j);
}

/* The solvent, its model and the electrostatic solvation energy
 * E_sol - E_gas (both SCF energies at the same geometry). */
void os_report_json_solvation(os_json *j, const os_report_solvation *sv, const os_scf_result *r)
{
    os_json_object(j, "solvation");
    os_json_str(j, "solvent", sv->solvent);
    os_json_num(j, "eps", "%.6g", sv->eps);
    os_json_str(j, "model", sv->model);
    os_json_num(j, "energy_gas", "%.10f", sv->e_gas);
    os_json_num(j, "solvation_energy", "%.10f", r->energy - sv->e_gas);
    os_json_num(j, "solvation_energy_kcal_mol", "%.4f", (r->energy - sv->e_gas) * OS_HARTREE_KCAL);
    os_json_num(j, "polarization_energy", "%.10f", sv->e_pol);
    os_json_end(j);
}

/* The adiabatic reduction (os_redox_adiabatic) inside "reduction": the
 * potential, the reduced species' energy at its final geometry, whether its
 * optimization converged, and the bonds it broke or formed. */
static void adiabatic_fields(os_json *j, const os_redox_adiabatic_result *a,
                             const os_opt_result *ion)
{
    os_json_num(j, "adiabatic_v_li", "%.4f", a->potential_v);
    os_json_num(j, "energy_n_plus_1_opt", "%.10f", a->e_ion);
    os_json_num(j, "reduced_s2", "%.6f", a->s2);
    os_json_bool(j, "reduced_opt_converged", a->converged);
    os_json_int(j, "reduced_opt_steps", a->steps);
    os_json_num(j, "reduced_probed_min_curvature", "%.4e", a->min_curvature);
    os_json_bool(j, "reduced_saddle_point", a->saddle);
    os_json_num(j, "reduced_stability_eigenvalue", "%.5f", a->stability_eig);
    os_json_array(j, "reduced_bond_changes");
    for (int k = 0; ion && k < ion->nbond_changes; ++k) {
        char what[96];
        os_bond_change_describe(&ion->mol, &ion->bond_changes[k], what, sizeof what);
        os_json_str(j, NULL, what);
    }
    os_json_end(j);
}

/* One vertical Delta-SCF result (os_redox_result), with the adiabatic one
 * when ad is not NULL. */
static void redox_fields(os_json *j, const char *key, const os_redox_result *x,
                         const os_report_entry *ad)
{
    os_json_object(j, key);
    os_json_int(j, "charge", x->charge);
    os_json_int(j, "multiplicity", x->mult);
    os_json_num(j, "energy_n", "%.10f", x->e_n);
    os_json_num(j, x->dn > 0 ? "energy_n_plus_1" : "energy_n_minus_1", "%.10f", x->e_ion);
    os_json_num(j, "delta_e_ev", "%.6f", (x->e_ion - x->e_n) * OS_HARTREE_EV);
    os_json_num(j, "s2", "%.6f", x->s2);
    os_json_num(j, "s2_exact", "%.6f", x->s2_exact);
    os_json_int(j, "iterations", x->iterations);
    os_json_num(j, "potential_v_li", "%.4f", x->potential_v);
    if (x->dn > 0) {
        if (isfinite(x->somo_diffuse))
            os_json_num(j, "somo_diffuse_share", "%.4f", x->somo_diffuse);
        else
            os_json_null(j, "somo_diffuse_share");
        /* which start the kept state came from: the parent's LUMO + start */
        os_json_int(j, "start_above_lumo", x->start);
        os_json_int(j, "starts_tried", x->starts);
    }
    if (isfinite(x->stability_eig))
        os_json_num(j, "stability_eigenvalue", "%.6f", x->stability_eig);
    else
        os_json_null(j, "stability_eigenvalue");
    if (ad) adiabatic_fields(j, &ad->redox->ad, ad->red_opt);
    os_json_end(j);
}

/* The LUMO's character, the Delta-SCF potentials and every rank. */
static void reduction_fields(os_json *j, const os_report_entry *e)
{
    double lumo_gas = os_report_lumo_gas(e);
    os_json_num(j, "lumo_gas_ev", "%.6f", lumo_gas * OS_HARTREE_EV);
    /* a positive gas-phase LUMO: the extra electron is not bound */
    os_json_bool(j, "lumo_unbound", isfinite(lumo_gas) && lumo_gas > 0.0);
    if (e->have_lumo_diffuse)
        os_json_num(j, "lumo_diffuse_share", "%.4f", e->lumo_diffuse);
    else
        os_json_null(j, "lumo_diffuse_share");
    if (e->solv) {
        if (e->have_lumo_gas_diffuse)
            os_json_num(j, "lumo_gas_diffuse_share", "%.4f", e->lumo_gas_diffuse);
        else
            os_json_null(j, "lumo_gas_diffuse_share");
    }
    if (e->redox_error) os_json_str(j, "redox_error", e->redox_error);
    if (e->redox) {
        redox_fields(j, "reduction", &e->redox->red, e->redox->have_ad ? e : NULL);
        if (e->redox->have_ox) redox_fields(j, "oxidation", &e->redox->ox, NULL);
    }
    static const char *const keys[] = {"rank_lumo", "rank_lumo_solv", "rank_reduction"};
    const int ranks[] = {e->rank_lumo, e->rank_lumo_solv, e->rank_reduction};
    for (int k = 0; k < 3; ++k) {
        if (ranks[k] > 0)
            os_json_int(j, keys[k], ranks[k]);
        else
            os_json_null(j, keys[k]);
    }
    os_json_bool(j, "lumo_and_reduction_ranks_disagree", os_report_rank_disagrees(e));
}

/* One [gx, gy, gz] row per atom, Eh/bohr. */
static void gradient_field(os_json *j, const os_molecule *m, const double *g)
{
    os_json_array(j, "gradient_eh_bohr");
    for (int a = 0; a < m->natom; ++a) {
        os_json_array_inline(j, NULL);
        for (int k = 0; k < 3; ++k) os_json_num(j, NULL, "%.10f", g[3 * a + k]);
        os_json_end(j);
    }
    os_json_end(j);
}

/* The optimization that led to the entry's geometry: criteria, per-step
 * history, bond changes, and the final geometry in Angstrom. */
static void optimization_fields(os_json *j, const os_molecule *m, const os_opt_result *r)
{
    os_json_object(j, "optimization");
    os_json_bool(j, "converged", r->converged);
    os_json_int(j, "steps", r->nsteps);
    os_json_int(j, "scf_iterations", r->scf_iterations);
    os_json_num(j, "start_energy", "%.10f", r->start_energy);
    os_json_num(j, "energy", "%.10f", r->energy);
    os_json_num(j, "max_force", "%.3e", r->max_force);
    os_json_num(j, "rms_force", "%.3e", r->rms_force);
    os_json_num(j, "max_step", "%.3e", r->max_step);
    os_json_num(j, "rms_step", "%.3e", r->rms_step);
    os_json_int(j, "internal_coordinates", r->ninternal);
    os_json_num(j, "hessian_min_eigenvalue", "%.4e", r->hessian_min_eig);
    os_json_num(j, "probed_min_curvature", "%.4e", r->probe_min_curvature);
    os_json_bool(j, "saddle_point", r->saddle);
    os_json_int(j, "saddle_escapes", r->saddle_escapes);
    os_json_array_inline(j, "energies");
    for (int k = 0; k < r->nhistory; ++k) os_json_num(j, NULL, "%.10f", r->history[k].energy);
    os_json_end(j);
    os_json_array_inline(j, "step_max_force");
    for (int k = 0; k < r->nhistory; ++k) os_json_num(j, NULL, "%.3e", r->history[k].max_force);
    os_json_end(j);
    os_json_array(j, "bond_changes");
    for (int k = 0; k < r->nbond_changes; ++k) {
        char what[96];
        os_bond_change_describe(m, &r->bond_changes[k], what, sizeof what);
        os_json_str(j, NULL, what);
    }
    os_json_end(j);
    os_json_array(j, "geometry_angstrom");
    for (int a = 0; a < m->natom; ++a) {
        os_json_array_inline(j, NULL);
        os_json_str(j, NULL, os_element_symbol(m->Z[a]));
        for (int k = 0; k < 3; ++k) os_json_num(j, NULL, "%.10f", m->xyz[3 * a + k] * OS_BOHR_ANGSTROM);
        os_json_end(j);
    }
    os_json_end(j);
    os_json_end(j);
}

static void molecule_json(os_json *j, const os_report_run *run, const os_report_entry *e)
{
    const os_scf_result *r = os_report_entry_ok(e) ? e->res : NULL;
    os_json_object(j, NULL);
    molecule_identity(j, e);
    os_json_str(j, "method", r ? r->method : (run ? run->method : NULL));
    os_json_str(j, "basis", e->bs ? e->bs->name : (run ? run->basis : NULL));
    if (e->bs)
        os_json_int(j, "n_basis", e->bs->nbf);
    else
        os_json_null(j, "n_basis");
    if (r) {
        scf_fields(j, r);
        if (e->solv) os_report_json_solvation(j, e->solv, r);
        if (e->gradient) gradient_field(j, e->mol, e->gradient);
        reduction_fields(j, e);
        os_json_null(j, "error");
    } else {
        /* Never a result: no energies.  An SCF that ran keeps its residuals. */
        os_json_bool(j, "converged", 0);
        if (e->res) os_report_json_convergence(j, e->res);
        os_json_str(j, "error", e->error ? e->error : "no result");
    }
    if (e->opt) optimization_fields(j, e->mol, e->opt);
    if (e->rank > 0)
        os_json_int(j, "rank", e->rank);
    else
        os_json_null(j, "rank");
    os_json_num(j, "wall_s", "%.3f", e->wall_s);
    os_json_end(j);
}

static os_status json_status(FILE *f, os_error *err)
{
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write JSON: %s", strerror(errno));
    return OS_OK;
}

os_status os_report_write_json_entry(FILE *f, const os_report_run *run, const os_report_entry *e,
                                     os_error *err)
{
    os_json j;
    os_json_init(&j, f, 1);
    molecule_json(&j, run, e);
    fputc('\n', f);
    return json_status(f, err);
}

void os_report_json_build(os_json *j)
{
    os_build_info bi;
    os_build_info_get(&bi);
    os_json_str(j, "git_commit", bi.git_commit);
    os_json_str(j, "libint2", bi.libint2);
    os_json_str(j, "libxc", bi.libxc);
    os_json_str(j, "openblas", bi.openblas);
}

/* The thresholds asked for (each molecule also records those it used). */
static void options_fields(os_json *j, const os_report_run *run)
{
    os_scf_options dflt;
    const os_scf_options *o = run->scf;
    if (!o) {
        os_scf_options_default(&dflt);
        o = &dflt;
    }
    os_json_object(j, "scf_options");
    os_json_num(j, "energy_change_eh", "%.3e", o->e_conv);
    os_json_num(j, "orbital_gradient", "%.3e", o->g_conv);
    os_json_num(j, "lindep", "%.3e", o->lindep);
    os_json_num(j, "schwarz", "%.3e", o->schwarz);
    os_json_int(j, "max_iterations", o->max_iter);
    os_json_end(j);
}

os_status os_report_write_json(FILE *f, const os_report_run *run, const os_report_entry *e,
                               int n, os_error *err)
{
    os_report_run dflt;
    if (!run) {
        os_report_run_init(&dflt);
        run = &dflt;
    }
    os_json j;
    os_json_init(&j, f, 0);
    os_json_object(&j, NULL);
    os_json_int(&j, "schema_version", OS_RESULTS_SCHEMA_VERSION);
    os_json_str(&j, "program", run->program ? run->program : "orbscreen");
    os_json_str(&j, "version", run->version ? run->version : OS_VERSION);
    os_json_object(&j, "build");
    os_report_json_build(&j);
    os_json_end(&j);
    os_json_str(&j, "method", run->method);
    os_json_str(&j, "basis", run->basis);
    os_json_str(&j, "grid", run->grid);
    os_json_str(&j, "phase", os_report_phase(run));
    options_fields(&j, run);
    os_json_str(&j, "jk", run->jk);
    os_json_str(&j, "aux", run->aux);
    os_json_str(&j, "command_line", run->command_line);
    os_json_str(&j, "date", run->date);
    os_json_int(&j, "threads", run->nthreads);
    os_json_num(&j, "wall_s", "%.3f", run->wall_s);
    os_json_object(&j, "units");
    static const char *const ev_keys[] = {"homo_ev", "lumo_ev", "gap_ev", "orbital_energies_ev"};
    os_json_str(&j, "energy", "Eh");
    os_json_str(&j, "nuclear_repulsion_energy", "Eh");
    os_json_str(&j, "solvation", "Eh, except solvation_energy_kcal_mol");
    for (size_t k = 0; k < sizeof ev_keys / sizeof *ev_keys; ++k) os_json_str(&j, ev_keys[k], "eV");
    os_json_str(&j, "coordinates", "angstrom");
    os_json_str(&j, "gradient_eh_bohr", "Eh/bohr");
    os_json_str(&j, "potential_v_li", "V vs Li/Li+");
    os_json_str(&j, "delta_e_ev", "eV");
    os_json_str(&j, "lumo_gas_ev", "eV");
    os_json_str(&j, "optimization", "energies Eh, forces Eh/bohr, steps bohr, geometry Angstrom");
    os_json_str(&j, "wall_s", "s");
    os_json_str(&j, "peak_memory_mib", "MiB");
    os_json_str(&j, "stability", "Eh (lowest orbital-Hessian eigenvalue)");
    os_json_num(&j, "hartree_ev", "%.12f", OS_HARTREE_EV);
    os_json_num(&j, "bohr_angstrom", "%.12f", OS_BOHR_ANGSTROM);
    os_json_end(&j);
    static const char *const rank_keys[] = {"lumo", "lumo", "lumo-solv", "reduction"};
    os_json_str(&j, "rank_by", rank_keys[run->rank_by >= 0 && run->rank_by <= 3 ? run->rank_by : 0]);
    os_json_str(&j, "ranking_convention", os_report_ranking_convention(run->rank_by));
    os_json_str(&j, "redox_convention", OS_REDOX_CONVENTION);
    os_json_str(&j, "redox_adiabatic_convention", OS_REDOX_ADIABATIC_CONVENTION);
    os_json_array(&j, "molecules");
    for (int i = 0; i < n; ++i) molecule_json(&j, run, &e[i]);
    os_json_end(&j);
    os_json_end(&j);
    return json_status(f, err);
}
