/* Lindh's model Hessian: R. Lindh, A. Bernhardsson, G. Karlstrom and
 * P.-A. Malmqvist, Chem. Phys. Lett. 241, 423 (1995).  A sum over every
 * pair, triple and quadruple of atoms (bonded or not) of force constants
 * times rank-one terms of stretch, bend and torsion derivatives,
 *   H = sum k_r rho_ij b b^T + sum k_phi rho_ij rho_jk b b^T
 *     + sum k_tau rho_ij rho_jk rho_kl b b^T,
 * rho_ij = exp(alpha_ij (r_ref,ij^2 - r_ij^2)), with alpha and r_ref from
 * the paper's table by period (H-He, Li-Ne, Na and beyond) and k_r = 0.45,
 * k_phi = 0.15, k_tau = 0.005 Eh (per bohr^2 or rad^2), plus one term of our
 * own: out-of-plane bends of every atom with three partners, k_oop = 0.05
 * Eh/rad^2 times rho_ji rho_jk rho_jl (see out_of_plane()).  Being Cartesian
 * it needs no coordinate set, and moves into any one with B. */
#include "opt/opt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define K_STRETCH 0.45
#define K_BEND 0.15
#define K_TORSION 0.005
/* Not Lindh's: an out-of-plane term (see out_of_plane()), Eh/rad^2. */
#define K_OUT_OF_PLANE 0.05
/* Terms whose weight (the product of rho) is below this are left out. */
#define RHO_CUTOFF 1e-6
/* Bends within this of straight (sin theta) use two linear bends instead;
 * torsions through such an angle are left out. */
#define SIN_LINEAR 0.05

static int period(int Z) { return Z <= 2 ? 0 : Z <= 10 ? 1 : 2; }

/* Lindh et al., Table 1 (bohr^-2 and bohr). */
static const double ALPHA[3][3] = {
    {1.0000, 0.3949, 0.3949}, {0.3949, 0.2800, 0.2800}, {0.3949, 0.2800, 0.2800}};
static const double R_REF[3][3] = {{1.35, 2.10, 2.53}, {2.10, 2.87, 3.40}, {2.53, 3.40, 3.40}};

/* H += k d d^T over the atoms of primitive c (derivatives d). */
static void add_term(int ncart, double *H, const os_ic *c, const double *d, double k)
{
    int na = os_ic_natom(c);
    for (int a = 0; a < na; ++a)
        for (int i = 0; i < 3; ++i) {
            int r = 3 * c->atom[a] + i;
            for (int b = 0; b < na; ++b)
                for (int j = 0; j < 3; ++j) H[(size_t)r * ncart + 3 * c->atom[b] + j] +=
                    k * d[3 * a + i] * d[3 * b + j];
        }
}

static void add_primitive(int ncart, double *H, const double *xyz, os_ic c, double k)
{
    double d[12];
    if (os_ic_derivative(&c, xyz, d)) add_term(ncart, H, &c, d, k);
}

static void add_bend(int ncart, double *H, const double *xyz, int i, int j, int l, double k)
{
    double s = sin(os_ic_angle(xyz, i, j, l));
    if (s > SIN_LINEAR) {
        add_primitive(ncart, H, xyz, (os_ic){OS_IC_BEND, {i, j, l, -1}, {0, 0, 0}}, k);
        return;
    }
    /* Near-linear: its two bending directions. */
    os_ic pair[2];
    os_ic_linear_pair(xyz, i, j, l, pair);
    add_primitive(ncart, H, xyz, pair[0], k);
    add_primitive(ncart, H, xyz, pair[1], k);
}

/* rho_ij for every pair. */
static void pair_weights(const os_molecule *mol, const double *xyz, double *rho)
{
    int n = mol->natom;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double r2 = 0;
            for (int k = 0; k < 3; ++k) {
                double d = xyz[3 * i + k] - xyz[3 * j + k];
                r2 += d * d;
            }
            int pi = period(mol->Z[i]), pj = period(mol->Z[j]);
            rho[i * n + j] = i == j ? 0.0 : exp(ALPHA[pi][pj] * (R_REF[pi][pj] * R_REF[pi][pj] - r2));
        }
}

