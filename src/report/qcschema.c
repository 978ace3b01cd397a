/* QCSchema (MolSSI, schema v1) for one molecule, as QCEngine and QCFractal
 * read it:
 *   - success: an AtomicResult ("qcschema_output"): the molecule in bohr
 *     (qcschema_molecule v2), driver "energy", model {method, basis},
 *     keywords (the SCF settings used), provenance, properties
 *     (scf_total_energy, return_energy, scf_iterations, ...), return_result
 *     = the total energy (Eh), success true;
 *   - failure: a FailedOperation: success false, error = ComputeError
 *     {error_type, error_message}, input_data = the AtomicInput that was run.
 * What the schema has no field for (HOMO/LUMO, rank, orbital energies and
 * occupations per spin, convergence diagnostics, the input file's SHA-256)
 * goes into extras.orbscreen; orbital energies there are in Eh, the
 * schema's unit.  The wavefunction (which needs the basis set spelled out)
 * is not written: protocols.wavefunction other than "none" gets none. */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "report/json_parts.h"

static void molecule(os_json *j, const os_molecule *m)
{
    os_json_object(j, "molecule");
    os_json_str(j, "schema_name", "qcschema_molecule");
    os_json_int(j, "schema_version", 2);
    os_json_str(j, "name", m->name);
    os_json_array_inline(j, "symbols");
    for (int a = 0; a < m->natom; ++a) os_json_str(j, NULL, os_element_symbol(m->Z[a]));
    os_json_end(j);
    /* bohr, every digit: the same geometry read back gives the same energy */
    os_json_num_array(j, "geometry", m->xyz, 3 * m->natom, 1.0, "%.17g");
    os_json_num(j, "molecular_charge", "%.1f", (double)m->charge);
    os_json_int(j, "molecular_multiplicity", m->mult);
    /* as given: orbscreen neither moves nor turns the molecule */
    os_json_bool(j, "fix_com", 1);
    os_json_bool(j, "fix_orientation", 1);
    os_json_end(j);
}

/* The SCF settings a result was computed with, as keywords. */
static void keywords(os_json *j, const os_report_run *run, const os_report_entry *e,
                     const os_qcschema_echo *echo)
{
    if (echo && echo->keywords_json) {
        os_json_raw(j, "keywords", echo->keywords_json);
        return;
    }
    os_scf_options dflt;
    const os_scf_options *o = run && run->scf ? run->scf : NULL;
    if (!o) {
        os_scf_options_default(&dflt);
        o = &dflt;
    }
    os_json_object(j, "keywords");
    const char *grid = e->res && e->res->grid[0] ? e->res->grid : (run ? run->grid : NULL);
    if (grid) os_json_str(j, "grid", grid);
    os_json_num(j, "e_convergence", "%.3e", o->e_conv);
    os_json_num(j, "d_convergence", "%.3e", o->g_conv);
    os_json_int(j, "maxiter", o->max_iter);
    os_json_str(j, "reference", e->res ? os_report_reference(e->res)
                                       : (e->mol->mult > 1 ? "unrestricted" : "restricted"));
    /* Psi4's names: direct is exact four-centre integrals.  The fitting
     * basis only when it was chosen: the default follows from the basis. */
    const char *jk = e->res && e->res->jk[0] ? e->res->jk : (o->jk ? o->jk : "df");
    os_json_str(j, "scf_type", strcmp(jk, "exact") ? jk : "direct");
    if (o->aux) os_json_str(j, "df_basis_scf", o->aux);
    os_json_end(j);
}

static void model(os_json *j, const os_report_run *run, const os_report_entry *e)
{
    os_json_object(j, "model");
    os_json_str(j, "method", e->res && e->res->method[0] ? e->res->method
                                                          : (run && run->method ? run->method : "b3lyp"));
    os_json_str(j, "basis", e->bs ? e->bs->name : (run && run->basis ? run->basis : NULL));
    os_json_end(j);
}

static void provenance(os_json *j)
{
    os_json_object(j, "provenance");
    os_json_str(j, "creator", "orbscreen");
    os_json_str(j, "version", OS_VERSION);
    os_json_str(j, "routine", "orbscreen.scf");
    os_report_json_build(j); /* Provenance allows more fields */
    os_json_end(j);
}

/* "{...}" without its braces, for merging an input's extras with ours. */
static void raw_members(os_json *j, const char *json)
{
    const char *b = strchr(json, '{'), *e = strrchr(json, '}');
    if (!b || !e || e <= b + 1) return;
    char *inner = strndup(b + 1, (size_t)(e - b - 1));
    if (!inner) return;
    fputs(inner, j->f);
    fputs(", ", j->f);
    free(inner);
}

