/* Second derivatives of a shell's functions on grid points (the GGA and
 * meta-GGA XC gradient needs d/dR of grad(phi)).  For a Cartesian component
 * f = Pc(x, y, z) R(r) with Pc = x^lx y^ly z^lz and R = sum_k c_k exp(-a_k r^2),
 *   d_i d_j f = (d_ij Pc) R + (d_i Pc x_j + d_j Pc x_i) R1 + Pc (R1 delta_ij + R2 x_i x_j),
 * R1 = sum -2a c exp(-a r^2), R2 = sum 4a^2 c exp(-a r^2); solid harmonics are
 * the same combinations of these as of the values (T). */
#include "grad/grad.h"

#include <math.h>
#include <string.h>

#include "integrals/cart2sph.h"

/* x^k from a power table (0 for k < 0). */
static inline double pw(const double *tab, int k, int np, int p) { return k < 0 ? 0.0 : tab[k * np + p]; }

static const int ci[6] = {0, 0, 0, 1, 1, 2}, cj[6] = {0, 1, 2, 1, 2, 2};

/* A Cartesian component of degree 0, 1 or 2 written out: Pc = x_a x_b, a
 * missing factor given as axis -1 with values `one` (all 1).  Then
 * d_i Pc = delta_ia x_b + delta_ib x_a, d_i d_j Pc = delta_ia delta_jb +
 * delta_ib delta_ja, into the formula above.  d: x, y, z relative to the
 * centre (3 np). */
static void low_degree(int np, const double *d, const double *one, const double *R,
                       const double *R1, const double *R2, int a, int b, double *out, int ld)
{
    const double *xa = a < 0 ? one : d + (size_t)a * np, *xb = b < 0 ? one : d + (size_t)b * np;
    for (int q = 0; q < 6; ++q) {
        int i = ci[q], j = cj[q];
        double cdd = (i == a && j == b) + (i == b && j == a);
        const double *xi = d + (size_t)i * np, *xj = d + (size_t)j * np;
        double *o = out + (size_t)q * ld;
        for (int p = 0; p < np; ++p) {
            double dpi = (i == a ? xb[p] : 0.0) + (i == b ? xa[p] : 0.0);
            double dpj = (j == a ? xb[p] : 0.0) + (j == b ? xa[p] : 0.0);
            o[p] = cdd * R[p] + (dpi * xj[p] + dpj * xi[p]) * R1[p] +
                   xa[p] * xb[p] * ((i == j ? R1[p] : 0.0) + R2[p] * xi[p] * xj[p]);
        }
    }
}

void os_basis_hessian(const os_shell *sh, const double *T, int np, const double *xyz,
                      double *hess, int ld, double *work)
{
    int l = sh->l, nc = os_ncart(l), pure = sh->pure && l > 1;
    double *ch = work;                                /* 6*nc*np when pure */
    double *d = work + (size_t)6 * nc * np;           /* x, y, z relative: 3*np */
    double *R = d + 3 * np, *R1 = R + np, *R2 = R1 + np;
    double *pt = R2 + np;                             /* power tables: 3*(l+1)*np */
    const double *o = sh->origin;
    for (int p = 0; p < np; ++p) {
        double r2 = 0.0;
        for (int k = 0; k < 3; ++k) {
            d[k * np + p] = xyz[3 * p + k] - o[k];
            r2 += d[k * np + p] * d[k * np + p];
        }
        double r0 = 0.0, r1 = 0.0, rr = 0.0;
        for (int i = 0; i < sh->nprim; ++i) {
            double ar2 = sh->alpha[i] * r2;
            if (ar2 > 60.0) continue;
            double e = sh->coef[i] * exp(-ar2), a2 = 2.0 * sh->alpha[i];
            r0 += e;
            r1 -= a2 * e;
            rr += a2 * a2 * e;
        }
        R[p] = r0;
        R1[p] = r1;
        R2[p] = rr;
    }
    double *out = pure ? ch : hess;
    int old = pure ? np : ld;
    for (int c = 0; l <= 2 && c < nc; ++c) { /* s, p, d (most shells): written out */
        int e[3], ax[2] = {-1, -1}, na = 0;
        os_cart_exponents(l, c, &e[0], &e[1], &e[2]);
        for (int k = 0; k < 3; ++k)
            for (int m = 0; m < e[k]; ++m) ax[na++] = k;
        if (c == 0) /* the power tables are not needed: their room holds the 1s */
            for (int p = 0; p < np; ++p) pt[p] = 1.0;
        low_degree(np, d, pt, R, R1, R2, ax[0], ax[1], out + (size_t)c * 6 * old, old);
    }
    for (int k = 0; l > 2 && k < 3; ++k) {
        double *t = pt + (size_t)k * (l + 1) * np;
        for (int p = 0; p < np; ++p) t[p] = 1.0;
        for (int e = 1; e <= l; ++e)
            for (int p = 0; p < np; ++p) t[e * np + p] = t[(e - 1) * np + p] * d[k * np + p];
    }
    for (int c = 0; l > 2 && c < nc; ++c) {
        int e[3];
        os_cart_exponents(l, c, &e[0], &e[1], &e[2]);
        const double *tab[3] = {pt, pt + (size_t)(l + 1) * np, pt + (size_t)2 * (l + 1) * np};
        for (int p = 0; p < np; ++p) {
            double v[3], dv[3], ddv[3]; /* 1-D factors and their derivatives */
            for (int k = 0; k < 3; ++k) {
                v[k] = pw(tab[k], e[k], np, p);
                dv[k] = e[k] * pw(tab[k], e[k] - 1, np, p);
                ddv[k] = e[k] * (e[k] - 1) * pw(tab[k], e[k] - 2, np, p);
            }
            double P = v[0] * v[1] * v[2];
            double dP[3] = {dv[0] * v[1] * v[2], v[0] * dv[1] * v[2], v[0] * v[1] * dv[2]};
            double x[3] = {d[p], d[np + p], d[2 * np + p]};
            for (int q = 0; q < 6; ++q) {
                int i = ci[q], j = cj[q];
                double dij;
                if (i == j) {
                    dij = ddv[i] * v[(i + 1) % 3] * v[(i + 2) % 3];
                } else {
                    int m = 3 - i - j;
                    double f[3];
                    f[i] = dv[i];
                    f[j] = dv[j];
                    f[m] = v[m];
                    dij = f[0] * f[1] * f[2];
                }
                double h = dij * R[p] + (dP[i] * x[j] + dP[j] * x[i]) * R1[p] +
                           P * ((i == j ? R1[p] : 0.0) + R2[p] * x[i] * x[j]);
                out[(size_t)(c * 6 + q) * old + p] = h;
            }
        }
    }
    if (!pure) return;
    int ns = os_nsph(l);
    for (int m = 0; m < ns; ++m)
        for (int q = 0; q < 6; ++q) {
            double *dst = hess + (size_t)(m * 6 + q) * ld;
            memset(dst, 0, (size_t)np * sizeof(double));
            for (int c = 0; c < nc; ++c) {
                double t = T[m * nc + c];
                if (t == 0.0) continue;
                const double *src = ch + (size_t)(c * 6 + q) * np;
                for (int p = 0; p < np; ++p) dst[p] += t * src[p];
            }
        }
}
