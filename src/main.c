/* orbscreen command line: parse options, run each molecule, report.
 * Molecules run on worker threads (--jobs); the main thread alone prints and
 * writes files, with SIGINT/SIGTERM held back while a file is being written so
 * an interrupted run leaves only complete files. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <cblas.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "orbscreen.h"
#include "report.h"

enum { EXIT_ALL_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

typedef struct {
    os_scf_options scf;
    const char *basis;
    const char *basis_dir;
    const char *json;      /* NULL, "-" or a path */
    const char *out_dir;   /* results folder; NULL with --no-results */
    int charge, mult, has_charge, has_mult;
    int pure;
    int threads, jobs;
    int verbose, quiet;
} cli_options;

typedef struct {
    const char *path;
    os_molecule mol;
    os_basis bs;
    os_scf_result res;
    int have_bs, have_res, done;
    os_error err;
    int failed;
    double wall_s;
} job;

typedef struct {
    const cli_options *opt;
    job *jobs;
    int njob, next, ndone;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} queue;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: orbscreen [options] FILE.xyz...\n"
            "Frontier-orbital (HOMO/LUMO) energies; anions ranked by LUMO (lowest = most easily reduced).\n"
            "\n"
            "  --method NAME     hf, b3lyp (default), b3lyp5, pbe, pbe0, blyp, bp86, tpss, m06-2x,\n"
            "                    wb97x, cam-b3lyp, svwn, or any libxc name\n"
            "  --basis NAME      basis set (default 6-31+G*); e.g. cc-pVDZ, def2-TZVP, 6-311++G**\n"
            "  --cartesian       Cartesian d/f... functions (overrides the basis family's default)\n"
            "  --spherical       solid-harmonic functions\n"
            "  --grid SPEC       DFT grid: coarse, default, fine, or RADIAL,ANGULAR (e.g. 99,590)\n"
            "  --charge N        net charge when the XYZ comment line has no charge=\n"
            "  --mult N          spin multiplicity when the XYZ comment line has no mult=\n"
            "  --unrestricted    UHF/UKS even for singlets\n"
            "  --out DIR         results folder (default results); --no-results writes none\n"
            "  --json PATH       also write the JSON document to PATH (- for stdout)\n"
            "  --threads N       threads per molecule (default: all cores / jobs)\n"
            "  --jobs N          molecules run side by side (default 1)\n"
            "  --max-iter N      SCF iteration limit (default 100)\n"
            "  --memory MB       integrals kept in memory between SCF cycles (default: half the RAM)\n"
            "  --basis-dir DIR   Gaussian94 basis library (default %s)\n"
            "  --verbose         SCF iterations on stderr\n"
            "  --quiet           nothing on stderr but errors\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 all molecules converged, 1 some molecule failed, 2 usage error.\n",
            os_basis_default_dir());
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return 0;
    *out = (int)v;
    return 1;
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, cli_options *o)
{
    enum { O_CART = 256, O_SPH, O_GRID, O_OUT, O_NORES, O_BDIR, O_MAXIT, O_UHF, O_MEM };
    static const struct option longopts[] = {
        {"method", required_argument, 0, 'm'},  {"basis", required_argument, 0, 'b'},
        {"charge", required_argument, 0, 'c'},  {"mult", required_argument, 0, 'M'},
        {"json", required_argument, 0, 'j'},    {"threads", required_argument, 0, 't'},
        {"jobs", required_argument, 0, 'J'},    {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {"verbose", no_argument, 0, 'v'},
        {"quiet", no_argument, 0, 'q'},         {"cartesian", no_argument, 0, O_CART},
        {"spherical", no_argument, 0, O_SPH},   {"grid", required_argument, 0, O_GRID},
        {"out", required_argument, 0, O_OUT},   {"no-results", no_argument, 0, O_NORES},
        {"basis-dir", required_argument, 0, O_BDIR},
        {"max-iter", required_argument, 0, O_MAXIT},
        {"unrestricted", no_argument, 0, O_UHF},
        {"memory", required_argument, 0, O_MEM},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    os_scf_options_default(&o->scf);
    o->basis = "6-31+G*";
    o->out_dir = "results";
    o->pure = OS_PURE_DEFAULT;
    o->jobs = 1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': o->scf.method = optarg; break;
        case 'b': o->basis = optarg; break;
        case 'c':
            if (!parse_int(optarg, -1000, 1000, &o->charge)) goto bad_value;
            o->has_charge = 1;
            break;
        case 'M':
            if (!parse_int(optarg, 1, 1000, &o->mult)) goto bad_value;
            o->has_mult = 1;
            break;
        case 'j': o->json = optarg; break;
        case 't':
            if (!parse_int(optarg, 1, 4096, &o->threads)) goto bad_value;
            break;
        case 'J':
            if (!parse_int(optarg, 1, 4096, &o->jobs)) goto bad_value;
            break;
        case O_MAXIT:
            if (!parse_int(optarg, 1, 100000, &o->scf.max_iter)) goto bad_value;
            break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case O_CART: o->pure = OS_CARTESIAN; break;
        case O_SPH: o->pure = OS_SPHERICAL; break;
        case O_GRID: o->scf.grid = optarg; break;
        case O_OUT: o->out_dir = optarg; break;
        case O_NORES: o->out_dir = NULL; break;
        case O_BDIR: o->basis_dir = optarg; break;
        case O_UHF: o->scf.unrestricted = 1; break;
        case O_MEM: {
            int mb;
            if (!parse_int(optarg, 0, INT_MAX, &mb)) goto bad_value;
            o->scf.memory_mb = (size_t)mb;
            break;
        }
        case 'h': usage(stdout); return EXIT_ALL_OK;
        case 'V': printf("orbscreen %s\n", OS_VERSION); return EXIT_ALL_OK;
        default:
            fprintf(stderr, "orbscreen: unknown or incomplete option '%s' (see --help)\n",
                    argv[optind - 1]);
            return EXIT_USAGE;
        }
        continue;
    bad_value:
        fprintf(stderr, "orbscreen: invalid value '%s' for %s (see --help)\n", optarg,
                argv[optind - 1]);
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "orbscreen: no input files (usage: orbscreen [options] FILE.xyz...)\n");
        return EXIT_USAGE;
    }
    /* A bad method, grid, basis or output folder is the same for every
     * molecule: say so once, before any work. */
    os_error err;
    if (os_scf_options_check(&o->scf, &err) != OS_OK || os_basis_check(o->basis, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (o->out_dir && os_report_prepare_dir(o->out_dir, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s\n", err.msg);
        return EXIT_USAGE;
    }
    return -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* One molecule: XYZ -> molecule -> basis -> SCF. */
static void run_job(const cli_options *o, job *j, int nthreads)
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
        so.nthreads = nthreads;
        so.log = o->verbose ? stderr : NULL;
        st = os_scf_run(&j->mol, &j->bs, &so, &j->res, &j->err);
        j->have_res = 1;
    }
    j->failed = st != OS_OK;
    j->wall_s = now_s() - t0;
}

static void *worker(void *arg)
{
    queue *q = arg;
    int nthreads = q->opt->threads;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        int k = q->next < q->njob ? q->next++ : -1;
        pthread_mutex_unlock(&q->lock);
        if (k < 0) break;
        run_job(q->opt, &q->jobs[k], nthreads);
        pthread_mutex_lock(&q->lock);
        q->jobs[k].done = 1;
        q->ndone++;
        pthread_cond_signal(&q->cond);
        pthread_mutex_unlock(&q->lock);
    }
    return NULL;
}

