/* The geometry optimizer: one SCF and gradient per geometry, quasi-Newton
 * steps in redundant internal coordinates.
 *
 *   setup        working copy of the molecule and its basis, bonds,
 *                coordinates, Lindh's model Hessian
 *   loop {
 *     evaluate   SCF (from the last geometry's orbitals) and gradient here
 *     judge      energy rose by more than the step promised: go back with a
 *                smaller trust radius; else accept, adapt the trust radius
 *                and update the Hessian (BFGS)
 *     step       RFO step, back-transformed to Cartesians (a Cartesian step
 *                when that fails)
 *     converged? forces here and the step from here, Gaussian's criteria
 *   }
 *   check        lowest eigenvalue of the updated Hessian (and, if asked,
 *                the curvature probed along its lowest modes); a saddle point
 *                found is left down its negative mode and the loop runs again
 *
 * Forces and steps are judged in Cartesians with rigid translations and
 * rotations projected out, so the numbers mean the same whatever the
 * coordinates. */
#include "opt/opt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"

/* A rise of the energy above this is a failed step (Eh; ten times the
 * SCF's default energy convergence). */
#define REJECT_MIN_RISE 1e-8
/* An energy that falls by more than this at the same geometry when the SCF is
 * redone with its stability check is another electronic state (Eh; tighter
 * SCF thresholds alone move it by ~1e-9, second order in the gradient). */
#define STATE_CHANGE 1e-6
/* Below this predicted change (Eh) the trust radius is left alone. */
#define TRUST_MIN_PREDICTED 1e-8
/* Displacement of a curvature probe, bohr. */
#define PROBE_STEP 0.01
/* A saddle point the probes found is left by a step of this length (bohr,
 * Cartesian) along its negative mode: for NH3's inversion (HF/6-31G*,
 * curvature -0.05 Eh/bohr^2) about 2.5e-4 Eh down, far above SCF noise. */
#define ESCAPE_STEP 0.1
/* Far from the minimum the SCF need not be tight: a gradient's error is about
 * 3x the RMS orbital gradient (3.1e-6 Eh/bohr at 1e-6, docs/gradients.md), so
 * while the last max force exceeds LOOSE_FORCES x the criterion the SCF stops
 * at an RMS orbital gradient of LOOSE_G_FACTOR x that force (at most
 * LOOSE_G_MAX): forces to ~0.3%, energies to ~1e-9 Eh (second order). */
#define LOOSE_FORCES 10.0
#define LOOSE_G_FACTOR 1e-3
#define LOOSE_G_MAX 1e-5
#define LOOSE_E_CONV 1e-8 /* Eh; Psi4's gradient default */
/* The SCF stability check (OS_STABILITY_AUTO) at every geometry cost
 * TFSI2-*'s optimization in DME/DOL 27-69 s of its 100-130 s steps (11-16
 * Davidson products).  Each SCF starts from the previous geometry's checked
 * orbitals, and the orbital Hessian changes smoothly with the geometry, so a
 * check is skipped while the last checked eigenvalue on the path is above
 * STAB_SKIP_ABOVE (Eh) and fewer than STAB_RECHECK geometries have passed
 * since; the geometry reported is always checked (finalize_current). */
#define STAB_SKIP_ABOVE 0.02
#define STAB_RECHECK 5

/* evaluate()'s flags: the caller's SCF thresholds (not loosened); the
 * caller's stability check (never skipped); the energy alone (no gradient). */
enum { EVAL_TIGHT = 1, EVAL_CHECK = 2, EVAL_ENERGY = 4 };

typedef struct {
    double *x;             /* 3N, bohr */
    double *gx;            /* Cartesian gradient, Eh/bohr */
    double energy;
    os_scf_result res;
    int have_res;
    int scf_iterations;
    int loose;             /* its SCF ran to the loosened thresholds (scf_thresholds) */
    int unchecked;         /* its SCF skipped the stability check (STAB_SKIP_ABOVE) */
    double scf_s, grad_s, cpu_s;
} opt_point;

typedef struct {
    const os_opt_options *o;
    os_scf_options scf;
    const char *basis_name, *basis_dir;
    int pure;
    os_molecule mol;       /* working copy: the geometry being evaluated */
    os_basis bs;           /* its basis: shell origins follow mol */
    int have_bs;
    os_connectivity conn;
    int natom, n3;
    /* coordinates and Hessian at cur */
    os_ic_set set;
    os_ic_frame frame;
    double *P, *H, *q, *gq; /* n x n, n x n, n, n */
    double *q_prev, *gq_prev; /* at the previous accepted geometry (BFGS) */
    int have_prev;
    opt_point cur, trial;
    double trust;
    double stab_eig;       /* lowest orbital-Hessian eigenvalue at the last checked geometry of
                              the path, Eh (NAN: none) */
    int stab_age;          /* accepted geometries since */
    double *neg_u;         /* unit Cartesian direction of the most negative probed curvature */
    os_scf_shared *shared; /* the current geometry's J/K integrals and grids (scf.shared) */
    double neg_curv;       /* that curvature, Eh/bohr^2 (0: none negative) */
    os_opt_result *res;
    int hist_cap;
} optimizer;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

