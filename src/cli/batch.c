/* The batch: molecules run on worker threads (--jobs, each with --threads
 * OpenMP threads); the main thread alone reports and writes.  Each finished
 * molecule is written once (Molden file, journal line) as it arrives; the
 * summaries are rewritten from a snapshot at most every few seconds and at
 * the end, so a batch costs time linear in its size.  SIGINT/SIGTERM are held
 * back while a file is being written, so an interrupted run leaves only
 * complete files. */
#include "cli/cli.h"

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

#include "report/report.h"

/* Summaries are rewritten at most this often (s), and never taking more than
 * a tenth of the run's time. */
#define SUMMARY_MIN_INTERVAL_S 2.0
#define SUMMARY_MAX_SHARE 0.1

typedef struct {
    const char *path;
    char stem[OS_REPORT_STEM_MAX];
    os_molecule mol;
    os_basis bs;
    os_scf_result res;            /* in a solvent: the solvated SCF */
    os_report_solvation solv;     /* valid when have_solv */
    char model[320];
    int have_bs, have_res, have_solv, failed;
    double *grad; /* --gradient: natom*3, Eh/bohr */
    os_error err;
    double wall_s;
} job;

typedef struct {
    const cli_options *opt;
    job *jobs;
    int njob, next;
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

/* In a solvent: the gas-phase SCF (for the solvation energy, and its
 * orbitals to start from), then the solvated SCF into j->res. */
static os_status run_solvated(const cli_options *o, job *j, os_scf_options so)
{
    os_scf_result gas;
    os_status st = os_scf_run(&j->mol, &j->bs, &so, &gas, &j->err);
    if (st != OS_OK) {
        j->res = gas; /* kept for inspection, reported as failed */
        return st;
    }
    os_solvent_options sopt;
    os_solvent_options_default(&sopt);
    sopt.eps = o->eps;
    sopt.nthreads = so.nthreads;
    os_solvent *sv;
    st = os_solvent_new(&j->mol, &j->bs, &sopt, &sv, &j->err);
    if (st == OS_OK) {
        os_scf_potential p = os_solvent_potential(sv);
        so.potentials = &p;
        so.npotentials = 1;
        so.guess = OS_GUESS_ORBITALS;
        so.guess_orbitals = &gas;
        st = os_scf_run(&j->mol, &j->bs, &so, &j->res, &j->err);
        snprintf(j->model, sizeof j->model, "%s", os_solvent_describe(sv));
        j->solv = (os_report_solvation){.solvent = o->solvent, .eps = o->eps, .model = j->model,
                                        .e_gas = gas.energy, .e_pol = os_solvent_energy(sv)};
        j->have_solv = st == OS_OK;
        os_solvent_free(sv);
    }
    os_scf_result_free(&gas);
    return st;
}

/* The nuclear gradient of the converged SCF (--gradient). */
static os_status run_gradient(job *j, const os_scf_options *so)
{
    j->grad = calloc((size_t)3 * j->mol.natom, sizeof(double));
    if (!j->grad) {
        snprintf(j->err.msg, sizeof j->err.msg, "out of memory (gradient)");
        return OS_ERR_NOMEM;
    }
    os_status st = os_scf_gradient(&j->mol, &j->bs, so, &j->res, j->grad, &j->err);
    if (st != OS_OK) {
        free(j->grad);
        j->grad = NULL;
    }
    return st;
}

/* One molecule: XYZ -> molecule -> basis -> SCF (gas phase, then solvent) (-> gradient). */
static void run_job(const cli_options *o, job *j)
{
    double t0 = now_s();
    os_status st = os_molecule_read_xyz(j->path, &j->mol, &j->err);
    if (st == OS_OK) {
        int charge = j->mol.has_charge ? j->mol.charge : (o->has_charge ? o->charge : 0);
        int mult = j->mol.has_mult ? j->mol.mult : (o->has_mult ? o->mult : 1);
        st = os_molecule_set_state(&j->mol, charge, mult, &j->err);
    }
    if (st == OS_OK) {
        st = os_basis_load(&j->mol, o->basis, o->basis_dir, o->pure, &j->bs, &j->err);
        j->have_bs = st == OS_OK;
    }
    if (st == OS_OK) {
        os_scf_options so = o->scf;
        so.nthreads = o->threads;
        so.log = o->verbose ? stderr : NULL;
        if (o->eps > 0.0)
            st = run_solvated(o, j, so);
        else
            st = os_scf_run(&j->mol, &j->bs, &so, &j->res, &j->err);
        j->have_res = 1;
        if (st == OS_OK && o->gradient) st = run_gradient(j, &so);
    }
    j->failed = st != OS_OK;
    j->wall_s = now_s() - t0;
}

static void *worker(void *arg)
{
    queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        int k = q->next < q->njob ? q->next++ : -1;
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
    os_report_entry e = {.mol = &j->mol, .wall_s = j->wall_s,
                         .label = j->mol.label[0] ? j->mol.label : NULL};
    e.bs = j->have_bs ? &j->bs : NULL;
    e.gradient = j->grad;
    if (j->failed)
        e.error = j->err.msg;
    else
        e.res = &j->res;
    if (j->have_solv) e.solv = &j->solv;
    return e;
}

static void print_gradient(const os_molecule *m, const double *g, int k, int n)
{
    double gmax = 0.0, ss = 0.0;
    fprintf(stderr, "[%d/%d] %s: gradient (Eh/bohr)\n", k, n, m->name);
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

static void progress(const cli_options *o, const job *j, int k, int n)
{
    if (o->quiet && !j->failed) return;
    if (j->failed) {
        fprintf(stderr, "[%d/%d] %s: %s\n", k, n, j->path, j->err.msg);
        return;
    }
    char lumo[32];
    if (isfinite(j->res.lumo))
        snprintf(lumo, sizeof lumo, "%.3f eV", j->res.lumo * OS_HARTREE_EV);
    else
        snprintf(lumo, sizeof lumo, "none (no virtual orbital)");
    char solv[64] = "";
    if (j->have_solv)
        snprintf(solv, sizeof solv, ", dG_solv %.2f kcal/mol",
                 (j->res.energy - j->solv.e_gas) * OS_HARTREE_KCAL);
    fprintf(stderr, "[%d/%d] %s: E = %.8f Eh%s, HOMO %.3f eV, LUMO %s (%d iterations, %.1f s)\n",
            k, n, j->mol.name, j->res.energy, solv, j->res.homo * OS_HARTREE_EV, lumo,
            j->res.iterations, j->wall_s);
    if (j->res.warning[0]) fprintf(stderr, "[%d/%d] %s: warning: %s\n", k, n, j->mol.name,
                                   j->res.warning);
    if (j->grad) print_gradient(&j->mol, j->grad, k, n);
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
static int snapshot(job *jobs, const char *reported, int n, os_report_entry *e)
{
    int m = 0;
    for (int i = 0; i < n; ++i)
        if (reported[i]) e[m++] = entry_of(&jobs[i]);
    os_report_rank(e, m);
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
            st = os_report_write_json(stdout, run, e, m, &err);
            if (st == OS_OK && fflush(stdout) != 0)
                st = OS_ERR_IO, snprintf(err.msg, sizeof err.msg, "cannot write JSON to stdout");
        } else {
            st = os_report_write_json_file(o->json, run, e, m, &err);
        }
        if (st != OS_OK) {
            fprintf(stderr, "orbscreen: %s\n", err.msg);
            ok = 0;
        }
    }
    if (!o->quiet && os_report_write_table(stderr, run, e, m, &err) != OS_OK) ok = 0;
    return ok;
}

/* --------------------------------------------------------------- the run */

static void run_header(const cli_options *o, int argc, char **argv, os_report_run *run,
                       char *cmdline, size_t ncmd, char *date, size_t ndate)
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
}

