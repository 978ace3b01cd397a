/* Geometry optimization (src/opt/) and bond perception.
 * usage:
 *   test_opt bmatrix
 *       Every primitive's B row (stretch, bend, linear bend, torsion,
 *       out-of-plane, Cartesian) against central differences of its value
 *       (step 1e-5 bohr), tol 1e-8, on distorted geometries; the set built
 *       for a linear fragment (linear bends, no torsion through it).
 *   test_opt backtransform
 *       Round trips: a Cartesian displacement's internal change, taken back
 *       to Cartesians from the start, reproduces every interatomic distance
 *       (tol 1e-8 bohr) and the internal values (tol 1e-8); RFO steps of
 *       the model Hessian are reached up to a residual below 5% of a 0.1
 *       step that falls at least fourfold (3.4) when the step is halved.
 *   test_opt connectivity
 *       Bonds from covalent radii (acetate: 6, C-C 1.58 A), a stretched C-C
 *       reported as "C1-C2 broken (2.95 A)", fragments linked (water dimer).
 *   test_opt psi4 CASE.ref
 *       Optimized geometry against Psi4 1.3.2's optimizer from the same start
 *       (tests/reference/opt/): energy tol 1e-6 Eh, every bond 1e-3 A,
 *       angles 0.1 deg; Gaussian's "tight" criteria (the reference ran
 *       tighter still).
 *   test_opt start GEOMETRY CASE.ref [cartesian]
 *       The same minimum from another start (a stretched bond) and/or in
 *       Cartesian coordinates, default criteria: energy tol 1e-6 Eh, bonds
 *       2e-3 A.
 *   test_opt saddle AMMONIA.ref
 *       Planar NH3 (HF/6-31G*), exactly planar: with saddle_escapes 0 the
 *       optimizer stays on the D3h inversion saddle and the minimum check (one
 *       probed mode) flags it.  By default it leaves the saddle point down the
 *       probed mode once and reaches the pyramidal minimum of Psi4's optimizer
 *       (tests/reference/opt/ammonia_hf_631gs.ref, from a pyramidal start) to
 *       Gaussian's "tight" criteria: energy 1e-6 Eh, bonds 1e-3 A, angles
 *       0.1 deg.  Water's minimum is not flagged.
 *   test_opt external
 *       An external term rebuilt at every geometry through the optimizer's
 *       hook (V = c S, energy c N_electrons): called once per geometry, and
 *       the minimum is water's without it (energy shifted by c N).
 *   test_opt model_hessian GEOMETRY REF
 *       The Cartesian model Hessian (Lindh's terms and the out-of-plane one)
 *       against tools/lindh_model_ref.py's independent implementation
 *       (derivatives by differences): trace and the eight largest
 *       eigenvalues, tol 1e-6 Eh/bohr^2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/linalg.h"
#include "integrals/integrals.h"
#include "opt/opt.h"
#include "orbscreen.h"

static int load(const char *rel, os_molecule *mol)
{
    char path[1024];
    os_error err;
    snprintf(path, sizeof path, "%s/%s", OS_REF_DIR, rel);
    if (os_molecule_read_xyz(path, mol, &err) != OS_OK ||
        os_molecule_set_state(mol, mol->charge, mol->mult, &err) != OS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 0;
    }
    return 1;
}

/* A molecule from symbols and Angstrom coordinates. */
static void make(os_molecule *m, const char *name, int n, const int *Z, const double *xyz_A)
{
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->natom = n;
    m->Z = malloc((size_t)n * sizeof *m->Z);
    m->xyz = malloc((size_t)3 * n * sizeof *m->xyz);
    for (int i = 0; i < n; ++i) m->Z[i] = Z[i];
    for (int i = 0; i < 3 * n; ++i) m->xyz[i] = xyz_A[i] / OS_BOHR_ANGSTROM;
    m->mult = 1;
}

static double dist_A(const os_molecule *m, const double *x, int a, int b)
{
    double s = 0;
    for (int k = 0; k < 3; ++k) s += (x[3 * a + k] - x[3 * b + k]) * (x[3 * a + k] - x[3 * b + k]);
    (void)m;
    return sqrt(s) * OS_BOHR_ANGSTROM;
}

