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
 * each with its own V.
 *
 * Per call, the cost is in the two products (2 nf^2 np flops each) and in
 * the basis values: shells of one atom share the displacements, shells with
 * the same exponents (the s and p of an SP shell) share the exponentials,
 * and s and p shells take short paths.  Shells that are negligible on a
 * block are dropped once, at set-up (SHELL_CUTOFF); the per-thread work
 * space is kept between calls. */
#include "dft/numint.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "integrals/cart2sph.h"
#include "core/error.h"
#include "core/lanes.h"
#include "core/linalg.h"
#include "core/threads.h"

/* A shell is dropped for a block when its radial envelope, including the
 * gradient factor, is below this at the block's nearest point.  The XC
 * products cost nf^2 per point, and diffuse functions reach far.  Measured
 * on TFPAA- (B3LYP/6-31+G*, at its converged density), against 1e-10: the
 * functions per block fall from 161 to 143 (the products' flops -20%), Exc
 * moves by 3e-10 Eh and V by 9e-9 Eh at most.  1e-6 would save another 11%
 * but moves converged energies by up to 9e-9 Eh (DME, coarse grid). */
#define SHELL_CUTOFF 1e-7
/* Primitives with alpha r^2 beyond this contribute exp(-60) ~ 1e-26. */
#define EXP_CUTOFF 60.0

/* Per-thread scratch, kept between calls. */
typedef struct {
    double *phi, *grad;     /* nf*np, nf*3*np (function-major; grad [i][k][p]) */
    double *X, *Y;          /* D phi, D grad: nf*np, nf*3*np */
    double *A, *B;          /* potential-weighted phi and grad */
    double *Dblk, *M;       /* nf*nf */
    double *cart, *cgrad;   /* Cartesian values of one pure shell */
    double *disp;           /* dx, dy, dz, r^2 from the current atom: 4*np */
    double *ex;             /* exp(-alpha_k r^2) of the current exponent set: max_nprim*np */
    double *pw;             /* radial parts and power tables: (2 + 3(l+1))*np */
    double *rho, *sigma, *tau, *gr; /* per point, spin layouts; gr: grad rho [s][k][p] */
    double *exc, *vrho, *vsigma, *vtau;
    double *rx, *tx, *gv;   /* interleaved spin inputs; weighted g vectors */
    double *wv;             /* weighted vrho/2 of one spin */
    int *fidx;
    int *run;               /* runs of consecutive functions: [local start, global start, length] */
    double *V;              /* the lane's nspin*nbf*nbf sum (not owned) */
    double *arena;          /* the one allocation behind every double buffer */
    int nspin;              /* spins the buffers were made for (0: none yet) */
    size_t bytes;           /* what the buffers take */
} work;

struct os_numint {
    const os_basis *bs;
    const os_grid *g;
    int need_grad;
    int nthreads;
    int nbf;
    int *blk_shell0;   /* nblock+1 offsets into blk_shell */
    int *blk_shell;    /* significant shells per block */
    int *exp_set;      /* per shell: first shell of its run with the same atom and exponents */
    int max_np, max_nf;
    double *T[OS_MAX_L + 1]; /* Cartesian -> pure transformations */
    work *work;        /* nthreads workspaces */
};

/* ------------------------------------------------------------------ set-up */

/* Radius (bohr) beyond which sum_k |c_k| r^l (1 + 2 a_k r) exp(-a_k r^2) < eps. */
static double shell_extent(const os_shell *sh, double eps)
{
    /* Walk down from far out in steps of 0.05 bohr, or 0.1% of r where that
     * is more (an exponent of 1e-30 puts "far out" at 1e16 bohr: fixed steps
     * would never finish); the envelope decreases monotonically there, so
     * the first r above eps bounds the extent, to within one step. */
    double amin = sh->alpha[0];
    for (int k = 1; k < sh->nprim; ++k)
        if (sh->alpha[k] < amin) amin = sh->alpha[k];
    double rmax = sqrt((-log(eps) + 60.0) / amin) + 1.0, r, step = 0.05;
    for (r = rmax; r > 0.0; r -= step) {
        double v = 0.0;
        for (int k = 0; k < sh->nprim; ++k)
            v += fabs(sh->coef[k]) * pow(r, sh->l) * (1.0 + 2.0 * sh->alpha[k] * r) *
                 exp(-sh->alpha[k] * r * r);
        if (v > eps) break;
        step = fmax(0.05, 1e-3 * r);
    }
    return r + step;
}

