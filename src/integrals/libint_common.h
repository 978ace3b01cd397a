/* Internal to src/integrals/ (the only part that includes libint2.h): what
 * every libint2 caller shares.  The libint2 C contract is described at the
 * top of eri.c. */
#ifndef OS_LIBINT_COMMON_H
#define OS_LIBINT_COMMON_H

#include <libint2.h>
#include <math.h>
#include <stddef.h>

#include "orbscreen.h"
#include "integrals/boys.h"
#include "integrals/cart2sph.h"

/* Highest l the Cartesian -> spherical tables hold (auxiliary sets reach i/k). */
#define OS_SPH_MAX_L 7
#define OS_SPH_MAX_NCART ((OS_SPH_MAX_L + 1) * (OS_SPH_MAX_L + 2) / 2)

static const double OS_SQRT_PI = 1.77245385090551602730;

/* Nonzero entries of os_cart2sph(l): sph_m += v * cart_c. */
typedef struct {
    int nnz;
    unsigned char m[(2 * OS_SPH_MAX_L + 1) * OS_SPH_MAX_NCART];
    unsigned char c[(2 * OS_SPH_MAX_L + 1) * OS_SPH_MAX_NCART];
    double v[(2 * OS_SPH_MAX_L + 1) * OS_SPH_MAX_NCART];
} os_sph_tf;

void os_sph_tf_init(os_sph_tf *tf, int l);
/* out[pre][nsph][post] = sum_c T[m][c] in[pre][c][post]. */
void os_sph_apply(const os_sph_tf *tf, int l, const double *in, double *out, size_t pre,
                  size_t post);

/* Cartesian -> spherical on every centre k < n whose shell is pure with
 * l[k] >= 2, in centre order, of a row-major block of dims[0] x ... x
 * dims[n-1] Cartesian components; dims[] is updated to the final counts.  The
 * results alternate between buf[0] and buf[1] (each large enough for the
 * Cartesian block); returns src itself when nothing was transformed. */
const double *os_sph_block(const os_sph_tf *tf, int n, const int *l, const int *pure, int *dims,
                           const double *src, double *const buf[2]);

/* Unique shell pair number ab = a(a+1)/2 + b (a >= b) back to (a, b). */
static inline void os_pair_index(long ab, int *a, int *b)
{
    int i = (int)((sqrt(8.0 * (double)ab + 1.0) - 1.0) / 2.0);
    while ((long)i * (i + 1) / 2 > ab) --i;
    while ((long)(i + 1) * (i + 2) / 2 <= ab) ++i;
    *a = i;
    *b = (int)(ab - (long)i * (i + 1) / 2);
}

/* OS_OK when every shell of bs has 0 <= l <= max_l and at least one primitive. */
os_status os_integrals_check_basis(const os_basis *bs, int max_l, os_error *err);

/* ---------------------------------------------- two-electron primitive data
 * Shared by the four-, three- and two-centre Coulomb engines (eri.c, eri3.c,
 * eri2.c): all three are libint's TwoPRep recursions, fed the same primitive
 * quartet data.  A fitting shell of the 3- and 2-centre integrals is paired
 * with libint's unit shell (one primitive, exponent 0, coefficient 1): its
 * pair has zeta = its exponent and P = its centre, and (P|mn) = (P 1|mn). */

/* The (ss|ss)^(m) fields are consecutive scalars, which lets the Boys values
 * be written through one pointer (libint's engine does the same). */
_Static_assert(LIBINT2_MAX_VECLEN == 1, "scalar libint2 build expected");
_Static_assert(offsetof(Libint_t, LIBINT_T_SS_EREP_SS(20)) - offsetof(Libint_t, LIBINT_T_SS_EREP_SS(0)) ==
                   20 * sizeof(double),
               "TwoPRep (ss|ss)^(m) fields are not contiguous");

/* One primitive pair of a shell pair (a, b), a >= b as shell indices;
 * symmetric in the two shells except for the exponents, which the derivative
 * integrals need (libint's alpha*_rho_over_zeta2, two_alpha* fields). */
