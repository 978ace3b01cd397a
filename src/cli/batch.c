/* The batch: every input is read once and split into its molecules (the
 * frames of a multi-frame XYZ file, the records of an SDF file), one job per
 * molecule in input order, then frame order.  Molecules run on worker threads (--jobs, each with --threads
 * OpenMP threads); the main thread alone reports and writes.  Each finished
 * molecule is written once (Molden file, journal line) as it arrives; the
 * summaries are rewritten from a snapshot at most every few seconds and at
 * the end, so a batch costs time linear in its size.  SIGINT/SIGTERM are held
 * back while a file is being written, so an interrupted run leaves only
 * complete files.  --resume takes over the results folder's finished
 * molecules of the same key, --shard K/N runs every N-th molecule, and in an
 * MPI build (mpi_batch.c) rank 0 hands the molecules to other ranks. */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/sha256.h"
#include "report/report.h"

/* Summaries are rewritten at most this often (s), and never taking more than
 * a tenth of the run's time. */
#define SUMMARY_MIN_INTERVAL_S 2.0
#define SUMMARY_MAX_SHARE 0.1

typedef struct {
    const char *path;       /* input as given */
    const os_input *in;     /* NULL when the input could not be read (err says why) */
    int index;              /* molecule index within in */
    os_results_place place; /* resume key (of the path alone when unreadable), position */
    os_report_record *kept; /* the result as a record: of an earlier run (resumed), or
                               computed by another MPI rank */
    int resumed;            /* --resume: kept from an earlier run, not computed again */
    char *molden;           /* from another MPI rank: its Molden file's text (NULL: none) */
    size_t molden_len;
    char stem[OS_REPORT_STEM_MAX];
    os_molecule mol;
    cli_calc c;             /* basis, SCF result, solvation */
    int failed;
    os_status status;
    os_error err;
    double wall_s;
} job;

typedef struct {
    const cli_options *opt;
    job *jobs;
    const int *todo; /* job indices to run, in the order to run them */
    int ntodo, next;
    int *finished; /* job indices in the order they finished */
    int nfinished;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} queue;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ------------------------------------------------------------ the workers */

/* The share of res's LUMO on the basis's diffuse functions (a diagnostic:
 * a failure leaves it unknown, not the molecule failed). */
static void lumo_character(const cli_options *o, const os_molecule *mol, const cli_calc *c,
                           const os_scf_result *res, double *share, int *have)
{
    os_error err;
    *have = os_scf_lumo_diffuse_share(mol, &c->bs, o->basis_dir, res, o->threads, share,
                                      &err) == OS_OK &&
            isfinite(*share);
}

/* The nuclear gradient of the converged SCF (--gradient), with the
 * solvent's term when so has it. */
static os_status run_gradient(const os_molecule *mol, cli_calc *c, const os_scf_options *so,
                              os_error *err)
{
    c->grad = calloc((size_t)3 * mol->natom, sizeof(double));
    if (!c->grad) return os_fail(err, OS_ERR_NOMEM, "%s: out of memory (gradient)", mol->name);
    os_status st = os_scf_gradient(mol, &c->bs, so, &c->res, c->grad, err);
    if (st != OS_OK) {
        free(c->grad);
        c->grad = NULL;
    }
    return st;
}

/* Where the reduced species' electron went: the share of its SOMO on the
 * diffuse functions (a diagnostic: NAN when it cannot be had). */
static double somo_share(const cli_options *o, const os_molecule *mol, cli_calc *c,
                         const os_scf_result *ion)
{
    double share;
    os_error derr;
    return os_scf_somo_diffuse_share(mol, &c->bs, o->basis_dir, ion, o->threads, &share,
                                     &derr) == OS_OK
               ? share
               : NAN;
}

/* A start counts as a lower state when its energy is below the kept one's by
 * more than this (Eh): the same state from two starts agrees to ~2e-7 Eh at
 * the energy thresholds (TFPAA2-*, DFA2-*, acetate, FA, NO3: 1e-8-2e-7). */
#define START_LOWER 1e-5

/* The state a start reached without a stability check, checked: the same
 * SCF again from its own orbitals, occupied by index (as the start was), with
 * the check (which follows a saddle point down).  *r and *trial become that
 * result; returns 0 when that SCF failed (*trial is then empty). */
static int checked_again(const os_molecule *mol, cli_calc *c, const os_scf_options *so,
                         const os_solvent_options *sopt, int k, os_redox_result *r,
                         os_scf_result *trial)
{
    os_scf_options again = *so;
    again.solver = OS_SCF_SOLVER_DESCENT;
    os_redox_result r2;
    os_scf_result res2;
    os_error err;
    int iterations = r->iterations;
    os_status st = os_redox_vertical_from(mol, &c->bs, &again, sopt, &c->res, trial, 1, k, &r2,
                                          &res2, &err);
    os_scf_result_free(trial);
    memset(trial, 0, sizeof *trial);
    if (st != OS_OK) return 0;
    *r = r2;
    r->iterations += iterations;
    *trial = res2;
    return 1;
}

/* A reduced species whose electron is diffuse has several SCF minima, and
 * the LUMO start's is not always the lowest: in DME/DOL (B3LYP/6-31+G*,
 * 2026-11-29) OTF2-*, TFA2-* and DOL-* converged 3.3e-3, 3.9e-3 and 7.5e-4
 * Eh above the state that the LUMO+1 start reaches (E_red 0.089, 0.106 and
 * 0.020 V too low); acetate, FA, NO3, DFA and the valence pi* of TFPAA2-*
 * reach the same state from every start.  So an electron that is mostly
 * diffuse (OS_REPORT_DIFFUSE_ELECTRON) is also started in the LUMO+1 ...
 * (--ion-starts), and the lowest state is kept. */
static void other_starts(const cli_options *o, const os_molecule *mol, cli_calc *c,
                         const os_scf_options *so, const os_solvent_options *sopt,
                         os_scf_result *ion)
{
    if (o->ion_starts < 2 || c->res.unrestricted ||
        !(c->redox.red.somo_diffuse > OS_REPORT_DIFFUSE_ELECTRON))
        return;
    /* A start is checked for stability only when it is lower: most are not
     * (16 of the library's 21), and the check costs 7-30 s on the large ions. */
    os_scf_options quick = *so;
    quick.stability = OS_STABILITY_OFF;
    int tried = 1;
    for (int k = 1; k < o->ion_starts && c->res.nalpha + k < c->res.nmo; ++k, ++tried) {
        os_redox_result r;
        os_scf_result trial;
        os_error err;
        if (os_redox_vertical_start(mol, &c->bs, &quick, sopt, &c->res, k, &r, &trial, &err) !=
            OS_OK)
            continue; /* that start's failure leaves the kept state standing */
        int lower = r.e_ion < c->redox.red.e_ion - START_LOWER;
        if (lower && so->stability != OS_STABILITY_OFF) /* and still lower once checked */
            lower = checked_again(mol, c, so, sopt, k, &r, &trial) &&
                    r.e_ion < c->redox.red.e_ion - START_LOWER;
        if (!lower) {
            os_scf_result_free(&trial);
            continue;
        }
        r.somo_diffuse = somo_share(o, mol, c, &trial);
        c->redox.red = r;
        os_scf_result_free(ion);
        *ion = trial;
    }
    c->redox.red.starts = tried;
}