/* Shells of one atom with the same exponents as the shell before them (the
 * s and p parts of an SP shell) share their exponentials. */
static void exponent_sets(const os_basis *bs, int *set)
{
    for (int s = 0; s < bs->nshell; ++s) {
        const os_shell *a = &bs->shells[s], *p = s > 0 ? &bs->shells[s - 1] : NULL;
        int same = p && p->atom == a->atom && p->nprim == a->nprim &&
                   !memcmp(p->alpha, a->alpha, sizeof(double) * a->nprim);
        set[s] = same ? set[s - 1] : s;
    }
}

/* Smallest distance (bohr) from each shell centre to the points of block b:
 * per atom, since the shells of an atom share their centre. */
static void block_shell_distances(const os_basis *bs, const os_grid *g, int b, double *dmin)
{
    int p0 = g->block0[b], p1 = g->block0[b + 1];
    for (int s = 0; s < bs->nshell; ++s) {
        if (s > 0 && bs->shells[s].atom == bs->shells[s - 1].atom) {
            dmin[s] = dmin[s - 1];
            continue;
        }
        const double *o = bs->shells[s].origin;
        double d2 = HUGE_VAL;
        for (int p = p0; p < p1; ++p) {
            const double *x = g->xyz + 3 * p;
            double e = (x[0] - o[0]) * (x[0] - o[0]) + (x[1] - o[1]) * (x[1] - o[1]) +
                       (x[2] - o[2]) * (x[2] - o[2]);
            if (e < d2) d2 = e;
        }
        dmin[s] = sqrt(d2);
    }
}

/* Shells reaching each block: two passes, count then fill. */
static os_status block_shells(os_numint *ni, const double *rcut, double *dmin, os_error *err)
{
    const os_basis *bs = ni->bs;
    const os_grid *g = ni->g;
    int ns = bs->nshell, nb = g->nblock;
    for (int pass = 0; pass < 2; ++pass) {
        size_t k = 0;
        for (int b = 0; b < nb; ++b) {
            block_shell_distances(bs, g, b, dmin);
            if (pass == 1) ni->blk_shell0[b] = (int)k;
            int nf = 0;
            for (int s = 0; s < ns; ++s) {
                if (dmin[s] >= rcut[s]) continue;
                if (pass == 1) ni->blk_shell[k] = s;
                ++k;
                nf += bs->shells[s].nbf;
            }
            int np = g->block0[b + 1] - g->block0[b];
            if (nf > ni->max_nf) ni->max_nf = nf;
            if (np > ni->max_np) ni->max_np = np;
        }
        if (pass == 0) {
            ni->blk_shell = malloc(sizeof(int) * (k ? k : 1));
            if (!ni->blk_shell) return OS_NOMEM(err, "numint block shells");
        } else {
            ni->blk_shell0[nb] = (int)k;
        }
    }
    return OS_OK;
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
    int ns = bs->nshell;
    double *rcut = malloc(sizeof(double) * (ns ? ns : 1));
    double *dmin = malloc(sizeof(double) * (ns ? ns : 1));
    ni->blk_shell0 = malloc(sizeof(int) * (g->nblock + 1));
    ni->exp_set = malloc(sizeof(int) * (ns ? ns : 1));
    ni->work = calloc((size_t)ni->nthreads, sizeof(work));
    if (rcut && dmin && ni->blk_shell0 && ni->exp_set && ni->work) {
        for (int s = 0; s < ns; ++s) rcut[s] = shell_extent(&bs->shells[s], SHELL_CUTOFF);
        exponent_sets(bs, ni->exp_set);
        st = block_shells(ni, rcut, dmin, err);
    } else {
        st = OS_NOMEM(err, "numint blocks");
    }
    free(rcut);
    free(dmin);
    if (st != OS_OK) goto fail;
    *out = ni;
    return OS_OK;
fail:
    os_numint_free(ni);
    return st;
}

static void work_free(work *w)
{
    free(w->arena);
    free(w->fidx);
    memset(w, 0, sizeof *w);
}

int os_numint_block_shells(const os_numint *ni, int b, const int **shells)
{
    *shells = ni->blk_shell + ni->blk_shell0[b];
    return ni->blk_shell0[b + 1] - ni->blk_shell0[b];
}

