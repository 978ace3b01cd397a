/* A molecule's key=value tags: whatever the input says about the molecule
 * beyond its atoms (smiles=, name=, an SDF title or data item), kept in
 * input order so the reports can carry it. */
#include "orbscreen.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *copy_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

os_status os_molecule_add_tag(os_molecule *mol, const char *key, size_t klen, const char *value,
                              size_t vlen, os_error *err)
{
    if (mol->ntag >= OS_MAX_TAGS)
        return os_fail(err, OS_ERR_PARSE, "%s: more than %d key=value tags", mol->file,
                       OS_MAX_TAGS);
    os_tag *t = realloc(mol->tags, (size_t)(mol->ntag + 1) * sizeof *t);
    if (!t) return OS_NOMEM(err, "molecule tags");
    mol->tags = t;
    char *k = copy_n(key, klen), *v = copy_n(value, vlen);
    if (!k || !v) {
        free(k);
        free(v);
        return OS_NOMEM(err, "molecule tags");
    }
    t[mol->ntag++] = (os_tag){k, v};
    return OS_OK;
}

const char *os_molecule_tag(const os_molecule *mol, const char *key)
{
    for (int i = mol->ntag - 1; i >= 0; --i)
        if (strcasecmp(mol->tags[i].key, key) == 0) return mol->tags[i].value;
    return NULL;
}

void os_molecule_free_tags(os_molecule *mol)
{
    for (int i = 0; i < mol->ntag; ++i) {
        free(mol->tags[i].key);
        free(mol->tags[i].value);
    }
    free(mol->tags);
    mol->tags = NULL;
    mol->ntag = 0;
}