/* --reduction / --oxidation: the ions by Delta-SCF in the same model (so
 * without the parent's solvent term: each ion gets its own).  An ion that
 * fails (say its SCF does not converge) leaves the molecule's own result
 * standing: the potential is reported as missing, with the reason. */
static void run_redox(const cli_options *o, const os_molecule *mol, cli_calc *c,
                      os_scf_options so, const os_solvent_options *sopt)
{
    os_error err;
    so.potentials = NULL;
    so.npotentials = 0;
    os_scf_result ion;
    memset(&ion, 0, sizeof ion);
    os_status st = os_redox_vertical(mol, &c->bs, &so, sopt, &c->res, 1, &c->redox.red, &ion,
                                     &err);
    if (st == OS_OK) {
        c->redox.red.somo_diffuse = somo_share(o, mol, c, &ion);
        other_starts(o, mol, c, &so, sopt, &ion);
        if (o->opt) { /* the latest (at the optimum): where the adiabatic optimization starts */
            if (c->have_red_ion) os_scf_result_free(&c->red_ion);
            c->red_ion = ion;
            c->have_red_ion = 1;
        } else {
            os_scf_result_free(&ion);
        }
    }
    if (st == OS_OK && o->oxidation) {
        st = os_redox_vertical(mol, &c->bs, &so, sopt, &c->res, -1, &c->redox.ox, NULL, &err);
        c->redox.have_ox = st == OS_OK;
    }
    c->have_redox = c->redox.red.dn != 0;
    if (st != OS_OK) snprintf(c->redox_error, sizeof c->redox_error, "%s", err.msg);
}

/* What follows the molecule's SCF: gradient, Delta-SCF. */
static os_status run_after_scf(const cli_options *o, const os_molecule *mol, cli_calc *c,
                               const os_scf_options *so, const os_solvent_options *sopt,
                               os_error *err)
{
    os_status st = OS_OK;
    if (o->gradient) st = run_gradient(mol, c, so, err);
    if (st == OS_OK && (o->reduction || o->oxidation)) run_redox(o, mol, c, *so, sopt);
    return st;
}

/* The run's continuum model (--solvent/--eps). */
static void solvent_options(const cli_options *o, int nthreads, os_solvent_options *sopt)
{
    os_solvent_options_default(sopt);
    sopt->eps = o->eps;
    sopt->nthreads = nthreads;
}

/* In a solvent: the gas-phase SCF (for the solvation energy, the gas-phase
 * LUMO, and its orbitals to start from), then the solvated SCF into c->res,
 * then what follows it while the model lives. */
static os_status run_solvated(const cli_options *o, const os_molecule *mol, cli_calc *c,
                              os_scf_options so, os_error *err)
{
    os_scf_result gas;
    os_status st = os_scf_run(mol, &c->bs, &so, &gas, err);
    if (st != OS_OK) {
        c->res = gas; /* kept for inspection, reported as failed */
        return st;
    }
    os_solvent_options sopt;
    solvent_options(o, so.nthreads, &sopt);
    os_solvent *sv;
    st = os_solvent_new(mol, &c->bs, &sopt, &sv, err);
    if (st == OS_OK) {
        os_scf_potential p = os_solvent_potential(sv);
        so.potentials = &p;
        so.npotentials = 1;
        so.guess = OS_GUESS_ORBITALS;
        so.guess_orbitals = &gas;
        st = os_scf_run(mol, &c->bs, &so, &c->res, err);
        snprintf(c->model, sizeof c->model, "%s", os_solvent_describe(sv));
        c->solv = (os_report_solvation){.solvent = o->solvent, .eps = o->eps, .model = c->model,
                                        .e_gas = gas.energy, .e_pol = os_solvent_energy(sv),
                                        .lumo_gas = gas.lumo};
        c->have_solv = st == OS_OK;
        so.guess = o->scf.guess;
        so.guess_orbitals = o->scf.guess_orbitals;
        sopt.share = sv; /* the ions' cavities are this one */
        if (st == OS_OK) st = run_after_scf(o, mol, c, &so, &sopt, err);
        if (st == OS_OK) lumo_character(o, mol, c, &gas, &c->gas_diffuse, &c->have_gas_diffuse);
        os_solvent_free(sv);
    }
    os_scf_result_free(&gas);
    return st;
}

/* The optimized geometry's XYZ comment-line tags, "key=value ...": the
 * molecule's own, then in a solvent the phase (solvent=NAME eps=X) in place
 * of any the input had. */
static void tags_comment(const cli_options *o, const os_molecule *mol, char *buf, size_t n)
{
    int solvated = o->eps > 0.0;
    size_t w = 0;
    buf[0] = '\0';
    for (int t = 0; t < mol->ntag && w < n; ++t) {
        const char *key = mol->tags[t].key;
        if (solvated && (!strcasecmp(key, "solvent") || !strcasecmp(key, "eps"))) continue;
        w += (size_t)snprintf(buf + w, n - w, "%s%s=%s", w ? " " : "", key, mol->tags[t].value);
    }
    if (solvated && o->solvent && w < n)
        w += (size_t)snprintf(buf + w, n - w, "%ssolvent=%s", w ? " " : "", o->solvent);
    if (solvated && w < n) snprintf(buf + w, n - w, "%seps=%.6g", w ? " " : "", o->eps);
}

/* Bond changes as one message: "the optimization changed bonds: C1-C2 broken (2.95 A), ...". */
static void bond_change_message(const os_opt_result *r, os_error *err)
{
    int w = snprintf(err->msg, sizeof err->msg, "%s: the optimization changed bonds:",
                     r->mol.name);
    for (int k = 0; k < r->nbond_changes && w > 0 && (size_t)w < sizeof err->msg; ++k) {
        char what[96];
        os_bond_change_describe(&r->mol, &r->bond_changes[k], what, sizeof what);
        w += snprintf(err->msg + w, sizeof err->msg - (size_t)w, "%s %s", k ? "," : "", what);
    }
}

/* dir/name, or NULL when it does not fit. */
static int join_path(char *buf, size_t n, const char *dir, const char *name)
{
    int w = snprintf(buf, n, "%s/%s", dir, name);
    return w >= 0 && (size_t)w < n;
}

/* The file an optimization's path goes to, <c->traj_prefix><suffix>; NULL
 * when there is none, or (with a note) when it cannot be written: the
 * optimization does not depend on it. */
static FILE *open_trajectory(const cli_calc *c, const char *suffix)
{
    if (!c->traj_prefix[0]) return NULL;
    char path[sizeof c->traj_prefix + 32], msg[sizeof path + 160];
    snprintf(path, sizeof path, "%s%s", c->traj_prefix, suffix);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(msg, sizeof msg, "note: cannot write %s (%s); the optimization goes on without it",
                 path, strerror(errno));
        cli_error(msg);
    }
    return f;
}

static void close_trajectory(os_opt_options *oo)
{
    if (oo->trajectory) fclose(oo->trajectory);
    oo->trajectory = NULL;
}

/* --opt --reduction: the reduced species optimized in the same solvent from
 * the N-electron optimum (c->opt.mol, c->res).  A failure leaves the
 * molecule's result standing, the reason in redox_error. */
