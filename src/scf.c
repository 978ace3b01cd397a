/* The SCF kernel, RHF/UHF and RKS/UKS in one loop, read top to bottom:
 *   overlap -> orthogonalizer -> core Hamiltonian -> guess ->
 *   loop { J/K (incremental) + Vxc -> energy -> DIIS -> diagonalize -> occupy -> density }
 * Kohn-Sham differs from Hartree-Fock only in the effective potential:
 *   F_s = H + J - (alpha K_s + beta K_s^lr) + Vxc_s.
 * Converged when |dE| < e_conv and max|X^T (F D S - S D F) X| < g_conv. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diis.h"
#include "error.h"
#include "fock.h"
#include "grid.h"
#include "guess.h"
#include "integrals.h"
#include "linalg.h"
#include "numint.h"
#include "orbscreen.h"
#include "xc.h"

/* Incremental Fock builds accumulate screening error; rebuild from scratch this often. */
#define FULL_REBUILD_EVERY 8
#define DIIS_VECTORS 8

void os_scf_options_default(os_scf_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = "b3lyp";
    o->grid = NULL;
    o->max_iter = 100;
    o->e_conv = 1e-9;
    o->g_conv = 1e-7;
    o->lindep = 1e-7;
    o->schwarz = 1e-12;
    o->nthreads = 0;
    o->unrestricted = -1;
    o->log = NULL;
}

os_status os_scf_options_check(const os_scf_options *o, os_error *err)
{
    os_xc *xc;
    os_status st = os_xc_new(o->method ? o->method : "b3lyp", 1, &xc, err);
    if (st != OS_OK) return st;
    int is_dft = os_xc_family(xc) != OS_XC_NONE;
    os_xc_free(xc);
    int nrad, nang;
    return is_dft ? os_grid_parse_spec(o->grid, &nrad, &nang, err) : OS_OK;
}

void os_scf_result_free(os_scf_result *r)
{
    free(r->eps_a);
    free(r->eps_b);
    free(r->C_a);
    free(r->C_b);
    r->eps_a = r->eps_b = r->C_a = r->C_b = NULL;
}

/* Bytes the integral cache may use: the option, else half the machine's memory. */
static size_t cache_budget(const os_scf_options *o)
{
    if (o->memory_mb > 0) return (size_t)o->memory_mb << 20;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? (size_t)pages * (size_t)page / 2 : 0;
}

/* Everything one SCF run owns; freed in one place. */
typedef struct {
    int n, nmo, nspin;
    double *S, *H, *X;           /* nbf^2, nbf^2, nbf*nmo */
    double *D, *Dold, *dD;       /* nspin*nbf^2 (spin densities) */
    double *J, *K, *Klr, *Vxc;   /* J per spin density; K, Klr, Vxc per spin */
    double *F, *Fdiis, *err;     /* nspin*nbf^2, nspin*nbf^2, nspin*nmo^2 */
    double *work, *work2;        /* nbf^2 scratch */
    os_xc *xc;
    os_grid grid;
    int have_grid;
    os_numint *ni;
    os_fock *fk, *fk_lr;
    os_diis diis;
} scf_state;

static void state_free(scf_state *s)
{
    double **bufs[] = {&s->S, &s->H, &s->X, &s->D, &s->Dold, &s->dD, &s->J, &s->K,
                       &s->Klr, &s->Vxc, &s->F, &s->Fdiis, &s->err, &s->work, &s->work2};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) {
        free(*bufs[i]);
        *bufs[i] = NULL;
    }
    os_xc_free(s->xc);
    if (s->have_grid) os_grid_free(&s->grid);
    os_numint_free(s->ni);
    os_fock_free(s->fk);
    os_fock_free(s->fk_lr);
    os_diis_free(&s->diis);
}

/* D = C_occ C_occ^T for the nocc lowest orbitals. */
static void density(int n, int nmo, int nocc, const double *C, double *D)
{
    if (nocc == 0) {
        memset(D, 0, (size_t)n * n * sizeof(double));
        return;
    }
    /* C is n x nmo row-major; only its first nocc columns enter. */
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j) {
            double v = 0;
            for (int k = 0; k < nocc; ++k) v += C[i * nmo + k] * C[j * nmo + k];
            D[i * n + j] = D[j * n + i] = v;
        }
}

