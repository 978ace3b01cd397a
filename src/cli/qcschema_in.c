/* orbscreen --qcschema-in FILE|-: a QCEngine-style harness call.  One
 * AtomicInput in; its AtomicResult on stdout, or a FailedOperation when
 * anything goes wrong (unreadable JSON included), so the caller always gets
 * one JSON document.  Exit status 0 on success, 1 on a failed computation,
 * as for a batch.  The input's id, keywords, protocols and extras are echoed
 * into the result. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/sha256.h"
#include "input/json_reader.h"
#include "input/qcschema.h"
#include "input/textfile.h"
#include "report/json_writer.h"

#define QCSCHEMA_MAX_BYTES ((size_t)64 << 20)

/* A parsed value written back as JSON. */
static void dump(os_json *j, const char *key, const os_jvalue *v)
{
    switch (v->type) {
    case OS_JNULL: os_json_null(j, key); break;
    case OS_JBOOL: os_json_bool(j, key, v->num != 0); break;
    case OS_JNUM: os_json_num(j, key, "%.17g", v->num); break;
    case OS_JSTR: os_json_str(j, key, v->str); break;
    case OS_JARR:
    case OS_JOBJ:
        if (v->type == OS_JARR) os_json_array(j, key);
        else os_json_object(j, key);
        for (int i = 0; i < v->n; ++i) dump(j, v->type == OS_JOBJ ? v->keys[i] : NULL, &v->items[i]);
        os_json_end(j);
        break;
    }
}

/* Compact JSON text of a member of the input (NULL when absent). */
static char *echo_member(const os_jvalue *root, const char *key)
{
    const os_jvalue *v = os_jvalue_get(root, key);
    if (!v) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return NULL;
    os_json j;
    os_json_init(&j, m, 1);
    dump(&j, NULL, v);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* The options of this computation: the command line's, with the input's
 * model and keywords over them. */
static cli_options task_options(const cli_options *o, const os_qcschema_task *t)
{
    cli_options q = *o;
    q.scf.method = t->method;
    q.basis = t->basis;
    if (t->grid) q.scf.grid = t->grid;
    if (t->e_conv > 0) q.scf.e_conv = t->e_conv;
    if (t->g_conv > 0) q.scf.g_conv = t->g_conv;
    if (t->max_iter > 0) q.scf.max_iter = t->max_iter;
    if (t->unrestricted >= 0) q.scf.unrestricted = t->unrestricted;
    if (t->pure != OS_PURE_DEFAULT) q.pure = t->pure;
    if (t->jk) q.scf.jk = t->jk;
    if (t->aux) q.scf.aux = t->aux;
    q.gradient = t->gradient;
    return q;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int cli_run_qcschema(const cli_options *o)
{
    double t0 = now_s();
    const char *label = strcmp(o->qcschema_in, "-") == 0 ? "<stdin>" : o->qcschema_in;
    os_error err = {{0}};
    os_molecule mol;
    memset(&mol, 0, sizeof mol);
    snprintf(mol.name, sizeof mol.name, "molecule");
    snprintf(mol.file, sizeof mol.file, "%s", label);
    cli_calc c;
    memset(&c, 0, sizeof c);
    os_jvalue root = {0};
    int have_root = 0;
    char *text = NULL;
    size_t len = 0;

    os_status st = strcmp(o->qcschema_in, "-") == 0
                       ? os_text_read_stdin(QCSCHEMA_MAX_BYTES, &text, &len, &err)
                       : os_text_read(o->qcschema_in, QCSCHEMA_MAX_BYTES, "a QCSchema JSON file",
                                      &text, &len, &err);
    if (st == OS_OK) have_root = (st = os_json_parse(text, len, label, &root, &err)) == OS_OK;
    os_qcschema_task task = {0};
    cli_options q = *o;
    char sha[65] = "";
    if (text) os_sha256_hex(text, len, sha);
    if (st == OS_OK) st = os_qcschema_read_input(&root, label, &mol, &task, &err);
    if (st == OS_OK) {
        q = task_options(o, &task);
        if ((st = os_scf_options_check(&q.scf, &err)) == OS_OK) st = os_basis_check(q.basis, &err);
        if (st != OS_OK) st = OS_ERR_INPUT;
    }
    if (st == OS_OK) st = cli_compute(&q, &mol, &c, &err);

    os_report_entry e = {.mol = &mol, .bs = c.have_bs ? &c.bs : NULL, .wall_s = now_s() - t0,
                         .label = mol.label[0] ? mol.label : NULL, .input_format = "qcschema",
                         .input_sha256 = sha[0] ? sha : NULL, .status = st,
                         .gradient = c.grad};
    if (st == OS_OK) e.res = &c.res;
    else {
        e.error = err.msg;
        if (c.have_res) e.res = &c.res;
    }
    if (c.have_solv) e.solv = &c.solv;
    char phase[128];
    os_report_run run;
    os_report_run_init(&run);
    run.method = q.scf.method;
    run.basis = q.basis;
    run.scf = &q.scf;
    run.phase = cli_phase(&q, phase, sizeof phase);
    os_qcschema_echo echo = {0};
    char *kw = NULL, *pr = NULL, *ex = NULL;
    if (have_root) {
        const os_jvalue *id = os_jvalue_get(&root, "id");
        echo.id = id && id->type == OS_JSTR ? id->str : NULL;
        echo.driver = task.gradient ? "gradient" : "energy";
        echo.keywords_json = kw = echo_member(&root, "keywords");
        echo.protocols_json = pr = echo_member(&root, "protocols");
        echo.extras_json = ex = echo_member(&root, "extras");
    }
    os_error werr;
    int ok = os_report_write_qcschema(stdout, &run, &e, &echo, &werr) == OS_OK && fflush(stdout) == 0;
    if (!ok) fprintf(stderr, "orbscreen: cannot write the QCSchema result to stdout\n");
    if (st != OS_OK) cli_error(err.msg);
    free(kw);
    free(pr);
    free(ex);
    free(text);
    if (have_root) os_jvalue_free(&root);
    cli_calc_free(&c);
    os_molecule_free(&mol);
    return st == OS_OK && ok ? EXIT_ALL_OK : EXIT_SOME_FAILED;
}
