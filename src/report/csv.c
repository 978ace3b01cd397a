/* orbscreen.csv: one row per molecule, units in the column names. */
#include "report/report.h"

#include "core/error.h"

#include <math.h>
#include <string.h>

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double quotes.
 * Always valid UTF-8 (os_report_put_text). */
static void csv_field(FILE *f, const char *s, int last)
{
    if (!s) s = "";
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote) fputc('"', f);
    os_report_put_text(f, s, quote, quote ? '"' : 0);
    if (quote) fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

static void csv_num(FILE *f, const char *fmt, double v)
{
    if (isfinite(v)) fprintf(f, fmt, v);
    fputc(',', f);
}

/* The oxidation potential; --opt --reduction's adiabatic potential, whether
 * the reduced species' optimization converged, whether its final geometry is
 * a saddle point (E_red_ad then a lower bound), and the bonds it broke or
 * formed ("C9-F10 broken (2.38 A); ..."); the reduced species' SOMO diffuse
 * share: empty fields for what was not run. */
static void redox_columns(FILE *f, const os_report_redox *rx, const os_opt_result *ion)
{
    csv_num(f, "%.4f", rx && rx->have_ox ? rx->ox.potential_v : NAN);
    int ad = rx && rx->have_ad;
    csv_num(f, "%.4f", ad ? rx->ad.potential_v : NAN);
    if (ad) fputs(rx->ad.converged ? "true" : "false", f);
    fputc(',', f);
    if (ad) fputs(rx->ad.saddle ? "true" : "false", f);
    fputc(',', f);
    char bonds[4096];
    os_report_bond_changes(ad ? ion : NULL, "; ", bonds, sizeof bonds);
    csv_field(f, bonds, 0);
    csv_num(f, "%.4f", rx ? rx->red.somo_diffuse : NAN);
}

os_status os_report_write_csv(FILE *f, const os_report_run *run, const os_report_entry *e,
                              int n, os_error *err)
{
    fputs("name,file,formula,charge,multiplicity,method,basis,n_basis,energy_Eh,homo_eV,"
          "lumo_eV,gap_eV,rank,converged,wall_s,lumo_gas_eV,lumo_diffuse_share,e_red_V_Li,"
          "s2_red,rank_reduction,e_ox_V_Li,e_red_ad_V_Li,red_opt_converged,red_saddle_point,"
          "red_bond_changes,red_somo_diffuse_share,error\n",
          f);
    for (int i = 0; i < n; ++i) {
        const os_molecule *m = e[i].mol;
        const os_scf_result *r = os_report_entry_ok(&e[i]) ? e[i].res : NULL;
        char formula[256] = "";
        if (m->natom > 0) os_molecule_formula(m, formula, sizeof formula);
        csv_field(f, m->name, 0);
        csv_field(f, m->file, 0);
        csv_field(f, formula, 0);
        if (m->natom > 0)
            fprintf(f, "%d,%d,", m->charge, m->mult);
        else
            fputs(",,", f);
        csv_field(f, r ? r->method : (run ? run->method : NULL), 0);
        csv_field(f, e[i].bs ? e[i].bs->name : (run ? run->basis : NULL), 0);
        if (e[i].bs)
            fprintf(f, "%d,", e[i].bs->nbf);
        else
            fputc(',', f);
        if (r) {
            csv_num(f, "%.10f", r->energy);
            csv_num(f, "%.6f", r->homo * OS_HARTREE_EV);
            csv_num(f, "%.6f", r->lumo * OS_HARTREE_EV);
            csv_num(f, "%.6f", (r->lumo - r->homo) * OS_HARTREE_EV);
        } else {
            fputs(",,,,", f);
        }
        if (e[i].rank > 0) fprintf(f, "%d", e[i].rank);
        fputc(',', f);
        if (r) fputs(r->converged ? "true" : "false", f);
        fputc(',', f);
        csv_num(f, "%.3f", e[i].wall_s);
        csv_num(f, "%.6f", os_report_lumo_gas(&e[i]) * OS_HARTREE_EV);
        csv_num(f, "%.4f", r && e[i].have_lumo_diffuse ? e[i].lumo_diffuse : NAN);
        csv_num(f, "%.4f", r && e[i].redox ? e[i].redox->red.potential_v : NAN);
        csv_num(f, "%.6f", r && e[i].redox ? e[i].redox->red.s2 : NAN);
        if (e[i].rank_reduction > 0) fprintf(f, "%d", e[i].rank_reduction);
        fputc(',', f);
        redox_columns(f, r ? e[i].redox : NULL, e[i].red_opt);
        csv_field(f, e[i].error, 1);
    }
    return os_report_stream_status(f, "CSV", err);
}

