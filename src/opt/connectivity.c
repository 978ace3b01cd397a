/* Which atoms are bonded: distance below a scale times the sum of covalent
 * radii, and the comparison of two such bond lists ("C7-C10 broken
 * (2.95 A)").  The optimizer builds its internal coordinates on these bonds,
 * with the fragments of a complex or ion pair joined by their shortest
 * contacts (a minimum spanning tree over the fragments, Prim's algorithm), so
 * that every atom's position is tied to every other's. */
#include "orbscreen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Single-bond covalent radii, Angstrom, Z = 1..96: B. Cordero, V. Gomez,
 * A. E. Platero-Prats, M. Reves, J. Echeverria, E. Cremades, F. Barragan and
 * S. Alvarez, "Covalent radii revisited", Dalton Trans. 2008, 2832-2838,
 * Table 2 (C: sp3; Mn, Fe, Co: low spin). */
static const double COVALENT_RADIUS_A[97] = {
    0.00,
    0.31, 0.28,                                                       /* H  He */
    1.28, 0.96, 0.84, 0.76, 0.71, 0.66, 0.57, 0.58,                   /* Li..Ne */
    1.66, 1.41, 1.21, 1.11, 1.07, 1.05, 1.02, 1.06,                   /* Na..Ar */
    2.03, 1.76, 1.70, 1.60, 1.53, 1.39, 1.39, 1.32, 1.26, 1.24, 1.32, /* K..Cu */
    1.22, 1.22, 1.20, 1.19, 1.20, 1.20, 1.16,                         /* Zn..Kr */
    2.20, 1.95, 1.90, 1.75, 1.64, 1.54, 1.47, 1.46, 1.42, 1.39, 1.45, /* Rb..Ag */
    1.44, 1.42, 1.39, 1.39, 1.38, 1.39, 1.40,                         /* Cd..Xe */
    2.44, 2.15,                                                       /* Cs Ba */
    2.07, 2.04, 2.03, 2.01, 1.99, 1.98, 1.98, 1.96, 1.94, 1.92, 1.92, /* La..Ho */
    1.89, 1.90, 1.87, 1.87,                                           /* Er..Lu */
    1.75, 1.70, 1.62, 1.51, 1.44, 1.41, 1.36, 1.36, 1.32,             /* Hf..Hg */
    1.45, 1.46, 1.48, 1.40, 1.50, 1.50,                               /* Tl..Rn */
    2.60, 2.21,                                                       /* Fr Ra */
    2.15, 2.06, 2.00, 1.96, 1.90, 1.87, 1.80, 1.69                    /* Ac..Cm */
};

/* For elements past the table: a typical heavy-element radius. */
#define COVALENT_RADIUS_DEFAULT_A 1.50

double os_covalent_radius(int Z)
{
    if (Z >= 1 && Z <= 96) return COVALENT_RADIUS_A[Z];
    return COVALENT_RADIUS_DEFAULT_A;
}

static double distance_bohr(const os_molecule *mol, int a, int b)
{
    double s = 0.0;
    for (int k = 0; k < 3; ++k) {
        double d = mol->xyz[3 * a + k] - mol->xyz[3 * b + k];
        s += d * d;
    }
    return sqrt(s);
}

static int is_bonded(const os_molecule *mol, int a, int b, double scale)
{
    double cutoff_bohr =
        scale * (os_covalent_radius(mol->Z[a]) + os_covalent_radius(mol->Z[b])) / OS_BOHR_ANGSTROM;
    return distance_bohr(mol, a, b) < cutoff_bohr;
}

static os_status add_bond(os_connectivity *c, int *cap, int a, int b, int link, os_error *err)
{
    if (c->nbond == *cap) {
        int ncap = *cap ? 2 * *cap : 64;
        os_bond *nb = realloc(c->bonds, (size_t)ncap * sizeof *nb);
        if (!nb) return OS_NOMEM(err, "bonds");
        c->bonds = nb;
        *cap = ncap;
    }
    c->bonds[c->nbond++] = (os_bond){a < b ? a : b, a < b ? b : a, link};
    return OS_OK;
}

/* Fragment label of every atom from the covalent bonds (labels 0..n-1). */
static int label_fragments(const os_connectivity *c, int *frag, int *stack)
{
    int natom = c->natom, nfrag = 0;
    for (int i = 0; i < natom; ++i) frag[i] = -1;
    for (int s = 0; s < natom; ++s) {
        if (frag[s] >= 0) continue;
        int top = 0;
        stack[top++] = s;
        frag[s] = nfrag;
        while (top > 0) {
            int a = stack[--top];
            for (int k = 0; k < c->nbond; ++k) {
                int o = c->bonds[k].a == a ? c->bonds[k].b : c->bonds[k].b == a ? c->bonds[k].a : -1;
                if (o >= 0 && frag[o] < 0) {
                    frag[o] = nfrag;
                    stack[top++] = o;
                }
            }
        }
        ++nfrag;
    }
    return nfrag;
}

/* Join the fragments by a minimum spanning tree over their shortest
 * contacts: grow a tree from fragment 0, each time adding the atom outside
 * nearest to the tree (and its whole fragment). */
