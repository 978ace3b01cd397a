/* Becke's partition and its nuclear derivative.
 *
 * For atoms B != C at a point r with d_B = |r - R_B|:
 *   mu_BC = (d_B - d_C) / R_BC,  nu_BC = mu_BC + a_BC (1 - mu_BC^2),
 *   s_BC = 1/2 (1 - p(p(p(nu_BC)))),  p(x) = 3/2 x - 1/2 x^3,
 *   P_B = prod_{C != B} s_BC,  w_a = P_a / sum_B P_B.
 * The derivative of w_a with respect to atom D != a at fixed r follows from
 *   dP_B = P_B sum_{C != B} (ds_BC/dmu_BC / s_BC) dmu_BC,
 *   dmu_BC/dR_B = -(e_B + mu_BC u_BC)/R_BC,  dmu_BC/dR_C = (e_C + mu_BC u_BC)/R_BC,
 * with e_B = (r - R_B)/d_B and u_BC = (R_B - R_C)/R_BC; the point moves with
 * atom a, so d w_a/dR_a = -sum_{D != a} d w_a/dR_D (translational invariance).
 * A grid weight is w_p = W_p w_a(r_p), so d w_p = w_p d ln w_a.
 *
 * Bragg-Slater radii (Angstrom) as tabulated in PySCF's pyscf/data/radii.py. */
#include "dft/becke.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Bragg-Slater radii, Angstrom, Z = 0..86 (index 0 unused). */
static const double bragg_angstrom[OS_MAX_Z + 1] = {
    2.00,
    0.35, 1.40,
    1.45, 1.05, 0.85, 0.70, 0.65, 0.60, 0.50, 1.50,
    1.80, 1.50, 1.25, 1.10, 1.00, 1.00, 1.00, 1.80,
    2.20, 1.80,
    1.60, 1.40, 1.35, 1.40, 1.40, 1.40, 1.35, 1.35, 1.35, 1.35,
    1.30, 1.25, 1.15, 1.15, 1.15, 1.90,
    2.35, 2.00,
    1.80, 1.55, 1.45, 1.45, 1.35, 1.30, 1.35, 1.40, 1.60, 1.55,
    1.55, 1.45, 1.45, 1.40, 1.40, 2.10,
    2.60, 2.15,
    1.95, 1.85, 1.85, 1.85, 1.85, 1.85, 1.85,
    1.80, 1.75, 1.75, 1.75, 1.75, 1.75, 1.75, 1.75,
    1.55, 1.45, 1.35, 1.35, 1.30, 1.35, 1.35, 1.35, 1.50,
    1.90, 1.80, 1.60, 1.90, 1.45, 2.10};

double os_bragg_radius(int Z) { return bragg_angstrom[(Z < 1 || Z > OS_MAX_Z) ? 0 : Z]; }

os_status os_becke_new(const os_molecule *mol, os_becke *b, os_error *err)
{
    int n = mol->natom;
    b->natom = n;
    b->xyz = mol->xyz;
    b->invR = calloc((size_t)n * n, sizeof(double));
    b->adj = calloc((size_t)n * n, sizeof(double));
    b->u = calloc((size_t)3 * n * n, sizeof(double));
    if (!b->invR || !b->adj || !b->u) {
        os_becke_free(b);
        return OS_NOMEM(err, "Becke partition");
    }
    for (int i = 0; i < n; ++i) {
        /* Treutler's variant: sizes from square roots of the radii (as PySCF). */
        double Ri = sqrt(os_bragg_radius(mol->Z[i]));
        for (int j = 0; j < n; ++j) {
            if (i == j) continue;
            const double *x = mol->xyz;
            double dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1],
                   dz = x[3 * i + 2] - x[3 * j + 2];
            double Rij = sqrt(dx * dx + dy * dy + dz * dz);
            if (Rij < 1e-6) {
                os_becke_free(b);
                return os_fail(err, OS_ERR_INPUT, "grid: atoms %d and %d coincide", i + 1, j + 1);
            }
            b->invR[i * n + j] = 1.0 / Rij;
            double *u = b->u + 3 * ((size_t)i * n + j);
            u[0] = dx / Rij, u[1] = dy / Rij, u[2] = dz / Rij;
            double chi = Ri / sqrt(os_bragg_radius(mol->Z[j]));
            double a = 0.25 * (1.0 / chi - chi);
            b->adj[i * n + j] = a > 0.5 ? 0.5 : (a < -0.5 ? -0.5 : a);
        }
    }
    return OS_OK;
}

