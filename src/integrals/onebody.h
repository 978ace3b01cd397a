/* Internal to src/integrals/: one-body shell-pair blocks through libint2's C
 * API, shared by the integral matrices (onebody.c) and their derivatives
 * (onebody_deriv.c).  Primitive data as described in eri.c. */
#ifndef OS_ONEBODY_H
#define OS_ONEBODY_H
#include "integrals/libint_common.h"

enum { OS_OP_OVERLAP, OS_OP_KINETIC, OS_OP_POTENTIAL };

/* Point charges: the potential operator is -sum_c q[c]/|r - xyz[c]| (the
 * nuclei: q = Z at the atoms). */
typedef struct {
    int n;
    const double *q;   /* n charges, e */
    const double *xyz; /* n*3, bohr */
} os_charges;

/* Charges per libint call for the potential (bounds the workspace at
 * max_nprim^2 * OS_CHARGE_BATCH primitive entries). */
#define OS_CHARGE_BATCH 32

/* Highest l of a shell given to libint's one-body classes. */
#define OS_ONEBODY_MAX_AM                                                                      \
    (LIBINT2_MAX_AM_overlap < LIBINT2_MAX_AM_elecpot ? LIBINT2_MAX_AM_overlap                  \
                                                     : LIBINT2_MAX_AM_elecpot)
#define OS_ONEBODY_MAX_NCART ((OS_ONEBODY_MAX_AM + 1) * (OS_ONEBODY_MAX_AM + 2) / 2)

/* One thread's workspace for one operator. */
typedef struct {
    int op;
    Libint_t *pd;
    double cart[OS_ONEBODY_MAX_NCART * OS_ONEBODY_MAX_NCART];
    double tmp[OS_ONEBODY_MAX_NCART * OS_ONEBODY_MAX_NCART];
    double acc[OS_ONEBODY_MAX_NCART * OS_ONEBODY_MAX_NCART];
} os_onebody_ws;

/* Workspace for shells up to max_l with up to max_nprim primitives; NULL when
 * out of memory. */
os_onebody_ws *os_onebody_ws_new(int op, int max_l, int max_nprim, int ncharge);
void os_onebody_ws_free(os_onebody_ws *ws);

/* Cartesian block <a|op|b> (na x nb, CCA order), summed over all charges of
 * ch for OS_OP_POTENTIAL (ch ignored otherwise), into ws->cart.  The shells
 * need only l, nprim, alpha, coef and origin. */
void os_onebody_cart(const os_shell *sa, const os_shell *sb, const os_charges *ch,
                     os_onebody_ws *ws);
/* The same for the charges c0..c1-1 only (c1 - c0 <= OS_CHARGE_BATCH); the
 * pointer is libint's target or ws->cart. */
const double *os_onebody_cart_range(const os_shell *sa, const os_shell *sb,
                                    const os_charges *ch, int c0, int c1, os_onebody_ws *ws);

/* The nuclei as point charges: q[A] = Z_A (caller frees *q). */
os_status os_nuclear_charges(const os_molecule *mol, double **q, os_error *err);

#endif