void os_numint_free(os_numint *ni)
{
    if (!ni) return;
    if (ni->work)
        for (int t = 0; t < ni->nthreads; ++t) work_free(&ni->work[t]);
    free(ni->work);
    free(ni->blk_shell0);
    free(ni->blk_shell);
    free(ni->exp_set);
    for (int l = 0; l <= OS_MAX_L; ++l) free(ni->T[l]);
    free(ni);
}

size_t os_numint_memory_bytes(const os_numint *ni)
{
    size_t b = sizeof *ni + sizeof(int) * ((size_t)ni->g->nblock + 1 + (size_t)ni->blk_shell0[ni->g->nblock] +
                                           (size_t)ni->bs->nshell);
    for (int t = 0; t < ni->nthreads; ++t) b += ni->work[t].bytes;
    return b;
}

/* Scratch for nspin spins (made on first use, remade for more spins): one
 * allocation for the doubles, one for the index lists. */
static int work_ready(work *w, const os_numint *ni, int nspin)
{
    if (w->nspin >= nspin) return 1;
    work_free(w);
    size_t np = (size_t)(ni->max_np ? ni->max_np : 1), nf = (size_t)(ni->max_nf ? ni->max_nf : 1);
    size_t nc = (size_t)os_ncart(ni->bs->max_l), npr = (size_t)(ni->bs->max_nprim ? ni->bs->max_nprim : 1);
    size_t gm = ni->need_grad ? 3 : 1, ns = (size_t)nspin;
    struct {
        double **p;
        size_t n;
    } buf[] = {
        {&w->phi, nf * np},      {&w->X, nf * np},          {&w->A, nf * np},
        {&w->Dblk, nf * nf},     {&w->M, nf * nf},          {&w->cart, nc * np},
        {&w->disp, 4 * np},      {&w->ex, npr * np},        {&w->pw, np * (2 + 3 * (ni->bs->max_l + 1))},
        {&w->rho, np * ns},      {&w->exc, np},             {&w->vrho, np * ns},
        {&w->sigma, np * 3},     {&w->vsigma, np * 3},      {&w->tau, np * ns},
        {&w->vtau, np * ns},     {&w->rx, np * 2},          {&w->tx, np * 2},
        {&w->gv, np * 3},        {&w->wv, np},              {&w->grad, gm * nf * np},
        {&w->Y, gm * nf * np},   {&w->B, gm * nf * np},     {&w->cgrad, gm * nc * np},
        {&w->gr, gm * np * ns},
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof buf / sizeof *buf; ++i) total += buf[i].n;
    w->arena = malloc(sizeof(double) * total);
    w->fidx = malloc(sizeof(int) * 4 * nf);
    if (!w->arena || !w->fidx) {
        work_free(w);
        return 0;
    }
    double *q = w->arena;
    for (size_t i = 0; i < sizeof buf / sizeof *buf; ++i) {
        *buf[i].p = q;
        q += buf[i].n;
    }
    w->run = w->fidx + nf;
    w->nspin = nspin;
    w->bytes = sizeof(double) * total + sizeof(int) * 4 * nf;
    return 1;
}

/* ------------------------------------------------------------ basis values */

/* Displacements from an atom's centre o to the block's points, and r^2. */
static void displacements(int np, const double *xyz, const double *o, double *disp)
{
    double *restrict dx = disp, *restrict dy = disp + np, *restrict dz = disp + 2 * np,
                     *restrict r2 = disp + 3 * np;
    for (int p = 0; p < np; ++p) {
        dx[p] = xyz[3 * p] - o[0];
        dy[p] = xyz[3 * p + 1] - o[1];
        dz[p] = xyz[3 * p + 2] - o[2];
        r2[p] = dx[p] * dx[p] + dy[p] * dy[p] + dz[p] * dz[p];
    }
}

/* ex[k*np + p] = exp(-alpha_k r_p^2), zero beyond EXP_CUTOFF. */
static void exponentials(const os_shell *sh, int np, const double *r2, double *ex)
{
    for (int k = 0; k < sh->nprim; ++k) {
        double a = sh->alpha[k];
        double *restrict e = ex + (size_t)k * np;
        for (int p = 0; p < np; ++p) {
            double ar2 = a * r2[p];
            e[p] = ar2 > EXP_CUTOFF ? 0.0 : exp(-ar2);
        }
    }
}

