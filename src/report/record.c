/* A molecule's result as one exact text line, and back: what --resume and
 * `orbscreen merge` read from a results folder (.orbscreen.records) and what
 * an MPI worker sends to rank 0.  The JSON journal rounds numbers for
 * people (orbital energies to 1e-6 eV); this record keeps every double as a
 * C99 hex float ("%a"), so summaries rebuilt from it are byte-identical to
 * those of the run that computed it.  It holds everything the summaries
 * need (molecule, basis name and size, SCF scalars, orbital energies and
 * occupations, solvation, gradient, error) but no MO coefficients.
 *
 * Tokens are separated by one space; a string is "-" (NULL) or "s" followed
 * by its bytes with space, '%' and anything outside printable ASCII written
 * as %XX. */
#include "report/report.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define RECORD_VERSION "osrec5"

struct os_report_record {
    os_report_entry e;
    os_molecule mol;
    os_basis bs;
    os_scf_result res;
    os_report_solvation solv;
    os_report_redox redox;
    char *error, *redox_error, *label, *format, *sha256, *solvent, *model;
    double *grad;
};

/* ------------------------------------------------------------- writing */

static void put_str(FILE *f, const char *s)
{
    if (!s) {
        fputs(" -", f);
        return;
    }
    fputs(" s", f);
    for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
        if (*p <= 0x20 || *p >= 0x7f || *p == '%')
            fprintf(f, "%%%02X", *p);
        else
            fputc(*p, f);
    }
}

static void put_int(FILE *f, long v) { fprintf(f, " %ld", v); }
static void put_dbl(FILE *f, double v) { fprintf(f, " %a", v); }

static void put_dbls(FILE *f, const double *v, int n)
{
    put_int(f, v ? n : 0);
    for (int i = 0; v && i < n; ++i) put_dbl(f, v[i]);
}

static void put_molecule(FILE *f, const os_molecule *m)
{
    put_str(f, m->name);
    put_str(f, m->label);
    put_str(f, m->file);
    long ints[] = {m->natom, m->charge, m->mult, m->has_charge, m->has_mult, m->frame, m->nframe,
                   m->ntag};
    for (size_t k = 0; k < sizeof ints / sizeof *ints; ++k) put_int(f, ints[k]);
    for (int a = 0; a < m->natom; ++a) put_int(f, m->Z[a]);
    for (int a = 0; a < 3 * m->natom; ++a) put_dbl(f, m->xyz[a]);
    for (int t = 0; t < m->ntag; ++t) {
        put_str(f, m->tags[t].key);
        put_str(f, m->tags[t].value);
    }
}

static void put_result(FILE *f, const os_scf_result *r)
{
    long ints[] = {r->converged, r->iterations, r->unrestricted, r->nbf, r->nmo, r->n_dropped,
                   r->nalpha, r->nbeta, r->homo_lumo_degenerate, (long)r->peak_memory_bytes};
    double dbls[] = {r->e_conv, r->g_conv,   r->last_de, r->last_gradient, r->energy,
                     r->e_nuc,  r->e_xc,     r->e_ext,   r->nelec_grid,    r->s_min_eig,
                     r->lindep, r->homo,     r->lumo,    r->s2,            r->s2_exact,
                     r->stability_eig, r->stability_curvature};
    for (size_t k = 0; k < sizeof ints / sizeof *ints; ++k) put_int(f, ints[k]);
    for (size_t k = 0; k < sizeof dbls / sizeof *dbls; ++k) put_dbl(f, dbls[k]);
    put_dbls(f, r->eps_a, r->nmo);
    put_dbls(f, r->eps_b, r->nmo);
    put_dbls(f, r->occ_a, r->nmo);
    put_dbls(f, r->occ_b, r->nmo);
    const char *strs[] = {r->warning, r->method, r->grid, r->jk, r->aux, r->stability_skipped};
    for (size_t k = 0; k < sizeof strs / sizeof *strs; ++k) put_str(f, strs[k]);
}

