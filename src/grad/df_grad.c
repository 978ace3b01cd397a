/* The two-electron gradient of density-fitted energies (jk/df.c), in the
 * Coulomb metric M_PQ = (P|Q).  With g_P = (P|mn) P_mn (P the total density),
 * d = M^-1 g, the occupied factors D_s = C_s C_s^T of each spin density,
 * a_s^P = C_s^T (P|..) C_s (k_s x k_s), c_s = M^-1 a_s, and for range-separated
 * hybrids w_s^P = C_s^T (P|w|..) C_s (erf integrals), cw_s = M^-1 w_s:
 *   E_J   = 1/2 g^T M^-1 g
 *   E_K   = -kx  sum_s sum_ij a_s^P_ij (M^-1)_PQ a_s^Q_ij
 *   E_Klr = -klr sum_s sum_ij a_s^P_ij (M^-1)_PQ w_s^Q_ij   (Psi4's one-sided fit)
 * with kx = ax/2 per spin (ax when nspin = 1: the alpha factor stands for
 * both spins), klr likewise with bx.  Differentiating with the densities
 * fixed (dM^-1 = -M^-1 dM M^-1):
 *   dE_J   = sum (P|mn)' d_P P_mn - 1/2 sum d_P (P|Q)' d_Q
 *   dE_K   = -kx sum_s [2 sum (P|mn)' G[c_s]^P_mn - sum c_s^P (P|Q)' c_s^Q]
 *   dE_Klr = -klr sum_s [sum (P|mn)' G[cw_s]^P_mn + sum (P|w|mn)' G[c_s]^P_mn
 *                        - sum c_s^P (P|Q)' cw_s^Q]
 * where G[c]^P = C_s c^P C_s^T (n x n) and the c products contract over ij.
 * Stages: factors and layout -> three-index pass (g, a_s, w_s) -> fit with
 * the metric -> two-centre derivative term -> three-centre derivative term
 * (G built per fitting shell, contracted with 3eri1 over the shell pairs the
 * SCF kept).  libint2 gives every centre's derivative (no translational
 * invariance needed); sets on one atom are skipped (their derivatives sum to
 * zero).
 * When the SCF's builder at this geometry is at hand with its tensors in
 * memory (in->fitted), B = L^-1 (P|mn) replaces the pass and the metric:
 * L^-1 g = B.P and L^-1 a_s = C_s^T B C_s, so one solve with L^T gives d and
 * c_s.
 * The metric is the SCF's: when its conditioning dropped eigenvalues
 * (os_jk_df_metric), M^-1 is the conditioned inverse while (P|Q)' is the
 * plain derivative, as in Psi4's DF gradient: not exact along the dropped
 * directions, measured at 2e-9 Eh/bohr on formate/6-31+G* (docs/gradients.md). */
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
#include "integrals/integrals.h"
#include "jk/jk.h"

enum { T_J, T_K, T_KLR, NTERM }; /* the gradient terms, as gJ, gK, gKlr */

typedef struct {
    const os_basis *bs, *aux;
    int n, naux, natom, nspin, nthreads;
    double kx, klr, omega;     /* exchange weights as in the file comment */
    double *P;                 /* n^2: total density */
    os_density_factor f[2];    /* occupied factors of the spin densities */
    int nsp, *sp;              /* shell pairs a >= b the SCF kept (os_jk_significant_pairs) */
    double *L;                 /* naux^2: Cholesky factor of the (conditioned) metric */
    const double *L_scf;       /* or the SCF builder's (not owned; L then NULL) */
    double *d;                 /* naux: M^-1 g */
    double *c[2], *cw[2];      /* naux x k_s^2: M^-1 a_s, M^-1 w_s */
} df_grad;

static void df_grad_free(df_grad *c)
{
    free(c->P);
    free(c->sp);
    free(c->L);
    free(c->d);
    for (int s = 0; s < 2; ++s) {
        free(c->f[s].C);
        free(c->c[s]);
        free(c->cw[s]);
    }
}

static size_t kk(const df_grad *c, int s) { return (size_t)c->f[s].k * c->f[s].k; }

/* ------------------------------------------------------------- set-up */

/* Total density, occupied factors (the SCF's densities are positive
 * semidefinite: a negative eigenvalue is refused) and the shell pairs. */
