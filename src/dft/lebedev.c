/* Lebedev-Laikov angular grids: expansion of the generated octahedral-orbit
 * tables (src/generated/lebedev_table.h, tools/gen_lebedev.py) into points. */
#include "dft/lebedev.h"

#include <math.h>

#include "generated/lebedev_table.h"

#define NGRIDS ((int)(sizeof grids / sizeof grids[0]))

int os_lebedev_count(void) { return NGRIDS; }

int os_lebedev_npoint(int i) { return (i >= 0 && i < NGRIDS) ? grids[i].npt : 0; }

int os_lebedev_degree(int npt)
{
    for (int i = 0; i < NGRIDS; ++i)
        if (grids[i].npt == npt) return grids[i].degree;
    return 0;
}

/* Append the points of one orbit: all sign changes and the permutations that
 * the orbit's shape makes distinct. */
static int expand(const orbit *o, double *xyz, double *w)
{
    double a = o->a, b = o->b, c;
    double base[3];
    int nperm = 0;
    int perm[6][3];
    switch (o->code) {
    case 0: base[0] = 1.0; base[1] = 0.0; base[2] = 0.0; break;
    case 1: a = sqrt(0.5); base[0] = 0.0; base[1] = a; base[2] = a; break;
    case 2: a = sqrt(1.0 / 3.0); base[0] = a; base[1] = a; base[2] = a; break;
    case 3: base[0] = a; base[1] = a; base[2] = sqrt(1.0 - 2.0 * a * a); break;
    case 4: base[0] = a; base[1] = sqrt(1.0 - a * a); base[2] = 0.0; break;
    default:
        c = sqrt(1.0 - a * a - b * b);
        base[0] = a; base[1] = b; base[2] = c;
        break;
    }
    /* Distinct permutations of base (compare values to skip duplicates). */
    static const int all[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int p = 0; p < 6; ++p) {
        int dup = 0;
        for (int q = 0; q < nperm && !dup; ++q)
            dup = base[all[p][0]] == base[perm[q][0]] && base[all[p][1]] == base[perm[q][1]] &&
                  base[all[p][2]] == base[perm[q][2]];
        if (!dup) {
            perm[nperm][0] = all[p][0];
            perm[nperm][1] = all[p][1];
            perm[nperm][2] = all[p][2];
            ++nperm;
        }
    }
    int n = 0;
    for (int p = 0; p < nperm; ++p) {
        for (int s = 0; s < 8; ++s) {
            double v[3];
            int skip = 0;
            for (int k = 0; k < 3; ++k) {
                double x = base[perm[p][k]];
                if (s & (1 << k)) {
                    if (x == 0.0) skip = 1; /* -0 duplicates +0 */
                    x = -x;
                }
                v[k] = x;
            }
            if (skip) continue;
            xyz[3 * n + 0] = v[0];
            xyz[3 * n + 1] = v[1];
            xyz[3 * n + 2] = v[2];
            w[n] = o->w;
            ++n;
        }
    }
    return n;
}

int os_lebedev_grid(int npt, double *xyz, double *w)
{
    for (int i = 0; i < NGRIDS; ++i) {
        if (grids[i].npt != npt) continue;
        int n = 0;
        for (int k = 0; k < grids[i].norbit; ++k)
            n += expand(&orbits[grids[i].orbit0 + k], xyz + 3 * n, w + n);
        return n == npt ? npt : 0;
    }
    return 0;
}
