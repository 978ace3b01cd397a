/* Dispatch of the J/K interface to the builder behind it. */
#include "jk/jk.h"

#include "core/error.h"

os_status os_jk_build(os_jk *jk, int nspin, const double *D, double *J, double *K, double *Klr,
                      os_error *err)
{
    if (nspin != 1 && nspin != 2)
        return os_fail(err, OS_ERR_INTERNAL, "J/K build for %d spin densities", nspin);
    return jk->ops->build(jk, nspin, D, J, K, Klr, err);
}

size_t os_jk_memory_bytes(const os_jk *jk) { return jk->ops->memory_bytes(jk); }

long os_jk_last_work(const os_jk *jk) { return jk->ops->last_work(jk); }

const char *os_jk_name(const os_jk *jk) { return jk->ops->name; }

void os_jk_free(os_jk *jk)
{
    if (jk) jk->ops->free(jk);
}
