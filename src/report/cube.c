/* Gaussian cube files of single orbitals, for viewers (Jmol, VMD, Avogadro,
 * GaussView).  The format as Gaussian's cubegen writes it: two comment
 * lines; the atom count (negative: orbital values follow) and the origin;
 * for each axis the point count and step vector; one line per atom (Z, Z as
 * the nuclear charge, x, y, z); a line "1 N" naming the orbital; then the
 * values, x slowest and z fastest, six per line and a new line after every
 * z row.  Everything in bohr; orbital values in bohr^-3/2, so that the sum
 * of psi^2 times the voxel volume approaches 1 on a grid wide enough. */
#include "report/report.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "dft/numint.h"

/* ------------------------------------------------------ which orbitals */

os_status os_cube_parse_spec(const char *spec, os_cube_orbital *sel, int *n, os_error *err)
{
    *n = 0;
    const char *p = spec;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char tok[32];
        if (len == 0 || len >= sizeof tok)
            return os_fail(err, OS_ERR_INPUT, "bad orbital list '%.64s'", spec);
        memcpy(tok, p, len);
        tok[len] = '\0';
        for (char *c = tok; *c; ++c) *c = (char)tolower((unsigned char)*c);
        if (*n >= OS_CUBE_MAX_ORBITALS)
            return os_fail(err, OS_ERR_INPUT, "more than %d orbitals", OS_CUBE_MAX_ORBITALS);
        os_cube_orbital o = {0, 0};
        char *end;
        if (!strncmp(tok, "homo", 4) || !strncmp(tok, "lumo", 4)) {
            o.kind = tok[0] == 'l';
            const char *rest = tok + 4;
            char want = o.kind ? '+' : '-';
            if (*rest) {
                long k = *rest == want ? strtol(rest + 1, &end, 10) : -1;
                if (*rest != want || !isdigit((unsigned char)rest[1]) || *end || k > 100000)
                    return os_fail(err, OS_ERR_INPUT,
                                   "bad orbital '%s' (homo, homo-K, lumo, lumo+K or a number)", tok);
                o.offset = (int)k;
            }
        } else {
            long k = strtol(tok, &end, 10);
            if (!isdigit((unsigned char)tok[0]) || *end || k < 1 || k > 1000000)
                return os_fail(err, OS_ERR_INPUT,
                               "bad orbital '%s' (homo, homo-K, lumo, lumo+K or a number)", tok);
            o.kind = 2;
            o.offset = (int)k;
        }
        sel[(*n)++] = o;
        p = e ? e + 1 : p + len;
        if (e && !*p) return os_fail(err, OS_ERR_INPUT, "bad orbital list '%.64s'", spec);
    }
    if (*n == 0) return os_fail(err, OS_ERR_INPUT, "empty orbital list");
    return OS_OK;
}

/* Highest occupied and lowest empty orbital of one spin (-1 when none). */
static void frontier_of(const os_scf_result *res, int spin, int *homo, int *lumo)
{
    const double *occ = spin ? res->occ_b : res->occ_a;
    *homo = *lumo = -1;
    for (int i = 0; i < res->nmo; ++i) {
        if (occ[i] > 0.0) *homo = i;
        else if (*lumo < 0) *lumo = i;
    }
}

os_status os_cube_resolve(const os_scf_result *res, const os_cube_orbital *sel, int *spin,
                          int *mo, char *tag, size_t ntag, os_error *err)
{
    int nspin = res->unrestricted && res->occ_b ? 2 : 1;
    if (!res->occ_a || !res->eps_a)
        return os_fail(err, OS_ERR_INTERNAL, "no orbitals in the result");
    *spin = 0;
    if (sel->kind == 2) {
        *mo = sel->offset - 1;
        snprintf(tag, ntag, "mo%d", sel->offset);
    } else {
        /* The spin whose frontier orbital is the molecule's HOMO (highest) or
         * LUMO (lowest). */
        int best = -1;
        double best_e = 0.0;
        for (int s = 0; s < nspin; ++s) {
            int h, l;
            frontier_of(res, s, &h, &l);
            int i = sel->kind == 0 ? h : l;
            if (i < 0) continue;
            double e = (s ? res->eps_b : res->eps_a)[i];
            if (best < 0 || (sel->kind == 0 ? e > best_e : e < best_e)) {
                best = i;
                best_e = e;
                *spin = s;
            }
        }
        if (best < 0)
            return os_fail(err, OS_ERR_INPUT, "no %s orbital", sel->kind == 0 ? "occupied" : "empty");
        *mo = sel->kind == 0 ? best - sel->offset : best + sel->offset;
        if (sel->offset)
            snprintf(tag, ntag, "%s%c%d", sel->kind == 0 ? "homo" : "lumo",
                     sel->kind == 0 ? '-' : '+', sel->offset);
        else
            snprintf(tag, ntag, "%s", sel->kind == 0 ? "homo" : "lumo");
    }
    if (*mo < 0 || *mo >= res->nmo)
        return os_fail(err, OS_ERR_INPUT, "orbital %s does not exist (%d orbitals)", tag, res->nmo);
    return OS_OK;
}

/* ------------------------------------------------------------ the grid */

typedef struct {
    double origin[3]; /* bohr */
    double step;      /* bohr */
    int n[3];
} cube_grid;

