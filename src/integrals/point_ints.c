/* Integrals between the basis and a fixed set of points (the surface of a
 * continuum-solvent cavity), used twice per SCF cycle:
 *   the potential of the electrons at the points  phi_c = -sum_ab P_ab <a|1/|r - C||b>,
 *   the matrix of charges q_c at the points       M_ab  = -sum_c q_c <a|1/|r - C||b>.
 * The integrals are onebody.c's potential of point charges, one point per
 * libint call (each point needs its own value).  When they fit in the memory
 * budget they are computed once, Cartesian, as a matrix (one row per
 * Cartesian function pair of the shell pairs kept, one column per point), and
 * each use is a matrix-vector product; otherwise each use recomputes them
 * (phi here, M through os_int1e_potential).  Spherical shells: the density
 * is taken to Cartesian components with the transpose of the Cartesian ->
 * spherical map, and M's Cartesian blocks are mapped forward.  Shell pairs
 * whose product is negligible everywhere are skipped. */
#include "integrals/integrals.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lanes.h"
#include "core/linalg.h"
#include "core/threads.h"
#include "integrals/onebody.h"

/* A shell pair is skipped when sum_ij |c_i c_j| exp(-rho_ij AB^2) 2 pi/zeta_ij,
 * the largest potential its s-type product could make anywhere, is below this
 * (Eh per unit density-matrix element). */
#define PAIR_NEGLIGIBLE 1e-14

#define NC OS_ONEBODY_MAX_NCART

static const double TWO_PI = 6.28318530717958647692;

struct os_point_ints {
    const os_basis *bs;
    int npt, nthreads, max_nprim;
    const double *xyz;
    double *ones;         /* npt unit charges: the integrals themselves */
    long npair;           /* shell pairs kept, a >= b */
    int *pa, *pb;         /* their shells */
    size_t *row0;         /* npair + 1: first row of each pair in the kept integrals */
    double *ints;         /* row0[npair] x npt, or NULL (direct) */
    os_sph_tf tf[OS_ONEBODY_MAX_AM + 1];
};

/* ------------------------------------------------------------ shell pairs */

static double pair_bound(const os_shell *sa, const os_shell *sb)
{
    double ab2 = 0.0;
    for (int x = 0; x < 3; ++x) ab2 += (sa->origin[x] - sb->origin[x]) * (sa->origin[x] - sb->origin[x]);
    double s = 0.0;
    for (int i = 0; i < sa->nprim; ++i)
        for (int j = 0; j < sb->nprim; ++j) {
            double a = sa->alpha[i], b = sb->alpha[j], z = a + b;
            s += fabs(sa->coef[i] * sb->coef[j]) * exp(-a * b / z * ab2) * TWO_PI / z;
        }
    return s;
}

/* The shell pairs a >= b that are not negligible, and their rows in the kept integrals. */
static os_status keep_pairs(os_point_ints *pi, os_error *err)
{
    const os_basis *bs = pi->bs;
    long nall = (long)bs->nshell * (bs->nshell + 1) / 2;
    pi->pa = malloc((size_t)nall * sizeof(int));
    pi->pb = malloc((size_t)nall * sizeof(int));
    pi->row0 = malloc((size_t)(nall + 1) * sizeof(size_t));
    if (!pi->pa || !pi->pb || !pi->row0) return OS_NOMEM(err, "surface integrals");
    long n = 0;
    pi->row0[0] = 0;
    for (int a = 0; a < bs->nshell; ++a)
        for (int b = 0; b <= a; ++b) {
            const os_shell *sa = &bs->shells[a], *sb = &bs->shells[b];
            if (pair_bound(sa, sb) < PAIR_NEGLIGIBLE) continue;
            pi->pa[n] = a;
            pi->pb[n] = b;
            pi->row0[n + 1] = pi->row0[n] + (size_t)os_ncart(sa->l) * os_ncart(sb->l);
            ++n;
        }
    pi->npair = n;
    return OS_OK;
}

/* ------------------------------------------------- Cartesian <-> final */

/* out[pre][ncart][post] = sum_m T[m][c] in[pre][m][post] (T = os_cart2sph(l)):
 * the transpose of os_sph_apply, so that sum P_sph . (T I T^t) = sum (T^t P T) . I. */
