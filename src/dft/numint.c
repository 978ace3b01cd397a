/* Numerical integration of the XC energy and potential matrix.
 *
 * Set-up (os_numint_new) keeps only small per-block data: which shells reach
 * each grid block.  Basis values are recomputed per block on every call
 * (storing values and gradients for ~10^5 points and ~10^2-10^3 functions
 * would take gigabytes).  Per block, with the block's nf significant
 * functions stored function-major (phi[i*np + p]):
 *
 *   X   = D_blk phi                      rho_p = sum_i X_ip phi_ip
 *   grad rho_p = 2 sum_i X_ip grad phi_ip   (D symmetric)
 *   tau_p = 1/2 sum_i (D_blk grad phi)_ip . grad phi_ip
 *   A_ip = w_p (vrho_p/2 phi_ip + g_p . grad phi_ip),  g = 2 vsigma grad rho
 *   V_blk += phi A^T + A phi^T  (+ 1/2 w vtau grad phi . grad phi^T)
 *
 * For nspin = 2, g_a = 2 vsigma_aa grad rho_a + vsigma_ab grad rho_b (and
 * the mirror image for b).  Matrix products go through BLAS (dgemm, and
 * dsyr2k for the symmetric V); blocks are distributed over OpenMP threads,
 * each with its own V. */
#include "dft/numint.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "integrals/cart2sph.h"
#include "core/error.h"
#include "core/threads.h"

/* A shell is dropped for a block when its radial envelope, including the
 * gradient factor, is below this everywhere in the block.  Measured on a
 * 17-atom anion in 6-31+G*: 1e-10 instead of 1e-12 changes V by < 3e-12 Eh
 * and drops 5% of the function-point pairs. */
#define SHELL_CUTOFF 1e-10

struct os_numint {
    const os_basis *bs;
    const os_grid *g;
    int need_grad;
    int nthreads;
    int nbf;
    int *blk_shell0; /* nblock+1 offsets into blk_shell */
    int *blk_shell;  /* significant shells per block */
    int max_np, max_nf;
    double *T[OS_MAX_L + 1]; /* Cartesian -> pure transformations */
};

/* Radius (bohr) beyond which sum_k |c_k| r^l (1 + 2 a_k r) exp(-a_k r^2) < eps. */
static double shell_extent(const os_shell *sh, double eps)
{
    double r = 0.0;
    /* Walk down from far out in steps of 0.05 bohr; the envelope decreases
     * monotonically there, so the first r above eps bounds the extent. */
    double amin = sh->alpha[0];
    for (int k = 1; k < sh->nprim; ++k)
        if (sh->alpha[k] < amin) amin = sh->alpha[k];
    double rmax = sqrt((-log(eps) + 60.0) / amin) + 1.0;
    for (r = rmax; r > 0.0; r -= 0.05) {
        double v = 0.0;
        for (int k = 0; k < sh->nprim; ++k)
            v += fabs(sh->coef[k]) * pow(r, sh->l) * (1.0 + 2.0 * sh->alpha[k] * r) *
                 exp(-sh->alpha[k] * r * r);
        if (v > eps) break;
    }
    return r + 0.05;
}

