/* Primitive internal coordinates: values and first derivatives (the rows
 * of Wilson's B matrix).  Formulas: stretch and bend as in Wilson, Decius
 * & Cross, "Molecular Vibrations" (1955); the torsion's derivatives in the
 * form of Blondel & Karplus, J. Comput. Chem. 17, 1132 (1996), which stays
 * finite for every geometry where the dihedral is defined.  The linear bend
 * w.(e_ba + e_bc) is zero for a straight a-b-c and, for a small bend, the
 * bending angle's component along w (radians); two of them, with w
 * perpendicular to each other and to a-c, replace a bend near 180 degrees,
 * where the bend's own derivative is singular. */
#include "opt/opt.h"

#include <math.h>
#include <string.h>

static void sub3(const double *a, const double *b, double *d)
{
    for (int k = 0; k < 3; ++k) d[k] = a[k] - b[k];
}

static double dot3(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void cross3(const double *a, const double *b, double *c)
{
    c[0] = a[1] * b[2] - a[2] * b[1];
    c[1] = a[2] * b[0] - a[0] * b[2];
    c[2] = a[0] * b[1] - a[1] * b[0];
}

static const double *at(const double *xyz, int a) { return xyz + 3 * a; }

int os_ic_natom(const os_ic *c)
{
    switch (c->kind) {
    case OS_IC_STRETCH: return 2;
    case OS_IC_BEND:
    case OS_IC_LINEAR_BEND: return 3;
    case OS_IC_TORSION:
    case OS_IC_OUT_OF_PLANE: return 4;
    case OS_IC_CARTESIAN: return 1;
    }
    return 0;
}

int os_ic_periodic(const os_ic *c)
{
    return c->kind == OS_IC_TORSION || c->kind == OS_IC_OUT_OF_PLANE;
}

double os_ic_angle(const double *xyz, int a, int b, int c)
{
    double u[3], v[3], x[3];
    sub3(at(xyz, a), at(xyz, b), u);
    sub3(at(xyz, c), at(xyz, b), v);
    cross3(u, v, x);
    return atan2(sqrt(dot3(x, x)), dot3(u, v));
}

/* ---------------------------------------------------------------- stretch */

static int stretch(const double *xa, const double *xb, double *value, double *d)
{
    double u[3];
    sub3(xa, xb, u);
    double r = sqrt(dot3(u, u));
    *value = r;
    if (!d) return 1;
    if (r < 1e-12) return 0;
    for (int k = 0; k < 3; ++k) {
        d[k] = u[k] / r;
        d[3 + k] = -u[k] / r;
    }
    return 1;
}

/* ------------------------------------------------------------------- bend */

static int bend(const double *xa, const double *xb, const double *xc, double *value, double *d)
{
    double u[3], v[3], x[3];
    sub3(xa, xb, u);
    sub3(xc, xb, v);
    double lu = sqrt(dot3(u, u)), lv = sqrt(dot3(v, v));
    cross3(u, v, x);
    *value = atan2(sqrt(dot3(x, x)), dot3(u, v));
    if (!d) return 1;
    if (lu < 1e-12 || lv < 1e-12) return 0;
    double cs = cos(*value), sn = sin(*value);
    if (sn < 1e-8) return 0;
    for (int k = 0; k < 3; ++k) {
        double eu = u[k] / lu, ev = v[k] / lv;
        d[k] = (cs * eu - ev) / (lu * sn);
        d[6 + k] = (cs * ev - eu) / (lv * sn);
        d[3 + k] = -d[k] - d[6 + k];
    }
    return 1;
}

/* ------------------------------------------------------------ linear bend */

/* w . e for e = unit(p - b); its derivative with respect to p goes to dp. */
static int projected_unit(const double *xp, const double *xb, const double *w, double *value,
                          double *dp)
{
    double u[3];
    sub3(xp, xb, u);
    double l = sqrt(dot3(u, u));
    if (l < 1e-12) return 0;
    double we = dot3(w, u) / l;
    *value = we;
    if (dp)
        for (int k = 0; k < 3; ++k) dp[k] = (w[k] - we * u[k] / l) / l;
    return 1;
}

static int linear_bend(const double *xa, const double *xb, const double *xc, const double *w,
                       double *value, double *d)
{
    double va, vc, da[3], dc[3];
    if (!projected_unit(xa, xb, w, &va, da) || !projected_unit(xc, xb, w, &vc, dc)) {
        *value = 0.0;
        return 0;
    }
    *value = va + vc;
    if (d)
        for (int k = 0; k < 3; ++k) {
            d[k] = da[k];
            d[6 + k] = dc[k];
            d[3 + k] = -da[k] - dc[k];
        }
    return 1;
}

static void unit3(double *v)
{
    double l = sqrt(dot3(v, v));
    for (int k = 0; k < 3; ++k) v[k] /= l;
}

void os_ic_linear_pair(const double *xyz, int a, int b, int c, os_ic pair[2])
{
    double axis[3], e[3] = {0, 0, 0};
    sub3(at(xyz, c), at(xyz, a), axis);
    unit3(axis);
    /* Start from the Cartesian axis least aligned with a-c. */
    int kmin = 0;
    for (int k = 1; k < 3; ++k)
        if (fabs(axis[k]) < fabs(axis[kmin])) kmin = k;
    e[kmin] = 1.0;
    for (int i = 0; i < 2; ++i) pair[i] = (os_ic){OS_IC_LINEAR_BEND, {a, b, c, -1}, {0, 0, 0}};
    cross3(axis, e, pair[0].w);
    unit3(pair[0].w);
    cross3(axis, pair[0].w, pair[1].w);
    unit3(pair[1].w);
}

/* ---------------------------------------------------------------- torsion */

/* F = a - b, G = b - c, H = d - c; A = F x G, B = H x G.
 * phi = atan2(|G| (B x A).G / |G|^2 ..., A.B) in the form below, and
 *   dphi/da = -|G| A / A^2,   dphi/dd = |G| B / B^2,
 *   dphi/db =  |G| A / A^2 + (F.G)/(A^2 |G|) A - (H.G)/(B^2 |G|) B,
 *   dphi/dc = -|G| B / B^2 - (F.G)/(A^2 |G|) A + (H.G)/(B^2 |G|) B. */
static int torsion(const double *xa, const double *xb, const double *xc, const double *xd,
                   double *value, double *d)
{
    double F[3], G[3], H[3], A[3], B[3], BxA[3];
    sub3(xa, xb, F);
    sub3(xb, xc, G);
    sub3(xd, xc, H);
    cross3(F, G, A);
    cross3(H, G, B);
    cross3(B, A, BxA);
    double lg = sqrt(dot3(G, G));
    double a2 = dot3(A, A), b2 = dot3(B, B);
    *value = lg > 0 ? atan2(dot3(BxA, G) / lg, dot3(A, B)) : 0.0;
    if (!d) return 1;
    if (lg < 1e-12 || a2 < 1e-16 * dot3(F, F) * lg * lg || b2 < 1e-16 * dot3(H, H) * lg * lg)
        return 0;
    double fg = dot3(F, G), hg = dot3(H, G);
    for (int k = 0; k < 3; ++k) {
        double ta = A[k] / a2, tb = B[k] / b2;
        d[k] = -lg * ta;
        d[9 + k] = lg * tb;
        d[3 + k] = lg * ta + fg / lg * ta - hg / lg * tb;
        d[6 + k] = -lg * tb - fg / lg * ta + hg / lg * tb;
    }
    return 1;
}

/* ------------------------------------------------------------------ entry */

static int evaluate(const os_ic *c, const double *xyz, double *value, double *d)
{
    const int *a = c->atom;
    switch (c->kind) {
    case OS_IC_STRETCH: return stretch(at(xyz, a[0]), at(xyz, a[1]), value, d);
    case OS_IC_BEND: return bend(at(xyz, a[0]), at(xyz, a[1]), at(xyz, a[2]), value, d);
    case OS_IC_LINEAR_BEND:
        return linear_bend(at(xyz, a[0]), at(xyz, a[1]), at(xyz, a[2]), c->w, value, d);
    case OS_IC_TORSION:
    case OS_IC_OUT_OF_PLANE:
        return torsion(at(xyz, a[0]), at(xyz, a[1]), at(xyz, a[2]), at(xyz, a[3]), value, d);
    case OS_IC_CARTESIAN:
        *value = xyz[3 * a[0] + a[1]];
        if (d) {
            memset(d, 0, 3 * sizeof *d);
            d[a[1]] = 1.0;
        }
        return 1;
    }
    *value = 0.0;
    return 0;
}

double os_ic_value(const os_ic *c, const double *xyz)
{
    double v;
    evaluate(c, xyz, &v, NULL);
    return v;
}

int os_ic_derivative(const os_ic *c, const double *xyz, double *d)
{
    double v;
    return evaluate(c, xyz, &v, d);
}