void os_opt_options_default(os_opt_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_steps = 100;
    o->max_force = OS_OPT_MAX_FORCE;
    o->rms_force = OS_OPT_RMS_FORCE;
    o->max_step = OS_OPT_MAX_STEP;
    o->rms_step = OS_OPT_RMS_STEP;
    o->coordinates = OS_OPT_INTERNAL;
    o->trust = 0.3;
    o->trust_min = 1e-3;
    o->trust_max = 1.0;
    o->restart_orbitals = 1;
    o->probe_modes = 2;
    o->saddle_escapes = 2;
    o->scf_adaptive = 1;
}

/* ------------------------------------------------------------------ points */

static os_status point_alloc(opt_point *p, int n3, os_error *err)
{
    memset(p, 0, sizeof *p);
    p->x = calloc((size_t)n3, sizeof(double));
    p->gx = calloc((size_t)n3, sizeof(double));
    if (!p->x || !p->gx) return OS_NOMEM(err, "optimizer point");
    return OS_OK;
}

static void point_free(opt_point *p)
{
    free(p->x);
    free(p->gx);
    if (p->have_res) os_scf_result_free(&p->res);
    memset(p, 0, sizeof *p);
}

static void point_drop_result(opt_point *p)
{
    if (p->have_res) os_scf_result_free(&p->res);
    p->have_res = 0;
}

/* Move the working molecule and its basis functions to x. */
static void move_to(optimizer *op, const double *x)
{
    memcpy(op->mol.xyz, x, (size_t)op->n3 * sizeof *x);
    for (int s = 0; s < op->bs.nshell; ++s) {
        os_shell *sh = &op->bs.shells[s];
        memcpy(sh->origin, x + 3 * sh->atom, sizeof sh->origin);
    }
}

/* The SCF at the working geometry: from `guess`'s orbitals when given,
 * again from SAD if that fails. */
static os_status run_scf(optimizer *op, os_scf_options so, const os_scf_result *guess,
                         opt_point *p, os_error *err)
{
    os_status st = OS_ERR_INTERNAL;
    if (guess) {
        so.guess = OS_GUESS_ORBITALS;
        so.guess_orbitals = guess;
        st = os_scf_run(&op->mol, &op->bs, &so, &p->res, err);
        p->scf_iterations += p->res.iterations;
        if (st == OS_OK) return st;
        os_scf_result_free(&p->res);
    }
    so.guess = op->scf.guess;
    so.guess_orbitals = op->scf.guess_orbitals;
    st = os_scf_run(&op->mol, &op->bs, &so, &p->res, err);
    p->scf_iterations += p->res.iterations;
    if (st != OS_OK) os_scf_result_free(&p->res);
    return st;
}

/* External terms for this geometry: each must bring its gradient. */
static os_status build_external(optimizer *op, os_scf_options *so, os_error *err)
{
    const os_opt_external *ext = op->o->external;
    if (!ext || !ext->build) return OS_OK;
    const os_scf_potential *pots = NULL;
    int npot = 0;
    os_status st = ext->build(ext->ctx, &op->mol, &op->bs, &pots, &npot, err);
    if (st != OS_OK) return st;
    for (int i = 0; i < npot; ++i)
        if (!pots[i].gradient) {
            if (ext->release) ext->release(ext->ctx);
            return os_fail(err, OS_ERR_INPUT,
                           "%s: external term '%s' has no nuclear gradient: cannot optimize with it",
                           op->mol.name, pots[i].name ? pots[i].name : "?");
        }
    so->potentials = pots;
    so->npotentials = npot;
    return OS_OK;
}

/* The caller's SCF thresholds, loosened (p->loose) while the last evaluated
 * geometry's max force is large, unless `tight`. */
static void scf_thresholds(const optimizer *op, int tight, os_scf_options *so, opt_point *p)
{
    const os_opt_result *r = op->res;
    double f = r->nhistory > 0 ? r->history[r->nhistory - 1].max_force : INFINITY;
    p->loose = !tight && op->o->scf_adaptive && f > LOOSE_FORCES * op->o->max_force &&
               so->g_conv < LOOSE_G_MAX;
    if (!p->loose) return;
    so->g_conv = fmax(so->g_conv, fmin(LOOSE_G_MAX, LOOSE_G_FACTOR * f));
    so->e_conv = fmax(so->e_conv, LOOSE_E_CONV);
}

/* Whether the SCF started from `guess` may skip its stability check. */
static int skip_check(const optimizer *op, const os_scf_result *guess, int flags)
{
    return guess && !(flags & EVAL_CHECK) && op->scf.stability == OS_STABILITY_AUTO &&
           op->stab_eig > STAB_SKIP_ABOVE && op->stab_age < STAB_RECHECK;
}

/* SCF and gradient at x into p (flags: EVAL_*). */
static os_status evaluate(optimizer *op, const double *x, const os_scf_result *guess, int flags,
                          opt_point *p, os_error *err)
{
    double cpu0 = (double)clock() / CLOCKS_PER_SEC, t0 = now_s();
    point_drop_result(p);
    p->scf_iterations = 0;
    memcpy(p->x, x, (size_t)op->n3 * sizeof *x);
    move_to(op, x);
    os_scf_options so = op->scf;
    scf_thresholds(op, flags & EVAL_TIGHT, &so, p);
    const os_scf_result *start = op->o->restart_orbitals ? guess : NULL;
    p->unchecked = skip_check(op, start, flags);
    if (p->unchecked) so.stability = OS_STABILITY_OFF;
    os_status st = build_external(op, &so, err);
    if (st != OS_OK) return st;
    st = run_scf(op, so, start, p, err);
    p->have_res = st == OS_OK;
    double t1 = now_s();
    if (st == OS_OK && !(flags & EVAL_ENERGY))
        st = os_scf_gradient(&op->mol, &op->bs, &so, &p->res, p->gx, err);
    if (op->o->external && op->o->external->release) op->o->external->release(op->o->external->ctx);
    p->energy = p->have_res ? p->res.energy : NAN;
    p->scf_s = t1 - t0;
    p->grad_s = now_s() - t1;
    p->cpu_s = (double)clock() / CLOCKS_PER_SEC - cpu0;
    return st;
}

