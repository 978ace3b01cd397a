/* A QCSchema AtomicInput as orbscreen runs it (see qcschema.h): molecule
 * {symbols, geometry (bohr, flat), molecular_charge, molecular_multiplicity,
 * name}, driver "energy", model {method, basis}, and the keywords orbscreen
 * understands: grid, e_convergence, d_convergence, maxiter, reference
 * (rhf/rks/restricted or uhf/uks/unrestricted), puream. */
#include "input/qcschema.h"
#include "core/error.h"
#include "input/input.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *str_member(const os_jvalue *o, const char *key)
{
    const os_jvalue *v = os_jvalue_get(o, key);
    return v && v->type == OS_JSTR ? v->str : NULL;
}

/* An integer-valued number member; 0 when absent, -1 when not an integer. */
static int int_member(const os_jvalue *o, const char *key, long lo, long hi, long *out)
{
    const os_jvalue *v = os_jvalue_get(o, key);
    if (!v) return 0;
    if (v->type != OS_JNUM || v->num != floor(v->num) || v->num < lo || v->num > hi) return -1;
    *out = (long)v->num;
    return 1;
}

static os_status read_atoms(const os_jvalue *m, const char *label, os_molecule *mol,
                            os_error *err)
{
    const os_jvalue *sym = os_jvalue_get(m, "symbols"), *geo = os_jvalue_get(m, "geometry");
    if (!sym || sym->type != OS_JARR || sym->n < 1)
        return os_fail(err, OS_ERR_INPUT, "%s: molecule.symbols must be a non-empty array", label);
    if (sym->n > OS_MAX_ATOMS)
        return os_fail(err, OS_ERR_INPUT, "%s: %d atoms exceed the limit of %d", label, sym->n,
                       OS_MAX_ATOMS);
    if (!geo || geo->type != OS_JARR || geo->n != 3 * sym->n)
        return os_fail(err, OS_ERR_INPUT,
                       "%s: molecule.geometry must be a flat array of 3 x %d numbers (bohr)",
                       label, sym->n);
    const os_jvalue *real = os_jvalue_get(m, "real");
    mol->Z = malloc((size_t)sym->n * sizeof *mol->Z);
    mol->xyz = malloc((size_t)geo->n * sizeof *mol->xyz);
    int *lines = calloc((size_t)sym->n, sizeof *lines);
    os_status st = OS_OK;
    if (!mol->Z || !mol->xyz || !lines) st = OS_NOMEM(err, "molecule");
    for (int a = 0; a < sym->n && st == OS_OK; ++a) {
        const os_jvalue *s = &sym->items[a];
        mol->Z[a] = s->type == OS_JSTR ? os_element_from_symbol(s->str) : 0;
        if (!mol->Z[a])
            st = os_fail(err, OS_ERR_INPUT, "%s: atom %d: unknown element '%.32s'", label, a + 1,
                         s->type == OS_JSTR ? s->str : "?");
        else if (real && real->type == OS_JARR && a < real->n && real->items[a].type == OS_JBOOL &&
                 !real->items[a].num)
            st = os_fail(err, OS_ERR_INPUT, "%s: atom %d is a ghost atom (real false): not "
                         "supported", label, a + 1);
        for (int k = 0; k < 3 && st == OS_OK; ++k) {
            const os_jvalue *x = &geo->items[3 * a + k];
            if (x->type != OS_JNUM || fabs(x->num) > 1e5 / OS_BOHR_ANGSTROM)
                st = os_fail(err, OS_ERR_INPUT, "%s: atom %d: bad coordinate", label, a + 1);
            else
                mol->xyz[3 * a + k] = x->num; /* bohr, as QCSchema says */
        }
        mol->natom = a + 1;
    }
    if (st == OS_OK) st = os_check_distances(mol, label, lines, err);
    free(lines);
    return st;
}

static os_status read_molecule(const os_jvalue *m, const char *label, os_molecule *mol,
                               os_error *err)
{
    memset(mol, 0, sizeof *mol);
    mol->mult = 1;
    snprintf(mol->file, sizeof mol->file, "%s", label);
    const char *name = str_member(m, "name");
    snprintf(mol->name, sizeof mol->name, "%s", name && *name ? name : "molecule");
    if (name) snprintf(mol->label, sizeof mol->label, "%s", name);
    mol->frame = mol->nframe = 1;
    if (!m || m->type != OS_JOBJ)
        return os_fail(err, OS_ERR_INPUT, "%s: no molecule object", label);
    os_status st = read_atoms(m, label, mol, err);
    if (st != OS_OK) return st;
    long q = 0, mult = 1;
    int hq = int_member(m, "molecular_charge", -1000, 1000, &q);
    int hm = int_member(m, "molecular_multiplicity", 1, 1000, &mult);
    if (hq < 0) return os_fail(err, OS_ERR_INPUT, "%s: molecular_charge must be an integer", label);
    if (hm < 0)
        return os_fail(err, OS_ERR_INPUT, "%s: molecular_multiplicity must be a positive integer",
                       label);
    mol->has_charge = hq;
    mol->has_mult = hm;
    mol->charge = (int)q;
    /* QCSchema's default multiplicity: the lowest the electron count allows. */
    if (!hm) mult = os_molecule_nelectron(mol) % 2 != 0 ? 2 : 1;
    return os_molecule_set_state(mol, (int)q, (int)mult, err);
}