/* Orbital gradient X^T (F D S - S D F) X into e (nmo^2); returns max |element|. */
static double orbital_gradient(int n, int nmo, const double *F, const double *D, const double *S,
                               const double *X, double *e, double *w1, double *w2)
{
    os_gemm(0, 0, n, n, n, 1.0, F, D, 0.0, w1);   /* FD */
    os_gemm(0, 0, n, n, n, 1.0, w1, S, 0.0, w2);  /* FDS */
    for (int i = 0; i < n; ++i)                   /* FDS - (FDS)^T = FDS - SDF */
        for (int j = 0; j < i; ++j) {
            double a = w2[i * n + j] - w2[j * n + i];
            w2[i * n + j] = a;
            w2[j * n + i] = -a;
        }
    for (int i = 0; i < n; ++i) w2[i * n + i] = 0;
    os_gemm(0, 0, n, nmo, n, 1.0, w2, X, 0.0, w1);
    os_gemm(1, 0, nmo, nmo, n, 1.0, X, w1, 0.0, e);
    double m = 0;
    for (size_t k = 0; k < (size_t)nmo * nmo; ++k) m = fmax(m, fabs(e[k]));
    return m;
}

static os_status alloc_all(scf_state *s, int n, int nmo, int nspin, os_error *err)
{
    size_t n2 = (size_t)n * n, ns2 = nspin * n2;
    s->D = os_zeros(ns2);
    s->Dold = os_zeros(ns2);
    s->dD = os_zeros(ns2);
    s->J = os_zeros(ns2);
    s->K = os_zeros(ns2);
    s->Klr = os_zeros(ns2);
    s->Vxc = os_zeros(ns2);
    s->F = os_zeros(ns2);
    s->Fdiis = os_zeros(ns2);
    s->err = os_zeros((size_t)nspin * nmo * nmo);
    s->work = os_zeros(n2 + (size_t)nmo * nmo);
    s->work2 = os_zeros(n2 + (size_t)nmo * nmo);
    if (!s->D || !s->Dold || !s->dD || !s->J || !s->K || !s->Klr || !s->Vxc || !s->F ||
        !s->Fdiis || !s->err || !s->work || !s->work2)
        return OS_NOMEM(err, "SCF matrices");
    return OS_OK;
}

