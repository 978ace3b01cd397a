/* The ranked table people read on the terminal. */
#include "report/report.h"

#include "core/error.h"

#include <math.h>
#include <string.h>

static void table_row(FILE *f, const os_report_entry *e, int wname, int solvated)
{
    const os_molecule *m = e->mol;
    const os_scf_result *r = e->res;
    char rank[16], formula[64] = "";
    if (e->rank > 0)
        snprintf(rank, sizeof rank, "%d", e->rank);
    else
        snprintf(rank, sizeof rank, "-");
    os_molecule_formula(m, formula, sizeof formula);
    char chg[16];
    snprintf(chg, sizeof chg, m->charge ? "%+d" : "0", m->charge);
    fprintf(f, "%4s  %-*s  %-14s %3s %4d  %18.10f", rank, wname, m->name, formula, chg, m->mult,
            r->energy);
    double v[3] = {r->homo * OS_HARTREE_EV, r->lumo * OS_HARTREE_EV,
                   (r->lumo - r->homo) * OS_HARTREE_EV};
    for (int k = 0; k < 3; ++k) {
        if (isfinite(v[k]))
            fprintf(f, " %9.3f", v[k]);
        else
            fprintf(f, " %9s", "n/a");
    }
    if (solvated) {
        if (e->solv)
            fprintf(f, " %11.3f", (r->energy - e->solv->e_gas) * OS_HARTREE_KCAL);
        else
            fprintf(f, " %11s", "gas");
    }
    fprintf(f, "  %-4s %8.1f  %s\n", r->converged ? "yes" : "no", e->wall_s,
            e->rank > 0 ? "" : (m->charge < 0 ? "not ranked (no LUMO)" : "not ranked"));
}

os_status os_report_write_table(FILE *f, const os_report_run *run, const os_report_entry *e,
                                int n, os_error *err)
{
    int wname = 4;
    for (int i = 0; i < n; ++i) {
        int len = (int)strlen(e[i].mol->name);
        if (len > wname) wname = len;
    }
    if (wname > 32) wname = 32;

    /* The grid matters only when some result used one (DFT). */
    int dft = 0;
    for (int i = 0; i < n; ++i)
        if (os_report_entry_ok(&e[i]) && e[i].res->grid[0]) dft = 1;
    const char *grid = run && run->grid && dft ? run->grid : NULL;
    if (run && (run->method || run->basis))
        fprintf(f, "%s %s  %s/%s%s%s", run->program ? run->program : "orbscreen",
                run->version ? run->version : "", run->method ? run->method : "?",
                run->basis ? run->basis : "?", grid ? "  grid " : "", grid ? grid : "");
    if (run && run->jk) {
        /* The fitting basis the results used: one name, or a note when
         * elements missing from the set made it differ per molecule. */
        const char *aux = NULL;
        int same = 1;
        for (int i = 0; i < n; ++i) {
            if (!os_report_entry_ok(&e[i]) || !e[i].res->aux[0]) continue;
            if (!aux)
                aux = e[i].res->aux;
            else if (strcmp(aux, e[i].res->aux) != 0)
                same = 0;
        }
        if (!aux) aux = run->aux;
        fprintf(f, "  J/K %s%s%s%s", run->jk, aux ? " (" : "", aux ? aux : "",
                aux ? (same ? ")" : "; per molecule in the JSON)") : "");
    }
    if (run && (run->method || run->basis || run->jk)) fprintf(f, "\n\n");
    /* In a solvent: the model once, and dG_solv = E_sol - E_gas per molecule. */
    const os_report_solvation *sv = NULL;
    for (int i = 0; i < n && !sv; ++i)
        if (os_report_entry_ok(&e[i])) sv = e[i].solv;
    if (sv)
        fprintf(f, "solvent %s: %s; energies and orbitals in solvent\n\n",
                sv->solvent ? sv->solvent : "(--eps)", sv->model);
    fprintf(f, "%4s  %-*s  %-14s %3s %4s  %18s %9s %9s %9s", "rank", wname, "name", "formula",
            "chg", "mult", "energy (Eh)", "HOMO (eV)", "LUMO (eV)", "gap (eV)");
    if (sv) fprintf(f, " %11s", "dG_solv");
    fprintf(f, "  %-4s %8s\n", "conv", "time (s)");
    /* Ranked anions in rank order, then every other success, then failures. */
    int nranked = 0;
    for (int i = 0; i < n; ++i)
        if (e[i].rank > 0) ++nranked;
    for (int r = 1; r <= nranked; ++r)
        for (int i = 0; i < n; ++i)
            if (e[i].rank == r) table_row(f, &e[i], wname, sv != NULL);
    for (int i = 0; i < n; ++i)
        if (e[i].rank == 0 && os_report_entry_ok(&e[i])) table_row(f, &e[i], wname, sv != NULL);
    int nfail = 0;
    for (int i = 0; i < n; ++i) {
        if (os_report_entry_ok(&e[i])) continue;
        if (nfail++ == 0) fprintf(f, "\nfailed:\n");
        fprintf(f, "  %-*s  %s\n", wname, e[i].mol->name,
                e[i].error ? e[i].error : "no result");
    }
    if (sv)
        fprintf(f, "\ndG_solv: E(solvent) - E(gas) at the same geometry, kcal/mol "
                   "(electrostatic; no cavitation/dispersion term).\n");
    fprintf(f, "\nranking: %s.\n", OS_REPORT_RANKING_CONVENTION);
    return os_report_stream_status(f, "table", err);
}

