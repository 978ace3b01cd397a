/* Exchange-correlation functionals through libxc 5.2.3 (the only file that
 * includes xc.h).  A functional is a sum of up to MAX_COMPONENTS libxc
 * components plus exact exchange read from libxc's hybrid parameters. */
#include "dft/xc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
/* libxc's header is also called xc.h: ours is found with quotes (CMake adds
 * src/ with -iquote), libxc's with angle brackets. */
#include <xc.h>

#include "core/error.h"

#define MAX_COMPONENTS 4
#define NAME_LEN 64
/* Spin densities below this (electrons/bohr^3) contribute nothing: they lie
 * far in the tails, where libxc's formulas lose digits. */
#define DENS_THRESHOLD 1e-14

struct os_xc {
    char name[NAME_LEN];
    int nspin;
    int family;
    int ncomp;
    int comp_family[MAX_COMPONENTS];
    xc_func_type f[MAX_COMPONENTS];
    double exx_alpha, exx_beta, omega;
};

typedef struct {
    const char *alias;
    const char *components; /* '+'-separated libxc names; "" = no XC (HF) */
} alias;

static const alias aliases[] = {
    {"hf", ""},
    {"b3lyp", "HYB_GGA_XC_B3LYP"}, /* VWN-RPA (VWN3), as Gaussian */
    {"b3lyp5", "HYB_GGA_XC_B3LYP5"},
    {"pbe", "GGA_X_PBE+GGA_C_PBE"},
    {"pbe0", "HYB_GGA_XC_PBEH"},
    {"pbeh", "HYB_GGA_XC_PBEH"},
    {"blyp", "GGA_X_B88+GGA_C_LYP"},
    {"bp86", "GGA_X_B88+GGA_C_P86"},
    {"tpss", "MGGA_X_TPSS+MGGA_C_TPSS"},
    {"m06-2x", "HYB_MGGA_X_M06_2X+MGGA_C_M06_2X"},
    {"m062x", "HYB_MGGA_X_M06_2X+MGGA_C_M06_2X"},
    {"wb97x", "HYB_GGA_XC_WB97X"},
    {"cam-b3lyp", "HYB_GGA_XC_CAM_B3LYP"},
    {"camb3lyp", "HYB_GGA_XC_CAM_B3LYP"},
    {"svwn", "LDA_X+LDA_C_VWN_RPA"},
    {"lda", "LDA_X+LDA_C_VWN_RPA"},
};

static int family_of(int libxc_family)
{
    switch (libxc_family) {
    case XC_FAMILY_LDA:
    case XC_FAMILY_HYB_LDA: return OS_XC_LDA;
    case XC_FAMILY_GGA:
    case XC_FAMILY_HYB_GGA: return OS_XC_GGA;
    case XC_FAMILY_MGGA:
    case XC_FAMILY_HYB_MGGA: return OS_XC_MGGA;
    default: return OS_XC_NONE;
    }
}

/* libxc id of one component name (with or without "XC_"; case-insensitive);
 * also tries the usual family prefixes for bare names like "B97". */
static int lookup_component(const char *name)
{
    char buf[NAME_LEN + 16];
    if (strlen(name) >= NAME_LEN) return -1;
    const char *s = name;
    if (!strncasecmp(s, "XC_", 3)) s += 3;
    int id = xc_functional_get_number(s);
    if (id > 0) return id;
    static const char *const prefixes[] = {"HYB_GGA_XC_", "GGA_XC_", "HYB_MGGA_XC_", "MGGA_XC_", "LDA_XC_"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; ++i) {
        snprintf(buf, sizeof buf, "%s%s", prefixes[i], s);
        id = xc_functional_get_number(buf);
        if (id > 0) return id;
    }
    return -1;
}

static void free_components(os_xc *xc)
{
    for (int i = 0; i < xc->ncomp; ++i) xc_func_end(&xc->f[i]);
    xc->ncomp = 0;
}