static void sph_apply_transpose(const os_sph_tf *tf, int l, const double *in, double *out,
                                size_t pre, size_t post)
{
    int nc = os_ncart(l), ns = os_nsph(l);
    memset(out, 0, pre * nc * post * sizeof(double));
    for (size_t p = 0; p < pre; ++p)
        for (int k = 0; k < tf->nnz; ++k) {
            const double *src = in + (p * ns + tf->m[k]) * post;
            double *dst = out + (p * nc + tf->c[k]) * post;
            for (size_t q = 0; q < post; ++q) dst[q] += tf->v[k] * src[q];
        }
}

/* The density block of shell pair (a, b) over their Cartesian components
 * (nca x ncb), doubled when a != b (the (b, a) block adds the same). */
static void cartesian_density(const os_point_ints *pi, const double *P, int a, int b, double *Pc,
                              double *t1, double *t2)
{
    const os_shell *sa = &pi->bs->shells[a], *sb = &pi->bs->shells[b];
    int nbf = pi->bs->nbf;
    for (int i = 0; i < sa->nbf; ++i)
        for (int j = 0; j < sb->nbf; ++j)
            t1[i * sb->nbf + j] = (a == b ? 1.0 : 2.0) * P[(size_t)(sa->bf0 + i) * nbf + sb->bf0 + j];
    const double *src = t1;
    int na = sa->nbf;
    if (sa->pure && sa->l > 1) {
        sph_apply_transpose(&pi->tf[sa->l], sa->l, src, t2, 1, sb->nbf);
        src = t2;
        na = os_ncart(sa->l);
    }
    if (sb->pure && sb->l > 1)
        sph_apply_transpose(&pi->tf[sb->l], sb->l, src, Pc, na, 1);
    else
        memcpy(Pc, src, (size_t)na * sb->nbf * sizeof(double));
}

/* A Cartesian block of pair (a, b) to the shells' final functions, into M
 * and its transpose. */
static void scatter_block(const os_point_ints *pi, int a, int b, const double *cart, double *t1,
                          double *t2, double *M)
{
    const os_shell *sa = &pi->bs->shells[a], *sb = &pi->bs->shells[b];
    int nbf = pi->bs->nbf, ncb = os_ncart(sb->l);
    const double *src = cart;
    if (sa->pure && sa->l > 1) {
        os_sph_apply(&pi->tf[sa->l], sa->l, src, t1, 1, ncb);
        src = t1;
    }
    if (sb->pure && sb->l > 1) {
        os_sph_apply(&pi->tf[sb->l], sb->l, src, t2, sa->nbf, 1);
        src = t2;
    }
    for (int i = 0; i < sa->nbf; ++i)
        for (int j = 0; j < sb->nbf; ++j) {
            double v = src[i * sb->nbf + j];
            M[(size_t)(sa->bf0 + i) * nbf + sb->bf0 + j] = v;
            M[(size_t)(sb->bf0 + j) * nbf + sa->bf0 + i] = v;
        }
}

/* ------------------------------------------------------------ the object */

typedef struct {
    os_onebody_ws *ws;
    double *phi;                  /* the lane's npt potentials (direct potential; not owned) */
    double Pc[NC * NC], t1[NC * NC], t2[NC * NC];
} thread_ws;

static thread_ws *thread_ws_new(const os_point_ints *pi)
{
    thread_ws *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->ws = os_onebody_ws_new(OS_OP_POTENTIAL, pi->bs->max_l, pi->max_nprim, 1);
    if (!w->ws) {
        free(w);
        return NULL;
    }
    return w;
}

static void thread_ws_free(thread_ws *w)
{
    if (!w) return;
    os_onebody_ws_free(w->ws);
    free(w);
}

/* The Cartesian integrals of pair k with unit charge at point c. */
static const double *pair_point(const os_point_ints *pi, long k, int c, thread_ws *w)
{
    os_charges ch = {pi->npt, pi->ones, pi->xyz};
    return os_onebody_cart_range(&pi->bs->shells[pi->pa[k]], &pi->bs->shells[pi->pb[k]], &ch, c,
                                 c + 1, w->ws);
}

typedef void (*pair_fn)(const os_point_ints *pi, long k, thread_ws *w, const double *P);

/* fn on every kept shell pair, on the threads, each with its own workspace;
 * with phi, fn adds to w->phi, the lanes' sums of which (core/lanes.h) are
 * added into phi. */