/* ----------------------------------------------------------------- history */

/* Point p, history row s, as the next frame of the trajectory file. */
static os_status trajectory_frame(const optimizer *op, const opt_point *p, const os_opt_step *s,
                                  os_error *err)
{
    FILE *f = op->o->trajectory;
    if (!f) return OS_OK;
    fprintf(f, "%d\ncharge=%d mult=%d step=%d energy=%.10f max_force=%.2e rms_force=%.2e accepted=%d\n",
            op->natom, op->mol.charge, op->mol.mult, op->res->nhistory, s->energy, s->max_force,
            s->rms_force, s->accepted);
    os_opt_write_xyz_atoms(f, op->natom, op->mol.Z, p->x);
    if (fflush(f) != 0 || ferror(f))
        return os_fail(err, OS_ERR_IO, "%s: cannot write the optimization trajectory: %s",
                       op->mol.name, strerror(errno));
    return OS_OK;
}

static os_status history_add(optimizer *op, const opt_point *p, double de, int accepted,
                             os_error *err)
{
    os_opt_result *r = op->res;
    if (r->nhistory == op->hist_cap) {
        int ncap = op->hist_cap ? 2 * op->hist_cap : 32;
        os_opt_step *h = realloc(r->history, (size_t)ncap * sizeof *h);
        if (!h) return OS_NOMEM(err, "optimization history");
        r->history = h;
        op->hist_cap = ncap;
    }
    os_opt_step *s = &r->history[r->nhistory++];
    memset(s, 0, sizeof *s);
    s->energy = p->energy;
    s->de = de;
    s->scf_iterations = p->scf_iterations;
    s->accepted = accepted;
    s->scf_s = p->scf_s;
    s->gradient_s = p->grad_s;
    s->cpu_s = p->cpu_s;
    s->trust = op->trust;
    double *g = malloc((size_t)op->n3 * sizeof *g);
    if (!g) return OS_NOMEM(err, "forces");
    memcpy(g, p->gx, (size_t)op->n3 * sizeof *g);
    os_rigid_project(op->natom, p->x, g);
    os_vec_max_rms(op->n3, g, &s->max_force, &s->rms_force);
    free(g);
    r->nsteps = r->nhistory;
    r->scf_iterations += p->scf_iterations;
    return trajectory_frame(op, p, s, err);
}

static void log_header(const optimizer *op)
{
    FILE *f = op->o->log;
    if (!f) return;
    int kind[6] = {0};
    for (int i = 0; i < op->set.n; ++i) ++kind[op->set.ic[i].kind];
    if (op->set.cartesian)
        fprintf(f, "%s: optimization in Cartesian coordinates (%d atoms)\n", op->mol.name,
                op->natom);
    else
        fprintf(f,
                "%s: optimization in %d redundant internal coordinates (%d stretches, %d bends, "
                "%d linear bends, %d torsions, %d out-of-plane, %d Cartesians), %d atoms\n",
                op->mol.name, op->set.n, kind[OS_IC_STRETCH], kind[OS_IC_BEND],
                kind[OS_IC_LINEAR_BEND], kind[OS_IC_TORSION], kind[OS_IC_OUT_OF_PLANE],
                kind[OS_IC_CARTESIAN], op->natom);
    fprintf(f,
            "%s: Lindh model Hessian, BFGS, RFO steps, trust radius %.3g; converged at max force "
            "%.1e, rms force %.1e Eh/bohr, max step %.1e, rms step %.1e bohr (* = met)\n",
            op->mol.name, op->trust, op->o->max_force, op->o->rms_force, op->o->max_step,
            op->o->rms_step);
    fprintf(f, "%s:  step        energy (Eh)        dE (Eh)      max F     rms F     max dx    "
               "rms dx    trust  scf  time (s)\n",
            op->mol.name);
}

static void log_row(const optimizer *op, int k)
{
    FILE *f = op->o->log;
    if (!f) return;
    const os_opt_step *s = &op->res->history[k];
    const os_opt_options *o = op->o;
    char step[64] = "        -         -";
    if (s->max_step > 0 || s->rms_step > 0)
        snprintf(step, sizeof step, "%9.2e%c %8.2e%c", s->max_step,
                 s->max_step < o->max_step ? '*' : ' ', s->rms_step,
                 s->rms_step < o->rms_step ? '*' : ' ');
    fprintf(f, "%s: %5d %18.10f %14.3e  %8.2e%c %8.2e%c %s %7.3g %4d %8.1f%s%s\n", op->mol.name,
            k + 1, s->energy, s->de, s->max_force, s->max_force < o->max_force ? '*' : ' ',
            s->rms_force, s->rms_force < o->rms_force ? '*' : ' ', step, s->trust,
            s->scf_iterations, s->scf_s + s->gradient_s, s->accepted ? "" : "  rejected",
            s->cartesian ? "  Cartesian step" : "");
}

/* ------------------------------------------------------------ coordinates */

