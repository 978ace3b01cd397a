/* The ranked table people read on the terminal. */
#include "report/report.h"

#include "core/error.h"

#include <math.h>
#include <string.h>

/* A name left-aligned in w columns, safe for the terminal. */
static void put_name(FILE *f, const char *name, int w)
{
    os_report_put_text(f, name, 0, 0);
    for (int k = (int)strlen(name); k < w; ++k) fputc(' ', f);
}

/* Which optional columns the table has. */
typedef struct {
    int solvated, diffuse, redox, adiabatic;
    int rank_by; /* OS_RANK_* */
} columns;

static void num_or_na(FILE *f, const char *fmt, int width, double v)
{
    if (isfinite(v))
        fprintf(f, fmt, v);
    else
        fprintf(f, " %*s", width, "n/a");
}

/* The LUMO diagnostics and the reduction columns of a row; its flags into flags. */
static void reduction_cells(FILE *f, const os_report_entry *e, const columns *c, char *flags,
                            size_t nflags)
{
    double lumo_gas = os_report_lumo_gas(e);
    if (c->solvated) num_or_na(f, " %9.3f", 9, lumo_gas * OS_HARTREE_EV);
    if (c->diffuse) num_or_na(f, " %5.2f", 5, e->have_lumo_diffuse ? e->lumo_diffuse : NAN);
    if (c->redox) {
        num_or_na(f, " %9.3f", 9, e->redox ? e->redox->red.potential_v : NAN);
        num_or_na(f, " %6.3f", 6, e->redox ? e->redox->red.s2 : NAN);
    }
    const os_redox_adiabatic_result *ad = e->redox && e->redox->have_ad ? &e->redox->ad : NULL;
    if (c->adiabatic) num_or_na(f, " %9.3f", 9, ad ? ad->potential_v : NAN);
    int unbound = e->mol->charge < 0 && isfinite(lumo_gas) && lumo_gas > 0.0;
    double somo = e->redox ? e->redox->red.somo_diffuse : NAN;
    const char *what[7] = {unbound ? "unbound" : NULL,
                           os_report_rank_disagrees(e) ? "LUMO/E_red ranks differ" : NULL,
                           e->redox_error ? "Delta-SCF failed (see JSON)" : NULL,
                           ad && !ad->converged ? "E_red_ad unconverged" : NULL,
                           ad && ad->saddle ? "E_red_ad at a saddle point" : NULL,
                           ad && ad->nbond_changes > 0 ? "reduced: bonds changed (below)" : NULL,
                           isfinite(somo) && somo > OS_REPORT_DIFFUSE_ELECTRON
                               ? "E_red: diffuse electron"
                               : NULL};
    size_t len = 0;
    flags[0] = '\0';
    for (size_t k = 0; k < sizeof what / sizeof *what; ++k)
        if (what[k] && len < nflags)
            len += (size_t)snprintf(flags + len, nflags - len, "%s%s", len ? ", " : "", what[k]);
}

static void table_row(FILE *f, const os_report_entry *e, int wname, const columns *c)
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
    fprintf(f, "%4s  ", rank);
    put_name(f, m->name, wname);
    fprintf(f, "  %-14s %3s %4d  %18.10f", formula, chg, m->mult, r->energy);
    double v[3] = {r->homo * OS_HARTREE_EV, r->lumo * OS_HARTREE_EV,
                   (r->lumo - r->homo) * OS_HARTREE_EV};
    for (int k = 0; k < 3; ++k) {
        if (isfinite(v[k]))
            fprintf(f, " %9.3f", v[k]);
        else
            fprintf(f, " %9s", "n/a");
    }
    if (c->solvated) {
        if (e->solv)
            fprintf(f, " %11.3f", (r->energy - e->solv->e_gas) * OS_HARTREE_KCAL);
        else
            fprintf(f, " %11s", "gas");
    }
    char flags[160];
    reduction_cells(f, e, c, flags, sizeof flags);
    const char *note = e->rank > 0 ? "" : (m->charge < 0 ? (c->rank_by == OS_RANK_REDUCTION ? "not ranked (no E_red)"
                                                                         : "not ranked (no LUMO)")
                                    : "not ranked");
    fprintf(f, "  %-4s %8.1f  %s%s%s\n", r->converged ? "yes" : "no", e->wall_s, note,
            note[0] && flags[0] ? "; " : "", flags);
}

