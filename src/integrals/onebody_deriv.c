/* First derivatives of the one-electron integrals, contracted with a
 * symmetric matrix M: sum_ab M_ab d<a|op|b>/dR for every atom (and charge).
 *
 * Debian's libint2 has no one-body derivative classes, so the derivatives
 * come from ordinary integrals over shells with l + 1 and l - 1.  For a
 * primitive Cartesian component on centre A,
 *   d/dA_x (x - A_x)^lx exp(-a |r - A|^2)
 *       = 2a (x - A_x)^(lx+1) exp(...) - lx (x - A_x)^(lx-1) exp(...),
 * so <da/dA_x|op|b> = <a+1_x|op|b> (coefficients times 2a) - lx <a-1_x|op|b>,
 * computed Cartesian and then transformed like the integrals themselves.
 * Overlap and kinetic energy depend on A - B only (d/dB = -d/dA); the
 * potential of a charge at C also moves with C, and d/dC = -(d/dA + d/dB)
 * (translational invariance). */
#include "integrals/integrals.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lanes.h"
#include "core/linalg.h"
#include "core/threads.h"
#include "integrals/onebody.h"

#define MAX_L (OS_ONEBODY_MAX_AM - 1) /* the l + 1 shells must fit libint */
#define NC OS_ONEBODY_MAX_NCART
/* Shell pairs whose largest |M| times overlap-like bound is below this add nothing. */
#define PAIR_NEGLIGIBLE 1e-15

typedef struct {
    os_onebody_ws *ws;
    double *coef_up;          /* max_nprim: 2 a c of the l + 1 shell */
    double up[NC * NC], dn[NC * NC];
    double d[3][NC * NC];     /* <da/dA_k|op|b>, Cartesian then final */
    double t[NC * NC];
    double *grad, *grad_ch;   /* this thread's sums */
} deriv_ws;

/* <da/dA_k|op|b> for k = x, y, z in the shells' final representation into
 * w->d[k] (na x nb); charges c0..c1-1 (potential). */
static void bra_deriv(const os_shell *sa, const os_shell *sb, const os_charges *ch, int c0,
                      int c1, const os_sph_tf *tf, deriv_ws *w)
{
    int la = sa->l, lb = sb->l, nca = os_ncart(la), ncb = os_ncart(lb);
    os_shell up = *sa, dn = *sa;
    up.l = la + 1;
    for (int i = 0; i < sa->nprim; ++i) w->coef_up[i] = 2.0 * sa->alpha[i] * sa->coef[i];
    up.coef = w->coef_up;
    size_t nup = (size_t)os_ncart(la + 1) * ncb;
    memcpy(w->up, os_onebody_cart_range(&up, sb, ch, c0, c1, w->ws), nup * sizeof(double));
    if (la > 0) {
        dn.l = la - 1;
        size_t ndn = (size_t)os_ncart(la - 1) * ncb;
        memcpy(w->dn, os_onebody_cart_range(&dn, sb, ch, c0, c1, w->ws), ndn * sizeof(double));
    }
    for (int i = 0; i < nca; ++i) {
        int e[3];
        os_cart_exponents(la, i, &e[0], &e[1], &e[2]);
        for (int k = 0; k < 3; ++k) {
            int eu[3] = {e[0], e[1], e[2]};
            ++eu[k];
            const double *u = w->up + (size_t)os_cart_index(eu[0], eu[1], eu[2]) * ncb;
            double *dst = w->d[k] + (size_t)i * ncb;
            for (int j = 0; j < ncb; ++j) dst[j] = u[j];
            if (e[k] > 0) {
                int ed[3] = {e[0], e[1], e[2]};
                --ed[k];
                const double *v = w->dn + (size_t)os_cart_index(ed[0], ed[1], ed[2]) * ncb;
                for (int j = 0; j < ncb; ++j) dst[j] -= e[k] * v[j];
            }
        }
    }
    for (int k = 0; k < 3; ++k) {
        int na = nca;
        if (sa->pure && la > 1) {
            os_sph_apply(&tf[la], la, w->d[k], w->t, 1, ncb);
            na = os_nsph(la);
            memcpy(w->d[k], w->t, (size_t)na * ncb * sizeof(double));
        }
        if (sb->pure && lb > 1) {
            os_sph_apply(&tf[lb], lb, w->d[k], w->t, na, 1);
            memcpy(w->d[k], w->t, (size_t)na * os_nsph(lb) * sizeof(double));
        }
    }
}

