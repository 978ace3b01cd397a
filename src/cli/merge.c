/* orbscreen merge OUT DIR...: the results folders of a job array's shards
 * (--shard K/N), or of separate runs, combined into one results folder as a
 * single run over all the inputs would have written it: one ranking, the
 * summaries (orbscreen.json, .csv, orbitals.svg), the journal and the Molden
 * files.  Molecules come in input order: by their position in the whole
 * input when the folders are shards of one N, else folder by folder.  The
 * numbers come from each folder's exact records (.orbscreen.records); the
 * run header (method, basis, grid, thresholds) from its orbscreen.json, and
 * the folders must agree on it. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"
#include "input/json_reader.h"
#include "input/textfile.h"

#define MERGE_MAX_FILE ((size_t)1 << 30)

typedef struct {
    os_results_saved s;
    int dir; /* which DIR argument it came from */
} merged;

/* The run-level fields a folder's orbscreen.json records (strings owned by
 * the parsed tree). */
typedef struct {
    os_jvalue doc;
    const char *method, *basis, *grid, *phase, *jk, *aux, *rank_by;
    os_scf_options scf;
    int threads;
} header;

static const char *jstr(const os_jvalue *obj, const char *key)
{
    const os_jvalue *v = os_jvalue_get(obj, key);
    return v && v->type == OS_JSTR ? v->str : NULL;
}

static double jnum(const os_jvalue *obj, const char *key, double dflt)
{
    const os_jvalue *v = os_jvalue_get(obj, key);
    return v && v->type == OS_JNUM ? v->num : dflt;
}

