/* Two-centre Coulomb integrals (P|Q) between fitting functions (the
 * density-fitting metric), through libint2's 2eri tables (the libint2 C
 * contract is at the top of eri.c).  Both shells pair with libint's unit
 * shell (BraKet::xs_xs); libint2_build_2eri[l_P][l_Q] exists for every
 * l_P, l_Q <= LIBINT2_MAX_AM_2eri (7), so no centres are swapped.  First
 * derivatives: libint2_build_2eri1[l_P][l_Q] (l <= LIBINT2_MAX_AM_2eri1 = 6),
 * 6 shell sets, d/d(P, Q centre) x (x, y, z). */
#include "integrals/integrals.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/threads.h"
#include "integrals/libint_common.h"

#define MAX_AM_AUX (LIBINT2_MAX_AM_2eri < OS_SPH_MAX_L ? LIBINT2_MAX_AM_2eri : OS_SPH_MAX_L)
#define MAX_AM_AUX_DERIV (LIBINT2_MAX_AM_2eri1 < MAX_AM_AUX ? LIBINT2_MAX_AM_2eri1 : MAX_AM_AUX)
#define NDERIV2 6 /* first derivatives: 2 centres x 3 coordinates */

struct os_eri2 {
    const os_basis *aux;
    double omega;
    int deriv;          /* 0: integrals; 1: their first derivatives */
    os_pair_table unit; /* fitting shells with the unit shell */
    Libint_t *pd;       /* max_nprim^2; pd[0] owns libint's stack */
    double *buf[2];     /* ncart(l_max)^2 each */
    double *out;        /* derivatives: NDERIV2 blocks of that size */
    os_sph_tf tf[OS_SPH_MAX_L + 1];
};

void os_eri2_free(os_eri2 *e)
{
    if (!e) return;
    if (e->pd) {
        if (e->deriv)
            libint2_cleanup_2eri1(e->pd);
        else
            libint2_cleanup_2eri(e->pd);
    }
    free(e->pd);
    os_pair_table_free(&e->unit);
    free(e->buf[0]);
    free(e->buf[1]);
    free(e->out);
    free(e);
}

static os_status eri2_new(const os_basis *aux, double omega, int deriv, os_eri2 **out,
                          os_error *err)
{
    *out = NULL;
    os_status st = os_integrals_init(err);
    if (st == OS_OK)
        st = os_integrals_check_basis(aux, deriv ? MAX_AM_AUX_DERIV : MAX_AM_AUX, err);
    if (st != OS_OK) return st;
    if (!(omega >= 0.0)) return os_fail(err, OS_ERR_INPUT, "range-separation omega %g < 0", omega);
    if (2 * aux->max_l + deriv > OS_BOYS_MMAX)
        return os_fail(err, OS_ERR_INTERNAL, "Boys function order %d unsupported",
                       2 * aux->max_l + deriv);

    os_eri2 *e = calloc(1, sizeof *e);
    if (!e) return OS_NOMEM(err, "2-centre integral engine");
    e->aux = aux;
    e->omega = omega;
    e->deriv = deriv;
    size_t nc = (size_t)os_ncart(aux->max_l);
    size_t npd = (size_t)aux->max_nprim * aux->max_nprim;
    e->pd = malloc((npd ? npd : 1) * sizeof *e->pd);
    e->buf[0] = malloc(nc * nc * sizeof(double));
    e->buf[1] = malloc(nc * nc * sizeof(double));
    if (deriv) e->out = malloc(NDERIV2 * nc * nc * sizeof(double));
    st = os_pair_table_new(aux, 1, &e->unit, err);
    if (st == OS_OK && (!e->pd || !e->buf[0] || !e->buf[1] || (deriv && !e->out)))
        st = OS_NOMEM(err, "2-centre integral engine");
    if (st != OS_OK) {
        free(e->pd);
        e->pd = NULL; /* not initialized yet: no libint cleanup */
        os_eri2_free(e);
        return st;
    }
    if (deriv)
        libint2_init_2eri1(e->pd, aux->max_l, NULL);
    else
        libint2_init_2eri(e->pd, aux->max_l, NULL);
    for (int l = 0; l <= aux->max_l; ++l) os_sph_tf_init(&e->tf[l], l);
    *out = e;
    return OS_OK;
}