/* sum_ij M[a_i][b_j] w->d[k][i][j] for k = x, y, z (transpose: M[b_j][a_i]). */
static void contract(const os_shell *sa, const os_shell *sb, int nbf, const double *M,
                     const deriv_ws *w, double v[3])
{
    v[0] = v[1] = v[2] = 0.0;
    for (int i = 0; i < sa->nbf; ++i) {
        const double *m = M + (size_t)(sa->bf0 + i) * nbf + sb->bf0;
        for (int k = 0; k < 3; ++k) {
            const double *d = w->d[k] + (size_t)i * sb->nbf;
            double s = 0.0;
            for (int j = 0; j < sb->nbf; ++j) s += m[j] * d[j];
            v[k] += s;
        }
    }
}

/* Largest |M| over the pair's block times the largest primitive-pair
 * overlap factor |c_a c_b| exp(-ab/(a+b) AB^2): a bound on what the pair adds. */
static double pair_weight(const os_shell *sa, const os_shell *sb, int nbf, const double *M)
{
    double m = 0.0;
    for (int i = 0; i < sa->nbf; ++i)
        for (int j = 0; j < sb->nbf; ++j)
            m = fmax(m, fabs(M[(size_t)(sa->bf0 + i) * nbf + sb->bf0 + j]));
    if (m == 0.0) return 0.0;
    const double *A = sa->origin, *B = sb->origin;
    double AB2 = (A[0] - B[0]) * (A[0] - B[0]) + (A[1] - B[1]) * (A[1] - B[1]) +
                 (A[2] - B[2]) * (A[2] - B[2]);
    double s = 0.0;
    for (int i = 0; i < sa->nprim; ++i)
        for (int j = 0; j < sb->nprim; ++j) {
            double a = sa->alpha[i], b = sb->alpha[j];
            s = fmax(s, fabs(sa->coef[i] * sb->coef[j]) * exp(-a * b / (a + b) * AB2) *
                            (1.0 + 2.0 * fmax(a, b)));
        }
    return m * s;
}

/* One unique shell pair a >= b. */
static void pair_grad(int op, const os_shell *sa, const os_shell *sb, const os_charges *ch,
                      int nbf, const double *M, const os_sph_tf *tf, deriv_ws *w)
{
    double v[3];
    if (op != OS_OP_POTENTIAL) {
        /* The pair and its transpose: 2 <da|op|b>, -2 of it on b's atom. */
        if (sa == sb || sa->atom == sb->atom) return;
        bra_deriv(sa, sb, ch, 0, 1, tf, w);
        contract(sa, sb, nbf, M, w, v);
        for (int k = 0; k < 3; ++k) {
            w->grad[3 * sa->atom + k] += 2.0 * v[k];
            w->grad[3 * sb->atom + k] -= 2.0 * v[k];
        }
        return;
    }
    double f = sa == sb ? 1.0 : 2.0;
    for (int c = 0; c < ch->n; ++c) {
        double vb[3];
        bra_deriv(sa, sb, ch, c, c + 1, tf, w);
        contract(sa, sb, nbf, M, w, v);
        if (sa == sb) {
            memcpy(vb, v, sizeof vb);
        } else {
            bra_deriv(sb, sa, ch, c, c + 1, tf, w);
            contract(sb, sa, nbf, M, w, vb);
        }
        for (int k = 0; k < 3; ++k) {
            w->grad[3 * sa->atom + k] += f * v[k];
            w->grad[3 * sb->atom + k] += f * vb[k];
            w->grad_ch[3 * c + k] -= f * (v[k] + vb[k]);
        }
    }
}

