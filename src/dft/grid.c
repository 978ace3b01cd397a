/* Molecular integration grid.
 *
 *   radial:   Treutler-Ahlrichs M4 mapping (alpha = 0.6) of Gauss-Chebyshev
 *             (second kind) nodes, with Treutler's per-element xi
 *             [O. Treutler, R. Ahlrichs, JCP 102, 346 (1995)];
 *   angular:  Lebedev-Laikov grids (lebedev.c), pruned near the nucleus in the
 *             NWChem style (but not far out, where anions keep density);
 *   weights:  Becke partitioning [A.D. Becke, JCP 88, 2547 (1988)], three
 *             iterations of the smoothing polynomial, with Becke's atomic-size
 *             adjustment built from square roots of Bragg-Slater radii
 *             (Treutler's variant, as PySCF's default);
 *   blocks:   points sorted into compact spatial blocks of at most BLOCK_MAX
 *             points by recursive median bisection along the longest box axis.
 *
 * Treutler's xi as tabulated in PySCF's pyscf/dft/radi.py; the partition
 * and its Bragg-Slater radii are in becke.c. */
#include "dft/grid.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/parse.h"
#include "core/threads.h"
#include "dft/becke.h"
#include "dft/lebedev.h"

#define BLOCK_MAX 128
#define PI 3.14159265358979323846
/* Points with |w| below this carry nothing.  Not more: on TFPAA- (B3LYP/
 * 6-31+G*) dropping |w| < 1e-12 (3% of the points) already moves Exc by
 * 1e-7 Eh; small Becke weights sit near other nuclei, where the density is
 * large. */
#define WEIGHT_DROP 1e-15

/* Treutler-Ahlrichs xi, Z = 0..86. */
static const double treutler_xi[OS_MAX_Z + 1] = {
    1.0,
    0.8, 0.9,
    1.8, 1.4, 1.3, 1.1, 0.9, 0.9, 0.9, 0.9,
    1.4, 1.3, 1.3, 1.2, 1.1, 1.0, 1.0, 1.0,
    1.5, 1.4,
    1.3, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1.1, 1.1,
    1.1, 1.0, 0.9, 0.9, 0.9, 0.9,
    2.0, 1.7,
    1.5, 1.5, 1.35, 1.35, 1.25, 1.2, 1.25, 1.3, 1.5, 1.5,
    1.3, 1.2, 1.2, 1.15, 1.15, 1.15,
    2.5, 2.2,
    2.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5,
    1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5,
    1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5,
    1.5, 1.5, 1.5, 1.5, 1.5, 1.5};

static int zclamp(int Z) { return (Z < 1 || Z > OS_MAX_Z) ? 0 : Z; }

static int lebedev_index(int npt)
{
    for (int i = 0; i < os_lebedev_count(); ++i)
        if (os_lebedev_npoint(i) == npt) return i;
    return -1;
}