static os_status link_fragments(const os_molecule *mol, os_connectivity *c, int *cap,
                                const int *frag, os_error *err)
{
    int n = mol->natom;
    double *best = malloc((size_t)n * sizeof *best);
    int *from = malloc((size_t)n * sizeof *from);
    char *in = calloc((size_t)n, 1);
    os_status st = OS_OK;
    if (!best || !from || !in) {
        st = OS_NOMEM(err, "fragment links");
        goto done;
    }
    for (int i = 0; i < n; ++i) best[i] = INFINITY, from[i] = -1;
    int joined = frag[0];
    for (int left = c->nfragment - 1;; --left) {
        /* Atoms of the fragment just joined enter the tree. */
        for (int i = 0; i < n; ++i) {
            if (in[i] || frag[i] != joined) continue;
            in[i] = 1;
            for (int j = 0; j < n; ++j) {
                if (in[j] || frag[j] == joined) continue;
                double d = distance_bohr(mol, i, j);
                if (d < best[j]) best[j] = d, from[j] = i;
            }
        }
        if (left == 0) break;
        int next = -1;
        for (int j = 0; j < n; ++j)
            if (!in[j] && (next < 0 || best[j] < best[next])) next = j;
        if ((st = add_bond(c, cap, from[next], next, 1, err)) != OS_OK) goto done;
        joined = frag[next];
    }
done:
    free(best);
    free(from);
    free(in);
    return st;
}

os_status os_connectivity_build(const os_molecule *mol, double scale, int link, os_connectivity *c,
                                os_error *err)
{
    memset(c, 0, sizeof *c);
    if (scale <= 0.0) scale = OS_BOND_SCALE;
    c->natom = mol->natom;
    int cap = 0;
    for (int a = 0; a < mol->natom; ++a)
        for (int b = a + 1; b < mol->natom; ++b)
            if (is_bonded(mol, a, b, scale)) {
                os_status st = add_bond(c, &cap, a, b, 0, err);
                if (st != OS_OK) {
                    os_connectivity_free(c);
                    return st;
                }
            }
    if (mol->natom == 0) return OS_OK;
    int *frag = malloc((size_t)mol->natom * sizeof *frag);
    int *stack = malloc((size_t)mol->natom * sizeof *stack);
    os_status st = OS_OK;
    if (!frag || !stack)
        st = OS_NOMEM(err, "fragments");
    else
        c->nfragment = label_fragments(c, frag, stack);
    if (st == OS_OK && link && c->nfragment > 1) st = link_fragments(mol, c, &cap, frag, err);
    free(frag);
    free(stack);
    if (st != OS_OK) os_connectivity_free(c);
    return st;
}

int os_connectivity_bonded(const os_connectivity *c, int a, int b)
{
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    for (int k = 0; k < c->nbond; ++k)
        if (!c->bonds[k].link && c->bonds[k].a == a && c->bonds[k].b == b) return 1;
    return 0;
}

void os_connectivity_free(os_connectivity *c)
{
    if (!c) return;
    free(c->bonds);
    memset(c, 0, sizeof *c);
}

/* Covalent bonds of `x` missing from `y`, appended as changes (formed = f). */
static os_status missing_bonds(const os_connectivity *x, const os_connectivity *y,
                               const os_molecule *mol, int formed, os_bond_change **out, int *n,
                               int *cap, os_error *err)
{
    for (int k = 0; k < x->nbond; ++k) {
        const os_bond *b = &x->bonds[k];
        if (b->link || os_connectivity_bonded(y, b->a, b->b)) continue;
        if (*n == *cap) {
            int ncap = *cap ? 2 * *cap : 8;
            os_bond_change *nc = realloc(*out, (size_t)ncap * sizeof *nc);
            if (!nc) return OS_NOMEM(err, "bond changes");
            *out = nc;
            *cap = ncap;
        }
        (*out)[(*n)++] = (os_bond_change){b->a, b->b, formed,
                                          distance_bohr(mol, b->a, b->b) * OS_BOHR_ANGSTROM};
    }
    return OS_OK;
}

os_status os_connectivity_compare(const os_connectivity *before, const os_connectivity *after,
                                  const os_molecule *mol, os_bond_change **changes, int *n,
                                  os_error *err)
{
    *changes = NULL;
    *n = 0;
    if (before->natom != after->natom || before->natom != mol->natom)
        return os_fail(err, OS_ERR_INPUT,
                       "bond lists of %d and %d atoms compared on a molecule of %d atoms",
                       before->natom, after->natom, mol->natom);
    int cap = 0;
    os_status st = missing_bonds(before, after, mol, 0, changes, n, &cap, err);
    if (st == OS_OK) st = missing_bonds(after, before, mol, 1, changes, n, &cap, err);
    if (st != OS_OK) {
        free(*changes);
        *changes = NULL;
        *n = 0;
    }
    return st;
}

void os_bond_change_describe(const os_molecule *mol, const os_bond_change *c, char *buf, size_t n)
{
    if (n == 0) return;
    snprintf(buf, n, "%s%d-%s%d %s (%.2f A)", os_element_symbol(mol->Z[c->a]), c->a + 1,
             os_element_symbol(mol->Z[c->b]), c->b + 1, c->formed ? "formed" : "broken",
             c->length);
}