static os_status int1e_grad(int op, const os_basis *bs, const os_charges *ch, int nthreads,
                            const double *M, double *grad, double *grad_ch, os_error *err)
{
    os_status st = os_integrals_init(err);
    if (st != OS_OK) return st;
    if ((st = os_integrals_check_basis(bs, MAX_L, err)) != OS_OK) return st;
    os_sph_tf tf[MAX_L + 1];
    for (int l = 0; l <= bs->max_l; ++l) os_sph_tf_init(&tf[l], l);
    int natom = 0, maxp = 0, nch = ch ? ch->n : 0;
    for (int s = 0; s < bs->nshell; ++s) {
        if (bs->shells[s].atom + 1 > natom) natom = bs->shells[s].atom + 1;
        if (bs->shells[s].nprim > maxp) maxp = bs->shells[s].nprim;
    }
    long npair = (long)bs->nshell * (bs->nshell + 1) / 2;
    int nbf = bs->nbf, failed = 0;

    /* Per lane (core/lanes.h): the atoms' then the charges' components. */
    size_t na3 = (size_t)3 * natom, nc3 = (size_t)3 * (nch > 0 ? nch : 1), len = na3 + nc3;
    int lanes = os_lanes(npair, len * sizeof(double));
    double *part = os_zeros((size_t)lanes * len);
    if (!part) return OS_NOMEM(err, "one-electron derivative workspace");
    int nt = os_threads_for(os_threads_for(nthreads, npair * (nch > 0 ? nch : 1), 256), lanes, 1);
#pragma omp parallel num_threads(nt)
    {
        deriv_ws *w = calloc(1, sizeof *w);
        if (w) {
            w->ws = os_onebody_ws_new(op, bs->max_l + 1, maxp, nch);
            w->coef_up = malloc((size_t)maxp * sizeof(double));
        }
        int ok = w && w->ws && w->coef_up;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int l = 0; l < lanes; ++l) {
            if (!ok) continue;
            w->grad = part + (size_t)l * len;
            w->grad_ch = w->grad + na3;
            for (long ab = l; ab < npair; ab += lanes) {
                int a, b;
                os_pair_index(ab, &a, &b);
                const os_shell *sa = &bs->shells[a], *sb = &bs->shells[b];
                if (pair_weight(sa, sb, nbf, M) < PAIR_NEGLIGIBLE) continue;
                pair_grad(op, sa, sb, ch, nbf, M, tf, w);
            }
        }
        if (w) {
            os_onebody_ws_free(w->ws);
            free(w->coef_up);
            free(w);
        }
    }
    if (!failed) {
        os_lanes_add(lanes, na3, len, part, grad);
        if (grad_ch) os_lanes_add(lanes, (size_t)3 * nch, len, part + na3, grad_ch);
    }
    free(part);
    if (failed) return OS_NOMEM(err, "one-electron derivative workspace");
    return OS_OK;
}

os_status os_int1e_overlap_grad(const os_basis *bs, int nthreads, const double *M, double *grad,
                                os_error *err)
{
    return int1e_grad(OS_OP_OVERLAP, bs, NULL, nthreads, M, grad, NULL, err);
}

os_status os_int1e_kinetic_grad(const os_basis *bs, int nthreads, const double *M, double *grad,
                                os_error *err)
{
    return int1e_grad(OS_OP_KINETIC, bs, NULL, nthreads, M, grad, NULL, err);
}

os_status os_int1e_potential_grad(const os_basis *bs, int ncharge, const double *q,
                                  const double *xyz, int nthreads, const double *M,
                                  double *grad, double *grad_charges, os_error *err)
{
    if (ncharge < 1) return os_fail(err, OS_ERR_INPUT, "potential integrals need a charge");
    os_charges ch = {ncharge, q, xyz};
    return int1e_grad(OS_OP_POTENTIAL, bs, &ch, nthreads, M, grad, grad_charges, err);
}

os_status os_int1e_nuclear_grad(const os_basis *bs, const os_molecule *mol, int nthreads,
                                const double *M, double *grad, os_error *err)
{
    double *q;
    os_status st = os_nuclear_charges(mol, &q, err);
    if (st != OS_OK) return st;
    /* The nuclei are the atoms: both parts go to the same gradient. */
    st = os_int1e_potential_grad(bs, mol->natom, q, mol->xyz, nthreads, M, grad, grad, err);
    free(q);
    return st;
}
