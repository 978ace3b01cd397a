/* Gaussian cube files (--cube): a live HF/cc-pVDZ SCF on water and on the
 * OH radical (UHF), the files written and read back by an independent
 * reader here.  Checked: the header (negative atom count for an orbital
 * cube, origin 4 bohr below the atoms, 0.2 bohr steps, the atoms in bohr,
 * the orbital's number), the value count, and that sum psi^2 dV over the
 * grid is 1: the orbital is normalized, so this tests the basis values,
 * the coefficients and the grid together.  Tolerance 2e-3 (valence
 * orbitals): what leaks beyond the margin and the quadrature error of a
 * 0.2-bohr grid. */
#include "check.h"
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int natom, n[3], mo;
    double origin[3], step[3][3];
    int Z[16];
    double xyz[16][3];
    long nval;
    double sum2; /* sum of squared values */
} cube;

static int read_cube(FILE *f, cube *c)
{
    char line[512];
    memset(c, 0, sizeof *c);
    if (!fgets(line, sizeof line, f) || !fgets(line, sizeof line, f)) return 0;
    if (fscanf(f, "%d %lf %lf %lf", &c->natom, &c->origin[0], &c->origin[1], &c->origin[2]) != 4)
        return 0;
    for (int k = 0; k < 3; ++k)
        if (fscanf(f, "%d %lf %lf %lf", &c->n[k], &c->step[k][0], &c->step[k][1], &c->step[k][2]) != 4)
            return 0;
    int na = abs(c->natom);
    if (na > 16) return 0;
    for (int a = 0; a < na; ++a) {
        double q;
        if (fscanf(f, "%d %lf %lf %lf %lf", &c->Z[a], &q, &c->xyz[a][0], &c->xyz[a][1],
                   &c->xyz[a][2]) != 5)
            return 0;
    }
    int nmo;
    if (c->natom < 0 && fscanf(f, "%d %d", &nmo, &c->mo) != 2) return 0;
    double v;
    while (fscanf(f, "%lf", &v) == 1) {
        c->sum2 += v * v;
        ++c->nval;
    }
    return 1;
}

/* margin: bohr beyond the atoms; tol < 0: no normalization check (a core
 * orbital's cusp is far narrower than the grid). */
static void check_cube(const char *tag, const os_molecule *mol, const os_basis *bs,
                       const os_scf_result *res, const char *spec, int want_spin, int want_mo,
                       double margin, double tol)
{
    char what[160];
    os_cube_orbital sel[OS_CUBE_MAX_ORBITALS];
    int nsel, spin, mo;
    char name[32];
    os_error err;
    check_true("cube: orbital list parses", os_cube_parse_spec(spec, sel, &nsel, &err) == OS_OK && nsel == 1);
    os_status st = os_cube_resolve(res, &sel[0], &spin, &mo, name, sizeof name, &err);
    snprintf(what, sizeof what, "%s %s: spin %d, orbital %d", tag, spec, want_spin, want_mo + 1);
    check_true(what, st == OS_OK && spin == want_spin && mo == want_mo);
    FILE *f = tmpfile();
    st = os_cube_write(f, mol, bs, res, spin, mo, 0.2, margin, 2, &err);
    snprintf(what, sizeof what, "%s %s: written", tag, spec);
    check_true(what, st == OS_OK);
    rewind(f);
    cube c;
    int ok = read_cube(f, &c);
    fclose(f);
    snprintf(what, sizeof what, "%s %s: header reads back", tag, spec);
    if (!check_true(what, ok)) return;
    check_close("cube: negative atom count (orbital values follow)", c.natom, -mol->natom, 0);
    check_close("cube: orbital number (1-based)", c.mo, mo + 1, 0);
    double lo[3] = {1e9, 1e9, 1e9}, hi[3] = {-1e9, -1e9, -1e9}, dev = 0;
    for (int a = 0; a < mol->natom; ++a)
        for (int k = 0; k < 3; ++k) {
            lo[k] = fmin(lo[k], mol->xyz[3 * a + k]);
            hi[k] = fmax(hi[k], mol->xyz[3 * a + k]);
            dev = fmax(dev, fabs(c.xyz[a][k] - mol->xyz[3 * a + k]));
        }
    check_close("cube: atoms in bohr (max deviation)", dev, 0, 1e-6);
    for (int k = 0; k < 3; ++k) {
        check_close("cube: origin = lowest atom - margin", c.origin[k], lo[k] - margin, 1e-6);
        check_close("cube: step 0.2 bohr along its axis", c.step[k][k], 0.2, 1e-12);
        check_true("cube: grid reaches the margin beyond the highest atom",
                   c.origin[k] + (c.n[k] - 1) * 0.2 >= hi[k] + margin - 1e-9);
    }
    check_close("cube: one value per grid point", (double)c.nval, (double)c.n[0] * c.n[1] * c.n[2], 0);
    if (tol < 0) return;
    snprintf(what, sizeof what, "%s %s (margin %.0f bohr): sum psi^2 dV = 1", tag, spec, margin);
    check_close(what, c.sum2 * 0.2 * 0.2 * 0.2, 1.0, tol);
}