static void run_adiabatic(const cli_options *o, cli_calc *c, const os_scf_options *so,
                          const os_solvent_options *sopt, const os_opt_options *oo)
{
    os_error err;
    os_opt_options ion = *oo;
    ion.trajectory = open_trajectory(c, ".red.opt-trj.xyz");
    os_status st = os_redox_adiabatic(&c->opt.mol, o->basis, o->basis_dir, o->pure, so, sopt,
                                      &ion, &c->res, c->have_red_ion ? &c->red_ion : NULL, 1,
                                      &c->redox.ad, &c->red_opt, &err);
    close_trajectory(&ion);
    c->have_red_opt = 1;
    c->redox.have_ad = st == OS_OK;
    if (st != OS_OK) {
        os_error_prefix(&err, "adiabatic reduction");
        snprintf(c->redox_error, sizeof c->redox_error, "%s", err.msg);
    }
}

/* --opt in a solvent: at the optimized geometry the molecule's result as
 * run_solvated makes it (gas-phase SCF for dG_solv and the gas LUMO,
 * solvated SCF, vertical Delta-SCF), sharing integrals; then with
 * --reduction the adiabatic potential. */
static os_status solvated_at_optimum(const cli_options *o, cli_calc *c, os_scf_options so,
                                     const os_solvent_options *sopt, const os_opt_options *oo,
                                     os_error *err)
{
    os_scf_result_free(&c->res);
    memset(&c->res, 0, sizeof c->res);
    os_scf_shared *shared = NULL;
    os_status st = os_scf_shared_new(&shared, err);
    if (st != OS_OK) return st;
    so.shared = shared;
    st = run_solvated(o, &c->opt.mol, c, so, err);
    os_scf_shared_free(shared);
    so.shared = NULL;
    if (st == OS_OK && o->reduction && c->have_redox) run_adiabatic(o, c, &so, sopt, oo);
    return st;
}

/* --opt: the geometry optimized (in the solvent with --solvent/--eps, its
 * model rebuilt at every geometry); its last basis, SCF (and gradient)
 * become c's, its last geometry stays in c->opt.mol for the caller
 * (reported only when it converged with the bonds it started with).  In a
 * solvent the result there is computed as run_solvated does. */
static os_status run_optimization(const cli_options *o, const os_molecule *mol, cli_calc *c,
                                  const os_scf_options *so, os_error *err)
{
    os_opt_options oo;
    os_opt_options_default(&oo);
    oo.max_steps = o->opt_max_steps;
    oo.log = o->verbose ? stderr : NULL;
    os_solvent_options sopt;
    os_solvent_opt sx;
    os_opt_external ext;
    int solvated = o->eps > 0.0;
    if (solvated) {
        solvent_options(o, so->nthreads, &sopt);
        os_solvent_opt_init(&sx, &sopt, &ext);
        oo.external = &ext;
    }
    tags_comment(o, mol, c->comment, sizeof c->comment);
    oo.trajectory = open_trajectory(c, ".opt-trj.xyz");
    os_status st = os_optimize(mol, o->basis, o->basis_dir, o->pure, so, &oo, &c->opt, err);
    close_trajectory(&oo);
    c->have_opt = 1;
    if (c->opt.mol.natom > 0) {
        if (c->have_bs) os_basis_free(&c->bs);
        c->bs = c->opt.basis;
        c->res = c->opt.scf;
        c->have_bs = c->have_res = 1;
        memset(&c->opt.basis, 0, sizeof c->opt.basis);
        memset(&c->opt.scf, 0, sizeof c->opt.scf);
        if (o->gradient && !solvated) { /* in a solvent run_after_scf computes it */
            c->grad = c->opt.gradient;
            c->opt.gradient = NULL;
        }
    }
    if (st == OS_OK && c->opt.nbond_changes > 0) {
        bond_change_message(&c->opt, err);
        st = OS_ERR_NOCONV;
    }
    if (st == OS_OK && solvated) st = solvated_at_optimum(o, c, *so, &sopt, &oo, err);
    return st;
}

os_status cli_compute(const cli_options *o, const os_molecule *mol, cli_calc *c, os_error *err)
{
    os_status st = os_basis_load(mol, o->basis, o->basis_dir, o->pure, &c->bs, err);
    c->have_bs = st == OS_OK;
    if (st != OS_OK) return st;
    os_scf_options so = o->scf;
    so.nthreads = o->threads;
    so.log = o->verbose ? stderr : NULL;
    /* The gas-phase, solvated and Delta-SCF runs share their fitted
     * integrals and grids (an optimization's geometries do not). */
    os_scf_shared *shared = NULL;
    if (!o->opt && (st = os_scf_shared_new(&shared, err)) != OS_OK) return st;
    so.shared = shared;
    if (o->opt) {
        st = run_optimization(o, mol, c, &so, err);
    } else if (o->eps > 0.0) {
        st = run_solvated(o, mol, c, so, err);
    } else {
        st = os_scf_run(mol, &c->bs, &so, &c->res, err);
        if (st == OS_OK) st = run_after_scf(o, mol, c, &so, NULL, err);
    }
    os_scf_shared_free(shared);
    c->have_res = 1;
    if (st == OS_OK) lumo_character(o, mol, c, &c->res, &c->lumo_diffuse, &c->have_diffuse);
    return st;
}

void cli_calc_free(cli_calc *c)
{
    if (c->have_res) os_scf_result_free(&c->res);
    if (c->have_bs) os_basis_free(&c->bs);
    free(c->grad);
    c->grad = NULL;
    if (c->have_opt) os_opt_result_free(&c->opt);
    if (c->have_red_opt) os_opt_result_free(&c->red_opt);
    if (c->have_red_ion) os_scf_result_free(&c->red_ion);
    c->have_res = c->have_bs = c->have_solv = c->have_redox = c->have_opt = c->have_red_opt = 0;
    c->have_red_ion = 0;
}

/* One molecule: its frame -> molecule -> charge and multiplicity -> basis ->
 * SCF (gas phase, then solvent) (-> gradient, Delta-SCF); with --opt the SCF
 * and gradient of every geometry of the optimization, the last one taking
 * the molecule's place. */
static void run_job(const cli_options *o, job *j)
{
    double t0 = now_s();
    if (!j->in) { /* the input itself failed; err and status hold why */
        j->failed = 1;
        return;
    }
    os_status st = os_input_molecule(j->in, j->index, &j->mol, &j->err);
    if (st == OS_OK) {
        int charge = j->mol.has_charge ? j->mol.charge : (o->has_charge ? o->charge : 0);
        int mult = j->mol.has_mult ? j->mol.mult : (o->has_mult ? o->mult : 1);
        st = os_molecule_set_state(&j->mol, charge, mult, &j->err);
    }
    if (o->opt && o->out_dir &&
        !join_path(j->c.traj_prefix, sizeof j->c.traj_prefix, o->out_dir, j->stem))
        j->c.traj_prefix[0] = '\0';
    if (st == OS_OK) st = cli_compute(o, &j->mol, &j->c, &j->err);
    if (j->c.have_opt && j->c.opt.mol.natom > 0) {
        os_molecule start = j->mol;
        j->mol = j->c.opt.mol;
        memset(&j->c.opt.mol, 0, sizeof j->c.opt.mol);
        os_molecule_free(&start);
    }
    j->failed = st != OS_OK;
    j->status = st;
    /* Every message about a molecule names its file (basis and SCF messages
     * may not). */
    if (j->failed) os_error_prefix(&j->err, j->mol.file[0] ? j->mol.file : j->path);
    j->wall_s = now_s() - t0;
}

static void *worker(void *arg)
{
    queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        int k = q->next < q->ntodo ? q->todo[q->next++] : -1;
        pthread_mutex_unlock(&q->lock);
        if (k < 0) break;
        run_job(q->opt, &q->jobs[k]);
        pthread_mutex_lock(&q->lock);
        q->finished[q->nfinished++] = k;
        pthread_cond_signal(&q->cond);
        pthread_mutex_unlock(&q->lock);
    }
    return NULL;
}

