/* The cavity surface: Gaussian surface elements on the atomic spheres,
 * switched off smoothly where they enter another sphere, so that the energy
 * (and its gradient) is continuous under nuclear motion.
 *
 * Element i sits at s_i = X_I + R_I t_k (atom I, unit-sphere point t_k of
 * weight w_k, sum 4 pi) with the switching value
 *   F_i = prod_{J != I} h((|s_i - X_J| - R_in,J) / W_J),
 *   h(x) = 0 (x < 0), x^3 (10 - 15 x + 6 x^2) (0 <= x <= 1), 1 (x > 1),
 * and a Gaussian charge of exponent zeta_i = xi / (R_I sqrt(w_k)).  The two
 * discretizations differ in the points, R_in, W, xi and the self term:
 *
 * SWIG (Lange & Herbert, J. Chem. Phys. 133, 244111 (2010), as implemented in
 *   PySCF's pyscf/solvent/pcm.py): Lebedev points; W_J = R_J sqrt(14/N),
 *   R_in,J = R_J - alpha_J W_J with alpha_J = 1/2 + R_J/W_J -
 *   sqrt((R_J/W_J)^2 - 1/28); xi = the optimized exponent of the N-point grid
 *   (Table II of J. Chem. Phys. 122, 194110 (2005), the values PySCF
 *   carries); A_ii = zeta_i sqrt(2/pi) / F_i; elements with F_i < 1e-8 dropped.
 * NWChem (7.0.2 York-Karplus COSMO, tests/reference/cosmo/README.md): the
 *   tessellation of level L (minbem), N points; R_in,J = R_J (1 - 2^-L / 2),
 *   W_J = R_J 2^-L (gamma_s = 1, alpha = 1/2); zeta_i = 0.98 sqrt(N) /
 *   (R_I sqrt(2 pi)), i.e. xi = 0.98 sqrt(2); A_ii = 4 zeta_i sqrt(2/pi) / F_i
 *   (the factor 4 is NWChem's, from its diagonal exponent); elements with
 *   F_i < 1e-4 (sw_tol) dropped. */
#include "solvent/solvent.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* SWIG exponents xi for the Lebedev grids (positive weights only). */
static const struct {
    int n;
    double xi;
} swig_xi[] = {
    {6, 4.84566077868},   {14, 4.86458714334},  {26, 4.85478226219},  {38, 4.90105812685},
    {50, 4.89250673295},  {86, 4.89741372580},  {110, 4.90101060987}, {146, 4.89825187392},
    {170, 4.90685517725}, {194, 4.90337644248}, {302, 4.90498088169}, {350, 4.86879474832},
    {434, 4.90567349080}, {590, 4.90624071359}, {770, 4.90656435779}, {974, 4.90685167998},
};

#define NWCHEM_ZETA 0.98
#define NWCHEM_SELF 4.0
#define NWCHEM_DROP 1e-4
#define SWIG_DROP 1e-8

/* The scheme's constants for N points per sphere. */
typedef struct {
    double xi, self_factor, drop;
} scheme;

static os_status scheme_for(const os_solvent_options *o, int N, scheme *sc, os_error *err)
{
    if (o->cavity == OS_CAVITY_NWCHEM) {
        sc->xi = NWCHEM_ZETA * sqrt(2.0);
        sc->self_factor = NWCHEM_SELF;
        sc->drop = NWCHEM_DROP;
        return OS_OK;
    }
    for (size_t k = 0; k < sizeof swig_xi / sizeof *swig_xi; ++k)
        if (swig_xi[k].n == N) {
            sc->xi = swig_xi[k].xi;
            sc->self_factor = 1.0;
            sc->drop = SWIG_DROP;
            return OS_OK;
        }
    return os_fail(err, OS_ERR_INPUT,
                   "no SWIG cavity with %d Lebedev points per sphere (use 50, 86, 110, 146, "
                   "170, 194, 302, 350, 434, 590, 770 or 974)",
                   N);
}

/* Switching region of sphere J: elements of other spheres are off inside
 * R_in and fully on beyond R_in + W. */
static void switching_region(const os_solvent_options *o, int N, double R, double *Rin,
                             double *W)
{
    if (o->cavity == OS_CAVITY_NWCHEM) {
        double w = ldexp(1.0, -o->npoints); /* gamma_s 2^-minbem */
        *Rin = R * (1.0 - 0.5 * w);
        *W = R * w;
        return;
    }
    double Wsw = R * sqrt(14.0 / N), x = R / Wsw;
    double alpha = 0.5 + x - sqrt(x * x - 1.0 / 28.0);
    *Rin = R - alpha * Wsw;
    *W = Wsw;
}

static double smoothstep(double x)
{
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    return x * x * x * (10.0 - 15.0 * x + 6.0 * x * x);
}

/* dh/dx */
static double smoothstep_deriv(double x)
{
    if (x <= 0.0 || x >= 1.0) return 0.0;
    return 30.0 * x * x * (1.0 - x) * (1.0 - x);
}

static double switching(int natom, const double *X, const double *R, const double *Rin,
                        const double *W, int I, const double *s)
{
    double F = 1.0;
    for (int J = 0; J < natom && F > 0.0; ++J) {
        if (J == I || R[J] <= 0.0) continue;
        double d[3] = {s[0] - X[3 * J], s[1] - X[3 * J + 1], s[2] - X[3 * J + 2]};
        double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        F *= smoothstep((r - Rin[J]) / W[J]);
    }
    return F;
}