/* ----------------------------------------------------------------- B matrix */

static const char *kind_name(os_ic_kind k)
{
    static const char *const names[] = {"stretch", "bend", "linear bend", "torsion",
                                        "out-of-plane", "Cartesian"};
    return names[k];
}

/* Every primitive's derivative against central differences of its value. */
static void check_b_rows(const os_ic *ic, int n, double *xyz, const char *what)
{
    const double h = 1e-5;
    for (int i = 0; i < n; ++i) {
        double d[12], worst = 0;
        if (!check_true("derivative defined", os_ic_derivative(&ic[i], xyz, d))) continue;
        for (int a = 0; a < os_ic_natom(&ic[i]); ++a)
            for (int k = 0; k < 3; ++k) {
                double *x = &xyz[3 * ic[i].atom[a] + k], x0 = *x;
                *x = x0 + h;
                double vp = os_ic_value(&ic[i], xyz);
                *x = x0 - h;
                double vm = os_ic_value(&ic[i], xyz);
                *x = x0;
                worst = fmax(worst, fabs((vp - vm) / (2 * h) - d[3 * a + k]));
            }
        char msg[160];
        snprintf(msg, sizeof msg, "%s %s %d (%d %d %d %d): B row vs differences", what,
                 kind_name(ic[i].kind), i + 1, ic[i].atom[0] + 1, ic[i].atom[1] + 1,
                 ic[i].atom[2] + 1, ic[i].atom[3] + 1);
        check_close(msg, worst, 0.0, 1e-8);
    }
}

/* The coordinate set of a molecule: its B rows; returns the set. */
static void set_of(os_molecule *m, os_ic_set *s)
{
    os_connectivity c;
    os_error err;
    if (os_connectivity_build(m, 0, 1, &c, &err) != OS_OK ||
        os_ic_set_build(m, &c, m->xyz, s, &err) != OS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        memset(s, 0, sizeof *s);
    }
    os_connectivity_free(&c);
}

static int count_kind(const os_ic_set *s, os_ic_kind k)
{
    int n = 0;
    for (int i = 0; i < s->n; ++i) n += s->ic[i].kind == k;
    return n;
}

static int run_bmatrix(void)
{
    /* Formaldehyde, non-planar (bends, out-of-plane), and acetate (torsions). */
    os_molecule m;
    os_ic_set s;
    if (load("opt/geom/formaldehyde_s.xyz", &m)) {
        set_of(&m, &s);
        check_true("formaldehyde: one out-of-plane", count_kind(&s, OS_IC_OUT_OF_PLANE) == 1);
        check_true("formaldehyde: 3 stretches, 3 bends", count_kind(&s, OS_IC_STRETCH) == 3 &&
                                                          count_kind(&s, OS_IC_BEND) == 3);
        check_b_rows(s.ic, s.n, m.xyz, "formaldehyde");
        os_ic_set_free(&s);
        os_molecule_free(&m);
    }
    if (load("geom/acetate.xyz", &m)) {
        set_of(&m, &s);
        check_true("acetate: torsions", count_kind(&s, OS_IC_TORSION) == 6);
        check_b_rows(s.ic, s.n, m.xyz, "acetate");
        os_ic_set_free(&s);
        os_molecule_free(&m);
    }
    /* H-C#C-H bent by a few degrees (linear bends at both carbons, no torsion). */
    static const int Zc[] = {1, 6, 6, 1};
    static const double Xc[] = {-1.66, 0.03, 0.01, -0.60, 0.0, 0.0, 0.60, 0.0, 0.0,
                                1.66, 0.02, -0.04};
    make(&m, "acetylene", 4, Zc, Xc);
    set_of(&m, &s);
    check_true("acetylene: 4 linear bends", count_kind(&s, OS_IC_LINEAR_BEND) == 4);
    check_true("acetylene: no torsion through the linear angles",
               count_kind(&s, OS_IC_TORSION) == 0);
    check_b_rows(s.ic, s.n, m.xyz, "acetylene");
    os_ic_frame f;
    os_error err;
    if (check_true("acetylene frame", os_ic_frame_build(&s, m.xyz, &f, &err) == OS_OK)) {
        check_close("acetylene: rank of B = 3N-5 + bend-away freedom", f.rank, 7, 0);
        os_ic_frame_free(&f);
    }
    os_ic_set_free(&s);
    /* Cartesian primitives. */
    os_ic_set cs;
    if (os_ic_set_cartesian(m.natom, &cs, &err) == OS_OK) {
        check_b_rows(cs.ic, cs.n, m.xyz, "acetylene");
        os_ic_set_free(&cs);
    }
    os_molecule_free(&m);
    return check_finish();
}