/* Start the workers with SIGINT/SIGTERM blocked: the main thread decides
 * when the process may die.  Returns the number started. */
static int start_workers(queue *q, pthread_t *tid, int n)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int started = 0;
    for (int w = 0; w < n; ++w)
        if (pthread_create(&tid[started], NULL, worker, q) == 0) ++started;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return started;
}

/* ------------------------------------------------------------- reporting */

static os_report_entry entry_of(job *j)
{
    if (j->kept) return *os_report_record_entry(j->kept);
    os_report_entry e = {.mol = &j->mol, .wall_s = j->wall_s,
                         .label = j->mol.label[0] ? j->mol.label : NULL};
    if (j->in) {
        e.input_format = os_input_format(j->in);
        e.input_sha256 = os_input_sha256(j->in);
    }
    e.bs = j->c.have_bs ? &j->c.bs : NULL;
    e.status = j->status;
    e.gradient = j->c.grad;
    e.redox = j->c.have_redox ? &j->c.redox : NULL;
    e.redox_error = j->c.redox_error[0] ? j->c.redox_error : NULL;
    if (j->c.have_redox && j->c.redox.have_ad) e.red_opt = &j->c.red_opt;
    e.have_lumo_diffuse = j->c.have_diffuse;
    e.lumo_diffuse = j->c.lumo_diffuse;
    e.have_lumo_gas_diffuse = j->c.have_gas_diffuse;
    e.lumo_gas_diffuse = j->c.gas_diffuse;
    if (j->c.have_opt) {
        e.opt = &j->c.opt;
        e.xyz_comment = j->c.comment;
    }
    if (j->failed)
        e.error = j->err.msg;
    else
        e.res = &j->c.res;
    if (j->c.have_solv) e.solv = &j->c.solv;
    return e;
}

static void print_gradient(const os_molecule *m, const double *g, int k, int n)
{
    double gmax = 0.0, ss = 0.0;
    fprintf(stderr, "[%d/%d] ", k, n);
    os_report_put_text(stderr, m->name, 0, 0);
    fputs(": gradient (Eh/bohr)\n", stderr);
    for (int a = 0; a < m->natom; ++a) {
        fprintf(stderr, "    %3d %-2s %15.9f %15.9f %15.9f\n", a + 1, os_element_symbol(m->Z[a]),
                g[3 * a], g[3 * a + 1], g[3 * a + 2]);
        for (int c = 0; c < 3; ++c) {
            gmax = fmax(gmax, fabs(g[3 * a + c]));
            ss += g[3 * a + c] * g[3 * a + c];
        }
    }
    fprintf(stderr, "    max |g| %.3e, rms %.3e Eh/bohr\n", gmax,
            m->natom > 0 ? sqrt(ss / (3.0 * m->natom)) : 0.0);
}

/* "[k/n] name" at the start of a progress line, the name terminal-safe. */
static void progress_name(const os_molecule *mol, int k, int n)
{
    fprintf(stderr, "[%d/%d] ", k, n);
    os_report_put_text(stderr, mol->name, 0, 0);
}

/* One line for the optimization: steps, energy change, final forces. */
static void print_optimization(const os_molecule *mol, const os_opt_result *r, int k, int n)
{
    if (r->nsteps == 0) return;
    progress_name(mol, k, n);
    fprintf(stderr, ": optimization %s in %d steps (%d SCF iterations), "
                    "E %.8f -> %.8f Eh (%.2f kcal/mol), max force %.1e Eh/bohr\n",
            r->converged ? "converged" : "not converged", r->nsteps, r->scf_iterations,
            r->start_energy, r->energy, (r->energy - r->start_energy) * OS_HARTREE_KCAL,
            r->max_force);
    if (r->saddle) {
        progress_name(mol, k, n);
        fprintf(stderr, ": warning: negative curvature at the optimized geometry "
                        "(%.1e Eh/bohr^2): a saddle point, not a minimum\n",
                r->probe_min_curvature);
    }
}

/* The adiabatic reduction: potential, the ion's optimization, bonds it changed. */
static void print_adiabatic(const os_molecule *mol, const os_redox_adiabatic_result *a,
                            const os_opt_result *ion, int k, int n)
{
    progress_name(mol, k, n);
    fprintf(stderr, ": adiabatic reduction (reduced species optimized: %s in %d steps, "
                    "<S^2> %.4f): E_red_ad %.3f V vs Li/Li+\n",
            a->converged ? "converged" : "NOT converged", a->steps, a->s2, a->potential_v);
    for (int b = 0; ion && b < ion->nbond_changes; ++b) {
        char what[96];
        os_bond_change_describe(&ion->mol, &ion->bond_changes[b], what, sizeof what);
        progress_name(mol, k, n);
        fprintf(stderr, ": reduced species: %s\n", what);
    }
    if (a->saddle) {
        progress_name(mol, k, n);
        fprintf(stderr, ": warning: the reduced species' final geometry has negative curvature "
                        "(%.1e Eh/bohr^2): a saddle point, so E_red_ad is only a lower bound\n",
                a->min_curvature);
    }
}

static void progress(const cli_options *o, job *j, int k, int n)
{
    if (o->quiet && !j->failed) return;
    if (j->c.have_opt) print_optimization(&j->mol, &j->c.opt, k, n);
    if (j->resumed) {
        progress_name(&j->mol, k, n);
        fprintf(stderr, ": done by an earlier run (--resume)\n");
        return;
    }
    /* Names and messages quote file names: written terminal-safe. */
    fprintf(stderr, "[%d/%d] ", k, n);
    if (j->failed) {
        os_report_put_text(stderr, j->err.msg, 0, 0);
        fputc('\n', stderr);
        return;
    }
    os_report_put_text(stderr, j->mol.name, 0, 0);
    /* From the entry: the result computed here or received from a rank. */
    os_report_entry e = entry_of(j);
    const os_scf_result *r = e.res;
    char lumo[32];
    if (isfinite(r->lumo))
        snprintf(lumo, sizeof lumo, "%.3f eV", r->lumo * OS_HARTREE_EV);
    else
        snprintf(lumo, sizeof lumo, "none (no virtual orbital)");
    char solv[64] = "";
    if (e.solv)
        snprintf(solv, sizeof solv, ", dG_solv %.2f kcal/mol",
                 (r->energy - e.solv->e_gas) * OS_HARTREE_KCAL);
    fprintf(stderr, ": E = %.8f Eh%s, HOMO %.3f eV, LUMO %s (%d iterations, %.1f s)\n",
            r->energy, solv, r->homo * OS_HARTREE_EV, lumo, r->iterations, e.wall_s);
    if (r->unrestricted) {
        progress_name(e.mol, k, n);
        fprintf(stderr, ": <S^2> %.4f (exact %.4f)\n", r->s2, r->s2_exact);
    }
    if (e.redox) {
        const os_report_redox *x = e.redox;
        progress_name(e.mol, k, n);
        fprintf(stderr, ": reduction (charge %d, mult %d, <S^2> %.4f): E_red %.3f V vs Li/Li+",
                x->red.charge, x->red.mult, x->red.s2, x->red.potential_v);
        if (x->have_ox)
            fprintf(stderr, "; oxidation (<S^2> %.4f): E_ox %.3f V", x->ox.s2, x->ox.potential_v);
        fprintf(stderr, "\n");
        if (x->have_ad) print_adiabatic(e.mol, &x->ad, e.red_opt, k, n);
    }
    if (e.redox_error) {
        progress_name(e.mol, k, n);
        fprintf(stderr, ": Delta-SCF failed: ");
        os_report_put_text(stderr, e.redox_error, 0, 0);
        fputc('\n', stderr);
    }
    if (r->warning[0]) {
        progress_name(e.mol, k, n);
        fprintf(stderr, ": warning: %s\n", r->warning);
    }
    if (e.gradient) print_gradient(e.mol, e.gradient, k, n);
}