typedef struct {
    double zeta, ooz; /* a + b, 1/(a + b) */
    double P[3];      /* (a A + b B)/zeta, bohr */
    double K;         /* sqrt(2) pi^(5/4) exp(-rho AB^2)/zeta c_a c_b */
    double ea, eb;    /* exponents on shell a and on shell b (the unit shell's: 0) */
} os_prim_pair;

/* Primitive pairs of every shell pair a >= b of one basis (unit = 0), or of
 * every shell with the unit shell (unit = 1); negligible pairs dropped. */
typedef struct {
    int unit;
    size_t *pair0; /* pair index k: primitive pairs pair0[k] .. pair0[k+1]-1 */
    os_prim_pair *pp;
} os_pair_table;

os_status os_pair_table_new(const os_basis *bs, int unit, os_pair_table *t, os_error *err);
void os_pair_table_free(os_pair_table *t);

/* The primitive pairs of one shell pair as a quartet's bra or ket uses them. */
typedef struct {
    const os_prim_pair *p;
    size_t n;
    int flip; /* stored as (b, a): ea belongs to the second shell */
} os_pair_list;

/* Primitive pairs of shells (a, b) (any order; b ignored for a unit table). */
static inline os_pair_list os_pair_data(const os_pair_table *t, int a, int b)
{
    size_t k = t->unit ? (size_t)a
               : a >= b ? (size_t)a * (a + 1) / 2 + b
                        : (size_t)b * (b + 1) / 2 + a;
    os_pair_list l = {t->pp + t->pair0[k], t->pair0[k + 1] - t->pair0[k], !t->unit && a < b};
    return l;
}

/* erf(omega r12)/r12 instead of 1/r12 (omega2 = omega^2 > 0): with
 * s = omega^2/(omega^2 + rho), F_m(T) -> s^(m+1/2) F_m(s T). */
static inline void os_prim_boys(int L, double T, double pf, double rho, double omega2, double *F)
{
    if (omega2 > 0.0) {
        double s = omega2 / (omega2 + rho);
        os_boys_scaled(L, T * s, pf * sqrt(s), F);
        double sm = s;
        for (int m = 1; m <= L; ++m, sm *= s) F[m] *= sm;
    } else {
        os_boys_scaled(L, T, pf, F);
    }
}

/* (ss|ss) of one primitive quartet. */
static inline double os_prim_ssss(const os_prim_pair *p, const os_prim_pair *q, double omega2)
{
    double PQ[3] = {p->P[0] - q->P[0], p->P[1] - q->P[1], p->P[2] - q->P[2]};
    double zpe = p->zeta + q->zeta;
    double rho = p->zeta * q->zeta / zpe;
    double F[1];
    os_prim_boys(0, rho * (PQ[0] * PQ[0] + PQ[1] * PQ[1] + PQ[2] * PQ[2]),
                 p->K * q->K / sqrt(zpe), rho, omega2, F);
    return F[0];
}

/* (ss|ss) summed over every primitive pair of the bra with every one of the ket. */
static inline double os_prim_ssss_sum(os_pair_list bra, os_pair_list ket, double omega2)
{
    double sum = 0.0;
    for (size_t i = 0; i < bra.n; ++i)
        for (size_t j = 0; j < ket.n; ++j) sum += os_prim_ssss(&bra.p[i], &ket.p[j], omega2);
    return sum;
}

/* Libint's data for one primitive quartet: bra pair p on centres A, B, ket
 * pair q on C, D, Boys orders 0..L (total angular momentum, + 1 for first
 * derivatives; as libint's engine fills it). */