/* extras.orbscreen: what QCSchema has no field for. */
static void extras(os_json *j, const os_report_run *run, const os_report_entry *e,
                   const os_qcschema_echo *echo)
{
    const os_scf_result *r = e->res;
    os_json_object(j, "extras");
    if (echo && echo->extras_json) raw_members(j, echo->extras_json);
    os_json_object(j, "orbscreen");
    os_json_str(j, "label", e->label ? e->label : e->mol->name);
    os_json_str(j, "phase", os_report_phase(run));
    os_report_json_input(j, e);
    if (r) {
        os_json_str(j, "reference", os_report_reference(r));
        os_json_bool(j, "converged", r->converged && os_report_entry_ok(e));
        os_report_json_convergence(j, r);
        os_json_num(j, "homo_eh", "%.10f", r->homo);
        os_json_num(j, "lumo_eh", "%.10f", r->lumo);
        os_report_json_frontier(j, r);
        if (e->rank > 0) os_json_int(j, "rank", e->rank);
        else os_json_null(j, "rank");
        os_json_str(j, "ranking_convention", OS_REPORT_RANKING_CONVENTION);
        os_report_json_per_spin(j, "orbital_energies_eh", r->eps_a, r->eps_b,
                                r->eps_a ? r->nmo : 0, 1.0, "%.10f");
        os_report_json_per_spin(j, "occupations", r->occ_a, r->occ_b, r->occ_a ? r->nmo : 0, 1.0,
                                "%.6g");
        if (e->solv && os_report_entry_ok(e)) os_report_json_solvation(j, e->solv, r);
        os_json_int(j, "n_dropped", r->n_dropped);
        os_json_num(j, "overlap_min_eigenvalue", "%.3e", r->s_min_eig);
        os_json_num(j, "integrated_density", "%.8f", r->nelec_grid);
        os_json_array(j, "warnings");
        if (r->warning[0]) os_json_str(j, NULL, r->warning);
        os_json_end(j);
    }
    os_json_num(j, "wall_s", "%.3f", e->wall_s);
    os_json_end(j);
    os_json_end(j);
}

static void properties(os_json *j, const os_report_entry *e)
{
    const os_scf_result *r = e->res;
    os_json_object(j, "properties");
    os_json_int(j, "calcinfo_nbasis", r->nbf);
    os_json_int(j, "calcinfo_nmo", r->nmo);
    os_json_int(j, "calcinfo_nalpha", r->nalpha);
    os_json_int(j, "calcinfo_nbeta", r->nbeta);
    os_json_int(j, "calcinfo_natom", e->mol->natom);
    os_json_num(j, "nuclear_repulsion_energy", "%.12f", r->e_nuc);
    os_json_num(j, "scf_total_energy", "%.12f", r->energy);
    if (r->grid[0]) os_json_num(j, "scf_xc_energy", "%.12f", r->e_xc);
    os_json_int(j, "scf_iterations", r->iterations);
    os_json_num(j, "return_energy", "%.12f", r->energy);
    os_json_end(j);
}

static void atomic_input_fields(os_json *j, const os_report_run *run, const os_report_entry *e,
                                const os_qcschema_echo *echo, const char *schema_name)
{
    os_json_str(j, "schema_name", schema_name);
    os_json_int(j, "schema_version", 1);
    if (echo && echo->id) os_json_str(j, "id", echo->id);
    molecule(j, e->mol);
    os_json_str(j, "driver", echo && echo->driver ? echo->driver : "energy");
    model(j, run, e);
    keywords(j, run, e, echo);
    if (echo && echo->protocols_json) os_json_raw(j, "protocols", echo->protocols_json);
}

/* QCEngine's classifiers for what went wrong. */
static const char *error_type(os_status st)
{
    switch (st) {
    case OS_ERR_NOCONV: return "convergence_error";
    case OS_ERR_PARSE:
    case OS_ERR_INPUT:
    case OS_ERR_BASIS:
    case OS_ERR_METHOD: return "input_error";
    case OS_ERR_NOMEM: return "resource_error";
    case OS_ERR_IO: return "file_error";
    default: return "unknown_error";
    }
}

os_status os_report_write_qcschema(FILE *f, const os_report_run *run, const os_report_entry *e,
                                   const os_qcschema_echo *echo, os_error *err)
{
    os_json j;
    os_json_init(&j, f, 0);
    os_json_object(&j, NULL);
    if (os_report_entry_ok(e)) {
        atomic_input_fields(&j, run, e, echo, "qcschema_output");
        provenance(&j);
        properties(&j, e);
        if (e->gradient) /* natom*3 Eh/bohr, atom-major as QCSchema's array */
            os_json_num_array(&j, "return_result", e->gradient, 3 * e->mol->natom, 1.0, "%.12f");
        else
            os_json_num(&j, "return_result", "%.12f", e->res->energy);
        os_json_bool(&j, "success", 1);
        extras(&j, run, e, echo);
    } else {
        if (echo && echo->id) os_json_str(&j, "id", echo->id);
        if (e->mol->natom > 0) {
            os_json_object(&j, "input_data");
            atomic_input_fields(&j, run, e, echo, "qcschema_input");
            os_json_end(&j);
        } else {
            os_json_null(&j, "input_data");
        }
        os_json_bool(&j, "success", 0);
        os_json_object(&j, "error");
        os_json_str(&j, "error_type", error_type(e->status));
        os_json_str(&j, "error_message", e->error ? e->error : "no result");
        os_json_end(&j);
        extras(&j, run, e, echo);
    }
    os_json_end(&j);
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write QCSchema JSON: %s", strerror(errno));
    return OS_OK;
}