typedef struct {
    sigset_t old;
} signal_hold;

static void hold_signals(signal_hold *h)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &h->old);
}

static void release_signals(const signal_hold *h) { pthread_sigmask(SIG_SETMASK, &h->old, NULL); }

/* Entries of the reported molecules in input order, ranked: the snapshot
 * the summaries are written from.  Returns their number. */
static int snapshot(job *jobs, const char *reported, int n, int opt_rank_by, os_report_entry *e)
{
    int m = 0;
    for (int i = 0; i < n; ++i)
        if (reported[i]) e[m++] = entry_of(&jobs[i]);
    os_report_rank(e, m, opt_rank_by);
    return m;
}

/* JSON to stdout or a file, and the table: once, at the end. */
static int final_outputs(const cli_options *o, const os_report_run *run, os_report_entry *e,
                         int m)
{
    int ok = 1;
    os_error err;
    if (o->json) {
        os_status st;
        if (strcmp(o->json, "-") == 0) {
            /* Every byte checked: a full disk or a closed pipe is a failed run. */
            errno = 0;
            st = os_report_write_json(stdout, run, e, m, &err);
            /* The writer fails once the stream's buffer fills, the flush when
             * the document fit in it: one message either way. */
            if (st != OS_OK || fflush(stdout) != 0)
                st = os_fail(&err, OS_ERR_IO, "cannot write JSON to standard output: %s",
                             strerror(errno ? errno : EIO));
        } else {
            st = os_report_write_json_file(o->json, run, e, m, &err);
        }
        if (st != OS_OK) {
            cli_error(err.msg);
            ok = 0;
        }
    }
    /* The table is the run's answer: stdout, unless the JSON took it. */
    int json_on_stdout = o->json && strcmp(o->json, "-") == 0;
    FILE *tf = json_on_stdout ? stderr : stdout;
    if (!(json_on_stdout && o->quiet)) {
        if (os_report_write_table(tf, run, e, m, &err) != OS_OK || fflush(tf) != 0) {
            if (tf == stdout) fprintf(stderr, "orbscreen: cannot write the table to stdout\n");
            ok = 0;
        }
    }
    return ok;
}

/* --------------------------------------------------------------- the run */

static void run_header(const cli_options *o, int argc, char **argv, os_report_run *run,
                       char *cmdline, size_t ncmd, char *date, size_t ndate, char *phase,
                       size_t nphase)
{
    cmdline[0] = '\0';
    for (int i = 0; i < argc; ++i) {
        size_t len = strlen(cmdline);
        snprintf(cmdline + len, ncmd - len, "%s%s", i ? " " : "", argv[i]);
    }
    time_t tnow = time(NULL);
    strftime(date, ndate, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tnow));
    os_report_run_init(run);
    run->method = o->scf.method;
    run->basis = o->basis;
    /* HF has no grid; DFT runs name the grid they used. */
    int is_hf = o->scf.method && strcasecmp(o->scf.method, "hf") == 0;
    run->grid = is_hf ? NULL : (o->scf.grid ? o->scf.grid : "default");
    run->jk = o->scf.jk ? o->scf.jk : "df";
    run->aux = strcmp(run->jk, "df") != 0 ? NULL
               : o->scf.aux                 ? o->scf.aux
                                            : os_basis_default_aux(o->basis);
    run->command_line = cmdline;
    run->date = date;
    run->nthreads = o->threads;
    run->rank_by = o->rank_by;
    run->scf = &o->scf;
    run->phase = cli_phase(o, phase, nphase);
}

const char *cli_phase(const cli_options *o, char *buf, size_t n)
{
    if (!(o->eps > 0.0)) return "gas phase";
    if (o->solvent)
        snprintf(buf, n, "in %s (C-PCM, eps = %.4g)", o->solvent, o->eps);
    else
        snprintf(buf, n, "in a dielectric (C-PCM, eps = %.4g)", o->eps);
    return buf;
}

typedef struct {
    const cli_options *opt;
    os_results *results;
    double t_start, t_last, last_cost;
    int nwritten;
} writer_state;

static os_status w_qcschema(FILE *f, void *ctx, os_error *err)
{
    const void **a = ctx;
    return os_report_write_qcschema(f, a[0], a[1], NULL, err);
}

typedef struct {
    const os_report_entry *e;
    int spin, mo, nthreads;
} cube_job;

static os_status w_cube(FILE *f, void *ctx, os_error *err)
{
    const cube_job *c = ctx;
    return os_cube_write(f, c->e->mol, c->e->bs, c->e->res, c->spin, c->mo, 0.2, 4.0,
                         c->nthreads, err);
}

/* The cube files --cube asks for: <stem>.<orbital>.cube in the results folder. */
static os_status write_cubes(const cli_options *o, const os_report_entry *e, const char *stem,
                             os_error *err)
{
    for (int k = 0; k < o->ncube; ++k) {
        cube_job c = {e, 0, 0, o->threads};
        char tag[32], name[OS_REPORT_STEM_MAX + 48], path[4096];
        os_status st = os_cube_resolve(e->res, &o->cube[k], &c.spin, &c.mo, tag, sizeof tag, err);
        if (st != OS_OK) return st;
        snprintf(name, sizeof name, "%s.%s.cube", stem, tag);
        if (!join_path(path, sizeof path, o->out_dir, name))
            return os_fail(err, OS_ERR_IO, "cube file path too long");
        st = os_report_write_atomic(path, w_cube, &c, 0, err);
        if (st != OS_OK) return st;
    }
    return OS_OK;
}

/* The Molden file another MPI rank wrote for us, as <stem>.molden. */
static os_status write_molden_text(const char *dir, job *j, os_error *err)
{
    char name[OS_REPORT_STEM_MAX + 16], path[4096];
    snprintf(name, sizeof name, "%s.molden", j->stem);
    if (!join_path(path, sizeof path, dir, name))
        return os_fail(err, OS_ERR_IO, "Molden file path too long");
    return os_report_write_bytes_atomic(path, j->molden, j->molden_len, err);
}

/* Everything written once per molecule: the results folder's Molden file
 * and journal line, the QCSchema file, the cube files. */