/* Radial part R and S = (1/r) dR/dr of a shell from its exponentials. */
static void radial(const os_shell *sh, int np, const double *ex, double *R, double *S)
{
    double *restrict Rp = R, *restrict Sp = S;
    for (int p = 0; p < np; ++p) Rp[p] = Sp[p] = 0.0;
    for (int k = 0; k < sh->nprim; ++k) {
        double c = sh->coef[k], c2 = -2.0 * sh->alpha[k] * c;
        const double *restrict e = ex + (size_t)k * np;
        for (int p = 0; p < np; ++p) {
            Rp[p] += c * e[p];
            Sp[p] += c2 * e[p];
        }
    }
}

/* R and S as radial(), straight from r^2 (which R overwrites): for a shell
 * evaluated on its own. */
static void radial_direct(const os_shell *sh, int np, double *r2_R, double *S)
{
    for (int p = 0; p < np; ++p) {
        double r2 = r2_R[p], r = 0.0, q = 0.0;
        for (int k = 0; k < sh->nprim; ++k) {
            double ar2 = sh->alpha[k] * r2;
            if (ar2 > EXP_CUTOFF) continue;
            double e = sh->coef[k] * exp(-ar2);
            r += e;
            q -= 2.0 * sh->alpha[k] * e;
        }
        r2_R[p] = r;
        S[p] = q;
    }
}

/* s shell: the value is R, the gradient S (x, y, z). */
static void eval_s(int np, const double *disp, const double *R, const double *S, double *phi,
                   double *grad, int ld)
{
    const double *restrict dx = disp, *restrict dy = disp + np, *restrict dz = disp + 2 * np;
    memcpy(phi, R, sizeof(double) * np);
    if (!grad) return;
    double *restrict gx = grad, *restrict gy = grad + ld, *restrict gz = grad + 2 * ld;
    for (int p = 0; p < np; ++p) {
        gx[p] = S[p] * dx[p];
        gy[p] = S[p] * dy[p];
        gz[p] = S[p] * dz[p];
    }
}

/* p shell (x, y, z): value d_c R, gradient d_c S (x, y, z) + R along c. */
static void eval_p(int np, const double *disp, const double *R, const double *S, double *phi,
                   double *grad, int ld)
{
    for (int c = 0; c < 3; ++c) {
        const double *restrict dc = disp + (size_t)c * np;
        double *restrict v = phi + (size_t)c * ld;
        for (int p = 0; p < np; ++p) v[p] = dc[p] * R[p];
        if (!grad) continue;
        for (int k = 0; k < 3; ++k) {
            const double *restrict dk = disp + (size_t)k * np;
            double *restrict g = grad + (size_t)(3 * c + k) * ld;
            if (k == c)
                for (int p = 0; p < np; ++p) g[p] = dc[p] * dk[p] * S[p] + R[p];
            else
                for (int p = 0; p < np; ++p) g[p] = dc[p] * dk[p] * S[p];
        }
    }
}

/* Any l: Cartesian components x^lx y^ly z^lz R from power tables (pw holds
 * 3(l+1)*np), then the pure transformation T when the shell is pure.  cart
 * and cgrad are scratch of ncart*np and 3*ncart*np. */