/* ------------------------------------------------------------ back-transform */

static double max_pair_error(const os_molecule *m, const double *x, const double *y)
{
    double worst = 0;
    for (int a = 0; a < m->natom; ++a)
        for (int b = a + 1; b < m->natom; ++b)
            worst = fmax(worst, fabs(dist_A(m, x, a, b) - dist_A(m, y, a, b)) / OS_BOHR_ANGSTROM);
    return worst;
}

static void round_trip(const char *rel, double amplitude)
{
    os_molecule m;
    if (!load(rel, &m)) return;
    os_ic_set s;
    set_of(&m, &s);
    int n3 = 3 * m.natom, n = s.n;
    double *x1 = malloc(n3 * sizeof *x1), *x = malloc(n3 * sizeof *x);
    double *q0 = malloc(n * sizeof *q0), *q1 = malloc(n * sizeof *q1), *dq = malloc(n * sizeof *dq);
    /* A fixed, reproducible distortion. */
    for (int i = 0; i < n3; ++i) x1[i] = m.xyz[i] + amplitude * sin(1.7 * i + 0.3);
    os_ic_values(&s, m.xyz, q0);
    os_ic_values(&s, x1, q1);
    os_ic_diff(&s, q1, q0, dq);
    os_backtransform_info info;
    os_error err;
    char what[400];
    if (check_true("back-transformation ran", os_backtransform(&s, m.xyz, dq, x, &info, &err) == OS_OK)) {
        snprintf(what, sizeof what, "%s (+-%.2f bohr): back-transformation converged (%d iterations)",
                 m.name, amplitude, info.iterations);
        check_true(what, info.converged);
        snprintf(what, sizeof what, "%s: every distance as in the displaced geometry, bohr", m.name);
        check_close(what, max_pair_error(&m, x, x1), 0.0, 1e-8);
        os_ic_values(&s, x, q0);
        os_ic_diff(&s, q0, q1, dq);
        double worst = 0;
        for (int i = 0; i < n; ++i) worst = fmax(worst, fabs(dq[i]));
        snprintf(what, sizeof what, "%s: internal coordinates reached", m.name);
        check_close(what, worst, 0.0, 1e-8);
    }
    free(x1), free(x), free(q0), free(q1), free(dq);
    os_ic_set_free(&s);
    os_molecule_free(&m);
}

/* The RFO step (model Hessian, a made-up gradient) of length `trust`, taken
 * to Cartesians: the internal change reached, minus the step asked for.
 * Redundant coordinates cannot all follow a finite step (their constraints
 * are curved), so this residual is of second order or higher in the step;
 * NAN on failure. */
static double model_step(const os_molecule *m, const os_ic_set *s, double trust)
{
    int n3 = 3 * m->natom, n = s->n;
    os_ic_frame f;
    os_error err;
    double *Hx = calloc(n3 * n3, sizeof *Hx), *H = calloc(n * n, sizeof *H);
    double *P = calloc(n * n, sizeof *P), *g = calloc(n, sizeof *g), *dq = calloc(n, sizeof *dq);
    double *x = calloc(n3, sizeof *x), *q0 = calloc(n, sizeof *q0), *q1 = calloc(n, sizeof *q1);
    double *gx = calloc(n3, sizeof *gx), *d = calloc(n, sizeof *d);
    for (int i = 0; i < n3; ++i) gx[i] = 0.1 * cos(0.9 * i); /* long enough to be cut back */
    os_step_info si;
    os_backtransform_info bi;
    double residual = NAN;
    if (os_ic_frame_build(s, m->xyz, &f, &err) != OS_OK) goto done;
    if (os_model_hessian_lindh(m, m->xyz, Hx, &err) == OS_OK &&
        os_hessian_to_internal(&f, Hx, H, &err) == OS_OK && os_ic_projector(&f, P, &err) == OS_OK &&
        os_ic_gradient(&f, gx, g, &err) == OS_OK &&
        os_step_rfo(n, H, g, P, trust, dq, &si, &err) == OS_OK &&
        os_backtransform(s, m->xyz, dq, x, &bi, &err) == OS_OK) {
        char what[400];
        snprintf(what, sizeof what, "%s: RFO step %.2f long, downhill, back-transformed", m->name,
                 trust);
        check_true(what, fabs(si.norm - trust) < 1e-8 && si.predicted < 0 && bi.converged);
        os_ic_values(s, m->xyz, q0);
        os_ic_values(s, x, q1);
        os_ic_diff(s, q1, q0, d);
        residual = 0;
        for (int i = 0; i < n; ++i) residual += (d[i] - dq[i]) * (d[i] - dq[i]);
        residual = sqrt(residual);
    }
    os_ic_frame_free(&f);
done:
    free(Hx), free(H), free(P), free(g), free(dq), free(x), free(q0), free(q1), free(gx), free(d);
    return residual;
}