static os_status setup(df_grad *c, const os_grad_2e_input *in, os_error *err)
{
    int n = c->n, ns = c->bs->nshell;
    size_t n2 = (size_t)n * n;
    c->P = os_zeros(n2);
    double *V = os_zeros(n2), *w = os_zeros((size_t)n), *Q = os_zeros((size_t)ns * ns);
    c->sp = malloc((size_t)ns * (ns + 1) * sizeof(int));
    os_status st = !c->P || !V || !w || !Q || !c->sp ? OS_NOMEM(err, "DF gradient") : OS_OK;
    for (size_t k = 0; k < n2 && st == OS_OK; ++k)
        c->P[k] = c->nspin == 1 ? 2.0 * in->D[k] : in->D[k] + in->D[n2 + k];
    for (int s = 0; s < c->nspin && st == OS_OK && (c->kx != 0.0 || c->klr != 0.0); ++s) {
        if (!(c->f[s].C = malloc(n2 * sizeof(double)))) {
            st = OS_NOMEM(err, "DF gradient");
            break;
        }
        st = os_jk_factor_density(n, in->D + s * n2, &c->f[s], V, w, err);
        if (st == OS_OK && c->f[s].k != c->f[s].kpos)
            st = os_fail(err, OS_ERR_NUMERIC, "DF gradient: a spin density with a negative "
                                              "eigenvalue (not an SCF density)");
    }
    if (st == OS_OK) st = os_eri_schwarz(c->bs, 0.0, c->nthreads, Q, err);
    if (st == OS_OK) c->nsp = os_jk_significant_pairs(c->bs, Q, in->schwarz, c->sp);
    free(V);
    free(w);
    free(Q);
    return st;
}

/* ------------------------------------------------- three-index pass */

/* Per-thread engines (omega 0: 1/r12; else erf), integrals or derivatives. */
static os_status engines3_new(const df_grad *c, double omega, int deriv, int nt, os_eri3 ***out,
                              os_error *err)
{
    os_eri3 **e = calloc((size_t)nt, sizeof *e);
    *out = e;
    if (!e) return OS_NOMEM(err, "3-centre engines");
    os_status st = OS_OK;
    for (int t = 0; t < nt && st == OS_OK; ++t)
        st = deriv ? os_eri3_deriv_new(c->aux, c->bs, omega, &e[t], err)
                   : os_eri3_new(c->aux, c->bs, omega, &e[t], err);
    return st;
}

static void engines3_free(os_eri3 **e, int nt)
{
    if (!e) return;
    for (int t = 0; t < nt; ++t) os_eri3_free(e[t]);
    free(e);
}

/* (P|mn) of fitting shell P over the kept shell pairs as full symmetric
 * n x n matrices U[p] (p over the shell's functions; the others zero). */
static void shell_matrices(const df_grad *c, os_eri3 *e, int P, double *U)
{
    const os_shell *sh = c->bs->shells, *SP = &c->aux->shells[P];
    int n = c->n;
    memset(U, 0, (size_t)SP->nbf * n * n * sizeof(double));
    for (int k = 0; k < c->nsp; ++k) {
        int a = c->sp[2 * k], b = c->sp[2 * k + 1];
        const double *Iv = os_eri3_compute(e, P, a, b);
        int na = sh[a].nbf, nb = sh[b].nbf;
        for (int p = 0; p < SP->nbf; ++p) {
            double *Up = U + (size_t)p * n * n;
            for (int i = 0; i < na; ++i)
                for (int j = 0; j < nb; ++j) {
                    double v = Iv[((size_t)p * na + i) * nb + j];
                    int m = sh[a].bf0 + i, l = sh[b].bf0 + j;
                    Up[(size_t)m * n + l] = Up[(size_t)l * n + m] = v;
                }
        }
    }
}

/* Row `row` of each A[s] (k_s x k_s): C_s^T U C_s for symmetric n x n U;
 * T: n x k work space. */
static void occupied_block(const df_grad *c, const double *U, double *T, double *const *A,
                           int row)
{
    int n = c->n;
    for (int s = 0; s < c->nspin && A[s]; ++s) {
        int k = c->f[s].k;
        if (k == 0) continue;
        cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, n, k, 1.0, U, n, c->f[s].C, k, 0.0, T,
                    k);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, k, n, 1.0, c->f[s].C, k, T, k,
                    0.0, A[s] + (size_t)row * k * k, k);
    }
}