static void coordinates_free(optimizer *op)
{
    os_ic_set_free(&op->set);
    os_ic_frame_free(&op->frame);
    free(op->P), free(op->H), free(op->q), free(op->gq), free(op->q_prev), free(op->gq_prev);
    op->P = op->H = op->q = op->gq = op->q_prev = op->gq_prev = NULL;
    op->have_prev = 0;
}

/* The coordinate set at x and the model Hessian in it. */
static os_status coordinates_build(optimizer *op, const double *x, os_error *err)
{
    coordinates_free(op);
    os_status st = op->o->coordinates == OS_OPT_CARTESIAN
                       ? os_ic_set_cartesian(op->natom, &op->set, err)
                       : os_ic_set_build(&op->mol, &op->conn, x, &op->set, err);
    if (st != OS_OK) return st;
    size_t n = (size_t)op->set.n;
    op->P = malloc(n * n * sizeof(double) + 1);
    op->H = malloc(n * n * sizeof(double) + 1);
    op->q = malloc(n * sizeof(double) + 1);
    op->gq = malloc(n * sizeof(double) + 1);
    op->q_prev = malloc(n * sizeof(double) + 1);
    op->gq_prev = malloc(n * sizeof(double) + 1);
    double *Hx = malloc((size_t)op->n3 * op->n3 * sizeof(double) + 1);
    if (!op->P || !op->H || !op->q || !op->gq || !op->q_prev || !op->gq_prev || !Hx) {
        free(Hx);
        return OS_NOMEM(err, "optimizer coordinates");
    }
    st = os_ic_frame_build(&op->set, x, &op->frame, err);
    if (st == OS_OK) st = os_model_hessian_lindh(&op->mol, x, Hx, err);
    if (st == OS_OK) st = os_hessian_to_internal(&op->frame, Hx, op->H, err);
    free(Hx);
    op->res->ninternal = op->set.cartesian ? 0 : op->set.n;
    return st;
}

/* Frame, projector, values and gradient at the current point. */
static os_status coordinates_at_current(optimizer *op, os_error *err)
{
    os_ic_frame_free(&op->frame);
    os_status st = os_ic_frame_build(&op->set, op->cur.x, &op->frame, err);
    if (st == OS_OK) st = os_ic_projector(&op->frame, op->P, err);
    if (st == OS_OK) st = os_ic_gradient(&op->frame, op->cur.gx, op->gq, err);
    if (st == OS_OK) os_ic_values(&op->set, op->cur.x, op->q);
    return st;
}

/* BFGS with the step from the previous accepted geometry. */
static os_status update_hessian(optimizer *op, os_error *err)
{
    int n = op->set.n;
    if (!op->have_prev) return OS_OK;
    double *s = malloc((size_t)n * sizeof *s + 1), *y = malloc((size_t)n * sizeof *y + 1);
    if (!s || !y) {
        free(s), free(y);
        return OS_NOMEM(err, "Hessian update");
    }
    os_ic_diff(&op->set, op->q, op->q_prev, s);
    for (int i = 0; i < n; ++i) y[i] = op->gq[i] - op->gq_prev[i];
    int done = os_hessian_bfgs(n, op->H, s, y);
    free(s), free(y);
    return done < 0 ? OS_NOMEM(err, "Hessian update") : OS_OK;
}

/* ------------------------------------------------------------------- steps */

typedef struct {
    double *x;             /* the next geometry */
    double predicted;      /* energy change the quadratic model promises, Eh */
    double norm;           /* |dq| (or |dx| for a Cartesian step) */
    double max_dx, rms_dx; /* Cartesian step, rigid motions projected out */
    int cartesian;
} opt_step;

/* Cartesian RFO step from the internal Hessian moved to Cartesians. */
static os_status cartesian_step(optimizer *op, opt_step *st_out, os_error *err)
{
    int m = op->n3;
    os_ic_set cs;
    os_ic_frame cf;
    double *Hx = malloc((size_t)m * m * sizeof *Hx + 1), *dx = malloc((size_t)m * sizeof *dx + 1);
    double *P = malloc((size_t)m * m * sizeof *P + 1);
    os_status st = OS_OK;
    if (!Hx || !dx || !P) st = OS_NOMEM(err, "Cartesian step");
    if (st == OS_OK) st = os_ic_set_cartesian(op->natom, &cs, err);
    if (st == OS_OK) {
        st = os_ic_frame_build(&cs, op->cur.x, &cf, err);
        os_ic_set_free(&cs);
    }
    if (st == OS_OK) {
        memcpy(P, cf.M, (size_t)m * m * sizeof *P); /* the rigid-motion projector */
        os_ic_frame_free(&cf);
        st = os_hessian_to_cartesian(&op->frame, op->H, Hx, err);
    }
    os_step_info info;
    if (st == OS_OK) st = os_step_rfo(m, Hx, op->cur.gx, P, op->trust, dx, &info, err);
    if (st == OS_OK) {
        for (int i = 0; i < m; ++i) st_out->x[i] = op->cur.x[i] + dx[i];
        st_out->predicted = info.predicted;
        st_out->norm = info.norm;
        st_out->cartesian = 1;
    }
    free(Hx), free(dx), free(P);
    return st;
}