static inline void os_prim_quartet(Libint_t *t, const os_prim_pair *p, const os_prim_pair *q,
                                   const double *A, const double *B, const double *C,
                                   const double *D, int L, double omega2)
{
    double zeta = p->zeta, eta = q->zeta, zpe = zeta + eta, oozpe = 1.0 / zpe;
    double rho = zeta * eta * oozpe;
    double PQ[3] = {p->P[0] - q->P[0], p->P[1] - q->P[1], p->P[2] - q->P[2]};
    double T = rho * (PQ[0] * PQ[0] + PQ[1] * PQ[1] + PQ[2] * PQ[2]);
    os_prim_boys(L, T, p->K * q->K * sqrt(oozpe), rho, omega2, &t->LIBINT_T_SS_EREP_SS(0)[0]);
    double W[3];
    for (int k = 0; k < 3; ++k) W[k] = (zeta * p->P[k] + eta * q->P[k]) * oozpe;
#if LIBINT2_DEFINED(eri, PA_x)
    t->PA_x[0] = p->P[0] - A[0];
    t->PA_y[0] = p->P[1] - A[1];
    t->PA_z[0] = p->P[2] - A[2];
#endif
#if LIBINT2_DEFINED(eri, PB_x)
    t->PB_x[0] = p->P[0] - B[0];
    t->PB_y[0] = p->P[1] - B[1];
    t->PB_z[0] = p->P[2] - B[2];
#endif
#if LIBINT2_DEFINED(eri, QC_x)
    t->QC_x[0] = q->P[0] - C[0];
    t->QC_y[0] = q->P[1] - C[1];
    t->QC_z[0] = q->P[2] - C[2];
#endif
#if LIBINT2_DEFINED(eri, QD_x)
    t->QD_x[0] = q->P[0] - D[0];
    t->QD_y[0] = q->P[1] - D[1];
    t->QD_z[0] = q->P[2] - D[2];
#endif
#if LIBINT2_DEFINED(eri, AB_x)
    t->AB_x[0] = A[0] - B[0];
    t->AB_y[0] = A[1] - B[1];
    t->AB_z[0] = A[2] - B[2];
#endif
#if LIBINT2_DEFINED(eri, BA_x)
    t->BA_x[0] = B[0] - A[0];
    t->BA_y[0] = B[1] - A[1];
    t->BA_z[0] = B[2] - A[2];
#endif
#if LIBINT2_DEFINED(eri, CD_x)
    t->CD_x[0] = C[0] - D[0];
    t->CD_y[0] = C[1] - D[1];
    t->CD_z[0] = C[2] - D[2];
#endif
#if LIBINT2_DEFINED(eri, WP_x)
    t->WP_x[0] = W[0] - p->P[0];
    t->WP_y[0] = W[1] - p->P[1];
    t->WP_z[0] = W[2] - p->P[2];
#endif
#if LIBINT2_DEFINED(eri, WQ_x)
    t->WQ_x[0] = W[0] - q->P[0];
    t->WQ_y[0] = W[1] - q->P[1];
    t->WQ_z[0] = W[2] - q->P[2];
#endif
#if LIBINT2_DEFINED(eri, oo2z)
    t->oo2z[0] = 0.5 * p->ooz;
#endif
#if LIBINT2_DEFINED(eri, oo2e)
    t->oo2e[0] = 0.5 * q->ooz;
#endif
#if LIBINT2_DEFINED(eri, oo2ze)
    t->oo2ze[0] = 0.5 * oozpe;
#endif
#if LIBINT2_DEFINED(eri, roz)
    t->roz[0] = rho * p->ooz;
#endif
#if LIBINT2_DEFINED(eri, roe)
    t->roe[0] = rho * q->ooz;
#endif
}

/* The prefactors of libint's first-derivative relations for the same
 * quartet (names as libint's engine); alpha[0..3]: the exponents on centres
 * A, B, C, D (0 for a unit shell). */
