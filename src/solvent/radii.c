/* Atomic radii for the cavity (Angstrom, before scaling), and the per-atom
 * cavity radii in bohr.
 *
 * Bondi: A. Bondi, J. Phys. Chem. 68, 441 (1964); main-group elements Bondi
 *   gives no radius for (Be, B, Al, Ca, Ge, Rb, Sr, Sb, Cs, Bi, Po, At, Rn,
 *   Fr, Ra) from M. Mantina, A. C. Chamberlin, R. Valero, C. J. Cramer,
 *   D. G. Truhlar, J. Phys. Chem. A 113, 5806 (2009).  H is Bondi's 1.20 (not
 *   the 1.10 of Rowland & Taylor / Mantina): the NWChem references of
 *   tests/reference/cosmo/ use 1.2 x 1.20.
 * UFF: A. K. Rappe, C. J. Casewit, K. S. Colwell, W. A. Goddard, W. M. Skiff,
 *   J. Am. Chem. Soc. 114, 10024 (1992): x_i / 2 (x_i the van der Waals
 *   distance), H-Kr, I, Xe.
 * Both tables as carried in PySCF's pyscf/data/radii.py (which names these
 * sources; its Pt 1.75 is left out, unchecked), checked against the
 * values tests/reference/cosmo/README.md states for H, B, C, N, O, F, P, S, Cl. */
#include "solvent/solvent.h"

#include "core/error.h"

/* Index Z; 0 = no radius in this set. */
static const double bondi[] = {
    0,    1.20, 1.40,                                                 /* H He */
    1.82, 1.53, 1.92, 1.70, 1.55, 1.52, 1.47, 1.54,                   /* Li-Ne */
    2.27, 1.73, 1.84, 2.10, 1.80, 1.80, 1.75, 1.88,                   /* Na-Ar */
    2.75, 2.31, 0,    0,    0,    0,    0,    0,    0,    1.63, 1.40, /* K-Cu */
    1.39, 1.87, 2.11, 1.85, 1.90, 1.85, 2.02,                         /* Zn-Kr */
    3.03, 2.49, 0,    0,    0,    0,    0,    0,    0,    1.63, 1.72, /* Rb-Ag */
    1.58, 1.93, 2.17, 2.06, 2.06, 1.98, 2.16,                         /* Cd-Xe */
    3.43, 0,                                                          /* Cs Ba */
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0,                                                                /* La-Lu */
    0,    0,    0,    0,    0,    0,    0,    1.66, 1.55,             /* Hf-Hg */
    1.96, 2.02, 2.07, 1.97, 2.02, 2.20,                               /* Tl-Rn */
};

static const double uff[] = {
    0,      1.4430, 1.8100,                                                 /* H He */
    1.2255, 1.3725, 2.0415, 1.9255, 1.8300, 1.7500, 1.6820, 1.6215,         /* Li-Ne */
    1.4915, 1.5105, 2.2495, 2.1475, 2.0735, 2.0175, 1.9735, 1.9340,         /* Na-Ar */
    1.9060, 1.6995, 1.6475, 1.5875, 1.5720, 1.5115, 1.4805, 1.4560, 1.4360, /* K-Co */
    1.4170, 1.7475, 1.3815, 2.1915, 2.1400, 2.1150, 2.1025, 2.0945, 2.0705, /* Ni-Kr */
    0,      0,      0,      0,      0,      0,      0,      0,      0,      /* Rb-Rh */
    0,      0,      0,      0,      0,      0,      0,      2.2500, 2.2020, /* Pd-Xe */
};

#define NBONDI ((int)(sizeof bondi / sizeof *bondi))
#define NUFF ((int)(sizeof uff / sizeof *uff))

_Static_assert(sizeof bondi / sizeof *bondi == 87, "Bondi table indexed by Z up to Rn");
_Static_assert(sizeof uff / sizeof *uff == 55, "UFF table indexed by Z up to Xe");

double os_radius_angstrom(int set, int Z)
{
    if (Z < 1) return 0.0;
    if (set == OS_RADII_UFF) return Z < NUFF ? uff[Z] : 0.0;
    return Z < NBONDI ? bondi[Z] : 0.0;
}

os_status os_cavity_radii(const os_molecule *mol, const os_solvent_options *o, double *R,
                          os_error *err)
{
    for (int A = 0; A < mol->natom; ++A) {
        if (o->radii_bohr) {
            R[A] = o->radii_bohr[A];
            if (!(R[A] >= 0.0))
                return os_fail(err, OS_ERR_INPUT, "cavity radius of atom %d is not >= 0", A + 1);
            continue;
        }
        double r = os_radius_angstrom(o->radii, mol->Z[A]);
        if (r <= 0.0)
            return os_fail(err, OS_ERR_INPUT,
                           "%s: no %s cavity radius for %s (atom %d); give radii explicitly",
                           mol->name, o->radii == OS_RADII_UFF ? "UFF" : "Bondi",
                           os_element_symbol(mol->Z[A]), A + 1);
        R[A] = o->radii_scale * r / OS_BOHR_ANGSTROM;
    }
    return OS_OK;
}