/* The next geometry from the current one. */
static os_status take_step(optimizer *op, opt_step *s, os_error *err)
{
    int n = op->set.n;
    double *dq = malloc((size_t)n * sizeof *dq + 1);
    if (!dq) return OS_NOMEM(err, "step");
    os_step_info info;
    os_backtransform_info bt = {0};
    s->cartesian = 0;
    os_status st = os_step_rfo(n, op->H, op->gq, op->P, op->trust, dq, &info, err);
    if (st == OS_OK) st = os_backtransform(&op->set, op->cur.x, dq, s->x, &bt, err);
    free(dq);
    if (st != OS_OK) return st;
    s->predicted = info.predicted;
    s->norm = info.norm;
    if (!bt.converged && !op->set.cartesian) st = cartesian_step(op, s, err);
    if (st != OS_OK) return st;
    double *dx = malloc((size_t)op->n3 * sizeof *dx);
    if (!dx) return OS_NOMEM(err, "step");
    for (int i = 0; i < op->n3; ++i) dx[i] = s->x[i] - op->cur.x[i];
    os_rigid_project(op->natom, op->cur.x, dx);
    os_vec_max_rms(op->n3, dx, &s->max_dx, &s->rms_dx);
    free(dx);
    return OS_OK;
}

/* ------------------------------------------------------- judging a step */

static void adapt_trust(optimizer *op, double de, const opt_step *s)
{
    const os_opt_options *o = op->o;
    if (fabs(s->predicted) < TRUST_MIN_PREDICTED) return;
    double ratio = de / s->predicted;
    if (ratio < 0.25)
        op->trust = fmax(o->trust_min, 0.5 * fmin(op->trust, s->norm));
    else if (ratio > 0.75 && s->norm > 0.8 * op->trust)
        op->trust = fmin(o->trust_max, 2.0 * op->trust);
}

static int should_reject(const optimizer *op, double de)
{
    return de > REJECT_MIN_RISE && op->trust > op->o->trust_min * 1.001;
}

/* The stability check's record along the path, as p becomes current. */
static void note_check(optimizer *op, const opt_point *p)
{
    if (p->unchecked) {
        ++op->stab_age;
    } else if (p->have_res) {
        op->stab_eig = p->res.stability_eig;
        op->stab_age = 0;
    }
}

/* The trial point becomes the current one; the old current's buffers are
 * kept for the next trial. */
static void trial_to_current(optimizer *op)
{
    note_check(op, &op->trial);
    opt_point t = op->cur;
    op->cur = op->trial;
    op->trial = t;
    point_drop_result(&op->trial);
}

/* The trial geometry becomes the current one. */
static void accept_trial(optimizer *op)
{
    memcpy(op->q_prev, op->q, (size_t)op->set.n * sizeof *op->q);
    memcpy(op->gq_prev, op->gq, (size_t)op->set.n * sizeof *op->gq);
    op->have_prev = 1;
    trial_to_current(op);
}

/* A coordinate that is about to become undefined: rebuild the set here
 * (the Hessian starts again from the model). */
static os_status keep_coordinates_sound(optimizer *op, os_error *err)
{
    if (op->set.cartesian || os_ic_set_sound(&op->set, op->cur.x)) return OS_OK;
    if (op->o->log)
        fprintf(op->o->log, "%s: an angle near 180 degrees: internal coordinates rebuilt\n",
                op->mol.name);
    move_to(op, op->cur.x);
    return coordinates_build(op, op->cur.x, err);
}

static int converged(const os_opt_options *o, const os_opt_step *h)
{
    int forces = h->max_force < o->max_force && h->rms_force < o->rms_force;
    int steps = h->max_step < o->max_step && h->rms_step < o->rms_step;
    /* Gaussian's rule: forces 100 times below their thresholds suffice. */
    int tiny = h->max_force < 0.01 * o->max_force && h->rms_force < 0.01 * o->rms_force;
    return (forces && steps) || tiny;
}

/* ------------------------------------------------------- minimum check */

/* Curvature (Eh/bohr^2) along internal mode v, from one energy a small
 * Cartesian step h away: 2 (E(h) - E - h g.u) / h^2 with the current point's
 * energy and gradient; the Cartesian unit direction probed into dir (n3).
 * At the caller's SCF thresholds the energy is right to ~1e-10 Eh (second
 * order in the 1e-7 orbital gradient), so the curvature to ~2e-6 Eh/bohr^2;
 * a second gradient would cost a gradient's time and carry its ~3e-7
 * Eh/bohr error divided by h (3e-5). */
static os_status probe_curvature(optimizer *op, const double *v, double *curv, double *dir,
                                 os_error *err)
{
    int m = op->n3;
    double *u = malloc((size_t)m * sizeof *u), *x = malloc((size_t)m * sizeof *x);
    opt_point p;
    os_status st = point_alloc(&p, m, err);
    if (!u || !x) st = OS_NOMEM(err, "curvature probe");
    if (st == OS_OK) st = os_ic_to_cartesian(&op->frame, v, u, err);
    double len = 0;
    if (st == OS_OK) {
        os_rigid_project(op->natom, op->cur.x, u);
        for (int i = 0; i < m; ++i) len += u[i] * u[i];
        len = sqrt(len);
        if (len < 1e-12) st = os_fail(err, OS_ERR_NUMERIC, "curvature probe: empty mode");
    }
    if (st == OS_OK) {
        for (int i = 0; i < m; ++i) x[i] = op->cur.x[i] + PROBE_STEP * u[i] / len;
        st = evaluate(op, x, &op->cur.res, EVAL_TIGHT | EVAL_ENERGY, &p, err);
    }
    if (st == OS_OK) {
        double slope = 0;
        for (int i = 0; i < m; ++i) {
            dir[i] = u[i] / len;
            slope += op->cur.gx[i] * dir[i];
        }
        *curv = 2.0 * (p.energy - op->cur.energy - PROBE_STEP * slope) / (PROBE_STEP * PROBE_STEP);
        op->res->scf_iterations += p.scf_iterations;
    }
    point_free(&p);
    free(u), free(x);
    return st;
}

