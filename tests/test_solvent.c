/* The continuum solvent (src/solvent/) against NWChem 7.0.2's COSMO
 * (tests/reference/cosmo/: each <case>.ref with the <case>.nw that made it)
 * and against itself.
 *
 * usage: test_solvent MODE [ARGS]
 *   integrals               basis-surface integrals (kept and recomputed) vs
 *                           the point-charge matrices, Cartesian and spherical d
 *   surface CASE            NWChem's discretization: the surface points and
 *                           NWChem's printed COSMO energy from its own charges
 *   compare CASE TOL_EH TOL_KCAL [GRID]
 *                           the reference's radii, eps and f; NWChem's
 *                           discretization: dG_elec = E_sol - E_gas (and for
 *                           HF E_gas, E_sol) within TOL_EH; ours (SWIG, 110
 *                           Lebedev points): dG_elec within TOL_KCAL kcal/mol
 *   sphere                  F-: one sphere, the energy may not depend on the
 *                           number of surface points
 *   smooth                  the solvated energy under small displacements:
 *                           central differences over two steps agree
 *   fock                    F-: NWChem's Fock term gives its energy and
 *                           orbital energies; the variational term (ours by
 *                           default) a lower energy
 *   grad-fixed GEOM BASIS CAVITY FOCK TOL
 *                           the solvent's gradient callback at a fixed density
 *                           against central differences (eps 7.2, HF density)
 *   grad-scf GEOM METHOD BASIS GRID CAVITY TOL
 *                           the whole solvated SCF gradient against central
 *                           differences of the solvated energy (eps 7.2) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "integrals/integrals.h"
#include "orbscreen.h"
#include "solvent/solvent.h"

#define MAXATOM 64
#define MAXPT 8192

static const double NWCHEM_BOHR = 0.529177249; /* NWChem's Angstrom per bohr */

/* ------------------------------------------------------------ references */

typedef struct {
    char name[128], geometry[256], method[32], basis[32], screen[8], tessellation[16];
    int puream, charge, mult, minbem, nefc, nradii;
    double eps, f_eps, energy_gas, energy_sol, dg_elec, cosmo_energy, homo, lumo, s2;
    double radii[MAXATOM];
} cosmo_ref;

static int read_cosmo_ref(const char *name, cosmo_ref *r)
{
    char path[512];
    snprintf(path, sizeof path, "%s/cosmo/%s.ref", OS_REF_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 0;
    }
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char key[64];
        int off = 0;
        if (line[0] == '#' || sscanf(line, "%63s %n", key, &off) != 1) continue;
        char *v = line + off;
        if (!strcmp(key, "geometry")) sscanf(v, "%255s", r->geometry);
        else if (!strcmp(key, "method")) sscanf(v, "%31s", r->method);
        else if (!strcmp(key, "basis")) sscanf(v, "%31s", r->basis);
        else if (!strcmp(key, "screen")) sscanf(v, "%7s", r->screen);
        else if (!strcmp(key, "tessellation")) sscanf(v, "%15s", r->tessellation);
        else if (!strcmp(key, "puream")) r->puream = atoi(v);
        else if (!strcmp(key, "charge")) r->charge = atoi(v);
        else if (!strcmp(key, "mult")) r->mult = atoi(v);
        else if (!strcmp(key, "minbem")) r->minbem = atoi(v);
        else if (!strcmp(key, "nefc")) r->nefc = atoi(v);
        else if (!strcmp(key, "eps")) r->eps = atof(v);
        else if (!strcmp(key, "f_eps")) r->f_eps = atof(v);
        else if (!strcmp(key, "energy_gas")) r->energy_gas = atof(v);
        else if (!strcmp(key, "energy_sol")) r->energy_sol = atof(v);
        else if (!strcmp(key, "dg_elec")) r->dg_elec = atof(v);
        else if (!strcmp(key, "cosmo_energy")) r->cosmo_energy = atof(v);
        else if (!strcmp(key, "homo_alpha")) r->homo = atof(v);
        else if (!strcmp(key, "lumo_alpha")) r->lumo = atof(v);
        else if (!strcmp(key, "s2")) r->s2 = atof(v);
        else if (!strcmp(key, "radii_bohr"))
            for (char *t = strtok(v, " \t\r\n"); t && r->nradii < MAXATOM; t = strtok(NULL, " \t\r\n"))
                r->radii[r->nradii++] = atof(t);
    }
    fclose(f);
    return r->geometry[0] && r->method[0] && r->energy_sol != 0.0 && r->nradii > 0;
}

/* The reference's molecule and basis. */
static int load_case(const cosmo_ref *r, os_molecule *mol, os_basis *bs)
{
    char geom[512];
    os_error err;
    snprintf(geom, sizeof geom, "%s/%s", OS_REF_DIR, r->geometry);
    if (os_molecule_read_xyz(geom, mol, &err) != OS_OK ||
        os_molecule_set_state(mol, r->charge, r->mult, &err) != OS_OK ||
        os_basis_load(mol, r->basis, NULL, r->puream, bs, &err) != OS_OK) {
        printf("FAIL %s: %s\n", r->name, err.msg);
        return 0;
    }
    if (mol->natom != r->nradii) {
        printf("FAIL %s: %d atoms but %d radii\n", r->name, mol->natom, r->nradii);
        return 0;
    }
    return 1;
}

/* Reference, molecule and basis of a case; a failed check when missing. */
static int open_case(const char *name, cosmo_ref *r, os_molecule *mol, os_basis *bs)
{
    return check_true("reference loaded", read_cosmo_ref(name, r) && load_case(r, mol, bs));
}