static inline void os_prim_quartet_deriv(Libint_t *t, const os_prim_pair *p, const os_prim_pair *q,
                                         const double alpha[4])
{
    double zeta = p->zeta, eta = q->zeta, oozpe = 1.0 / (zeta + eta);
    double rz2 = p->ooz * eta * oozpe, re2 = q->ooz * zeta * oozpe; /* rho/zeta^2, rho/eta^2 */
    (void)rz2;
    (void)re2;
    (void)alpha;
#if LIBINT2_DEFINED(eri, alpha1_rho_over_zeta2)
    t->alpha1_rho_over_zeta2[0] = alpha[0] * rz2;
#endif
#if LIBINT2_DEFINED(eri, alpha2_rho_over_zeta2)
    t->alpha2_rho_over_zeta2[0] = alpha[1] * rz2;
#endif
#if LIBINT2_DEFINED(eri, alpha3_rho_over_eta2)
    t->alpha3_rho_over_eta2[0] = alpha[2] * re2;
#endif
#if LIBINT2_DEFINED(eri, alpha4_rho_over_eta2)
    t->alpha4_rho_over_eta2[0] = alpha[3] * re2;
#endif
#if LIBINT2_DEFINED(eri, alpha1_over_zetapluseta)
    t->alpha1_over_zetapluseta[0] = alpha[0] * oozpe;
#endif
#if LIBINT2_DEFINED(eri, alpha2_over_zetapluseta)
    t->alpha2_over_zetapluseta[0] = alpha[1] * oozpe;
#endif
#if LIBINT2_DEFINED(eri, alpha3_over_zetapluseta)
    t->alpha3_over_zetapluseta[0] = alpha[2] * oozpe;
#endif
#if LIBINT2_DEFINED(eri, alpha4_over_zetapluseta)
    t->alpha4_over_zetapluseta[0] = alpha[3] * oozpe;
#endif
#if LIBINT2_DEFINED(eri, rho12_over_alpha1)
    t->rho12_over_alpha1[0] = alpha[1] * p->ooz;
#endif
#if LIBINT2_DEFINED(eri, rho12_over_alpha2)
    t->rho12_over_alpha2[0] = alpha[0] * p->ooz;
#endif
#if LIBINT2_DEFINED(eri, rho34_over_alpha3)
    t->rho34_over_alpha3[0] = alpha[3] * q->ooz;
#endif
#if LIBINT2_DEFINED(eri, rho34_over_alpha4)
    t->rho34_over_alpha4[0] = alpha[2] * q->ooz;
#endif
#if LIBINT2_DEFINED(eri, two_alpha0_bra)
    t->two_alpha0_bra[0] = 2.0 * alpha[0];
#endif
#if LIBINT2_DEFINED(eri, two_alpha0_ket)
    t->two_alpha0_ket[0] = 2.0 * alpha[1];
#endif
#if LIBINT2_DEFINED(eri, two_alpha1_bra)
    t->two_alpha1_bra[0] = 2.0 * alpha[2];
#endif
#if LIBINT2_DEFINED(eri, two_alpha1_ket)
    t->two_alpha1_ket[0] = 2.0 * alpha[3];
#endif
}

/* Every primitive pair of the bra (centres A, B) with every one of the ket
 * (C, D) into pd[] and pd[0].contrdepth, Boys orders 0..L, with the
 * derivative prefactors when deriv; returns how many (libint's contraction
 * depth). */
static inline size_t os_prim_quartets(Libint_t *pd, os_pair_list bra, os_pair_list ket,
                                      const double *A, const double *B, const double *C,
                                      const double *D, int L, double omega2, int deriv)
{
    size_t n = 0;
    for (size_t i = 0; i < bra.n; ++i) {
        const os_prim_pair *p = &bra.p[i];
        for (size_t j = 0; j < ket.n; ++j) {
            const os_prim_pair *q = &ket.p[j];
            os_prim_quartet(&pd[n], p, q, A, B, C, D, L, omega2);
            if (deriv) {
                double alpha[4] = {bra.flip ? p->eb : p->ea, bra.flip ? p->ea : p->eb,
                                   ket.flip ? q->eb : q->ea, ket.flip ? q->ea : q->eb};
                os_prim_quartet_deriv(&pd[n], p, q, alpha);
            }
            ++n;
        }
    }
    pd[0].contrdepth = (int)n;
    return n;
}

#endif
