/* Physical sanity checks around an SCF.  A result that fails one is a failed
 * molecule with a one-line reason, never a number: a screening run must not
 * rank an artefact.
 *
 *   basis    the overlap matrix is that of real functions: no eigenvalue
 *            below -OVERLAP_NEGATIVE (an overlap matrix is positive
 *            semidefinite; a negative eigenvalue means its integrals lost
 *            their digits) and every self-overlap the norm the basis gives
 *            it.  Small positive eigenvalues are near-linear dependence,
 *            which canonical orthogonalization handles (options.lindep).
 *   aufbau   the converged density holds the lowest orbitals of its own
 *            Fock matrix: Tr(F D) minus the sum of the lowest orbital
 *            energies below AUFBAU_EH per spin.
 *   grid     DFT: the grid integrates the density to the electron count
 *            within GRID_ELECTRONS (+ GRID_ELECTRONS_REL per electron); the
 *            default grid misses ~1e-4 electrons on anions with diffuse
 *            functions, a function the grid cannot see misses whole ones.
 *   energy   not below the lowest energy these nuclei and electrons can have:
 *            with the electron repulsion dropped (it is positive) each
 *            electron sees at most a point charge Z_total, so
 *            E >= -Z_total^2 sum over the N lowest hydrogen-like spin
 *            orbitals of 1/(2n^2) (exact for one nucleus; Hartree-Fock
 *            lies above the exact energy, Kohn-Sham near it). */
#include "scf/stages.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/linalg.h"
#include "integrals/cart2sph.h"

#define OVERLAP_NEGATIVE 1e-10
#define SELF_OVERLAP_TOL 1e-8
#define AUFBAU_EH 1e-4
#define GRID_ELECTRONS 1e-2
#define GRID_ELECTRONS_REL 1e-4

static double dfact_odd(int l) /* (2l-1)!! */
{
    double f = 1.0;
    for (int k = 2 * l - 1; k > 1; k -= 2) f *= k;
    return f;
}

/* Self-overlap of function k of a shell: 1 for solid harmonics; for
 * Cartesians the norm of x^l shared by all (cart2sph.h), so x^a y^b z^c has
 * (2a-1)!!(2b-1)!!(2c-1)!!/(2l-1)!!. */
static double self_overlap(const os_shell *sh, int k)
{
    if (sh->pure && sh->l != 1) return 1.0;
    int lx, ly, lz;
    os_cart_exponents(sh->l, k, &lx, &ly, &lz);
    return dfact_odd(lx) * dfact_odd(ly) * dfact_odd(lz) / dfact_odd(sh->l);
}

os_status scf_check_basis(const scf_state *s, const os_scf_result *res, os_error *err)
{
    const char *lab = os_molecule_label(s->mol);
    if (res->s_min_eig < -OVERLAP_NEGATIVE)
        return os_fail(err, OS_ERR_NUMERIC,
                       "%s: basis %s is numerically ill-conditioned here: the overlap matrix "
                       "has the eigenvalue %.2e, and an overlap matrix cannot be negative",
                       lab, s->bs->name, res->s_min_eig);
    for (int sh = 0; sh < s->bs->nshell; ++sh) {
        const os_shell *shell = &s->bs->shells[sh];
        for (int k = 0; k < shell->nbf; ++k) {
            int mu = shell->bf0 + k;
            double want = self_overlap(shell, k), got = s->S[(size_t)mu * s->n + mu];
            if (!(fabs(got - want) <= SELF_OVERLAP_TOL * want))
                return os_fail(err, OS_ERR_NUMERIC,
                               "%s: basis %s is numerically ill-conditioned here: function %d "
                               "(atom %d, l=%d) has self-overlap %.10g instead of %.10g "
                               "(smallest overlap eigenvalue %.2e)",
                               lab, s->bs->name, mu + 1, shell->atom + 1, shell->l, got, want,
                               res->s_min_eig);
        }
    }
    return OS_OK;
}

/* How far the converged density of spin sp is from aufbau: Tr(F D) minus the
 * sum of the nocc lowest eigenvalues of F, >= 0 for any nocc-orbital density
 * (Ky Fan), 0 when D holds the lowest orbitals. */
double scf_aufbau_excess(const scf_state *s, const double *D, int sp)
{
    size_t n2 = (size_t)s->n * s->n;
    int nocc = scf_nocc(s, sp);
    double e = os_dot((int)n2, s->F + sp * n2, D);
    for (int k = 0; k < nocc; ++k) e -= s->eps[sp][k];
    return e;
}

/* -Z^2 times the sum of 1/(2 n^2) over the nel lowest spin orbitals of a
 * one-electron atom of charge 1 (shell n holds 2 n^2 of them). */
static double energy_floor(double ztot, long nel)
{
    double sum = 0.0;
    for (long shell = 1; nel > 0; ++shell) {
        long cap = 2 * shell * shell, k = nel < cap ? nel : cap;
        sum += (double)k / (double)cap;
        nel -= k;
    }
    return -ztot * ztot * sum;
}

os_status scf_check_result(const scf_state *s, const double *Dconv, const os_scf_result *res,
                           os_error *err)
{
    const char *lab = os_molecule_label(s->mol);
    size_t n2 = (size_t)s->n * s->n;
    if (!isfinite(res->energy) || !isfinite(res->homo) || isnan(res->lumo))
        return os_fail(err, OS_ERR_NUMERIC, "%s: the SCF result is not finite", lab);

    double excess = 0.0;
    for (int sp = 0; sp < s->nspin; ++sp)
        excess = fmax(excess, scf_aufbau_excess(s, Dconv + sp * n2, sp));
    if (excess > AUFBAU_EH)
        return os_fail(err, OS_ERR_NUMERIC,
                       "%s: the converged state is not aufbau: it leaves an orbital empty below "
                       "an occupied one (its orbital energies sum %.4f Eh above the lowest)",
                       lab, excess);

    if (s->is_dft) {
        double tol = GRID_ELECTRONS + GRID_ELECTRONS_REL * s->nelec;
        if (!(fabs(res->nelec_grid - s->nelec) <= tol))
            return os_fail(err, OS_ERR_NUMERIC,
                           "%s: the DFT grid (%s) integrates the density to %.6f electrons, not "
                           "%.0f (tolerance %.3f): a finer grid, or a basis without functions "
                           "the grid cannot resolve",
                           lab, res->grid, res->nelec_grid, s->nelec, tol);
    }

    double ztot = 0.0;
    for (int i = 0; i < s->mol->natom; ++i) ztot += s->mol->Z[i];
    double floor = energy_floor(ztot, (long)(s->nelec + 0.5));
    if (res->energy - res->e_ext < floor)
        return os_fail(err, OS_ERR_NUMERIC,
                       "%s: energy %.6g Eh is below the lowest these nuclei and %.0f electrons "
                       "can have (%.1f Eh): the basis or its integrals are broken",
                       lab, res->energy, s->nelec, floor);
    return OS_OK;
}
