/* The SCF's stability analysis and physical checks (issue 9):
 *   - the lowest orbital-Hessian eigenvalue against Psi4 1.3.2's stability
 *     analysis (tests/reference/stability/, tools/psi4_stability_refs.sh):
 *     RHF->RHF for H2 20 A apart (STO-3G) and water (cc-pVDZ), UHF->UHF for
 *     OH (cc-pVDZ, an exact zero mode of the pi hole); Psi4 prints 6 decimals:
 *     2e-6 Eh;
 *   - H2 20 A apart: the SAD start converges to the H-/H+ saddle point
 *     (Psi4's own from its core guess, -0.185 Eh, 1e-8 Eh), which the aufbau
 *     check fails when the stability check is off; with it, the SCF follows
 *     the unstable mode down to the RHF ground state (Psi4 with the
 *     symmetric occupation forced, 1e-8 Eh);
 *   - the Hessian against energies alone: the central-difference curvature of
 *     the energy along the lowest mode is 4 lambda (restricted) or 2 lambda
 *     (unrestricted), to 1e-3 relative, for HF, B3LYP, PBE, TPSS (meta-GGA),
 *     wB97X (range-separated) and UKS B3LYP: the finite-difference XC kernel
 *     is the real one;
 *   - OH B3LYP (UKS): the pi-hole rotation is an exact symmetry, so the
 *     lowest eigenvalue is 0 up to the grid's anisotropy (2e-5 Eh);
 *   - density fitting (the default J/K): the same curvature check through
 *     the DF builder (HF, wB97X, UKS B3LYP);
 *   - with a solvent whose Fock term is the energy's derivative (the
 *     default) the check runs and the model keeps the converged solution;
 *     with NWChem's Fock term it is skipped, with its reason; the formate
 *     radical dianion's DIIS saddle point in a dielectric is left for a
 *     minimum by direct minimization;
 *   - checks: a charge set past the library's bounds fails the molecule (no
 *     crash); a basis whose integrals lost their digits is refused naming its
 *     self-overlap and the smallest overlap eigenvalue; a p function of
 *     exponent 1e-12 on a dianion fails the grid's electron count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "input/g94.h"
#include "orbscreen.h"

#define STAB_REF OS_REF_DIR "/stability/"

static double ref_value(const char *file, const char *key)
{
    char path[512], line[256], k[64];
    double v = NAN, x;
    snprintf(path, sizeof path, STAB_REF "%s.ref", file);
    FILE *f = fopen(path, "r");
    if (!f) return NAN;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%63s %lf", k, &x) == 2 && !strcmp(k, key)) v = x;
    fclose(f);
    return v;
}

static const char *h2_far = "2\ncharge=0 mult=1\nH 0 0 0\nH 0 0 20.0\n";

/* SCF of an XYZ text or file; returns the status, res filled. */
static os_status run_jk(const char *xyz, const char *path, const char *basis, const char *method,
                        const char *jk, int stability, int unrestricted, os_scf_result *res,
                        os_error *err)
{
    os_molecule mol;
    os_basis bs;
    os_status st = xyz ? os_molecule_parse_xyz(xyz, strlen(xyz), "h2far.xyz", &mol, err)
                       : os_molecule_read_xyz(path, &mol, err);
    if (st != OS_OK) return st;
    st = os_basis_load(&mol, basis, NULL, OS_PURE_DEFAULT, &bs, err);
    if (st == OS_OK) {
        os_scf_options o;
        os_scf_options_default(&o);
        o.method = method;
        o.stability = stability;
        o.unrestricted = unrestricted;
        o.jk = jk;
        st = os_scf_run(&mol, &bs, &o, res, err);
        os_basis_free(&bs);
    }
    os_molecule_free(&mol);
    return st;
}

/* Exact integrals: Psi4's stability analysis runs on exact (pk) integrals. */
static os_status run(const char *xyz, const char *path, const char *basis, const char *method,
                     int stability, int unrestricted, os_scf_result *res, os_error *err)
{
    return run_jk(xyz, path, basis, method, "exact", stability, unrestricted, res, err);
}