static int molecule_outputs(const os_report_run *run, writer_state *w, job *j)
{
    const cli_options *o = w->opt;
    int ok = 1;
    os_error err;
    os_report_entry e = entry_of(j);
    /* A kept result's record is in the folder already. */
    const os_results_place *pl = j->resumed ? NULL : &j->place;
    /* Another rank's Molden file before the record: a record in the folder
     * means its Molden file is there (--resume relies on it). */
    if (w->results && j->molden && write_molden_text(o->out_dir, j, &err) != OS_OK) {
        cli_error(err.msg);
        ok = 0;
    }
    if (w->results && os_results_add(w->results, run, &e, j->stem, pl, &err) != OS_OK) {
        cli_error(err.msg);
        ok = 0;
    }
    if (o->qcschema_dir && !j->resumed) {
        char name[OS_REPORT_STEM_MAX + 8], path[4096];
        snprintf(name, sizeof name, "%s.json", j->stem);
        const void *ctx[2] = {run, &e};
        os_status st = join_path(path, sizeof path, o->qcschema_dir, name)
                           ? os_report_write_atomic(path, w_qcschema, ctx, 0, &err)
                           : os_fail(&err, OS_ERR_IO, "QCSchema file path too long");
        if (st != OS_OK) {
            cli_error(err.msg);
            ok = 0;
        }
    }
    if (o->ncube > 0 && !j->kept && os_report_entry_ok(&e) && write_cubes(o, &e, j->stem, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s: %s\n", j->mol.name, err.msg);
        ok = 0;
    }
    return ok;
}

/* One finished molecule's files; the summaries when due. */
static int write_finished(os_report_run *run, writer_state *w, job *jobs, const char *reported,
                          int n, int k, os_report_entry *snap)
{
    signal_hold h;
    hold_signals(&h);
    int ok = molecule_outputs(run, w, &jobs[k]);
    /* The coefficients are written; the summaries need energies only. */
    os_scf_result *done[2] = {&jobs[k].c.res, &jobs[k].c.red_opt.scf};
    for (int d = 0; d < 2; ++d) {
        free(done[d]->C_a);
        free(done[d]->C_b);
        done[d]->C_a = done[d]->C_b = NULL;
    }
    double t = now_s();
    int due = w->results && (w->nwritten == 0 ||
                             (t - w->t_last >= SUMMARY_MIN_INTERVAL_S &&
                              w->last_cost <= SUMMARY_MAX_SHARE * (t - w->t_start)));
    if (due) {
        os_error err;
        int m = snapshot(jobs, reported, n, run->rank_by, snap);
        run->wall_s = t - w->t_start;
        if (os_results_summaries(w->results, run, snap, m, &err) != OS_OK) {
            cli_error(err.msg);
            ok = 0;
        }
        w->t_last = now_s();
        w->last_cost = w->t_last - t;
        ++w->nwritten;
    }
    release_signals(&h);
    return ok;
}

/* Unique output stems from the molecules' names (known before any parse). */
static void assign_stems(job *jobs, int n)
{
    const char **names = malloc((size_t)n * sizeof *names);
    char(*stems)[OS_REPORT_STEM_MAX] = malloc((size_t)n * sizeof *stems);
    char(*bases)[256] = malloc((size_t)n * sizeof *bases);
    if (names && stems && bases) {
        for (int i = 0; i < n; ++i) {
            snprintf(bases[i], sizeof bases[i], "%s", jobs[i].mol.name);
            names[i] = bases[i];
        }
        os_results_assign_stems(names, n, stems);
        for (int i = 0; i < n; ++i) memcpy(jobs[i].stem, stems[i], OS_REPORT_STEM_MAX);
    } else {
        for (int i = 0; i < n; ++i) snprintf(jobs[i].stem, OS_REPORT_STEM_MAX, "molecule-%d", i + 1);
    }
    free(names);
    free(stems);
    free(bases);
}

/* The resume key of molecule f of an input: its bytes (SHA-256), the frame,
 * and every option that changes its numbers, hashed. */
static void resume_key(const cli_options *o, const os_input *in, int f, char key[65])
{
    const os_scf_options *s = &o->scf;
    char text[2048];
    snprintf(text, sizeof text,
             "orbscreen %s\ninput %s frame %d\nmethod %s basis %s pure %d grid %s jk %s aux %s\n"
             "unrestricted %d eps %a solvent %s gradient %d reduction %d oxidation %d\n"
             "charge %d %d mult %d %d\nmax_iter %d e_conv %a g_conv %a lindep %a schwarz %a\n"
             "stability %d ion_starts %d\n",
             OS_VERSION, os_input_sha256(in), f, s->method ? s->method : "-", o->basis, o->pure,
             s->grid ? s->grid : "-", s->jk ? s->jk : "-", s->aux ? s->aux : "-", s->unrestricted,
             o->eps, o->solvent ? o->solvent : "-", o->gradient, o->reduction, o->oxidation, o->has_charge, o->charge,
             o->has_mult, o->mult, s->max_iter, s->e_conv, s->g_conv, s->lindep, s->schwarz,
             s->stability, o->ion_starts);
    os_sha256_hex(text, strlen(text), key);
}

/* --shard K/N: this run's molecules are those at 0-based positions p with
 * p % N == K - 1. */
static int in_shard(const cli_options *o, int pos)
{
    return o->shard_n <= 1 || pos % o->shard_n == o->shard_k - 1;
}

/* Read and split every input once: one job per molecule (of this shard), in
 * input order, then frame order.  An input that cannot be read is one failed
 * job.  Returns the jobs (count in *njob), NULL when out of memory. */
static job *make_jobs(const cli_options *o, os_input **inputs, int *njob)
{
    int n = 0;
    os_error *errs = calloc((size_t)o->ninput, sizeof *errs);
    os_status *sts = calloc((size_t)o->ninput, sizeof *sts);
    if (!errs || !sts) {
        free(errs);
        free(sts);
        return NULL;
    }
    for (int i = 0; i < o->ninput; ++i) {
        sts[i] = os_input_open(o->inputs[i], &inputs[i], &errs[i]);
        if (sts[i] != OS_OK) inputs[i] = NULL;
        n += inputs[i] ? os_input_count(inputs[i]) : 1;
    }
    job *jobs = calloc((size_t)(n > 0 ? n : 1), sizeof *jobs);
    if (!jobs) {
        free(errs);
        free(sts);
        return NULL;
    }
    int k = 0, pos = 0;
    for (int i = 0; i < o->ninput; ++i) {
        int count = inputs[i] ? os_input_count(inputs[i]) : 1;
        for (int f = 0; f < count; ++f, ++pos) {
            if (!in_shard(o, pos)) continue;
            job *j = &jobs[k++];
            j->path = o->inputs[i];
            j->in = inputs[i];
            j->index = f;
            j->place.index = pos;
            j->place.shard_k = o->shard_n > 1 ? o->shard_k : 1;
            j->place.shard_n = o->shard_n > 1 ? o->shard_n : 1;
            j->mol.mult = 1;
            snprintf(j->mol.file, sizeof j->mol.file, "%s", j->path);
            if (inputs[i]) {
                os_input_name(inputs[i], f, j->mol.name, sizeof j->mol.name);
                resume_key(o, inputs[i], f, j->place.key);
            } else {
                /* Never kept by --resume (not a success), but merged. */
                os_sha256_hex(j->path, strlen(j->path), j->place.key);
                os_molecule_name_from_path(j->path, j->mol.name, sizeof j->mol.name);
                j->err = errs[i];
                j->status = sts[i];
            }
        }
    }
    free(errs);
    free(sts);
    *njob = k;
    return jobs;
}

/* A saved result can stand for job j: it succeeded, under the same output
 * stem, and its Molden file is still there. */
static int can_keep(const cli_options *o, const job *j, const os_results_saved *s)
{
    const os_report_entry *e = os_report_record_entry(s->rec);
    if (!os_report_entry_ok(e) || strcmp(s->stem, j->stem) != 0) return 0;
    char name[OS_REPORT_STEM_MAX + 16], path[4096];
    snprintf(name, sizeof name, "%s.molden", j->stem);
    return !e->bs || (join_path(path, sizeof path, o->out_dir, name) && access(path, R_OK) == 0);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const os_results_saved *)a)->place.key, ((const os_results_saved *)b)->place.key);
}

