/* Fitting (auxiliary) basis sets for density fitting: their names, the set
 * Psi4 1.3.2 pairs with each orbital basis by default, and the per-molecule
 * shells (tests/reference/df/README.md section 1 says how Psi4 does it):
 *   - each orbital set has a JKFIT partner (Psi4's qcdb/basislist*.py);
 *   - an element the chosen set lacks comes from def2-QZVPP-JKFIT, per atom
 *     (Li, Be, Na, Mg, K, Ca for every cc-pVXZ-based set); the set's name
 *     then says so ("cc-pVDZ-JKFIT+def2-QZVPP-JKFIT");
 *   - spherical or Cartesian as the orbital basis is, whatever the fitting
 *     file's header says (Psi4 builds it with the orbital basis's puream);
 *   - shells up to l = 6 (def2 JKFIT has i functions for transition metals):
 *     the three-centre integrals take fitting shells to l = 7. */
#include "input/g94.h"

#include <string.h>

#include "core/error.h"

#define AUX_MAX_L 6
#define FALLBACK "def2-QZVPP-JKFIT"

static const struct {
    const char *canon;
    const char *file;
} fitting_sets[] = {
    {"cc-pVDZ-JKFIT", "cc-pvdz-jkfit.gbs"},
    {"cc-pVTZ-JKFIT", "cc-pvtz-jkfit.gbs"},
    {"cc-pVQZ-JKFIT", "cc-pvqz-jkfit.gbs"},
    {"heavy-aug-cc-pVDZ-JKFIT", "heavy-aug-cc-pvdz-jkfit.gbs"},
    {"heavy-aug-cc-pVTZ-JKFIT", "heavy-aug-cc-pvtz-jkfit.gbs"},
    {"aug-cc-pVDZ-JKFIT", "aug-cc-pvdz-jkfit.gbs"},
    {"aug-cc-pVTZ-JKFIT", "aug-cc-pvtz-jkfit.gbs"},
    {"aug-cc-pVQZ-JKFIT", "aug-cc-pvqz-jkfit.gbs"},
    {"def2-SVP-JKFIT", "def2-svp-jkfit.gbs"},
    {"def2-TZVP-JKFIT", "def2-tzvp-jkfit.gbs"},
    {"def2-QZVPP-JKFIT", "def2-qzvpp-jkfit.gbs"},
};
#define N_FITTING (int)(sizeof fitting_sets / sizeof fitting_sets[0])

/* Psi4's default partner of each orbital set (canonical names of basis.c). */
static const struct {
    const char *orbital;
    const char *fitting;
} partners[] = {
    {"STO-3G", "def2-SVP-JKFIT"},        {"3-21G", "def2-SVP-JKFIT"},
    {"6-31G", "cc-pVDZ-JKFIT"},          {"6-31G*", "cc-pVDZ-JKFIT"},
    {"6-31G**", "cc-pVDZ-JKFIT"},        {"6-31+G", "heavy-aug-cc-pVDZ-JKFIT"},
    {"6-31+G*", "heavy-aug-cc-pVDZ-JKFIT"}, {"6-31+G**", "heavy-aug-cc-pVDZ-JKFIT"},
    {"6-31++G*", "aug-cc-pVDZ-JKFIT"},   {"6-31++G**", "aug-cc-pVDZ-JKFIT"},
    {"6-311G*", "cc-pVTZ-JKFIT"},        {"6-311G**", "cc-pVTZ-JKFIT"},
    {"6-311+G*", "heavy-aug-cc-pVTZ-JKFIT"}, {"6-311+G**", "heavy-aug-cc-pVTZ-JKFIT"},
    {"6-311++G*", "aug-cc-pVTZ-JKFIT"},  {"6-311++G**", "aug-cc-pVTZ-JKFIT"},
    {"def2-SVP", "def2-SVP-JKFIT"},      {"def2-SVPD", "def2-SVP-JKFIT"},
    {"def2-TZVP", "def2-TZVP-JKFIT"},    {"def2-TZVPD", "def2-TZVP-JKFIT"},
    {"cc-pVDZ", "cc-pVDZ-JKFIT"},        {"cc-pVTZ", "cc-pVTZ-JKFIT"},
    {"cc-pVQZ", "cc-pVQZ-JKFIT"},        {"aug-cc-pVDZ", "aug-cc-pVDZ-JKFIT"},
    {"aug-cc-pVTZ", "aug-cc-pVTZ-JKFIT"}, {"aug-cc-pVQZ", "aug-cc-pVQZ-JKFIT"},
};
#define N_PARTNERS (int)(sizeof partners / sizeof partners[0])