/* Halving the step divides the residual by four or more. */
static void model_steps(const char *rel)
{
    os_molecule m;
    if (!load(rel, &m)) return;
    os_ic_set s;
    set_of(&m, &s);
    model_step(&m, &s, 0.3);
    double r1 = model_step(&m, &s, 0.1), r2 = model_step(&m, &s, 0.05);
    char what[400];
    snprintf(what, sizeof what, "%s: residual of a 0.1 step (%.2e) below 5%% of it", m.name, r1);
    check_true(what, r1 < 0.05 * 0.1);
    snprintf(what, sizeof what,
             "%s: residual at least second order (ratio %.2f for half the step, >= 3.4)", m.name,
             r1 / r2);
    check_true(what, r1 / r2 >= 3.4);
    os_ic_set_free(&s);
    os_molecule_free(&m);
}

static int run_backtransform(void)
{
    round_trip("opt/geom/formaldehyde_s.xyz", 0.05);
    round_trip("geom/acetate.xyz", 0.05);
    round_trip("geom/acetate.xyz", 0.2);
    model_steps("geom/acetate.xyz");
    model_steps("opt/geom/formate_s.xyz");
    return check_finish();
}

/* ------------------------------------------------------------- connectivity */

static int run_connectivity(void)
{
    os_molecule m;
    os_error err;
    if (!load("geom/acetate.xyz", &m)) return check_finish();
    os_connectivity c0, c1;
    if (check_true("bonds", os_connectivity_build(&m, 0, 1, &c0, &err) == OS_OK)) {
        check_close("acetate: 6 bonds", c0.nbond, 6, 0);
        check_close("acetate: one fragment", c0.nfragment, 1, 0);
        check_true("acetate: C1-C2 bonded", os_connectivity_bonded(&c0, 0, 1));
    }
    /* Pull the carboxylate carbon (atom 2) away from the methyl carbon to 2.95 A. */
    double u[3], len = 0;
    for (int k = 0; k < 3; ++k) u[k] = m.xyz[3 + k] - m.xyz[k], len += u[k] * u[k];
    len = sqrt(len);
    for (int k = 0; k < 3; ++k) {
        double shift = (2.95 / OS_BOHR_ANGSTROM - len) * u[k] / len;
        for (int a = 1; a < m.natom; ++a)
            if (a == 1 || a == 2 || a == 3) m.xyz[3 * a + k] += shift; /* C2 and its oxygens */
    }
    os_bond_change *ch;
    int nch;
    if (check_true("bonds after", os_connectivity_build(&m, 0, 1, &c1, &err) == OS_OK) &&
        check_true("compare", os_connectivity_compare(&c0, &c1, &m, &ch, &nch, &err) == OS_OK)) {
        check_close("one bond changed", nch, 1, 0);
        check_close("two fragments now", c1.nfragment, 2, 0);
        char d[64] = "";
        if (nch > 0) os_bond_change_describe(&m, &ch[0], d, sizeof d);
        printf("  change: %s\n", d);
        check_true("described as \"C1-C2 broken (2.95 A)\"", !strcmp(d, "C1-C2 broken (2.95 A)"));
        int links = 0;
        for (int k = 0; k < c1.nbond; ++k) links += c1.bonds[k].link;
        check_close("the fragments joined by one link", links, 1, 0);
        free(ch);
        /* Reversed: the bond forms. */
        if (os_connectivity_compare(&c1, &c0, &m, &ch, &nch, &err) == OS_OK) {
            if (nch > 0) os_bond_change_describe(&m, &ch[0], d, sizeof d);
            check_true("reversed: \"C1-C2 formed (2.95 A)\"", nch == 1 && !strcmp(d, "C1-C2 formed (2.95 A)"));
            free(ch);
        }
    }
    os_connectivity_free(&c0);
    os_connectivity_free(&c1);
    os_molecule_free(&m);
    /* Water dimer: two fragments, one link (the hydrogen bond's H...O). */
    static const int Zw[] = {8, 1, 1, 8, 1, 1};
    static const double Xw[] = {-1.55, 0.0, 0.0, -1.93, 0.76, -0.40, -0.58, 0.05, 0.0,
                                1.35, 0.0, 0.0, 1.68, -0.42, -0.79, 1.68, -0.42, 0.79};
    make(&m, "water-dimer", 6, Zw, Xw);
    if (check_true("dimer bonds", os_connectivity_build(&m, 0, 1, &c0, &err) == OS_OK)) {
        check_close("dimer: two fragments", c0.nfragment, 2, 0);
        int link = -1;
        for (int k = 0; k < c0.nbond; ++k)
            if (c0.bonds[k].link) link = k;
        check_true("dimer: linked through H3...O4",
                   link >= 0 && c0.bonds[link].a == 2 && c0.bonds[link].b == 3);
        os_connectivity_free(&c0);
    }
    os_molecule_free(&m);
    check_close("covalent radius of C (Cordero 2008), A", os_covalent_radius(6), 0.76, 0);
    return check_finish();
}

