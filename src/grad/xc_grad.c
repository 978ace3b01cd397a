/* The XC gradient on the SCF's molecular grid, E_xc = sum_p w_p f(rho(r_p)):
 *
 *   basis functions  at fixed points and weights, d phi_mu/dR = -grad phi_mu
 *                    for mu on atom R.  Per spin channel s (restricted: the
 *                    total density), with X = D phi, a = w v_rho,
 *                    g = w (2 v_sigma_ss grad rho_s + v_sigma_ab grad rho_other),
 *                    t = w v_tau, U = D (a phi + g . grad phi), Y = D grad phi:
 *                      dE/dR_A = -2 sum_{mu on A} sum_p c_mu(p),
 *                      c_mu = grad phi_mu U_mu + X_mu (H_mu g) + 1/2 t H_mu Y_mu
 *                    (H the Hessian of phi; the tau term for meta-GGAs only);
 *   grid points      each point moves with its atom O: w_p grad_r f = -sum_B
 *                    (atom B's basis-function term at p) goes to O, i.e.
 *                    +2 sum_mu c_mu(p);
 *   grid weights     Becke weights depend on every atom: f_p dw_p/dR (becke.c).
 * The first is what Psi4 1.3.2 computes; the last two make the gradient the
 * derivative of the energy on a grid that moves with the molecule (they sum
 * to zero over atoms with the first: translational invariance).
 * Blocks of points and their significant shells come from numint.c, basis
 * values and gradients from its evaluator. */
#include "grad/grad.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lanes.h"
#include "core/linalg.h"
#include "core/threads.h"
#include "dft/becke.h"
#include "dft/numint.h"
#include "integrals/cart2sph.h"

typedef struct {
    const os_molecule *mol;
    const os_basis *bs;
    const os_grid *g;
    const os_xc *xc;
    const os_numint *ni;
    os_becke becke;
    int nspin, family, nbf, natom, max_nf, max_np;
    const double *D;
    double *T[OS_MAX_L + 1];
} xcg;

/* One thread's buffers (sized for the largest block). */
typedef struct {
    double *phi, *grad, *hess;     /* nf*np, 3 nf np, 6 nf np */
    double *X[2], *Y[2];           /* D phi (nf np), D grad phi (3 nf np, meta-GGA) */
    double *A, *U, *Dblk;          /* nf np, nf np, nf nf */
    double *cart, *cgrad, *pw, *hw;
    double *rho, *gr, *tau;        /* per spin: np, 3 np, np */
    double *rin, *sig, *tin;       /* libxc inputs (interleaved for nspin = 2) */
    double *exc, *vrho, *vsig, *vtau;
    double *gv, *cp, *bw;          /* weighted g (3 np), point sums (3 np), Becke work */
    int *fidx, *fatom;
    double *gxc, *ggrid;           /* natom*3 each: the lane's sums (not owned) */
} xc_work;

static void work_free(xc_work *w)
{
    double *bufs[] = {w->phi, w->grad, w->hess, w->X[0], w->X[1], w->Y[0], w->Y[1], w->A, w->U,
                      w->Dblk, w->cart, w->cgrad, w->pw, w->hw, w->rho, w->gr, w->tau, w->rin,
                      w->sig, w->tin, w->exc, w->vrho, w->vsig, w->vtau, w->gv, w->cp, w->bw};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) free(bufs[i]);
    free(w->fidx);
    free(w->fatom);
}

static int work_alloc(xc_work *w, const xcg *c)
{
    memset(w, 0, sizeof *w);
    size_t np = (size_t)(c->max_np ? c->max_np : 1), nf = (size_t)(c->max_nf ? c->max_nf : 1);
    size_t nc = (size_t)os_ncart(c->bs->max_l), l1 = (size_t)c->bs->max_l + 1;
    int gga = c->family >= OS_XC_GGA, mgga = c->family >= OS_XC_MGGA;
    size_t fnp = nf * np;
#define ALLOC(p, n) ((p) = malloc(sizeof(double) * (n)))
    int ok = ALLOC(w->phi, fnp) && ALLOC(w->grad, 3 * fnp) && ALLOC(w->A, fnp) &&
             ALLOC(w->U, fnp) && ALLOC(w->Dblk, nf * nf) && ALLOC(w->cart, nc * np) &&
             ALLOC(w->cgrad, 3 * nc * np) && ALLOC(w->pw, np * (5 + 3 * l1)) &&
             ALLOC(w->rho, 2 * np) && ALLOC(w->gr, 6 * np) && ALLOC(w->tau, 2 * np) &&
             ALLOC(w->rin, 2 * np) && ALLOC(w->sig, 3 * np) && ALLOC(w->tin, 2 * np) &&
             ALLOC(w->exc, np) && ALLOC(w->vrho, 2 * np) && ALLOC(w->vsig, 3 * np) &&
             ALLOC(w->vtau, 2 * np) && ALLOC(w->gv, 3 * np) && ALLOC(w->cp, 3 * np) &&
             ALLOC(w->bw, OS_BECKE_GRAD_WORK(c->natom));
    for (int s = 0; s < c->nspin && ok; ++s) {
        ok = ALLOC(w->X[s], fnp) != NULL;
        if (ok && mgga) ok = ALLOC(w->Y[s], 3 * fnp) != NULL;
    }
    if (ok && gga) ok = ALLOC(w->hess, 6 * fnp) && ALLOC(w->hw, (6 * nc + 6 + 3 * l1) * np);
#undef ALLOC
    w->fidx = malloc(sizeof(int) * nf);
    w->fatom = malloc(sizeof(int) * nf);
    return ok && w->fidx && w->fatom;
}

