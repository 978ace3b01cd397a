/* Density fitting against orbscreen's own exact four-centre integrals, same
 * molecule, method, basis and grid: the fitting error itself.
 * usage: test_df_exact GEOM.xyz METHOD BASIS E_TOL_EH FRONTIER_TOL_EV
 * GEOM relative to tests/reference/; charge and multiplicity from its comment
 * line; default grid and fitting basis (Psi4's pairing).  Asserts
 * |E_df - E_exact| <= E_TOL and |HOMO_df - HOMO_exact|, |LUMO_df - LUMO_exact|
 * <= FRONTIER_TOL, and prints the differences (docs/benchmarks.md records
 * them for the paper's molecules). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "orbscreen.h"

static int run(const os_molecule *mol, const os_basis *bs, const char *method, const char *jk,
               os_scf_result *res)
{
    os_scf_options opt;
    os_scf_options_default(&opt);
    opt.method = method;
    opt.jk = jk;
    os_error err;
    os_status st = os_scf_run(mol, bs, &opt, res, &err);
    if (st != OS_OK) printf("%s SCF failed: %s\n", jk, err.msg);
    char what[64];
    snprintf(what, sizeof what, "%s SCF converged", jk);
    return check_true(what, st == OS_OK && res->converged);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s GEOM.xyz METHOD BASIS E_TOL_EH FRONTIER_TOL_EV\n", argv[0]);
        return 2;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", OS_REF_DIR, argv[1]);
    double etol = atof(argv[4]), ftol = atof(argv[5]);
    os_error err;
    os_molecule mol;
    os_basis bs;
    if (os_molecule_read_xyz(path, &mol, &err) != OS_OK ||
        os_basis_load(&mol, argv[3], NULL, OS_PURE_DEFAULT, &bs, &err) != OS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    os_scf_result ex, df;
    if (run(&mol, &bs, argv[2], "exact", &ex) && run(&mol, &bs, argv[2], "df", &df)) {
        printf("%s %s/%s, fitting basis %s: E_df - E_exact = %+.3e Eh, HOMO %+.3f meV, "
               "LUMO %+.3f meV\n",
               mol.name, argv[2], bs.name, df.aux, df.energy - ex.energy,
               (df.homo - ex.homo) * OS_HARTREE_EV * 1e3, (df.lumo - ex.lumo) * OS_HARTREE_EV * 1e3);
        check_close("DF total energy vs exact, Eh", df.energy, ex.energy, etol);
        check_close("DF HOMO vs exact, eV", df.homo * OS_HARTREE_EV, ex.homo * OS_HARTREE_EV, ftol);
        check_close("DF LUMO vs exact, eV", df.lumo * OS_HARTREE_EV, ex.lumo * OS_HARTREE_EV, ftol);
    }
    os_scf_result_free(&ex);
    os_scf_result_free(&df);
    os_basis_free(&bs);
    os_molecule_free(&mol);
    return check_finish();
}