static void eval_general(const os_shell *sh, const double *T, int np, const double *disp,
                         const double *R, const double *S, double *phi, double *grad, int ld,
                         double *cart, double *cgrad, double *pw)
{
    int l = sh->l, nc = os_ncart(l);
    const double *restrict dx = disp, *restrict dy = disp + np, *restrict dz = disp + 2 * np;
    double *restrict px = pw, *restrict py = px + (l + 1) * np, *restrict pz = py + (l + 1) * np;
    for (int p = 0; p < np; ++p) px[p] = py[p] = pz[p] = 1.0;
    for (int k = 1; k <= l; ++k)
        for (int p = 0; p < np; ++p) {
            px[k * np + p] = px[(k - 1) * np + p] * dx[p];
            py[k * np + p] = py[(k - 1) * np + p] * dy[p];
            pz[k * np + p] = pz[(k - 1) * np + p] * dz[p];
        }
    int pure = sh->pure && l > 1, cld = pure ? np : ld;
    double *cv = pure ? cart : phi;
    double *cg = pure ? cgrad : grad;
    for (int c = 0; c < nc; ++c) {
        int lx, ly, lz;
        os_cart_exponents(l, c, &lx, &ly, &lz);
        double *restrict v = cv + (size_t)c * cld;
        const double *restrict X = px + lx * np, *restrict Y = py + ly * np, *restrict Z = pz + lz * np;
        for (int p = 0; p < np; ++p) v[p] = X[p] * Y[p] * Z[p] * R[p];
        if (!grad) continue;
        double *restrict gx = cg + (size_t)(3 * c) * cld, *restrict gy = gx + cld, *restrict gz = gy + cld;
        /* d/dx (x^lx R) = lx x^(lx-1) R + x^lx x S */
        const double *restrict Xm = px + (lx ? lx - 1 : 0) * np;
        const double *restrict Ym = py + (ly ? ly - 1 : 0) * np;
        const double *restrict Zm = pz + (lz ? lz - 1 : 0) * np;
        double fx = lx, fy = ly, fz = lz;
        for (int p = 0; p < np; ++p) {
            double xyz = X[p] * Y[p] * Z[p] * S[p];
            gx[p] = xyz * dx[p] + fx * Xm[p] * Y[p] * Z[p] * R[p];
            gy[p] = xyz * dy[p] + fy * X[p] * Ym[p] * Z[p] * R[p];
            gz[p] = xyz * dz[p] + fz * X[p] * Y[p] * Zm[p] * R[p];
        }
    }
    if (!pure) return;
    int nsph = os_nsph(l), gk = grad ? 4 : 1; /* value and three gradient rows */
    for (int m = 0; m < nsph; ++m) {
        for (int k = 0; k < gk; ++k) {
            double *restrict dst = k == 0 ? phi + (size_t)m * ld : grad + (size_t)(3 * m + k - 1) * ld;
            for (int p = 0; p < np; ++p) dst[p] = 0.0;
            for (int c = 0; c < nc; ++c) {
                double t = T[m * nc + c];
                if (t == 0.0) continue;
                const double *restrict src = k == 0 ? cart + (size_t)c * np : cgrad + (size_t)(3 * c + k - 1) * np;
                for (int p = 0; p < np; ++p) dst[p] += t * src[p];
            }
        }
    }
}

/* The shell's functions from its radial parts R, S: s and p shells take
 * short paths; pw holds 3(l+1)*np for the others. */
static void angular(const os_shell *sh, const double *T, int np, const double *disp,
                    const double *R, const double *S, double *phi, double *grad, int ld,
                    double *cart, double *cgrad, double *pw)
{
    switch (sh->l) {
    case 0: eval_s(np, disp, R, S, phi, grad, ld); break;
    case 1: eval_p(np, disp, R, S, phi, grad, ld); break;
    default: eval_general(sh, T, np, disp, R, S, phi, grad, ld, cart, cgrad, pw);
    }
}

void os_numint_eval_shell(const os_shell *sh, const double *T, int np, const double *xyz,
                          double *phi, double *grad, int ld, double *cart, double *cgrad,
                          double *pw)
{
    /* pw: dx, dy, dz, r^2 (then R), S, power tables */
    displacements(np, xyz, sh->origin, pw);
    radial_direct(sh, np, pw + 3 * np, pw + 4 * np);
    angular(sh, T, np, pw, pw + 3 * np, pw + 4 * np, phi, grad, ld, cart, cgrad, pw + 5 * np);
}

/* Values (and gradients when grad != NULL) of one shell's functions on np
 * points, phi[i*np + p] and grad[(i*3 + k)*np + p] for k = x, y, z, from the
 * displacements and exponentials of its atom.  pw: (2 + 3(l+1))*np scratch. */
static void eval_shell(const os_numint *ni, const os_shell *sh, int np, const double *disp,
                       const double *ex, double *phi, double *grad, double *cart, double *cgrad,
                       double *pw)
{
    double *R = pw, *S = pw + np;
    radial(sh, np, ex, R, S);
    angular(sh, ni->T[sh->l], np, disp, R, S, phi, grad, np, cart, cgrad, pw + 2 * np);
}

/* Values (and gradients) of the block's significant shells into w->phi and
 * w->grad, their global function indices into w->fidx; returns nf. */
