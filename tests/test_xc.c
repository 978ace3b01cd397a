/* XC wrapper tests: alias resolution, exact-exchange coefficients in
 * orbscreen's convention, closed-form Slater exchange, the B3LYP mixture,
 * and potentials against finite differences of the energy density. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dft/xc.h"

#define PI 3.14159265358979323846

static void check_exx(const char *name, int family, double a, double b, double w)
{
    os_xc *xc;
    os_error err;
    char what[128];
    snprintf(what, sizeof what, "'%s' resolves", name);
    if (!check_true(what, os_xc_new(name, 1, &xc, &err) == OS_OK)) return;
    double ga, gb, gw;
    os_xc_exx(xc, &ga, &gb, &gw);
    snprintf(what, sizeof what, "'%s' family", name);
    check_true(what, os_xc_family(xc) == family);
    snprintf(what, sizeof what, "'%s' exx alpha (full-range 1/r)", name);
    check_close(what, ga, a, 1e-12);
    snprintf(what, sizeof what, "'%s' exx beta (erf(wr)/r)", name);
    check_close(what, gb, b, 1e-12);
    snprintf(what, sizeof what, "'%s' omega (1/bohr)", name);
    check_close(what, gw, w, 1e-12);
    os_xc_free(xc);
}

static void test_aliases(void)
{
    /* Published parameters: B3LYP 0.20, PBE0 0.25, M06-2X 0.54; wB97X
     * (Chai, Head-Gordon 2008): 0.157706 short range, 1 long range, omega
     * 0.3; CAM-B3LYP (Yanai et al. 2004): 0.19 short range, 0.65 long
     * range, omega 0.33.  alpha = short-range fraction, alpha + beta = long-range. */
    check_exx("b3lyp", OS_XC_GGA, 0.20, 0.0, 0.0);
    check_exx("B3LYP5", OS_XC_GGA, 0.20, 0.0, 0.0);
    check_exx("HYB_GGA_XC_B3LYP", OS_XC_GGA, 0.20, 0.0, 0.0);
    check_exx("pbe", OS_XC_GGA, 0.0, 0.0, 0.0);
    check_exx("pbe0", OS_XC_GGA, 0.25, 0.0, 0.0);
    check_exx("blyp", OS_XC_GGA, 0.0, 0.0, 0.0);
    check_exx("bp86", OS_XC_GGA, 0.0, 0.0, 0.0);
    check_exx("tpss", OS_XC_MGGA, 0.0, 0.0, 0.0);
    check_exx("M06-2X", OS_XC_MGGA, 0.54, 0.0, 0.0);
    check_exx("wb97x", OS_XC_GGA, 0.157706, 1.0 - 0.157706, 0.3);
    check_exx("cam-b3lyp", OS_XC_GGA, 0.19, 0.65 - 0.19, 0.33);
    check_exx("svwn", OS_XC_LDA, 0.0, 0.0, 0.0);
    check_exx("hf", OS_XC_NONE, 1.0, 0.0, 0.0);
    check_exx("gga_x_b88+gga_c_lyp", OS_XC_GGA, 0.0, 0.0, 0.0);

    os_xc *xc;
    os_error err;
    check_true("unknown functional -> OS_ERR_METHOD", os_xc_new("b3lpy", 1, &xc, &err) == OS_ERR_METHOD);
    check_true("error message names it", strstr(err.msg, "b3lpy") != NULL);
    check_true("VV10 functional refused", os_xc_new("GGA_XC_VV10", 1, &xc, &err) == OS_ERR_METHOD);
    if (os_xc_new("m06-2x", 2, &xc, NULL) == OS_OK) {
        check_true("canonical name of m06-2x", !strcmp(os_xc_name(xc), "m06-2x"));
        check_true("nspin kept", os_xc_nspin(xc) == 2);
        os_xc_free(xc);
    }
}

/* Slater exchange: e = -(3/4)(3/pi)^(1/3) rho^(1/3), v = -(3/pi)^(1/3) rho^(1/3);
 * spin-polarized: rho e = -(3/4)(6/pi)^(1/3) (ra^(4/3) + rb^(4/3)),
 * v_s = -(6/pi)^(1/3) rs^(1/3). */
static void test_slater(void)
{
    os_xc *xc;
    os_xc_new("LDA_X", 1, &xc, NULL);
    double rho[3] = {1e-3, 0.37, 12.5}, exc[3], v[3];
    os_xc_eval(xc, 3, rho, NULL, NULL, exc, v, NULL, NULL, NULL);
    double maxe = 0, maxv = 0;
    for (int i = 0; i < 3; ++i) {
        double e = -0.75 * cbrt(3.0 / PI) * cbrt(rho[i]), vv = -cbrt(3.0 / PI) * cbrt(rho[i]);
        if (fabs(exc[i] - e) / fabs(e) > maxe) maxe = fabs(exc[i] - e) / fabs(e);
        if (fabs(v[i] - vv) / fabs(vv) > maxv) maxv = fabs(v[i] - vv) / fabs(vv);
    }
    check_close("LDA_X exc vs closed form (max rel.)", maxe, 0.0, 1e-13);
    check_close("LDA_X vrho vs closed form (max rel.)", maxv, 0.0, 1e-13);
    os_xc_free(xc);

    os_xc_new("LDA_X", 2, &xc, NULL);
    double r2[2] = {0.3, 0.05}, e2, v2[2];
    os_xc_eval(xc, 1, r2, NULL, NULL, &e2, v2, NULL, NULL, NULL);
    double c6 = cbrt(6.0 / PI);
    double want = -0.75 * c6 * (pow(r2[0], 4.0 / 3.0) + pow(r2[1], 4.0 / 3.0)) / (r2[0] + r2[1]);
    check_close("LDA_X polarized exc", e2, want, 1e-13 * fabs(want));
    check_close("LDA_X polarized vrho_a", v2[0], -c6 * cbrt(r2[0]), 1e-13);
    check_close("LDA_X polarized vrho_b", v2[1], -c6 * cbrt(r2[1]), 1e-13);
    os_xc_free(xc);
}