/* One pass over the three-centre integrals of one kernel: g_P = (P|mn) P_mn
 * (when g) and a_s^P = C_s^T (P|..) C_s into A[s] (naux x k_s^2). */
static os_status three_index_pass(const df_grad *c, double omega, double *g, double *const *A,
                                  os_error *err)
{
    int n = c->n, nas = c->aux->nshell, nt = os_threads_for(c->nthreads, nas, 1);
    int maxf = 0;
    for (int P = 0; P < nas; ++P)
        if (c->aux->shells[P].nbf > maxf) maxf = c->aux->shells[P].nbf;
    os_eri3 **eng = NULL;
    os_status st = engines3_new(c, omega, 0, nt, &eng, err);
    double *U = st == OS_OK ? malloc((size_t)nt * maxf * n * n * sizeof(double)) : NULL;
    double *T = st == OS_OK ? malloc((size_t)nt * n * n * sizeof(double)) : NULL;
    if (st == OS_OK && (!U || !T)) st = OS_NOMEM(err, "DF gradient integrals");
    if (st == OS_OK) {
#pragma omp parallel for schedule(dynamic) num_threads(nt)
        for (int P = 0; P < nas; ++P) {
            int t = omp_get_thread_num();
            const os_shell *SP = &c->aux->shells[P];
            double *Ut = U + (size_t)t * maxf * n * n, *Tt = T + (size_t)t * n * n;
            shell_matrices(c, eng[t], P, Ut);
            for (int p = 0; p < SP->nbf; ++p) {
                const double *Up = Ut + (size_t)p * n * n;
                int row = SP->bf0 + p;
                if (g) g[row] = cblas_ddot(n * n, Up, 1, c->P, 1);
                occupied_block(c, Up, Tt, A, row);
            }
        }
    }
    engines3_free(eng, nt);
    free(U);
    free(T);
    return st;
}

/* X <- L^-1 X, or L^-T X (naux x cols, row-major), L the metric's Cholesky factor. */
static void factor_solve(const df_grad *c, CBLAS_TRANSPOSE tr, double *X, int cols)
{
    if (cols == 0) return;
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, tr, CblasNonUnit, c->naux, cols, 1.0,
                c->L ? c->L : c->L_scf, c->naux, X, cols);
}

/* X <- M^-1 X = L^-T L^-1 X. */
static void metric_solve(const df_grad *c, double *X, int cols)
{
    factor_solve(c, CblasNoTrans, X, cols);
    factor_solve(c, CblasTrans, X, cols);
}

/* d, c_s (cw_s) from the SCF builder's fitted tensors (the file comment):
 * rows of B (Bw) unpacked and contracted as the three-index pass does its
 * integrals, then one solve with L^T. */
static os_status fitted_from_scf(df_grad *c, const os_jk *jk, os_error *err)
{
    int n = c->n, nt = os_threads_for(c->nthreads, c->naux, 1);
    int want_k = c->kx != 0.0 || c->klr != 0.0;
    size_t n2 = (size_t)n * n;
    double *U = malloc((size_t)nt * n2 * sizeof(double));
    double *T = malloc((size_t)nt * n2 * sizeof(double));
    if (!U || !T) {
        free(U), free(T);
        return OS_NOMEM(err, "DF gradient");
    }
    double *const A[2] = {want_k ? c->c[0] : NULL, want_k && c->nspin == 2 ? c->c[1] : NULL};
    double *const Aw[2] = {c->cw[0], c->nspin == 2 ? c->cw[1] : NULL};
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt)
    for (int Q = 0; Q < c->naux; ++Q) {
        int t = omp_get_thread_num();
        double *Ut = U + (size_t)t * n2, *Tt = T + (size_t)t * n2;
        os_jk_df_fitted_row(jk, 0, Q, Ut);
        c->d[Q] = cblas_ddot((int)n2, Ut, 1, c->P, 1);
        occupied_block(c, Ut, Tt, A, Q);
        if (!Aw[0]) continue;
        os_jk_df_fitted_row(jk, 1, Q, Ut);
        occupied_block(c, Ut, Tt, Aw, Q);
    }
    free(U), free(T);
    factor_solve(c, CblasTrans, c->d, 1);
    for (int s = 0; s < c->nspin && want_k; ++s) {
        factor_solve(c, CblasTrans, c->c[s], (int)kk(c, s));
        if (c->cw[s]) factor_solve(c, CblasTrans, c->cw[s], (int)kk(c, s));
    }
    return OS_OK;
}

