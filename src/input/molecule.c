/* A molecule once read: electron count, charge/multiplicity checks, nuclear
 * repulsion and the Hill formula. */
#include "orbscreen.h"
#include "core/error.h"
#include "input/input.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void os_molecule_free(os_molecule *mol)
{
    if (!mol) return;
    os_molecule_free_tags(mol);
    free(mol->Z);
    free(mol->xyz);
    memset(mol, 0, sizeof *mol);
}

int os_molecule_nelectron(const os_molecule *mol)
{
    long n = 0;
    for (int i = 0; i < mol->natom; ++i) n += mol->Z[i];
    n -= mol->charge;
    if (n > INT_MAX) return INT_MAX;
    if (n < INT_MIN) return INT_MIN;
    return (int)n;
}

/* The name used in messages: the path as given, else the base name. */
static const char *mol_label(const os_molecule *mol)
{
    if (mol->file[0]) return mol->file;
    if (mol->name[0]) return mol->name;
    return "molecule";
}

os_status os_molecule_set_state(os_molecule *mol, int charge, int mult, os_error *err)
{
    long zsum = 0;
    for (int i = 0; i < mol->natom; ++i) zsum += mol->Z[i];
    long nel = zsum - (long)charge;
    const char *lab = mol_label(mol);
    if (nel < 0)
        return os_fail(err, OS_ERR_INPUT, "%s: charge %d leaves a negative electron count (%ld)",
                       lab, charge, nel);
    if (nel == 0)
        return os_fail(err, OS_ERR_INPUT, "%s: charge %d leaves no electrons", lab, charge);
    if (mult < 1)
        return os_fail(err, OS_ERR_INPUT, "%s: multiplicity %d must be at least 1", lab, mult);
    /* 2S+1 = mult needs nel - 2S = nel - mult + 1 paired electrons, >= 0 and even. */
    if ((long)mult > nel + 1 || ((nel - (long)mult + 1) % 2) != 0)
        return os_fail(err, OS_ERR_INPUT,
                       "%s: charge %d and multiplicity %d impossible with %ld electrons",
                       lab, charge, mult, nel);
    mol->charge = charge;
    mol->mult = mult;
    return OS_OK;
}

double os_molecule_nuclear_repulsion(const os_molecule *mol)
{
    double e = 0.0; /* Eh; coordinates in bohr */
    for (int i = 0; i < mol->natom; ++i)
        for (int j = 0; j < i; ++j) {
            double dx = mol->xyz[3 * i] - mol->xyz[3 * j];
            double dy = mol->xyz[3 * i + 1] - mol->xyz[3 * j + 1];
            double dz = mol->xyz[3 * i + 2] - mol->xyz[3 * j + 2];
            e += (double)mol->Z[i] * mol->Z[j] / sqrt(dx * dx + dy * dy + dz * dz);
        }
    return e;
}

/* Append "Sym" or "SymN" to buf at *pos, never overrunning n. */
static void formula_append(char *buf, size_t n, size_t *pos, int Z, int count)
{
    char piece[32];
    if (count == 1)
        snprintf(piece, sizeof piece, "%s", os_element_symbol(Z));
    else
        snprintf(piece, sizeof piece, "%s%d", os_element_symbol(Z), count);
    size_t len = strlen(piece);
    if (*pos + len >= n) len = n - 1 - *pos;
    memcpy(buf + *pos, piece, len);
    *pos += len;
    buf[*pos] = '\0';
}

void os_molecule_formula(const os_molecule *mol, char *buf, size_t n)
{
    if (!buf || n == 0) return;
    buf[0] = '\0';
    int count[OS_MAX_Z + 1] = {0};
    for (int i = 0; i < mol->natom; ++i)
        if (mol->Z[i] >= 1 && mol->Z[i] <= OS_MAX_Z) count[mol->Z[i]]++;
    size_t pos = 0;
    /* Hill order: with carbon, C then H then the rest alphabetically;
     * without carbon, everything alphabetically (H included). */
    int hill_ch = count[6] > 0;
    if (hill_ch) {
        formula_append(buf, n, &pos, 6, count[6]);
        if (count[1]) formula_append(buf, n, &pos, 1, count[1]);
    }
    /* Selection by symbol order: at most OS_MAX_Z passes over a tiny table. */
    const char *last = "";
    for (;;) {
        int best = 0;
        for (int Z = 1; Z <= OS_MAX_Z; ++Z) {
            if (!count[Z] || (hill_ch && (Z == 1 || Z == 6))) continue;
            const char *s = os_element_symbol(Z);
            if (strcmp(s, last) <= 0) continue;
            if (!best || strcmp(s, os_element_symbol(best)) < 0) best = Z;
        }
        if (!best) break;
        formula_append(buf, n, &pos, best, count[best]);
        last = os_element_symbol(best);
    }
}

