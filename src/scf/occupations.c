/* Occupations: which orbitals hold electrons, the frontier orbitals, and the
 * warning when HOMO and LUMO are too close for the occupation to be clear. */
#include "scf/stages.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Orbitals closer than this (Eh) share the electrons of a spherical atom. */
#define SPHERICAL_DEGENERATE_EH 1e-4

void os_occupy_aufbau(int nmo, int nocc, double *occ)
{
    for (int i = 0; i < nmo; ++i) occ[i] = i < nocc ? 1.0 : 0.0;
}

/* Fractional aufbau per spin: nelec electrons in total, two per orbital,
 * shared evenly by (near-)degenerate levels so open-shell atoms come out
 * spherical. */
void os_occupy_spherical(int nmo, const double *eps, double nelec, double *occ)
{
    memset(occ, 0, (size_t)nmo * sizeof(double));
    int i = 0;
    while (i < nmo && nelec > 1e-12) {
        int j = i + 1;
        while (j < nmo && eps[j] - eps[i] < SPHERICAL_DEGENERATE_EH) ++j;
        double put = fmin(nelec, 2.0 * (j - i));
        for (int k = i; k < j; ++k) occ[k] = 0.5 * put / (j - i);
        nelec -= put;
        i = j;
    }
}

void os_scf_frontier(os_scf_result *res)
{
    int nmo = res->nmo;
    res->homo = res->nalpha > 0 ? res->eps_a[res->nalpha - 1] : -INFINITY;
    res->lumo = res->nalpha < nmo ? res->eps_a[res->nalpha] : INFINITY;
    if (res->unrestricted) {
        if (res->nbeta > 0) res->homo = fmax(res->homo, res->eps_b[res->nbeta - 1]);
        if (res->nbeta < nmo) res->lumo = fmin(res->lumo, res->eps_b[res->nbeta]);
    }
    res->homo_lumo_degenerate =
        isfinite(res->homo) && isfinite(res->lumo) && res->lumo - res->homo < OS_SCF_DEGENERATE_EH;
    if (res->homo_lumo_degenerate)
        snprintf(res->warning, sizeof res->warning,
                 "HOMO (%.6f Eh) and LUMO (%.6f Eh) are (near-)degenerate: the occupation, and "
                 "so the state, is ambiguous",
                 res->homo, res->lumo);
}