/* The trial point becomes the current one without a BFGS update: it is the
 * same geometry in another electronic state, or a step across negative
 * curvature, neither of which says anything about the Hessian. */
static os_status restart_at_trial(optimizer *op, os_error *err)
{
    accept_trial(op);
    op->have_prev = 0;
    os_status st = keep_coordinates_sound(op, err);
    return st == OS_OK ? coordinates_at_current(op, err) : st;
}

/* A result converged at loosened SCF thresholds (a start that is a minimum
 * already, since the first geometry has no forces to go by, or forces that
 * fell ten-fold in one step), or without its stability check, is evaluated
 * again at the caller's thresholds, checked, before it is reported or probed
 * (the probe's curvature divides energy errors by PROBE_STEP^2).  When the
 * check found a saddle point of the SCF and left it for a lower state
 * (*moved), that is a new geometry's worth of energy and forces: a history
 * row, and the optimization goes on. */
static os_status finalize_current(optimizer *op, int *moved, os_error *err)
{
    *moved = 0;
    if (!op->cur.loose && !op->cur.unchecked) return OS_OK;
    os_status st = evaluate(op, op->cur.x, &op->cur.res, EVAL_TIGHT | EVAL_CHECK, &op->trial, err);
    if (st != OS_OK) return st;
    double de = op->trial.energy - op->cur.energy;
    *moved = de < -STATE_CHANGE;
    if (!*moved) {
        op->res->scf_iterations += op->trial.scf_iterations;
        trial_to_current(op);
        return OS_OK;
    }
    if (op->o->log)
        fprintf(op->o->log, "%s: the SCF's stability check moved it to a state %.3e Eh lower: "
                            "optimizing on\n",
                op->mol.name, de);
    if ((st = history_add(op, &op->trial, de, 1, err)) != OS_OK) return st;
    return restart_at_trial(op, err);
}

static os_status check_minimum(optimizer *op, os_error *err)
{
    os_opt_result *r = op->res;
    int n = op->set.n, k = op->o->probe_modes;
    if (k > n) k = n;
    if (k < 0) k = 0;
    double *w = malloc((size_t)n * sizeof *w + 1), *V = malloc((size_t)n * n * sizeof *V + 1);
    double *dir = malloc((size_t)op->n3 * sizeof *dir);
    os_status st = w && V && dir ? OS_OK : OS_NOMEM(err, "minimum check");
    op->neg_curv = 0;
    if (st == OS_OK) st = os_hessian_modes(n, op->H, op->P, w, V, err);
    r->hessian_min_eig = st == OS_OK ? w[0] : NAN;
    r->probe_min_curvature = NAN;
    for (int i = 0; i < k && st == OS_OK; ++i) {
        double c;
        double *v = malloc((size_t)n * sizeof *v + 1);
        if (!v) {
            st = OS_NOMEM(err, "minimum check");
            break;
        }
        for (int j = 0; j < n; ++j) v[j] = V[(size_t)j * n + i];
        st = probe_curvature(op, v, &c, dir, err);
        free(v);
        if (st != OS_OK) break;
        if (c < op->neg_curv) {
            op->neg_curv = c;
            memcpy(op->neg_u, dir, (size_t)op->n3 * sizeof *dir);
        }
        if (op->o->log)
            fprintf(op->o->log, "%s: mode %d: Hessian eigenvalue %.3e, probed curvature %.3e Eh/bohr^2\n",
                    op->mol.name, i + 1, w[i], c);
        r->probe_min_curvature = i == 0 ? c : fmin(r->probe_min_curvature, c);
        r->nprobe = i + 1;
    }
    r->saddle = r->hessian_min_eig < OS_OPT_NEGATIVE_CURVATURE ||
                (r->nprobe > 0 && r->probe_min_curvature < OS_OPT_NEGATIVE_CURVATURE);
    free(w), free(V), free(dir);
    return st;
}

/* Leave the saddle point the probes found: a step of ESCAPE_STEP along the
 * negative mode, to whichever side lowers the energy, becomes the current
 * point (no BFGS update across it: the curvature there is negative, and the
 * Hessian keeps its positive value, so the next steps go on downhill); the
 * trust radius starts again.  *moved = 0 when neither side is lower (the
 * result stays flagged). */
static os_status escape_saddle(optimizer *op, int *moved, os_error *err)
{
    *moved = 0;
    if (!(op->neg_curv < OS_OPT_NEGATIVE_CURVATURE)) return OS_OK;
    double *x = malloc((size_t)op->n3 * sizeof *x);
    if (!x) return OS_NOMEM(err, "saddle escape");
    os_status st = OS_OK;
    for (int side = 1; side >= -1 && st == OS_OK && !*moved; side -= 2) {
        for (int i = 0; i < op->n3; ++i) x[i] = op->cur.x[i] + side * ESCAPE_STEP * op->neg_u[i];
        st = evaluate(op, x, &op->cur.res, 0, &op->trial, err);
        if (st != OS_OK) break;
        double de = op->trial.energy - op->cur.energy;
        *moved = de < -REJECT_MIN_RISE;
        if ((st = history_add(op, &op->trial, de, *moved, err)) != OS_OK) break;
        if (op->o->log)
            fprintf(op->o->log,
                    "%s: saddle point (curvature %.2e Eh/bohr^2): %.2f bohr along that mode, "
                    "dE %.3e Eh%s\n",
                    op->mol.name, op->neg_curv, side * ESCAPE_STEP, de,
                    *moved ? ": optimizing on from there" : "");
    }
    free(x);
    if (st != OS_OK || !*moved) return st;
    op->trust = op->o->trust;
    op->res->saddle_escapes++;
    return restart_at_trial(op, err);
}