static os_status read_header(const char *dir, header *h, os_error *err)
{
    char path[4096], *text;
    size_t len;
    snprintf(path, sizeof path, "%s/orbscreen.json", dir);
    os_status st = os_text_read(path, MERGE_MAX_FILE, "an orbscreen results file", &text, &len, err);
    if (st != OS_OK) return st;
    st = os_json_parse(text, len, path, &h->doc, err);
    free(text);
    if (st != OS_OK) return st;
    h->method = jstr(&h->doc, "method");
    h->basis = jstr(&h->doc, "basis");
    h->grid = jstr(&h->doc, "grid");
    h->phase = jstr(&h->doc, "phase");
    h->jk = jstr(&h->doc, "jk");
    h->aux = jstr(&h->doc, "aux");
    h->rank_by = jstr(&h->doc, "rank_by");
    h->threads = (int)jnum(&h->doc, "threads", 0);
    os_scf_options_default(&h->scf);
    const os_jvalue *so = os_jvalue_get(&h->doc, "scf_options");
    h->scf.e_conv = jnum(so, "energy_change_eh", h->scf.e_conv);
    h->scf.g_conv = jnum(so, "orbital_gradient", h->scf.g_conv);
    h->scf.lindep = jnum(so, "lindep", h->scf.lindep);
    h->scf.schwarz = jnum(so, "schwarz", h->scf.schwarz);
    h->scf.max_iter = (int)jnum(so, "max_iterations", h->scf.max_iter);
    if (!h->method || !h->basis)
        return os_fail(err, OS_ERR_PARSE, "%s: no method or basis: not an orbscreen results file",
                       path);
    return OS_OK;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The level of theory must be the same in every folder. */
static os_status check_same(const header *a, const char *adir, const header *b, const char *bdir,
                            os_error *err)
{
    const char *what = !same_str(a->method, b->method) ? "method"
                       : !same_str(a->basis, b->basis) ? "basis"
                       : !same_str(a->grid, b->grid)   ? "grid"
                       : !same_str(a->phase, b->phase) ? "phase"
                       : !same_str(a->jk, b->jk)       ? "jk"
                       : !same_str(a->aux, b->aux)     ? "aux"
                       : !same_str(a->rank_by, b->rank_by) ? "rank_by"
                       : a->scf.e_conv != b->scf.e_conv || a->scf.g_conv != b->scf.g_conv ||
                               a->scf.max_iter != b->scf.max_iter
                           ? "scf_options"
                           : NULL;
    if (!what) return OS_OK;
    return os_fail(err, OS_ERR_INPUT, "cannot merge %s and %s: their %s differs", adir, bdir, what);
}

/* Shards of one N are interleaved back into input order; anything else
 * is taken folder by folder. */
static int shards_of_one_n(const merged *m, int n)
{
    for (int i = 0; i < n; ++i)
        if (m[i].s.place.shard_n != m[0].s.place.shard_n || m[i].s.place.shard_n < 2) return 0;
    return n > 0;
}

static int by_position;
static int cmp_merged(const void *pa, const void *pb)
{
    const merged *a = pa, *b = pb;
    if (!by_position && a->dir != b->dir) return a->dir < b->dir ? -1 : 1;
    if (a->s.place.index != b->s.place.index) return a->s.place.index < b->s.place.index ? -1 : 1;
    return a->dir < b->dir ? -1 : a->dir > b->dir;
}

/* Every record of every folder (the last one of a molecule in a folder:
 * a resumed run may have computed it twice). */
static os_status gather(char **dirs, int ndir, merged **out, int *nout, os_error *err)
{
    merged *all = NULL;
    int n = 0;
    for (int d = 0; d < ndir; ++d) {
        os_results_saved *s;
        int ns, nbad;
        os_status st = os_results_read_records(dirs[d], &s, &ns, &nbad, err);
        if (st == OS_OK && nbad > 0)
            st = os_fail(err, OS_ERR_PARSE, "%s: %d unreadable result records", dirs[d], nbad);
        merged *grown = st == OS_OK ? realloc(all, (size_t)(n + ns + 1) * sizeof *all) : NULL;
        if (st == OS_OK && !grown) st = OS_NOMEM(err, "merged records");
        if (st != OS_OK) {
            os_results_saved_free(s, ns);
            for (int i = 0; i < n; ++i) os_report_record_free(all[i].s.rec);
            free(all);
            return st;
        }
        all = grown;
        for (int i = 0; i < ns; ++i) {
            all[n] = (merged){.s = s[i], .dir = d};
            s[i].rec = NULL;
            ++n;
        }
        os_results_saved_free(s, ns);
    }
    by_position = shards_of_one_n(all, n);
    qsort(all, (size_t)n, sizeof *all, cmp_merged);
    *out = all;
    *nout = n;
    return OS_OK;
}

static os_status copy_molden(const char *srcdir, const char *srcstem, const char *dstdir,
                             const char *dststem, os_error *err)
{
    char src[4096], dst[4096], *text;
    size_t len;
    snprintf(src, sizeof src, "%s/%s.molden", srcdir, srcstem);
    snprintf(dst, sizeof dst, "%s/%s.molden", dstdir, dststem);
    os_status st = os_text_read(src, MERGE_MAX_FILE, "a Molden file", &text, &len, err);
    if (st != OS_OK) return st;
    st = os_report_write_bytes_atomic(dst, text, len, err);
    free(text);
    return st;
}

/* The merged folder: Molden files, journal, records, summaries; the table
 * on stdout. */
static int write_merged(const char *out, char **dirs, merged *m, int n, os_report_run *run)
{
    os_error err;
    os_results *r;
    if (os_results_open(out, 0, &r, &err) != OS_OK) {
        fprintf(stderr, "orbscreen merge: %s\n", err.msg);
        return EXIT_USAGE;
    }
    const char **names = malloc((size_t)(n + 1) * sizeof *names);
    char(*stems)[OS_REPORT_STEM_MAX] = malloc((size_t)(n + 1) * sizeof *stems);
    os_report_entry *e = malloc((size_t)(n + 1) * sizeof *e);
    int ok = names && stems && e;
    if (!ok) fprintf(stderr, "orbscreen merge: out of memory\n");
    for (int i = 0; ok && i < n; ++i) {
        e[i] = *os_report_record_entry(m[i].s.rec);
        names[i] = e[i].mol->name;
    }
    if (ok) os_results_assign_stems(names, n, stems);
    int any_failed = 0;
    for (int i = 0; ok && i < n; ++i) {
        any_failed |= !os_report_entry_ok(&e[i]);
        os_results_place pl = m[i].s.place;
        pl.shard_k = pl.shard_n = 1;
        if ((os_report_entry_ok(&e[i]) && e[i].bs &&
             copy_molden(dirs[m[i].dir], m[i].s.stem, out, stems[i], &err) != OS_OK) ||
            os_results_add(r, run, &e[i], stems[i], &pl, &err) != OS_OK) {
            fprintf(stderr, "orbscreen merge: %s\n", err.msg);
            ok = 0;
        }
    }
    if (ok) {
        os_report_rank(e, n, run->rank_by);
        if (os_results_summaries(r, run, e, n, &err) != OS_OK ||
            os_report_write_table(stdout, run, e, n, &err) != OS_OK) {
            fprintf(stderr, "orbscreen merge: %s\n", err.msg);
            ok = 0;
        }
    }
    os_results_close(r);
    free(names);
    free(stems);
    free(e);
    return !ok ? EXIT_SOME_FAILED : any_failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

/* Whether two paths name one folder (OUT may not exist yet). */
static int same_folder(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return strcmp(a, b) == 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_run_merge(int argc, char **argv)
{
    int help = argc > 1 && strcmp(argv[1], "--help") == 0;
    if (argc < 3 || help) {
        fprintf(help ? stdout : stderr,
                "usage: orbscreen merge OUT DIR...\n"
                "Combine the results folders DIR... (the shards of --shard K/N, or separate runs\n"
                "at the same level of theory) into the results folder OUT: one ranking, as one\n"
                "run over all the inputs would have written it.\n");
        return help ? EXIT_ALL_OK : EXIT_USAGE;
    }
    const char *out = argv[1];
    char **dirs = argv + 2;
    int ndir = argc - 2;
    os_error err;
    header *h = calloc((size_t)ndir, sizeof *h);
    if (!h) return EXIT_SOME_FAILED;
    int rc = -1;
    for (int d = 0; d < ndir && rc < 0; ++d) {
        if (same_folder(dirs[d], out)) {
            fprintf(stderr, "orbscreen merge: OUT (%s) must not be one of the folders merged\n", out);
            rc = EXIT_USAGE;
        } else if (read_header(dirs[d], &h[d], &err) != OS_OK ||
                   (d > 0 && check_same(&h[0], dirs[0], &h[d], dirs[d], &err) != OS_OK)) {
            fprintf(stderr, "orbscreen merge: %s\n", err.msg);
            rc = EXIT_USAGE;
        }
    }
    merged *m = NULL;
    int n = 0;
    if (rc < 0 && gather(dirs, ndir, &m, &n, &err) != OS_OK) {
        fprintf(stderr, "orbscreen merge: %s\n", err.msg);
        rc = EXIT_USAGE;
    }
    if (rc < 0) {
        char cmdline[4096] = "orbscreen merge", date[32];
        for (int i = 1; i < argc; ++i) {
            size_t len = strlen(cmdline);
            snprintf(cmdline + len, sizeof cmdline - len, " %s", argv[i]);
        }
        time_t tnow = time(NULL);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tnow));
        os_report_run run;
        os_report_run_init(&run);
        run.method = h[0].method;
        run.basis = h[0].basis;
        run.grid = h[0].grid;
        run.jk = h[0].jk;
        run.aux = h[0].aux;
        run.phase = h[0].phase;
        /* ranked as the shards were (their JSON names the key) */
        run.rank_by = !h[0].rank_by || !strcmp(h[0].rank_by, "lumo") ? OS_RANK_LUMO
                      : !strcmp(h[0].rank_by, "lumo-solv")          ? OS_RANK_LUMO_SOLV
                                                                     : OS_RANK_REDUCTION;
        run.scf = &h[0].scf;
        run.nthreads = h[0].threads;
        run.command_line = cmdline;
        run.date = date;
        for (int i = 0; i < n; ++i) run.wall_s += os_report_record_entry(m[i].s.rec)->wall_s;
        rc = write_merged(out, dirs, m, n, &run);
    }
    for (int i = 0; i < n; ++i) os_report_record_free(m[i].s.rec);
    free(m);
    for (int d = 0; d < ndir; ++d) os_jvalue_free(&h[d].doc);
    free(h);
    return rc;
}