/* The metric, g and a_s (w_s), and the fitted d, c_s (cw_s): from the
 * integrals, or from the SCF's tensors (scf_jk). */
static os_status fitted_coefficients(df_grad *c, const os_jk *scf_jk, os_error *err)
{
    size_t na = (size_t)c->naux;
    int ndropped = 0, want_k = c->kx != 0.0 || c->klr != 0.0;
    if (!scf_jk) c->L = malloc(na * na * sizeof(double));
    c->d = malloc(na * sizeof(double));
    if ((!scf_jk && !c->L) || !c->d) return OS_NOMEM(err, "DF gradient");
    for (int s = 0; s < c->nspin && want_k; ++s) {
        size_t len = na * kk(c, s) > 0 ? na * kk(c, s) : 1;
        c->c[s] = malloc(len * sizeof(double));
        if (c->klr != 0.0) c->cw[s] = malloc(len * sizeof(double));
        if (!c->c[s] || (c->klr != 0.0 && !c->cw[s])) return OS_NOMEM(err, "DF gradient");
    }
    if (scf_jk) return fitted_from_scf(c, scf_jk, err);
    os_status st = os_jk_df_metric(c->aux, c->nthreads, c->L, &ndropped, err);
    if (st == OS_OK) st = three_index_pass(c, 0.0, c->d, c->c, err);
    if (st == OS_OK && c->klr != 0.0) st = three_index_pass(c, c->omega, NULL, c->cw, err);
    if (st != OS_OK) return st;
    metric_solve(c, c->d, 1);
    for (int s = 0; s < c->nspin && want_k; ++s) {
        metric_solve(c, c->c[s], (int)kk(c, s));
        if (c->cw[s]) metric_solve(c, c->cw[s], (int)kk(c, s));
    }
    return OS_OK;
}

/* ------------------------------------------------ two-centre term */

/* X[t] (naux^2): what (P|Q)' is contracted with for term t. */
static os_status metric_weights(const df_grad *c, double *const *X, os_error *err)
{
    int na = c->naux;
    (void)err;
    /* J: -1/2 d d^T */
    memset(X[T_J], 0, (size_t)na * na * sizeof(double));
    cblas_dger(CblasRowMajor, na, na, -0.5, c->d, 1, c->d, 1, X[T_J], na);
    /* K: kx sum_s c_s c_s^T; Klr: klr sum_s (c_s cw_s^T + cw_s c_s^T)/2 */
    memset(X[T_K], 0, (size_t)na * na * sizeof(double));
    memset(X[T_KLR], 0, (size_t)na * na * sizeof(double));
    for (int s = 0; s < c->nspin; ++s) {
        int k2 = (int)kk(c, s);
        if (k2 == 0 || !c->c[s]) continue;
        if (c->kx != 0.0)
            cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, na, k2, c->kx, c->c[s], k2, 1.0,
                        X[T_K], na);
        if (c->cw[s]) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, na, na, k2, 0.5 * c->klr,
                        c->c[s], k2, c->cw[s], k2, 1.0, X[T_KLR], na);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, na, na, k2, 0.5 * c->klr,
                        c->cw[s], k2, c->c[s], k2, 1.0, X[T_KLR], na);
        }
    }
    for (int i = 0; i < na; ++i) /* dsyrk filled the lower triangle only */
        for (int j = 0; j < i; ++j) X[T_K][(size_t)j * na + i] = X[T_K][(size_t)i * na + j];
    return OS_OK;
}

