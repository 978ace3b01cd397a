/* Starting densities.
 *
 * SAD: each unique element runs the same SCF stages as a molecule (os_scf_solve)
 * as a neutral, spin-averaged Hartree-Fock atom in its own basis functions,
 * with electrons shared evenly by degenerate orbitals so open-shell atoms come
 * out spherical; the atomic densities go on the diagonal blocks.  The sum
 * holds the neutral atoms' electrons, not the molecule's: the first Fock
 * matrix built from it is diagonalized and occupied before any extrapolation.
 * The atoms use exact four-centre integrals whatever the molecule uses.
 *
 * Orbitals: the orbitals of an earlier result (another charge, spin state or
 * geometry) occupied for this molecule's electron counts. */
#include "scf/guess.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"
#include "scf/stages.h"

#define ATOM_MAX_ITER 60
#define ATOM_E_CONV 1e-7
#define ATOM_G_CONV 1e-5 /* RMS; about 1e-4 in the largest element */

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

/* Spin-averaged total density (n*n) of the neutral atom A, from the SCF
 * stages themselves.  An atom that does not converge in ATOM_MAX_ITER still
 * gives a usable guess: only its orbitals are taken. */
static os_status atom_density(const os_molecule *mol, const os_basis *ab, int A,
                              const os_scf_options *mopt, double *Dat, os_error *err)
{
    double xyz[3] = {mol->xyz[3 * A], mol->xyz[3 * A + 1], mol->xyz[3 * A + 2]};
    int Z = mol->Z[A];
    os_molecule atom = {.natom = 1, .Z = &Z, .xyz = xyz, .charge = 0, .mult = 1};
    snprintf(atom.name, sizeof atom.name, "%s", os_element_symbol(Z));
    os_scf_options o;
    os_scf_options_default(&o);
    o.method = "hf";
    o.guess = OS_GUESS_CORE;
    o.unrestricted = 0;
    o.max_iter = ATOM_MAX_ITER;
    o.e_conv = ATOM_E_CONV;
    o.g_conv = ATOM_G_CONV;
    o.lindep = 0.0; /* one atom's functions are never dependent: keep them all */
    o.memory_mb = 0;
    o.nthreads = 1;
    o.schwarz = mopt->schwarz;
    o.jk = "exact"; /* one atom's four-centre integrals are cheap; no fitting basis needed */
    os_scf_result r;
    os_status st = os_scf_solve(&atom, ab, &o, OS_OCC_SPHERICAL, &r, err);
    if (st == OS_OK || st == OS_ERR_NOCONV) {
        os_density_build(ab->nbf, r.nmo, r.C_a, r.occ_a, Dat);
        for (size_t k = 0; k < (size_t)ab->nbf * ab->nbf; ++k) Dat[k] *= 2.0;
        st = OS_OK;
    }
    os_scf_result_free(&r);
    return st;
}

os_status os_guess_sad(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                       double *D, os_error *err)
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
        if (st == OS_OK) st = atom_density(mol, &ab, A, opt, Dat, err);
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