/* The reference's solvent model: its radii, eps and f; NWChem's
 * discretization when `nwchem`, else ours (SWIG, default points). */
static void ref_options(const cosmo_ref *r, int nwchem, os_solvent_options *o)
{
    os_solvent_options_default(o);
    o->eps = r->eps;
    o->scaling = !strcmp(r->screen, "ks") ? OS_SOLVENT_COSMO : OS_SOLVENT_CPCM;
    o->radii_bohr = r->radii;
    o->fock = OS_SOLVENT_FOCK_NWCHEM; /* NWChem's SCF, to compare with its numbers */
    o->nthreads = 2;
    if (nwchem) {
        o->cavity = OS_CAVITY_NWCHEM;
        o->npoints = r->minbem;
        o->icosahedron = !strcmp(r->tessellation, "icosahedron");
    }
}

/* ------------------------------------------------------------------ SCF */

typedef struct {
    const char *method, *grid;
    double e_conv;
    const os_scf_result *guess;
} scf_setup;

/* The SCF options of a setup (exact integrals, tight convergence). */
static void scf_options_of(const scf_setup *su, os_scf_options *o)
{
    os_scf_options_default(o);
    o->method = su->method;
    o->grid = su->grid;
    o->nthreads = 2;
    o->e_conv = su->e_conv > 0 ? su->e_conv : 1e-10;
    o->g_conv = 1e-7;
    o->max_iter = 200;
    o->jk = "exact"; /* NWChem's and Psi4's references use exact integrals */
    if (su->guess) {
        o->guess = OS_GUESS_ORBITALS;
        o->guess_orbitals = su->guess;
    }
}

/* SCF of mol in the gas phase (s NULL) or with the solvent s. */
static int run_scf(const os_molecule *mol, const os_basis *bs, const scf_setup *su, os_solvent *s,
                   os_scf_result *res)
{
    os_scf_options o;
    scf_options_of(su, &o);
    os_scf_potential p;
    if (s) {
        p = os_solvent_potential(s);
        o.potentials = &p;
        o.npotentials = 1;
    }
    os_error err;
    os_status st = os_scf_run(mol, bs, &o, res, &err);
    if (st != OS_OK) printf("SCF failed: %s\n", err.msg);
    return check_true(s ? "solvated SCF converged" : "gas-phase SCF converged",
                      st == OS_OK && res->converged);
}

/* ---------------------------------------------------------------- modes */

/* The basis-surface integrals, kept in memory and recomputed: the potential
 * phi_c = sum_ab P_ab M^(c)_ab (M^(c): a unit charge at c) and the matrix of
 * charges sum_c q_c M^(c), against onebody.c's point-charge matrices. */
static void integrals_case(const char *xyz_name, int pure)
{
    char path[512];
    snprintf(path, sizeof path, "%s/geom/%s", OS_REF_DIR, xyz_name);
    os_molecule mol;
    os_basis bs;
    os_error err;
    if (!check_true("molecule and basis", os_molecule_read_xyz(path, &mol, &err) == OS_OK &&
                                              os_basis_load(&mol, "6-31+G*", NULL, pure, &bs,
                                                            &err) == OS_OK))
        return;
    enum { NPT = 7 };
    int n = bs.nbf;
    double *P = malloc(sizeof(double) * n * n), *M = malloc(sizeof(double) * n * n);
    double *Mq = malloc(sizeof(double) * n * n), *Mwant = malloc(sizeof(double) * n * n);
    double pts[3 * NPT], q[NPT], want[NPT];
    srand(7);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j)
            P[i * n + j] = P[j * n + i] = (double)rand() / RAND_MAX - 0.5;
    for (int c = 0; c < NPT; ++c) {
        q[c] = 0.3 * c - 1.0;
        for (int x = 0; x < 3; ++x)
            pts[3 * c + x] = mol.xyz[x] + (c == 0 ? 0.0 : 0.9 * c * (x == c % 3 ? 1.0 : -0.3));
    }
    double one = 1.0;
    for (int c = 0; c < NPT; ++c) {
        os_int1e_potential(&bs, 1, &one, pts + 3 * c, 1, M, &err);
        want[c] = 0.0;
        for (int k = 0; k < n * n; ++k) want[c] += P[k] * M[k];
    }
    os_int1e_potential(&bs, NPT, q, pts, 1, Mwant, &err);
    for (int stored = 1; stored >= 0; --stored) {
        os_point_ints *pi;
        double phi[NPT];
        char what[160];
        if (!check_true("surface integrals", os_point_ints_new(&bs, NPT, pts, stored ? 1 << 30 : 0,
                                                               2, &pi, &err) == OS_OK))
            continue;
        check_true(stored ? "integrals kept" : "integrals recomputed",
                   (os_point_ints_bytes(pi) > 0) == stored);
        os_point_ints_density_potential(pi, P, phi, &err);
        os_point_ints_charges_matrix(pi, q, Mq, &err);
        double wp = 0.0, wm = 0.0;
        for (int c = 0; c < NPT; ++c) wp = fmax(wp, fabs(phi[c] - want[c]));
        for (int k = 0; k < n * n; ++k) wm = fmax(wm, fabs(Mq[k] - Mwant[k]));
        snprintf(what, sizeof what, "%s %s %s: max |phi - tr(P M_c)|, Eh/e", xyz_name,
                 pure ? "spherical" : "Cartesian", stored ? "kept" : "recomputed");
        check_close(what, wp, 0.0, 1e-11);
        snprintf(what, sizeof what, "%s %s %s: max |M(q) - onebody's|, Eh", xyz_name,
                 pure ? "spherical" : "Cartesian", stored ? "kept" : "recomputed");
        check_close(what, wm, 0.0, 1e-11);
        os_point_ints_free(pi);
    }
    free(P);
    free(M);
    free(Mq);
    free(Mwant);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* NWChem's points (its .cosmo.xyz, Angstrom with its own bohr) against ours,
 * and its COSMO energy sum q V_nuc + q A q / (2 f) from its charges. */
