/* The molecular gradient of a converged SCF result, read top to bottom as
 * the terms of grad.h: set-up (functional, densities, energy-weighted
 * density) -> nuclear repulsion -> one-electron -> two-electron -> XC ->
 * external potentials; os_scf_gradient sums them. */
#include "grad/grad.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/linalg.h"
#include "integrals/integrals.h"
#include "scf/stages.h"

static const char *const term_names[OS_GRAD_NTERM] = {
    "nuclear", "core", "overlap", "coulomb", "exchange", "exchange_lr", "xc", "xc_grid",
    "external"};

const char *os_grad_term_name(int t) { return t >= 0 && t < OS_GRAD_NTERM ? term_names[t] : "?"; }

/* What every term needs from the result. */
typedef struct {
    const os_molecule *mol;
    const os_basis *bs;
    os_scf_options opt;
    int n, nspin, natom;
    os_xc *xc;
    double ax, bx, omega;
    double *D;   /* nspin*n^2: spin densities (restricted: alpha = beta) */
    double *P;   /* n^2: total density */
    double *W;   /* n^2: minus the energy-weighted density, -sum_i n_i e_i C_i C_i^T */
    char grid[32]; /* the SCF's grid ("R,A"), "" for the options' */
} grad_setup;

static void setup_free(grad_setup *g)
{
    os_xc_free(g->xc);
    free(g->D);
    free(g->P);
    free(g->W);
}

static os_status check_result(const os_molecule *mol, const os_basis *bs, const os_scf_result *res,
                              os_error *err)
{
    if (!res->converged)
        return os_fail(err, OS_ERR_INPUT, "%s: gradient of an SCF that did not converge",
                       mol->name);
    if (!res->C_a || !res->eps_a || !res->occ_a || res->nbf != bs->nbf ||
        (res->unrestricted && (!res->C_b || !res->eps_b || !res->occ_b)))
        return os_fail(err, OS_ERR_INPUT, "%s: the SCF result does not fit this basis",
                       mol->name);
    for (int s = 0; s < bs->nshell; ++s)
        if (bs->shells[s].atom < 0 || bs->shells[s].atom >= mol->natom)
            return os_fail(err, OS_ERR_INPUT, "%s: basis and molecule differ", mol->name);
    return OS_OK;
}

/* Options with defaults, the functional, the densities and W. */
static os_status grad_setup_new(grad_setup *g, const os_molecule *mol, const os_basis *bs,
                                const os_scf_options *opt, const os_scf_result *res,
                                os_error *err)
{
    memset(g, 0, sizeof *g);
    os_status st = check_result(mol, bs, res, err);
    if (st != OS_OK) return st;
    g->mol = mol;
    g->bs = bs;
    if (opt)
        g->opt = *opt;
    else
        os_scf_options_default(&g->opt);
    if (!g->opt.method) g->opt.method = "b3lyp";
    if (g->opt.nthreads <= 0) g->opt.nthreads = omp_get_max_threads();
    g->n = bs->nbf;
    g->nspin = res->unrestricted ? 2 : 1;
    g->natom = mol->natom;
    if ((st = os_xc_new(g->opt.method, g->nspin, &g->xc, err)) != OS_OK) return st;
    if (res->method[0] && strncmp(res->method, os_xc_name(g->xc), sizeof res->method - 1) != 0)
        return os_fail(err, OS_ERR_INPUT, "%s: gradient for %s, but the SCF ran %s", mol->name,
                       os_xc_name(g->xc), res->method);
    os_xc_exx(g->xc, &g->ax, &g->bx, &g->omega);
    /* the grid the SCF used, as "R,A" */
    if (res->grid[0]) snprintf(g->grid, sizeof g->grid, "%s", res->grid);

    size_t n2 = (size_t)g->n * g->n;
    g->D = os_zeros(g->nspin * n2);
    g->P = os_zeros(n2);
    g->W = os_zeros(n2);
    double *Ws = os_zeros(n2), *we = os_zeros((size_t)res->nmo);
    if (!g->D || !g->P || !g->W || !Ws || !we) st = OS_NOMEM(err, "gradient densities");
    for (int s = 0; s < g->nspin && st == OS_OK; ++s) {
        const double *C = s ? res->C_b : res->C_a, *eps = s ? res->eps_b : res->eps_a;
        const double *occ = s ? res->occ_b : res->occ_a;
        double *Ds = g->D + s * n2;
        os_density_build(g->n, res->nmo, C, occ, Ds);
        for (int i = 0; i < res->nmo; ++i) we[i] = occ[i] * eps[i];
        os_density_build(g->n, res->nmo, C, we, Ws);
        double f = g->nspin == 1 ? 2.0 : 1.0; /* restricted: both spins */
        for (size_t k = 0; k < n2; ++k) {
            g->P[k] += f * Ds[k];
            g->W[k] -= f * Ws[k];
        }
    }
    free(Ws);
    free(we);
    return st;
}

