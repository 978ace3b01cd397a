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

/* J and K: density fitting over the molecule's fitting basis, or the exact
 * four-centre builder. */
static os_status two_electron_new(scf_state *s, os_scf_result *res, os_error *err)
{
    os_jk_options jo = {
        .want_k = s->ax != 0.0,
        .omega = s->omega,
        .want_klr = s->bx != 0.0,
        .schwarz = s->opt.schwarz,
        .nthreads = s->opt.nthreads,
        .memory_bytes = cache_budget(&s->opt),
    };
    os_status st = scf_terms_check(&s->opt, err);
    if (st != OS_OK) return st;
    if (jk_exact(s->opt.jk)) {
        snprintf(res->jk, sizeof res->jk, "exact");
        return os_jk_direct_new(s->bs, &jo, &s->jk, err);
    }
    if ((st = os_basis_load_aux(s->mol, s->bs, s->opt.aux, s->opt.basis_dir, &s->aux, err)) != OS_OK)
        return st;
    s->have_aux = 1;
    snprintf(res->jk, sizeof res->jk, "df");
    snprintf(res->aux, sizeof res->aux, "%s", s->aux.name);
    return os_jk_df_new(s->bs, &s->aux, &jo, &s->jk, err);
}

/* The early cycles run on a coarser grid (as ORCA and Q-Chem do): far from
 * convergence the XC term need not be exact, and on TFPAA- (B3LYP/6-31+G*)
 * its cost falls from 0.6 s to 0.15 s per cycle.  The last cycles, and so
 * the converged result, are on the grid asked for (scf.c switches at
 * EARLY_GRID_END). */
#define EARLY_GRID_RAD 50
#define EARLY_GRID_ANG 110

static os_status xc_new(scf_state *s, os_scf_result *res, os_error *err)
{
    int nrad, nang, gga = os_xc_family(s->xc) >= OS_XC_GGA;
    os_status st = os_grid_parse_spec(s->opt.grid, &nrad, &nang, err);
    if (st != OS_OK) return st;
    if ((st = os_grid_build(s->mol, nrad, nang, s->opt.nthreads, &s->grid, err)) != OS_OK)
        return st;
    s->have_grid = 1;
    snprintf(res->grid, sizeof res->grid, "%d,%d", nrad, nang);
    if ((st = os_numint_new(s->bs, &s->grid, gga, s->opt.nthreads, &s->ni, err)) != OS_OK)
        return st;
    if (nrad * nang <= 2 * EARLY_GRID_RAD * EARLY_GRID_ANG) return OS_OK; /* small already */
    if ((st = os_grid_build(s->mol, EARLY_GRID_RAD, EARLY_GRID_ANG, s->opt.nthreads, &s->grid_early,
                            err)) != OS_OK)
        return st;
    s->have_grid_early = s->early_grid = 1;
    return os_numint_new(s->bs, &s->grid_early, gga, s->opt.nthreads, &s->ni_early, err);
}

os_status scf_terms_new(scf_state *s, os_scf_result *res, os_error *err)
{
    os_status st = os_xc_new(s->opt.method, s->nspin, &s->xc, err);
    if (st != OS_OK) return st;
    os_xc_exx(s->xc, &s->ax, &s->bx, &s->omega);
    s->is_dft = os_xc_family(s->xc) != OS_XC_NONE;
    snprintf(res->method, sizeof res->method, "%s", os_xc_name(s->xc));
    if ((st = two_electron_new(s, res, err)) != OS_OK) return st;
    if (s->is_dft && (st = xc_new(s, res, err)) != OS_OK) return st;
    return OS_OK;
}

void scf_terms_free(scf_state *s)
{
    os_jk_free(s->jk);
    s->jk = NULL;
    if (s->have_aux) os_basis_free(&s->aux);
    s->have_aux = 0;
    os_numint_free(s->ni);
    s->ni = NULL;
    if (s->have_grid) os_grid_free(&s->grid);
    s->have_grid = 0;
    os_numint_free(s->ni_early);
    s->ni_early = NULL;
    if (s->have_grid_early) os_grid_free(&s->grid_early);
    s->have_grid_early = s->early_grid = 0;
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
                            : os_jk_build(s->jk, nspin, s->D, s->J, s->ax != 0.0 ? s->K : NULL,
                                          s->bx != 0.0 ? s->Klr : NULL, err);
    e->jk_s = omp_get_wtime() - t0;
    if (st != OS_OK) return st;
    total_density(s, s->P);
    if (s->is_dft) {
        /* libxc takes the total density when restricted. */
        const double *Dxc = nspin == 1 ? s->P : s->D;
        t0 = omp_get_wtime();
        st = os_numint_vxc(s->early_grid ? s->ni_early : s->ni, s->xc, nspin, Dxc, &e->xc,
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

os_status scf_final_grid(scf_state *s, scf_energy *e, os_error *err)
{
    s->early_grid = 0;
    return fock(s, 1, e, err);
}