static void test_psi4(void)
{
    static const struct {
        const char *ref, *geom, *basis;
    } cases[] = {
        {"h2_20A_rhf_sto3g", NULL, "STO-3G"},
        {"water_rhf_ccpvdz", "water", "cc-pVDZ"},
        {"oh_uhf_ccpvdz", "oh", "cc-pVDZ"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        char path[512], what[128];
        snprintf(path, sizeof path, OS_REF_DIR "/geom/%s.xyz", cases[i].geom ? cases[i].geom : "");
        os_scf_result r;
        os_error err = {""};
        os_status st = run(cases[i].geom ? NULL : h2_far, path, cases[i].basis, "hf", 2, -1, &r, &err);
        snprintf(what, sizeof what, "%s: SCF", cases[i].ref);
        if (!check_true(what, st == OS_OK)) {
            printf("  %s\n", err.msg);
            continue;
        }
        snprintf(what, sizeof what, "%s: energy vs Psi4 (Eh)", cases[i].ref);
        check_close(what, r.energy, ref_value(cases[i].ref, "energy"), 1e-8);
        snprintf(what, sizeof what, "%s: lowest stability eigenvalue vs Psi4 (Eh)", cases[i].ref);
        check_close(what, r.stability_eig, ref_value(cases[i].ref, "stability"), 2e-6);
        os_scf_result_free(&r);
    }
}

static void test_saddle_followed(void)
{
    os_scf_result r;
    os_error err = {""};
    /* Without the stability check the cycles stop at the saddle point, as a bare SCF
     * (Psi4's too) does; it is not aufbau, and the aufbau check still fails it. */
    os_status st = run(h2_far, NULL, "STO-3G", "hf", 0, -1, &r, &err);
    check_true("H2 20 A, no stability check: failed as not aufbau",
               st == OS_ERR_NUMERIC && strstr(err.msg, "h2far.xyz: the converged state is not "
                                                       "aufbau"));
    check_close("H2 20 A, no check: the cycles stopped at the H-/H+ saddle point vs Psi4 (Eh)",
                r.energy, ref_value("h2_20A_rhf_sto3g_ionic", "energy"), 1e-8);
    os_scf_result_free(&r);
    st = run(h2_far, NULL, "STO-3G", "hf", 1, -1, &r, &err);
    if (check_true("H2 20 A, default: converges", st == OS_OK)) {
        check_close("H2 20 A: followed down to the RHF ground state vs Psi4 (Eh)", r.energy,
                    ref_value("h2_20A_rhf_sto3g", "energy"), 1e-8);
        check_true("H2 20 A: the result is a minimum", r.stability_eig > 0.5);
        /* Both electrons in sigma_g: HOMO sigma_g, LUMO sigma_u, 0.0265 Eh apart (Psi4:
         * -0.092508 and -0.066049). */
        check_close("H2 20 A: HOMO sigma_g vs Psi4 (Eh)", r.homo, -0.092508, 2e-6);
        check_close("H2 20 A: LUMO sigma_u vs Psi4 (Eh)", r.lumo, -0.066049, 2e-6);
        os_scf_result_free(&r);
    } else {
        printf("  %s\n", err.msg);
    }
}

static void test_curvature(void)
{
    static const struct {
        const char *geom, *method;
        int unrestricted;
        double factor;
        const char *jk;
    } cases[] = {
        {"water", "hf", -1, 4.0, "exact"},   {"water", "b3lyp", -1, 4.0, "exact"},
        {"water", "pbe", -1, 4.0, "exact"},  {"water", "tpss", -1, 4.0, "exact"},
        {"water", "wb97x", -1, 4.0, "exact"}, {"ch3", "b3lyp", -1, 2.0, "exact"},
        {"water", "b3lyp", 1, 2.0, "exact"},
        /* density fitting (the default J/K): the products through the DF builder */
        {"water", "hf", -1, 4.0, "df"},      {"water", "wb97x", -1, 4.0, "df"},
        {"ch3", "b3lyp", -1, 2.0, "df"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        char path[512], what[160];
        snprintf(path, sizeof path, OS_REF_DIR "/geom/%s.xyz", cases[i].geom);
        os_scf_result r;
        os_error err = {""};
        os_status st = run_jk(NULL, path, "6-31G*", cases[i].method, cases[i].jk, 2,
                              cases[i].unrestricted, &r, &err);
        snprintf(what, sizeof what, "%s %s%s/6-31G* (%s): energy curvature along the lowest "
                                    "mode / %.0f lambda",
                 cases[i].geom, cases[i].unrestricted == 1 ? "U" : "", cases[i].method,
                 cases[i].jk, cases[i].factor);
        if (!check_true(what, st == OS_OK)) {
            printf("  %s\n", err.msg);
            continue;
        }
        check_close(what, r.stability_curvature / (cases[i].factor * r.stability_eig), 1.0, 1e-3);
        os_scf_result_free(&r);
    }
    os_scf_result r;
    os_error err = {""};
    if (check_true("OH B3LYP/cc-pVDZ (UKS)",
                   run(NULL, OS_REF_DIR "/geom/oh.xyz", "cc-pVDZ", "b3lyp", 2, -1, &r, &err) ==
                       OS_OK)) {
        check_close("OH UKS: the pi-hole zero mode (Eh)", r.stability_eig, 0.0, 2e-5);
        os_scf_result_free(&r);
    } else {
        printf("  %s\n", err.msg);
    }
}

/* Default SCF options with one external term (a solvent). */
static os_scf_options with_term(const os_scf_potential *p, const char *method, int stability)
{
    os_scf_options o;
    os_scf_options_default(&o);
    o.method = method;
    o.potentials = p;
    o.npotentials = 1;
    o.stability = stability;
    return o;
}

/* With a solvent whose potential is the energy's derivative (the variational
 * Fock term) the check runs, and the model is left with the converged
 * solution, not the last trial density's; with NWChem's Fock term it is
 * skipped with its reason. */
static void test_solvent(void)
{
    os_molecule mol;
    os_basis bs;
    os_error err = {""};
    os_solvent *sv = NULL;
    if (!check_true("water for the solvent case",
                    os_molecule_read_xyz(OS_REF_DIR "/geom/water.xyz", &mol, &err) == OS_OK &&
                        os_basis_load(&mol, "6-31G*", NULL, OS_PURE_DEFAULT, &bs, &err) == OS_OK))
        return;
    os_solvent_options so;
    os_solvent_options_default(&so);
    so.nthreads = 1;
    if (check_true("solvent model", os_solvent_new(&mol, &bs, &so, &sv, &err) == OS_OK)) {
        os_scf_potential p = os_solvent_potential(sv);
        os_scf_options o = with_term(&p, "b3lyp", OS_STABILITY_ALWAYS);
        os_scf_result r;
        os_status st = os_scf_run(&mol, &bs, &o, &r, &err);
        if (check_true("water B3LYP/6-31G* in water: SCF", st == OS_OK)) {
            /* the variational Fock term is the energy's derivative: checked */
            printf("     lowest orbital Hessian eigenvalue in water %.4f Eh\n", r.stability_eig);
            check_true("solvent: checked, a minimum (lowest eigenvalue > 0.1 Eh)",
                       r.stability_eig > 0.1 && !r.stability_skipped[0]);
            check_close("solvent: after the check, the model's G_pol is the converged one (Eh)",
                        os_solvent_energy(sv), r.e_ext, 1e-12);
        } else {
            printf("  %s\n", err.msg);
        }
        os_scf_result_free(&r);
        os_solvent_free(sv);
    }
    /* NWChem's Fock term is not: not checked, and said so */
    so.fock = OS_SOLVENT_FOCK_NWCHEM;
    if (check_true("solvent model (NWChem's Fock term)",
                   os_solvent_new(&mol, &bs, &so, &sv, &err) == OS_OK)) {
        os_scf_potential p = os_solvent_potential(sv);
        os_scf_options o = with_term(&p, "b3lyp", OS_STABILITY_ALWAYS);
        os_scf_result r;
        if (check_true("water in water, NWChem's Fock term: SCF",
                       os_scf_run(&mol, &bs, &o, &r, &err) == OS_OK))
            check_true("NWChem's Fock term: stability not checked, with its reason",
                       isnan(r.stability_eig) && strstr(r.stability_skipped, "'solvent'"));
        os_scf_result_free(&r);
        os_solvent_free(sv);
    }
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* The formate radical dianion in a dielectric (UHF/6-31+G*, eps 7.2): DIIS
 * converges to a saddle point (lowest eigenvalue -2.3e-3 Eh), and when the
 * check follows it down, DIIS climbs back to it.  The cycles after a saddle
 * point minimize the energy directly: a minimum, below the saddle point. */
static void test_solvent_saddle(void)
{
    os_molecule mol;
    os_basis bs;
    os_error err = {""};
    os_solvent *sv = NULL;
    if (!check_true("formate dianion for the solvent saddle case",
                    os_molecule_read_xyz(OS_REF_DIR "/cosmo/geom/formate.xyz", &mol, &err) ==
                            OS_OK &&
                        os_molecule_set_state(&mol, -2, 2, &err) == OS_OK &&
                        os_basis_load(&mol, "6-31+G*", NULL, OS_PURE_DEFAULT, &bs, &err) == OS_OK))
        return;
    os_solvent_options so;
    os_solvent_options_default(&so);
    so.eps = 7.2;
    so.nthreads = 2;
    if (check_true("solvent model", os_solvent_new(&mol, &bs, &so, &sv, &err) == OS_OK)) {
        os_scf_potential p = os_solvent_potential(sv);
        os_scf_options o = with_term(&p, "hf", OS_STABILITY_OFF);
        o.jk = "exact";
        o.nthreads = 2;
        os_scf_result saddle, r;
        int ok = check_true("DIIS alone converges", os_scf_run(&mol, &bs, &o, &saddle, &err) == OS_OK);
        o.stability = OS_STABILITY_AUTO;
        ok &= check_true("with the check: converges", os_scf_run(&mol, &bs, &o, &r, &err) == OS_OK);
        if (ok) {
            printf("     E: DIIS %.10f, checked %.10f; lowest eigenvalue %.5f Eh\n", saddle.energy,
                   r.energy, r.stability_eig);
            check_true("the checked result is a minimum (lowest eigenvalue > 0)",
                       r.stability_eig > 0.0);
            check_true("... 1e-3 Eh or more below DIIS's saddle point",
                       r.energy < saddle.energy - 1e-3);
            check_close("the model's G_pol is the result's (Eh)", os_solvent_energy(sv), r.e_ext,
                        1e-12);
        } else {
            printf("  %s\n", err.msg);
        }
        os_scf_result_free(&saddle);
        os_scf_result_free(&r);
        os_solvent_free(sv);
    }
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_checks(void)
{
    /* A charge past the bounds, set behind the parser's back: refused, no crash. */
    os_molecule mol;
    os_basis bs;
    os_error err = {""};
    os_scf_options o;
    os_scf_options_default(&o);
    o.method = "hf";
    os_scf_result r;
    const char *h2 = "2\n\nH 0 0 0\nH 0 0 0.74\n";
    if (os_molecule_parse_xyz(h2, strlen(h2), "h2.xyz", &mol, &err) == OS_OK &&
        os_basis_load(&mol, "STO-3G", NULL, OS_PURE_DEFAULT, &bs, &err) == OS_OK) {
        mol.charge = -2147483647;
        mol.mult = 2;
        os_status st = os_scf_run(&mol, &bs, &o, &r, &err);
        check_true("charge -2147483647 set directly: input error naming the file",
                   st == OS_ERR_INPUT && strstr(err.msg, "h2.xyz: charge -2147483647 is outside"));
        os_scf_result_free(&r);
        /* Integrals that lost their digits (a +1/-1 pair of exponents 1e-7 apart, past
         * the basis loader's own check): refused before any SCF cycle. */
        os_shell *sh = (os_shell *)bs.shells;
        double a[2] = {1.0, 1.0 + 1e-7}, c[2] = {1.0, -1.0};
        os_basis_normalize(0, 2, a, c);
        sh[0].nprim = 2;
        sh[0].alpha = a;
        sh[0].coef = c;
        mol.charge = 0;
        mol.mult = 1;
        st = os_scf_run(&mol, &bs, &o, &r, &err);
        check_true("ill-conditioned integrals refused, naming the self-overlap and the "
                   "smallest overlap eigenvalue",
                   st == OS_ERR_NUMERIC && strstr(err.msg, "numerically ill-conditioned") &&
                       strstr(err.msg, "self-overlap") && strstr(err.msg, "smallest overlap"));
        if (st != OS_ERR_NUMERIC) printf("  %s\n", err.msg);
        os_scf_result_free(&r);
        os_basis_free(&bs);
        os_molecule_free(&mol);
    }

    /* A p function of exponent 1e-12 holds the dianion's last two electrons where
     * the grid cannot see them (issue 9: E = +0.715 Eh, exit 0). */
    char dir[] = "/tmp/os_test_stability_XXXXXX", path[256];
    if (!check_true("make temp dir", mkdtemp(dir) != NULL)) return;
    snprintf(path, sizeof path, "%s/sto-3g.gbs", dir);
    write_file(path, "spherical\nH 0\nS 3 1.00\n 3.42525091 0.15432897\n 0.62391373 0.53532814\n"
                     " 0.16885540 0.44463454\nP 1 1.00\n 1.0D-12 1.0\n****\n");
    const char *h2m = "2\ncharge=-2 mult=1\nH 0 0 0\nH 0 0 0.74\n";
    if (os_molecule_parse_xyz(h2m, strlen(h2m), "h2m2.xyz", &mol, &err) == OS_OK &&
        os_basis_load(&mol, "STO-3G", dir, OS_PURE_DEFAULT, &bs, &err) == OS_OK) {
        o.method = "b3lyp";
        o.grid = "coarse";
        os_status st = os_scf_run(&mol, &bs, &o, &r, &err);
        check_true("exponent 1e-12 on a dianion: the grid's electron count fails the molecule",
                   st == OS_ERR_NUMERIC && strstr(err.msg, "h2m2.xyz: the DFT grid (50,194) "
                                                           "integrates the density to"));
        if (st != OS_ERR_NUMERIC) printf("  %s\n", err.msg);
        os_scf_result_free(&r);
        os_basis_free(&bs);
        os_molecule_free(&mol);
    }
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_psi4();
    test_saddle_followed();
    test_curvature();
    test_solvent();
    test_solvent_saddle();
    test_checks();
    return check_finish();
}
