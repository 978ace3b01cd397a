/* QCSchema AtomicInput (MolSSI, schema v1) → what orbscreen runs. */
#ifndef OS_QCSCHEMA_IN_H
#define OS_QCSCHEMA_IN_H
#include "orbscreen.h"
#include "input/json_reader.h"

/* The computation an AtomicInput asks for.  Strings point into the tree. */
typedef struct {
    const char *method, *basis;  /* model.method, model.basis */
    int gradient;                /* driver "gradient" (else "energy") */
    const char *grid;            /* keywords.grid, or NULL */
    const char *jk;              /* keywords.scf_type: "df" or "exact" (pk, direct), or NULL */
    const char *aux;             /* keywords.df_basis_scf (fitting basis), or NULL */
    double e_conv, g_conv;       /* keywords.e_convergence, d_convergence; 0: not given */
    int max_iter;                /* keywords.maxiter; 0: not given */
    int unrestricted;            /* keywords.reference: -1 not given, 0 restricted, 1 unrestricted */
    int pure;                    /* keywords.puream: OS_PURE_DEFAULT, OS_CARTESIAN, OS_SPHERICAL */
} os_qcschema_task;

/* Read an AtomicInput tree: the molecule (bohr; charge and multiplicity as
 * given, has_charge/has_mult set) and the task.  Drivers "energy" and
 * "gradient" are run; unknown keywords are refused rather than ignored. */
os_status os_qcschema_read_input(const os_jvalue *root, const char *label, os_molecule *mol,
                                 os_qcschema_task *task, os_error *err);

#endif