/* Basis values, gradients (and Hessians for GGAs) of the block's functions. */
static int block_basis(const xcg *c, int b, int np, const double *xyz, xc_work *w)
{
    const int *sh;
    int nsh = os_numint_block_shells(c->ni, b, &sh), nf = 0;
    for (int k = 0; k < nsh; ++k) {
        const os_shell *s = &c->bs->shells[sh[k]];
        os_numint_eval_shell(s, c->T[s->l], np, xyz, w->phi + (size_t)nf * np,
                             w->grad + (size_t)3 * nf * np, np, w->cart, w->cgrad, w->pw);
        if (c->family >= OS_XC_GGA)
            os_basis_hessian(s, c->T[s->l], np, xyz, w->hess + (size_t)6 * nf * np, np, w->hw);
        for (int i = 0; i < s->nbf; ++i) {
            w->fidx[nf + i] = s->bf0 + i;
            w->fatom[nf + i] = s->atom;
        }
        nf += s->nbf;
    }
    return nf;
}

/* rho_s, grad rho_s, tau_s and X_s (Y_s) of each spin channel. */
static void block_density(const xcg *c, int nf, int np, xc_work *w)
{
    int gga = c->family >= OS_XC_GGA, mgga = c->family >= OS_XC_MGGA, g3 = 3 * np;
    for (int s = 0; s < c->nspin; ++s) {
        const double *Ds = c->D + (size_t)s * c->nbf * c->nbf;
        for (int i = 0; i < nf; ++i)
            for (int j = 0; j < nf; ++j)
                w->Dblk[(size_t)i * nf + j] = Ds[(size_t)w->fidx[i] * c->nbf + w->fidx[j]];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nf, np, nf, 1.0, w->Dblk, nf,
                    w->phi, np, 0.0, w->X[s], np);
        double *rho = w->rho + (size_t)s * np, *gr = w->gr + (size_t)s * g3;
        memset(rho, 0, sizeof(double) * np);
        if (gga) memset(gr, 0, sizeof(double) * g3);
        for (int i = 0; i < nf; ++i) {
            const double *x = w->X[s] + (size_t)i * np, *ph = w->phi + (size_t)i * np;
            const double *gi = w->grad + (size_t)i * g3;
            for (int p = 0; p < np; ++p) rho[p] += x[p] * ph[p];
            if (gga)
                for (int k = 0; k < 3; ++k)
                    for (int p = 0; p < np; ++p) gr[k * np + p] += 2.0 * x[p] * gi[k * np + p];
        }
        if (!mgga) continue;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nf, g3, nf, 1.0, w->Dblk, nf,
                    w->grad, g3, 0.0, w->Y[s], g3);
        double *tau = w->tau + (size_t)s * np;
        memset(tau, 0, sizeof(double) * np);
        for (int i = 0; i < nf; ++i) {
            const double *y = w->Y[s] + (size_t)i * g3, *gi = w->grad + (size_t)i * g3;
            for (int k = 0; k < 3; ++k)
                for (int p = 0; p < np; ++p) tau[p] += 0.5 * y[k * np + p] * gi[k * np + p];
        }
    }
}

