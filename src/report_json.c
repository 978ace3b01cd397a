/* orbscreen.json: the full machine-readable report.
 * Energies: total energy in Eh ("%.10f"), orbital energies in eV ("%.6f").
 * Non-finite numbers are written as null, never as NaN/Inf. */
#include "report.h"

#include "error.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* JSON string: escape quote, backslash and control characters; bytes >= 0x80
 * pass through so UTF-8 stays UTF-8. */
static void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

static void json_num(FILE *f, const char *fmt, double v)
{
    if (isfinite(v))
        fprintf(f, fmt, v);
    else
        fputs("null", f);
}

static void json_key(FILE *f, const char *indent, const char *key)
{
    fputs(indent, f);
    json_str(f, key);
    fputs(": ", f);
}

static void ev_array(FILE *f, const double *eps, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; ++i) {
        if (i) fputs(", ", f);
        json_num(f, "%.6f", eps[i] * OS_HARTREE_EV);
    }
    fputc(']', f);
}

static void molecule_json(FILE *f, const os_report_run *run, const os_report_entry *e)
{
    const char *in = "      ";
    const os_molecule *m = e->mol;
    const os_scf_result *r = os_report_entry_ok(e) ? e->res : NULL;
    char formula[256] = "";
    if (m->natom > 0) os_molecule_formula(m, formula, sizeof formula);

    fputs("    {\n", f);
    json_key(f, in, "name");
    json_str(f, m->name);
    fputs(",\n", f);
    json_key(f, in, "file");
    json_str(f, m->file);
    fputs(",\n", f);
    json_key(f, in, "label");
    json_str(f, e->label ? e->label : m->name);
    fputs(",\n", f);
    json_key(f, in, "formula");
    json_str(f, m->natom > 0 ? formula : NULL);
    fputs(",\n", f);
    json_key(f, in, "n_atoms");
    fprintf(f, "%d,\n", m->natom);
    if (m->natom > 0) {
        int nel = -m->charge;
        for (int a = 0; a < m->natom; ++a) nel += m->Z[a];
        json_key(f, in, "charge");
        fprintf(f, "%d,\n", m->charge);
        json_key(f, in, "multiplicity");
        fprintf(f, "%d,\n", m->mult);
        json_key(f, in, "n_electrons");
        fprintf(f, "%d,\n", nel);
    } else {
        fprintf(f, "%s\"charge\": null,\n%s\"multiplicity\": null,\n%s\"n_electrons\": null,\n",
                in, in, in);
    }
    json_key(f, in, "method");
    json_str(f, r ? r->method : (run ? run->method : NULL));
    fputs(",\n", f);
    json_key(f, in, "basis");
    json_str(f, e->bs ? e->bs->name : (run ? run->basis : NULL));
    fputs(",\n", f);
    json_key(f, in, "n_basis");
    if (e->bs)
        fprintf(f, "%d,\n", e->bs->nbf);
    else
        fputs("null,\n", f);

    if (r) {
        json_key(f, in, "reference");
        json_str(f, os_report_reference(r));
        fputs(",\n", f);
        json_key(f, in, "grid");
        json_str(f, r->grid[0] ? r->grid : NULL);
        fputs(",\n", f);
        json_key(f, in, "nmo");
        fprintf(f, "%d,\n", r->nmo);
        json_key(f, in, "n_dropped");
        fprintf(f, "%d,\n", r->n_dropped);
        /* why functions were dropped: overlap eigenvalues below the threshold */
        json_key(f, in, "overlap_min_eigenvalue");
        json_num(f, "%.3e", r->s_min_eig);
        fputs(",\n", f);
        json_key(f, in, "lindep_threshold");
        json_num(f, "%.1e", r->lindep);
        fputs(",\n", f);
        json_key(f, in, "converged");
        fputs(r->converged ? "true,\n" : "false,\n", f);
        json_key(f, in, "iterations");
        fprintf(f, "%d,\n", r->iterations);
        json_key(f, in, "energy");
        json_num(f, "%.10f", r->energy);
        fputs(",\n", f);
        json_key(f, in, "homo_ev");
        json_num(f, "%.6f", r->homo * OS_HARTREE_EV);
        fputs(",\n", f);
        json_key(f, in, "lumo_ev");
        json_num(f, "%.6f", r->lumo * OS_HARTREE_EV);
        fputs(",\n", f);
        json_key(f, in, "gap_ev");
        json_num(f, "%.6f", (r->lumo - r->homo) * OS_HARTREE_EV);
        fputs(",\n", f);
        json_key(f, in, "orbital_energies_ev");
        if (r->unrestricted && r->eps_b) {
            fputs("{\"alpha\": ", f);
            ev_array(f, r->eps_a, r->eps_a ? r->nmo : 0);
            fputs(", \"beta\": ", f);
            ev_array(f, r->eps_b, r->nmo);
            fputc('}', f);
        } else {
            ev_array(f, r->eps_a, r->eps_a ? r->nmo : 0);
        }
        fputs(",\n", f);
    } else {
        json_key(f, in, "error");
        json_str(f, e->error ? e->error : "no result");
        fputs(",\n", f);
    }
    json_key(f, in, "rank");
    if (e->rank > 0)
        fprintf(f, "%d,\n", e->rank);
    else
        fputs("null,\n", f);
    json_key(f, in, "wall_s");
    json_num(f, "%.3f", e->wall_s);
    fputs("\n    }", f);
}

os_status os_report_write_json(FILE *f, const os_report_run *run, const os_report_entry *e,
                               int n, os_error *err)
{
    os_report_run dflt;
    if (!run) {
        os_report_run_init(&dflt);
        run = &dflt;
    }
    const char *in = "  ";
    fputs("{\n", f);
    json_key(f, in, "program");
    json_str(f, run->program ? run->program : "orbscreen");
    fputs(",\n", f);
    json_key(f, in, "version");
    json_str(f, run->version ? run->version : OS_VERSION);
    fputs(",\n", f);
    json_key(f, in, "method");
    json_str(f, run->method);
    fputs(",\n", f);
    json_key(f, in, "basis");
    json_str(f, run->basis);
    fputs(",\n", f);
    json_key(f, in, "grid");
    json_str(f, run->grid);
    fputs(",\n", f);
    json_key(f, in, "command_line");
    json_str(f, run->command_line);
    fputs(",\n", f);
    json_key(f, in, "date");
    json_str(f, run->date);
    fputs(",\n", f);
    json_key(f, in, "threads");
    fprintf(f, "%d,\n", run->nthreads);
    json_key(f, in, "units");
    fputs("{\"energy\": \"Eh\", \"homo_ev\": \"eV\", \"lumo_ev\": \"eV\", \"gap_ev\": \"eV\", "
          "\"orbital_energies_ev\": \"eV\", \"wall_s\": \"s\", \"hartree_ev\": ",
          f);
    fprintf(f, "%.12f},\n", OS_HARTREE_EV);
    json_key(f, in, "ranking_convention");
    json_str(f, OS_REPORT_RANKING_CONVENTION);
    fputs(",\n", f);
    json_key(f, in, "molecules");
    fputs("[\n", f);
    for (int i = 0; i < n; ++i) {
        molecule_json(f, run, &e[i]);
        fputs(i + 1 < n ? ",\n" : "\n", f);
    }
    fputs("  ]\n}\n", f);
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write JSON: %s", strerror(errno));
    return OS_OK;
}