/* F_i = prod_J h(x_J), x_J = (|s_i - X_J| - Rin_J) / W_J, s_i = X_I + R_I t:
 * dF_i/dX_J = -F_i h'(x_J) / (h(x_J) W_J) (s_i - X_J)/|s_i - X_J|, and X_I
 * gets minus the sum (the point moves with its atom).  Kept elements have
 * F_i > 0, so every h(x_J) > 0. */
void os_cavity_switching_grad(const os_cavity *cav, int i, double scale, double *grad)
{
    int I = cav->atom[i];
    const double *s = cav->xyz + 3 * i;
    for (int J = 0; J < cav->natom; ++J) {
        if (J == I || cav->R[J] <= 0.0) continue;
        const double *X = cav->X + 3 * J;
        double d[3] = {s[0] - X[0], s[1] - X[1], s[2] - X[2]};
        double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        double x = (r - cav->Rin[J]) / cav->W[J];
        double dh = smoothstep_deriv(x);
        if (dh == 0.0) continue;
        double c = scale * cav->F[i] * dh / (smoothstep(x) * cav->W[J] * r);
        for (int k = 0; k < 3; ++k) {
            grad[3 * J + k] -= c * d[k];
            grad[3 * I + k] += c * d[k];
        }
    }
}

void os_cavity_free(os_cavity *cav)
{
    void *bufs[] = {cav->xyz, cav->zeta, cav->F,   cav->weight, cav->atom,
                    cav->point, cav->R,  cav->Rin, cav->W,      cav->X};
    for (size_t k = 0; k < sizeof bufs / sizeof *bufs; ++k) free(bufs[k]);
    memset(cav, 0, sizeof *cav);
}

static os_status cavity_alloc(os_cavity *cav, size_t n, int natom, os_error *err)
{
    cav->xyz = malloc(3 * n * sizeof(double));
    cav->zeta = malloc(n * sizeof(double));
    cav->F = malloc(n * sizeof(double));
    cav->weight = malloc(n * sizeof(double));
    cav->atom = malloc(n * sizeof(int));
    cav->point = malloc(n * sizeof(int));
    cav->natom = natom;
    cav->R = malloc((size_t)natom * sizeof(double));
    cav->Rin = malloc((size_t)natom * sizeof(double));
    cav->W = malloc((size_t)natom * sizeof(double));
    cav->X = malloc(3 * (size_t)natom * sizeof(double));
    if (!cav->xyz || !cav->zeta || !cav->F || !cav->weight || !cav->atom || !cav->point ||
        !cav->R || !cav->Rin || !cav->W || !cav->X)
        return OS_NOMEM(err, "cavity");
    return OS_OK;
}

/* Every element of every sphere; those switched off are dropped. */
static void place_elements(int natom, const double *X, const double *R, const double *Rin,
                           const double *W, int N, const double *t, const double *w,
                           const scheme *sc, os_cavity *cav)
{
    int n = 0;
    for (int I = 0; I < natom; ++I) {
        if (R[I] <= 0.0) continue;
        for (int k = 0; k < N; ++k) {
            double s[3];
            for (int x = 0; x < 3; ++x) s[x] = X[3 * I + x] + R[I] * t[3 * k + x];
            double F = switching(natom, X, R, Rin, W, I, s);
            if (F < sc->drop) continue;
            memcpy(cav->xyz + 3 * n, s, sizeof s);
            cav->F[n] = F;
            cav->weight[n] = w[k];
            cav->zeta[n] = sc->xi / (R[I] * sqrt(w[k]));
            cav->atom[n] = I;
            cav->point[n] = k;
            cav->area += F * w[k] * R[I] * R[I];
            ++n;
        }
    }
    cav->n = n;
}

os_status os_cavity_build(int natom, const double *xyz, const double *R,
                          const os_solvent_options *o, os_cavity *cav, os_error *err)
{
    memset(cav, 0, sizeof *cav);
    int N = os_sphere_points(o->cavity, o->npoints, o->icosahedron, NULL, NULL);
    if (N <= 0)
        return os_fail(err, OS_ERR_INPUT, "no %s surface with %d %s",
                       o->cavity == OS_CAVITY_NWCHEM ? "NWChem" : "Lebedev", o->npoints,
                       o->cavity == OS_CAVITY_NWCHEM ? "(tessellation level 1..6)"
                                                     : "points per sphere");
    scheme sc = {0, 0, 0};
    os_status st = scheme_for(o, N, &sc, err);
    if (st != OS_OK) return st;
    double *t = malloc(3 * (size_t)N * sizeof *t), *w = malloc((size_t)N * sizeof *w);
    st = t && w ? OS_OK : OS_NOMEM(err, "cavity");
    if (st == OS_OK && os_sphere_points(o->cavity, o->npoints, o->icosahedron, t, w) != N)
        st = OS_NOMEM(err, "unit-sphere points");
    if (st == OS_OK) st = cavity_alloc(cav, (size_t)natom * N, natom, err);
    if (st == OS_OK) {
        memcpy(cav->R, R, (size_t)natom * sizeof(double));
        memcpy(cav->X, xyz, 3 * (size_t)natom * sizeof(double));
        for (int J = 0; J < natom; ++J) switching_region(o, N, R[J], &cav->Rin[J], &cav->W[J]);
        cav->per_sphere = N;
        cav->self_factor = sc.self_factor;
        place_elements(natom, xyz, R, cav->Rin, cav->W, N, t, w, &sc, cav);
        if (cav->n == 0) st = os_fail(err, OS_ERR_INPUT, "the cavity has no surface points");
    }
    free(t);
    free(w);
    if (st != OS_OK) os_cavity_free(cav);
    return st;
}