static os_status each_pair(const os_point_ints *pi, pair_fn fn, const double *P, double *phi,
                           os_error *err)
{
    int lanes = phi ? os_lanes(pi->npair / 4, (size_t)pi->npt * sizeof(double)) : 1;
    double *part = phi ? os_zeros((size_t)lanes * pi->npt) : NULL;
    if (phi && !part) return OS_NOMEM(err, "surface potential");
    int failed = 0;
#pragma omp parallel num_threads(os_threads_for(pi->nthreads, phi ? lanes : pi->npair, phi ? 1 : 4))
    {
        thread_ws *w = thread_ws_new(pi);
        if (!w) {
#pragma omp atomic write
            failed = 1;
        }
        if (phi) {
#pragma omp for schedule(dynamic, 1)
            for (int l = 0; l < lanes; ++l) {
                if (!w) continue;
                w->phi = part + (size_t)l * pi->npt;
                for (long k = l; k < pi->npair; k += lanes) fn(pi, k, w, P);
            }
        } else {
#pragma omp for schedule(dynamic, 1)
            for (long k = 0; k < pi->npair; ++k)
                if (w) fn(pi, k, w, P);
        }
        thread_ws_free(w);
    }
    if (phi && !failed) os_lanes_sum(lanes, (size_t)pi->npt, (size_t)pi->npt, part, phi);
    free(part);
    return failed ? OS_NOMEM(err, "surface integral workspace") : OS_OK;
}

/* The kept rows of pair k, every point. */
static void store_pair(const os_point_ints *pi, long k, thread_ws *w, const double *unused)
{
    (void)unused;
    size_t r0 = pi->row0[k], nr = pi->row0[k + 1] - r0;
    for (int c = 0; c < pi->npt; ++c) {
        const double *blk = pair_point(pi, k, c, w);
        for (size_t i = 0; i < nr; ++i) pi->ints[(r0 + i) * pi->npt + c] = blk[i];
    }
}

void os_point_ints_free(os_point_ints *pi)
{
    if (!pi) return;
    free(pi->ones);
    free(pi->pa);
    free(pi->pb);
    free(pi->row0);
    free(pi->ints);
    free(pi);
}

os_status os_point_ints_new(const os_basis *bs, int npt, const double *xyz, size_t max_bytes,
                            int nthreads, os_point_ints **out, os_error *err)
{
    *out = NULL;
    os_status st = os_integrals_init(err);
    if (st != OS_OK) return st;
    if ((st = os_integrals_check_basis(bs, OS_ONEBODY_MAX_AM, err)) != OS_OK) return st;
    if (npt < 1) return os_fail(err, OS_ERR_INPUT, "surface integrals need a point");
    os_point_ints *pi = calloc(1, sizeof *pi);
    if (!pi || !(pi->ones = malloc((size_t)npt * sizeof(double)))) {
        os_point_ints_free(pi);
        return OS_NOMEM(err, "surface integrals");
    }
    pi->bs = bs;
    pi->npt = npt;
    pi->xyz = xyz;
    pi->nthreads = nthreads > 0 ? nthreads : 1;
    for (int c = 0; c < npt; ++c) pi->ones[c] = 1.0;
    for (int s = 0; s < bs->nshell; ++s)
        if (bs->shells[s].nprim > pi->max_nprim) pi->max_nprim = bs->shells[s].nprim;
    for (int l = 0; l <= bs->max_l; ++l) os_sph_tf_init(&pi->tf[l], l);
    st = keep_pairs(pi, err);
    /* Kept when they fit; a failed allocation only means direct. */
    double bytes = (double)pi->row0[pi->npair] * npt * sizeof(double);
    if (st == OS_OK && bytes <= (double)max_bytes && (pi->ints = malloc((size_t)bytes)))
        st = each_pair(pi, store_pair, NULL, NULL, err);
    if (st != OS_OK) {
        os_point_ints_free(pi);
        return st;
    }
    *out = pi;
    return OS_OK;
}

size_t os_point_ints_bytes(const os_point_ints *pi)
{
    return pi->ints ? pi->row0[pi->npair] * pi->npt * sizeof(double) : 0;
}

/* ----------------------------------------------- potential at the points */

