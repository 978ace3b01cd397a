/* SAD guess.  Each atom runs a small restricted SCF whose occupations are
 * spread evenly over (near-)degenerate orbitals, so open-shell atoms come out
 * spherical and the superposition has no arbitrary spin or orientation. */
#include "guess.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diis.h"
#include "error.h"
#include "fock.h"
#include "integrals.h"
#include "linalg.h"

#define ATOM_MAX_ITER 60
#define ATOM_CONV 1e-7
#define DEGENERATE_EH 1e-4  /* orbitals closer than this share occupation */

/* Fractional aufbau: nel electrons, at most 2 per orbital, shared evenly by degenerate levels. */
static void occupy(int nmo, const double *eps, double nel, double *occ)
{
    memset(occ, 0, (size_t)nmo * sizeof(double));
    int i = 0;
    while (i < nmo && nel > 1e-12) {
        int j = i + 1;
        while (j < nmo && eps[j] - eps[i] < DEGENERATE_EH) ++j;
        double put = fmin(nel, 2.0 * (j - i));
        for (int k = i; k < j; ++k) occ[k] = put / (j - i);
        nel -= put;
        i = j;
    }
}

/* Atom-only copy of the basis functions on atom A (shells share exponents/coefficients). */
static os_status atom_basis(const os_basis *bs, int A, os_basis *ab, os_shell **shells,
                            os_error *err)
{
    int s0 = bs->atom_shell0[A], s1 = bs->atom_shell0[A + 1];
    memset(ab, 0, sizeof *ab);
    *shells = malloc((size_t)(s1 - s0 > 0 ? s1 - s0 : 1) * sizeof(os_shell));
    ab->atom_shell0 = malloc(2 * sizeof(int));
    if (!*shells || !ab->atom_shell0) {
        free(*shells);
        free(ab->atom_shell0);
        return OS_NOMEM(err, "atomic basis");
    }
    int nbf = 0;
    for (int s = s0; s < s1; ++s) {
        os_shell sh = bs->shells[s];
        sh.atom = 0;
        sh.bf0 = nbf;
        nbf += sh.nbf;
        (*shells)[s - s0] = sh;
        if (sh.l > ab->max_l) ab->max_l = sh.l;
        if (sh.nprim > ab->max_nprim) ab->max_nprim = sh.nprim;
    }
    snprintf(ab->name, sizeof ab->name, "%s", bs->name);
    ab->shells = *shells;
    ab->nshell = s1 - s0;
    ab->nbf = nbf;
    ab->atom_shell0[0] = 0;
    ab->atom_shell0[1] = ab->nshell;
    return OS_OK;
}