os_status os_numint_new(const os_basis *bs, const os_grid *g, int need_grad, int nthreads,
                        os_numint **out, os_error *err)
{
    *out = NULL;
    if (bs->max_l > OS_MAX_L)
        return os_fail(err, OS_ERR_BASIS, "numint: angular momentum %d above %d", bs->max_l, OS_MAX_L);
    /* V is accumulated in its upper triangle, which needs functions numbered
     * in shell order. */
    for (int s = 1; s < bs->nshell; ++s)
        if (bs->shells[s].bf0 != bs->shells[s - 1].bf0 + bs->shells[s - 1].nbf)
            return os_fail(err, OS_ERR_INTERNAL, "numint: basis functions not numbered in shell order");
    os_numint *ni = calloc(1, sizeof *ni);
    if (!ni) return OS_NOMEM(err, "numint");
    ni->bs = bs;
    ni->g = g;
    ni->need_grad = need_grad;
    ni->nthreads = nthreads > 0 ? nthreads : 1;
    ni->nbf = bs->nbf;
    os_status st = OS_OK;
    for (int l = 0; l <= bs->max_l; ++l) {
        ni->T[l] = malloc(sizeof(double) * os_nsph(l) * os_ncart(l));
        if (!ni->T[l]) {
            st = OS_NOMEM(err, "numint transforms");
            goto fail;
        }
        os_cart2sph(l, ni->T[l]);
    }
    int ns = bs->nshell, nb = g->nblock;
    double *rcut = malloc(sizeof(double) * (ns ? ns : 1));
    ni->blk_shell0 = malloc(sizeof(int) * (nb + 1));
    if (!rcut || !ni->blk_shell0) {
        free(rcut);
        st = OS_NOMEM(err, "numint blocks");
        goto fail;
    }
    for (int s = 0; s < ns; ++s) rcut[s] = shell_extent(&bs->shells[s], SHELL_CUTOFF);

    /* Two passes: count, then fill. */
    size_t cap = 0;
    for (int pass = 0; pass < 2; ++pass) {
        size_t k = 0;
        for (int b = 0; b < nb; ++b) {
            int p0 = g->block0[b], p1 = g->block0[b + 1];
            double c[3] = {0, 0, 0}, rad = 0.0;
            for (int p = p0; p < p1; ++p)
                for (int q = 0; q < 3; ++q) c[q] += g->xyz[3 * p + q] / (p1 - p0);
            for (int p = p0; p < p1; ++p) {
                double d2 = 0.0;
                for (int q = 0; q < 3; ++q) d2 += (g->xyz[3 * p + q] - c[q]) * (g->xyz[3 * p + q] - c[q]);
                if (d2 > rad) rad = d2;
            }
            rad = sqrt(rad);
            if (pass == 1) ni->blk_shell0[b] = (int)k;
            int nf = 0;
            for (int s = 0; s < ns; ++s) {
                const double *o = bs->shells[s].origin;
                double d = sqrt((o[0] - c[0]) * (o[0] - c[0]) + (o[1] - c[1]) * (o[1] - c[1]) +
                                (o[2] - c[2]) * (o[2] - c[2]));
                if (d - rad < rcut[s]) {
                    if (pass == 1) ni->blk_shell[k] = s;
                    ++k;
                    nf += bs->shells[s].nbf;
                }
            }
            if (pass == 1) {
                if (nf > ni->max_nf) ni->max_nf = nf;
                if (p1 - p0 > ni->max_np) ni->max_np = p1 - p0;
            }
        }
        if (pass == 0) {
            cap = k;
            ni->blk_shell = malloc(sizeof(int) * (cap ? cap : 1));
            if (!ni->blk_shell) {
                free(rcut);
                st = OS_NOMEM(err, "numint block shells");
                goto fail;
            }
        } else {
            ni->blk_shell0[nb] = (int)k;
        }
    }
    free(rcut);
    *out = ni;
    return OS_OK;
fail:
    os_numint_free(ni);
    return st;
}

void os_numint_free(os_numint *ni)
{
    if (!ni) return;
    free(ni->blk_shell0);
    free(ni->blk_shell);
    for (int l = 0; l <= OS_MAX_L; ++l) free(ni->T[l]);
    free(ni);
}

/* Values (and gradients when grad != NULL) of one shell's functions on np
 * points: phi[i*ld + p], grad[(i*3 + k)*ld + p] for k = x, y, z.  cart and
 * cgrad are scratch of ncart*np and 3*ncart*np; pw holds (5 + 3(l+1))*np. */
