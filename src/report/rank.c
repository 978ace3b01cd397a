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

typedef struct {
    double lumo; /* Eh */
    const char *name;
    int idx;
} rank_key;

static int rank_cmp(const void *pa, const void *pb)
{
    const rank_key *a = pa, *b = pb;
    if (a->lumo < b->lumo) return -1;
    if (a->lumo > b->lumo) return 1;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Rank 1 = lowest LUMO: the lowest empty level takes an extra electron most
 * readily (Koopmans-like reading of the LUMO as minus an electron affinity). */
void os_report_rank(os_report_entry *e, int n)
{
    int k = 0;
    for (int i = 0; i < n; ++i) {
        e[i].rank = 0;
        if (os_report_entry_ok(&e[i]) && e[i].mol->charge < 0 && isfinite(e[i].res->lumo)) ++k;
    }
    if (k == 0) return;
    /* A small fixed buffer keeps ranking infallible for the usual screen
     * sizes; beyond it, a simple O(k^2) selection needs no allocation. */
    rank_key buf[256];
    if (k <= 256) {
        int j = 0;
        for (int i = 0; i < n; ++i)
            if (os_report_entry_ok(&e[i]) && e[i].mol->charge < 0 && isfinite(e[i].res->lumo))
                buf[j++] = (rank_key){e[i].res->lumo, e[i].mol->name, i};
        qsort(buf, (size_t)k, sizeof buf[0], rank_cmp);
        for (j = 0; j < k; ++j) e[buf[j].idx].rank = j + 1;
        return;
    }
    for (int r = 1; r <= k; ++r) {
        int best = -1;
        rank_key bk = {0};
        for (int i = 0; i < n; ++i) {
            if (e[i].rank || !os_report_entry_ok(&e[i]) || e[i].mol->charge >= 0 ||
                !isfinite(e[i].res->lumo))
                continue;
            rank_key ki = {e[i].res->lumo, e[i].mol->name, i};
            if (best < 0 || rank_cmp(&ki, &bk) < 0) {
                best = i;
                bk = ki;
            }
        }
        e[best].rank = r;
    }
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