/* Converged spin-averaged density (total, n*n) of a neutral atom. */
static os_status atom_density(const os_molecule *mol, const os_basis *ab, int A, double *Dat,
                              os_error *err)
{
    int n = ab->nbf;
    size_t n2 = (size_t)n * n;
    double xyz[3] = {mol->xyz[3 * A], mol->xyz[3 * A + 1], mol->xyz[3 * A + 2]};
    int Z = mol->Z[A];
    os_molecule atom = {.natom = 1, .Z = &Z, .xyz = xyz, .charge = 0, .mult = 1};
    snprintf(atom.name, sizeof atom.name, "%s", os_element_symbol(Z));

    double *buf = os_zeros(8 * n2 + 2 * (size_t)n);
    if (!buf) return OS_NOMEM(err, "atomic guess");
    double *S = buf, *H = S + n2, *V = H + n2, *F = V + n2, *J = F + n2, *K = J + n2,
           *C = K + n2, *E = C + n2, *eps = E + n2, *occ = eps + n;
    double *X = NULL, smin;
    int nmo;
    os_fock *fk = NULL;
    os_diis diis = {0};
    os_status st;
    if ((st = os_int1e_overlap(ab, S, err)) != OS_OK) goto out;
    if ((st = os_int1e_kinetic(ab, H, err)) != OS_OK) goto out;
    if ((st = os_int1e_nuclear(ab, &atom, V, err)) != OS_OK) goto out;
    for (size_t k = 0; k < n2; ++k) H[k] += V[k];

    /* One atom's functions are never dependent: keep them all. */
    if ((st = os_orthogonalizer(n, S, 0.0, &X, &nmo, &smin, err)) != OS_OK) goto out;

    if ((st = os_fock_new(ab, 0.0, 1e-12, 1, 0, &fk, err)) != OS_OK) goto out;
    if ((st = os_diis_init(&diis, 6, n2, n2, err)) != OS_OK) goto out;
    memcpy(F, H, n2 * sizeof(double));
    memset(Dat, 0, n2 * sizeof(double));
    double Eold = 0;
    for (int iter = 0; iter < ATOM_MAX_ITER; ++iter) {
        /* J and K (adjacent) serve as scratch until the next Fock build. */
        if ((st = os_diagonalize(n, nmo, X, F, C, eps, J, err)) != OS_OK) goto out;
        occupy(nmo, eps, (double)Z, occ);
        memset(Dat, 0, n2 * sizeof(double));
        for (int k = 0; k < nmo; ++k)
            if (occ[k] > 0)
                for (int i = 0; i < n; ++i)
                    for (int j = 0; j < n; ++j)
                        Dat[i * n + j] += occ[k] * C[i * nmo + k] * C[j * nmo + k];
        if ((st = os_fock_jk(fk, 1, Dat, J, K, err)) != OS_OK) goto out;
        double Eat = 0;
        for (size_t k = 0; k < n2; ++k) {
            F[k] = H[k] + J[k] - 0.5 * K[k];
            Eat += 0.5 * Dat[k] * (H[k] + F[k]);
        }
        if (fabs(Eat - Eold) < ATOM_CONV) break;
        Eold = Eat;
        /* DIIS on the commutator FDS - SDF (all in the atom's AO basis). */
        os_gemm(0, 0, n, n, n, 1.0, F, Dat, 0.0, J);
        os_gemm(0, 0, n, n, n, 1.0, J, S, 0.0, K);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) E[i * n + j] = K[i * n + j] - K[j * n + i];
        if ((st = os_diis_extrapolate(&diis, F, E, J, err)) != OS_OK) goto out;
        memcpy(F, J, n2 * sizeof(double));
    }
out:
    free(X);
    os_fock_free(fk);
    os_diis_free(&diis);
    free(buf);
    return st;
}

os_status os_guess_sad(const os_molecule *mol, const os_basis *bs, double *D, os_error *err)
{
    int n = bs->nbf;
    memset(D, 0, (size_t)n * n * sizeof(double));
    for (int A = 0; A < mol->natom; ++A) {
        int first; /* reuse the density of the first atom of this element */
        for (first = 0; first < A && mol->Z[first] != mol->Z[A]; ++first) {}
        int s0 = bs->atom_shell0[A];
        int off = bs->shells[s0].bf0;
        int na = 0;
        for (int s = s0; s < bs->atom_shell0[A + 1]; ++s) na += bs->shells[s].nbf;
        if (na == 0) continue;
        if (first < A) {
            /* same element and same functions: copy the block from the first atom */
            int f0 = bs->shells[bs->atom_shell0[first]].bf0;
            for (int i = 0; i < na; ++i)
                for (int j = 0; j < na; ++j)
                    D[(size_t)(off + i) * n + off + j] = D[(size_t)(f0 + i) * n + f0 + j];
            continue;
        }
        os_basis ab;
        os_shell *shells;
        os_status st = atom_basis(bs, A, &ab, &shells, err);
        if (st != OS_OK) return st;
        double *Dat = os_zeros((size_t)na * na);
        if (!Dat) st = OS_NOMEM(err, "atomic density");
        if (st == OS_OK) st = atom_density(mol, &ab, A, Dat, err);
        if (st == OS_OK)
            for (int i = 0; i < na; ++i)
                for (int j = 0; j < na; ++j) D[(size_t)(off + i) * n + off + j] = Dat[i * na + j];
        free(Dat);
        free(shells);
        free(ab.atom_shell0);
        if (st != OS_OK) return st;
    }
    return OS_OK;
}