/* sum_PQ (P|Q)' X[t]_PQ into g[t] over the pairs P >= Q (twice off the diagonal). */
static os_status two_centre_term(const df_grad *c, double *const *X, double *const *g,
                                 os_error *err)
{
    const os_basis *aux = c->aux;
    int na = c->naux, nas = aux->nshell, na3 = 3 * c->natom;
    /* Per lane (core/lanes.h): the NTERM terms' components. */
    size_t lane_len = (size_t)NTERM * na3;
    int lanes = os_lanes(nas, lane_len * sizeof(double));
    double *part = os_zeros((size_t)lanes * lane_len);
    int nt = os_threads_for(os_threads_for(c->nthreads, (long)nas * (nas + 1) / 2, 64), lanes, 1);
    os_status failed = part ? OS_OK : OS_NOMEM(err, "DF gradient");
#pragma omp parallel num_threads(nt) if (failed == OS_OK)
    {
        os_eri2 *e = NULL;
        os_error my_err;
        os_status my_st = failed != OS_OK ? failed : os_eri2_deriv_new(aux, 0.0, &e, &my_err);
#pragma omp for schedule(dynamic, 1)
        for (int l = 0; l < lanes; ++l)
        for (int P = l; P < nas; P += lanes) {
            double *acc = part + (size_t)l * lane_len;
            const os_shell *SP = &aux->shells[P];
            for (int Q = 0; Q <= P && my_st == OS_OK; ++Q) {
                const os_shell *SQ = &aux->shells[Q];
                if (SP->atom == SQ->atom) continue;
                const double *dI = os_eri2_deriv_compute(e, P, Q);
                size_t nb = (size_t)SP->nbf * SQ->nbf;
                double deg = P == Q ? 1.0 : 2.0;
                for (int t = 0; t < NTERM; ++t) {
                    for (int x = 0; x < 6; ++x) {
                        const double *blk = dI + x * nb;
                        double v = 0.0;
                        for (int i = 0; i < SP->nbf; ++i)
                            for (int j = 0; j < SQ->nbf; ++j)
                                v += blk[i * SQ->nbf + j] *
                                     X[t][(size_t)(SP->bf0 + i) * na + SQ->bf0 + j];
                        acc[t * na3 + 3 * (x < 3 ? SP->atom : SQ->atom) + x % 3] += deg * v;
                    }
                }
            }
        }
        if (my_st != OS_OK) {
#pragma omp critical(os_df_grad_error)
            if (failed == OS_OK) {
                failed = my_st;
                if (err) *err = my_err;
            }
        }
        os_eri2_free(e);
    }
    for (int t = 0; t < NTERM && failed == OS_OK; ++t)
        os_lanes_add(lanes, (size_t)na3, lane_len, part + (size_t)t * na3, g[t]);
    free(part);
    return failed;
}

/* ---------------------------------------------- three-centre term */

/* G += f C_s coef C_s^T (coef k x k, G n x n); T: n x k work space. */
static void add_back_transformed(const df_grad *c, int s, double f, const double *coef, double *T,
                                 double *G)
{
    int n = c->n, k = c->f[s].k;
    if (k == 0) return;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, k, 1.0, c->f[s].C, k, coef, k,
                0.0, T, k);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, k, f, T, k, c->f[s].C, k, 1.0, G,
                n);
}

/* What the derivative integrals of fitting function p are contracted with:
 * G[1..2]: the 1/r12 integrals' weights for the K and Klr terms (NULL when
 * the functional has none); Gw: the erf integrals' (Klr).  The J term's,
 * d_p P, is gathered block by block where it is used (contract_shell). */
static void shell_weights(const df_grad *c, int p, double *const *G, double *Gw, double *T)
{
    int n = c->n;
    size_t n2 = (size_t)n * n;
    if (G[T_K]) memset(G[T_K], 0, n2 * sizeof(double));
    if (G[T_KLR]) memset(G[T_KLR], 0, n2 * sizeof(double));
    if (Gw) memset(Gw, 0, n2 * sizeof(double));
    for (int s = 0; s < c->nspin; ++s) {
        if (!c->c[s]) continue;
        const double *cp = c->c[s] + (size_t)p * kk(c, s);
        if (G[T_K]) add_back_transformed(c, s, -2.0 * c->kx, cp, T, G[T_K]);
        if (G[T_KLR]) {
            add_back_transformed(c, s, -c->klr, c->cw[s] + (size_t)p * kk(c, s), T, G[T_KLR]);
            add_back_transformed(c, s, -c->klr, cp, T, Gw);
        }
    }
}

/* The (a, b) blocks of fitting shell P's weights into gw (p, i, j order):
 * from G (p * n^2 apart), or with G NULL the J term's d_p P. */
static void gather_block(const df_grad *c, const os_shell *SP, int a, int b, const double *G,
                         double *gw)
{
    const os_shell *sh = c->bs->shells;
    int n = c->n, na = sh[a].nbf, nb = sh[b].nbf;
    size_t n2 = (size_t)n * n;
    double *x = gw;
    for (int p = 0; p < SP->nbf; ++p)
        for (int i = 0; i < na; ++i, x += nb) {
            size_t o = (size_t)(sh[a].bf0 + i) * n + sh[b].bf0;
            if (G) {
                memcpy(x, G + p * n2 + o, (size_t)nb * sizeof(double));
                continue;
            }
            double dp = c->d[SP->bf0 + p];
            for (int j = 0; j < nb; ++j) x[j] = dp * c->P[o + j];
        }
}

