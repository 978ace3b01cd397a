/* The run header, what counts as a result, and the ranking of anions. */
#include "report/report.h"

#include "core/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void os_report_run_init(os_report_run *run)
{
    memset(run, 0, sizeof *run);
    run->program = "orbscreen";
    run->version = OS_VERSION;
}

int os_report_entry_ok(const os_report_entry *e)
{
    return e->res != NULL && e->error == NULL;
}

const char *os_report_reference(const os_scf_result *res)
{
    int hf = strcmp(res->method, "hf") == 0 || strcmp(res->method, "HF") == 0;
    if (hf) return res->unrestricted ? "uhf" : "rhf";
    return res->unrestricted ? "uks" : "rks";
}

const char *os_report_ranking_convention(int rank_by)
{
    switch (rank_by) {
    case OS_RANK_LUMO_SOLV:
        return "anions (charge < 0) that succeeded are ranked by their LUMO energy in the "
               "solvent, lowest first: rank 1 = lowest solvated LUMO = most easily reduced; "
               "neutral molecules, cations and failed runs are not ranked";
    case OS_RANK_REDUCTION:
        return "anions (charge < 0) that succeeded are ranked by their vertical reduction "
               "potential vs Li/Li+ in the solvent, highest first: rank 1 = reduced first; "
               "neutral molecules, cations and failed runs are not ranked; " OS_REDOX_CONVENTION;
    default: return OS_REPORT_RANKING_CONVENTION;
    }
}

double os_report_lumo_gas(const os_report_entry *e)
{
    if (!os_report_entry_ok(e)) return NAN;
    return e->solv ? e->solv->lumo_gas : e->res->lumo;
}

/* The value an anion is ranked by (lower = ranked first); NAN: not ranked. */
static double rank_value(const os_report_entry *e, int key)
{
    if (!os_report_entry_ok(e) || e->mol->charge >= 0) return NAN;
    switch (key) {
    case OS_RANK_LUMO_SOLV: return e->solv ? e->res->lumo : NAN;
    case OS_RANK_REDUCTION: return e->redox ? -e->redox->red.potential_v : NAN;
    default: return os_report_lumo_gas(e);
    }
}

static int *rank_slot(os_report_entry *e, int key)
{
    switch (key) {
    case OS_RANK_LUMO_SOLV: return &e->rank_lumo_solv;
    case OS_RANK_REDUCTION: return &e->rank_reduction;
    default: return &e->rank_lumo;
    }
}

typedef struct {
    double value;
    const char *name;
    int idx;
} rank_key;

static int rank_cmp(const void *pa, const void *pb)
{
    const rank_key *a = pa, *b = pb;
    if (a->value < b->value) return -1;
    if (a->value > b->value) return 1;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Ranks by one key into its slot. */
static void rank_by_key(os_report_entry *e, int n, int key)
{
    int k = 0;
    for (int i = 0; i < n; ++i) {
        *rank_slot(&e[i], key) = 0;
        if (isfinite(rank_value(&e[i], key))) ++k;
    }
    if (k == 0) return;
    /* A small fixed buffer keeps ranking infallible for the usual screen
     * sizes; beyond it, a simple O(k^2) selection needs no allocation. */
    rank_key buf[256];
    if (k <= 256) {
        int j = 0;
        for (int i = 0; i < n; ++i) {
            double v = rank_value(&e[i], key);
            if (isfinite(v)) buf[j++] = (rank_key){v, e[i].mol->name, i};
        }
        qsort(buf, (size_t)k, sizeof buf[0], rank_cmp);
        for (j = 0; j < k; ++j) *rank_slot(&e[buf[j].idx], key) = j + 1;
        return;
    }
    for (int r = 1; r <= k; ++r) {
        int best = -1;
        rank_key bk = {0};
        for (int i = 0; i < n; ++i) {
            double v = rank_value(&e[i], key);
            if (*rank_slot(&e[i], key) || !isfinite(v)) continue;
            rank_key ki = {v, e[i].mol->name, i};
            if (best < 0 || rank_cmp(&ki, &bk) < 0) {
                best = i;
                bk = ki;
            }
        }
        *rank_slot(&e[best], key) = r;
    }
}

/* Rank 1 = lowest LUMO (a Koopmans-like reading of the LUMO as minus an
 * electron affinity) or highest reduction potential. */
void os_report_rank(os_report_entry *e, int n, int rank_by)
{
    static const int keys[] = {OS_RANK_LUMO, OS_RANK_LUMO_SOLV, OS_RANK_REDUCTION};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; ++k) rank_by_key(e, n, keys[k]);
    if (rank_by == OS_RANK_AUTO) rank_by = OS_RANK_LUMO;
    for (int i = 0; i < n; ++i) e[i].rank = *rank_slot(&e[i], rank_by);
}

int os_report_rank_disagrees(const os_report_entry *e)
{
    int lumo = e->solv ? e->rank_lumo_solv : e->rank_lumo;
    return lumo > 0 && e->rank_reduction > 0 &&
           abs(lumo - e->rank_reduction) > OS_REPORT_RANK_DISAGREE;
}

const char *os_report_phase(const os_report_run *run)
{
    return run && run->phase ? run->phase : "gas phase";
}

void os_report_level_of_theory(const os_report_run *run, char *buf, size_t n)
{
    /* Functionals are written in capitals in papers (B3LYP, PBE0, HF). */
    char meth[64];
    snprintf(meth, sizeof meth, "%s", run && run->method ? run->method : "?");
    for (char *c = meth; *c; ++c)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
    snprintf(buf, n, "%s/%s", meth, run && run->basis ? run->basis : "?");
}