static void eval_shell(const os_shell *sh, const double *T, int np, const double *xyz,
                       double *phi, double *grad, int ld, double *cart, double *cgrad,
                       double *pw)
{
    int l = sh->l, nc = os_ncart(l);
    const double *o = sh->origin;
    double *restrict dx = pw, *restrict dy = pw + np, *restrict dz = pw + 2 * np;
    double *restrict R = pw + 3 * np, *restrict S = pw + 4 * np;
    double *restrict px = pw + 5 * np, *restrict py = px + (l + 1) * np, *restrict pz = py + (l + 1) * np;
    for (int p = 0; p < np; ++p) {
        dx[p] = xyz[3 * p] - o[0];
        dy[p] = xyz[3 * p + 1] - o[1];
        dz[p] = xyz[3 * p + 2] - o[2];
    }
    /* Radial part R and S = (1/r) dR/dr. */
    for (int p = 0; p < np; ++p) {
        double r2 = dx[p] * dx[p] + dy[p] * dy[p] + dz[p] * dz[p];
        double r = 0.0, s = 0.0;
        for (int k = 0; k < sh->nprim; ++k) {
            double ar2 = sh->alpha[k] * r2;
            if (ar2 > 60.0) continue;
            double e = sh->coef[k] * exp(-ar2);
            r += e;
            s -= 2.0 * sh->alpha[k] * e;
        }
        R[p] = r;
        S[p] = s;
    }
    /* Power tables x^k, y^k, z^k for k = 0..l. */
    for (int p = 0; p < np; ++p) px[p] = py[p] = pz[p] = 1.0;
    for (int k = 1; k <= l; ++k)
        for (int p = 0; p < np; ++p) {
            px[k * np + p] = px[(k - 1) * np + p] * dx[p];
            py[k * np + p] = py[(k - 1) * np + p] * dy[p];
            pz[k * np + p] = pz[(k - 1) * np + p] * dz[p];
        }
    int pure = sh->pure && l > 1;
    double *cv = pure ? cart : phi;
    double *cg = pure ? cgrad : grad;
    int cld = pure ? np : ld;
    for (int c = 0; c < nc; ++c) {
        int lx, ly, lz;
        os_cart_exponents(l, c, &lx, &ly, &lz);
        double *restrict v = cv + (size_t)c * cld;
        const double *restrict X = px + lx * np, *restrict Y = py + ly * np, *restrict Z = pz + lz * np;
        for (int p = 0; p < np; ++p) v[p] = X[p] * Y[p] * Z[p] * R[p];
        if (!grad) continue;
        double *restrict gx = cg + (size_t)(3 * c) * cld, *restrict gy = gx + cld, *restrict gz = gy + cld;
        for (int p = 0; p < np; ++p) {
            double as = X[p] * Y[p] * Z[p] * S[p];
            gx[p] = as * dx[p];
            gy[p] = as * dy[p];
            gz[p] = as * dz[p];
        }
        /* d/dx x^lx = lx x^(lx-1) */
        if (lx) {
            const double *restrict Xm = px + (lx - 1) * np;
            for (int p = 0; p < np; ++p) gx[p] += lx * Xm[p] * Y[p] * Z[p] * R[p];
        }
        if (ly) {
            const double *restrict Ym = py + (ly - 1) * np;
            for (int p = 0; p < np; ++p) gy[p] += ly * X[p] * Ym[p] * Z[p] * R[p];
        }
        if (lz) {
            const double *restrict Zm = pz + (lz - 1) * np;
            for (int p = 0; p < np; ++p) gz[p] += lz * X[p] * Y[p] * Zm[p] * R[p];
        }
    }
    /* s and p shells: pure and Cartesian coincide in libint2's order
     * (p: x, y, z both ways).  Higher l: transform. */
    if (!pure) return;
    int nsph = os_nsph(l);
    for (int m = 0; m < nsph; ++m) {
        double *v = phi + (size_t)m * ld;
        for (int p = 0; p < np; ++p) v[p] = 0.0;
        if (grad)
            for (int k = 0; k < 3; ++k)
                for (int p = 0; p < np; ++p) grad[(size_t)(3 * m + k) * ld + p] = 0.0;
        for (int c = 0; c < nc; ++c) {
            double t = T[m * nc + c];
            if (t == 0.0) continue;
            const double *cvc = cart + (size_t)c * np;
            for (int p = 0; p < np; ++p) v[p] += t * cvc[p];
            if (grad)
                for (int k = 0; k < 3; ++k) {
                    const double *src = cgrad + (size_t)(3 * c + k) * np;
                    double *dst = grad + (size_t)(3 * m + k) * ld;
                    for (int p = 0; p < np; ++p) dst[p] += t * src[p];
                }
        }
    }
}

typedef struct {
    double *phi, *grad;     /* nf*np, nf*3*np (function-major; grad [i][k][p]) */
    double *X, *Y;          /* D phi, D grad: nf*np, nf*3*np */
    double *A, *B;          /* potential-weighted phi and grad */
    double *Dblk, *M;       /* nf*nf */
    double *cart, *cgrad, *pw;
    double *rho, *sigma, *tau, *gr; /* per point, spin layouts; gr: grad rho [s][k][p] */
    double *exc, *vrho, *vsigma, *vtau;
    double *rx, *tx, *gv;   /* interleaved spin inputs; weighted g vectors */
    int *fidx;
    int *run;               /* runs of consecutive functions: [local start, global start, length] */
    double *V;              /* thread's nspin*nbf*nbf */
} work;

