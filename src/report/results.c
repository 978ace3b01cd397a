/* The results folder, written in time linear in the number of molecules:
 *   <stem>.molden     written once, atomically, when its molecule finishes;
 *   orbscreen.jsonl   one JSON line per finished molecule, appended in one
 *                     write(2) as it finishes (the journal: whatever kills
 *                     the run, every finished molecule is in it);
 *   orbscreen.json, orbscreen.csv, orbitals.svg
 *                     the summaries, rewritten atomically from a snapshot
 *                     (by the caller, as often as it likes; at the end);
 *   .orbscreen.records one exact record line per finished molecule (record.c)
 *                     with its resume key, input position and stem: what
 *                     --resume and `orbscreen merge` rebuild summaries from;
 *   .orbscreen.lock   flock(2)-locked while a run writes here, so a second run
 *                     on the same folder fails at once (the kernel drops the
 *                     lock of a killed run). */
#include "report/report.h"

#include "core/error.h"
#include "core/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* mkdir -p; an existing directory is fine. */
static os_status make_dirs(const char *dir, os_error *err)
{
    size_t len = strlen(dir);
    char *p = malloc(len + 1);
    if (!p) return OS_NOMEM(err, "directory name");
    memcpy(p, dir, len + 1);
    os_status st = OS_OK;
    for (size_t i = 1; i <= len && st == OS_OK; ++i) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char c = p[i];
        p[i] = '\0';
        struct stat sb;
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            st = os_fail(err, OS_ERR_IO, "cannot create directory %s: %s", p, strerror(errno));
        else if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
            st = os_fail(err, OS_ERR_IO, "cannot create directory %s: not a directory", p);
        p[i] = c;
    }
    free(p);
    if (st == OS_OK && access(dir, W_OK | X_OK) != 0)
        st = os_fail(err, OS_ERR_IO, "cannot write into directory %s: %s", dir, strerror(errno));
    return st;
}

os_status os_report_prepare_dir(const char *dir, os_error *err)
{
    return make_dirs(dir, err);
}

struct os_results {
    char *dir;
    int lock_fd, journal_fd, records_fd;
};

#define RECORDS_FILE ".orbscreen.records"

typedef struct {
    const os_report_run *run;
    const os_report_entry *e;
    int n;
} all_ctx;

static os_status w_json(FILE *f, void *c, os_error *err)
{
    all_ctx *a = c;
    return os_report_write_json(f, a->run, a->e, a->n, err);
}

os_status os_report_write_json_file(const char *path, const os_report_run *run,
                                    const os_report_entry *e, int n, os_error *err)
{
    all_ctx a = {run, e, n};
    return os_report_write_atomic(path, w_json, &a, 1, err);
}
static os_status w_csv(FILE *f, void *c, os_error *err)
{
    all_ctx *a = c;
    return os_report_write_csv(f, a->run, a->e, a->n, err);
}
static os_status w_svg(FILE *f, void *c, os_error *err)
{
    all_ctx *a = c;
    return os_report_write_svg(f, a->run, a->e, a->n, err);
}
static os_status w_molden(FILE *f, void *c, os_error *err)
{
    const os_report_entry *e = c;
    return os_molden_write(f, e->mol, e->bs, e->res, err);
}

static os_status w_opt_xyz(FILE *f, void *c, os_error *err)
{
    const os_report_entry *e = c;
    return os_opt_write_xyz(f, e->mol, e->bs, e->res, e->opt, e->xyz_comment, err);
}

/* The reduced species' last geometry (--opt --reduction). */
static os_status w_red_opt_xyz(FILE *f, void *c, os_error *err)
{
    const os_report_entry *e = c;
    const os_opt_result *r = e->red_opt;
    return os_opt_write_xyz(f, &r->mol, &r->basis, &r->scf, r, e->xyz_comment, err);
}

/* dir/name into a fresh string (NULL when out of memory). */
static char *path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%s/%s", dir, name);
    return p;
}

/* Open (creating) a file of the results folder that must be a regular file:
 * O_NONBLOCK so a FIFO put there cannot block the run, then checked. */