static void put_redox(FILE *f, const os_redox_result *x)
{
    long ints[] = {x->dn, x->charge, x->mult, x->iterations, x->start, x->starts};
    double dbls[] = {x->e_n,  x->e_ion,    x->e_pol_ion, x->s2, x->s2_exact, x->lumo_ion,
                     x->homo_ion, x->potential_v, x->somo_diffuse, x->stability_eig};
    for (size_t k = 0; k < sizeof ints / sizeof *ints; ++k) put_int(f, ints[k]);
    for (size_t k = 0; k < sizeof dbls / sizeof *dbls; ++k) put_dbl(f, dbls[k]);
}

/* The LUMO's character and the Delta-SCF results (--reduction, --oxidation). */
static void put_reduction(FILE *f, const os_report_entry *e)
{
    put_int(f, e->have_lumo_diffuse);
    put_dbl(f, e->lumo_diffuse);
    put_int(f, e->have_lumo_gas_diffuse);
    put_dbl(f, e->lumo_gas_diffuse);
    put_str(f, e->redox_error);
    put_int(f, e->redox != NULL);
    if (!e->redox) return;
    put_redox(f, &e->redox->red);
    put_int(f, e->redox->have_ox);
    if (e->redox->have_ox) put_redox(f, &e->redox->ox);
}

os_status os_report_record_write(FILE *f, const os_report_entry *e, os_error *err)
{
    fputs(RECORD_VERSION, f);
    put_molecule(f, e->mol);
    put_str(f, e->error);
    put_dbl(f, e->wall_s);
    put_str(f, e->label);
    put_str(f, e->input_format);
    put_str(f, e->input_sha256);
    put_int(f, e->status);
    put_int(f, e->bs != NULL);
    if (e->bs) {
        put_str(f, e->bs->name);
        put_int(f, e->bs->nbf);
    }
    put_int(f, e->res != NULL);
    if (e->res) put_result(f, e->res);
    put_int(f, e->solv != NULL);
    if (e->solv) {
        put_str(f, e->solv->solvent);
        put_dbl(f, e->solv->eps);
        put_str(f, e->solv->model);
        put_dbl(f, e->solv->e_gas);
        put_dbl(f, e->solv->e_pol);
        put_dbl(f, e->solv->lumo_gas);
    }
    put_dbls(f, e->gradient, 3 * e->mol->natom);
    put_reduction(f, e);
    fputc('\n', f);
    return os_report_stream_status(f, "result record", err);
}

/* ------------------------------------------------------------- reading */

typedef struct {
    const char *p;
    int bad;
} reader;

static const char *next_token(reader *r, size_t *len)
{
    if (r->bad || *r->p != ' ') {
        r->bad = 1;
        *len = 0;
        return "";
    }
    const char *s = ++r->p;
    while (*r->p && *r->p != ' ' && *r->p != '\n') ++r->p;
    *len = (size_t)(r->p - s);
    if (*len == 0) r->bad = 1;
    return s;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A string token into a fresh allocation (NULL for "-"). */
static char *get_str(reader *r)
{
    size_t len;
    const char *s = next_token(r, &len);
    if (r->bad || (len == 1 && s[0] == '-')) return NULL;
    char *out = malloc(len);
    if (s[0] != 's' || !out) {
        free(out);
        r->bad = 1;
        return NULL;
    }
    size_t j = 0;
    for (size_t i = 1; i < len; ++i) {
        if (s[i] != '%') {
            out[j++] = s[i];
            continue;
        }
        int hi = i + 2 < len ? hexval(s[i + 1]) : -1, lo = i + 2 < len ? hexval(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            r->bad = 1;
            return NULL;
        }
        out[j++] = (char)(16 * hi + lo);
        i += 2;
    }
    out[j] = '\0';
    return out;
}

/* A string token copied into a fixed buffer of n bytes. */
static void get_fixed(reader *r, char *buf, size_t n)
{
    char *s = get_str(r);
    buf[0] = '\0';
    if (s && strlen(s) < n)
        memcpy(buf, s, strlen(s) + 1);
    else if (s)
        r->bad = 1;
    free(s);
}

static long get_int(reader *r, long lo, long hi)
{
    size_t len;
    const char *s = next_token(r, &len);
    if (r->bad) return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end != s + len || v < lo || v > hi) r->bad = 1;
    return r->bad ? 0 : v;
}