static void work_free(work *w)
{
    free(w->phi); free(w->grad); free(w->X); free(w->Y); free(w->A); free(w->B);
    free(w->Dblk); free(w->M); free(w->cart); free(w->cgrad); free(w->pw);
    free(w->rho); free(w->sigma); free(w->tau); free(w->gr); free(w->exc); free(w->vrho);
    free(w->vsigma); free(w->vtau); free(w->fidx); free(w->run); free(w->V);
    free(w->rx); free(w->tx); free(w->gv);
}

static int work_alloc(work *w, const os_numint *ni, int nspin, int grad)
{
    memset(w, 0, sizeof *w);
    size_t np = (size_t)(ni->max_np ? ni->max_np : 1), nf = (size_t)(ni->max_nf ? ni->max_nf : 1);
    size_t nc = (size_t)os_ncart(ni->bs->max_l);
    size_t gm = grad ? 3 : 0;
    w->phi = malloc(sizeof(double) * nf * np);
    w->X = malloc(sizeof(double) * nf * np);
    w->A = malloc(sizeof(double) * nf * np);
    w->Dblk = malloc(sizeof(double) * nf * nf);
    w->M = malloc(sizeof(double) * nf * nf);
    w->cart = malloc(sizeof(double) * nc * np);
    w->pw = malloc(sizeof(double) * np * (5 + 3 * (ni->bs->max_l + 1)));
    w->rho = malloc(sizeof(double) * np * nspin);
    w->exc = malloc(sizeof(double) * np);
    w->vrho = malloc(sizeof(double) * np * nspin);
    w->sigma = malloc(sizeof(double) * np * 3);
    w->vsigma = malloc(sizeof(double) * np * 3);
    w->tau = malloc(sizeof(double) * np * nspin);
    w->vtau = malloc(sizeof(double) * np * nspin);
    w->fidx = malloc(sizeof(int) * nf);
    w->run = malloc(sizeof(int) * 3 * nf);
    w->rx = malloc(sizeof(double) * np * 2);
    w->tx = malloc(sizeof(double) * np * 2);
    w->gv = malloc(sizeof(double) * np * 3);
    w->V = calloc((size_t)nspin * ni->nbf * ni->nbf + 1, sizeof(double));
    int ok = w->phi && w->X && w->A && w->Dblk && w->M && w->cart && w->pw && w->rho &&
             w->exc && w->vrho && w->sigma && w->vsigma && w->tau && w->vtau && w->fidx && w->run && w->V &&
             w->rx && w->tx && w->gv;
    if (grad) {
        w->grad = malloc(sizeof(double) * gm * nf * np);
        w->Y = malloc(sizeof(double) * gm * nf * np);
        w->B = malloc(sizeof(double) * gm * nf * np);
        w->cgrad = malloc(sizeof(double) * gm * nc * np);
        w->gr = malloc(sizeof(double) * 3 * np * nspin);
        ok = ok && w->grad && w->Y && w->B && w->cgrad && w->gr;
    }
    return ok;
}

