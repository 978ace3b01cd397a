/* The terms of the Fock matrix beyond the core Hamiltonian, and the Fock
 * build that sums them:
 *   two-electron  J of the total density, exact exchange a K_s + b K_s^lr
 *                 (a J/K builder, jk/: density fitting by default, or exact
 *                 four-centre integrals);
 *   XC            Vxc_s and Exc on the molecular grid (dft/);
 *   external      potentials handed in through the options (the solvent).
 *   F_s = H + J - (a K_s + b K_s^lr) + Vxc_s + Vext */
#include "scf/stages.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

/* Bytes the integral cache may use: the option, else half the memory available now. */
static size_t cache_budget(const os_scf_options *o)
{
    size_t mb = o->memory_mb > 0 ? o->memory_mb : os_memory_available_mb() / 2;
    return mb << 20;
}

/* "exact" (four-centre integrals) or density fitting (anything else, checked). */
static int jk_exact(const char *jk) { return jk && strcmp(jk, "exact") == 0; }

os_status scf_terms_check(const os_scf_options *opt, os_error *err)
{
    if (opt->jk && strcmp(opt->jk, "df") != 0 && !jk_exact(opt->jk))
        return os_fail(err, OS_ERR_INPUT, "unknown J/K method '%.32s' (known: df, exact)",
                       opt->jk);
    if (opt->aux && jk_exact(opt->jk))
        return os_fail(err, OS_ERR_INPUT, "a fitting basis (%.64s) needs density fitting, not "
                                          "exact integrals", opt->aux);
    return opt->aux ? os_basis_check_aux(opt->aux, err) : OS_OK;
}

/* The early cycles run on a coarser grid (as ORCA and Q-Chem do): far from
 * convergence the XC term need not be exact, and on TFPAA- (B3LYP/6-31+G*)
 * its cost falls from 0.6 s to 0.25 s per cycle.  The last cycles, and so
 * the converged result, are on the grid asked for (scf.c switches at
 * EARLY_GRID_END). */
#define EARLY_GRID_RAD 50
#define EARLY_GRID_ANG 110

/* What the terms of this SCF are made for: nuclei, basis, J/K and grid
 * options (no allocation: the nuclei are the molecule's). */
static os_status terms_key(const scf_state *s, scf_terms *k, os_error *err)
{
    memset(k, 0, sizeof *k);
    k->natom = s->mol->natom;
    k->Z = s->mol->Z;
    k->xyz = s->mol->xyz;
    k->bs = s->bs;
    k->want_k = s->ax != 0.0;
    k->want_klr = s->bx != 0.0;
    k->omega = s->omega;
    k->nthreads = s->opt.nthreads;
    snprintf(k->aux_name, sizeof k->aux_name, "%s", s->opt.aux ? s->opt.aux : "");
    if (!s->is_dft) return OS_OK;
    k->need_grad = os_xc_family(s->xc) >= OS_XC_GGA;
    return os_grid_parse_spec(s->opt.grid, &k->nrad, &k->nang, err);
}

static int same_key(const scf_terms *a, const scf_terms *b)
{
    return a->natom == b->natom && a->bs == b->bs && a->want_k == b->want_k &&
           a->want_klr == b->want_klr && a->omega == b->omega && a->need_grad == b->need_grad &&
           a->nrad == b->nrad && a->nang == b->nang && a->nthreads == b->nthreads &&
           !strcmp(a->aux_name, b->aux_name) &&
           !memcmp(a->Z, b->Z, sizeof(int) * (size_t)a->natom) &&
           !memcmp(a->xyz, b->xyz, sizeof(double) * 3 * (size_t)a->natom);
}

/* J and K: density fitting over the molecule's fitting basis, or the exact
 * four-centre builder. */
static os_status two_electron_new(scf_state *s, scf_terms *t, os_error *err)
{
    os_jk_options jo = {
        .want_k = t->want_k,
        .omega = t->omega,
        .want_klr = t->want_klr,
        .schwarz = s->opt.schwarz,
        .nthreads = s->opt.nthreads,
        .memory_bytes = cache_budget(&s->opt),
    };
    if (jk_exact(s->opt.jk)) return os_jk_direct_new(s->bs, &jo, &t->jk, err);
    os_status st = os_basis_load_aux(s->mol, s->bs, s->opt.aux, s->opt.basis_dir, &t->aux, err);
    if (st != OS_OK) return st;
    t->have_aux = 1;
    return os_jk_df_new(s->bs, &t->aux, &jo, &t->jk, err);
}

