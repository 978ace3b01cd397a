/* Named solvents and their static dielectric constants (relative
 * permittivities).  Values, temperatures and sources, with what was and was
 * not verified: docs/solvents.md. */
#include "solvent/solvent.h"

#include <string.h>
#include <strings.h>

#include "core/error.h"

static const os_solvent_entry table[] = {
    {"water", "h2o", 78.4, "25 C; NWChem 7.0.2 default (Minnesota database: 78.3553)"},
    {"acetonitrile", "acn mecn ch3cn", 35.688, "25 C; Minnesota Solvent Descriptor Database"},
    {"thf", "tetrahydrofuran", 7.4257, "25 C; Minnesota Solvent Descriptor Database"},
    {"dme", "1,2-dimethoxyethane dimethoxyethane glyme monoglyme", 7.2,
     "25 C; commonly quoted value, to verify"},
    {"dol", "1,3-dioxolane dioxolane", 7.1, "25 C; commonly quoted value, to verify"},
    {"dme-dol", "dme/dol dol-dme dol/dme dme:dol", 7.15,
     "1:1 by volume; estimate (volume-fraction average of dme and dol)"},
    {"ec", "ethylene-carbonate", 89.78, "40 C (EC is solid at 25 C); commonly quoted, to verify"},
    {"dmc", "dimethyl-carbonate", 3.107, "25 C; commonly quoted, to verify"},
    {"dec", "diethyl-carbonate", 2.805, "25 C; commonly quoted, to verify"},
};

#define NTABLE ((int)(sizeof table / sizeof *table))

/* 1 when `name` is one of the space-separated words of `list`. */
static int in_list(const char *name, const char *list)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && strncasecmp(p, name, n) == 0) return 1;
        p += len;
        while (*p == ' ') ++p;
    }
    return 0;
}

os_status os_solvent_lookup(const char *name, double *eps, const char **canonical,
                            os_error *err)
{
    for (int k = 0; name && k < NTABLE; ++k)
        if (strcasecmp(name, table[k].name) == 0 || in_list(name, table[k].aliases)) {
            if (eps) *eps = table[k].eps;
            if (canonical) *canonical = table[k].name;
            return OS_OK;
        }
    return os_fail(err, OS_ERR_INPUT,
                   "unknown solvent '%s' (known: water, acetonitrile, thf, dme, dol, dme-dol, "
                   "ec, dmc, dec; or give --eps)",
                   name ? name : "");
}