os_status os_xc_new(const char *name, int nspin, os_xc **out, os_error *err)
{
    *out = NULL;
    if (!name || !*name) name = "b3lyp";
    if (nspin != 1 && nspin != 2) return os_fail(err, OS_ERR_INTERNAL, "xc: nspin must be 1 or 2");
    if (strlen(name) >= NAME_LEN) return os_fail(err, OS_ERR_METHOD, "unknown functional '%.40s...'", name);

    os_xc *xc = calloc(1, sizeof *xc);
    if (!xc) return OS_NOMEM(err, "xc");
    xc->nspin = nspin;

    /* Alias (case-insensitive), else the name itself as '+'-separated libxc names. */
    char spec[4 * NAME_LEN];
    const char *canon = NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; ++i)
        if (!strcasecmp(name, aliases[i].alias)) {
            snprintf(spec, sizeof spec, "%s", aliases[i].components);
            canon = aliases[i].alias;
            break;
        }
    if (!canon) snprintf(spec, sizeof spec, "%s", name);

    os_status st = OS_OK;
    char *save = NULL;
    for (char *tok = strtok_r(spec, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        while (isspace((unsigned char)*tok)) ++tok;
        for (char *e = tok + strlen(tok); e > tok && isspace((unsigned char)e[-1]);) *--e = 0;
        int id = lookup_component(tok);
        if (id <= 0) {
            st = os_fail(err, OS_ERR_METHOD, "unknown functional '%s' (not an alias or a libxc name)", tok);
            goto fail;
        }
        if (xc->ncomp == MAX_COMPONENTS) {
            st = os_fail(err, OS_ERR_METHOD, "functional '%s': more than %d components", name, MAX_COMPONENTS);
            goto fail;
        }
        xc_func_type *f = &xc->f[xc->ncomp];
        if (xc_func_init(f, id, nspin == 1 ? XC_UNPOLARIZED : XC_POLARIZED) != 0) {
            st = os_fail(err, OS_ERR_METHOD, "libxc cannot initialize '%s'", tok);
            goto fail;
        }
        ++xc->ncomp;
        int flags = f->info->flags;
        int fam = family_of(f->info->family);
        if (fam == OS_XC_NONE || (flags & (XC_FLAGS_HYB_CAMY | XC_FLAGS_HYB_LCY | XC_FLAGS_VV10 |
                                           XC_FLAGS_NEEDS_LAPLACIAN)) ||
            !(flags & XC_FLAGS_HAVE_EXC) || !(flags & XC_FLAGS_HAVE_VXC)) {
            st = os_fail(err, OS_ERR_METHOD,
                         "functional '%s' is not supported (needs Yukawa exchange, VV10, the "
                         "Laplacian, or is not an LDA/GGA/meta-GGA)",
                         tok);
            goto fail;
        }
        xc_func_set_dens_threshold(f, DENS_THRESHOLD);
        xc->comp_family[xc->ncomp - 1] = fam;
        if (fam > xc->family) xc->family = fam;
        /* libxc 5.2.3 convention (xc.h): exact-exchange fraction cam_alpha +
         * cam_beta at short range, cam_alpha at long range (global hybrids:
         * cam_alpha, beta = omega = 0).  Ours: alpha*K(1/r) +
         * beta*K(erf(omega r)/r), i.e. alpha = short-range, alpha + beta =
         * long-range fraction. */
        double a = f->cam_alpha, b = f->cam_beta, w = f->cam_omega;
        if (a != 0.0 || b != 0.0) {
            if (b != 0.0 && xc->omega != 0.0 && w != xc->omega) {
                st = os_fail(err, OS_ERR_METHOD, "functional '%s': two range-separation parameters", name);
                goto fail;
            }
            xc->exx_alpha += a + b;
            xc->exx_beta += -b;
            if (b != 0.0) xc->omega = w;
        }
    }
    if (!canon) {
        if (xc->ncomp == 0) {
            st = os_fail(err, OS_ERR_METHOD, "unknown functional '%s'", name);
            goto fail;
        }
    } else if (xc->ncomp == 0) {
        xc->exx_alpha = 1.0; /* Hartree-Fock */
    }
    /* Canonical name: the alias in lower case, else the libxc name(s) in upper case. */
    snprintf(xc->name, sizeof xc->name, "%s", canon ? canon : name);
    for (char *c = xc->name; *c; ++c) *c = canon ? (char)tolower((unsigned char)*c) : (char)toupper((unsigned char)*c);
    *out = xc;
    return OS_OK;

fail:
    free_components(xc);
    free(xc);
    return st;
}