os_status os_grid_parse_spec(const char *spec, int *nrad, int *nang, os_error *err)
{
    if (!spec || !*spec || !strcmp(spec, "default")) {
        *nrad = 75;
        *nang = 302;
        return OS_OK;
    }
    if (!strcmp(spec, "coarse")) {
        *nrad = 50;
        *nang = 194;
        return OS_OK;
    }
    if (!strcmp(spec, "fine")) {
        *nrad = 99;
        *nang = 590;
        return OS_OK;
    }
    /* "R,A": two plain decimal integers, range-checked before conversion
     * (a wrapped 4294967302 must not become 6). */
    const char *comma = strchr(spec, ',');
    char rtxt[16], atxt[16];
    long r = 0, a = 0;
    os_num_status rs = OS_NUM_SYNTAX, as = OS_NUM_SYNTAX;
    if (comma && (size_t)(comma - spec) < sizeof rtxt && strlen(comma + 1) < sizeof atxt) {
        memcpy(rtxt, spec, (size_t)(comma - spec));
        rtxt[comma - spec] = '\0';
        strcpy(atxt, comma + 1);
        /* unsigned: a sign is no part of a point count */
        if (isdigit((unsigned char)rtxt[0])) rs = os_parse_int(rtxt, 5, 1000, &r);
        if (isdigit((unsigned char)atxt[0])) as = os_parse_int(atxt, 1, 100000, &a);
    }
    if (rs == OS_NUM_SYNTAX || as == OS_NUM_SYNTAX)
        return os_fail(err, OS_ERR_INPUT,
                       "grid '%s': expected coarse, default, fine or RADIAL,ANGULAR", spec);
    if (rs == OS_NUM_RANGE)
        return os_fail(err, OS_ERR_INPUT, "grid '%s': radial points must be 5..1000", spec);
    if (as == OS_NUM_RANGE || lebedev_index((int)a) < 0)
        return os_fail(err, OS_ERR_INPUT,
                       "grid '%s': %s is not a Lebedev grid (6, 14, 26, 38, 50, 74, 86, 110, "
                       "146, 170, 194, 230, 266, 302, 350, 434, 590, 770, 974)",
                       spec, atxt);
    *nrad = (int)r;
    *nang = (int)a;
    return OS_OK;
}

/* Treutler-Ahlrichs M4 radial grid: r[i] in bohr and weights wr[i] for
 * integrals  int_0^inf f(r) r^2 dr ~ sum_i wr[i] f(r[i]). */
static void radial_grid(int Z, int n, double *r, double *wr)
{
    double xi = treutler_xi[zclamp(Z)];
    double c = xi / log(2.0);
    double step = PI / (n + 1);
    for (int i = 0; i < n; ++i) {
        /* i = 0 nearest the nucleus */
        double t = (n - i) * step;
        double x = cos(t);
        double lg = -log(0.5 * (1.0 - x));
        double p = pow(1.0 + x, 0.6);
        double ri = c * p * lg;
        double dr = c * p * (0.6 / (1.0 + x) * lg + 1.0 / (1.0 - x));
        r[i] = ri;
        wr[i] = step * sin(t) * dr * ri * ri;
    }
}

/* Largest Lebedev index below `top` whose weights are all positive (74, 230
 * and 266 have negative weights, which amplify round-off where r^2 is large). */
static int lower_positive(int top)
{
    int i = top - 1;
    while (i > 0) {
        int n = os_lebedev_npoint(i);
        if (n != 74 && n != 230 && n != 266) break;
        --i;
    }
    return i;
}

/* Lebedev grid used on a radial shell at distance rr (bohr) from an atom Z
 * whose full grid is nang: inner and outermost shells get fewer points.
 * Regions as in NWChem (bounds in units of the Bragg radius, by period), but
 * the outermost region keeps the full grid: NWChem's reduction there costs
 * 1e-6 relative accuracy for diffuse (anion) densities. */
static int pruned_nang(int Z, double rr, int nang)
{
    static const double alphas[3][4] = {
        {0.25, 0.5, 1.0, 4.5}, {0.1667, 0.5, 0.9, 3.5}, {0.1, 0.4, 0.8, 2.5}};
    int top = lebedev_index(nang);
    if (nang < 110) return nang;
    int row = Z <= 2 ? 0 : (Z <= 10 ? 1 : 2);
    double R = os_bragg_radius(Z) / OS_BOHR_ANGSTROM;
    int place = 0;
    for (int k = 0; k < 4; ++k)
        if (rr / R > alphas[row][k]) ++place;
    /* Lebedev indices: 86 -> 6, 110 -> 7 */
    int low = lower_positive(top);
    int idx[5] = {6, 7, low, top, top};
    int li = idx[place];
    if (li > top) li = top;
    return os_lebedev_npoint(li);
}

/* Reorder idx[0..n) into blocks by recursive bisection of the bounding box
 * at the middle of its longest axis (boxes stay compact, unlike median
 * splits, which leave long slivers in the sparse outer region); appends block
 * ends to bounds. */