/* ------------------------------------------------------------ optimizations */

typedef struct {
    char start[512], method[64], basis[64], grid[32];
    int puream;
    double energy;
    int nbond, nangle;
    int bond[16][2], angle[16][3];
    double bond_A[16], angle_deg[16];
} opt_ref;

static void ref_key(const char *key, char *rest, void *ctx)
{
    opt_ref *r = ctx;
    if (!strcmp(key, "start")) snprintf(r->start, sizeof r->start, "%s", rest);
    else if (!strcmp(key, "method")) snprintf(r->method, sizeof r->method, "%s", rest);
    else if (!strcmp(key, "basis")) snprintf(r->basis, sizeof r->basis, "%s", rest);
    else if (!strcmp(key, "grid")) snprintf(r->grid, sizeof r->grid, "%s", rest);
    else if (!strcmp(key, "puream")) r->puream = atoi(rest);
    else if (!strcmp(key, "energy")) r->energy = strtod(rest, NULL);
    else if (!strcmp(key, "bond") && r->nbond < 16) {
        int n = r->nbond++;
        sscanf(rest, "%d %d %lf", &r->bond[n][0], &r->bond[n][1], &r->bond_A[n]);
    } else if (!strcmp(key, "angle") && r->nangle < 16) {
        int n = r->nangle++;
        sscanf(rest, "%d %d %d %lf", &r->angle[n][0], &r->angle[n][1], &r->angle[n][2],
               &r->angle_deg[n]);
    }
}

static int read_ref(const char *path, opt_ref *r)
{
    memset(r, 0, sizeof *r);
    return check_read_keys(path, ref_key, r) && r->start[0] && r->method[0] && r->nbond > 0;
}

static void scf_options_for(const opt_ref *r, os_scf_options *so)
{
    os_scf_options_default(so);
    so->method = r->method;
    so->grid = strcmp(r->grid, "-") ? r->grid : NULL;
    so->jk = "exact"; /* as Psi4 ran (scf_type pk); the gradient needs it */
    so->memory_mb = 256;
}