void os_xc_free(os_xc *xc)
{
    if (!xc) return;
    free_components(xc);
    free(xc);
}

const char *os_xc_name(const os_xc *xc) { return xc->name; }

int os_xc_family(const os_xc *xc) { return xc->family; }

int os_xc_nspin(const os_xc *xc) { return xc->nspin; }

const char *os_xc_library_version(void) { return xc_version_string(); }

void os_xc_exx(const os_xc *xc, double *alpha, double *beta, double *omega)
{
    if (alpha) *alpha = xc->exx_alpha;
    if (beta) *beta = xc->exx_beta;
    if (omega) *omega = xc->omega;
}

os_status os_xc_eval(const os_xc *xc, int np, const double *rho, const double *sigma,
                     const double *tau, double *exc, double *vrho, double *vsigma,
                     double *vtau, os_error *err)
{
    if (np <= 0 || xc->ncomp == 0) {
        for (int p = 0; p < np; ++p) exc[p] = 0.0;
        for (int p = 0; p < np * xc->nspin; ++p) vrho[p] = 0.0;
        if (xc->family >= OS_XC_GGA)
            for (int p = 0; p < np * (2 * xc->nspin - 1); ++p) vsigma[p] = 0.0;
        if (xc->family >= OS_XC_MGGA)
            for (int p = 0; p < np * xc->nspin; ++p) vtau[p] = 0.0;
        return OS_OK;
    }
    int ns = xc->nspin, nsig = 2 * ns - 1;
    size_t n = (size_t)np;
    /* One component of the functional's own family writes straight into the
     * outputs; otherwise components go through scratch and are summed. */
    int direct = xc->ncomp == 1 && xc->comp_family[0] == xc->family;
    int mgga = xc->family == OS_XC_MGGA;
    size_t nscr = direct ? 0 : n * (1 + ns + (xc->family >= OS_XC_GGA ? nsig : 0) + (mgga ? ns : 0));
    if (mgga) nscr += 2 * n * ns; /* zero Laplacian in, its potential out */
    double *scr = nscr ? malloc(sizeof(double) * nscr) : NULL;
    if (nscr && !scr) return OS_NOMEM(err, "xc scratch");
    double *e = exc, *vr = vrho, *vs = vsigma, *vt = vtau, *lapl = NULL, *vlapl = NULL;
    double *q = scr;
    if (!direct) {
        e = q; q += n;
        vr = q; q += n * ns;
        if (xc->family >= OS_XC_GGA) { vs = q; q += n * nsig; }
        if (mgga) { vt = q; q += n * ns; }
        for (size_t i = 0; i < n; ++i) exc[i] = 0.0;
        for (size_t i = 0; i < n * ns; ++i) vrho[i] = 0.0;
        if (xc->family >= OS_XC_GGA)
            for (size_t i = 0; i < n * nsig; ++i) vsigma[i] = 0.0;
        if (mgga)
            for (size_t i = 0; i < n * ns; ++i) vtau[i] = 0.0;
    }
    if (mgga) {
        lapl = q; q += n * ns;
        vlapl = q;
        for (size_t i = 0; i < n * ns; ++i) lapl[i] = 0.0;
    }
    for (int c = 0; c < xc->ncomp; ++c) {
        const xc_func_type *f = &xc->f[c];
        switch (xc->comp_family[c]) {
        case OS_XC_LDA: xc_lda_exc_vxc(f, n, rho, e, vr); break;
        case OS_XC_GGA: xc_gga_exc_vxc(f, n, rho, sigma, e, vr, vs); break;
        default: xc_mgga_exc_vxc(f, n, rho, sigma, lapl, tau, e, vr, vs, vlapl, vt); break;
        }
        if (direct) break;
        for (size_t i = 0; i < n; ++i) exc[i] += e[i];
        for (size_t i = 0; i < n * ns; ++i) vrho[i] += vr[i];
        if (xc->comp_family[c] >= OS_XC_GGA)
            for (size_t i = 0; i < n * nsig; ++i) vsigma[i] += vs[i];
        if (xc->comp_family[c] >= OS_XC_MGGA)
            for (size_t i = 0; i < n * ns; ++i) vtau[i] += vt[i];
    }
    free(scr);
    return OS_OK;
}
