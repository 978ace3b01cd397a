/* libFuzzer target: the Gaussian94 library parser on arbitrary bytes
 * (tests/fuzz/run.sh).  Parsed shells are normalized as os_basis_load
 * would; a rejected text must come with a non-empty one-line message. */
#include "input/g94.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    os_g94_library lib;
    os_error err = {""};
    os_status st = os_g94_parse((const char *)data, size, "fuzz.gbs", &lib, &err);
    if (st != OS_OK) {
        if (!err.msg[0] || strchr(err.msg, '\n') || lib.shells || lib.data) abort();
        return 0;
    }
    double a[OS_G94_MAX_NPRIM], c[OS_G94_MAX_NPRIM];
    for (int Z = 1; Z <= OS_MAX_Z; ++Z)
        for (int k = 0; k < lib.elem_nshell[Z]; ++k) {
            const os_g94_shell *sh = &lib.shells[lib.elem_shell0[Z] + k];
            if (sh->l < 0 || sh->l > OS_G94_MAX_L || sh->nprim < 1 ||
                sh->nprim > OS_G94_MAX_NPRIM)
                abort();
            memcpy(a, lib.data + sh->off, (size_t)sh->nprim * sizeof *a);
            memcpy(c, lib.data + sh->off + sh->nprim, (size_t)sh->nprim * sizeof *c);
            os_basis_normalize(sh->l, sh->nprim, a, c);
        }
    os_g94_free(&lib);
    return 0;
}