/* ------------------------------------------------------------------ driver */

static os_status setup(optimizer *op, const os_molecule *mol, os_error *err)
{
    op->natom = mol->natom;
    op->n3 = 3 * mol->natom;
    op->trust = op->o->trust;
    op->stab_eig = NAN;
    os_status st = os_molecule_copy(mol, &op->mol, err);
    if (st != OS_OK) return st;
    /* Each geometry's SCF leaves its fitted integrals and grid here for its
     * gradient (the caller's shared set, if any, is for another geometry). */
    if ((st = os_scf_shared_new(&op->shared, err)) != OS_OK) return st;
    op->scf.shared = op->shared;
    st = os_basis_load(&op->mol, op->basis_name, op->basis_dir, op->pure, &op->bs, err);
    op->have_bs = st == OS_OK;
    if (st == OS_OK) st = os_connectivity_build(&op->mol, 0.0, 1, &op->conn, err);
    if (st == OS_OK) st = point_alloc(&op->cur, op->n3, err);
    if (st == OS_OK) st = point_alloc(&op->trial, op->n3, err);
    if (st == OS_OK && !(op->neg_u = calloc((size_t)op->n3, sizeof(double))))
        st = OS_NOMEM(err, "optimizer");
    if (st == OS_OK) st = coordinates_build(op, mol->xyz, err);
    return st;
}

static void finish_message(optimizer *op, int conv)
{
    os_opt_result *r = op->res;
    snprintf(r->message, sizeof r->message,
             "%s in %d steps: E = %.10f Eh, max force %.2e, rms force %.2e Eh/bohr, "
             "max step %.2e, rms step %.2e bohr",
             conv ? "converged" : "not converged", r->nsteps, r->energy, r->max_force,
             r->rms_force, r->max_step, r->rms_step);
}

/* Bonds at the result against those of the start (links between fragments
 * aside). */
static os_status compare_bonds(optimizer *op, os_error *err)
{
    os_opt_result *r = op->res;
    os_connectivity after;
    os_status st = os_connectivity_build(&r->mol, 0.0, 0, &after, err);
    if (st != OS_OK) return st;
    st = os_connectivity_compare(&op->conn, &after, &r->mol, &r->bond_changes,
                                 &r->nbond_changes, err);
    os_connectivity_free(&after);
    if (st == OS_OK && op->o->log)
        for (int k = 0; k < r->nbond_changes; ++k) {
            char what[96];
            os_bond_change_describe(&r->mol, &r->bond_changes[k], what, sizeof what);
            fprintf(op->o->log, "%s: bond %s during the optimization\n", r->mol.name, what);
        }
    return st;
}

/* The current point becomes the result. */
static os_status finish(optimizer *op, os_error *err)
{
    os_opt_result *r = op->res;
    const os_opt_step *h = &r->history[r->nhistory - 1];
    for (int k = r->nhistory - 1; k >= 0; --k)
        if (r->history[k].accepted) {
            h = &r->history[k];
            break;
        }
    r->energy = op->cur.energy;
    r->max_force = h->max_force;
    r->rms_force = h->rms_force;
    r->max_step = h->max_step;
    r->rms_step = h->rms_step;
    r->met[0] = h->max_force < op->o->max_force;
    r->met[1] = h->rms_force < op->o->rms_force;
    r->met[2] = h->max_step < op->o->max_step;
    r->met[3] = h->rms_step < op->o->rms_step;
    os_status st = os_molecule_copy(&op->mol, &r->mol, err);
    if (st != OS_OK) return st;
    memcpy(r->mol.xyz, op->cur.x, (size_t)op->n3 * sizeof(double));
    st = os_basis_load(&r->mol, op->basis_name, op->basis_dir, op->pure, &r->basis, err);
    if (st != OS_OK) return st;
    r->scf = op->cur.res;
    op->cur.have_res = 0;
    r->gradient = op->cur.gx;
    op->cur.gx = NULL;
    return compare_bonds(op, err);
}

/* Evaluate the trial geometry and accept or reject it.  *rejected says which. */
static os_status try_step(optimizer *op, const opt_step *s, int *rejected, os_error *err)
{
    os_status st = evaluate(op, s->x, &op->cur.res, 0, &op->trial, err);
    if (st != OS_OK) return st;
    double de = op->trial.energy - op->cur.energy;
    *rejected = should_reject(op, de);
    if ((st = history_add(op, &op->trial, de, !*rejected, err)) != OS_OK) return st;
    if (*rejected) {
        log_row(op, op->res->nhistory - 1);
        op->trust = fmax(op->o->trust_min, 0.25 * s->norm);
        point_drop_result(&op->trial);
        return OS_OK;
    }
    adapt_trust(op, de, s);
    accept_trial(op);
    if ((st = keep_coordinates_sound(op, err)) != OS_OK) return st;
    if ((st = coordinates_at_current(op, err)) != OS_OK) return st;
    return update_hessian(op, err);
}