/* sum over the kept shell pairs (a, b) of d(P|ab)/dX G[t]^p_ab for the
 * nG weight matrices of fitting shell P (G[t] + p * n^2), into acc[t]; with
 * `with_j`, G[T_J] is NULL and stands for the J term's d_p P.  Each weight
 * block is gathered once (into gw, room for the largest block) so that the
 * derivative blocks are contracted as contiguous dot products; the
 * derivative on b's centre is minus the other two (translational invariance). */
static void contract_shell(const df_grad *c, os_eri3 *e, int P, int nG, double *const *G,
                           int with_j, double *const *acc, double *gw)
{
    const os_shell *sh = c->bs->shells, *SP = &c->aux->shells[P];
    for (int k = 0; k < c->nsp; ++k) {
        int a = c->sp[2 * k], b = c->sp[2 * k + 1];
        if (sh[a].atom == SP->atom && sh[b].atom == SP->atom) continue;
        const double *dI = os_eri3_deriv_compute(e, P, a, b);
        size_t nblk = (size_t)SP->nbf * sh[a].nbf * sh[b].nbf;
        double deg = a == b ? 1.0 : 2.0; /* (P|ab) and (P|ba) */
        const int atom[3] = {SP->atom, sh[a].atom, sh[b].atom};
        for (int t = 0; t < nG; ++t) {
            if (!G[t] && !(with_j && t == T_J)) continue;
            gather_block(c, SP, a, b, G[t], gw);
            double v[6];
            for (int d = 0; d < 6; ++d) v[d] = deg * cblas_ddot((int)nblk, dI + d * nblk, 1, gw, 1);
            for (int q = 0; q < 3; ++q) {
                acc[t][3 * atom[0] + q] += v[q];
                acc[t][3 * atom[1] + q] += v[3 + q];
                acc[t][3 * atom[2] + q] -= v[q] + v[3 + q];
            }
        }
    }
}

static os_status three_centre_term(const df_grad *c, double *const *g, os_error *err)
{
    int n = c->n, nas = c->aux->nshell, na3 = 3 * c->natom;
    /* Per lane (core/lanes.h): the NTERM terms' components. */
    size_t lane_len = (size_t)NTERM * na3;
    int lanes = os_lanes(nas, lane_len * sizeof(double));
    int nt = os_threads_for(c->nthreads, lanes, 1), lr = c->klr != 0.0;
    size_t n2 = (size_t)n * n;
    int maxf = 0;
    for (int P = 0; P < nas; ++P)
        if (c->aux->shells[P].nbf > maxf) maxf = c->aux->shells[P].nbf;
    os_eri3 **eng = NULL, **engw = NULL;
    os_status st = engines3_new(c, 0.0, 1, nt, &eng, err);
    if (st == OS_OK && lr) st = engines3_new(c, c->omega, 1, nt, &engw, err);
    /* per thread: n x max k work, a gathered block, then the weight blocks
     * (maxf n^2 each): K when exchange, Klr and Gw when long-range */
    int nblock = (c->kx != 0.0) + 2 * lr, nco = c->bs->shells[0].nbf;
    for (int s = 1; s < c->bs->nshell; ++s)
        if (c->bs->shells[s].nbf > nco) nco = c->bs->shells[s].nbf;
    size_t gsz = (size_t)maxf * nco * nco;
    size_t head = n2 + gsz, per = head + (size_t)nblock * maxf * n2;
    double *work = st == OS_OK ? calloc((size_t)nt * per, sizeof(double)) : NULL;
    double *part = st == OS_OK ? os_zeros((size_t)lanes * lane_len) : NULL;
    if (st == OS_OK && (!work || !part)) st = OS_NOMEM(err, "DF gradient");
    if (st == OS_OK) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
        for (int l = 0; l < lanes; ++l)
        for (int P = l; P < nas; P += lanes) {
            const os_shell *SP = &c->aux->shells[P];
            int t = omp_get_thread_num();
            double *w = work + (size_t)t * per, *T = w, *gw = T + n2;
            double *blk = w + head, *lane = part + (size_t)l * lane_len;
            double *acc[NTERM] = {lane, lane + na3, lane + 2 * na3};
            double *G[NTERM] = {NULL, NULL, NULL}, *Gw = NULL;
            if (c->kx != 0.0) {
                G[T_K] = blk;
                blk += (size_t)maxf * n2;
            }
            if (lr) {
                G[T_KLR] = blk;
                Gw = blk + (size_t)maxf * n2;
            }
            for (int p = 0; p < SP->nbf; ++p) {
                size_t o = (size_t)p * n2;
                double *Gp[NTERM] = {NULL, G[T_K] ? G[T_K] + o : NULL,
                                     G[T_KLR] ? G[T_KLR] + o : NULL};
                shell_weights(c, SP->bf0 + p, Gp, Gw ? Gw + o : NULL, T);
            }
            contract_shell(c, eng[t], P, NTERM, G, 1, acc, gw);
            if (lr) contract_shell(c, engw[t], P, 1, &Gw, 0, &acc[T_KLR], gw);
        }
        for (int x = 0; x < NTERM; ++x)
            os_lanes_add(lanes, (size_t)na3, lane_len, part + (size_t)x * na3, g[x]);
    }
    engines3_free(eng, nt);
    engines3_free(engw, nt);
    free(work);
    free(part);
    return st;
}

