/* Exchange-correlation functionals through libxc.  xc.c is the only file that
 * includes xc.h from libxc. */
#ifndef OS_XC_H
#define OS_XC_H
#include "orbscreen.h"

enum { OS_XC_NONE = 0, OS_XC_LDA = 1, OS_XC_GGA = 2, OS_XC_MGGA = 3 };

typedef struct os_xc os_xc;

/* Look up `name` (libxc name such as "HYB_GGA_XC_B3LYP", or an alias: b3lyp,
 * b3lyp5, pbe, pbe0, blyp, bp86, tpss, m06-2x, wb97x, cam-b3lyp, svwn; "hf"
 * gives a functional with no XC part and exx = 1).  nspin: 1 or 2. */
os_status os_xc_new(const char *name, int nspin, os_xc **out, os_error *err);
void os_xc_free(os_xc *xc);
const char *os_xc_name(const os_xc *xc);  /* canonical name for reports */
int os_xc_family(const os_xc *xc);        /* OS_XC_* (highest of the components) */
int os_xc_nspin(const os_xc *xc);         /* nspin given to os_xc_new */
/* libxc's version ("5.2.3"), as the linked library reports it. */
const char *os_xc_library_version(void);
/* Exact exchange: K_total = alpha*K(1/r) + beta*K(erf(omega r)/r).
 * Global hybrids: beta = 0, omega = 0.  HF: alpha = 1. */
void os_xc_exx(const os_xc *xc, double *alpha, double *beta, double *omega);

/* Evaluate on np points.  Inputs per point, libxc's layout for nspin:
 * rho[np*nspin], sigma[np*(2*nspin-1)] (GGA+), tau[np*nspin] (MGGA).
 * Outputs: exc[np] (energy per particle, Eh), vrho, vsigma, vtau, same layouts;
 * arrays for a family the functional lacks may be NULL. */
os_status os_xc_eval(const os_xc *xc, int np, const double *rho, const double *sigma,
                     const double *tau, double *exc, double *vrho, double *vsigma,
                     double *vtau, os_error *err);

#endif
