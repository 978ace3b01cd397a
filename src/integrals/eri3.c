/* Three-centre Coulomb integrals (P|mn) for density fitting, through
 * libint2's 3eri tables (the libint2 C contract is at the top of eri.c).
 *
 * libint computes (P|cd) as a four-centre quartet whose bra is the fitting
 * shell P paired with the unit shell (libint's BraKet::xs_xx): bra pair data
 * zeta = alpha_P, P = A (libint_common.h).  Its tables are
 * libint2_build_3eri[l_P][l_c][l_d] with l_P <= LIBINT2_MAX_AM_3eri (7) and
 * orbital l_c, l_d <= LIBINT2_MAX_AM_default (5, "centre-dependent" maxima),
 * generated for l_c >= l_d only: (P|mn) with l_m < l_n is computed as (P|nm)
 * and transposed.  Derivatives (libint2_build_3eri1, l_P <= 6) would reuse the
 * same primitive loop with the two exponents of each pair added. */
#include "integrals/integrals.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "integrals/libint_common.h"

#define MAX_AM_AUX (LIBINT2_MAX_AM_3eri < OS_SPH_MAX_L ? LIBINT2_MAX_AM_3eri : OS_SPH_MAX_L)
#define MAX_AM_ORB (LIBINT2_MAX_AM_default < OS_MAX_L ? LIBINT2_MAX_AM_default : OS_MAX_L)

struct os_eri3 {
    const os_basis *aux, *bs;
    double omega;
    os_pair_table unit;  /* fitting shells with the unit shell */
    os_pair_table pairs; /* orbital shell pairs */
    Libint_t *pd;        /* max_nprim(aux) * max_nprim(bs)^2; pd[0] owns libint's stack */
    double *buf[2];      /* ncart(l_P) * ncart(l)^2 each */
    os_sph_tf tf[OS_SPH_MAX_L + 1];
};

void os_eri3_free(os_eri3 *e)
{
    if (!e) return;
    if (e->pd) libint2_cleanup_3eri(e->pd);
    free(e->pd);
    os_pair_table_free(&e->unit);
    os_pair_table_free(&e->pairs);
    free(e->buf[0]);
    free(e->buf[1]);
    free(e);
}

os_status os_eri3_new(const os_basis *aux, const os_basis *bs, double omega, os_eri3 **out,
                      os_error *err)
{
    *out = NULL;
    os_status st = os_integrals_init(err);
    if (st == OS_OK) st = os_integrals_check_basis(aux, MAX_AM_AUX, err);
    if (st == OS_OK) st = os_integrals_check_basis(bs, MAX_AM_ORB, err);
    if (st != OS_OK) return st;
    if (!(omega >= 0.0)) return os_fail(err, OS_ERR_INPUT, "range-separation omega %g < 0", omega);
    if (aux->max_l + 2 * bs->max_l > OS_BOYS_MMAX)
        return os_fail(err, OS_ERR_INTERNAL, "Boys function order %d unsupported",
                       aux->max_l + 2 * bs->max_l);

    os_eri3 *e = calloc(1, sizeof *e);
    if (!e) return OS_NOMEM(err, "3-centre integral engine");
    e->aux = aux;
    e->bs = bs;
    e->omega = omega;
    size_t nca = (size_t)os_ncart(aux->max_l), nco = (size_t)os_ncart(bs->max_l);
    size_t nbuf = nca * nco * nco;
    size_t npd = (size_t)aux->max_nprim * bs->max_nprim * bs->max_nprim;
    e->pd = malloc((npd ? npd : 1) * sizeof *e->pd);
    e->buf[0] = malloc(nbuf * sizeof(double));
    e->buf[1] = malloc(nbuf * sizeof(double));
    st = os_pair_table_new(aux, 1, &e->unit, err);
    if (st == OS_OK) st = os_pair_table_new(bs, 0, &e->pairs, err);
    if (st == OS_OK && (!e->pd || !e->buf[0] || !e->buf[1]))
        st = OS_NOMEM(err, "3-centre integral engine");
    if (st != OS_OK) {
        free(e->pd);
        e->pd = NULL; /* not initialized yet: no libint cleanup */
        os_eri3_free(e);
        return st;
    }
    libint2_init_3eri(e->pd, aux->max_l > bs->max_l ? aux->max_l : bs->max_l, NULL);
    int lmax = aux->max_l > bs->max_l ? aux->max_l : bs->max_l;
    for (int l = 0; l <= lmax; ++l) os_sph_tf_init(&e->tf[l], l);
    *out = e;
    return OS_OK;
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
    int ls[3] = {l0, l3, l4}, pure[3] = {SP->pure, S3->pure, S4->pure};
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