static os_status xc_new(scf_state *s, scf_terms *t, os_error *err)
{
    int nthr = s->opt.nthreads;
    os_status st = os_grid_build(s->mol, t->nrad, t->nang, nthr, &t->grid, err);
    if (st != OS_OK) return st;
    t->have_grid = 1;
    if ((st = os_numint_new(s->bs, &t->grid, t->need_grad, nthr, &t->ni, err)) != OS_OK) return st;
    if (t->nrad * t->nang <= 2 * EARLY_GRID_RAD * EARLY_GRID_ANG) return OS_OK; /* small already */
    st = os_grid_build(s->mol, EARLY_GRID_RAD, EARLY_GRID_ANG, nthr, &t->grid_early, err);
    if (st != OS_OK) return st;
    t->have_grid_early = 1;
    return os_numint_new(s->bs, &t->grid_early, t->need_grad, nthr, &t->ni_early, err);
}

static void terms_free(scf_terms *t)
{
    os_jk_free(t->jk);
    if (t->have_aux) os_basis_free(&t->aux);
    os_numint_free(t->ni);
    if (t->have_grid) os_grid_free(&t->grid);
    os_numint_free(t->ni_early);
    if (t->have_grid_early) os_grid_free(&t->grid_early);
    memset(t, 0, sizeof *t);
}

/* The terms for key k, built into t (which takes k). */
static os_status terms_build(scf_state *s, scf_terms *t, const scf_terms *k, os_error *err)
{
    *t = *k;
    os_status st = two_electron_new(s, t, err);
    if (st == OS_OK && s->is_dft) st = xc_new(s, t, err);
    return st;
}

struct os_scf_shared {
    scf_terms t;
    int filled;
    int *Z;      /* the key's nuclei, copied */
    double *xyz;
};

os_status os_scf_shared_new(os_scf_shared **out, os_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? OS_OK : OS_NOMEM(err, "shared SCF terms");
}

static void shared_clear(os_scf_shared *sh)
{
    terms_free(&sh->t);
    free(sh->Z);
    free(sh->xyz);
    sh->Z = NULL;
    sh->xyz = NULL;
    sh->filled = 0;
}

void os_scf_shared_free(os_scf_shared *sh)
{
    if (!sh) return;
    shared_clear(sh);
    free(sh);
}

/* Terms from the shared set when it holds them for key k; else built into
 * it, replacing what it held.  Exact (four-centre) J/K is not shared: its
 * builder keeps the last density for incremental builds. */
static os_status shared_terms(scf_state *s, os_scf_shared *sh, const scf_terms *k, os_error *err)
{
    if (sh->filled && same_key(&sh->t, k)) {
        s->t = &sh->t;
        return OS_OK;
    }
    shared_clear(sh);
    size_t na = (size_t)k->natom;
    sh->Z = malloc(sizeof(int) * (na ? na : 1));
    sh->xyz = malloc(sizeof(double) * 3 * (na ? na : 1));
    if (!sh->Z || !sh->xyz) return OS_NOMEM(err, "shared SCF terms");
    os_status st = terms_build(s, &sh->t, k, err);
    if (st != OS_OK) {
        shared_clear(sh);
        return st;
    }
    memcpy(sh->Z, k->Z, sizeof(int) * na);
    memcpy(sh->xyz, k->xyz, sizeof(double) * 3 * na);
    sh->t.Z = sh->Z;
    sh->t.xyz = sh->xyz;
    sh->filled = 1;
    s->t = &sh->t;
    return OS_OK;
}

const scf_terms *scf_shared_terms(const os_scf_shared *sh, const os_molecule *mol,
                                  const os_basis *bs)
{
    if (!sh || !sh->filled || sh->t.bs != bs || sh->t.natom != mol->natom) return NULL;
    size_t na = (size_t)mol->natom;
    int same = !memcmp(sh->t.Z, mol->Z, sizeof(int) * na) &&
               !memcmp(sh->t.xyz, mol->xyz, sizeof(double) * 3 * na);
    return same ? &sh->t : NULL;
}

os_status scf_terms_new(scf_state *s, os_scf_result *res, os_error *err)
{
    os_status st = os_xc_new(s->opt.method, s->nspin, &s->xc, err);
    if (st != OS_OK) return st;
    os_xc_exx(s->xc, &s->ax, &s->bx, &s->omega);
    s->is_dft = os_xc_family(s->xc) != OS_XC_NONE;
    snprintf(res->method, sizeof res->method, "%s", os_xc_name(s->xc));
    scf_terms k;
    if ((st = scf_terms_check(&s->opt, err)) != OS_OK || (st = terms_key(s, &k, err)) != OS_OK)
        return st;
    if (s->opt.shared && !jk_exact(s->opt.jk)) {
        st = shared_terms(s, s->opt.shared, &k, err);
    } else {
        s->t = &s->own;
        st = terms_build(s, &s->own, &k, err);
    }
    if (st != OS_OK) return st;
    snprintf(res->jk, sizeof res->jk, "%s", jk_exact(s->opt.jk) ? "exact" : "df");
    if (s->t->have_aux) snprintf(res->aux, sizeof res->aux, "%s", s->t->aux.name);
    if (s->is_dft) snprintf(res->grid, sizeof res->grid, "%d,%d", k.nrad, k.nang);
    s->early_grid = s->t->ni_early != NULL;
    return OS_OK;
}