static void surface_case(const char *name)
{
    cosmo_ref r;
    os_molecule mol;
    os_basis bs;
    if (!open_case(name, &r, &mol, &bs)) return;
    char path[512];
    snprintf(path, sizeof path, "%s/cosmo/%s.cosmo.xyz", OS_REF_DIR, name);
    FILE *f = fopen(path, "r");
    int n = 0;
    static double xyz[3 * MAXPT], q[MAXPT];
    char line[512];
    if (f && fgets(line, sizeof line, f) && fgets(line, sizeof line, f))
        while (n < MAXPT && fgets(line, sizeof line, f) &&
               sscanf(line, " Bq %lf %lf %lf %lf", &xyz[3 * n], &xyz[3 * n + 1], &xyz[3 * n + 2],
                      &q[n]) == 4) {
            for (int x = 0; x < 3; ++x) xyz[3 * n + x] /= NWCHEM_BOHR;
            q[n] = -q[n]; /* the file holds minus the surface charge */
            ++n;
        }
    if (f) fclose(f);
    os_solvent_options o;
    ref_options(&r, 1, &o);
    os_solvent *s;
    os_error err;
    if (!check_true("solvent model built", os_solvent_new(&mol, &bs, &o, &s, &err) == OS_OK)) {
        printf("  %s\n", err.msg);
        return;
    }
    const os_cavity *cav = os_solvent_cavity(s);
    check_close("surface points (NWChem nefc)", cav->n, r.nefc, 0);
    check_close("surface points (NWChem dump)", cav->n, n, 0);
    /* each of NWChem's points is one of ours; map them */
    static int map[MAXPT];
    double worst = 0.0;
    for (int k = 0; k < n; ++k) {
        double best = 1e30;
        for (int i = 0; i < cav->n; ++i) {
            double d = 0;
            for (int x = 0; x < 3; ++x) d += pow(cav->xyz[3 * i + x] - xyz[3 * k + x], 2);
            if (d < best) best = d, map[k] = i;
        }
        worst = fmax(worst, sqrt(best));
    }
    check_close("max distance to NWChem's point, bohr", worst, 0.0, 1e-9);
    double qsum = 0.0;
    for (int k = 0; k < n; ++k) qsum += q[k];
    check_close("NWChem's sum q = -f Q", qsum, -r.f_eps * r.charge, 1e-9);
    if (r.charge == 0) {
        /* E_COSMO = sum q V_nuc + q A q / (2 f): ours from our A and its q. */
        double e = 0.0;
        for (int k = 0; k < n; ++k) {
            const double *sk = cav->xyz + 3 * map[k];
            for (int A = 0; A < mol.natom; ++A) {
                double d2 = 0;
                for (int x = 0; x < 3; ++x) d2 += pow(sk[x] - mol.xyz[3 * A + x], 2);
                e += q[k] * mol.Z[A] / sqrt(d2);
            }
            for (int l = 0; l < n; ++l) {
                int i = map[k], j = map[l];
                double Aij;
                if (i == j) {
                    Aij = cav->self_factor * cav->zeta[i] * 0.79788456080286535588 /* sqrt(2/pi) */ / cav->F[i];
                } else {
                    double d2 = 0;
                    for (int x = 0; x < 3; ++x) d2 += pow(cav->xyz[3 * i + x] - cav->xyz[3 * j + x], 2);
                    double zi = cav->zeta[i], zj = cav->zeta[j], zij = zi * zj / sqrt(zi * zi + zj * zj);
                    Aij = erf(zij * sqrt(d2)) / sqrt(d2);
                }
                e += q[k] * Aij * q[l] / (2.0 * r.f_eps);
            }
        }
        check_close("NWChem's COSMO energy from its charges, Eh", e, r.cosmo_energy, 1e-9);
    }
    os_solvent_free(s);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* One gas-phase SCF, then the solvated SCF in NWChem's discretization (its
 * radii, eps, f and tessellation: dG_elec within tol_eh, and for HF E_sol
 * too) and in ours (SWIG, the default points: dG_elec within tol_kcal). */