/* --resume: take over the results of earlier runs in the folder that have
 * this run's key (same input bytes, frame and options) and can stand
 * for it (can_keep).
 * Returns how many were kept. */
static int take_kept(const cli_options *o, os_results *r, job *jobs, int n)
{
    os_results_saved *saved;
    int nsaved, nbad;
    os_error err;
    if (os_results_read_records(o->out_dir, &saved, &nsaved, &nbad, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: --resume: %s (computing everything)\n", err.msg);
        saved = NULL;
        nsaved = nbad = 0;
    }
    /* By key, for a binary search per molecule (qsort takes no NULL, even
     * for no elements: a fresh folder has no records). */
    if (nsaved > 0) qsort(saved, (size_t)nsaved, sizeof *saved, by_key);
    int nkept = 0;
    for (int i = 0; i < n; ++i) {
        int lo = 0, hi = nsaved; /* first record with key >= the job's */
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (strcmp(saved[mid].place.key, jobs[i].place.key) < 0) lo = mid + 1;
            else hi = mid;
        }
        for (int s = lo; s < nsaved && strcmp(saved[s].place.key, jobs[i].place.key) == 0; ++s) {
            if (!saved[s].rec || !can_keep(o, &jobs[i], &saved[s])) continue;
            jobs[i].kept = saved[s].rec;
            jobs[i].resumed = 1;
            saved[s].rec = NULL;
            ++nkept;
            break;
        }
    }
    os_results_saved_free(saved, nsaved);
    /* The folder's records: the kept ones, as this run places them. */
    os_results_saved *keep = calloc((size_t)nkept + 1, sizeof *keep);
    int m = 0;
    for (int i = 0; keep && i < n; ++i) {
        if (!jobs[i].resumed) continue;
        keep[m].place = jobs[i].place;
        memcpy(keep[m].stem, jobs[i].stem, sizeof keep[m].stem);
        keep[m++].rec = jobs[i].kept;
    }
    if (!keep || os_results_keep_records(r, keep, m, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: --resume: %s (computing everything)\n",
                keep ? err.msg : "out of memory");
        for (int i = 0; i < n; ++i) {
            os_report_record_free(jobs[i].kept);
            jobs[i].kept = NULL;
            jobs[i].resumed = 0;
        }
        nkept = 0;
    }
    free(keep);
    if (!o->quiet)
        fprintf(stderr, "orbscreen: --resume: %d of %d molecules done by an earlier run in %s%s\n",
                nkept, n, o->out_dir, nbad ? " (some unreadable records ignored)" : "");
    return nkept;
}

static void free_jobs(job *jobs, int n, os_input **inputs, int ninput)
{
    for (int i = 0; i < n; ++i) {
        cli_calc_free(&jobs[i].c);
        os_molecule_free(&jobs[i].mol);
        os_report_record_free(jobs[i].kept);
        free(jobs[i].molden);
    }
    for (int i = 0; i < ninput; ++i) os_input_free(inputs[i]);
    free(jobs);
}

#ifdef ORBSCREEN_MPI
/* ------------------------------------------- across MPI ranks (mpi_batch.c) */

typedef struct {
    const cli_options *opt;
    job *jobs;
    /* rank 0 */
    os_report_run *run;
    writer_state *w;
    char *reported;
    os_report_entry *snap;
    int n, nreported, write_ok;
} mpi_ctx;

/* A worker rank: molecule k computed, as its record line followed by its
 * Molden file's text. */
static char *compute_blob(void *ctx, int k, size_t *len)
{
    mpi_ctx *m = ctx;
    job *j = &m->jobs[k];
    run_job(m->opt, j);
    char *buf = NULL;
    *len = 0;
    FILE *f = open_memstream(&buf, len);
    if (!f) return NULL;
    os_report_entry e = entry_of(j);
    os_error err;
    os_status st = os_report_record_write(f, &e, &err);
    if (st == OS_OK && os_report_entry_ok(&e) && e.bs) st = os_molden_write(f, e.mol, e.bs, e.res, &err);
    if (fclose(f) != 0 || st != OS_OK) {
        free(buf);
        buf = NULL;
    }
    cli_calc_free(&j->c);
    os_molecule_free(&j->mol);
    return buf;
}

/* Rank 0: molecule k's blob from a worker rank, reported and written as a
 * result computed here would be. */
static void take_blob(void *ctx, int k, char *blob, size_t len)
{
    mpi_ctx *m = ctx;
    job *j = &m->jobs[k];
    char *nl = blob ? memchr(blob, '\n', len) : NULL;
    os_report_record *rec = NULL;
    if (nl) *nl = '\0';
    if (!nl || os_report_record_parse(blob, &rec, &j->err) != OS_OK) {
        if (!nl) snprintf(j->err.msg, sizeof j->err.msg, "no result from its MPI rank");
        j->failed = 1;
        j->status = OS_ERR_INTERNAL;
    } else {
        const os_report_entry *e = os_report_record_entry(rec);
        j->kept = rec;
        j->wall_s = e->wall_s;
        j->status = e->status;
        j->failed = !os_report_entry_ok(e);
        if (e->error) snprintf(j->err.msg, sizeof j->err.msg, "%s", e->error);
        size_t rest = len - (size_t)(nl + 1 - blob);
        if (!j->failed && rest > 0 && (j->molden = malloc(rest))) {
            memcpy(j->molden, nl + 1, rest);
            j->molden_len = rest;
        }
    }
    free(blob);
    m->reported[k] = 1;
    progress(m->opt, j, ++m->nreported, m->n);
    m->write_ok &= write_finished(m->run, m->w, m->jobs, m->reported, m->n, k, m->snap);
}

/* Cost of a molecule for the hand-out order: nbf^3 of its basis, loaded on
 * rank 0 (milliseconds); 0 when it cannot be read. */
static double job_cost(const cli_options *o, const job *j)
{
    if (!j->in) return 0.0;
    os_molecule mol = {0};
    os_basis bs;
    double cost = 0.0;
    if (os_input_molecule(j->in, j->index, &mol, NULL) == OS_OK &&
        os_basis_load(&mol, o->basis, o->basis_dir, o->pure, &bs, NULL) == OS_OK) {
        cost = (double)bs.nbf * bs.nbf * bs.nbf;
        os_basis_free(&bs);
    }
    os_molecule_free(&mol);
    return cost;
}

static const double *sort_cost;
static int by_cost_desc(const void *a, const void *b)
{
    int i = *(const int *)a, k = *(const int *)b;
    if (sort_cost[i] != sort_cost[k]) return sort_cost[i] > sort_cost[k] ? -1 : 1;
    return i < k ? -1 : i > k;
}

/* Rank 0: the molecules to run handed out to the other ranks, largest
 * first.  Returns 0 when the hand-out failed. */
static int run_on_ranks(mpi_ctx *m, int *todo, int ntodo)
{
    double *cost = calloc((size_t)m->n + 1, sizeof *cost);
    if (!cost) return 0;
    for (int t = 0; t < ntodo; ++t) cost[todo[t]] = job_cost(m->opt, &m->jobs[todo[t]]);
    sort_cost = cost;
    qsort(todo, (size_t)ntodo, sizeof *todo, by_cost_desc);
    free(cost);
    return cli_mpi_dispatch(todo, ntodo, take_blob, m) == 0;
}
#endif