static void compare_geometry(const opt_ref *r, const os_opt_result *res, double etol, double btol,
                             double atol_deg)
{
    check_close("optimized energy vs Psi4, Eh", res->energy, r->energy, etol);
    const double *x = res->mol.xyz;
    for (int k = 0; k < r->nbond; ++k) {
        char what[96];
        snprintf(what, sizeof what, "bond %d-%d vs Psi4, A", r->bond[k][0], r->bond[k][1]);
        check_close(what, dist_A(&res->mol, x, r->bond[k][0] - 1, r->bond[k][1] - 1), r->bond_A[k],
                    btol);
    }
    for (int k = 0; k < r->nangle; ++k) {
        char what[96];
        snprintf(what, sizeof what, "angle %d-%d-%d vs Psi4, deg", r->angle[k][0], r->angle[k][1],
                 r->angle[k][2]);
        double a = os_ic_angle(x, r->angle[k][0] - 1, r->angle[k][1] - 1, r->angle[k][2] - 1);
        check_close(what, a * 180.0 / 3.14159265358979323846, r->angle_deg[k], atol_deg);
    }
}

static void report(const os_opt_result *res)
{
    int cycles = 0;
    for (int i = 0; i < res->nhistory; ++i) cycles += res->history[i].scf_iterations;
    printf("  %s\n  %d geometries, %d SCF cycles; lowest Hessian eigenvalue %.3e\n", res->message,
           res->nsteps, cycles, res->hessian_min_eig);
}

/* Optimize m at the reference's level (exact integrals) to Gaussian's
 * "tight" criteria, with external terms `ext` (NULL: none).  1 when it
 * converged. */
static int optimize_tight(const opt_ref *r, const os_molecule *m, const os_opt_external *ext,
                          os_opt_result *res)
{
    os_scf_options so;
    scf_options_for(r, &so);
    os_opt_options oo;
    os_opt_options_default(&oo);
    oo.max_force = 1.5e-5, oo.rms_force = 1.0e-5, oo.max_step = 6e-5, oo.rms_step = 4e-5;
    oo.external = ext;
    oo.probe_modes = 0;
    oo.log = stdout;
    os_error err;
    os_status st = os_optimize(m, r->basis, NULL, r->puream ? OS_SPHERICAL : OS_CARTESIAN, &so,
                               &oo, res, &err);
    if (st != OS_OK) fprintf(stderr, "%s\n", err.msg);
    return st == OS_OK && res->converged;
}

static int run_psi4(const char *path)
{
    opt_ref r;
    os_molecule m;
    if (!check_true("reference file complete", read_ref(path, &r)) ||
        !check_true("start geometry", load(r.start, &m)))
        return check_finish();
    os_opt_result res;
    if (check_true("optimization converged", optimize_tight(&r, &m, NULL, &res))) {
        report(&res);
        compare_geometry(&r, &res, 1e-6, 1e-3, 0.1);
        check_true("a minimum (no negative curvature seen)", !res.saddle);
    }
    os_opt_result_free(&res);
    os_molecule_free(&m);
    return check_finish();
}

static int run_start(const char *geometry, const char *path, int cartesian)
{
    opt_ref r;
    os_molecule m;
    if (!check_true("reference file complete", read_ref(path, &r)) ||
        !check_true("start geometry", load(geometry, &m)))
        return check_finish();
    os_scf_options so;
    scf_options_for(&r, &so);
    os_opt_options oo;
    os_opt_options_default(&oo);
    oo.coordinates = cartesian ? OS_OPT_CARTESIAN : OS_OPT_INTERNAL;
    oo.probe_modes = 0;
    oo.log = stdout;
    os_opt_result res;
    os_error err;
    os_status st = os_optimize(&m, r.basis, NULL, r.puream ? OS_SPHERICAL : OS_CARTESIAN, &so, &oo,
                               &res, &err);
    if (st != OS_OK) fprintf(stderr, "%s\n", err.msg);
    if (check_true("optimization converged", st == OS_OK && res.converged)) {
        report(&res);
        printf("  start energy %.10f, %.1f kcal/mol above the minimum\n", res.start_energy,
               (res.start_energy - res.energy) * OS_HARTREE_KCAL);
        compare_geometry(&r, &res, 1e-6, 2e-3, 0.3);
    }
    os_opt_result_free(&res);
    os_molecule_free(&m);
    return check_finish();
}

/* -------------------------------------------------------------- saddle point */

