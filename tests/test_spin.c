/* <S^2> of UHF determinants (src/scf/spin.c) against Psi4 1.3.2's printed
 * "@S^2 Observed" for the same molecule, basis and settings
 * (tests/reference/reduction/psi4_s2_CASE.{in,txt}, tools/psi4_s2_refs.sh):
 *   test_spin GEOM BASIS PUREAM MULT CASE TOL [descent]
 * With "descent", the SCF minimizes the energy directly over orbital
 * rotations from its first orbitals (OS_SCF_SOLVER_DESCENT), not by DIIS.
 * The energy is checked too (1e-6 Eh), so that the determinant is Psi4's;
 * S(S+1) is checked exactly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "orbscreen.h"

/* The number after KEY in a reference text file. */
static double read_value(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    char line[512];
    double v = NAN;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ' ') v = atof(line + n + 1);
    if (f) fclose(f);
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: %s GEOM BASIS PUREAM MULT CASE TOL [descent]\n", argv[0]);
        return 2;
    }
    os_blas_set_threads(1);
    char path[512], ref[512];
    snprintf(path, sizeof path, "%s/%s", OS_REF_DIR, argv[1]);
    snprintf(ref, sizeof ref, "%s/reduction/psi4_s2_%s.txt", OS_REF_DIR, argv[5]);
    double tol = atof(argv[6]);
    os_molecule mol;
    os_basis bs;
    os_error err;
    if (os_molecule_read_xyz(path, &mol, &err) != OS_OK ||
        os_molecule_set_state(&mol, 0, atoi(argv[4]), &err) != OS_OK ||
        os_basis_load(&mol, argv[2], NULL, atoi(argv[3]) ? OS_SPHERICAL : OS_CARTESIAN, &bs,
                      &err) != OS_OK) {
        printf("FAIL %s\n", err.msg);
        return 1;
    }
    os_scf_options o;
    os_scf_options_default(&o);
    o.method = "hf";
    o.jk = "exact";
    o.e_conv = 1e-10;
    o.g_conv = 1e-8;
    o.nthreads = 2;
    if (argc > 7 && !strcmp(argv[7], "descent")) o.solver = OS_SCF_SOLVER_DESCENT;
    os_scf_result res;
    if (check_true("UHF converged", os_scf_run(&mol, &bs, &o, &res, &err) == OS_OK)) {
        printf("     %d cycles\n", res.iterations);
        double sz = 0.5 * (atoi(argv[4]) - 1);
        check_close("energy vs Psi4, Eh", res.energy, read_value(ref, "energy"), 1e-6);
        check_close("<S^2> vs Psi4's @S^2 Observed", res.s2, read_value(ref, "s2_observed"), tol);
        check_close("S(S+1)", res.s2_exact, sz * (sz + 1), 0.0);
        os_scf_result_free(&res);
    }
    os_basis_free(&bs);
    os_molecule_free(&mol);
    return check_finish();
}