/* One block: accumulate Exc, N and V into the thread's work. */
static os_status do_block(const os_numint *ni, const os_xc *xc, int nspin, int family,
                          const double *D, int b, work *w, double *exc_sum, double *nel_sum,
                          os_error *err)
{
    const os_grid *g = ni->g;
    const os_basis *bs = ni->bs;
    int p0 = g->block0[b], np = g->block0[b + 1] - p0;
    const double *xyz = g->xyz + 3 * p0, *wt = g->w + p0;
    int gga = family >= OS_XC_GGA, mgga = family >= OS_XC_MGGA;
    int nbf = ni->nbf;

    /* Basis values for the significant shells. */
    int nf = 0;
    for (int k = ni->blk_shell0[b]; k < ni->blk_shell0[b + 1]; ++k) {
        const os_shell *sh = &bs->shells[ni->blk_shell[k]];
        for (int i = 0; i < sh->nbf; ++i) w->fidx[nf + i] = sh->bf0 + i;
        nf += sh->nbf;
    }
    if (nf == 0) return OS_OK;
    /* Significant shells are mostly consecutive: gather D and scatter V by
     * contiguous runs. */
    int nrun = 0;
    for (int i = 0; i < nf; ++i) {
        if (i > 0 && w->fidx[i] == w->fidx[i - 1] + 1) {
            ++w->run[3 * (nrun - 1) + 2];
        } else {
            w->run[3 * nrun] = i;
            w->run[3 * nrun + 1] = w->fidx[i];
            w->run[3 * nrun + 2] = 1;
            ++nrun;
        }
    }
    int f = 0;
    for (int k = ni->blk_shell0[b]; k < ni->blk_shell0[b + 1]; ++k) {
        const os_shell *sh = &bs->shells[ni->blk_shell[k]];
        eval_shell(sh, ni->T[sh->l], np, xyz, w->phi + (size_t)f * np,
                   gga ? w->grad + (size_t)3 * f * np : NULL, np, w->cart, w->cgrad, w->pw);
        f += sh->nbf;
    }
    int g3 = 3 * np; /* row length of grad arrays */

    /* Densities per spin. */
    for (int s = 0; s < nspin; ++s) {
        const double *Ds = D + (size_t)s * nbf * nbf;
        for (int i = 0; i < nf; ++i) {
            const double *drow = Ds + (size_t)w->fidx[i] * nbf;
            double *brow = w->Dblk + (size_t)i * nf;
            for (int r = 0; r < nrun; ++r) {
                const int *rr = w->run + 3 * r;
                memcpy(brow + rr[0], drow + rr[1], sizeof(double) * rr[2]);
            }
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nf, np, nf, 1.0, w->Dblk, nf, w->phi,
                    np, 0.0, w->X, np);
        double *rho = w->rho + (size_t)s * np;
        for (int p = 0; p < np; ++p) rho[p] = 0.0;
        for (int i = 0; i < nf; ++i) {
            const double *x = w->X + (size_t)i * np, *ph = w->phi + (size_t)i * np;
            for (int p = 0; p < np; ++p) rho[p] += x[p] * ph[p];
        }
        if (gga) {
            double *gr = w->gr + (size_t)s * g3;
            for (int p = 0; p < g3; ++p) gr[p] = 0.0;
            for (int i = 0; i < nf; ++i) {
                const double *x = w->X + (size_t)i * np, *gi = w->grad + (size_t)i * g3;
                for (int k = 0; k < 3; ++k)
                    for (int p = 0; p < np; ++p) gr[k * np + p] += 2.0 * x[p] * gi[k * np + p];
            }
        }
        if (mgga) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nf, g3, nf, 1.0, w->Dblk, nf,
                        w->grad, g3, 0.0, w->Y, g3);
            double *tau = w->tau + (size_t)s * np;
            for (int p = 0; p < np; ++p) tau[p] = 0.0;
            for (int i = 0; i < nf; ++i) {
                const double *y = w->Y + (size_t)i * g3, *gi = w->grad + (size_t)i * g3;
                for (int k = 0; k < 3; ++k)
                    for (int p = 0; p < np; ++p) tau[p] += 0.5 * y[k * np + p] * gi[k * np + p];
            }
        }
    }

    /* libxc layouts: interleaved per point for nspin = 2. */
    double *rin = w->rho, *sin_ = w->sigma, *tin = w->tau;
    double *rx = w->rx, *tx = w->tx;
    if (nspin == 2) {
        for (int p = 0; p < np; ++p) {
            rx[2 * p] = w->rho[p];
            rx[2 * p + 1] = w->rho[np + p];
        }
        rin = rx;
        if (mgga) {
            for (int p = 0; p < np; ++p) {
                tx[2 * p] = w->tau[p];
                tx[2 * p + 1] = w->tau[np + p];
            }
            tin = tx;
        }
    }
    if (gga) {
        for (int p = 0; p < np; ++p) {
            const double *ga = w->gr, *gb = w->gr + g3;
            double aa = ga[p] * ga[p] + ga[np + p] * ga[np + p] + ga[2 * np + p] * ga[2 * np + p];
            if (nspin == 1) {
                w->sigma[p] = aa;
            } else {
                w->sigma[3 * p] = aa;
                w->sigma[3 * p + 1] = ga[p] * gb[p] + ga[np + p] * gb[np + p] + ga[2 * np + p] * gb[2 * np + p];
                w->sigma[3 * p + 2] = gb[p] * gb[p] + gb[np + p] * gb[np + p] + gb[2 * np + p] * gb[2 * np + p];
            }
        }
        sin_ = w->sigma;
    }
    if (family != OS_XC_NONE) {
        os_status st = os_xc_eval(xc, np, rin, gga ? sin_ : NULL, mgga ? tin : NULL, w->exc, w->vrho,
                                  gga ? w->vsigma : NULL, mgga ? w->vtau : NULL, err);
        if (st != OS_OK) return st;
    } else {
        for (int p = 0; p < np; ++p) w->exc[p] = 0.0;
        for (int p = 0; p < np * nspin; ++p) w->vrho[p] = 0.0;
    }
    double e = 0.0, n = 0.0;
    for (int p = 0; p < np; ++p) {
        double r = nspin == 1 ? w->rho[p] : w->rho[p] + w->rho[np + p];
        e += wt[p] * r * w->exc[p];
        n += wt[p] * r;
    }
    *exc_sum += e;
    *nel_sum += n;
    if (family == OS_XC_NONE) return OS_OK;

    /* Potential per spin. */
    for (int s = 0; s < nspin; ++s) {
        for (int i = 0; i < nf; ++i) {
            const double *ph = w->phi + (size_t)i * np;
            double *a = w->A + (size_t)i * np;
            for (int p = 0; p < np; ++p) a[p] = 0.5 * wt[p] * w->vrho[nspin * p + s] * ph[p];
        }
        if (gga) {
            /* weighted g = 2 vsigma_ss grad rho_s + vsigma_ab grad rho_other */
            double *gv = w->gv, gvec[3];
            for (int p = 0; p < np; ++p) {
                for (int k = 0; k < 3; ++k) {
                    if (nspin == 1) {
                        gvec[k] = 2.0 * w->vsigma[p] * w->gr[k * np + p];
                    } else {
                        const double *gs = w->gr + (size_t)s * g3, *go = w->gr + (size_t)(1 - s) * g3;
                        double vss = w->vsigma[3 * p + 2 * s], vab = w->vsigma[3 * p + 1];
                        gvec[k] = 2.0 * vss * gs[k * np + p] + vab * go[k * np + p];
                    }
                }
                gv[p] = wt[p] * gvec[0];
                gv[np + p] = wt[p] * gvec[1];
                gv[2 * np + p] = wt[p] * gvec[2];
            }
            for (int i = 0; i < nf; ++i) {
                const double *gi = w->grad + (size_t)i * g3;
                double *a = w->A + (size_t)i * np;
                for (int p = 0; p < np; ++p)
                    a[p] += gv[p] * gi[p] + gv[np + p] * gi[np + p] + gv[2 * np + p] * gi[2 * np + p];
            }
        }
        /* M = phi A^T + A phi^T, upper triangle (half the flops of a gemm) */
        cblas_dsyr2k(CblasRowMajor, CblasUpper, CblasNoTrans, nf, np, 1.0, w->phi, np, w->A, np, 0.0,
                     w->M, nf);
        if (mgga) {
            for (int i = 0; i < nf; ++i) {
                const double *gi = w->grad + (size_t)i * g3;
                double *bb = w->B + (size_t)i * g3;
                for (int k = 0; k < 3; ++k)
                    for (int p = 0; p < np; ++p)
                        bb[k * np + p] = 0.25 * wt[p] * w->vtau[nspin * p + s] * gi[k * np + p];
            }
            cblas_dsyr2k(CblasRowMajor, CblasUpper, CblasNoTrans, nf, g3, 1.0, w->grad, g3, w->B, g3,
                         1.0, w->M, nf);
        }
        /* Upper triangle only: fidx increases, so local j >= i maps to the
         * global upper triangle; the caller mirrors it at the end. */
        double *V = w->V + (size_t)s * nbf * nbf;
        for (int i = 0; i < nf; ++i) {
            double *vrow = V + (size_t)w->fidx[i] * nbf;
            const double *mrow = w->M + (size_t)i * nf;
            for (int r = 0; r < nrun; ++r) {
                const int *rr = w->run + 3 * r;
                int j0 = rr[0] > i ? rr[0] : i, j1 = rr[0] + rr[2];
                if (j0 >= j1) continue;
                double *restrict vd = vrow + rr[1] - rr[0];
                for (int j = j0; j < j1; ++j) vd[j] += mrow[j];
            }
        }
    }
    return OS_OK;
}