os_status os_eri2_new(const os_basis *aux, double omega, os_eri2 **out, os_error *err)
{
    return eri2_new(aux, omega, 0, out, err);
}

os_status os_eri2_deriv_new(const os_basis *aux, double omega, os_eri2 **out, os_error *err)
{
    return eri2_new(aux, omega, 1, out, err);
}

/* Cartesian [P][Q] -> the shells' final representation (src or e->buf[]). */
static const double *finish_block2(os_eri2 *e, const os_shell *SP, const os_shell *SQ,
                                   const double *src)
{
    int dims[2] = {os_ncart(SP->l), os_ncart(SQ->l)};
    int ls[2] = {SP->l, SQ->l}, pure[2] = {SP->pure, SQ->pure};
    return os_sph_block(e->tf, 2, ls, pure, dims, src, e->buf);
}

const double *os_eri2_compute(os_eri2 *e, int P, int Q)
{
    const os_shell *SP = &e->aux->shells[P], *SQ = &e->aux->shells[Q];
    int lp = SP->l, lq = SQ->l, L = lp + lq;
    os_pair_list bra = os_pair_data(&e->unit, P, 0), ket = os_pair_data(&e->unit, Q, 0);
    const double *A = SP->origin, *C = SQ->origin;
    double omega2 = e->omega * e->omega;
    double *out = e->buf[0];

    if (L == 0) {
        out[0] = os_prim_ssss_sum(bra, ket, omega2);
        return out;
    }

    os_prim_quartets(e->pd, bra, ket, A, A, C, C, L, omega2, 0); /* never none: no drops */
    libint2_build_2eri[lp][lq](e->pd);
    return finish_block2(e, SP, SQ, e->pd[0].targets[0]);
}

const double *os_eri2_deriv_compute(os_eri2 *e, int P, int Q)
{
    const os_shell *SP = &e->aux->shells[P], *SQ = &e->aux->shells[Q];
    os_pair_list bra = os_pair_data(&e->unit, P, 0), ket = os_pair_data(&e->unit, Q, 0);
    size_t nblk = (size_t)SP->nbf * SQ->nbf;
    os_prim_quartets(e->pd, bra, ket, SP->origin, SP->origin, SQ->origin, SQ->origin,
                     SP->l + SQ->l + 1, e->omega * e->omega, 1); /* never none: no drops */
    libint2_build_2eri1[SP->l][SQ->l](e->pd);
    for (int x = 0; x < NDERIV2; ++x)
        memcpy(e->out + (size_t)x * nblk, finish_block2(e, SP, SQ, e->pd[0].targets[x]),
               nblk * sizeof(double));
    return e->out;
}

os_status os_eri2_matrix(const os_basis *aux, double omega, int nthreads, double *M,
                         os_error *err)
{
    int ns = aux->nshell, n = aux->nbf;
    int nt = os_threads_for(nthreads, (long)ns * (ns + 1) / 2, 64);
    os_eri2 **eng = calloc((size_t)nt, sizeof *eng);
    if (!eng) return OS_NOMEM(err, "2-centre integrals");
    os_status st = OS_OK;
    for (int t = 0; t < nt && st == OS_OK; ++t) st = os_eri2_new(aux, omega, &eng[t], err);
    if (st == OS_OK) {
#pragma omp parallel for num_threads(nt) schedule(dynamic)
        for (int P = 0; P < ns; ++P) {
            os_eri2 *e = eng[omp_get_thread_num()];
            const os_shell *SP = &aux->shells[P];
            for (int Q = 0; Q <= P; ++Q) {
                const os_shell *SQ = &aux->shells[Q];
                const double *I = os_eri2_compute(e, P, Q);
                for (int i = 0; i < SP->nbf; ++i)
                    for (int j = 0; j < SQ->nbf; ++j) {
                        double v = I[i * SQ->nbf + j];
                        M[(size_t)(SP->bf0 + i) * n + SQ->bf0 + j] = v;
                        M[(size_t)(SQ->bf0 + j) * n + SP->bf0 + i] = v;
                    }
            }
        }
    }
    for (int t = 0; t < nt; ++t) os_eri2_free(eng[t]);
    free(eng);
    return st;
}