static void fill_entries(job *jobs, int n, os_report_entry *e)
{
    for (int i = 0; i < n; ++i) {
        job *j = &jobs[i];
        e[i] = (os_report_entry){.mol = &j->mol, .wall_s = j->wall_s,
                                 .label = j->mol.label[0] ? j->mol.label : NULL};
        if (!j->done) continue;
        e[i].bs = j->have_bs ? &j->bs : NULL;
        if (j->failed)
            e[i].error = j->err.msg;
        else
            e[i].res = &j->res;
    }
}

/* Only finished molecules go into files; signals wait until the files are whole. */
static int write_outputs(const cli_options *o, const os_report_run *run, job *jobs, int n,
                         int final)
{
    os_report_entry *e = calloc((size_t)n, sizeof *e), *done = calloc((size_t)n, sizeof *done);
    if (!e || !done) {
        free(e);
        free(done);
        fprintf(stderr, "orbscreen: out of memory writing results\n");
        return 0;
    }
    fill_entries(jobs, n, e);
    int m = 0;
    for (int i = 0; i < n; ++i)
        if (jobs[i].done) done[m++] = e[i];
    os_report_rank(done, m);
    int ok = 1;
    os_error err;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    if (o->out_dir && os_report_write_dir(o->out_dir, run, done, m, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s\n", err.msg);
        ok = 0;
    }
    if (final && o->json) {
        os_status st;
        if (strcmp(o->json, "-") == 0) {
            st = os_report_write_json(stdout, run, done, m, &err);
            fflush(stdout);
        } else {
            st = os_report_write_json_file(o->json, run, done, m, &err);
        }
        if (st != OS_OK) {
            fprintf(stderr, "orbscreen: %s\n", err.msg);
            ok = 0;
        }
    }
    if (final && !o->quiet && os_report_write_table(stderr, run, done, m, &err) != OS_OK)
        ok = 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    free(e);
    free(done);
    return ok;
}

static void progress(const cli_options *o, const job *j, int k, int n)
{
    if (o->quiet && !j->failed) return;
    if (j->failed) {
        fprintf(stderr, "[%d/%d] %s: %s\n", k, n, j->path, j->err.msg);
    } else {
        fprintf(stderr, "[%d/%d] %s: E = %.8f Eh, HOMO %.3f eV, LUMO %.3f eV (%d iterations, %.1f s)\n",
                k, n, j->mol.name, j->res.energy, j->res.homo * OS_HARTREE_EV,
                j->res.lumo * OS_HARTREE_EV, j->res.iterations, j->wall_s);
    }
}

int main(int argc, char **argv)
{
    cli_options o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0) return rc;
    int n = argc - optind;
    if (o.jobs > n) o.jobs = n;
    /* Our BLAS calls are small next to the integrals, and OpenBLAS's own
     * thread pool only fights OpenMP's (and spins on a loaded machine). */
    openblas_set_num_threads(1);
    if (o.scf.memory_mb == 0 && o.jobs > 1) {
        /* The library's default (half the RAM) is per SCF: share it among the jobs. */
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
        if (pages > 0 && page > 0)
            o.scf.memory_mb = (size_t)pages / 2 / (size_t)o.jobs * (size_t)page >> 20;
    }
    if (o.threads == 0) {
        o.threads = omp_get_num_procs() / o.jobs;
        if (o.threads < 1) o.threads = 1;
    }

    job *jobs = calloc((size_t)n, sizeof *jobs);
    char *seen = calloc((size_t)n, 1); /* progress already reported */
    if (!jobs || !seen) {
        fprintf(stderr, "orbscreen: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    for (int i = 0; i < n; ++i) jobs[i].path = argv[optind + i];

    char cmdline[4096] = "", date[32];
    for (int i = 0; i < argc; ++i) {
        size_t len = strlen(cmdline);
        snprintf(cmdline + len, sizeof cmdline - len, "%s%s", i ? " " : "", argv[i]);
    }
    time_t tnow = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tnow));
    os_report_run run;
    os_report_run_init(&run);
    run.method = o.scf.method;
    run.basis = o.basis;
    /* HF has no grid; DFT runs name the grid they used. */
    int is_hf = o.scf.method && strcasecmp(o.scf.method, "hf") == 0;
    run.grid = is_hf ? NULL : (o.scf.grid ? o.scf.grid : "default");
    run.command_line = cmdline;
    run.date = date;
    run.nthreads = o.threads;

    queue q = {.opt = &o, .jobs = jobs, .njob = n};
    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.cond, NULL);
    /* Workers never take SIGINT/SIGTERM: the main thread decides when it may die. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t *tid = calloc((size_t)o.jobs, sizeof *tid);
    int nworker = 0;
    for (int w = 0; tid && w < o.jobs; ++w)
        if (pthread_create(&tid[nworker], NULL, worker, &q) == 0) ++nworker;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (nworker == 0) {
        fprintf(stderr, "orbscreen: cannot start worker threads\n");
        return EXIT_SOME_FAILED;
    }

    int reported = 0, write_ok = 1;
    pthread_mutex_lock(&q.lock);
    while (reported < n) {
        while (q.ndone == reported) pthread_cond_wait(&q.cond, &q.lock);
        for (int i = 0; i < n; ++i) {
            if (!jobs[i].done || seen[i]) continue;
            seen[i] = 1;
            ++reported;
            pthread_mutex_unlock(&q.lock);
            progress(&o, &jobs[i], reported, n);
            if (reported < n) write_ok &= write_outputs(&o, &run, jobs, n, 0);
            pthread_mutex_lock(&q.lock);
        }
    }
    pthread_mutex_unlock(&q.lock);
    for (int w = 0; w < nworker; ++w) pthread_join(tid[w], NULL);
    write_ok &= write_outputs(&o, &run, jobs, n, 1);

    int any_failed = !write_ok;
    for (int i = 0; i < n; ++i) {
        any_failed |= jobs[i].failed;
        if (jobs[i].have_res) os_scf_result_free(&jobs[i].res);
        if (jobs[i].have_bs) os_basis_free(&jobs[i].bs);
        os_molecule_free(&jobs[i].mol);
    }
    free(seen);
    free(tid);
    free(jobs);
    pthread_mutex_destroy(&q.lock);
    pthread_cond_destroy(&q.cond);
    return any_failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}
