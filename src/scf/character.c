/* The character of the LUMO (and of a reduced species' singly occupied
 * orbital): how much of it sits on the basis's diffuse functions.  A
 * closed-shell anion's gas-phase LUMO is often an unbound, basis-limited
 * state made of the most diffuse functions (docs/reduction.md); its Mulliken
 * share on those functions says so.
 *
 * Which shells are diffuse is read from the basis itself: the augmented set
 * is compared with its parent (the name without '+', 'aug-' or def2's final
 * 'D'), and per atom and angular momentum every shell whose smallest
 * exponent lies below the parent's smallest one (or whose angular momentum
 * the parent lacks on that atom) is an added diffuse shell. */
#include "orbscreen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "integrals/integrals.h"

/* The parent basis name of an augmented set into buf; 0 when none. */
static int parent_name(const char *name, char *buf, size_t n)
{
    size_t len = strlen(name);
    if (len + 1 > n) return 0;
    if (strchr(name, '+')) {
        size_t k = 0;
        for (size_t i = 0; i < len; ++i)
            if (name[i] != '+') buf[k++] = name[i];
        buf[k] = '\0';
        return 1;
    }
    if (strncasecmp(name, "aug-", 4) == 0) {
        memcpy(buf, name + 4, len - 3);
        return 1;
    }
    if (strncasecmp(name, "def2-", 5) == 0 && len > 5 && (name[len - 1] == 'D' || name[len - 1] == 'd')) {
        memcpy(buf, name, len - 1);
        buf[len - 1] = '\0';
        return 1;
    }
    return 0;
}

static double shell_min_alpha(const os_shell *sh)
{
    double a = INFINITY;
    for (int p = 0; p < sh->nprim; ++p) a = fmin(a, sh->alpha[p]);
    return a;
}

/* Smallest exponent of angular momentum l on atom A in bs (INFINITY: none). */
static double atom_min_alpha(const os_basis *bs, int A, int l)
{
    double a = INFINITY;
    for (int s = bs->atom_shell0[A]; s < bs->atom_shell0[A + 1]; ++s)
        if (bs->shells[s].l == l) a = fmin(a, shell_min_alpha(&bs->shells[s]));
    return a;
}

/* diffuse[mu] = 1 for the functions of shells bs adds to its parent. */
static int mark_diffuse(const os_molecule *mol, const os_basis *bs, const os_basis *parent,
                        char *diffuse)
{
    int any = 0;
    memset(diffuse, 0, (size_t)bs->nbf);
    for (int A = 0; A < mol->natom; ++A)
        for (int s = bs->atom_shell0[A]; s < bs->atom_shell0[A + 1]; ++s) {
            const os_shell *sh = &bs->shells[s];
            if (shell_min_alpha(sh) < atom_min_alpha(parent, A, sh->l) * (1.0 - 1e-12)) {
                memset(diffuse + sh->bf0, 1, (size_t)sh->nbf);
                any = 1;
            }
        }
    return any;
}

/* The LUMO's coefficients (column of C_a or C_b), or NULL. */
static const double *lumo_column(const os_scf_result *res, int *col)
{
    const double *best = NULL;
    double e = INFINITY;
    for (int sp = 0; sp < (res->unrestricted ? 2 : 1); ++sp) {
        const double *occ = sp ? res->occ_b : res->occ_a, *eps = sp ? res->eps_b : res->eps_a;
        const double *C = sp ? res->C_b : res->C_a;
        if (!occ || !eps || !C) continue;
        for (int i = 0; i < res->nmo; ++i)
            if (occ[i] < 1e-8 && eps[i] < e) {
                e = eps[i];
                best = C;
                *col = i;
            }
    }
    return best;
}

/* The singly occupied orbital: the highest occupied alpha orbital of an
 * unrestricted result with more alpha than beta electrons, or NULL. */
static const double *somo_column(const os_scf_result *res, int *col)
{
    if (!res->unrestricted || !res->occ_a || !res->eps_a || !res->C_a || res->nalpha <= res->nbeta)
        return NULL;
    double e = -INFINITY;
    for (int i = 0; i < res->nmo; ++i)
        if (res->occ_a[i] > 0.5 && res->eps_a[i] > e) {
            e = res->eps_a[i];
            *col = i;
        }
    return isfinite(e) ? res->C_a : NULL;
}

/* Mulliken share of column col of C (nbf x nmo) on the diffuse functions. */
static os_status column_diffuse_share(const os_molecule *mol, const os_basis *bs,
                                      const char *basis_dir, const double *C, int nmo, int col,
                                      int nthreads, double *share, os_error *err)
{
    char pname[64];
    if (!C || !parent_name(bs->name, pname, sizeof pname)) return OS_OK;
    os_basis parent; /* only its exponents are compared: the d convention does not matter */
    os_status st = os_basis_load(mol, pname, basis_dir, OS_PURE_DEFAULT, &parent, err);
    if (st != OS_OK) return st;
    size_t n = (size_t)bs->nbf;
    char *diffuse = malloc(n);
    double *S = malloc(n * n * sizeof(double)), *c = malloc(n * sizeof(double));
    st = diffuse && S && c ? OS_OK : OS_NOMEM(err, "orbital character");
    int any = st == OS_OK && mark_diffuse(mol, bs, &parent, diffuse);
    if (any) st = os_int1e_overlap(bs, nthreads, S, err);
    if (any && st == OS_OK) {
        for (size_t mu = 0; mu < n; ++mu) c[mu] = C[mu * (size_t)nmo + (size_t)col];
        double sum = 0.0, norm = 0.0;
        for (size_t mu = 0; mu < n; ++mu) {
            double Sc = 0.0;
            for (size_t nu = 0; nu < n; ++nu) Sc += S[mu * n + nu] * c[nu];
            norm += c[mu] * Sc;
            if (diffuse[mu]) sum += c[mu] * Sc;
        }
        *share = sum / norm;
    }
    free(diffuse);
    free(S);
    free(c);
    os_basis_free(&parent);
    return st;
}

/* The share of the orbital `pick` finds in res (NAN when it finds none). */
static os_status picked_share(const os_molecule *mol, const os_basis *bs, const char *basis_dir,
                              const os_scf_result *res,
                              const double *(*pick)(const os_scf_result *, int *), int nthreads,
                              double *share, os_error *err)
{
    *share = NAN;
    int col = 0;
    const double *C = pick(res, &col);
    return column_diffuse_share(mol, bs, basis_dir, C, res->nmo, col, nthreads, share, err);
}

os_status os_scf_lumo_diffuse_share(const os_molecule *mol, const os_basis *bs,
                                    const char *basis_dir, const os_scf_result *res,
                                    int nthreads, double *share, os_error *err)
{
    return picked_share(mol, bs, basis_dir, res, lumo_column, nthreads, share, err);
}

os_status os_scf_somo_diffuse_share(const os_molecule *mol, const os_basis *bs,
                                    const char *basis_dir, const os_scf_result *res,
                                    int nthreads, double *share, os_error *err)
{
    return picked_share(mol, bs, basis_dir, res, somo_column, nthreads, share, err);
}