static int run_saddle(const char *ref_path)
{
    /* NH3 in the xy plane, N-H 1.00 A, 120 degrees apart. */
    static const int Z[] = {7, 1, 1, 1};
    static const double X[] = {0.0, 0.0, 0.0, 1.00, 0.0, 0.0, -0.50, 0.8660254037844386, 0.0,
                               -0.50, -0.8660254037844386, 0.0};
    os_molecule m;
    make(&m, "nh3-planar", 4, Z, X);
    os_scf_options so;
    os_scf_options_default(&so);
    so.method = "hf";
    so.jk = "exact";
    so.memory_mb = 256;
    os_opt_options oo;
    os_opt_options_default(&oo);
    oo.probe_modes = 1;
    oo.saddle_escapes = 0;
    oo.log = stdout;
    os_opt_result res;
    os_error err;
    os_status st = os_optimize(&m, "6-31G*", NULL, OS_PURE_DEFAULT, &so, &oo, &res, &err);
    if (st != OS_OK) fprintf(stderr, "%s\n", err.msg);
    if (check_true("planar NH3 converged", st == OS_OK && res.converged)) {
        report(&res);
        double zmax = 0;
        for (int a = 0; a < 4; ++a) zmax = fmax(zmax, fabs(res.mol.xyz[3 * a + 2]));
        check_close("still planar (max |z|, bohr)", zmax, 0.0, 1e-6);
        printf("  probed curvature %.4e Eh/bohr^2\n", res.probe_min_curvature);
        check_true("probed curvature negative", res.probe_min_curvature < OS_OPT_NEGATIVE_CURVATURE);
        check_true("flagged as not a minimum", res.saddle);
    }
    os_opt_result_free(&res);
    /* The default: left down the probed mode, on to the pyramidal minimum. */
    opt_ref r;
    if (check_true("ammonia reference complete", read_ref(ref_path, &r))) {
        os_opt_options_default(&oo);
        oo.max_force = 1.5e-5, oo.rms_force = 1.0e-5, oo.max_step = 6e-5, oo.rms_step = 4e-5;
        oo.probe_modes = 1;
        oo.log = stdout;
        st = os_optimize(&m, "6-31G*", NULL, OS_PURE_DEFAULT, &so, &oo, &res, &err);
        if (st != OS_OK) fprintf(stderr, "%s\n", err.msg);
        if (check_true("planar NH3, saddle left: converged", st == OS_OK && res.converged)) {
            report(&res);
            check_close("saddle points left", res.saddle_escapes, 1, 0);
            check_true("a minimum: probed curvature positive, not flagged",
                       res.probe_min_curvature > 0 && !res.saddle);
            compare_geometry(&r, &res, 1e-6, 1e-3, 0.1);
        }
        os_opt_result_free(&res);
    }
    os_molecule_free(&m);
    /* Water's minimum: neither the Hessian nor the probe sees negative curvature. */
    if (load("opt/geom/water_s.xyz", &m)) {
        st = os_optimize(&m, "6-31G*", NULL, OS_CARTESIAN, &so, &oo, &res, &err);
        if (check_true("water converged", st == OS_OK && res.converged)) {
            report(&res);
            printf("  probed curvature %.4e Eh/bohr^2\n", res.probe_min_curvature);
            check_true("water: lowest Hessian eigenvalue positive", res.hessian_min_eig > 0);
            check_true("water: probed curvature positive", res.probe_min_curvature > 0);
            check_true("water: not flagged", !res.saddle);
        }
        os_opt_result_free(&res);
        os_molecule_free(&m);
    }
    return check_finish();
}

/* --------------------------------------------------------- external terms */

typedef struct {
    check_overlap_term term; /* V = c S */
    os_scf_potential pot;
    int builds, releases;
} overlap_hook;

static os_status hook_build(void *ctx, const os_molecule *mol, const os_basis *bs,
                            const os_scf_potential **pots, int *npot, os_error *err)
{
    overlap_hook *h = ctx;
    (void)mol, (void)err;
    h->term.bs = bs;
    h->pot = (os_scf_potential){"overlap", &h->term, check_overlap_build, check_overlap_gradient, 0};
    *pots = &h->pot;
    *npot = 1;
    ++h->builds;
    return OS_OK;
}

static void hook_release(void *ctx) { ++((overlap_hook *)ctx)->releases; }