os_status os_numint_vxc(os_numint *ni, const os_xc *xc, int nspin, const double *D,
                        double *exc, double *nelec, double *V, os_error *err)
{
    int family = os_xc_family(xc);
    if (nspin != 1 && nspin != 2) return os_fail(err, OS_ERR_INTERNAL, "numint: nspin %d", nspin);
    if (family != OS_XC_NONE && os_xc_nspin(xc) != nspin)
        return os_fail(err, OS_ERR_INTERNAL, "numint: functional built for nspin %d, called with %d",
                       os_xc_nspin(xc), nspin);
    if (family >= OS_XC_GGA && !ni->need_grad)
        return os_fail(err, OS_ERR_INTERNAL, "numint: set up without gradients for a GGA/meta-GGA");
    int nbf = ni->nbf;
    size_t n2 = (size_t)nbf * nbf;
    for (size_t k = 0; k < nspin * n2; ++k) V[k] = 0.0;
    double e_tot = 0.0, n_tot = 0.0;
    os_status st = OS_OK;
    int gga = family >= OS_XC_GGA;
    int nthr = os_threads_for(ni->nthreads, ni->g->nblock, 8);

#pragma omp parallel num_threads(nthr) reduction(+ : e_tot, n_tot)
    {
        work w;
        int ok = work_alloc(&w, ni, nspin, gga);
        os_error my_err;
        os_status my_st = ok ? OS_OK : OS_NOMEM(&my_err, "numint work");
#pragma omp for schedule(dynamic, 4)
        for (int b = 0; b < ni->g->nblock; ++b) {
            if (my_st != OS_OK) continue;
            my_st = do_block(ni, xc, nspin, family, D, b, &w, &e_tot, &n_tot, &my_err);
        }
#pragma omp critical(os_numint_reduce)
        {
            if (my_st != OS_OK && st == OS_OK) {
                st = my_st;
                if (err) *err = my_err;
            }
            if (ok)
                for (size_t k = 0; k < nspin * n2; ++k) V[k] += w.V[k];
        }
        work_free(&w);
    }
    if (st != OS_OK) return st;
    /* Blocks filled the upper triangle: mirror it. */
    for (int s = 0; s < nspin; ++s) {
        double *Vs = V + s * n2;
        for (int i = 0; i < nbf; ++i)
            for (int j = 0; j < i; ++j) Vs[(size_t)i * nbf + j] = Vs[(size_t)j * nbf + i];
    }
    if (!isfinite(e_tot) || !isfinite(n_tot))
        return os_fail(err, OS_ERR_NUMERIC, "numint: XC energy or density is not finite");
    *exc = e_tot;
    *nelec = n_tot;
    return OS_OK;
}

