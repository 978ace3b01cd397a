/* libFuzzer target: the XYZ parser on arbitrary bytes (tests/fuzz/run.sh).
 * Accepted molecules go through every read-only molecule function; a
 * rejected one must come with a non-empty one-line message. */
#include "orbscreen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    os_molecule mol;
    os_error err = {""};
    os_status st = os_molecule_parse_xyz((const char *)data, size, "dir/fuzz.xyz", &mol, &err);
    if (st != OS_OK) {
        if (!err.msg[0] || strchr(err.msg, '\n') || mol.Z || mol.xyz || mol.natom) abort();
        return 0;
    }
    if (mol.natom < 1 || mol.natom > OS_MAX_ATOMS) abort();
    char f[64];
    os_molecule_formula(&mol, f, sizeof f);
    os_molecule_formula(&mol, f, 3);
    volatile double e = os_molecule_nuclear_repulsion(&mol);
    (void)e;
    int nel0 = os_molecule_nelectron(&mol) + mol.charge; /* neutral electron count */
    if (os_molecule_set_state(&mol, 0, nel0 % 2 ? 2 : 1, &err) != OS_OK) abort();
    os_molecule_set_state(&mol, -7, 0, &err);
    os_molecule_free(&mol);
    return 0;
}