static int run_external(const char *path)
{
    opt_ref r;
    os_molecule m;
    if (!check_true("reference file complete", read_ref(path, &r)) ||
        !check_true("start geometry", load(r.start, &m)))
        return check_finish();
    overlap_hook hook = {.term = {.c = 0.05}};
    os_opt_external ext = {&hook, hook_build, hook_release};
    os_opt_result res;
    if (check_true("optimization converged", optimize_tight(&r, &m, &ext, &res))) {
        report(&res);
        check_close("hook built once per geometry", hook.builds, res.nsteps, 0);
        check_close("and released as often", hook.releases, hook.builds, 0);
        check_close("external energy c N_electrons, Eh", res.scf.e_ext,
                    hook.term.c * os_molecule_nelectron(&m), 1e-8);
        res.energy -= res.scf.e_ext;
        compare_geometry(&r, &res, 1e-6, 1e-3, 0.1);
    }
    os_opt_result_free(&res);
    os_molecule_free(&m);
    return check_finish();
}

/* The model Hessian of GEOMETRY (OS_REF_DIR-relative) against REF, written
 * by tools/lindh_model_ref.py: its trace and eight largest eigenvalues. */
typedef struct {
    double trace, top[8];
    int ntop;
} model_ref;

static void model_ref_key(const char *key, char *rest, void *ctx)
{
    model_ref *r = ctx;
    if (!strcmp(key, "trace")) r->trace = strtod(rest, NULL);
    if (strcmp(key, "largest")) return;
    char *end;
    for (double v; r->ntop < 8 && (v = strtod(rest, &end), end != rest); rest = end)
        r->top[r->ntop++] = v;
}

static int run_model_hessian(const char *geom, const char *ref)
{
    model_ref r = {.trace = NAN};
    os_molecule m;
    if (!check_true("reference file complete",
                    check_read_keys(ref, model_ref_key, &r) && isfinite(r.trace) && r.ntop == 8) ||
        !check_true("geometry", load(geom, &m)))
        return check_finish();
    int n3 = 3 * m.natom;
    double *H = calloc((size_t)n3 * n3, sizeof *H), *w = calloc((size_t)n3, sizeof *w);
    os_error err;
    if (check_true("model Hessian", H && w && os_model_hessian_lindh(&m, m.xyz, H, &err) == OS_OK)) {
        double trace = 0;
        for (int i = 0; i < n3; ++i) trace += H[(size_t)i * n3 + i];
        check_close("trace, Eh/bohr^2", trace, r.trace, 1e-6);
        if (check_true("eigenvalues", os_eigh(n3, H, w, &err) == OS_OK))
            for (int k = 0; k < 8; ++k) {
                char what[64];
                snprintf(what, sizeof what, "eigenvalue %d from the top, Eh/bohr^2", k + 1);
                check_close(what, w[n3 - 1 - k], r.top[k], 1e-6);
            }
    }
    free(H), free(w);
    os_molecule_free(&m);
    return check_finish();
}

int main(int argc, char **argv)
{
    os_blas_set_threads(1);
    if (argc >= 2 && !strcmp(argv[1], "bmatrix")) return run_bmatrix();
    if (argc >= 2 && !strcmp(argv[1], "backtransform")) return run_backtransform();
    if (argc >= 2 && !strcmp(argv[1], "connectivity")) return run_connectivity();
    if (argc >= 3 && !strcmp(argv[1], "psi4")) return run_psi4(argv[2]);
    if (argc >= 4 && !strcmp(argv[1], "start"))
        return run_start(argv[2], argv[3], argc > 4 && !strcmp(argv[4], "cartesian"));
    if (argc >= 3 && !strcmp(argv[1], "saddle")) return run_saddle(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "external")) return run_external(argv[2]);
    if (argc >= 4 && !strcmp(argv[1], "model_hessian")) return run_model_hessian(argv[2], argv[3]);
    fprintf(stderr,
            "usage: %s bmatrix | backtransform | connectivity | psi4 CASE.ref | "
            "start GEOMETRY CASE.ref [cartesian] | saddle AMMONIA.ref | external CASE.ref | "
            "model_hessian GEOMETRY REF\n",
            argv[0]);
    return 2;
}