/* Steps from the current geometry (history row cur_row) until converged
 * (*conv) or out of steps. */
static os_status iterate(optimizer *op, int cur_row, int *conv, os_error *err)
{
    os_opt_result *r = op->res;
    opt_step s = {0};
    s.x = malloc((size_t)op->n3 * sizeof *s.x);
    if (!s.x) return OS_NOMEM(err, "step");
    os_status st = OS_OK;
    for (;;) {
        if ((st = take_step(op, &s, err)) != OS_OK) break;
        os_opt_step *h = &r->history[cur_row];
        h->max_step = s.max_dx;
        h->rms_step = s.rms_dx;
        h->trust = op->trust;
        h->cartesian = s.cartesian;
        *conv = converged(op->o, h);
        log_row(op, cur_row);
        if (*conv) break;
        if (r->nhistory >= op->o->max_steps) break;
        int rejected;
        if ((st = try_step(op, &s, &rejected, err)) != OS_OK) break;
        if (!rejected) cur_row = r->nhistory - 1;
    }
    free(s.x);
    return st;
}

/* Steps to convergence from history row cur_row, the result made final
 * (finalize_current), then the minimum check. */
static os_status converge(optimizer *op, int cur_row, int *conv, os_error *err)
{
    for (;;) {
        os_status st = iterate(op, cur_row, conv, err);
        if (st != OS_OK || !*conv) return st;
        int moved;
        if ((st = finalize_current(op, &moved, err)) != OS_OK) return st;
        if (!moved) break;
        cur_row = op->res->nhistory - 1;
    }
    return check_minimum(op, err);
}

static void optimizer_free(optimizer *op)
{
    free(op->neg_u);
    coordinates_free(op);
    point_free(&op->cur);
    point_free(&op->trial);
    os_connectivity_free(&op->conn);
    os_scf_shared_free(op->shared); /* before the basis its builder points to */
    if (op->have_bs) os_basis_free(&op->bs);
    os_molecule_free(&op->mol);
}

static os_status check_inputs(const os_molecule *mol, const os_scf_options *scf,
                              const os_opt_options *o, os_error *err)
{
    if (mol->natom < 1) return os_fail(err, OS_ERR_INPUT, "%s: no atoms to optimize", mol->name);
    if (scf->npotentials > 0)
        return os_fail(err, OS_ERR_INPUT,
                       "%s: external terms depend on the geometry: give them to the optimizer "
                       "(os_opt_options.external), not to the SCF options",
                       mol->name);
    if (o->max_steps < 1 || !(o->trust > 0) || !(o->trust_min > 0) || o->trust_max < o->trust)
        return os_fail(err, OS_ERR_INPUT, "%s: optimizer options out of range", mol->name);
    return OS_OK;
}

os_status os_optimize(const os_molecule *mol, const char *basis, const char *basis_dir, int pure,
                      const os_scf_options *scf, const os_opt_options *opt, os_opt_result *res,
                      os_error *err)
{
    memset(res, 0, sizeof *res);
    res->hessian_min_eig = NAN;
    res->probe_min_curvature = NAN;
    os_opt_options dflt;
    if (!opt) {
        os_opt_options_default(&dflt);
        opt = &dflt;
    }
    os_status st = check_inputs(mol, scf, opt, err);
    if (st != OS_OK) return st;
    optimizer op;
    memset(&op, 0, sizeof op);
    op.o = opt;
    op.scf = *scf;
    op.basis_name = basis;
    op.basis_dir = basis_dir;
    op.pure = pure;
    op.res = res;
    int conv = 0;
    st = setup(&op, mol, err);
    if (st == OS_OK) {
        log_header(&op);
        st = evaluate(&op, mol->xyz, NULL, 0, &op.cur, err);
        note_check(&op, &op.cur);
    }
    if (st == OS_OK) st = history_add(&op, &op.cur, 0.0, 1, err);
    if (st == OS_OK) {
        res->start_energy = op.cur.energy;
        st = coordinates_at_current(&op, err);
    }
    if (st == OS_OK) st = converge(&op, 0, &conv, err);
    for (int k = 0; st == OS_OK && conv && res->saddle && k < opt->saddle_escapes; ++k) {
        int moved;
        st = escape_saddle(&op, &moved, err);
        if (st != OS_OK || !moved) break;
        st = converge(&op, res->nhistory - 1, &conv, err);
    }
    /* Even a failed run reports its last accepted geometry. */
    if (res->nhistory > 0 && op.cur.have_res) {
        os_error e2;
        os_status st2 = finish(&op, &e2);
        if (st == OS_OK && st2 != OS_OK) st = st2, *err = e2;
    }
    res->converged = st == OS_OK && conv;
    finish_message(&op, res->converged);
    if (st == OS_OK && !conv)
        st = os_fail(err, OS_ERR_NOCONV, "%s: geometry %s", mol->name, res->message);
    if (opt->log) fprintf(opt->log, "%s: %s\n", mol->name, res->message);
    optimizer_free(&op);
    return st;
}

void os_opt_result_free(os_opt_result *res)
{
    if (!res) return;
    os_molecule_free(&res->mol);
    if (res->basis.shells) os_basis_free(&res->basis);
    os_scf_result_free(&res->scf);
    free(res->gradient);
    free(res->bond_changes);
    free(res->history);
    memset(res, 0, sizeof *res);
}