static int run(const char *geom, int mult, os_molecule *mol, os_basis *bs, os_scf_result *res)
{
    os_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/geom/%s", OS_REF_DIR, geom);
    os_scf_options opt;
    os_scf_options_default(&opt);
    opt.method = "hf";
    opt.nthreads = 2;
    if (os_molecule_read_xyz(path, mol, &err) != OS_OK || os_molecule_set_state(mol, 0, mult, &err) != OS_OK ||
        os_basis_load(mol, "cc-pVDZ", NULL, OS_PURE_DEFAULT, bs, &err) != OS_OK ||
        os_scf_run(mol, bs, &opt, res, &err) != OS_OK) {
        printf("FAIL setup %s: %s\n", geom, err.msg);
        return 0;
    }
    return 1;
}

int main(void)
{
    os_blas_set_threads(1);
    os_molecule mol;
    os_basis bs;
    os_scf_result res;
    if (run("water.xyz", 1, &mol, &bs, &res)) {
        /* water: 5 doubly occupied orbitals, the HOMO is orbital 5 */
        check_cube("water", &mol, &bs, &res, "homo", 0, 4, 4.0, 2e-3);
        check_cube("water", &mol, &bs, &res, "homo-1", 0, 3, 4.0, 2e-3);
        /* The antibonding LUMO reaches further out than the 4-bohr default
         * keeps (98% inside): all of it inside 8 bohr. */
        check_cube("water", &mol, &bs, &res, "lumo", 0, 5, 4.0, 2e-2);
        check_cube("water", &mol, &bs, &res, "lumo", 0, 5, 8.0, 2e-3);
        check_cube("water", &mol, &bs, &res, "1", 0, 0, 4.0, -1);
        os_cube_orbital sel[OS_CUBE_MAX_ORBITALS];
        int n, spin, mo;
        char tag[32];
        os_error err;
        check_true("cube: orbital beyond the basis refused",
                   os_cube_parse_spec("lumo+500", sel, &n, &err) == OS_OK &&
                       os_cube_resolve(&res, &sel[0], &spin, &mo, tag, sizeof tag, &err) != OS_OK);
        check_true("cube: bad lists refused", os_cube_parse_spec("homo,", sel, &n, &err) != OS_OK &&
                                                  os_cube_parse_spec("homo+1", sel, &n, &err) != OS_OK &&
                                                  os_cube_parse_spec("0", sel, &n, &err) != OS_OK &&
                                                  os_cube_parse_spec("x", sel, &n, &err) != OS_OK);
        os_scf_result_free(&res);
        os_basis_free(&bs);
        os_molecule_free(&mol);
    }
    if (run("oh.xyz", 2, &mol, &bs, &res)) {
        /* OH: 5 alpha, 4 beta electrons.  Which spin holds the HOMO and the
         * LUMO is read from the orbital energies themselves. */
        int hs = res.eps_a[4] >= res.eps_b[3] ? 0 : 1, ls = res.eps_a[5] <= res.eps_b[4] ? 0 : 1;
        check_cube("OH (UHF)", &mol, &bs, &res, "homo", hs, hs ? 3 : 4, 4.0, 2e-3);
        check_cube("OH (UHF)", &mol, &bs, &res, "lumo", ls, ls ? 4 : 5, 4.0, 2e-3);
        os_scf_result_free(&res);
        os_basis_free(&bs);
        os_molecule_free(&mol);
    }
    return check_finish();
}
