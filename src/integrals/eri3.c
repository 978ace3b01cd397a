/* Three-centre Coulomb integrals (P|mn) for density fitting, through
 * libint2's 3eri tables (the libint2 C contract is at the top of eri.c).
 *
 * libint computes (P|cd) as a four-centre quartet whose bra is the fitting
 * shell P paired with the unit shell (libint's BraKet::xs_xx): bra pair data
 * zeta = alpha_P, P = A (libint_common.h).  Its tables are
 * libint2_build_3eri[l_P][l_c][l_d] with l_P <= LIBINT2_MAX_AM_3eri (7) and
 * orbital l_c, l_d <= LIBINT2_MAX_AM_default (5, "centre-dependent" maxima),
 * generated for l_c >= l_d only: (P|mn) with l_m < l_n is computed as (P|nm)
 * and transposed.  First derivatives (libint2_build_3eri1[l_P][l_c][l_d],
 * l_P <= LIBINT2_MAX_AM_3eri1 = 6) use the same primitive loop with the
 * derivative prefactors (the fitting shell's exponent and the unit shell's
 * 0); libint returns 9 shell sets, d/d(P, c, d centre) x (x, y, z), all three
 * centres computed (libint's engine applies no translational invariance for
 * this braket), even for (s|ss). */
#include "integrals/integrals.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "integrals/libint_common.h"

#define MAX_AM_AUX (LIBINT2_MAX_AM_3eri < OS_SPH_MAX_L ? LIBINT2_MAX_AM_3eri : OS_SPH_MAX_L)
#define MAX_AM_ORB (LIBINT2_MAX_AM_default < OS_MAX_L ? LIBINT2_MAX_AM_default : OS_MAX_L)
#define MAX_AM_AUX_DERIV (LIBINT2_MAX_AM_3eri1 < MAX_AM_AUX ? LIBINT2_MAX_AM_3eri1 : MAX_AM_AUX)
#define NDERIV3 9 /* first derivatives: 3 centres x 3 coordinates */

struct os_eri3 {
    const os_basis *aux, *bs;
    double omega;
    int deriv;           /* 0: integrals; 1: their first derivatives */
    os_pair_table unit;  /* fitting shells with the unit shell */
    os_pair_table pairs; /* orbital shell pairs */
    Libint_t *pd;        /* max_nprim(aux) * max_nprim(bs)^2; pd[0] owns libint's stack */
    double *buf[2];      /* ncart(l_P) * ncart(l)^2 each */
    double *out;         /* derivatives: NDERIV3 blocks of that size */
    os_sph_tf tf[OS_SPH_MAX_L + 1];
};

void os_eri3_free(os_eri3 *e)
{
    if (!e) return;
    if (e->pd) {
        if (e->deriv)
            libint2_cleanup_3eri1(e->pd);
        else
            libint2_cleanup_3eri(e->pd);
    }
    free(e->pd);
    os_pair_table_free(&e->unit);
    os_pair_table_free(&e->pairs);
    free(e->buf[0]);
    free(e->buf[1]);
    free(e->out);
    free(e);
}

static os_status eri3_new(const os_basis *aux, const os_basis *bs, double omega, int deriv,
                          os_eri3 **out, os_error *err)
{
    *out = NULL;
    os_status st = os_integrals_init(err);
    if (st == OS_OK)
        st = os_integrals_check_basis(aux, deriv ? MAX_AM_AUX_DERIV : MAX_AM_AUX, err);
    if (st == OS_OK) st = os_integrals_check_basis(bs, MAX_AM_ORB, err);
    if (st != OS_OK) return st;
    if (!(omega >= 0.0)) return os_fail(err, OS_ERR_INPUT, "range-separation omega %g < 0", omega);
    if (aux->max_l + 2 * bs->max_l + deriv > OS_BOYS_MMAX)
        return os_fail(err, OS_ERR_INTERNAL, "Boys function order %d unsupported",
                       aux->max_l + 2 * bs->max_l + deriv);

    os_eri3 *e = calloc(1, sizeof *e);
    if (!e) return OS_NOMEM(err, "3-centre integral engine");
    e->aux = aux;
    e->bs = bs;
    e->omega = omega;
    e->deriv = deriv;
    size_t nca = (size_t)os_ncart(aux->max_l), nco = (size_t)os_ncart(bs->max_l);
    size_t nbuf = nca * nco * nco;
    size_t npd = (size_t)aux->max_nprim * bs->max_nprim * bs->max_nprim;
    e->pd = malloc((npd ? npd : 1) * sizeof *e->pd);
    e->buf[0] = malloc(nbuf * sizeof(double));
    e->buf[1] = malloc(nbuf * sizeof(double));
    if (deriv) e->out = malloc(NDERIV3 * nbuf * sizeof(double));
    st = os_pair_table_new(aux, 1, &e->unit, err);
    if (st == OS_OK) st = os_pair_table_new(bs, 0, &e->pairs, err);
    if (st == OS_OK && (!e->pd || !e->buf[0] || !e->buf[1] || (deriv && !e->out)))
        st = OS_NOMEM(err, "3-centre integral engine");
    if (st != OS_OK) {
        free(e->pd);
        e->pd = NULL; /* not initialized yet: no libint cleanup */
        os_eri3_free(e);
        return st;
    }
    int lmax = aux->max_l > bs->max_l ? aux->max_l : bs->max_l;
    if (deriv)
        libint2_init_3eri1(e->pd, lmax, NULL);
    else
        libint2_init_3eri(e->pd, lmax, NULL);
    for (int l = 0; l <= lmax; ++l) os_sph_tf_init(&e->tf[l], l);
    *out = e;
    return OS_OK;
}

