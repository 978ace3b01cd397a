/* The optimized geometry as an XYZ file that orbscreen (and any viewer)
 * reads back: Angstrom, and a comment line of key=value tokens - the
 * input's own (smiles=, name=, ...) and what the optimization adds. */
#include "opt/opt.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"

/* Keys this writer sets; the input's tokens of the same name are dropped. */
static const char *const OWN_KEYS[] = {"charge", "mult", "multiplicity", "level", "energy",
                                       "opt", "steps", "max_force", "grid", "jk", "program"};

static int own_key(const char *tok, size_t len)
{
    const char *eq = memchr(tok, '=', len);
    if (!eq) return 0;
    size_t klen = (size_t)(eq - tok);
    for (size_t k = 0; k < sizeof OWN_KEYS / sizeof *OWN_KEYS; ++k)
        if (strlen(OWN_KEYS[k]) == klen && strncasecmp(tok, OWN_KEYS[k], klen) == 0) return 1;
    return 0;
}

/* The input comment's key=value tokens but ours, up to its first line end. */
static void kept_tokens(FILE *f, const char *comment)
{
    const char *p = comment;
    while (p && *p && *p != '\n' && *p != '\r') {
        while (*p == ' ' || *p == '\t') ++p;
        const char *b = p;
        while (*p && !isspace((unsigned char)*p)) ++p;
        size_t len = (size_t)(p - b);
        if (len > 0 && memchr(b, '=', len) && !own_key(b, len)) fprintf(f, " %.*s", (int)len, b);
    }
}

void os_opt_write_xyz_atoms(FILE *f, int natom, const int *Z, const double *xyz)
{
    for (int a = 0; a < natom; ++a)
        fprintf(f, "%-2s %16.10f %16.10f %16.10f\n", os_element_symbol(Z[a]),
                xyz[3 * a] * OS_BOHR_ANGSTROM, xyz[3 * a + 1] * OS_BOHR_ANGSTROM,
                xyz[3 * a + 2] * OS_BOHR_ANGSTROM);
}

os_status os_opt_write_xyz(FILE *f, const os_molecule *m, const os_basis *bs,
                           const os_scf_result *scf, const os_opt_result *res,
                           const char *input_comment, os_error *err)
{
    if (m->natom < 1) return os_fail(err, OS_ERR_INPUT, "no optimized geometry to write");
    fprintf(f, "%d\n", m->natom);
    fprintf(f, "charge=%d mult=%d", m->charge, m->mult);
    kept_tokens(f, input_comment);
    fprintf(f, " level=%s/%s", scf->method[0] ? scf->method : "?", bs->name);
    if (scf->grid[0]) fprintf(f, " grid=%s", scf->grid);
    if (scf->jk[0]) fprintf(f, " jk=%s", scf->jk);
    fprintf(f, " energy=%.10f opt=%s steps=%d max_force=%.2e program=orbscreen-%s\n", scf->energy,
            res->converged ? "converged" : "unconverged", res->nsteps, res->max_force, OS_VERSION);
    os_opt_write_xyz_atoms(f, m->natom, m->Z, m->xyz);
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write the XYZ file: %s", strerror(errno));
    return OS_OK;
}