static void bisect(const double *xyz, int *idx, int n, int base, int *bounds, int *nb)
{
    if (n <= BLOCK_MAX) {
        if (n > 0) bounds[++*nb] = base + n;
        return;
    }
    double lo[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL}, hi[3] = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (int p = 0; p < n; ++p)
        for (int k = 0; k < 3; ++k) {
            double x = xyz[3 * idx[p] + k];
            if (x < lo[k]) lo[k] = x;
            if (x > hi[k]) hi[k] = x;
        }
    int ax = 0;
    for (int k = 1; k < 3; ++k)
        if (hi[k] - lo[k] > hi[ax] - lo[ax]) ax = k;
    double mid = 0.5 * (lo[ax] + hi[ax]);
    int i = 0, j = n - 1;
    while (i <= j) {
        if (xyz[3 * idx[i] + ax] < mid) {
            ++i;
        } else {
            int t = idx[i];
            idx[i] = idx[j];
            idx[j--] = t;
        }
    }
    if (i == 0 || i == n) i = n / 2; /* coincident points: split anyway */
    bisect(xyz, idx, i, base, bounds, nb);
    bisect(xyz, idx + i, n - i, base + i, bounds, nb);
}

/* The atom whose grid holds raw point p (atom_pt0: natom+1 offsets). */
static int owner_atom(const size_t *atom_pt0, int natom, size_t p)
{
    int lo = 0, hi = natom - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (atom_pt0[mid] <= p)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

os_status os_grid_build(const os_molecule *mol, int nrad, int nang, int nthreads, os_grid *g,
                        os_error *err)
{
    memset(g, 0, sizeof *g);
    int natom = mol->natom;
    if (natom < 1) return os_fail(err, OS_ERR_INPUT, "grid: molecule has no atoms");
    if (nrad < 1 || lebedev_index(nang) < 0)
        return os_fail(err, OS_ERR_INPUT, "grid: bad size %d,%d", nrad, nang);
    g->nrad = nrad;
    g->nang = nang;

    os_status st = OS_OK;
    double *rad = malloc(sizeof(double) * 2 * nrad * natom);
    int *shell_nang = malloc(sizeof(int) * nrad * natom);
    size_t *atom_pt0 = malloc(sizeof(size_t) * (natom + 1));
    int nleb = os_lebedev_count();
    double *leb = malloc(sizeof(double) * 4 * 974 * nleb);
    double *xyz = NULL, *w = NULL, *xyz2 = NULL, *w2 = NULL;
    int *idx = NULL, *bounds = NULL;
    os_becke becke = {0};
    if (!rad || !shell_nang || !atom_pt0 || !leb) {
        st = OS_NOMEM(err, "grid");
        goto done;
    }
    /* Lebedev tables: grid i at leb + 4*974*i, xyz then weights. */
    for (int i = 0; i < nleb; ++i) {
        int n = os_lebedev_npoint(i);
        os_lebedev_grid(n, leb + 4 * 974 * i, leb + 4 * 974 * i + 3 * n);
    }

    if ((st = os_becke_new(mol, &becke, err)) != OS_OK) goto done;

    /* Radial shells and their pruned angular sizes; point offsets per atom. */
    atom_pt0[0] = 0;
    for (int A = 0; A < natom; ++A) {
        double *r = rad + 2 * nrad * A, *wr = r + nrad;
        radial_grid(mol->Z[A], nrad, r, wr);
        size_t n = 0;
        for (int i = 0; i < nrad; ++i) {
            shell_nang[A * nrad + i] = pruned_nang(mol->Z[A], r[i], nang);
            n += (size_t)shell_nang[A * nrad + i];
        }
        atom_pt0[A + 1] = atom_pt0[A] + n;
    }
    size_t nraw = atom_pt0[natom];
    if (nraw > (size_t)0x7fffffff) {
        st = os_fail(err, OS_ERR_INPUT, "grid: too many points (%zu)", nraw);
        goto done;
    }
    xyz = malloc(sizeof(double) * 3 * nraw);
    w = malloc(sizeof(double) * nraw);
    if (!xyz || !w) {
        st = OS_NOMEM(err, "grid points");
        goto done;
    }

    int fail = 0;
#pragma omp parallel num_threads(os_threads_for(nthreads, natom, 1))
    {
        double *d = malloc(sizeof(double) * 2 * natom);
        if (!d) {
#pragma omp atomic write
            fail = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int A = 0; A < natom; ++A) {
            if (!d) continue;
            const double *r = rad + 2 * nrad * A, *wr = r + nrad;
            const double *c = mol->xyz + 3 * A;
            size_t p = atom_pt0[A];
            for (int i = 0; i < nrad; ++i) {
                int na = shell_nang[A * nrad + i];
                const double *lx = leb + 4 * 974 * lebedev_index(na), *lw = lx + 3 * na;
                for (int k = 0; k < na; ++k, ++p) {
                    double *x = xyz + 3 * p;
                    for (int q = 0; q < 3; ++q) x[q] = c[q] + r[i] * lx[3 * k + q];
                    double wb = 1.0;
                    if (natom > 1) wb = os_becke_cell(&becke, A, x, d);
                    w[p] = 4.0 * PI * wr[i] * lw[k] * wb;
                }
            }
        }
        free(d);
    }
    if (fail) {
        st = OS_NOMEM(err, "grid work");
        goto done;
    }

    /* Drop negligible points (Lebedev 74 has negative weights: keep those). */
    int npt = 0;
    idx = malloc(sizeof(int) * (nraw ? nraw : 1));
    if (!idx) {
        st = OS_NOMEM(err, "grid index");
        goto done;
    }
    for (size_t p = 0; p < nraw; ++p)
        if (fabs(w[p]) >= WEIGHT_DROP) idx[npt++] = (int)p;

    bounds = malloc(sizeof(int) * (npt + 1)); /* blocks are never empty */
    if (!bounds) {
        st = OS_NOMEM(err, "grid blocks");
        goto done;
    }
    int nb = 0;
    bounds[0] = 0;
    if (npt > 0) bisect(xyz, idx, npt, 0, bounds, &nb);

    xyz2 = malloc(sizeof(double) * 3 * (npt ? npt : 1));
    w2 = malloc(sizeof(double) * (npt ? npt : 1));
    g->block0 = malloc(sizeof(int) * (nb + 1));
    g->atom = malloc(sizeof(int) * (npt ? npt : 1));
    if (!xyz2 || !w2 || !g->block0 || !g->atom) {
        st = OS_NOMEM(err, "grid output");
        goto done;
    }
    for (int p = 0; p < npt; ++p) {
        for (int q = 0; q < 3; ++q) xyz2[3 * p + q] = xyz[3 * idx[p] + q];
        w2[p] = w[idx[p]];
        g->atom[p] = owner_atom(atom_pt0, natom, (size_t)idx[p]);
    }
    memcpy(g->block0, bounds, sizeof(int) * (nb + 1));
    g->npt = npt;
    g->nblock = nb;
    g->xyz = xyz2;
    g->w = w2;
    xyz2 = w2 = NULL;

done:
    free(rad);
    free(shell_nang);
    free(atom_pt0);
    os_becke_free(&becke);
    free(leb);
    free(xyz);
    free(w);
    free(xyz2);
    free(w2);
    free(idx);
    free(bounds);
    if (st != OS_OK) os_grid_free(g);
    return st;
}

void os_grid_free(os_grid *g)
{
    if (!g) return;
    free(g->xyz);
    free(g->w);
    free(g->block0);
    free(g->atom);
    g->xyz = g->w = NULL;
    g->block0 = g->atom = NULL;
    g->npt = g->nblock = 0;
}

size_t os_grid_memory_bytes(const os_grid *g)
{
    return (size_t)g->npt * (4 * sizeof(double) + sizeof(int)) + (size_t)(g->nblock + 1) * sizeof(int);
}