/* Folders that must be usable before any work: the results folder (locked)
 * and the QCSchema folder. */
static int open_outputs(const cli_options *o, writer_state *w)
{
    os_error err;
    if (o->out_dir && os_results_open(o->out_dir, o->resume, &w->results, &err) != OS_OK) {
        cli_error(err.msg);
        return 0;
    }
    if (o->qcschema_dir && os_report_prepare_dir(o->qcschema_dir, &err) != OS_OK) {
        cli_error(err.msg);
        os_results_close(w->results);
        w->results = NULL;
        return 0;
    }
    return 1;
}

int cli_run_batch(const cli_options *opt, int argc, char **argv)
{
    cli_options o = *opt;
    writer_state w = {.opt = &o, .t_start = now_s()};
    w.t_last = w.t_start;
    int is_worker = 0; /* an MPI rank other than 0: computes, writes nothing */
#ifdef ORBSCREEN_MPI
    is_worker = cli_mpi_rank() > 0;
#endif
#ifdef ORBSCREEN_MPI
    /* Cube files need the orbitals, which stay on the rank that computed them. */
    if (!is_worker && cli_mpi_size() > 1 && o.opt) {
        cli_error("--opt is not available across MPI ranks yet (the results sent back do "
                  "not carry the optimization or the adiabatic potential): run it without "
                  "mpirun");
        return EXIT_USAGE;
    }
    if (!is_worker && cli_mpi_size() > 1 && o.ncube > 0) {
        fprintf(stderr, "orbscreen: --cube is not available across MPI ranks yet: run the "
                        "molecules you want cube files of without mpirun\n");
        return EXIT_USAGE;
    }
#endif
    if (!is_worker && !open_outputs(&o, &w)) return EXIT_USAGE;

    os_input **inputs = calloc((size_t)o.ninput, sizeof *inputs);
    int n = 0;
    job *jobs = inputs ? make_jobs(&o, inputs, &n) : NULL;
    if (!jobs) {
        fprintf(stderr, "orbscreen: out of memory\n");
        free(inputs);
        os_results_close(w.results);
        return EXIT_SOME_FAILED;
    }
    if (o.jobs > n) o.jobs = n > 0 ? n : 1;
    int sharing = o.jobs; /* SCFs side by side on this machine */
#ifdef ORBSCREEN_MPI
    if (cli_mpi_size() > 1) sharing = cli_mpi_node_size(); /* one SCF per rank */
#endif
    if (o.scf.memory_mb == 0 && sharing > 1) {
        /* The library's default (half the available memory) is per SCF:
         * share it among the jobs (the ranks on this node). */
        o.scf.memory_mb = os_memory_available_mb() / 2 / (size_t)sharing;
        if (o.scf.memory_mb == 0) o.scf.memory_mb = 1;
    }
    if (o.threads == 0) {
        o.threads = omp_get_num_procs() / o.jobs;
        if (o.threads < 1) o.threads = 1;
    }
    assign_stems(jobs, n);
#ifdef ORBSCREEN_MPI
    if (is_worker) { /* molecules as rank 0 hands them out */
        mpi_ctx mc = {.opt = &o, .jobs = jobs, .n = n};
        cli_mpi_serve(compute_blob, &mc);
        free_jobs(jobs, n, inputs, o.ninput);
        free(inputs);
        return EXIT_ALL_OK;
    }
#endif
    if (o.resume && w.results) take_kept(&o, w.results, jobs, n);

    char *reported = calloc((size_t)n + 1, 1);
    int *finished = calloc((size_t)n + 1, sizeof *finished);
    int *todo = calloc((size_t)n + 1, sizeof *todo);
    os_report_entry *snap = calloc((size_t)n + 1, sizeof *snap);
    pthread_t *tid = calloc((size_t)o.jobs, sizeof *tid);
    if (!reported || !finished || !snap || !tid || !todo) {
        fprintf(stderr, "orbscreen: out of memory\n");
        free(reported), free(finished), free(snap), free(tid), free(todo);
        free_jobs(jobs, n, inputs, o.ninput);
        free(inputs);
        os_results_close(w.results);
        return EXIT_SOME_FAILED;
    }

    char cmdline[4096], date[32];
    os_report_run run;
    char phase[128];
    run_header(&o, argc, argv, &run, cmdline, sizeof cmdline, date, sizeof date, phase,
               sizeof phase);

    /* Results kept from an earlier run are reported first, in input order;
     * the rest run. */
    int ntodo = 0, nreported = 0, write_ok = 1;
    for (int i = 0; i < n; ++i) {
        if (!jobs[i].resumed) {
            todo[ntodo++] = i;
            continue;
        }
        reported[i] = 1;
        progress(&o, &jobs[i], ++nreported, n);
        write_ok &= write_finished(&run, &w, jobs, reported, n, i, snap);
    }
    queue q = {.opt = &o, .jobs = jobs, .todo = todo, .ntodo = ntodo, .finished = finished};
    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.cond, NULL);
    int nworker = 0;
#ifdef ORBSCREEN_MPI
    if (cli_mpi_size() > 1) {
        mpi_ctx mc = {.opt = &o, .jobs = jobs, .run = &run, .w = &w, .reported = reported,
                      .snap = snap, .n = n, .nreported = nreported, .write_ok = write_ok};
        if (!run_on_ranks(&mc, todo, ntodo)) {
            fprintf(stderr, "orbscreen: the MPI hand-out failed\n");
            mc.write_ok = 0;
        }
        nreported = n;
        write_ok = mc.write_ok;
        ntodo = 0; /* all handed out: no worker threads here */
    }
#endif
    if (ntodo > 0) nworker = start_workers(&q, tid, o.jobs);
    if (nworker == 0 && ntodo > 0) {
        fprintf(stderr, "orbscreen: cannot start worker threads\n");
        write_ok = 0;
        nreported = n; /* nothing will run */
    }
    for (int ndone = 0; nreported < n;) {
        pthread_mutex_lock(&q.lock);
        while (q.nfinished == ndone) pthread_cond_wait(&q.cond, &q.lock);
        int upto = q.nfinished;
        pthread_mutex_unlock(&q.lock);
        /* finished[ndone..upto) are this thread's now: their workers are done with them. */
        for (; ndone < upto; ++ndone) {
            int k = finished[ndone];
            reported[k] = 1;
            progress(&o, &jobs[k], ++nreported, n);
            write_ok &= write_finished(&run, &w, jobs, reported, n, k, snap);
        }
    }
    for (int t = 0; t < nworker; ++t) pthread_join(tid[t], NULL);

    signal_hold h;
    hold_signals(&h);
    int m = snapshot(jobs, reported, n, run.rank_by, snap);
    run.wall_s = now_s() - w.t_start;
    os_error err;
    if (w.results && os_results_summaries(w.results, &run, snap, m, &err) != OS_OK) {
        cli_error(err.msg);
        write_ok = 0;
    }
    write_ok &= final_outputs(&o, &run, snap, m);
    release_signals(&h);
    os_results_close(w.results);

    int any_failed = !write_ok || (nworker == 0 && ntodo > 0);
    for (int i = 0; i < n; ++i) any_failed |= jobs[i].failed;
    free_jobs(jobs, n, inputs, o.ninput);
    free(inputs);
    free(snap);
    free(finished);
    free(reported);
    free(tid);
    free(todo);
    pthread_mutex_destroy(&q.lock);
    pthread_cond_destroy(&q.cond);
    return any_failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}