/* B3LYP (Stephens et al. 1994, VWN-RPA as in Gaussian): 0.08 LDA_X + 0.72 B88
 * + 0.19 VWN_RPA + 0.81 LYP (B88 includes its LDA part). */
static void test_b3lyp_mix(void)
{
    const char *parts[4] = {"LDA_X", "GGA_X_B88", "LDA_C_VWN_RPA", "GGA_C_LYP"};
    const double c[4] = {0.08, 0.72, 0.19, 0.81};
    double rho[2] = {0.2, 0.02}, sigma[2] = {0.05, 0.001};
    double sum[2] = {0, 0}, e[2], v[2], vs[2];
    for (int k = 0; k < 4; ++k) {
        os_xc *xc;
        os_xc_new(parts[k], 1, &xc, NULL);
        os_xc_eval(xc, 2, rho, sigma, NULL, e, v, vs, NULL, NULL);
        for (int i = 0; i < 2; ++i) sum[i] += c[k] * e[i];
        os_xc_free(xc);
    }
    os_xc *b3;
    os_xc_new("b3lyp", 1, &b3, NULL);
    os_xc_eval(b3, 2, rho, sigma, NULL, e, v, vs, NULL, NULL);
    check_close("b3lyp = 0.08 LDA_X + 0.72 B88 + 0.19 VWN_RPA + 0.81 LYP (point 1)", e[0], sum[0], 1e-12);
    check_close("b3lyp mixture (point 2)", e[1], sum[1], 1e-12);
    os_xc_free(b3);
    /* a multi-component alias equals the sum of its parts */
    os_xc *svwn, *x, *cc;
    double ex[2], ec[2];
    os_xc_new("svwn", 1, &svwn, NULL);
    os_xc_new("LDA_X", 1, &x, NULL);
    os_xc_new("LDA_C_VWN_RPA", 1, &cc, NULL);
    os_xc_eval(svwn, 2, rho, NULL, NULL, e, v, NULL, NULL, NULL);
    os_xc_eval(x, 2, rho, NULL, NULL, ex, vs, NULL, NULL, NULL);
    os_xc_eval(cc, 2, rho, NULL, NULL, ec, vs, NULL, NULL, NULL);
    check_close("svwn = LDA_X + LDA_C_VWN_RPA", e[1], ex[1] + ec[1], 1e-14);
    os_xc_free(svwn);
    os_xc_free(x);
    os_xc_free(cc);
}

/* Potentials are derivatives of f = rho * exc (central differences). */
static void test_fd_point(const char *name, int nspin)
{
    os_xc *xc;
    if (os_xc_new(name, nspin, &xc, NULL) != OS_OK) {
        check_true("fd functional", 0);
        return;
    }
    int fam = os_xc_family(xc);
    int nr = nspin, ns = 2 * nspin - 1;
    double rho[2] = {0.31, 0.17}, sig[3] = {0.08, 0.03, 0.02}, tau[2] = {0.35, 0.21};
    double e, vr[2], vs[3], vt[2];
    os_xc_eval(xc, 1, rho, sig, tau, &e, vr, vs, vt, NULL);
    double maxrel = 0.0;
    /* variables: rho (nr), sigma (ns, GGA+), tau (nr, MGGA) */
    for (int kind = 0; kind < 3; ++kind) {
        if (kind == 1 && fam < OS_XC_GGA) continue;
        if (kind == 2 && fam < OS_XC_MGGA) continue;
        int nv = kind == 1 ? ns : nr;
        for (int i = 0; i < nv; ++i) {
            double *x = kind == 0 ? rho : kind == 1 ? sig : tau;
            double h = 1e-5 * x[i], x0 = x[i], fp, fm, ep, em, dummy[3];
            x[i] = x0 + h;
            os_xc_eval(xc, 1, rho, sig, tau, &ep, dummy, dummy, dummy, NULL);
            fp = ep * (rho[0] + (nspin == 2 ? rho[1] : 0.0));
            x[i] = x0 - h;
            os_xc_eval(xc, 1, rho, sig, tau, &em, dummy, dummy, dummy, NULL);
            fm = em * (rho[0] + (nspin == 2 ? rho[1] : 0.0));
            x[i] = x0;
            double fd = (fp - fm) / (2 * h);
            double an = kind == 0 ? vr[i] : kind == 1 ? vs[i] : vt[i];
            double rel = fabs(an - fd) / (fabs(fd) + 1e-3);
            if (rel > maxrel) maxrel = rel;
        }
    }
    char what[128];
    snprintf(what, sizeof what, "%s nspin=%d: potentials vs finite differences (max rel.)", name, nspin);
    check_close(what, maxrel, 0.0, 1e-7);
    os_xc_free(xc);
}

int main(void)
{
    test_aliases();
    test_slater();
    test_b3lyp_mix();
    const char *f[] = {"svwn", "pbe", "b3lyp", "wb97x", "tpss", "m06-2x"};
    for (int i = 0; i < 6; ++i) {
        test_fd_point(f[i], 1);
        test_fd_point(f[i], 2);
    }
    return check_finish();
}
