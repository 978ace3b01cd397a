/* Ranking, CSV, the terminal table, and atomic writing of the results
 * directory.  JSON, SVG and Molden live in report_json.c, report_svg.c and
 * molden.c. */
#include "report.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

void os_report_run_init(os_report_run *run)
{
    memset(run, 0, sizeof *run);
    run->program = "orbscreen";
    run->version = OS_VERSION;
}

int os_report_entry_ok(const os_report_entry *e)
{
    return e->res != NULL && e->error == NULL;
}

const char *os_report_reference(const os_scf_result *res)
{
    int hf = strcmp(res->method, "hf") == 0 || strcmp(res->method, "HF") == 0;
    if (hf) return res->unrestricted ? "uhf" : "rhf";
    return res->unrestricted ? "uks" : "rks";
}

/* ----------------------------------------------------------------- ranking */

typedef struct {
    double lumo; /* Eh */
    const char *name;
    int idx;
} rank_key;

static int rank_cmp(const void *pa, const void *pb)
{
    const rank_key *a = pa, *b = pb;
    if (a->lumo < b->lumo) return -1;
    if (a->lumo > b->lumo) return 1;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Rank 1 = lowest LUMO: the lowest empty level takes an extra electron most
 * readily (Koopmans-like reading of the LUMO as minus an electron affinity). */
void os_report_rank(os_report_entry *e, int n)
{
    int k = 0;
    for (int i = 0; i < n; ++i) {
        e[i].rank = 0;
        if (os_report_entry_ok(&e[i]) && e[i].mol->charge < 0 && isfinite(e[i].res->lumo)) ++k;
    }
    if (k == 0) return;
    /* A small fixed buffer keeps ranking infallible for the usual screen
     * sizes; beyond it, a simple O(k^2) selection needs no allocation. */
    rank_key buf[256];
    if (k <= 256) {
        int j = 0;
        for (int i = 0; i < n; ++i)
            if (os_report_entry_ok(&e[i]) && e[i].mol->charge < 0 && isfinite(e[i].res->lumo))
                buf[j++] = (rank_key){e[i].res->lumo, e[i].mol->name, i};
        qsort(buf, (size_t)k, sizeof buf[0], rank_cmp);
        for (j = 0; j < k; ++j) e[buf[j].idx].rank = j + 1;
        return;
    }
    for (int r = 1; r <= k; ++r) {
        int best = -1;
        rank_key bk = {0};
        for (int i = 0; i < n; ++i) {
            if (e[i].rank || !os_report_entry_ok(&e[i]) || e[i].mol->charge >= 0 ||
                !isfinite(e[i].res->lumo))
                continue;
            rank_key ki = {e[i].res->lumo, e[i].mol->name, i};
            if (best < 0 || rank_cmp(&ki, &bk) < 0) {
                best = i;
                bk = ki;
            }
        }
        e[best].rank = r;
    }
}

/* --------------------------------------------------------------------- CSV */

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double quotes. */
static void csv_field(FILE *f, const char *s, int last)
{
    if (!s) s = "";
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; ++s) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void csv_num(FILE *f, const char *fmt, double v)
{
    if (isfinite(v)) fprintf(f, fmt, v);
    fputc(',', f);
}

static os_status stream_status(FILE *f, const char *what, os_error *err)
{
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write %s: %s", what, strerror(errno));
    return OS_OK;
}

os_status os_report_write_csv(FILE *f, const os_report_run *run, const os_report_entry *e,
                              int n, os_error *err)
{
    fputs("name,file,formula,charge,multiplicity,method,basis,n_basis,energy_Eh,homo_eV,"
          "lumo_eV,gap_eV,rank,converged,wall_s,error\n",
          f);
    for (int i = 0; i < n; ++i) {
        const os_molecule *m = e[i].mol;
        const os_scf_result *r = os_report_entry_ok(&e[i]) ? e[i].res : NULL;
        char formula[256] = "";
        if (m->natom > 0) os_molecule_formula(m, formula, sizeof formula);
        csv_field(f, m->name, 0);
        csv_field(f, m->file, 0);
        csv_field(f, formula, 0);
        if (m->natom > 0)
            fprintf(f, "%d,%d,", m->charge, m->mult);
        else
            fputs(",,", f);
        csv_field(f, r ? r->method : (run ? run->method : NULL), 0);
        csv_field(f, e[i].bs ? e[i].bs->name : (run ? run->basis : NULL), 0);
        if (e[i].bs)
            fprintf(f, "%d,", e[i].bs->nbf);
        else
            fputc(',', f);
        if (r) {
            csv_num(f, "%.10f", r->energy);
            csv_num(f, "%.6f", r->homo * OS_HARTREE_EV);
            csv_num(f, "%.6f", r->lumo * OS_HARTREE_EV);
            csv_num(f, "%.6f", (r->lumo - r->homo) * OS_HARTREE_EV);
        } else {
            fputs(",,,,", f);
        }
        if (e[i].rank > 0) fprintf(f, "%d", e[i].rank);
        fputc(',', f);
        if (r) fputs(r->converged ? "true" : "false", f);
        fputc(',', f);
        csv_num(f, "%.3f", e[i].wall_s);
        csv_field(f, e[i].error, 1);
    }
    return stream_status(f, "CSV", err);
}

/* ------------------------------------------------------------------- table */

static void table_row(FILE *f, const os_report_entry *e, int wname)
{
    const os_molecule *m = e->mol;
    const os_scf_result *r = e->res;
    char rank[16], formula[64] = "";
    if (e->rank > 0)
        snprintf(rank, sizeof rank, "%d", e->rank);
    else
        snprintf(rank, sizeof rank, "-");
    os_molecule_formula(m, formula, sizeof formula);
    char chg[16];
    snprintf(chg, sizeof chg, m->charge ? "%+d" : "0", m->charge);
    fprintf(f, "%4s  %-*s  %-14s %3s %4d  %18.10f", rank, wname, m->name, formula, chg, m->mult,
            r->energy);
    double v[3] = {r->homo * OS_HARTREE_EV, r->lumo * OS_HARTREE_EV,
                   (r->lumo - r->homo) * OS_HARTREE_EV};
    for (int k = 0; k < 3; ++k) {
        if (isfinite(v[k]))
            fprintf(f, " %9.3f", v[k]);
        else
            fprintf(f, " %9s", "n/a");
    }
    fprintf(f, "  %-4s %8.1f  %s\n", r->converged ? "yes" : "no", e->wall_s,
            e->rank > 0 ? "" : (m->charge < 0 ? "not ranked (no LUMO)" : "not ranked"));
}

os_status os_report_write_table(FILE *f, const os_report_run *run, const os_report_entry *e,
                                int n, os_error *err)
{
    int wname = 4;
    for (int i = 0; i < n; ++i) {
        int len = (int)strlen(e[i].mol->name);
        if (len > wname) wname = len;
    }
    if (wname > 32) wname = 32;

    /* The grid matters only when some result used one (DFT). */
    int dft = 0;
    for (int i = 0; i < n; ++i)
        if (os_report_entry_ok(&e[i]) && e[i].res->grid[0]) dft = 1;
    const char *grid = run && run->grid && dft ? run->grid : NULL;
    if (run && (run->method || run->basis))
        fprintf(f, "%s %s  %s/%s%s%s\n\n", run->program ? run->program : "orbscreen",
                run->version ? run->version : "", run->method ? run->method : "?",
                run->basis ? run->basis : "?", grid ? "  grid " : "", grid ? grid : "");
    fprintf(f, "%4s  %-*s  %-14s %3s %4s  %18s %9s %9s %9s  %-4s %8s\n", "rank", wname, "name",
            "formula", "chg", "mult", "energy (Eh)", "HOMO (eV)", "LUMO (eV)", "gap (eV)", "conv",
            "time (s)");
    /* Ranked anions in rank order, then every other success, then failures. */
    int nranked = 0;
    for (int i = 0; i < n; ++i)
        if (e[i].rank > 0) ++nranked;
    for (int r = 1; r <= nranked; ++r)
        for (int i = 0; i < n; ++i)
            if (e[i].rank == r) table_row(f, &e[i], wname);
    for (int i = 0; i < n; ++i)
        if (e[i].rank == 0 && os_report_entry_ok(&e[i])) table_row(f, &e[i], wname);
    int nfail = 0;
    for (int i = 0; i < n; ++i) {
        if (os_report_entry_ok(&e[i])) continue;
        if (nfail++ == 0) fprintf(f, "\nfailed:\n");
        fprintf(f, "  %-*s  %s\n", wname, e[i].mol->name,
                e[i].error ? e[i].error : "no result");
    }
    fprintf(f, "\nranking: %s.\n", OS_REPORT_RANKING_CONVENTION);
    return stream_status(f, "table", err);
}

/* ----------------------------------------------------------- atomic writes */

os_status os_report_write_atomic(const char *path, os_report_writer writer, void *ctx,
                                 os_error *err)
{
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) return OS_NOMEM(err, "temporary file name");
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());

    os_status st = OS_OK;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        st = os_fail(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return st;
    }
    os_error inner = {{0}};
    st = writer(f, ctx, &inner);
    if (st == OS_OK && (ferror(f) || fflush(f) != 0))
        st = os_fail(&inner, OS_ERR_IO, "%s", strerror(errno));
    /* fsync before rename: after a crash the file is either old or new. */
    if (st == OS_OK && fsync(fileno(f)) != 0) st = os_fail(&inner, OS_ERR_IO, "fsync: %s", strerror(errno));
    if (fclose(f) != 0 && st == OS_OK) st = os_fail(&inner, OS_ERR_IO, "close: %s", strerror(errno));
    if (st == OS_OK && rename(tmp, path) != 0)
        st = os_fail(&inner, OS_ERR_IO, "rename: %s", strerror(errno));
    if (st != OS_OK) {
        remove(tmp);
        os_fail(err, st, "cannot write %s: %s", path, inner.msg);
    } else {
        /* Make the rename itself durable; best effort (some file systems
         * refuse fsync on directories). */
        char *slash = strrchr(tmp, '/');
        if (slash == tmp) slash[1] = '\0';
        else if (slash) *slash = '\0';
        int fd = open(slash ? tmp : ".", O_RDONLY);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
    }
    free(tmp);
    return st;
}

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
    return os_report_write_atomic(path, w_json, &a, err);
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