/* Index of a fitting set by (case-insensitive) name, -1 when unknown. */
static int fitting_index(const char *name)
{
    if (!name) return -1;
    char key[128], want[128];
    os_basis_key(name, key, sizeof key);
    for (int i = 0; i < N_FITTING; ++i) {
        os_basis_key(fitting_sets[i].canon, want, sizeof want);
        if (strcmp(key, want) == 0) return i;
    }
    return -1;
}

static os_status unknown_fitting(const char *name, os_error *err)
{
    char list[512];
    size_t pos = 0;
    list[0] = '\0';
    for (int i = 0; i < N_FITTING && pos + 1 < sizeof list; ++i) {
        int w = snprintf(list + pos, sizeof list - pos, "%s%s", i ? ", " : "", fitting_sets[i].canon);
        if (w < 0) break;
        pos += (size_t)w;
    }
    return os_fail(err, OS_ERR_BASIS, "unknown fitting basis set '%.64s' (known: %s)",
                   name ? name : "(null)", list);
}

os_status os_basis_check_aux(const char *name, os_error *err)
{
    return fitting_index(name) >= 0 ? OS_OK : unknown_fitting(name, err);
}

const char *os_basis_default_aux(const char *orbital)
{
    char key[128], want[128];
    os_basis_key(orbital ? orbital : "", key, sizeof key);
    for (int i = 0; i < N_PARTNERS; ++i) {
        os_basis_key(partners[i].orbital, want, sizeof want);
        if (strcmp(key, want) == 0) return partners[i].fitting;
    }
    return NULL;
}

/* 1 when some atom of mol takes its functions from lib[1] (the fallback). */
static int uses_fallback(const os_molecule *mol, const os_g94_library *set)
{
    for (int A = 0; A < mol->natom; ++A) {
        int Z = mol->Z[A];
        if (Z >= 1 && Z <= OS_MAX_Z && set->elem_nshell[Z] == 0 && !set->elem_ecp[Z]) return 1;
    }
    return 0;
}

os_status os_basis_load_aux(const os_molecule *mol, const os_basis *orbital, const char *aux,
                            const char *basis_dir, os_basis *bs, os_error *err)
{
    memset(bs, 0, sizeof *bs);
    const char *name = aux ? aux : os_basis_default_aux(orbital->name);
    if (!name)
        return os_fail(err, OS_ERR_BASIS,
                       "no default fitting basis for %s: choose one (--aux)", orbital->name);
    int k = fitting_index(name), kf = fitting_index(FALLBACK);
    if (k < 0) return unknown_fitting(name, err);
    if (!mol || mol->natom < 1 || orbital->nshell < 1)
        return os_fail(err, OS_ERR_INPUT, "fitting basis %s: molecule has no atoms",
                       fitting_sets[k].canon);
    snprintf(bs->name, sizeof bs->name, "%s", fitting_sets[k].canon);

    os_g94_library set, fallback;
    os_status st = os_g94_load(basis_dir, fitting_sets[k].file, bs->name, &set, err);
    if (st != OS_OK) return st;
    int nlib = 1;
    if (k != kf && uses_fallback(mol, &set)) {
        st = os_g94_load(basis_dir, fitting_sets[kf].file, FALLBACK, &fallback, err);
        if (st != OS_OK) {
            os_g94_free(&set);
            return st;
        }
        nlib = 2;
        snprintf(bs->name, sizeof bs->name, "%s+%s", fitting_sets[k].canon, FALLBACK);
    }
    const os_g94_library *libs[2] = {&set, &fallback};
    /* Psi4: the fitting basis is pure exactly when the orbital basis is. */
    int pure = orbital->shells[0].pure ? OS_SPHERICAL : OS_CARTESIAN;
    st = os_basis_build(mol, libs, nlib, pure, AUX_MAX_L, bs, err);
    os_g94_free(&set);
    if (nlib == 2) os_g94_free(&fallback);
    if (st != OS_OK) os_basis_free_keep_name(bs);
    return st;
}
