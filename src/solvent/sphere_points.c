/* Points on the unit sphere for the cavity's surface elements.
 *
 * SWIG: a Lebedev-Laikov grid (dft/lebedev.c), its weights scaled to 4 pi.
 * NWChem: the tessellation of NWChem 7.0.2's COSMO (hnd_cossph/hnd_sphoct/
 *   hnd_sphico, as written out in tests/reference/cosmo/README.md): start
 *   from the octahedron (or icosahedron), split every triangle into four
 *   through its edge midpoints projected onto the sphere, level - 1 times;
 *   the points are the normalized triangle centroids, 8 * 4^(level-1)
 *   (octahedron) or 20 * 4^(level-1) (icosahedron), equal weights. */
#include "solvent/solvent.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dft/lebedev.h"

static const double FOUR_PI = 12.56637061435917295385;

/* Tessellation levels beyond this are not NWChem's (minbem 1..6). */
#define MAX_LEVEL 6

typedef struct {
    double v[3][3];
} triangle;

static void normalize(double *x)
{
    double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    for (int k = 0; k < 3; ++k) x[k] /= r;
}

/* The starting polyhedron's faces (vertex numbering of NWChem, 1-based). */
static int polyhedron(int icosahedron, triangle *out)
{
    static const double oct_v[6][3] = {{1, 0, 0}, {0, 1, 0}, {-1, 0, 0},
                                       {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    static const int oct_f[8][3] = {{5, 1, 2}, {5, 2, 3}, {5, 3, 4}, {5, 4, 1},
                                    {6, 1, 2}, {6, 2, 3}, {6, 3, 4}, {6, 4, 1}};
    static const int ico_f[20][3] = {
        {1, 2, 9},  {1, 9, 5},  {1, 5, 6},  {1, 6, 11}, {1, 11, 2}, {2, 9, 7},  {2, 7, 8},
        {2, 8, 11}, {3, 4, 10}, {3, 10, 5}, {3, 5, 6},  {3, 6, 12}, {3, 12, 4}, {4, 10, 7},
        {4, 7, 8},  {4, 8, 12}, {9, 10, 7}, {9, 5, 10}, {11, 12, 8}, {11, 6, 12}};
    double ico_v[12][3];
    double a = 0.5 * acos(1.0 / sqrt(5.0)), c = cos(a), s = sin(a);
    const double iv[12][3] = {{0, c, s},  {0, c, -s},  {0, -c, s},  {0, -c, -s},
                              {s, 0, c},  {-s, 0, c},  {s, 0, -c},  {-s, 0, -c},
                              {c, s, 0},  {c, -s, 0},  {-c, s, 0},  {-c, -s, 0}};
    memcpy(ico_v, iv, sizeof ico_v);
    int nf = icosahedron ? 20 : 8;
    for (int f = 0; f < nf; ++f)
        for (int k = 0; k < 3; ++k) {
            const double *v = icosahedron ? ico_v[ico_f[f][k] - 1] : oct_v[oct_f[f][k] - 1];
            memcpy(out[f].v[k], v, 3 * sizeof(double));
        }
    return nf;
}

static void midpoint(const double *a, const double *b, double *m)
{
    for (int k = 0; k < 3; ++k) m[k] = a[k] + b[k];
    normalize(m);
}

/* One subdivision: (a, b, c) -> (a, ab, ca), (ab, b, bc), (ca, bc, c), (ab, bc, ca). */
static int subdivide(const triangle *in, int n, triangle *out)
{
    for (int f = 0; f < n; ++f) {
        const double *a = in[f].v[0], *b = in[f].v[1], *c = in[f].v[2];
        double ab[3], bc[3], ca[3];
        midpoint(a, b, ab);
        midpoint(b, c, bc);
        midpoint(c, a, ca);
        const double *child[4][3] = {{a, ab, ca}, {ab, b, bc}, {ca, bc, c}, {ab, bc, ca}};
        for (int k = 0; k < 4; ++k)
            for (int v = 0; v < 3; ++v) memcpy(out[4 * f + k].v[v], child[k][v], 3 * sizeof(double));
    }
    return 4 * n;
}

static int tessellation(int level, int icosahedron, double *t, double *w)
{
    if (level < 1 || level > MAX_LEVEL) return 0;
    int n = (icosahedron ? 20 : 8) << (2 * (level - 1));
    if (!t && !w) return n;
    triangle *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return -1;
    }
    int nf = polyhedron(icosahedron, a);
    for (int l = 1; l < level; ++l) {
        nf = subdivide(a, nf, b);
        triangle *tmp = a;
        a = b;
        b = tmp;
    }
    for (int f = 0; f < nf; ++f) {
        double *p = t + 3 * f;
        for (int k = 0; k < 3; ++k) p[k] = a[f].v[0][k] + a[f].v[1][k] + a[f].v[2][k];
        normalize(p);
        if (w) w[f] = FOUR_PI / nf;
    }
    free(a);
    free(b);
    return nf;
}

int os_sphere_points(int cavity, int npoints, int icosahedron, double *t, double *w)
{
    if (cavity == OS_CAVITY_NWCHEM) return tessellation(npoints, icosahedron, t, w);
    if (os_lebedev_degree(npoints) == 0) return 0;
    if (!t && !w) return npoints;
    double *tw = w ? w : malloc((size_t)npoints * sizeof *tw);
    if (!tw) return -1;
    os_lebedev_grid(npoints, t, tw);
    for (int k = 0; k < npoints; ++k) tw[k] *= FOUR_PI;
    if (!w) free(tw);
    return npoints;
}