/* File-system-safe stem of a molecule name (names come from file names, but
 * a caller may set anything). */
static void safe_stem(const char *name, char *out, size_t n)
{
    size_t j = 0;
    for (const char *s = name; *s && j + 1 < n; ++s) {
        unsigned char c = (unsigned char)*s;
        out[j++] = (c == '/' || c < 0x20 || c == 0x7f) ? '_' : (char)c;
    }
    out[j] = '\0';
    if (j == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0) snprintf(out, n, "molecule");
}

os_status os_report_write_dir(const char *dir, const os_report_run *run,
                              const os_report_entry *e, int n, os_error *err)
{
    os_status st = make_dirs(dir, err);
    if (st != OS_OK) return st;
    size_t plen = strlen(dir) + 300;
    char *path = malloc(plen);
    if (!path) return OS_NOMEM(err, "output path");
    all_ctx a = {run, e, n};
    static const struct {
        const char *file;
        os_report_writer w;
    } outs[] = {{"orbscreen.json", w_json}, {"orbscreen.csv", w_csv}, {"orbitals.svg", w_svg}};
    for (size_t k = 0; k < sizeof outs / sizeof outs[0] && st == OS_OK; ++k) {
        snprintf(path, plen, "%s/%s", dir, outs[k].file);
        st = os_report_write_atomic(path, outs[k].w, &a, err);
    }
    for (int i = 0; i < n && st == OS_OK; ++i) {
        if (!os_report_entry_ok(&e[i]) || !e[i].bs) continue;
        char stem[256];
        safe_stem(e[i].mol->name, stem, sizeof stem);
        /* Two inputs with the same base name get name.molden, name_2.molden, ... */
        int dup = 1;
        for (int j = 0; j < i; ++j)
            if (os_report_entry_ok(&e[j]) && e[j].bs && strcmp(e[j].mol->name, e[i].mol->name) == 0)
                ++dup;
        if (dup > 1)
            snprintf(path, plen, "%s/%s_%d.molden", dir, stem, dup);
        else
            snprintf(path, plen, "%s/%s.molden", dir, stem);
        st = os_report_write_atomic(path, w_molden, (void *)&e[i], err);
    }
    free(path);
    return st;
}