void scf_terms_free(scf_state *s)
{
    terms_free(&s->own);
    s->t = NULL;
    s->early_grid = 0;
    os_xc_free(s->xc);
    s->xc = NULL;
}

/* Total density P = Da + Db (restricted: 2 D). */
static void total_density(const scf_state *s, double *P)
{
    size_t n2 = (size_t)s->n * s->n;
    for (size_t k = 0; k < n2; ++k)
        P[k] = s->nspin == 1 ? 2 * s->D[k] : s->D[k] + s->D[n2 + k];
}

static os_status external_terms(scf_state *s, double *energy, os_error *err)
{
    size_t n2 = (size_t)s->n * s->n;
    memset(s->Vext, 0, n2 * sizeof(double));
    *energy = 0.0;
    for (int t = 0; t < s->opt.npotentials; ++t) {
        const os_scf_potential *p = &s->opt.potentials[t];
        double e = 0.0;
        os_status st = p->build(p->ctx, s->P, s->Vext, &e, err);
        if (st != OS_OK) return st;
        *energy += e;
    }
    return OS_OK;
}

/* The Fock matrix of s->D; with reuse_jk, J and K are those of the last
 * build (same density). */
static os_status fock(scf_state *s, int reuse_jk, scf_energy *e, os_error *err)
{
    int nspin = s->nspin;
    size_t n2 = (size_t)s->n * s->n;
    memset(e, 0, sizeof *e);
    double t0 = omp_get_wtime();
    os_status st = reuse_jk ? OS_OK
                            : os_jk_build(s->t->jk, nspin, s->D, s->J, s->ax != 0.0 ? s->K : NULL,
                                          s->bx != 0.0 ? s->Klr : NULL, err);
    e->jk_s = omp_get_wtime() - t0;
    if (st != OS_OK) return st;
    total_density(s, s->P);
    if (s->is_dft) {
        /* libxc takes the total density when restricted. */
        const double *Dxc = nspin == 1 ? s->P : s->D;
        t0 = omp_get_wtime();
        st = os_numint_vxc(s->early_grid ? s->t->ni_early : s->t->ni, s->xc, nspin, Dxc, &e->xc,
                           &e->nelec_grid, s->Vxc, err);
        e->xc_s = omp_get_wtime() - t0;
        if (st != OS_OK) return st;
    }
    if (s->opt.npotentials > 0 && (st = external_terms(s, &e->external, err)) != OS_OK) return st;

    double occ = nspin == 1 ? 2.0 : 1.0; /* electrons per spatial orbital of D */
    for (int sp = 0; sp < nspin; ++sp) {
        double *Fs = s->F + sp * n2;
        const double *Ds = s->D + sp * n2, *Ks = s->K + sp * n2, *Kl = s->Klr + sp * n2;
        const double *Vs = s->Vxc + sp * n2;
        for (size_t k = 0; k < n2; ++k) {
            double kx = s->ax * Ks[k] + s->bx * Kl[k];
            Fs[k] = s->H[k] + s->J[k] - kx + Vs[k];
            if (s->opt.npotentials > 0) Fs[k] += s->Vext[k];
            e->one_electron += occ * Ds[k] * s->H[k];
            e->coulomb += 0.5 * occ * Ds[k] * s->J[k];
            e->exchange -= 0.5 * occ * Ds[k] * kx;
        }
    }
    e->total = e->one_electron + e->coulomb + e->exchange + e->xc + e->external +
               os_molecule_nuclear_repulsion(s->mol);
    return OS_OK;
}

os_status scf_fock(scf_state *s, scf_energy *e, os_error *err) { return fock(s, 0, e, err); }

os_status scf_external_refresh(scf_state *s, os_error *err)
{
    double e_ext;
    total_density(s, s->P);
    return external_terms(s, &e_ext, err);
}

os_status scf_final_grid(scf_state *s, scf_energy *e, os_error *err)
{
    s->early_grid = 0;
    return fock(s, 1, e, err);
}