os_status os_basis_eval(const os_basis *bs, int np, const double *xyz, double *phi,
                        os_error *err)
{
    if (bs->max_l > OS_MAX_L)
        return os_fail(err, OS_ERR_BASIS, "basis values: angular momentum %d above %d", bs->max_l,
                       OS_MAX_L);
    size_t npts = np > 0 ? (size_t)np : 1;
    double *T[OS_MAX_L + 1] = {0};
    double *cart = malloc(sizeof(double) * os_ncart(bs->max_l) * npts);
    double *pw = malloc(sizeof(double) * npts * (5 + 3 * (bs->max_l + 1)));
    int ok = cart && pw;
    for (int l = 0; l <= bs->max_l && ok; ++l) {
        ok = (T[l] = malloc(sizeof(double) * os_nsph(l) * os_ncart(l))) != NULL;
        if (ok) os_cart2sph(l, T[l]);
    }
    for (int s = 0; s < bs->nshell && ok; ++s) {
        const os_shell *sh = &bs->shells[s];
        eval_shell(sh, T[sh->l], np, xyz, phi + (size_t)sh->bf0 * np, NULL, np, cart, NULL, pw);
    }
    for (int l = 0; l <= OS_MAX_L; ++l) free(T[l]);
    free(cart);
    free(pw);
    return ok ? OS_OK : OS_NOMEM(err, "basis values");
}