/* libxc at the block's points: exc, vrho, vsigma, vtau (libxc layouts). */
static os_status block_functional(const xcg *c, int np, xc_work *w, os_error *err)
{
    int gga = c->family >= OS_XC_GGA, mgga = c->family >= OS_XC_MGGA, ns = c->nspin;
    const double *ga = w->gr, *gb = w->gr + 3 * np;
    for (int p = 0; p < np; ++p) {
        for (int s = 0; s < ns; ++s) {
            w->rin[ns * p + s] = w->rho[s * np + p];
            if (mgga) w->tin[ns * p + s] = w->tau[s * np + p];
        }
        if (!gga) continue;
        double aa = 0, ab = 0, bb = 0;
        for (int k = 0; k < 3; ++k) {
            aa += ga[k * np + p] * ga[k * np + p];
            if (ns == 2) {
                ab += ga[k * np + p] * gb[k * np + p];
                bb += gb[k * np + p] * gb[k * np + p];
            }
        }
        if (ns == 1) {
            w->sig[p] = aa;
        } else {
            w->sig[3 * p] = aa;
            w->sig[3 * p + 1] = ab;
            w->sig[3 * p + 2] = bb;
        }
    }
    return os_xc_eval(c->xc, np, w->rin, gga ? w->sig : NULL, mgga ? w->tin : NULL, w->exc,
                      w->vrho, gga ? w->vsig : NULL, mgga ? w->vtau : NULL, err);
}

/* The basis-function terms of spin channel s: c_mu(p) summed over points into
 * the gradient of mu's atom (times -2), and over functions into cp (the
 * points' movement). */
static void block_channel(const xcg *c, int s, int nf, int np, const double *wt, xc_work *w)
{
    int gga = c->family >= OS_XC_GGA, mgga = c->family >= OS_XC_MGGA, ns = c->nspin, g3 = 3 * np;
    const double *gs = w->gr + (size_t)s * g3, *go = w->gr + (size_t)(1 - s) * g3;
    if (gga)
        for (int p = 0; p < np; ++p)
            for (int k = 0; k < 3; ++k) {
                double v = ns == 1 ? 2.0 * w->vsig[p] * gs[k * np + p]
                                   : 2.0 * w->vsig[3 * p + 2 * s] * gs[k * np + p] +
                                         w->vsig[3 * p + 1] * go[k * np + p];
                w->gv[k * np + p] = wt[p] * v;
            }
    /* A = a phi + g . grad phi, U = D A */
    for (int i = 0; i < nf; ++i) {
        const double *ph = w->phi + (size_t)i * np, *gi = w->grad + (size_t)i * g3;
        double *a = w->A + (size_t)i * np;
        for (int p = 0; p < np; ++p) a[p] = wt[p] * w->vrho[ns * p + s] * ph[p];
        if (gga)
            for (int k = 0; k < 3; ++k)
                for (int p = 0; p < np; ++p) a[p] += w->gv[k * np + p] * gi[k * np + p];
    }
    const double *Ds = c->D + (size_t)s * c->nbf * c->nbf;
    for (int i = 0; i < nf; ++i)
        for (int j = 0; j < nf; ++j)
            w->Dblk[(size_t)i * nf + j] = Ds[(size_t)w->fidx[i] * c->nbf + w->fidx[j]];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nf, np, nf, 1.0, w->Dblk, nf, w->A, np,
                0.0, w->U, np);
    static const int hidx[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}}; /* xx xy xz yy yz zz */
    for (int i = 0; i < nf; ++i) {
        const double *gi = w->grad + (size_t)i * g3, *u = w->U + (size_t)i * np;
        const double *x = w->X[s] + (size_t)i * np;
        const double *hi = gga ? w->hess + (size_t)6 * i * np : NULL;
        const double *yi = mgga ? w->Y[s] + (size_t)i * g3 : NULL;
        double *ga = w->gxc + 3 * w->fatom[i];
        for (int k = 0; k < 3; ++k) {
            double sum = 0.0;
            for (int p = 0; p < np; ++p) {
                double v = gi[k * np + p] * u[p];
                if (gga)
                    for (int q = 0; q < 3; ++q)
                        v += x[p] * hi[hidx[k][q] * np + p] * w->gv[q * np + p];
                if (mgga)
                    for (int q = 0; q < 3; ++q)
                        v += 0.5 * wt[p] * w->vtau[ns * p + s] * hi[hidx[k][q] * np + p] *
                             yi[q * np + p];
                sum += v;
                w->cp[k * np + p] += v;
            }
            ga[k] -= 2.0 * sum;
        }
    }
}