static os_status open_regular(const char *path, int flags, int *fd, os_error *err)
{
    *fd = open(path, flags | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
    struct stat sb;
    if (*fd < 0) {
        int e = errno; /* a FIFO without a reader: ENXIO; say what the file is */
        if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
            return os_fail(err, OS_ERR_IO, "cannot use %s: it is %s, not a regular file", path,
                           os_file_kind(sb.st_mode));
        return os_fail(err, OS_ERR_IO, "cannot create %s: %s", path, strerror(e));
    }
    int bad = fstat(*fd, &sb) != 0;
    if (bad || !S_ISREG(sb.st_mode)) {
        os_status st = os_fail(err, OS_ERR_IO, "cannot use %s: %s%s", path,
                               bad ? strerror(errno) : "it is ",
                               bad ? "" : os_file_kind(sb.st_mode));
        close(*fd);
        *fd = -1;
        return st;
    }
    fcntl(*fd, F_SETFL, flags & O_APPEND); /* blocking again: a regular file never waits */
    return OS_OK;
}

/* Append a buffer in as few write(2)s as it takes (one for a line). */
static os_status append_all(int fd, const char *buf, size_t len, const char *dir,
                            const char *name, os_error *err)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return os_fail(err, OS_ERR_IO, "cannot write %s/%s: %s", dir, name, strerror(errno));
        off += (size_t)w;
    }
    return OS_OK;
}