static int block_values(const os_numint *ni, int b, int gga, work *w)
{
    const os_basis *bs = ni->bs;
    const os_grid *g = ni->g;
    int p0 = g->block0[b], np = g->block0[b + 1] - p0;
    const double *xyz = g->xyz + 3 * p0;
    int nf = 0, atom = -1, set = -1;
    for (int k = ni->blk_shell0[b]; k < ni->blk_shell0[b + 1]; ++k) {
        int s = ni->blk_shell[k];
        const os_shell *sh = &bs->shells[s];
        if (sh->atom != atom) {
            displacements(np, xyz, sh->origin, w->disp);
            atom = sh->atom;
            set = -1;
        }
        if (ni->exp_set[s] != set) {
            exponentials(sh, np, w->disp + 3 * np, w->ex);
            set = ni->exp_set[s];
        }
        eval_shell(ni, sh, np, w->disp, w->ex, w->phi + (size_t)nf * np,
                   gga ? w->grad + (size_t)3 * nf * np : NULL, w->cart, w->cgrad, w->pw);
        for (int i = 0; i < sh->nbf; ++i) w->fidx[nf + i] = sh->bf0 + i;
        nf += sh->nbf;
    }
    return nf;
}

/* Runs of consecutive global indices in fidx, to gather D and scatter V by
 * contiguous pieces; returns their number. */
static int function_runs(int nf, const int *fidx, int *run)
{
    int nrun = 0;
    for (int i = 0; i < nf; ++i) {
        if (i > 0 && fidx[i] == fidx[i - 1] + 1) {
            ++run[3 * (nrun - 1) + 2];
        } else {
            run[3 * nrun] = i;
            run[3 * nrun + 1] = fidx[i];
            run[3 * nrun + 2] = 1;
            ++nrun;
        }
    }
    return nrun;
}

/* ----------------------------------------------------------- per block */

typedef struct {
    int np, nf, nrun, nspin, gga, mgga;
    const double *wt;
} block;

/* rho (and grad rho, tau) of each spin on the block's points. */
static void block_density(const block *k, int nbf, const double *D, work *w)
{
    int np = k->np, nf = k->nf, g3 = 3 * np;
    for (int s = 0; s < k->nspin; ++s) {
        const double *Ds = D + (size_t)s * nbf * nbf;
        for (int i = 0; i < nf; ++i) {
            const double *drow = Ds + (size_t)w->fidx[i] * nbf;
            double *brow = w->Dblk + (size_t)i * nf;
            for (int r = 0; r < k->nrun; ++r) {
                const int *rr = w->run + 3 * r;
                const double *restrict src = drow + rr[1];
                double *restrict dst = brow + rr[0];
                for (int j = 0; j < rr[2]; ++j) dst[j] = src[j];
            }
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nf, np, nf, 1.0, w->Dblk, nf, w->phi,
                    np, 0.0, w->X, np);
        double *restrict rho = w->rho + (size_t)s * np;
        double *restrict gx = w->gr + (size_t)s * g3, *restrict gy = gx + np, *restrict gz = gy + np;
        for (int p = 0; p < np; ++p) rho[p] = 0.0;
        if (k->gga)
            for (int p = 0; p < g3; ++p) gx[p] = 0.0;
        for (int i = 0; i < nf; ++i) {
            const double *restrict x = w->X + (size_t)i * np, *restrict ph = w->phi + (size_t)i * np;
            if (!k->gga) {
                for (int p = 0; p < np; ++p) rho[p] += x[p] * ph[p];
                continue;
            }
            const double *restrict ix = w->grad + (size_t)i * g3, *restrict iy = ix + np, *restrict iz = iy + np;
            for (int p = 0; p < np; ++p) {
                rho[p] += x[p] * ph[p];
                gx[p] += x[p] * ix[p];
                gy[p] += x[p] * iy[p];
                gz[p] += x[p] * iz[p];
            }
        }
        if (k->gga)
            for (int p = 0; p < g3; ++p) gx[p] *= 2.0;
        if (k->mgga) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nf, g3, nf, 1.0, w->Dblk, nf,
                        w->grad, g3, 0.0, w->Y, g3);
            double *restrict tau = w->tau + (size_t)s * np;
            for (int p = 0; p < np; ++p) tau[p] = 0.0;
            for (int i = 0; i < nf; ++i) {
                const double *restrict y = w->Y + (size_t)i * g3, *restrict gi = w->grad + (size_t)i * g3;
                for (int q = 0; q < 3; ++q)
                    for (int p = 0; p < np; ++p) tau[p] += 0.5 * y[q * np + p] * gi[q * np + p];
            }
        }
    }
}

/* The functional on the block's points (libxc layouts: interleaved per point
 * for nspin = 2); adds the block's Exc and electrons. */