static double get_dbl(reader *r)
{
    size_t len;
    const char *s = next_token(r, &len);
    if (r->bad) return 0.0;
    char *end;
    double v = strtod(s, &end);
    if (end != s + len) r->bad = 1;
    return v;
}

/* n doubles into a fresh array (NULL when the count is 0); the count must be
 * 0 or `expect`. */
static double *get_dbls(reader *r, int expect)
{
    int n = (int)get_int(r, 0, expect);
    if (r->bad || n == 0) return NULL;
    if (n != expect) {
        r->bad = 1;
        return NULL;
    }
    double *v = malloc((size_t)n * sizeof *v);
    if (!v) {
        r->bad = 1;
        return NULL;
    }
    for (int i = 0; i < n; ++i) v[i] = get_dbl(r);
    return v;
}

static void get_molecule(reader *r, os_molecule *m)
{
    get_fixed(r, m->name, sizeof m->name);
    get_fixed(r, m->label, sizeof m->label);
    get_fixed(r, m->file, sizeof m->file);
    m->natom = (int)get_int(r, 0, OS_MAX_ATOMS);
    m->charge = (int)get_int(r, -100000, 100000);
    m->mult = (int)get_int(r, 0, 100000);
    m->has_charge = (int)get_int(r, 0, 1);
    m->has_mult = (int)get_int(r, 0, 1);
    m->frame = (int)get_int(r, 0, INT32_MAX);
    m->nframe = (int)get_int(r, 0, INT32_MAX);
    int ntag = (int)get_int(r, 0, OS_MAX_TAGS);
    if (r->bad) return;
    if (m->natom > 0) {
        m->Z = malloc((size_t)m->natom * sizeof *m->Z);
        m->xyz = malloc((size_t)m->natom * 3 * sizeof *m->xyz);
        if (!m->Z || !m->xyz) {
            r->bad = 1;
            return;
        }
        for (int a = 0; a < m->natom; ++a) m->Z[a] = (int)get_int(r, 0, OS_MAX_Z);
        for (int a = 0; a < 3 * m->natom; ++a) m->xyz[a] = get_dbl(r);
    }
    for (int t = 0; t < ntag && !r->bad; ++t) {
        char *k = get_str(r), *v = get_str(r);
        if (!k || !v || os_molecule_add_tag(m, k, strlen(k), v, strlen(v), NULL) != OS_OK)
            r->bad = 1;
        free(k);
        free(v);
    }
}

static void get_result(reader *r, os_scf_result *s)
{
    s->converged = (int)get_int(r, 0, 1);
    s->iterations = (int)get_int(r, 0, INT32_MAX);
    s->unrestricted = (int)get_int(r, 0, 1);
    s->nbf = (int)get_int(r, 0, INT32_MAX);
    s->nmo = (int)get_int(r, 0, INT32_MAX);
    s->n_dropped = (int)get_int(r, 0, INT32_MAX);
    s->nalpha = (int)get_int(r, 0, INT32_MAX);
    s->nbeta = (int)get_int(r, 0, INT32_MAX);
    s->homo_lumo_degenerate = (int)get_int(r, 0, 1);
    s->peak_memory_bytes = (size_t)get_int(r, 0, LONG_MAX);
    double *dbls[] = {&s->e_conv, &s->g_conv,   &s->last_de, &s->last_gradient, &s->energy,
                      &s->e_nuc,  &s->e_xc,     &s->e_ext,   &s->nelec_grid,    &s->s_min_eig,
                      &s->lindep, &s->homo,     &s->lumo,    &s->s2,            &s->s2_exact,
                      &s->stability_eig, &s->stability_curvature};
    for (size_t k = 0; k < sizeof dbls / sizeof *dbls; ++k) *dbls[k] = get_dbl(r);
    if (r->bad) return;
    s->eps_a = get_dbls(r, s->nmo);
    s->eps_b = get_dbls(r, s->nmo);
    s->occ_a = get_dbls(r, s->nmo);
    s->occ_b = get_dbls(r, s->nmo);
    get_fixed(r, s->warning, sizeof s->warning);
    get_fixed(r, s->method, sizeof s->method);
    get_fixed(r, s->grid, sizeof s->grid);
    get_fixed(r, s->jk, sizeof s->jk);
    get_fixed(r, s->aux, sizeof s->aux);
    get_fixed(r, s->stability_skipped, sizeof s->stability_skipped);
}