/* The adiabatic column's legend, and per molecule the bonds its reduced
 * species broke or formed (the LiF-forming chemistry: C-F, S-F, C-S...). */
static void adiabatic_notes(FILE *f, const os_report_entry *e, int n, int wname)
{
    fprintf(f, "E_red_ad: adiabatic reduction potential vs Li/Li+ (V): %s.\n",
            OS_REDOX_ADIABATIC_CONVENTION);
    for (int i = 0; i < n; ++i) {
        const os_opt_result *r = e[i].red_opt;
        if (!os_report_entry_ok(&e[i]) || !r || r->nbond_changes == 0) continue;
        fputs("  ", f);
        put_name(f, e[i].mol->name, wname);
        char bonds[4096];
        os_report_bond_changes(r, ", ", bonds, sizeof bonds);
        fprintf(f, "  reduced species: %s\n", bonds);
    }
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
    columns c = {.solvated = sv != NULL, .rank_by = run ? run->rank_by : 0};
    for (int i = 0; i < n; ++i) {
        c.diffuse |= os_report_entry_ok(&e[i]) && e[i].have_lumo_diffuse;
        c.redox |= os_report_entry_ok(&e[i]) && e[i].redox != NULL;
        c.adiabatic |= os_report_entry_ok(&e[i]) && e[i].redox && e[i].redox->have_ad;
    }
    fprintf(f, "%4s  %-*s  %-14s %3s %4s  %18s %9s %9s %9s", "rank", wname, "name", "formula",
            "chg", "mult", "energy (Eh)", "HOMO (eV)", "LUMO (eV)", "gap (eV)");
    if (sv) fprintf(f, " %11s %9s", "dG_solv", "LUMO gas");
    if (c.diffuse) fprintf(f, " %5s", "diff");
    if (c.redox) fprintf(f, " %9s %6s", "E_red (V)", "<S2>");
    if (c.adiabatic) fprintf(f, " %9s", "E_red_ad");
    fprintf(f, "  %-4s %8s\n", "conv", "time (s)");
    /* Ranked anions in rank order, then every other success, then failures. */
    int nranked = 0;
    for (int i = 0; i < n; ++i)
        if (e[i].rank > 0) ++nranked;
    for (int r = 1; r <= nranked; ++r)
        for (int i = 0; i < n; ++i)
            if (e[i].rank == r) table_row(f, &e[i], wname, &c);
    for (int i = 0; i < n; ++i)
        if (e[i].rank == 0 && os_report_entry_ok(&e[i])) table_row(f, &e[i], wname, &c);
    int nfail = 0;
    for (int i = 0; i < n; ++i) {
        if (os_report_entry_ok(&e[i])) continue;
        if (nfail++ == 0) fprintf(f, "\nfailed:\n");
        fputs("  ", f);
        put_name(f, e[i].mol->name, wname);
        fputs("  ", f);
        os_report_put_text(f, e[i].error ? e[i].error : "no result", 0, 0);
        fputc('\n', f);
    }
    if (sv)
        fprintf(f, "\ndG_solv: E(solvent) - E(gas) at the same geometry, kcal/mol "
                   "(electrostatic; no cavitation/dispersion term).\n");
    if (c.diffuse)
        fprintf(f, "diff: share of the LUMO on the basis's diffuse functions (Mulliken); "
                   "unbound: the gas-phase LUMO of an anion is positive (the extra electron is "
                   "not bound; its LUMO is a basis-set artefact).\n");
    if (c.redox)
        fprintf(f, "E_red: vertical reduction potential vs Li/Li+ (V), <S2>: <S^2> of the reduced "
                   "species%s%s. Flagged where the LUMO rank and the E_red rank differ by more "
                   "than %d places, and 'diffuse electron' where more than %.0f%% of the reduced "
                   "species' singly occupied orbital sits on diffuse functions (a cavity-bound "
                   "electron, not a valence reduction: treat that E_red with caution).\n",
                c.rank_by == OS_RANK_REDUCTION ? "" : "; ",
                c.rank_by == OS_RANK_REDUCTION ? "" : OS_REDOX_CONVENTION, OS_REPORT_RANK_DISAGREE,
                100.0 * OS_REPORT_DIFFUSE_ELECTRON);
    if (c.adiabatic) adiabatic_notes(f, e, n, wname);
    fprintf(f, "\nranking: %s.\n", os_report_ranking_convention(run ? run->rank_by : 0));
    return os_report_stream_status(f, "table", err);
}