static os_status do_block(const xcg *c, int b, xc_work *w, os_error *err)
{
    const os_grid *g = c->g;
    int p0 = g->block0[b], np = g->block0[b + 1] - p0;
    const double *xyz = g->xyz + 3 * p0, *wt = g->w + p0;
    int nf = block_basis(c, b, np, xyz, w);
    if (nf == 0) return OS_OK;
    block_density(c, nf, np, w);
    os_status st = block_functional(c, np, w, err);
    if (st != OS_OK) return st;
    memset(w->cp, 0, sizeof(double) * 3 * np);
    for (int s = 0; s < c->nspin; ++s) block_channel(c, s, nf, np, wt, w);
    for (int p = 0; p < np; ++p) {
        int O = g->atom[p0 + p];
        double rho = c->nspin == 1 ? w->rho[p] : w->rho[p] + w->rho[np + p];
        for (int k = 0; k < 3; ++k) w->ggrid[3 * O + k] += 2.0 * w->cp[k * np + p];
        os_becke_cell_grad(&c->becke, O, xyz + 3 * p, wt[p] * rho * w->exc[p], w->ggrid, w->bw);
    }
    return OS_OK;
}

static void xcg_free(xcg *c)
{
    os_numint_free((os_numint *)c->ni);
    os_becke_free(&c->becke);
    for (int l = 0; l <= OS_MAX_L; ++l) free(c->T[l]);
}

/* Block sizes for the buffers (the same significance lists numint uses). */
static void block_sizes(xcg *c)
{
    for (int b = 0; b < c->g->nblock; ++b) {
        const int *sh;
        int nsh = os_numint_block_shells(c->ni, b, &sh), nf = 0;
        for (int k = 0; k < nsh; ++k) nf += c->bs->shells[sh[k]].nbf;
        int np = c->g->block0[b + 1] - c->g->block0[b];
        if (nf > c->max_nf) c->max_nf = nf;
        if (np > c->max_np) c->max_np = np;
    }
}

os_status os_grad_xc(const os_molecule *mol, const os_basis *bs, const os_grid *g,
                     const os_xc *xc, int nspin, const double *D, int nthreads, double *gxc,
                     double *ggrid, os_error *err)
{
    xcg c = {.mol = mol, .bs = bs, .g = g, .xc = xc, .nspin = nspin, .family = os_xc_family(xc),
             .nbf = bs->nbf, .natom = mol->natom, .D = D};
    if (c.family == OS_XC_NONE) return OS_OK;
    if (nspin != os_xc_nspin(xc))
        return os_fail(err, OS_ERR_INTERNAL, "XC gradient: functional for nspin %d, called with %d",
                       os_xc_nspin(xc), nspin);
    os_numint *ni = NULL;
    os_status st = os_numint_new(bs, g, 1, nthreads, &ni, err);
    c.ni = ni;
    if (st == OS_OK) st = os_becke_new(mol, &c.becke, err);
    for (int l = 0; l <= bs->max_l && st == OS_OK; ++l) {
        c.T[l] = malloc(sizeof(double) * os_nsph(l) * os_ncart(l));
        if (!c.T[l])
            st = OS_NOMEM(err, "XC gradient");
        else
            os_cart2sph(l, c.T[l]);
    }
    if (st != OS_OK) {
        xcg_free(&c);
        return st;
    }
    block_sizes(&c);

    /* Per lane (core/lanes.h): the XC, then the grid-weight components. */
    size_t na3 = (size_t)3 * c.natom;
    int lanes = os_lanes(g->nblock, 2 * na3 * sizeof(double));
    double *part = os_zeros((size_t)lanes * 2 * na3);
    if (!part) st = OS_NOMEM(err, "XC gradient");
#pragma omp parallel num_threads(os_threads_for(nthreads, lanes, 1)) if (st == OS_OK)
    {
        xc_work w;
        os_error my_err;
        os_status my_st = work_alloc(&w, &c) ? st : OS_NOMEM(&my_err, "XC gradient work");
#pragma omp for schedule(dynamic, 1)
        for (int l = 0; l < lanes; ++l) {
            w.gxc = part + (size_t)l * 2 * na3;
            w.ggrid = w.gxc + na3;
            for (int b = l; b < g->nblock && my_st == OS_OK; b += lanes)
                my_st = do_block(&c, b, &w, &my_err);
        }
        if (my_st != OS_OK) {
#pragma omp critical(os_grad_xc_error)
            if (st == OS_OK) {
                st = my_st;
                if (err) *err = my_err;
            }
        }
        work_free(&w);
    }
    if (st == OS_OK) {
        os_lanes_add(lanes, na3, 2 * na3, part, gxc);
        os_lanes_add(lanes, na3, 2 * na3, part + na3, ggrid);
    }
    free(part);
    xcg_free(&c);
    return st;
}