void os_becke_free(os_becke *b)
{
    free(b->invR);
    free(b->adj);
    free(b->u);
    b->invR = b->adj = b->u = NULL;
}

/* Distances d[B] = |r - R_B|. */
static void distances(const os_becke *b, const double *r, double *d)
{
    for (int B = 0; B < b->natom; ++B) {
        const double *R = b->xyz + 3 * B;
        double dx = r[0] - R[0], dy = r[1] - R[1], dz = r[2] - R[2];
        d[B] = sqrt(dx * dx + dy * dy + dz * dz);
    }
}

/* s(nu(mu)) for the ordered pair (i, j), and ds/dmu into *ds when non-NULL. */
static inline double switch_fn(double mu, double a, double *ds)
{
    double nu = mu + a * (1.0 - mu * mu);
    double x = nu, dp = 1.0;
    for (int k = 0; k < 3; ++k) {
        dp *= 1.5 * (1.0 - x * x);
        x = 1.5 * x - 0.5 * x * x * x;
    }
    if (ds) *ds = -0.5 * dp * (1.0 - 2.0 * a * mu);
    return 0.5 * (1.0 - x);
}

double os_becke_cell(const os_becke *b, int a, const double *r, double *work)
{
    int n = b->natom;
    if (n == 1) return 1.0;
    double *d = work, *P = work + n;
    distances(b, r, d);
    for (int i = 0; i < n; ++i) P[i] = 1.0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < i; ++j) {
            double s = switch_fn((d[i] - d[j]) * b->invR[i * n + j], b->adj[i * n + j], NULL);
            P[i] *= s;
            P[j] *= 1.0 - s;
        }
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += P[i];
    return sum > 0.0 ? P[a] / sum : 0.0;
}

void os_becke_cell_grad(const os_becke *b, int a, const double *r, double scale, double *grad,
                        double *work)
{
    int n = b->natom;
    if (n == 1 || scale == 0.0) return;
    double *S = work, *dS = S + (size_t)n * n; /* s and ds/dmu per ordered pair */
    double *d = dS + (size_t)n * n, *P = d + n, *Q = P + n; /* Q: 3n */
    double *e = Q + 3 * n; /* 3n: unit vectors (r - R_B)/d_B */
    distances(b, r, d);
    for (int i = 0; i < n; ++i) P[i] = 1.0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < i; ++j) {
            double ds;
            double s = switch_fn((d[i] - d[j]) * b->invR[i * n + j], b->adj[i * n + j], &ds);
            S[i * n + j] = s;
            S[j * n + i] = 1.0 - s;
            dS[i * n + j] = dS[j * n + i] = ds; /* d(1 - s)/d(-mu) = ds/dmu */
            P[i] *= s;
            P[j] *= 1.0 - s;
        }
    double Z = 0.0;
    for (int i = 0; i < n; ++i) Z += P[i];
    if (!(Z > 0.0)) return;
    double cell = P[a] / Z;
    if (!(cell > 0.0)) return;
    memset(Q, 0, sizeof(double) * 3 * n);
    for (int B = 0; B < n; ++B) {
        const double *RB = b->xyz + 3 * B;
        double idB = d[B] > 0.0 ? 1.0 / d[B] : 0.0;
        for (int k = 0; k < 3; ++k) e[3 * B + k] = (r[k] - RB[k]) * idB;
    }
    /* Q_D = d cell/dR_D at fixed r = sum_B (delta_Ba - cell)/Z dP_B/dR_D */
    for (int B = 0; B < n; ++B) {
        double cB = ((B == a) - cell) / Z * P[B];
        if (cB == 0.0) continue;
        const double *eB = e + 3 * B;
        for (int C = 0; C < n; ++C) {
            double s = S[B * n + C];
            if (C == B || s == 0.0) continue;
            double iR = b->invR[B * n + C], t = cB * dS[B * n + C] / s * iR;
            if (t == 0.0) continue;
            const double *eC = e + 3 * C, *u = b->u + 3 * ((size_t)B * n + C);
            double mu = (d[B] - d[C]) * iR;
            for (int k = 0; k < 3; ++k) {
                Q[3 * B + k] -= t * (eB[k] + mu * u[k]);
                Q[3 * C + k] += t * (eC[k] + mu * u[k]);
            }
        }
    }
    double f = scale / cell; /* d ln w_a = d w_a / w_a */
    for (int D = 0; D < n; ++D) {
        if (D == a) continue;
        for (int k = 0; k < 3; ++k) {
            grad[3 * D + k] += f * Q[3 * D + k];
            grad[3 * a + k] -= f * Q[3 * D + k];
        }
    }
}
