/* Coulomb (J) and exchange (K) matrices behind one interface.
 *
 * The SCF hands over its spin densities and gets back J of the total density
 * and K of each spin density (and the long-range K of range-separated
 * hybrids).  How they are made is the builder's business:
 *   - direct.c   four-centre integrals, an in-core cache within a memory
 *                budget, incremental builds (os_jk_direct_new);
 *   - df.c       density fitting in the Coulomb metric over a fitting basis,
 *                the three-index tensor in memory when it fits
 *                (os_jk_df_new);
 *   - naive.c    every quartet, no screening or symmetry: the test oracle.
 * Spin densities: nspin = 1 passes the alpha density (= beta; the total is
 * twice it), nspin = 2 passes [Da, Db].  All matrices nbf*nbf, row-major,
 * symmetric. */
#ifndef OS_JK_H
#define OS_JK_H
#include "orbscreen.h"

typedef struct {
    int want_k;          /* full-range exchange (HF, hybrids) */
    double omega;        /* > 0 with want_klr: erf(omega r12)/r12 exchange */
    int want_klr;        /* long-range exchange (range-separated hybrids) */
    double schwarz;      /* quartets with bound * density below this are skipped */
    int nthreads;        /* threads for each build (> 0) */
    size_t memory_bytes; /* memory the builder may keep between builds */
} os_jk_options;

typedef struct os_jk os_jk;

/* What every builder implements; a builder's struct starts with os_jk. */
typedef struct {
    const char *name; /* "direct", ... for logs and reports */
    os_status (*build)(os_jk *jk, int nspin, const double *D, double *J, double *K, double *Klr,
                       os_error *err);
    size_t (*memory_bytes)(const os_jk *jk);
    long (*last_work)(const os_jk *jk); /* e.g. shell quartets computed in the last build */
    void (*free)(os_jk *jk);
} os_jk_ops;

struct os_jk {
    const os_jk_ops *ops;
    int nbf;
};

/* Four-centre direct builder.  `bs` must outlive the builder. */
os_status os_jk_direct_new(const os_basis *bs, const os_jk_options *opt, os_jk **out,
                           os_error *err);

/* Density-fitted builder over the fitting basis `aux` (Psi4 1.3.2's
 * formulas and conditioning).  `bs` and `aux` must outlive the builder;
 * memory_bytes bounds the fitted three-index tensors kept between builds
 * (beyond it every build recomputes the three-centre integrals). */
os_status os_jk_df_new(const os_basis *bs, const os_basis *aux, const os_jk_options *opt,
                       os_jk **out, os_error *err);
/* 1 when a DF builder keeps its tensors in memory; metric eigenvalues dropped. */
int os_jk_df_in_core(const os_jk *jk);
int os_jk_df_dropped(const os_jk *jk);
/* What an in-core DF builder fitted, for the gradient at the same geometry
 * (grad/df_grad.c): the number of fitting functions, the Cholesky factor L
 * of the conditioned metric (naux^2, lower, row-major) and whether the
 * long-range tensor is kept; 0 when the builder keeps none. */
int os_jk_df_fitted(const os_jk *jk, int *naux, const double **L, int *has_lr);
/* Row Q of B = L^-1 (P|mn) (of Bw, the erf integrals', with lr) as a full
 * symmetric nbf x nbf matrix U; pairs the Schwarz test dropped are zero. */
void os_jk_df_fitted_row(const os_jk *jk, int lr, int Q, double *U);
/* The fitting metric (P|Q) of aux as the DF builder conditions it (Psi4's
 * eigenvalue cutoff, df.c): its Cholesky factor into L (lower, naux^2
 * row-major), the number of eigenvalues dropped into *ndropped. */
os_status os_jk_df_metric(const os_basis *aux, int nthreads, double *L, int *ndropped,
                          os_error *err);
/* One spin density as D = C diag(+1.., -1..) C^T: C n x k row-major (room
 * for n^2), the kpos columns of positive eigenvalues first, eigenvalues below
 * 1e-10 of the largest dropped; V (n^2) and w (n) are work space. */
typedef struct {
    double *C;
    int k, kpos;
} os_density_factor;
os_status os_jk_factor_density(int n, const double *D, os_density_factor *f, double *V,
                               double *w, os_error *err);

/* J (nbf^2) of the total density, K and Klr (nspin*nbf^2) of each spin
 * density; K or Klr NULL to skip (they must be non-NULL when the builder was
 * made with want_k / want_klr and are ignored otherwise). */
os_status os_jk_build(os_jk *jk, int nspin, const double *D, double *J, double *K, double *Klr,
                      os_error *err);
/* Bytes the builder keeps between builds (integral cache, 3-index tensors). */
size_t os_jk_memory_bytes(const os_jk *jk);
/* Builder-specific work count of the last build (for the SCF log). */
long os_jk_last_work(const os_jk *jk);
const char *os_jk_name(const os_jk *jk);
void os_jk_free(os_jk *jk);

/* Largest |M| over each shell pair's block of nd matrices M (nd*nbf^2):
 * Mmax[a*nshell + b] (symmetric), for density screening. */
void os_jk_shell_pair_max(const os_basis *bs, int nd, const double *M, double *Mmax);

/* Shell pairs (s1 >= s2) whose Schwarz factor Q (os_eri_schwarz) can reach
 * thresh with any other pair: pairs[2k], pairs[2k+1] (room for
 * nshell(nshell+1) ints); returns their number. */
int os_jk_significant_pairs(const os_basis *bs, const double *Q, double thresh, int *pairs);

/* The oracle: for nd densities D[d], J[d]_ab = sum_cd (ab|cd) D[d]_cd and
 * K[d]_ac = sum_bd (ab|cd) D[d]_bd over every quartet, without screening or
 * permutational symmetry.  omega > 0: erf-attenuated integrals.  J or K may
 * be NULL. */
os_status os_jk_naive(const os_basis *bs, double omega, int nd, const double *D, double *J,
                      double *K, os_error *err);

#endif