/* dE_nuc/dR_A = -sum_B Z_A Z_B (R_A - R_B)/|R_A - R_B|^3 */
static void nuclear_repulsion_grad(const os_molecule *mol, double *g)
{
    for (int A = 0; A < mol->natom; ++A)
        for (int B = 0; B < mol->natom; ++B) {
            if (A == B) continue;
            const double *a = mol->xyz + 3 * A, *b = mol->xyz + 3 * B;
            double d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
            double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            double f = -(double)mol->Z[A] * mol->Z[B] / (r * r * r);
            for (int k = 0; k < 3; ++k) g[3 * A + k] += f * d[k];
        }
}

static os_status one_electron_grad(const grad_setup *g, double *core, double *overlap,
                                   os_error *err)
{
    int nt = g->opt.nthreads;
    os_status st = os_int1e_kinetic_grad(g->bs, nt, g->P, core, err);
    if (st == OS_OK) st = os_int1e_nuclear_grad(g->bs, g->mol, nt, g->P, core, err);
    if (st == OS_OK) st = os_int1e_overlap_grad(g->bs, nt, g->W, overlap, err);
    return st;
}

/* The fitting basis the SCF used: the options' set (or the default pairing)
 * again, checked against the name the result records. */
static os_status load_aux(const grad_setup *g, const os_scf_result *res, os_basis *aux,
                          os_error *err)
{
    os_status st = os_basis_load_aux(g->mol, g->bs, g->opt.aux, g->opt.basis_dir, aux, err);
    if (st != OS_OK) return st;
    if (res->aux[0] && strcmp(aux->name, res->aux) != 0) {
        st = os_fail(err, OS_ERR_INPUT, "%s: the SCF fitted with %.64s, the gradient's options "
                                        "give %.64s", g->mol->name, res->aux, aux->name);
        os_basis_free(aux);
    }
    return st;
}

/* The two-electron term of the integrals the SCF used (res->jk): the
 * gradient must differentiate the energy that was computed, never exact
 * integrals in place of fitted ones. */
static os_status two_electron_grad(const grad_setup *g, const os_scf_result *res, double *gJ,
                                   double *gK, double *gKlr, os_error *err)
{
    os_grad_2e_input in = {.nspin = g->nspin, .D = g->D, .ax = g->ax, .bx = g->bx,
                           .omega = g->omega, .schwarz = g->opt.schwarz,
                           .nthreads = g->opt.nthreads};
    if (!strcmp(res->jk, "exact")) return os_grad_2e_exact(g->bs, &in, gJ, gK, gKlr, err);
    if (!strcmp(res->jk, "df")) {
        const scf_terms *t = scf_shared_terms(g->opt.shared, g->mol, g->bs);
        if (t && t->have_aux && !strcmp(t->aux.name, res->aux)) {
            in.aux = &t->aux; /* the SCF's fitting basis, and its tensors when kept */
            in.fitted = t->jk;
            return os_grad_2e_df(g->bs, &in, gJ, gK, gKlr, err);
        }
        os_basis aux;
        os_status st = load_aux(g, res, &aux, err);
        if (st != OS_OK) return st;
        in.aux = &aux;
        st = os_grad_2e_df(g->bs, &in, gJ, gK, gKlr, err);
        os_basis_free(&aux);
        return st;
    }
    return os_fail(err, OS_ERR_INPUT, "%s: the SCF result does not say which two-electron "
                                      "integrals it used ('%.16s')", g->mol->name, res->jk);
}

/* The SCF's grid again (same size, same geometry: the same points), the
 * shared set's own when it holds this geometry's. */
