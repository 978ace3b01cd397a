/* The continuum solvent during a geometry optimization: the optimizer's
 * geometry-dependent external term (os_opt_external).  The cavity moves with
 * the atoms, so the model (cavity, A matrix, basis-surface integrals) is
 * built anew at every geometry the optimizer visits and freed after that
 * geometry's gradient; its os_scf_potential carries the analytic nuclear
 * gradient (gradient.c), which the optimizer requires. */
#include "orbscreen.h"

#include <string.h>

static os_status build(void *ctx, const os_molecule *mol, const os_basis *bs,
                       const os_scf_potential **pots, int *npot, os_error *err)
{
    os_solvent_opt *s = ctx;
    os_status st = os_solvent_new(mol, bs, &s->options, &s->model, err);
    if (st != OS_OK) {
        s->model = NULL;
        return st;
    }
    s->pot = os_solvent_potential(s->model);
    *pots = &s->pot;
    *npot = 1;
    ++s->builds;
    return OS_OK;
}

static void release(void *ctx)
{
    os_solvent_opt *s = ctx;
    os_solvent_free(s->model);
    s->model = NULL;
}

void os_solvent_opt_init(os_solvent_opt *s, const os_solvent_options *o, os_opt_external *ext)
{
    memset(s, 0, sizeof *s);
    s->options = *o;
    *ext = (os_opt_external){.ctx = s, .build = build, .release = release};
}
