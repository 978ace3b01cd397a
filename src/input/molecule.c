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

/* Electrons for a given charge, 64-bit: no int overflow whatever the inputs. */
static long long electron_count(const os_molecule *mol, int charge)
{
    long long n = 0;
    for (int i = 0; i < mol->natom; ++i) n += mol->Z[i];
    return n - (long long)charge;
}

void os_molecule_free(os_molecule *mol)
{
    if (!mol) return;
    os_molecule_free_tags(mol);
    free(mol->Z);
    free(mol->xyz);
    memset(mol, 0, sizeof *mol);
}

os_status os_molecule_copy(const os_molecule *src, os_molecule *dst, os_error *err)
{
    *dst = *src;
    dst->Z = NULL;
    dst->xyz = NULL;
    dst->tags = NULL;
    dst->ntag = 0;
    for (int t = 0; t < src->ntag; ++t) {
        const os_tag *g = &src->tags[t];
        os_status st = os_molecule_add_tag(dst, g->key, strlen(g->key), g->value,
                                           strlen(g->value), err);
        if (st != OS_OK) {
            os_molecule_free(dst);
            return st;
        }
    }
    if (src->natom > 0) {
        dst->Z = malloc((size_t)src->natom * sizeof *dst->Z);
        dst->xyz = malloc((size_t)src->natom * 3 * sizeof *dst->xyz);
        if (!dst->Z || !dst->xyz) {
            os_molecule_free(dst);
            return OS_NOMEM(err, "molecule copy");
        }
        memcpy(dst->Z, src->Z, (size_t)src->natom * sizeof *dst->Z);
        memcpy(dst->xyz, src->xyz, (size_t)src->natom * 3 * sizeof *dst->xyz);
    }
    return OS_OK;
}

int os_molecule_nelectron(const os_molecule *mol)
{
    long long n = electron_count(mol, mol->charge);
    if (n > INT_MAX) return INT_MAX;
    if (n < INT_MIN) return INT_MIN;
    return (int)n;
}

const char *os_molecule_label(const os_molecule *mol)
{
    if (mol->file[0]) return mol->file;
    if (mol->name[0]) return mol->name;
    return "molecule";
}

/* Whether charge or mult are the values the XYZ comment line (line 2) gave:
 * then messages point there. */
static const char *state_where(const os_molecule *mol, int charge, int mult)
{
    int from_file = (mol->has_charge && charge == mol->charge) ||
                    (mol->has_mult && mult == mol->mult);
    return from_file ? ":2" : "";
}

/* Charge and multiplicity against bounds and the electron count, in 64-bit
 * arithmetic whatever the values. */
static os_status check_state(const os_molecule *mol, int charge, int mult, os_error *err)
{
    const char *lab = os_molecule_label(mol), *at = state_where(mol, charge, mult);
    if (charge < -OS_MAX_CHARGE || charge > OS_MAX_CHARGE)
        return os_fail(err, OS_ERR_INPUT, "%s%s: charge %d is outside -%d..%d", lab, at, charge,
                       OS_MAX_CHARGE, OS_MAX_CHARGE);
    if (mult < 1)
        return os_fail(err, OS_ERR_INPUT, "%s%s: multiplicity %d must be at least 1", lab, at,
                       mult);
    if (mult > OS_MAX_MULT)
        return os_fail(err, OS_ERR_INPUT, "%s%s: multiplicity %d is above %d", lab, at, mult,
                       OS_MAX_MULT);
    long long nel = electron_count(mol, charge);
    if (nel < 0)
        return os_fail(err, OS_ERR_INPUT,
                       "%s%s: charge %d leaves a negative electron count (%lld)", lab, at,
                       charge, nel);
    if (nel == 0)
        return os_fail(err, OS_ERR_INPUT, "%s%s: charge %d leaves no electrons", lab, at, charge);
    /* 2S+1 = mult needs nel - 2S = nel - mult + 1 paired electrons, >= 0 and even. */
    if ((long long)mult > nel + 1 || ((nel - (long long)mult + 1) % 2) != 0) {
        /* When line 2 gave only one of the two, say which value came from elsewhere. */
        int c_file = mol->has_charge && charge == mol->charge;
        int m_file = mol->has_mult && mult == mol->mult;
        const char *nc = *at && !c_file ? " (not given on line 2)" : "";
        const char *nm = *at && !m_file ? " (not given on line 2)" : "";
        return os_fail(err, OS_ERR_INPUT,
                       "%s%s: charge %d%s and multiplicity %d%s impossible with %lld electrons%s",
                       lab, at, charge, nc, mult, nm, nel,
                       (long long)mult > nel + 1 ? ""
                       : nel % 2 ? " (an odd count needs an even multiplicity)"
                                 : " (an even count needs an odd multiplicity)");
    }
    return OS_OK;
}

os_status os_molecule_set_state(os_molecule *mol, int charge, int mult, os_error *err)
{
    os_status st = check_state(mol, charge, mult, err);
    if (st != OS_OK) return st;
    mol->charge = charge;
    mol->mult = mult;
    return OS_OK;
}

os_status os_molecule_check_state(const os_molecule *mol, os_error *err)
{
    if (mol->natom < 1 || !mol->Z)
        return os_fail(err, OS_ERR_INPUT, "%s: molecule has no atoms", os_molecule_label(mol));
    for (int i = 0; i < mol->natom; ++i)
        if (mol->Z[i] < 1 || mol->Z[i] > OS_MAX_Z_KNOWN)
            return os_fail(err, OS_ERR_INPUT, "%s: atom %d has atomic number %d",
                           os_molecule_label(mol), i + 1, mol->Z[i]);
    return check_state(mol, mol->charge, mol->mult, err);
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
    int count[OS_MAX_Z_KNOWN + 1] = {0};
    for (int i = 0; i < mol->natom; ++i)
        if (mol->Z[i] >= 1 && mol->Z[i] <= OS_MAX_Z_KNOWN) count[mol->Z[i]]++;
    size_t pos = 0;
    /* Hill order: with carbon, C then H then the rest alphabetically;
     * without carbon, everything alphabetically (H included). */
    int hill_ch = count[6] > 0;
    if (hill_ch) {
        formula_append(buf, n, &pos, 6, count[6]);
        if (count[1]) formula_append(buf, n, &pos, 1, count[1]);
    }
    /* Selection by symbol order: at most OS_MAX_Z_KNOWN passes over a tiny table. */
    const char *last = "";
    for (;;) {
        int best = 0;
        for (int Z = 1; Z <= OS_MAX_Z_KNOWN; ++Z) {
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