typedef struct {
    os_results *results;
    double t_start, t_last, last_cost;
    int nwritten;
} writer_state;

/* One finished molecule into the results folder; the summaries when due. */
static int write_finished(const os_report_run *run, writer_state *w,
                          job *jobs, const char *reported, int n, int k, os_report_entry *snap)
{
    int ok = 1;
    os_error err;
    signal_hold h;
    hold_signals(&h);
    os_report_entry e = entry_of(&jobs[k]);
    if (os_results_add(w->results, run, &e, jobs[k].stem, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s\n", err.msg);
        ok = 0;
    }
    /* The coefficients went into the Molden file; the summaries need energies only. */
    free(jobs[k].res.C_a);
    free(jobs[k].res.C_b);
    jobs[k].res.C_a = jobs[k].res.C_b = NULL;
    double t = now_s();
    int due = w->nwritten == 0 ||
              (t - w->t_last >= SUMMARY_MIN_INTERVAL_S &&
               w->last_cost <= SUMMARY_MAX_SHARE * (t - w->t_start));
    if (due) {
        int m = snapshot(jobs, reported, n, snap);
        if (os_results_summaries(w->results, run, snap, m, &err) != OS_OK) {
            fprintf(stderr, "orbscreen: %s\n", err.msg);
            ok = 0;
        }
        w->t_last = now_s();
        w->last_cost = w->t_last - t;
        ++w->nwritten;
    }
    release_signals(&h);
    return ok;
}

static void assign_stems(job *jobs, int n)
{
    const char **names = malloc((size_t)n * sizeof *names);
    char(*stems)[OS_REPORT_STEM_MAX] = malloc((size_t)n * sizeof *stems);
    char(*bases)[256] = malloc((size_t)n * sizeof *bases);
    if (names && stems && bases) {
        for (int i = 0; i < n; ++i) {
            os_molecule_name_from_path(jobs[i].path, bases[i], sizeof bases[i]);
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

int cli_run_batch(const cli_options *opt, int argc, char **argv)
{
    cli_options o = *opt;
    int n = o.ninput;
    if (o.jobs > n) o.jobs = n;
    if (o.scf.memory_mb == 0 && o.jobs > 1) {
        /* The library's default (half the available memory) is per SCF:
         * share it among the jobs. */
        o.scf.memory_mb = os_memory_available_mb() / 2 / (size_t)o.jobs;
        if (o.scf.memory_mb == 0) o.scf.memory_mb = 1;
    }
    if (o.threads == 0) {
        o.threads = omp_get_num_procs() / o.jobs;
        if (o.threads < 1) o.threads = 1;
    }
    writer_state w = {.t_start = now_s()};
    w.t_last = w.t_start;
    os_error err;
    if (o.out_dir && os_results_open(o.out_dir, &w.results, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s\n", err.msg);
        return EXIT_USAGE;
    }

    job *jobs = calloc((size_t)n, sizeof *jobs);
    char *reported = calloc((size_t)n, 1);
    int *finished = calloc((size_t)n, sizeof *finished);
    os_report_entry *snap = calloc((size_t)n, sizeof *snap);
    pthread_t *tid = calloc((size_t)o.jobs, sizeof *tid);
    if (!jobs || !reported || !finished || !snap || !tid) {
        fprintf(stderr, "orbscreen: out of memory\n");
        os_results_close(w.results);
        return EXIT_SOME_FAILED;
    }
    for (int i = 0; i < n; ++i) jobs[i].path = o.inputs[i];
    assign_stems(jobs, n);

    char cmdline[4096], date[32];
    os_report_run run;
    run_header(&o, argc, argv, &run, cmdline, sizeof cmdline, date, sizeof date);

    queue q = {.opt = &o, .jobs = jobs, .njob = n, .finished = finished};
    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.cond, NULL);
    int nworker = start_workers(&q, tid, o.jobs);
    if (nworker == 0) {
        fprintf(stderr, "orbscreen: cannot start worker threads\n");
        os_results_close(w.results);
        return EXIT_SOME_FAILED;
    }

    int nreported = 0, write_ok = 1;
    while (nreported < n) {
        pthread_mutex_lock(&q.lock);
        while (q.nfinished == nreported) pthread_cond_wait(&q.cond, &q.lock);
        int upto = q.nfinished;
        pthread_mutex_unlock(&q.lock);
        /* finished[nreported..upto) are this thread's now: their workers are done with them. */
        for (; nreported < upto; ++nreported) {
            int k = finished[nreported];
            reported[k] = 1;
            progress(&o, &jobs[k], nreported + 1, n);
            if (w.results)
                write_ok &= write_finished(&run, &w, jobs, reported, n, k, snap);
        }
    }
    for (int t = 0; t < nworker; ++t) pthread_join(tid[t], NULL);

    signal_hold h;
    hold_signals(&h);
    int m = snapshot(jobs, reported, n, snap);
    if (w.results && os_results_summaries(w.results, &run, snap, m, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s\n", err.msg);
        write_ok = 0;
    }
    write_ok &= final_outputs(&o, &run, snap, m);
    release_signals(&h);
    os_results_close(w.results);

    int any_failed = !write_ok;
    for (int i = 0; i < n; ++i) {
        any_failed |= jobs[i].failed;
        if (jobs[i].have_res) os_scf_result_free(&jobs[i].res);
        if (jobs[i].have_bs) os_basis_free(&jobs[i].bs);
        free(jobs[i].grad);
        os_molecule_free(&jobs[i].mol);
    }
    free(snap);
    free(finished);
    free(reported);
    free(tid);
    free(jobs);
    pthread_mutex_destroy(&q.lock);
    pthread_cond_destroy(&q.cond);
    return any_failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}