/* The packed Cartesian density, one value per row of the integrals. */
static os_status packed_density(const os_point_ints *pi, const double *P, double *p, os_error *err)
{
    thread_ws *w = thread_ws_new(pi);
    if (!w) return OS_NOMEM(err, "surface integral workspace");
    for (long k = 0; k < pi->npair; ++k) {
        cartesian_density(pi, P, pi->pa[k], pi->pb[k], w->Pc, w->t1, w->t2);
        memcpy(p + pi->row0[k], w->Pc, (pi->row0[k + 1] - pi->row0[k]) * sizeof(double));
    }
    thread_ws_free(w);
    return OS_OK;
}

/* phi = ints^T p, the rows cut into lanes (core/lanes.h) shared out among
 * the threads, the lanes' sums added. */
static os_status stored_potential(const os_point_ints *pi, const double *P, double *phi,
                                  os_error *err)
{
    size_t nrow = pi->row0[pi->npair];
    int npt = pi->npt, lanes = os_lanes((long)(nrow / 256), (size_t)npt * sizeof(double));
    double *p = malloc(nrow * sizeof(double));
    double *part = malloc((size_t)lanes * npt * sizeof(double));
    os_status st = p && part ? packed_density(pi, P, p, err) : OS_NOMEM(err, "surface potential");
    if (st == OS_OK) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(os_threads_for(pi->nthreads, lanes, 1))
        for (int l = 0; l < lanes; ++l) {
            size_t r0 = nrow * l / lanes, r1 = nrow * (l + 1) / lanes;
            double *y = part + (size_t)l * npt;
            if (r1 > r0)
                cblas_dgemv(CblasRowMajor, CblasTrans, (int)(r1 - r0), npt, 1.0,
                            pi->ints + r0 * npt, npt, p + r0, 1, 0.0, y, 1);
            else
                memset(y, 0, (size_t)npt * sizeof(double));
        }
        os_lanes_sum(lanes, (size_t)npt, (size_t)npt, part, phi);
    }
    free(p);
    free(part);
    return st;
}

static void direct_pair_potential(const os_point_ints *pi, long k, thread_ws *w, const double *P)
{
    int a = pi->pa[k], b = pi->pb[k];
    cartesian_density(pi, P, a, b, w->Pc, w->t1, w->t2);
    int n = (int)(pi->row0[k + 1] - pi->row0[k]);
    for (int c = 0; c < pi->npt; ++c) {
        const double *blk = pair_point(pi, k, c, w);
        double s = 0.0;
        for (int i = 0; i < n; ++i) s += w->Pc[i] * blk[i];
        w->phi[c] += s;
    }
}

static os_status direct_potential(const os_point_ints *pi, const double *P, double *phi,
                                  os_error *err)
{
    return each_pair(pi, direct_pair_potential, P, phi, err);
}

os_status os_point_ints_density_potential(const os_point_ints *pi, const double *P, double *phi,
                                          os_error *err)
{
    return pi->ints ? stored_potential(pi, P, phi, err) : direct_potential(pi, P, phi, err);
}

/* -------------------------------------------------- matrix of the charges */

os_status os_point_ints_charges_matrix(const os_point_ints *pi, const double *q, double *M,
                                       os_error *err)
{
    if (!pi->ints) return os_int1e_potential(pi->bs, pi->npt, q, pi->xyz, pi->nthreads, M, err);
    size_t nrow = pi->row0[pi->npair];
    double *f = malloc(nrow * sizeof(double));
    if (!f) return OS_NOMEM(err, "surface matrix");
    /* Rows cut the same way on any thread count: BLAS's kernels round the
     * rows at a cut differently (core/lanes.h says why that matters). */
    int cuts = os_lanes((long)(nrow / 256), 0);
#pragma omp parallel for schedule(dynamic, 1) num_threads(os_threads_for(pi->nthreads, cuts, 1))
    for (int c = 0; c < cuts; ++c) {
        size_t r0 = nrow * c / cuts, r1 = nrow * (c + 1) / cuts;
        if (r1 > r0)
            cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)(r1 - r0), pi->npt, 1.0,
                        pi->ints + r0 * pi->npt, pi->npt, q, 1, 0.0, f + r0, 1);
    }
    /* Pairs skipped as negligible stay zero. */
    memset(M, 0, (size_t)pi->bs->nbf * pi->bs->nbf * sizeof(double));
    double t1[NC * NC], t2[NC * NC];
    for (long k = 0; k < pi->npair; ++k) scatter_block(pi, pi->pa[k], pi->pb[k], f + pi->row0[k], t1, t2, M);
    free(f);
    return OS_OK;
}