static os_status block_functional(const block *k, const os_xc *xc, int family, work *w,
                                  double *exc_sum, double *nel_sum, os_error *err)
{
    int np = k->np, nspin = k->nspin;
    double *rin = w->rho, *sin_ = w->sigma, *tin = w->tau;
    if (nspin == 2) {
        for (int p = 0; p < np; ++p) {
            w->rx[2 * p] = w->rho[p];
            w->rx[2 * p + 1] = w->rho[np + p];
        }
        rin = w->rx;
        if (k->mgga) {
            for (int p = 0; p < np; ++p) {
                w->tx[2 * p] = w->tau[p];
                w->tx[2 * p + 1] = w->tau[np + p];
            }
            tin = w->tx;
        }
    }
    if (k->gga) {
        const double *ga = w->gr, *gb = w->gr + 3 * np;
        for (int p = 0; p < np; ++p) {
            double aa = ga[p] * ga[p] + ga[np + p] * ga[np + p] + ga[2 * np + p] * ga[2 * np + p];
            if (nspin == 1) {
                w->sigma[p] = aa;
            } else {
                w->sigma[3 * p] = aa;
                w->sigma[3 * p + 1] = ga[p] * gb[p] + ga[np + p] * gb[np + p] + ga[2 * np + p] * gb[2 * np + p];
                w->sigma[3 * p + 2] = gb[p] * gb[p] + gb[np + p] * gb[np + p] + gb[2 * np + p] * gb[2 * np + p];
            }
        }
    }
    if (family != OS_XC_NONE) {
        os_status st = os_xc_eval(xc, np, rin, k->gga ? sin_ : NULL, k->mgga ? tin : NULL, w->exc,
                                  w->vrho, k->gga ? w->vsigma : NULL, k->mgga ? w->vtau : NULL, err);
        if (st != OS_OK) return st;
    } else {
        for (int p = 0; p < np; ++p) w->exc[p] = 0.0;
    }
    double e = 0.0, n = 0.0;
    for (int p = 0; p < np; ++p) {
        double r = nspin == 1 ? w->rho[p] : w->rho[p] + w->rho[np + p];
        e += k->wt[p] * r * w->exc[p];
        n += k->wt[p] * r;
    }
    *exc_sum += e;
    *nel_sum += n;
    return OS_OK;
}

/* Weighted g = 2 vsigma_ss grad rho_s + vsigma_ab grad rho_other, into gv. */
static void weighted_g(const block *k, int s, work *w)
{
    int np = k->np, g3 = 3 * np;
    const double *wt = k->wt;
    double *restrict gv = w->gv;
    if (k->nspin == 1) {
        for (int q = 0; q < 3; ++q)
            for (int p = 0; p < np; ++p) gv[q * np + p] = 2.0 * wt[p] * w->vsigma[p] * w->gr[q * np + p];
        return;
    }
    const double *gs = w->gr + (size_t)s * g3, *go = w->gr + (size_t)(1 - s) * g3;
    for (int q = 0; q < 3; ++q)
        for (int p = 0; p < np; ++p) {
            double vss = w->vsigma[3 * p + 2 * s], vab = w->vsigma[3 * p + 1];
            gv[q * np + p] = wt[p] * (2.0 * vss * gs[q * np + p] + vab * go[q * np + p]);
        }
}