static os_status read_keywords(const os_jvalue *kw, const char *label, os_qcschema_task *t,
                               os_error *err)
{
    if (!kw || kw->type == OS_JNULL) return OS_OK;
    if (kw->type != OS_JOBJ) return os_fail(err, OS_ERR_INPUT, "%s: keywords must be an object", label);
    for (int i = 0; i < kw->n; ++i) {
        const char *k = kw->keys[i];
        const os_jvalue *v = &kw->items[i];
        int ok = 1;
        if (!strcmp(k, "grid")) {
            ok = v->type == OS_JSTR;
            t->grid = v->str;
        } else if (!strcmp(k, "e_convergence") || !strcmp(k, "d_convergence")) {
            ok = v->type == OS_JNUM && v->num > 0 && v->num < 1;
            *(k[0] == 'e' ? &t->e_conv : &t->g_conv) = v->num;
        } else if (!strcmp(k, "maxiter")) {
            ok = v->type == OS_JNUM && v->num == floor(v->num) && v->num >= 1 && v->num <= 100000;
            if (ok) t->max_iter = (int)v->num; /* the cast is undefined out of range */
        } else if (!strcmp(k, "reference")) {
            const char *r = v->type == OS_JSTR ? v->str : "";
            if (!strcasecmp(r, "rhf") || !strcasecmp(r, "rks") || !strcasecmp(r, "restricted"))
                t->unrestricted = 0;
            else if (!strcasecmp(r, "uhf") || !strcasecmp(r, "uks") || !strcasecmp(r, "unrestricted"))
                t->unrestricted = 1;
            else
                ok = 0;
        } else if (!strcmp(k, "scf_type")) {
            /* Psi4's names: pk and direct are exact four-centre integrals */
            const char *s = v->type == OS_JSTR ? v->str : "";
            t->jk = !strcasecmp(s, "df") ? "df"
                    : (!strcasecmp(s, "pk") || !strcasecmp(s, "direct") || !strcasecmp(s, "exact"))
                        ? "exact"
                        : NULL;
            ok = t->jk != NULL;
        } else if (!strcmp(k, "df_basis_scf")) {
            ok = v->type == OS_JSTR;
            t->aux = v->str;
        } else if (!strcmp(k, "puream")) {
            ok = v->type == OS_JBOOL;
            t->pure = v->num ? OS_SPHERICAL : OS_CARTESIAN;
        } else {
            return os_fail(err, OS_ERR_INPUT,
                           "%s: unknown keyword '%.64s' (orbscreen knows grid, e_convergence, "
                           "d_convergence, maxiter, reference, scf_type, df_basis_scf, puream)",
                           label, k);
        }
        if (!ok) return os_fail(err, OS_ERR_INPUT, "%s: bad value for keyword '%s'", label, k);
    }
    return OS_OK;
}

os_status os_qcschema_read_input(const os_jvalue *root, const char *label, os_molecule *mol,
                                 os_qcschema_task *task, os_error *err)
{
    memset(task, 0, sizeof *task);
    task->unrestricted = -1;
    task->pure = OS_PURE_DEFAULT;
    os_status st = read_molecule(os_jvalue_get(root, "molecule"), label, mol, err);
    if (st != OS_OK) return st;
    const char *schema = str_member(root, "schema_name");
    if (schema && strcmp(schema, "qcschema_input") && strcmp(schema, "qc_schema_input"))
        return os_fail(err, OS_ERR_INPUT, "%s: schema_name '%.64s' is not an AtomicInput",
                       label, schema);
    const char *driver = str_member(root, "driver");
    task->gradient = driver && !strcmp(driver, "gradient");
    if (!driver || (strcmp(driver, "energy") && !task->gradient))
        return os_fail(err, OS_ERR_INPUT,
                       "%s: driver '%.32s': orbscreen computes energies and gradients only", label,
                       driver ? driver : "(none)");
    const os_jvalue *model = os_jvalue_get(root, "model");
    task->method = str_member(model, "method");
    task->basis = str_member(model, "basis");
    if (!task->method || !task->basis)
        return os_fail(err, OS_ERR_INPUT, "%s: model needs a method and a basis (strings)", label);
    return read_keywords(os_jvalue_get(root, "keywords"), label, task, err);
}
