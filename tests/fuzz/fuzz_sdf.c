/* libFuzzer target: SDF/MOL splitting and record parsing on arbitrary bytes
 * (tests/fuzz/run.sh).  Every record must parse or fail with a non-empty
 * one-line message and no atoms left behind. */
#include "input/input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    os_frames fr = {0};
    os_error err = {""};
    if (os_sdf_split(text, size, &fr, &err) != OS_OK) abort(); /* only fails out of memory */
    for (int i = 0; i < fr.n; ++i) {
        if (fr.v[i].off + fr.v[i].len > size) abort();
        os_molecule mol;
        err.msg[0] = '\0';
        os_status st = os_sdf_parse_record(text + fr.v[i].off, fr.v[i].len, "dir/fuzz.sdf",
                                           fr.v[i].line0, &mol, &err);
        if (st != OS_OK && (!err.msg[0] || strchr(err.msg, '\n') || mol.Z || mol.natom)) abort();
        if (st == OS_OK && (mol.natom < 1 || mol.natom > OS_MAX_ATOMS || mol.mult < 1)) abort();
        os_molecule_free(&mol);
    }
    os_frames_free(&fr);
    return 0;
}