static void get_redox(reader *r, os_redox_result *x)
{
    x->dn = (int)get_int(r, -1, 1);
    x->charge = (int)get_int(r, INT32_MIN, INT32_MAX);
    x->mult = (int)get_int(r, 1, INT32_MAX);
    x->iterations = (int)get_int(r, 0, INT32_MAX);
    x->start = (int)get_int(r, 0, INT32_MAX);
    x->starts = (int)get_int(r, 0, INT32_MAX);
    double *dbls[] = {&x->e_n, &x->e_ion, &x->e_pol_ion, &x->s2, &x->s2_exact, &x->lumo_ion,
                      &x->homo_ion, &x->potential_v, &x->somo_diffuse, &x->stability_eig};
    for (size_t k = 0; k < sizeof dbls / sizeof *dbls; ++k) *dbls[k] = get_dbl(r);
}

static void get_record(reader *r, os_report_record *x)
{
    os_report_entry *e = &x->e;
    get_molecule(r, &x->mol);
    e->mol = &x->mol;
    e->error = x->error = get_str(r);
    e->wall_s = get_dbl(r);
    e->label = x->label = get_str(r);
    e->input_format = x->format = get_str(r);
    e->input_sha256 = x->sha256 = get_str(r);
    e->status = (os_status)get_int(r, OS_OK, OS_ERR_INTERNAL);
    if (get_int(r, 0, 1)) {
        get_fixed(r, x->bs.name, sizeof x->bs.name);
        x->bs.nbf = (int)get_int(r, 0, INT32_MAX);
        e->bs = &x->bs;
    }
    if (get_int(r, 0, 1)) {
        get_result(r, &x->res);
        e->res = &x->res;
    }
    if (get_int(r, 0, 1)) {
        x->solv.solvent = x->solvent = get_str(r);
        x->solv.eps = get_dbl(r);
        x->solv.model = x->model = get_str(r);
        x->solv.e_gas = get_dbl(r);
        x->solv.e_pol = get_dbl(r);
        x->solv.lumo_gas = get_dbl(r);
        e->solv = &x->solv;
    }
    e->gradient = x->grad = get_dbls(r, 3 * x->mol.natom);
    e->have_lumo_diffuse = (int)get_int(r, 0, 1);
    e->lumo_diffuse = get_dbl(r);
    e->have_lumo_gas_diffuse = (int)get_int(r, 0, 1);
    e->lumo_gas_diffuse = get_dbl(r);
    e->redox_error = x->redox_error = get_str(r);
    if (get_int(r, 0, 1)) {
        get_redox(r, &x->redox.red);
        x->redox.have_ox = (int)get_int(r, 0, 1);
        if (x->redox.have_ox) get_redox(r, &x->redox.ox);
        e->redox = &x->redox;
    }
}

os_status os_report_record_parse(const char *line, os_report_record **out, os_error *err)
{
    *out = NULL;
    size_t nv = strlen(RECORD_VERSION);
    if (strncmp(line, RECORD_VERSION, nv) != 0)
        return os_fail(err, OS_ERR_PARSE, "not an orbscreen result record (%s)", RECORD_VERSION);
    os_report_record *x = calloc(1, sizeof *x);
    if (!x) return OS_NOMEM(err, "result record");
    reader r = {line + nv, 0};
    get_record(&r, x);
    if (!r.bad && *r.p != '\n' && *r.p != '\0') r.bad = 1;
    if (r.bad) {
        os_report_record_free(x);
        return os_fail(err, OS_ERR_PARSE, "malformed result record");
    }
    *out = x;
    return OS_OK;
}

const os_report_entry *os_report_record_entry(const os_report_record *x) { return &x->e; }

void os_report_record_free(os_report_record *x)
{
    if (!x) return;
    os_molecule_free(&x->mol);
    os_scf_result_free(&x->res);
    free(x->error);
    free(x->redox_error);
    free(x->label);
    free(x->format);
    free(x->sha256);
    free(x->solvent);
    free(x->model);
    free(x->grad);
    free(x);
}