static os_status xc_grad(const grad_setup *g, double *gxc, double *ggrid, os_error *err)
{
    int nrad, nang;
    os_grid grid;
    os_status st = os_grid_parse_spec(g->grid[0] ? g->grid : g->opt.grid, &nrad, &nang, err);
    if (st != OS_OK) return st;
    const scf_terms *t = scf_shared_terms(g->opt.shared, g->mol, g->bs);
    int shared = t && t->have_grid && t->nrad == nrad && t->nang == nang;
    if (!shared && (st = os_grid_build(g->mol, nrad, nang, g->opt.nthreads, &grid, err)) != OS_OK)
        return st;
    /* libxc takes the total density when restricted */
    const double *Dxc = g->nspin == 1 ? g->P : g->D;
    st = os_grad_xc(g->mol, g->bs, shared ? &t->grid : &grid, g->xc, g->nspin, Dxc,
                    g->opt.nthreads, gxc, ggrid, err);
    if (!shared) os_grid_free(&grid);
    return st;
}

static os_status external_grad(const grad_setup *g, double *gext, os_error *err)
{
    for (int t = 0; t < g->opt.npotentials; ++t) {
        const os_scf_potential *p = &g->opt.potentials[t];
        if (!p->gradient) continue;
        os_status st = p->gradient(p->ctx, g->P, gext, err);
        if (st != OS_OK) return st;
    }
    return OS_OK;
}

/* Wall and CPU (all threads) seconds of one stage, on the SCF's log. */
typedef struct {
    double wall, cpu;
} stage_clock;

static stage_clock clock_now(void)
{
    stage_clock c = {omp_get_wtime(), (double)clock() / CLOCKS_PER_SEC};
    return c;
}

static void log_stage(const grad_setup *g, const char *what, stage_clock *t0)
{
    stage_clock t = clock_now();
    if (g->opt.log)
        fprintf(g->opt.log, "  gradient: %-13s %8.2f s wall %8.2f s CPU\n", what, t.wall - t0->wall,
                t.cpu - t0->cpu);
    *t0 = t;
}

os_status os_grad_terms(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                        const os_scf_result *res, double *terms, os_error *err)
{
    stage_clock t = clock_now();
    grad_setup g;
    os_status st = grad_setup_new(&g, mol, bs, opt, res, err);
    size_t na3 = (size_t)3 * mol->natom;
    memset(terms, 0, OS_GRAD_NTERM * na3 * sizeof(double));
#define TERM(k) (terms + (size_t)(k) * na3)
    if (st == OS_OK) nuclear_repulsion_grad(mol, TERM(OS_GRAD_NUCLEAR));
    if (st == OS_OK) st = one_electron_grad(&g, TERM(OS_GRAD_CORE), TERM(OS_GRAD_OVERLAP), err);
    if (st == OS_OK) log_stage(&g, "one-electron", &t);
    if (st == OS_OK)
        st = two_electron_grad(&g, res, TERM(OS_GRAD_COULOMB), TERM(OS_GRAD_EXCHANGE),
                               TERM(OS_GRAD_EXCHANGE_LR), err);
    if (st == OS_OK) log_stage(&g, "two-electron", &t);
    if (st == OS_OK && os_xc_family(g.xc) != OS_XC_NONE) {
        st = xc_grad(&g, TERM(OS_GRAD_XC), TERM(OS_GRAD_XC_GRID), err);
        if (st == OS_OK) log_stage(&g, "XC", &t);
    }
    if (st == OS_OK) st = external_grad(&g, TERM(OS_GRAD_EXTERNAL), err);
#undef TERM
    setup_free(&g);
    return st;
}

os_status os_scf_gradient(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                          const os_scf_result *res, double *grad, os_error *err)
{
    size_t na3 = (size_t)3 * mol->natom;
    double *terms = os_zeros(OS_GRAD_NTERM * na3);
    if (!terms) return OS_NOMEM(err, "gradient terms");
    os_status st = os_grad_terms(mol, bs, opt, res, terms, err);
    if (st == OS_OK) {
        for (size_t i = 0; i < na3; ++i) {
            grad[i] = 0.0;
            for (int t = 0; t < OS_GRAD_NTERM; ++t) grad[i] += terms[t * na3 + i];
        }
        for (size_t i = 0; i < na3; ++i)
            if (!isfinite(grad[i])) {
                st = os_fail(err, OS_ERR_NUMERIC, "%s: gradient is not finite", mol->name);
                break;
            }
    }
    free(terms);
    return st;
}