os_status os_scf_run(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt_in,
                     os_scf_result *res, os_error *err)
{
    os_scf_options opt;
    if (opt_in)
        opt = *opt_in;
    else
        os_scf_options_default(&opt);
    if (!opt.method) opt.method = "b3lyp";
    memset(res, 0, sizeof *res);
    scf_state s;
    memset(&s, 0, sizeof s);
    os_status st;

    int nel = os_molecule_nelectron(mol);
    int nalpha = (nel + mol->mult - 1) / 2, nbeta = nel - nalpha;
    int unrestricted = opt.unrestricted < 0 ? (mol->mult > 1) : opt.unrestricted;
    if (!unrestricted && nalpha != nbeta)
        return os_fail(err, OS_ERR_INPUT,
                       "%s: multiplicity %d needs an unrestricted calculation", mol->name,
                       mol->mult);
    int nspin = unrestricted ? 2 : 1;
    int n = bs->nbf;
    size_t n2 = (size_t)n * n;
    int nthreads = opt.nthreads > 0 ? opt.nthreads : omp_get_max_threads();
    /* Grid and numint take the calling thread's OpenMP default: make it ours
     * (per thread, so molecules run side by side do not oversubscribe). */
    omp_set_num_threads(nthreads);

    st = os_xc_new(opt.method, nspin, &s.xc, err);
    if (st != OS_OK) return st;
    double ax, bx, omega;
    os_xc_exx(s.xc, &ax, &bx, &omega);
    int is_dft = os_xc_family(s.xc) != OS_XC_NONE;

    st = os_integrals_init(err);
    if (st != OS_OK) goto out;

    /* One-electron part and orthogonalizer. */
    s.S = os_zeros(n2);
    s.H = os_zeros(n2);
    s.work = os_zeros(n2);
    if (!s.S || !s.H || !s.work) {
        st = OS_NOMEM(err, "one-electron matrices");
        goto out;
    }
    if ((st = os_int1e_overlap(bs, s.S, err)) != OS_OK) goto out;
    if ((st = os_int1e_kinetic(bs, s.H, err)) != OS_OK) goto out;
    if ((st = os_int1e_nuclear(bs, mol, s.work, err)) != OS_OK) goto out;
    for (size_t k = 0; k < n2; ++k) s.H[k] += s.work[k];
    free(s.work);
    s.work = NULL;
    int nmo = 0;
    st = os_orthogonalizer(n, s.S, opt.lindep, &s.X, &nmo, &res->s_min_eig, err);
    if (st != OS_OK) goto out;
    if (nalpha > nmo) {
        st = os_fail(err, OS_ERR_INPUT, "%s: %d occupied orbitals but only %d basis functions",
                     mol->name, nalpha, nmo);
        goto out;
    }
    res->nbf = n;
    res->nmo = nmo;
    res->n_dropped = n - nmo;
    res->lindep = opt.lindep;
    res->nalpha = nalpha;
    res->nbeta = nbeta;
    res->unrestricted = unrestricted;
    res->e_nuc = os_molecule_nuclear_repulsion(mol);
    snprintf(res->method, sizeof res->method, "%s", os_xc_name(s.xc));
    if ((st = alloc_all(&s, n, nmo, nspin, err)) != OS_OK) goto out;
    res->eps_a = os_zeros(nmo);
    res->C_a = os_zeros((size_t)n * nmo);
    if (unrestricted) {
        res->eps_b = os_zeros(nmo);
        res->C_b = os_zeros((size_t)n * nmo);
    }
    if (!res->eps_a || !res->C_a || (unrestricted && (!res->eps_b || !res->C_b))) {
        st = OS_NOMEM(err, "orbitals");
        goto out;
    }

    /* Two-electron machinery: J/K builders, and the grid for DFT. */
    /* The integral cache budget is shared with the long-range builder, if any. */
    size_t cache = cache_budget(&opt) / (bx != 0.0 ? 2 : 1);
    if ((st = os_fock_new(bs, 0.0, opt.schwarz, nthreads, cache, &s.fk, err)) != OS_OK) goto out;
    if (bx != 0.0 &&
        (st = os_fock_new(bs, omega, opt.schwarz, nthreads, cache, &s.fk_lr, err)) != OS_OK)
        goto out;
    if (is_dft) {
        int nrad, nang;
        if ((st = os_grid_parse_spec(opt.grid, &nrad, &nang, err)) != OS_OK) goto out;
        if ((st = os_grid_build(mol, nrad, nang, &s.grid, err)) != OS_OK) goto out;
        s.have_grid = 1;
        snprintf(res->grid, sizeof res->grid, "%d,%d", nrad, nang);
        if ((st = os_numint_new(bs, &s.grid, os_xc_family(s.xc) >= OS_XC_GGA, &s.ni, err)) !=
            OS_OK)
            goto out;
    }
    if (opt.log)
        fprintf(opt.log,
                "%s: %s/%s, %d basis functions (%d kept, min S eigenvalue %.2e, threshold %.0e), "
                "%s, %d alpha + %d beta electrons%s%s, integral cache %.0f MB\n",
                mol->name, res->method, bs->name, n, nmo, res->s_min_eig, opt.lindep,
                unrestricted ? "unrestricted" : "restricted", nalpha, nbeta,
                is_dft ? ", grid " : "", res->grid,
                (os_fock_cache_bytes(s.fk) + (s.fk_lr ? os_fock_cache_bytes(s.fk_lr) : 0)) / 1048576.0);

    /* Guess: superposition of atomic densities, projected to the right
     * electron count by one diagonalization of its Fock matrix below. */
    double *Dguess = os_zeros(n2);
    if (!Dguess) {
        st = OS_NOMEM(err, "guess density");
        goto out;
    }
    st = os_guess_sad(mol, bs, Dguess, err);
    if (st != OS_OK) {
        free(Dguess);
        goto out;
    }
    for (int sp = 0; sp < nspin; ++sp)
        for (size_t k = 0; k < n2; ++k) s.D[sp * n2 + k] = Dguess[k] / 2.0;
    free(Dguess);
    int guess_pending = 1; /* the SAD density has the neutral atoms' electron count */

    if ((st = os_diis_init(&s.diis, DIIS_VECTORS, nspin * n2, (size_t)nspin * nmo * nmo, err)) !=
        OS_OK)
        goto out;

    double E = 0, Eold = 0, dE = 0;
    int iter, converged = 0;
    double gmax = 0;
    for (iter = 1; iter <= opt.max_iter; ++iter) {
        /* J and K from the change in density since the last build (incremental). */
        int full = (iter - 1) % FULL_REBUILD_EVERY == 0;
        for (size_t k = 0; k < nspin * n2; ++k) {
            s.dD[k] = full ? s.D[k] : s.D[k] - s.Dold[k];
            s.Dold[k] = s.D[k];
        }
        double *dJ = s.F, *dK = s.Fdiis; /* scratch until F is formed */
        int need_k = ax != 0.0;
        if ((st = os_fock_jk(s.fk, nspin, s.dD, dJ, need_k ? dK : NULL, err)) != OS_OK) goto out;
        for (size_t k = 0; k < nspin * n2; ++k) {
            s.J[k] = full ? dJ[k] : s.J[k] + dJ[k];
            if (need_k) s.K[k] = full ? dK[k] : s.K[k] + dK[k];
        }
        if (s.fk_lr) {
            if ((st = os_fock_jk(s.fk_lr, nspin, s.dD, NULL, dK, err)) != OS_OK) goto out;
            for (size_t k = 0; k < nspin * n2; ++k) s.Klr[k] = full ? dK[k] : s.Klr[k] + dK[k];
        }
        double exc = 0;
        if (is_dft) {
            double nelec = 0;
            /* Restricted: libxc gets the total density. */
            if (nspin == 1)
                for (size_t k = 0; k < n2; ++k) s.dD[k] = 2 * s.D[k];
            const double *Dxc = nspin == 1 ? s.dD : s.D;
            if ((st = os_numint_vxc(s.ni, s.xc, nspin, Dxc, &exc, &nelec, s.Vxc, err)) != OS_OK)
                goto out;
            res->nelec_grid = nelec;
        }

        /* Fock matrices and energy. */
        double e1 = 0, ej = 0, ek = 0;
        double *Jt = s.work; /* total Coulomb matrix */
        for (size_t k = 0; k < n2; ++k)
            Jt[k] = nspin == 1 ? 2 * s.J[k] : s.J[k] + s.J[n2 + k];
        double occ = nspin == 1 ? 2.0 : 1.0; /* electrons per spatial orbital of D */
        for (int sp = 0; sp < nspin; ++sp) {
            double *Fs = s.F + sp * n2;
            const double *Ds = s.D + sp * n2, *Ks = s.K + sp * n2, *Kl = s.Klr + sp * n2;
            for (size_t k = 0; k < n2; ++k) {
                double kx = ax * Ks[k] + bx * Kl[k];
                Fs[k] = s.H[k] + Jt[k] - kx + s.Vxc[sp * n2 + k];
                e1 += occ * Ds[k] * s.H[k];
                ej += 0.5 * occ * Ds[k] * Jt[k];
                ek -= 0.5 * occ * Ds[k] * kx;
            }
        }
        E = e1 + ej + ek + exc + res->e_nuc;
        if (!isfinite(E)) {
            st = os_fail(err, OS_ERR_NUMERIC, "%s: SCF energy is not finite at iteration %d",
                         mol->name, iter);
            goto out;
        }

        dE = E - Eold;
        gmax = 0;
        if (!guess_pending) {
            for (int sp = 0; sp < nspin; ++sp)
                gmax = fmax(gmax, orbital_gradient(n, nmo, s.F + sp * n2, s.D + sp * n2, s.S, s.X,
                                                   s.err + (size_t)sp * nmo * nmo, s.work,
                                                   s.work2));
            if (opt.log)
                fprintf(opt.log, "  iter %3d  E = %.12f  dE = % .3e  |g| = %.3e  quartets %ld%s\n",
                        iter, E, dE, gmax, os_fock_last_quartets(s.fk), full ? " (full)" : "");
            if (iter > 1 && fabs(dE) < opt.e_conv && gmax < opt.g_conv) {
                converged = 1;
                res->e_xc = exc;
                break;
            }
            if ((st = os_diis_extrapolate(&s.diis, s.F, s.err, s.Fdiis, err)) != OS_OK) goto out;
        } else {
            memcpy(s.Fdiis, s.F, nspin * n2 * sizeof(double));
            if (opt.log) fprintf(opt.log, "  iter %3d  guess (superposition of atomic densities)\n", iter);
        }
        Eold = guess_pending ? 0 : E;
        guess_pending = 0;

        /* New orbitals and densities. */
        for (int sp = 0; sp < nspin; ++sp) {
            double *C = sp == 0 ? res->C_a : res->C_b, *eps = sp == 0 ? res->eps_a : res->eps_b;
            if ((st = os_diagonalize(n, nmo, s.X, s.Fdiis + sp * n2, C, eps, s.work2, err)) != OS_OK)
                goto out;
            density(n, nmo, sp == 0 ? nalpha : nbeta, C, s.D + sp * n2);
        }
    }
    res->iterations = converged ? iter : opt.max_iter;
    res->energy = E;
    res->converged = converged;

    /* Orbitals of the converged Fock matrix itself (not the extrapolated one). */
    for (int sp = 0; sp < nspin; ++sp) {
        double *C = sp == 0 ? res->C_a : res->C_b, *eps = sp == 0 ? res->eps_a : res->eps_b;
        if ((st = os_diagonalize(n, nmo, s.X, s.F + sp * n2, C, eps, s.work2, err)) != OS_OK) goto out;
    }
    res->homo = nalpha > 0 ? res->eps_a[nalpha - 1] : -INFINITY;
    res->lumo = nalpha < nmo ? res->eps_a[nalpha] : INFINITY;
    if (unrestricted) {
        if (nbeta > 0) res->homo = fmax(res->homo, res->eps_b[nbeta - 1]);
        if (nbeta < nmo) res->lumo = fmin(res->lumo, res->eps_b[nbeta]);
    }
    if (!converged)
        st = os_fail(err, OS_ERR_NOCONV,
                     "%s: SCF not converged in %d iterations (last dE %.2e Eh, |g| %.2e)",
                     mol->name, opt.max_iter, dE, gmax);
out:
    state_free(&s);
    return st;
}