os_status os_eri3_new(const os_basis *aux, const os_basis *bs, double omega, os_eri3 **out,
                      os_error *err)
{
    return eri3_new(aux, bs, omega, 0, out, err);
}

os_status os_eri3_deriv_new(const os_basis *aux, const os_basis *bs, double omega,
                            os_eri3 **out, os_error *err)
{
    return eri3_new(aux, bs, omega, 1, out, err);
}

/* A Cartesian block [P][c][d] of libint's order -> final representation in
 * the caller's order [P][a][b] (swap: c = b, d = a); returns where it is
 * (src itself, or one of e->buf[]). */
static const double *finish_block3(os_eri3 *e, const os_shell *SP, const os_shell *S3,
                                   const os_shell *S4, int swap, const double *src)
{
    int ls[3] = {SP->l, S3->l, S4->l}, pure[3] = {SP->pure, S3->pure, S4->pure};
    int dims[3] = {os_ncart(SP->l), os_ncart(S3->l), os_ncart(S4->l)};
    src = os_sph_block(e->tf, 3, ls, pure, dims, src, e->buf);
    if (!swap) return src;

    /* [P][b][a] -> [P][a][b] */
    double *dst = (src == e->buf[0]) ? e->buf[1] : e->buf[0];
    int n3 = dims[1], n4 = dims[2];
    for (int p = 0; p < dims[0]; ++p)
        for (int i = 0; i < n4; ++i)
            for (int j = 0; j < n3; ++j)
                dst[((size_t)p * n4 + i) * n3 + j] = src[((size_t)p * n3 + j) * n4 + i];
    return dst;
}

const double *os_eri3_compute(os_eri3 *e, int P, int a, int b)
{
    const os_shell *SP = &e->aux->shells[P], *sh = e->bs->shells;
    int swap = sh[a].l < sh[b].l; /* libint's order: l_c >= l_d */
    int s3 = swap ? b : a, s4 = swap ? a : b;
    const os_shell *S3 = &sh[s3], *S4 = &sh[s4];
    int l0 = SP->l, l3 = S3->l, l4 = S4->l, L = l0 + l3 + l4;
    os_pair_list bra = os_pair_data(&e->unit, P, 0), ket = os_pair_data(&e->pairs, s3, s4);
    const double *A = SP->origin, *C = S3->origin, *D = S4->origin;
    double omega2 = e->omega * e->omega;
    double *out = e->buf[0];

    if (L == 0) {
        out[0] = os_prim_ssss_sum(bra, ket, omega2);
        return out;
    }

    size_t n = os_prim_quartets(e->pd, bra, ket, A, A, C, D, L, omega2, 0);
    int dims[3] = {os_ncart(l0), os_ncart(l3), os_ncart(l4)};
    const double *src;
    if (n == 0) {
        memset(out, 0, (size_t)dims[0] * dims[1] * dims[2] * sizeof(double));
        src = out;
    } else {
        libint2_build_3eri[l0][l3][l4](e->pd);
        src = e->pd[0].targets[0];
    }
    return finish_block3(e, SP, S3, S4, swap, src);
}

const double *os_eri3_deriv_compute(os_eri3 *e, int P, int a, int b)
{
    const os_shell *SP = &e->aux->shells[P], *sh = e->bs->shells;
    int swap = sh[a].l < sh[b].l; /* libint's order: l_c >= l_d */
    int s3 = swap ? b : a, s4 = swap ? a : b;
    const os_shell *S3 = &sh[s3], *S4 = &sh[s4];
    int l0 = SP->l, l3 = S3->l, l4 = S4->l;
    size_t nblk = (size_t)SP->nbf * sh[a].nbf * sh[b].nbf;
    os_pair_list bra = os_pair_data(&e->unit, P, 0), ket = os_pair_data(&e->pairs, s3, s4);
    if (os_prim_quartets(e->pd, bra, ket, SP->origin, SP->origin, S3->origin, S4->origin,
                         l0 + l3 + l4 + 1, e->omega * e->omega, 1) == 0) {
        memset(e->out, 0, NDERIV3 * nblk * sizeof(double));
        return e->out;
    }
    libint2_build_3eri1[l0][l3][l4](e->pd);
    /* libint's targets 3 i + k: centre i of (P, s3, s4); ours: (P, a, b) */
    for (int x = 0; x < 3; ++x) {
        int from = x == 0 ? 0 : swap ? 3 - x : x;
        for (int k = 0; k < 3; ++k) {
            const double *r = finish_block3(e, SP, S3, S4, swap, e->pd[0].targets[3 * from + k]);
            memcpy(e->out + (size_t)(3 * x + k) * nblk, r, nblk * sizeof(double));
        }
    }
    return e->out;
}