static cube_grid grid_around(const os_molecule *mol, double spacing, double margin)
{
    cube_grid g;
    g.step = spacing;
    for (int k = 0; k < 3; ++k) {
        double lo = INFINITY, hi = -INFINITY;
        for (int a = 0; a < mol->natom; ++a) {
            lo = fmin(lo, mol->xyz[3 * a + k]);
            hi = fmax(hi, mol->xyz[3 * a + k]);
        }
        g.origin[k] = lo - margin;
        g.n[k] = (int)ceil((hi - lo + 2 * margin) / spacing) + 1;
    }
    return g;
}

/* Orbital values on every grid point, x slowest: vals[(ix*ny + iy)*nz + iz].
 * Rows of nz points are independent: spread over threads. */
static os_status evaluate(const os_basis *bs, const double *C, int nmo, int mo,
                          const cube_grid *g, int nthreads, double *vals, os_error *err)
{
    int nx = g->n[0], ny = g->n[1], nz = g->n[2], nbf = bs->nbf;
    int failed = 0;
#pragma omp parallel num_threads(nthreads > 0 ? nthreads : 1)
    {
        double *xyz = malloc(sizeof(double) * 3 * (size_t)nz);
        double *phi = malloc(sizeof(double) * (size_t)nbf * nz);
        int ok = xyz && phi;
#pragma omp for schedule(dynamic)
        for (long row = 0; row < (long)nx * ny; ++row) {
            if (!ok) continue;
            int ix = (int)(row / ny), iy = (int)(row % ny);
            for (int iz = 0; iz < nz; ++iz) {
                xyz[3 * iz] = g->origin[0] + ix * g->step;
                xyz[3 * iz + 1] = g->origin[1] + iy * g->step;
                xyz[3 * iz + 2] = g->origin[2] + iz * g->step;
            }
            if (os_basis_eval(bs, nz, xyz, phi, NULL) != OS_OK) {
                ok = 0;
                continue;
            }
            double *v = vals + (size_t)row * nz;
            for (int iz = 0; iz < nz; ++iz) v[iz] = 0.0;
            for (int mu = 0; mu < nbf; ++mu) {
                double c = C[(size_t)mu * nmo + mo];
                if (c == 0.0) continue;
                const double *p = phi + (size_t)mu * nz;
                for (int iz = 0; iz < nz; ++iz) v[iz] += c * p[iz];
            }
        }
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
        free(xyz);
        free(phi);
    }
    return failed ? OS_NOMEM(err, "cube grid") : OS_OK;
}

/* ----------------------------------------------------------- the file */

static void header(FILE *f, const os_molecule *mol, const os_scf_result *res, int spin, int mo,
                   const cube_grid *g)
{
    const double *eps = spin ? res->eps_b : res->eps_a;
    fprintf(f, "orbscreen %s: %s, orbital %d (%s), energy %.6f Eh\n", OS_VERSION, mol->name,
            mo + 1, res->unrestricted ? (spin ? "beta" : "alpha") : "restricted", eps[mo]);
    fprintf(f, "%s, orbital values in bohr^-3/2 on a grid in bohr\n", res->method);
    fprintf(f, "%5d %12.6f %12.6f %12.6f\n", -mol->natom, g->origin[0], g->origin[1],
            g->origin[2]);
    for (int k = 0; k < 3; ++k)
        fprintf(f, "%5d %12.6f %12.6f %12.6f\n", g->n[k], k == 0 ? g->step : 0.0,
                k == 1 ? g->step : 0.0, k == 2 ? g->step : 0.0);
    for (int a = 0; a < mol->natom; ++a)
        fprintf(f, "%5d %12.6f %12.6f %12.6f %12.6f\n", mol->Z[a], (double)mol->Z[a],
                mol->xyz[3 * a], mol->xyz[3 * a + 1], mol->xyz[3 * a + 2]);
    fprintf(f, "%5d %5d\n", 1, mo + 1);
}

os_status os_cube_write(FILE *f, const os_molecule *mol, const os_basis *bs,
                        const os_scf_result *res, int spin, int mo, double spacing, double margin,
                        int nthreads, os_error *err)
{
    const double *C = spin ? res->C_b : res->C_a;
    if (!C || mo < 0 || mo >= res->nmo || mol->natom < 1 || !(spacing > 0))
        return os_fail(err, OS_ERR_INTERNAL, "%s: no orbital %d to write as a cube", mol->name,
                       mo + 1);
    cube_grid g = grid_around(mol, spacing, margin);
    size_t npt = (size_t)g.n[0] * g.n[1] * g.n[2];
    double *vals = malloc(sizeof(double) * npt);
    if (!vals) return OS_NOMEM(err, "cube grid");
    os_status st = evaluate(bs, C, res->nmo, mo, &g, nthreads, vals, err);
    if (st == OS_OK) {
        header(f, mol, res, spin, mo, &g);
        int nz = g.n[2];
        for (size_t row = 0; row < npt / (size_t)nz; ++row) {
            for (int iz = 0; iz < nz; ++iz)
                fprintf(f, " %12.5E%s", vals[row * nz + iz],
                        (iz % 6 == 5 || iz == nz - 1) ? "\n" : "");
        }
        st = os_report_stream_status(f, "cube file", err);
    }
    free(vals);
    return st;
}