/* The block's Vxc of each spin, added to the thread's V (upper triangle). */
static void block_potential(const block *k, int nbf, work *w)
{
    int np = k->np, nf = k->nf, g3 = 3 * np, nspin = k->nspin;
    const double *wt = k->wt;
    for (int s = 0; s < nspin; ++s) {
        if (k->gga) weighted_g(k, s, w);
        double *restrict wv = w->wv;
        for (int p = 0; p < np; ++p) wv[p] = 0.5 * wt[p] * w->vrho[nspin * p + s];
        const double *restrict gx = w->gv, *restrict gy = gx + np, *restrict gz = gy + np;
        for (int i = 0; i < nf; ++i) {
            const double *restrict ph = w->phi + (size_t)i * np;
            double *restrict a = w->A + (size_t)i * np;
            if (!k->gga) {
                for (int p = 0; p < np; ++p) a[p] = wv[p] * ph[p];
                continue;
            }
            const double *restrict ix = w->grad + (size_t)i * g3, *restrict iy = ix + np, *restrict iz = iy + np;
            for (int p = 0; p < np; ++p) a[p] = wv[p] * ph[p] + gx[p] * ix[p] + gy[p] * iy[p] + gz[p] * iz[p];
        }
        /* M = phi A^T + A phi^T, upper triangle (half the flops of a gemm) */
        cblas_dsyr2k(CblasRowMajor, CblasUpper, CblasNoTrans, nf, np, 1.0, w->phi, np, w->A, np, 0.0,
                     w->M, nf);
        if (k->mgga) {
            for (int i = 0; i < nf; ++i) {
                const double *restrict gi = w->grad + (size_t)i * g3;
                double *restrict bb = w->B + (size_t)i * g3;
                for (int q = 0; q < 3; ++q)
                    for (int p = 0; p < np; ++p)
                        bb[q * np + p] = 0.25 * wt[p] * w->vtau[nspin * p + s] * gi[q * np + p];
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
            for (int r = 0; r < k->nrun; ++r) {
                const int *rr = w->run + 3 * r;
                int j0 = rr[0] > i ? rr[0] : i, j1 = rr[0] + rr[2];
                if (j0 >= j1) continue;
                double *restrict vd = vrow + rr[1] - rr[0];
                for (int j = j0; j < j1; ++j) vd[j] += mrow[j];
            }
        }
    }
}

/* One block: accumulate Exc, N and V into the thread's work. */
static os_status do_block(const os_numint *ni, const os_xc *xc, int nspin, int family,
                          const double *D, int b, work *w, double *exc_sum, double *nel_sum,
                          os_error *err)
{
    const os_grid *g = ni->g;
    block k = {.np = g->block0[b + 1] - g->block0[b], .nspin = nspin, .wt = g->w + g->block0[b],
               .gga = family >= OS_XC_GGA, .mgga = family >= OS_XC_MGGA};
    k.nf = block_values(ni, b, k.gga, w);
    if (k.nf == 0) return OS_OK;
    k.nrun = function_runs(k.nf, w->fidx, w->run);
    block_density(&k, ni->nbf, D, w);
    os_status st = block_functional(&k, xc, family, w, exc_sum, nel_sum, err);
    if (st != OS_OK || family == OS_XC_NONE) return st;
    block_potential(&k, ni->nbf, w);
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
    int nbf = ni->nbf, nblock = ni->g->nblock;
    size_t n2 = (size_t)nbf * nbf, len = (size_t)nspin * n2;
    /* Reproducible sums (core/lanes.h): per lane V, Exc and N. */
    int lanes = os_lanes(nblock, len * sizeof(double));
    double *part = os_zeros((size_t)lanes * (len + 2));
    if (!part) return OS_NOMEM(err, "numint lanes");
    double *e_lane = part + (size_t)lanes * len, *n_lane = e_lane + lanes;
    os_status st = OS_OK;
    int nthr = os_threads_for(ni->nthreads, lanes, 1);

#pragma omp parallel num_threads(nthr)
    {
        work *w = &ni->work[omp_get_thread_num()];
        int ok = work_ready(w, ni, nspin);
        os_error my_err;
        os_status my_st = ok ? OS_OK : OS_NOMEM(&my_err, "numint work");
#pragma omp for schedule(dynamic, 1)
        for (int l = 0; l < lanes; ++l) {
            w->V = part + (size_t)l * len;
            for (int b = l; b < nblock && my_st == OS_OK; b += lanes)
                my_st = do_block(ni, xc, nspin, family, D, b, w, &e_lane[l], &n_lane[l], &my_err);
        }
        if (my_st != OS_OK) {
#pragma omp critical(os_numint_error)
            if (st == OS_OK) {
                st = my_st;
                if (err) *err = my_err;
            }
        }
    }
    double e_tot = 0.0, n_tot = 0.0;
    if (st == OS_OK) {
        os_lanes_sum(lanes, len, len, part, V);
        for (int l = 0; l < lanes; ++l) e_tot += e_lane[l], n_tot += n_lane[l];
    }
    free(part);
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
        os_numint_eval_shell(sh, T[sh->l], np, xyz, phi + (size_t)sh->bf0 * np, NULL, np, cart, NULL, pw);
    }
    for (int l = 0; l <= OS_MAX_L; ++l) free(T[l]);
    free(cart);
    free(pw);
    return ok ? OS_OK : OS_NOMEM(err, "basis values");
}