/* ------------------------------------------------------------- entry */

/* The SCF's builder when it fits this gradient (the same fitting functions,
 * and the long-range tensor when the functional needs it), its L borrowed. */
static const os_jk *scf_fitted(df_grad *c, const os_grad_2e_input *in)
{
    int naux, has_lr;
    const double *L;
    if (!in->fitted || !os_jk_df_fitted(in->fitted, &naux, &L, &has_lr) || naux != c->naux ||
        (c->klr != 0.0 && !has_lr))
        return NULL;
    c->L_scf = L;
    return in->fitted;
}

os_status os_grad_2e_df(const os_basis *bs, const os_grad_2e_input *in, double *gJ, double *gK,
                        double *gKlr, os_error *err)
{
    df_grad c = {.bs = bs, .aux = in->aux, .n = bs->nbf, .nspin = in->nspin,
                 .nthreads = in->nthreads > 0 ? in->nthreads : 1, .omega = in->omega};
    if (!c.aux) return os_fail(err, OS_ERR_INTERNAL, "DF gradient without a fitting basis");
    c.naux = c.aux->nbf;
    double per_spin = in->nspin == 1 ? 1.0 : 0.5;
    c.kx = per_spin * in->ax;
    c.klr = in->bx != 0.0 && in->omega > 0.0 ? per_spin * in->bx : 0.0;
    for (int s = 0; s < bs->nshell; ++s)
        if (bs->shells[s].atom + 1 > c.natom) c.natom = bs->shells[s].atom + 1;
    for (int s = 0; s < c.aux->nshell; ++s)
        if (c.aux->shells[s].atom + 1 > c.natom) c.natom = c.aux->shells[s].atom + 1;
    size_t na3 = (size_t)3 * c.natom;
    double *X[NTERM] = {NULL, NULL, NULL};
    double *g[NTERM] = {os_zeros(na3), os_zeros(na3), os_zeros(na3)};
    os_status st = setup(&c, in, err);
    if (st == OS_OK && (!g[T_J] || !g[T_K] || !g[T_KLR])) st = OS_NOMEM(err, "DF gradient");
    if (st == OS_OK) st = fitted_coefficients(&c, scf_fitted(&c, in), err);
    for (int t = 0; t < NTERM && st == OS_OK; ++t)
        if (!(X[t] = malloc((size_t)c.naux * c.naux * sizeof(double))))
            st = OS_NOMEM(err, "DF gradient");
    if (st == OS_OK) st = metric_weights(&c, X, err);
    if (st == OS_OK) st = two_centre_term(&c, X, g, err);
    if (st == OS_OK) st = three_centre_term(&c, g, err);
    if (st == OS_OK)
        for (size_t i = 0; i < na3; ++i) {
            gJ[i] += g[T_J][i];
            gK[i] += g[T_K][i];
            gKlr[i] += g[T_KLR][i];
        }
    for (int t = 0; t < NTERM; ++t) {
        free(X[t]);
        free(g[t]);
    }
    df_grad_free(&c);
    return st;
}