static void stretches(int n, const double *xyz, const double *rho, double *H)
{
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            if (rho[i * n + j] > RHO_CUTOFF)
                add_primitive(3 * n, H, xyz, (os_ic){OS_IC_STRETCH, {i, j, -1, -1}, {0, 0, 0}},
                              K_STRETCH * rho[i * n + j]);
}

/* Whether dihedral a-b-c-d runs through a near-straight angle (a-b-c or
 * b-c-d): there it is undefined, and near it its derivatives grow as
 * 1/sin, so a term of small weight would still dominate the model. */
static int through_linear(const double *xyz, int a, int b, int c, int d)
{
    return sin(os_ic_angle(xyz, a, b, c)) <= SIN_LINEAR ||
           sin(os_ic_angle(xyz, b, c, d)) <= SIN_LINEAR;
}

static void bends(int n, const double *xyz, const double *rho, double *H)
{
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            if (i == j || rho[i * n + j] <= RHO_CUTOFF) continue;
            for (int l = i + 1; l < n; ++l) {
                double w = rho[i * n + j] * rho[j * n + l];
                if (l != j && w > RHO_CUTOFF) add_bend(3 * n, H, xyz, i, j, l, K_BEND * w);
            }
        }
}

static void torsions(int n, const double *xyz, const double *rho, double *H)
{
    for (int j = 0; j < n; ++j)
        for (int k = j + 1; k < n; ++k) {
            double wjk = rho[j * n + k];
            if (wjk <= RHO_CUTOFF) continue;
            for (int i = 0; i < n; ++i) {
                if (i == j || i == k || wjk * rho[i * n + j] <= RHO_CUTOFF) continue;
                for (int l = 0; l < n; ++l) {
                    if (l == i || l == j || l == k) continue;
                    double w = rho[i * n + j] * wjk * rho[k * n + l];
                    if (w <= RHO_CUTOFF || through_linear(xyz, i, j, k, l)) continue;
                    add_primitive(3 * n, H, xyz, (os_ic){OS_IC_TORSION, {i, j, k, l}, {0, 0, 0}},
                                  K_TORSION * w);
                }
            }
        }
}

/* Out-of-plane bending of a centre j with three partners i, k, l: Lindh's
 * terms have no first-order stiffness there (a planar centre's bends change
 * only to second order), so the model would let a trigonal centre such as
 * formaldehyde's C pyramidalize freely and the first steps overshoot.
 * Partners are every atom in reach of rho, so quadruples through a straight
 * angle occur (a ring's para carbon, its ipso carbon and the para F are
 * collinear); they are left out as the torsions are.  Kept, such a term of
 * weight 0.01 gave TFPAA-'s model two in-plane C-F wags of 6 and 9 Eh/rad^2
 * (the real ones are below 1), and the optimizer 22 gradients instead of 15. */
static void out_of_plane(int n, const double *xyz, const double *rho, double *H)
{
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            if (i == j || rho[j * n + i] <= RHO_CUTOFF) continue;
            for (int k = i + 1; k < n; ++k) {
                if (k == j || rho[j * n + i] * rho[j * n + k] <= RHO_CUTOFF) continue;
                for (int l = k + 1; l < n; ++l) {
                    if (l == j) continue;
                    double w = rho[j * n + i] * rho[j * n + k] * rho[j * n + l];
                    if (w > RHO_CUTOFF && !through_linear(xyz, j, i, k, l))
                        add_primitive(3 * n, H, xyz,
                                      (os_ic){OS_IC_OUT_OF_PLANE, {j, i, k, l}, {0, 0, 0}},
                                      K_OUT_OF_PLANE * w);
                }
            }
        }
}

os_status os_model_hessian_lindh(const os_molecule *mol, const double *xyz, double *H,
                                 os_error *err)
{
    int n = mol->natom;
    memset(H, 0, (size_t)9 * n * n * sizeof *H);
    double *rho = malloc((size_t)n * n * sizeof *rho + 1);
    if (!rho) return OS_NOMEM(err, "model Hessian");
    pair_weights(mol, xyz, rho);
    stretches(n, xyz, rho, H);
    bends(n, xyz, rho, H);
    torsions(n, xyz, rho, H);
    out_of_plane(n, xyz, rho, H);
    free(rho);
    return OS_OK;
}