static void compare_case(const char *name, double tol_eh, double tol_kcal, const char *grid)
{
    cosmo_ref r;
    os_molecule mol;
    os_basis bs;
    if (!open_case(name, &r, &mol, &bs)) return;
    os_scf_result gas;
    scf_setup su = {.method = r.method, .grid = grid};
    if (!run_scf(&mol, &bs, &su, NULL, &gas)) return;
    if (!strcmp(r.method, "hf")) check_close("E_gas vs NWChem, Eh", gas.energy, r.energy_gas, tol_eh);
    su.guess = &gas;
    for (int nwchem = 1; nwchem >= 0; --nwchem) {
        os_solvent_options o;
        ref_options(&r, nwchem, &o);
        os_solvent *s;
        os_error err;
        if (!check_true("solvent model built", os_solvent_new(&mol, &bs, &o, &s, &err) == OS_OK)) {
            printf("  %s\n", err.msg);
            continue;
        }
        os_scf_result sol;
        if (run_scf(&mol, &bs, &su, s, &sol)) {
            double dg = sol.energy - gas.energy;
            printf("     %s\n     E_sol %.10f  G_pol %.10f  dG_elec %.6f kcal/mol (NWChem %.6f), "
                   "%d iterations\n",
                   os_solvent_describe(s), sol.energy, sol.e_ext, dg * OS_HARTREE_KCAL,
                   r.dg_elec * OS_HARTREE_KCAL, sol.iterations);
            if (nwchem) {
                check_close("NWChem's discretization: dG_elec, Eh", dg, r.dg_elec, tol_eh);
                if (!strcmp(r.method, "hf"))
                    check_close("NWChem's discretization: E_sol, Eh", sol.energy, r.energy_sol, tol_eh);
            } else {
                check_close("SWIG: dG_elec vs NWChem's, kcal/mol", dg * OS_HARTREE_KCAL,
                            r.dg_elec * OS_HARTREE_KCAL, tol_kcal);
            }
            os_scf_result_free(&sol);
        }
        os_solvent_free(s);
    }
    os_scf_result_free(&gas);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* F-: one sphere, a spherical ion: the constraint fixes the total charge
 * and the potential on the sphere is constant, so G_pol = -f Q v / 2 cannot
 * depend on the number of points. */
static void sphere_case(void)
{
    cosmo_ref r;
    os_molecule mol;
    os_basis bs;
    if (!open_case("fluoride_hf_631pgs_eps78", &r, &mol, &bs)) return;
    static const int npts[] = {50, 110, 302};
    double e[3];
    for (int k = 0; k < 3; ++k) {
        os_solvent_options o;
        ref_options(&r, 0, &o);
        o.npoints = npts[k];
        os_solvent *s;
        os_error err;
        e[k] = NAN;
        if (os_solvent_new(&mol, &bs, &o, &s, &err) != OS_OK) continue;
        os_scf_result res;
        scf_setup su = {.method = "hf"};
        if (run_scf(&mol, &bs, &su, s, &res)) {
            e[k] = res.energy;
            printf("     %d points: E_sol %.12f\n", npts[k], e[k]);
            os_scf_result_free(&res);
        }
        os_solvent_free(s);
    }
    check_close("F-: E_sol(110) - E_sol(50), Eh", e[1] - e[0], 0.0, 1e-9);
    check_close("F-: E_sol(302) - E_sol(110), Eh", e[2] - e[1], 0.0, 1e-9);
    check_close("F-: E_sol(110) vs NWChem (any tessellation), Eh", e[1], r.energy_sol, 1e-8);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* E_sol of water (HF/6-31G*, SWIG) with H1 moved by d along y (the O-H
 * bond, in the molecular plane). */
static double displaced_energy(const cosmo_ref *r, os_molecule *mol, double d,
                               const os_scf_result *guess)
{
    double x0 = mol->xyz[4];
    mol->xyz[4] = x0 + d;
    os_basis bs;
    os_error err;
    double e = NAN;
    if (os_basis_load(mol, r->basis, NULL, r->puream, &bs, &err) == OS_OK) {
        os_solvent_options o;
        ref_options(r, 0, &o);
        os_solvent *s;
        if (os_solvent_new(mol, &bs, &o, &s, &err) == OS_OK) {
            os_scf_result res;
            scf_setup su = {.method = "hf", .e_conv = 1e-12, .guess = guess};
            if (run_scf(mol, &bs, &su, s, &res)) {
                e = res.energy;
                os_scf_result_free(&res);
            }
            os_solvent_free(s);
        }
        os_basis_free(&bs);
    }
    mol->xyz[4] = x0;
    return e;
}

/* The energy is smooth where surface elements switch on and off: central
 * differences D(h) with steps h, 2h, 4h differ by the O(h^2) truncation
 * error, D(2h) - D(4h) = 4 (D(h) - D(2h)) (a jump or kink in E would break
 * that scaling), and the Richardson-extrapolated derivatives agree. */
static void smooth_case(void)
{
    cosmo_ref r;
    os_molecule mol;
    os_basis bs;
    if (!open_case("water_hf_631gs_eps78", &r, &mol, &bs)) return;
    os_scf_result g;
    scf_setup su = {.method = "hf"};
    if (!run_scf(&mol, &bs, &su, NULL, &g)) return;
    const double h = 1e-3;
    double d[3];
    for (int k = 0; k < 3; ++k) {
        double step = h * (1 << k);
        d[k] = (displaced_energy(&r, &mol, step, &g) - displaced_energy(&r, &mol, -step, &g)) /
               (2 * step);
        printf("     dE/dy(H1), step %g bohr: %.10f Eh/bohr\n", step, d[k]);
    }
    check_close("(D(2h) - D(4h)) / (D(h) - D(2h))", (d[1] - d[2]) / (d[0] - d[1]), 4.0, 0.5);
    check_close("Richardson: D(h) + (D(h)-D(2h))/3 vs from 2h, Eh/bohr",
                d[0] + (d[0] - d[1]) / 3, d[1] + (d[1] - d[2]) / 3, 1e-7);
    os_scf_result_free(&g);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* The Fock term: the potential of q (default, NWChem's SCF) reproduces
 * NWChem's energy and orbital energies on an anion; the variational term
 * dG_pol/dP (cpcm.c) must reach an energy at or below it (it minimizes the
 * same energy expression), and how far below is printed (docs/solvent.md). */
static void fock_case(void)
{
    cosmo_ref r;
    os_molecule mol;
    os_basis bs;
    if (!open_case("fluoride_hf_631pgs_eps78", &r, &mol, &bs)) return;
    double e[2], homo[2], lumo[2];
    for (int k = 0; k < 2; ++k) {
        os_solvent_options o;
        ref_options(&r, 1, &o);
        os_solvent *s;
        os_error err;
        e[k] = homo[k] = lumo[k] = NAN;
        if (k == 1) o.fock = OS_SOLVENT_FOCK_VARIATIONAL;
        if (os_solvent_new(&mol, &bs, &o, &s, &err) != OS_OK) continue;
        os_scf_result res;
        scf_setup su = {.method = "hf"};
        if (run_scf(&mol, &bs, &su, s, &res)) {
            e[k] = res.energy;
            homo[k] = res.homo;
            lumo[k] = res.lumo;
            const os_cpcm_solution *sol = os_solvent_solution(s);
            printf("     %s Fock term: E_sol %.12f, HOMO %.6f LUMO %.6f eV, lambda %.3e, "
                   "sum q %.12f, f/(2T) %.3f eV\n",
                   k ? "variational" : "default (NWChem's)", e[k], homo[k] * OS_HARTREE_EV,
                   lumo[k] * OS_HARTREE_EV, sol->lambda, sol->q_sum,
                   os_cpcm_f(o.scaling, o.eps) / (2.0 * os_solvent_cpcm_tsum(s)) * OS_HARTREE_EV);
            os_scf_result_free(&res);
        }
        os_solvent_free(s);
    }
    check_close("F-: E_sol vs NWChem, Eh", e[0], r.energy_sol, 1e-8);
    check_close("F-: HOMO vs NWChem, eV", homo[0] * OS_HARTREE_EV, r.homo * OS_HARTREE_EV, 1e-4);
    check_close("F-: LUMO vs NWChem, eV", lumo[0] * OS_HARTREE_EV, r.lumo * OS_HARTREE_EV, 1e-4);
    check_true("F-: variational E_sol <= E_sol at NWChem's fixed point", e[1] <= e[0]);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* ------------------------------------------------------------ gradients */

/* A molecule from tests/reference/GEOM with its comment line's charge and
 * multiplicity, and its basis. */
static int load_geometry(const char *geom, const char *basis, os_molecule *mol, os_basis *bs)
{
    char path[512];
    os_error err;
    snprintf(path, sizeof path, "%s/%s", OS_REF_DIR, geom);
    if (os_molecule_read_xyz(path, mol, &err) != OS_OK ||
        os_molecule_set_state(mol, mol->charge, mol->mult, &err) != OS_OK ||
        os_basis_load(mol, basis, NULL, OS_PURE_DEFAULT, bs, &err) != OS_OK) {
        printf("FAIL %s: %s\n", geom, err.msg);
        return 0;
    }
    return 1;
}

/* Our default model (SWIG, Bondi x 1.2) with the given surface, Fock term, eps. */
static void model_options(const char *cavity, int fock, double eps, os_solvent_options *o)
{
    os_solvent_options_default(o);
    o->eps = eps;
    o->fock = fock;
    o->nthreads = 2;
    if (!strcmp(cavity, "nwchem")) {
        o->cavity = OS_CAVITY_NWCHEM;
        o->npoints = 2;
    }
}

/* G_pol of the fixed AO density P with the molecule at its current geometry. */
static double fixed_density_energy(const os_molecule *mol, const char *basis,
                                   const os_solvent_options *o, const double *P)
{
    os_basis bs;
    os_solvent *s;
    os_error err;
    double e = NAN;
    if (os_basis_load(mol, basis, NULL, OS_PURE_DEFAULT, &bs, &err) != OS_OK) return e;
    double *V = calloc((size_t)bs.nbf * bs.nbf, sizeof(double));
    if (V && os_solvent_new(mol, &bs, o, &s, &err) == OS_OK) {
        os_scf_potential p = os_solvent_potential(s);
        if (p.build(p.ctx, P, V, &e, &err) != OS_OK) e = NAN;
        os_solvent_free(s);
    }
    free(V);
    os_basis_free(&bs);
    return e;
}

/* The solvent's gradient callback at a fixed density P (the solvated SCF's)
 * against central differences of G_pol(X; P) with P held fixed: every
 * geometric term (potential, A with the switching functions, points moving
 * with their atoms).  The callback also carries c tr(P dS/dX), the change of
 * Q = sum Z - tr(P S) in G_pol; with Q fixed at the molecule's charge, as
 * here, the differences lack it, so it is taken off first. */
static void grad_fixed_case(const char *geom, const char *basis, const char *cavity,
                            const char *fock, double tol)
{
    os_molecule mol;
    os_basis bs;
    if (!load_geometry(geom, basis, &mol, &bs)) return;
    os_solvent_options o;
    model_options(cavity, strcmp(fock, "nwchem") ? OS_SOLVENT_FOCK_VARIATIONAL
                                                 : OS_SOLVENT_FOCK_NWCHEM, 7.2, &o);
    os_solvent *s;
    os_error err;
    os_scf_result res;
    int n = bs.nbf, na3 = 3 * mol.natom;
    double *P = calloc((size_t)n * n, sizeof(double)), *D = calloc((size_t)n * n, sizeof(double));
    double *g = calloc(na3, sizeof(double)), *gS = calloc(na3, sizeof(double));
    scf_setup su = {.method = "hf"};
    if (!check_true("solvent model built", os_solvent_new(&mol, &bs, &o, &s, &err) == OS_OK) ||
        !run_scf(&mol, &bs, &su, s, &res))
        return;
    for (int sp = 0; sp < 2; ++sp) {
        os_scf_density(&res, sp, D, &err);
        for (int k = 0; k < n * n; ++k) P[k] += D[k];
    }
    os_scf_potential p = os_solvent_potential(s);
    check_true("gradient callback", p.gradient(p.ctx, P, g, &err) == OS_OK);
    double c = os_solvent_solution(s)->fock_overlap;
    for (int k = 0; k < n * n; ++k) D[k] = c * P[k];
    os_int1e_overlap_grad(&bs, 2, D, gS, &err);
    printf("     %s: %d elements, Q-term coefficient c = %.3e Eh\n", os_solvent_describe(s),
           os_solvent_npoints(s), c);
    const double h = 1e-4;
    double worst = 0.0, sum[3] = {0, 0, 0};
    for (int i = 0; i < na3; ++i) {
        double x0 = mol.xyz[i];
        mol.xyz[i] = x0 + h;
        double ep = fixed_density_energy(&mol, basis, &o, P);
        mol.xyz[i] = x0 - h;
        double em = fixed_density_energy(&mol, basis, &o, P);
        mol.xyz[i] = x0;
        double fd = (ep - em) / (2 * h), an = g[i] - gS[i];
        printf("     atom %d %c: analytic % .10f  differences % .10f  (c tr(P dS) % .3e)\n",
               i / 3 + 1, "xyz"[i % 3], an, fd, gS[i]);
        worst = fmax(worst, fabs(an - fd));
        sum[i % 3] += g[i];
    }
    char what[200];
    snprintf(what, sizeof what, "%s %s %s Fock: max |dG_pol/dX - differences| at fixed P, Eh/bohr",
             geom, cavity, fock);
    check_close(what, worst, 0.0, tol);
    check_close("sum over atoms of dG_pol/dX (translation), Eh/bohr",
                fabs(sum[0]) + fabs(sum[1]) + fabs(sum[2]), 0.0, 1e-9);
    free(P);
    free(D);
    free(g);
    free(gS);
    os_scf_result_free(&res);
    os_solvent_free(s);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

typedef struct {
    const char *basis, *cavity;
    os_scf_options scf;
    os_solvent_options so;
} solvated_setup;

/* The solvated SCF energy at the molecule's current geometry (from guess). */
static double solvated_energy(const os_molecule *mol, const solvated_setup *su,
                              const os_scf_result *guess)
{
    os_basis bs;
    os_solvent *s;
    os_error err;
    double e = NAN;
    if (os_basis_load(mol, su->basis, NULL, OS_PURE_DEFAULT, &bs, &err) != OS_OK) return e;
    if (os_solvent_new(mol, &bs, &su->so, &s, &err) == OS_OK) {
        os_scf_options o = su->scf;
        os_scf_potential p = os_solvent_potential(s);
        o.potentials = &p;
        o.npotentials = 1;
        o.guess = OS_GUESS_ORBITALS;
        o.guess_orbitals = guess;
        os_scf_result r;
        if (os_scf_run(mol, &bs, &o, &r, &err) == OS_OK) e = r.energy;
        else printf("     SCF: %s\n", err.msg);
        os_scf_result_free(&r);
        os_solvent_free(s);
    }
    os_basis_free(&bs);
    return e;
}

/* The whole SCF gradient in solvent (os_scf_gradient with the solvent's
 * callback) against central differences of the solvated SCF energy
 * (Richardson-extrapolated). */
static void grad_scf_case(const char *geom, const char *method, const char *basis,
                          const char *grid, const char *cavity, double tol)
{
    os_molecule mol;
    os_basis bs;
    if (!load_geometry(geom, basis, &mol, &bs)) return;
    solvated_setup su = {.basis = basis, .cavity = cavity};
    os_scf_options_default(&su.scf);
    su.scf.method = method;
    su.scf.grid = strcmp(grid, "-") ? grid : NULL;
    su.scf.e_conv = 1e-11;
    su.scf.g_conv = 1e-9;
    su.scf.max_iter = 200;
    su.scf.nthreads = 2;
    su.scf.jk = "exact"; /* the gradient differentiates exact integrals (no DF gradient yet) */
    model_options(cavity, OS_SOLVENT_FOCK_VARIATIONAL, 7.2, &su.so);
    os_solvent *s;
    os_error err;
    os_scf_result res;
    int na3 = 3 * mol.natom;
    double *g = calloc(na3, sizeof(double));
    if (!check_true("solvent model built", os_solvent_new(&mol, &bs, &su.so, &s, &err) == OS_OK))
        return;
    os_scf_options o = su.scf;
    os_scf_potential p = os_solvent_potential(s);
    o.potentials = &p;
    o.npotentials = 1;
    if (!check_true("solvated SCF", os_scf_run(&mol, &bs, &o, &res, &err) == OS_OK) ||
        !check_true("gradient", os_scf_gradient(&mol, &bs, &o, &res, g, &err) == OS_OK)) {
        printf("     %s\n", err.msg);
        return;
    }
    printf("     %s %s/%s, %s: E = %.10f\n", geom, method, basis, os_solvent_describe(s),
           res.energy);
    /* Richardson-extrapolated central differences (steps h and 2h): the
     * O(h^2) truncation error (~1e-7 Eh/bohr at h = 1e-3) is removed. */
    const double h = 1e-3;
    double worst = 0.0;
    for (int i = 0; i < na3; ++i) {
        double x0 = mol.xyz[i], d[2];
        for (int k = 0; k < 2; ++k) {
            double step = h * (1 + k);
            mol.xyz[i] = x0 + step;
            double ep = solvated_energy(&mol, &su, &res);
            mol.xyz[i] = x0 - step;
            double em = solvated_energy(&mol, &su, &res);
            d[k] = (ep - em) / (2 * step);
        }
        mol.xyz[i] = x0;
        double fd = (4 * d[0] - d[1]) / 3;
        printf("     atom %d %c: analytic % .10f  differences % .10f\n", i / 3 + 1, "xyz"[i % 3],
               g[i], fd);
        worst = fmax(worst, fabs(g[i] - fd));
    }
    char what[200];
    snprintf(what, sizeof what, "%s %s %s: max |dE/dX - differences|, Eh/bohr", geom, method,
             cavity);
    check_close(what, worst, 0.0, tol);
    free(g);
    os_scf_result_free(&res);
    os_solvent_free(s);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* ------------------------------------------------------ Delta-SCF redox */

/* E(N+1) - E(N) in eV -> the reduction potential vs Li/Li+ (V). */
static double reduction_potential(double e_n, double e_red)
{
    return -(e_red - e_n) * OS_HARTREE_EV - OS_LI_ABS_POTENTIAL_V;
}

/* Vertical reduction in solvent (os_redox_vertical) against NWChem's COSMO
 * pair PARENT -> ION (UKS for the ion; same geometry, radii, eps, f):
 * NWChem's discretization and Fock term within tol_nw (V), and our default
 * model (SWIG, variational Fock term, the same radii) within tol_default. */
static void redox_case(const char *parent, const char *ion_case, const char *grid,
                       double tol_nw, double tol_default, int solver)
{
    cosmo_ref r, ri;
    os_molecule mol;
    os_basis bs;
    if (!open_case(parent, &r, &mol, &bs) ||
        !check_true("ion reference loaded", read_cosmo_ref(ion_case, &ri)))
        return;
    double want = reduction_potential(r.energy_sol, ri.energy_sol);
    printf("     NWChem: E_sol(N) %.10f  E_sol(N+1) %.10f  E_red %.4f V vs Li/Li+\n",
           r.energy_sol, ri.energy_sol, want);
    os_scf_result gas;
    scf_setup su = {.method = r.method, .grid = grid};
    if (!run_scf(&mol, &bs, &su, NULL, &gas)) return;
    su.guess = &gas;
    for (int nwchem = 1; nwchem >= 0; --nwchem) {
        os_solvent_options o;
        ref_options(&r, nwchem, &o);
        if (!nwchem) o.fock = OS_SOLVENT_FOCK_VARIATIONAL; /* our default SCF */
        os_solvent *s;
        os_error err;
        os_scf_result sol;
        if (!check_true("solvent model built", os_solvent_new(&mol, &bs, &o, &s, &err) == OS_OK))
            continue;
        int ok = run_scf(&mol, &bs, &su, s, &sol);
        os_solvent_free(s);
        if (!ok) continue;
        os_scf_options so;
        scf_setup sion = {.method = r.method, .grid = grid};
        scf_options_of(&sion, &so);
        so.solver = solver;
        os_redox_result rr;
        os_status st = os_redox_vertical(&mol, &bs, &so, &o, &sol, 1, &rr, NULL, &err);
        if (solver == OS_SCF_SOLVER_DESCENT && nwchem) {
            /* NWChem's Fock term is not the energy's derivative: refused */
            check_true("direct minimization refused with NWChem's Fock term",
                       st == OS_ERR_INPUT && strstr(err.msg, "derivative") != NULL);
            printf("     %s\n", err.msg);
            os_scf_result_free(&sol);
            continue;
        }
        if (check_true("ion SCF", st == OS_OK)) {
            printf("     %s: E(N) %.10f  E(N+1) %.10f (charge %d, mult %d, <S^2> %.4f, "
                   "%d iterations)  E_red %.4f V\n",
                   nwchem ? "NWChem's surface and Fock term" : "default model (SWIG, variational)",
                   rr.e_n, rr.e_ion, rr.charge, rr.mult, rr.s2, rr.iterations, rr.potential_v);
            check_true("ion's charge and multiplicity as NWChem's",
                       rr.charge == ri.charge && rr.mult == ri.mult);
            if (nwchem) /* NWChem prints <S^2> with 4 decimals */
                check_close("ion's <S^2> vs NWChem's", rr.s2, ri.s2, 6e-5);
            check_close(nwchem ? "E_red vs NWChem, its discretization, V"
                               : "E_red vs NWChem, our default model, V",
                        rr.potential_v, want, nwchem ? tol_nw : tol_default);
            if (solver == OS_SCF_SOLVER_DESCENT) {
                /* the same ion by DIIS */
                os_redox_result rd;
                so.solver = OS_SCF_SOLVER_AUTO;
                if (check_true("ion SCF by DIIS", os_redox_vertical(&mol, &bs, &so, &o, &sol, 1,
                                                                    &rd, NULL, &err) == OS_OK)) {
                    printf("     DIIS: E(N+1) %.10f (%d iterations)\n", rd.e_ion, rd.iterations);
                    check_close("E(N+1) by direct minimization vs DIIS, Eh", rr.e_ion, rd.e_ion,
                                1e-8);
                }
            }
        } else {
            printf("     %s\n", err.msg);
        }
        os_scf_result_free(&sol);
    }
    os_scf_result_free(&gas);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

/* The first number after KEY in a reference text file. */
static double read_number(const char *file, const char *key)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/%s", OS_REF_DIR, file);
    FILE *f = fopen(path, "r");
    double v = NAN;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ' ') {
            v = atof(line + n + 1);
            break;
        }
    if (f) fclose(f);
    return v;
}

/* Gas-phase vertical reduction (RKS -> UKS doublet from the RKS orbitals)
 * of cosmo/geom/MOL.xyz against Psi4 1.3.2's energies of both species at
 * the same geometry, grid and basis (tests/reference/cosmo/psi4_MOL_*). */
static void redox_gas_case(const char *name, double tol)
{
    os_molecule mol;
    os_basis bs;
    char geom[256], ref_n[256], ref_red[256];
    snprintf(geom, sizeof geom, "cosmo/geom/%s.xyz", name);
    snprintf(ref_n, sizeof ref_n, "cosmo/psi4_%s_n_b3lyp_631pgs_gas.txt", name);
    snprintf(ref_red, sizeof ref_red, "cosmo/psi4_%s_red_b3lyp_631pgs_gas.txt", name);
    if (!load_geometry(geom, "6-31+G*", &mol, &bs)) return;
    os_basis_free(&bs);
    os_error err;
    if (os_basis_load(&mol, "6-31+G*", NULL, OS_CARTESIAN, &bs, &err) != OS_OK) return;
    double want_n = read_number(ref_n, "E_B3LYP");
    double want_red = read_number(ref_red, "E_B3LYP");
    scf_setup su = {.method = "b3lyp", .grid = "150,974", .e_conv = 1e-10};
    os_scf_result gas;
    if (!run_scf(&mol, &bs, &su, NULL, &gas)) return;
    os_scf_options so;
    scf_options_of(&su, &so);
    os_redox_result rr;
    if (check_true("ion SCF", os_redox_vertical(&mol, &bs, &so, NULL, &gas, 1, &rr, NULL, &err) ==
                                  OS_OK)) {
        printf("     E(N) %.10f (Psi4 %.10f)  E(N+1) %.10f (Psi4 %.10f), <S^2> %.4f, "
               "E_red %.4f V\n", rr.e_n, want_n, rr.e_ion, want_red, rr.s2, rr.potential_v);
        check_close("E(N) vs Psi4 RKS, Eh", rr.e_n, want_n, tol);
        check_close("E(N+1) vs Psi4 UKS, Eh", rr.e_ion, want_red, tol);
        check_close("E(N+1) - E(N) vs Psi4, Eh", rr.e_ion - rr.e_n, want_red - want_n, tol);
        check_close("gas-phase E_red from Psi4's energies, V", rr.potential_v,
                    reduction_potential(want_n, want_red), 1e-9 + tol * OS_HARTREE_EV);
        check_true("doublet radical anion", rr.charge == -1 && rr.mult == 2);
        check_close("<S^2> near 3/4", rr.s2, 0.75, 0.01);
    } else {
        printf("     %s\n", err.msg);
    }
    os_scf_result_free(&gas);
    os_basis_free(&bs);
    os_molecule_free(&mol);
}

int main(int argc, char **argv)
{
    os_blas_set_threads(1);
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "integrals")) {
        integrals_case("water.xyz", OS_CARTESIAN);
        integrals_case("water.xyz", OS_SPHERICAL);
        integrals_case("acetate.xyz", OS_SPHERICAL);
    } else if (!strcmp(mode, "surface") && argc > 2) {
        surface_case(argv[2]);
    } else if (!strcmp(mode, "compare") && argc > 4) {
        compare_case(argv[2], atof(argv[3]), atof(argv[4]), argc > 5 ? argv[5] : NULL);
    } else if (!strcmp(mode, "sphere")) {
        sphere_case();
    } else if (!strcmp(mode, "smooth")) {
        smooth_case();
    } else if (!strcmp(mode, "fock")) {
        fock_case();
    } else if (!strcmp(mode, "grad-fixed") && argc > 6) {
        grad_fixed_case(argv[2], argv[3], argv[4], argv[5], atof(argv[6]));
    } else if (!strcmp(mode, "redox") && argc > 6) {
        int descent = argc > 7 && !strcmp(argv[7], "descent");
        redox_case(argv[2], argv[3], strcmp(argv[4], "-") ? argv[4] : NULL, atof(argv[5]),
                   atof(argv[6]), descent ? OS_SCF_SOLVER_DESCENT : OS_SCF_SOLVER_AUTO);
    } else if (!strcmp(mode, "redox-gas") && argc > 3) {
        redox_gas_case(argv[2], atof(argv[3]));
    } else if (!strcmp(mode, "grad-scf") && argc > 7) {
        grad_scf_case(argv[2], argv[3], argv[4], argv[5], argv[6], atof(argv[7]));
    } else {
        fprintf(stderr, "usage: %s integrals | surface CASE | compare CASE TOL_EH TOL_KCAL [GRID] | "
                        "sphere | smooth | fock | grad-fixed GEOM BASIS CAVITY FOCK TOL | "
                        "grad-scf GEOM METHOD BASIS GRID CAVITY TOL | redox PARENT ION GRID TOL_V TOL_V_DEFAULT [descent] | "
                        "redox-gas MOL TOL\n",
                argv[0]);
        return 2;
    }
    return check_finish();
}