/* An append-only file of the folder (regular only), emptied unless kept. */
static os_status open_log(const char *dir, const char *name, int keep, int *fd, os_error *err)
{
    char *path = path_in(dir, name);
    if (!path) return OS_NOMEM(err, "results folder");
    os_status st = open_regular(path, O_WRONLY | O_APPEND, fd, err);
    if (st == OS_OK && !keep && ftruncate(*fd, 0) != 0)
        st = os_fail(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    free(path);
    return st;
}

os_status os_results_open(const char *dir, int resume, os_results **out, os_error *err)
{
    *out = NULL;
    os_status st = make_dirs(dir, err);
    if (st != OS_OK) return st;
    os_results *r = calloc(1, sizeof *r);
    char *lock = path_in(dir, ".orbscreen.lock"), *journal = path_in(dir, "orbscreen.jsonl");
    if (!r || !lock || !journal || !(r->dir = strdup(dir))) {
        free(r);
        free(lock);
        free(journal);
        return OS_NOMEM(err, "results folder");
    }
    r->lock_fd = r->journal_fd = r->records_fd = -1;
    st = open_regular(lock, O_RDWR, &r->lock_fd, err);
    if (st == OS_OK && flock(r->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t got = pread(r->lock_fd, pid, sizeof pid - 1, 0);
        pid[got > 0 ? got : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        st = os_fail(err, OS_ERR_IO,
                     "results folder %s is in use by another orbscreen run%s%s%s (choose another "
                     "--out)",
                     dir, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
    } else if (st == OS_OK) {
        char pid[32];
        int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (ftruncate(r->lock_fd, 0) != 0 || pwrite(r->lock_fd, pid, (size_t)len, 0) != len)
            st = os_fail(err, OS_ERR_IO, "cannot write %s: %s", lock, strerror(errno));
    }
    if (st == OS_OK) st = open_regular(journal, O_WRONLY | O_APPEND, &r->journal_fd, err);
    if (st == OS_OK && ftruncate(r->journal_fd, 0) != 0)
        st = os_fail(err, OS_ERR_IO, "cannot write %s: %s", journal, strerror(errno));
    /* A resumed run keeps the records until it knows which it keeps
     * (os_results_keep_records); the journal is rewritten in full. */
    if (st == OS_OK) st = open_log(dir, RECORDS_FILE, resume, &r->records_fd, err);
    free(lock);
    free(journal);
    if (st != OS_OK) {
        os_results_close(r);
        return st;
    }
    *out = r;
    return OS_OK;
}

void os_results_close(os_results *r)
{
    if (!r) return;
    if (r->journal_fd >= 0) close(r->journal_fd);
    if (r->records_fd >= 0) close(r->records_fd);
    if (r->lock_fd >= 0) close(r->lock_fd); /* releases the lock */
    free(r->dir);
    free(r);
}

/* Append one line in a single write(2), so a killed run leaves whole lines. */
static os_status journal_append(os_results *r, const os_report_run *run,
                                const os_report_entry *e, os_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return OS_NOMEM(err, "journal line");
    os_status st = os_report_write_json_entry(m, run, e, err);
    if (fclose(m) != 0 && st == OS_OK) st = OS_NOMEM(err, "journal line");
    if (st == OS_OK) st = append_all(r->journal_fd, buf, len, r->dir, "orbscreen.jsonl", err);
    free(buf);
    return st;
}

/* <dir>/<stem><suffix>, written atomically by `w`. */
static os_status write_named(os_results *r, const char *stem, const char *suffix,
                             os_report_writer w, const os_report_entry *e, os_error *err)
{
    char name[OS_REPORT_STEM_MAX + 16];
    snprintf(name, sizeof name, "%s%s", stem, suffix);
    char *path = path_in(r->dir, name);
    if (!path) return OS_NOMEM(err, "output path");
    os_status st = os_report_write_atomic(path, w, (void *)e, 0, err);
    free(path);
    return st;
}

/* "<key> <index> <K> <N> <stem in hex> <record>": the record with what
 * resume and merge need to place it (a stem may hold spaces). */
static os_status record_line(const os_report_entry *e, const os_results_place *pl,
                             const char *stem, char **buf, size_t *len, os_error *err)
{
    *buf = NULL;
    *len = 0;
    FILE *m = open_memstream(buf, len);
    if (!m) return OS_NOMEM(err, "result record");
    fprintf(m, "%s %d %d %d ", pl->key, pl->index, pl->shard_k, pl->shard_n);
    for (const unsigned char *c = (const unsigned char *)stem; *c; ++c) fprintf(m, "%02x", *c);
    fputc(' ', m);
    os_status st = os_report_record_write(m, e, err);
    if (fclose(m) != 0 && st == OS_OK) st = OS_NOMEM(err, "result record");
    if (st != OS_OK) {
        free(*buf);
        *buf = NULL;
    }
    return st;
}

static os_status record_append(int fd, const char *dir, const os_report_entry *e,
                               const os_results_place *pl, const char *stem, os_error *err)
{
    char *buf;
    size_t len;
    os_status st = record_line(e, pl, stem, &buf, &len, err);
    if (st == OS_OK) st = append_all(fd, buf, len, dir, RECORDS_FILE, err);
    free(buf);
    return st;
}

os_status os_results_keep_records(os_results *r, const os_results_saved *keep, int n,
                                  os_error *err)
{
    char *path = path_in(r->dir, RECORDS_FILE), *tmp = path_in(r->dir, RECORDS_FILE ".tmp");
    os_status st = path && tmp ? OS_OK : OS_NOMEM(err, "records path");
    int fd = st == OS_OK ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644) : -1;
    if (st == OS_OK && fd < 0)
        st = os_fail(err, OS_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    for (int i = 0; i < n && st == OS_OK; ++i)
        st = record_append(fd, r->dir, os_report_record_entry(keep[i].rec), &keep[i].place,
                           keep[i].stem, err);
    if (st == OS_OK && rename(tmp, path) != 0)
        st = os_fail(err, OS_ERR_IO, "cannot replace %s: %s", path, strerror(errno));
    if (st == OS_OK) {
        close(r->records_fd);
        r->records_fd = fd;
    } else {
        if (fd >= 0) close(fd);
        if (tmp) unlink(tmp);
    }
    free(path);
    free(tmp);
    return st;
}

os_status os_results_add(os_results *r, const os_report_run *run, const os_report_entry *e,
                         const char *stem, const os_results_place *pl, os_error *err)
{
    os_status st = OS_OK;
    /* A result taken over from an earlier run has no coefficients: its
     * Molden file is already there. */
    if (os_report_entry_ok(e) && e->bs && e->res->C_a)
        st = write_named(r, stem, ".molden", w_molden, e, err);
    if (st == OS_OK && os_report_entry_ok(e) && e->bs && e->res->C_a && e->opt)
        st = write_named(r, stem, ".opt.xyz", w_opt_xyz, e, err);
    if (st == OS_OK && os_report_entry_ok(e) && e->res->C_a && e->red_opt &&
        e->red_opt->mol.natom > 0 && e->red_opt->basis.shells)
        st = write_named(r, stem, ".red.opt.xyz", w_red_opt_xyz, e, err);
    /* The journal line is written even when the Molden file failed: the
     * numbers are the result. */
    os_error jerr;
    os_status jst = journal_append(r, run, e, &jerr);
    /* A record promises its Molden file (--resume keeps it): none without. */
    if (st == OS_OK && jst == OS_OK && pl && pl->key[0])
        jst = record_append(r->records_fd, r->dir, e, pl, stem, &jerr);
    if (st == OS_OK && jst != OS_OK) {
        st = jst;
        if (err) *err = jerr;
    }
    return st;
}

static int parse_place(char **line, os_results_place *pl, char *stem)
{
    char *p = *line, hex[2 * OS_REPORT_STEM_MAX];
    int used = 0;
    if (sscanf(p, "%64[0-9a-f] %d %d %d %398[0-9a-f] %n", pl->key, &pl->index, &pl->shard_k,
               &pl->shard_n, hex, &used) != 5 || used == 0 || strlen(pl->key) != 64 ||
        strlen(hex) % 2 != 0)
        return 0;
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; ++i) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || v == 0) return 0;
        stem[i] = (char)v;
    }
    stem[n] = '\0';
    *line = p + used;
    return 1;
}

/* Order of records by (key, position, line): equal keys and positions
 * next to each other, the last written last. */
static const os_results_saved *cmp_base;
static int cmp_saved(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    int c = strcmp(cmp_base[a].place.key, cmp_base[b].place.key);
    if (c) return c;
    if (cmp_base[a].place.index != cmp_base[b].place.index)
        return cmp_base[a].place.index < cmp_base[b].place.index ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* A molecule computed again (it had failed, or its Molden file was gone)
 * has two records: keep the last one of each key and position, in the
 * order written.  O(n log n). */
static os_status drop_superseded(os_results_saved *s, int *n, os_error *err)
{
    int *ord = malloc((size_t)(*n + 1) * sizeof *ord);
    char *drop = calloc((size_t)*n + 1, 1);
    if (!ord || !drop) {
        free(ord);
        free(drop);
        return OS_NOMEM(err, "records");
    }
    for (int i = 0; i < *n; ++i) ord[i] = i;
    cmp_base = s;
    qsort(ord, (size_t)*n, sizeof *ord, cmp_saved);
    for (int i = 0; i + 1 < *n; ++i) {
        const os_results_place *p = &s[ord[i]].place, *q = &s[ord[i + 1]].place;
        drop[ord[i]] = strcmp(p->key, q->key) == 0 && p->index == q->index;
    }
    int m = 0;
    for (int i = 0; i < *n; ++i) {
        if (drop[i])
            os_report_record_free(s[i].rec);
        else
            s[m++] = s[i];
    }
    *n = m;
    free(ord);
    free(drop);
    return OS_OK;
}

os_status os_results_read_records(const char *dir, os_results_saved **out, int *n, int *nbad,
                                  os_error *err)
{
    *out = NULL;
    *n = *nbad = 0;
    char *path = path_in(dir, RECORDS_FILE);
    if (!path) return OS_NOMEM(err, "records path");
    FILE *f = fopen(path, "r");
    free(path);
    if (!f) return errno == ENOENT ? OS_OK
                                   : os_fail(err, OS_ERR_IO, "cannot read %s/%s: %s", dir,
                                             RECORDS_FILE, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int have = 0;
    os_status st = OS_OK;
    while (st == OS_OK && getline(&line, &cap, f) > 0) {
        if (*n == have) {
            have = have ? 2 * have : 64;
            os_results_saved *grown = realloc(*out, (size_t)have * sizeof **out);
            if (!grown) {
                st = OS_NOMEM(err, "records");
                break;
            }
            *out = grown;
        }
        os_results_saved *s = &(*out)[*n];
        memset(s, 0, sizeof *s);
        char *p = line;
        if (!parse_place(&p, &s->place, s->stem) || os_report_record_parse(p, &s->rec, NULL) != OS_OK)
            ++*nbad;
        else
            ++*n;
    }
    if (st == OS_OK && ferror(f))
        st = os_fail(err, OS_ERR_IO, "cannot read %s/%s", dir, RECORDS_FILE);
    free(line);
    fclose(f);
    if (st == OS_OK) st = drop_superseded(*out, n, err);
    if (st != OS_OK) {
        os_results_saved_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return st;
}

void os_results_saved_free(os_results_saved *s, int n)
{
    for (int i = 0; i < n; ++i) os_report_record_free(s[i].rec);
    free(s);
}

os_status os_results_summaries(os_results *r, const os_report_run *run,
                               const os_report_entry *e, int n, os_error *err)
{
    all_ctx a = {run, e, n};
    static const struct {
        const char *file;
        os_report_writer w;
    } outs[] = {{"orbscreen.json", w_json}, {"orbscreen.csv", w_csv}, {"orbitals.svg", w_svg}};
    os_status st = OS_OK;
    for (size_t k = 0; k < sizeof outs / sizeof outs[0] && st == OS_OK; ++k) {
        char *path = path_in(r->dir, outs[k].file);
        if (!path) return OS_NOMEM(err, "output path");
        st = os_report_write_atomic(path, outs[k].w, &a, 1, err);
        free(path);
    }
    return st;
}

/* File-system-safe stem: no '/', no control characters, not "." or "..",
 * short enough that "<stem>.molden.tmp.<pid>" fits in a file name. */
static void safe_stem(const char *name, char *out, size_t n)
{
    size_t j = 0;
    for (const char *s = name; *s && j + 1 < n; ++s) {
        unsigned char c = (unsigned char)*s;
        out[j++] = (c == '/' || c < 0x20 || c == 0x7f) ? '_' : (char)c;
    }
    out[j] = '\0';
    /* Cut on a character boundary: the stem is also a name in the reports. */
    char cut[OS_REPORT_STEM_MAX - 11];
    os_utf8_copy(cut, sizeof cut, out, j);
    memcpy(out, cut, strlen(cut) + 1);
    if (out[0] == '\0' || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        snprintf(out, n, "molecule");
}

void os_results_assign_stems(const char *const *names, int n, char (*stems)[OS_REPORT_STEM_MAX])
{
    for (int i = 0; i < n; ++i) {
        char base[OS_REPORT_STEM_MAX];
        safe_stem(names[i], base, sizeof base);
        snprintf(stems[i], OS_REPORT_STEM_MAX, "%s", base);
        /* name, name-2, name-3, ...: the first free one (an input may itself
         * be called name-2). */
        for (int k = 2;; ++k) {
            int taken = 0;
            for (int j = 0; j < i && !taken; ++j) taken = strcmp(stems[j], stems[i]) == 0;
            if (!taken) break;
            snprintf(stems[i], OS_REPORT_STEM_MAX, "%s-%d", base, k);
        }
    }
}

os_status os_report_write_dir(const char *dir, const os_report_run *run,
                              const os_report_entry *e, int n, os_error *err)
{
    os_results *r;
    os_status st = os_results_open(dir, 0, &r, err);
    if (st != OS_OK) return st;
    const char **names = malloc((size_t)(n > 0 ? n : 1) * sizeof *names);
    char(*stems)[OS_REPORT_STEM_MAX] = malloc((size_t)(n > 0 ? n : 1) * sizeof *stems);
    if (!names || !stems) st = OS_NOMEM(err, "output names");
    if (st == OS_OK) {
        for (int i = 0; i < n; ++i) names[i] = e[i].mol->name;
        os_results_assign_stems(names, n, stems);
    }
    for (int i = 0; i < n && st == OS_OK; ++i) st = os_results_add(r, run, &e[i], stems[i], NULL, err);
    if (st == OS_OK) st = os_results_summaries(r, run, e, n, err);
    free(names);
    free(stems);
    os_results_close(r);
    return st;
}
