/* What this orbscreen was built from: its version and git commit, and the
 * versions of the libraries that compute its numbers (libint2, libxc,
 * OpenBLAS), for --version and for every report. */
#include "orbscreen.h"

#include <cblas.h>

#include "dft/xc.h"
#include "os_git_commit.h" /* generated at build time (cmake/git_version.cmake) */

/* libint2's version comes from its pkg-config file at configure time: its
 * headers are included only by src/integrals/. */
#ifndef OS_LIBINT2_VERSION
#define OS_LIBINT2_VERSION "unknown"
#endif

void os_build_info_get(os_build_info *bi)
{
    bi->version = OS_VERSION;
    bi->git_commit = OS_GIT_COMMIT;
    bi->libint2 = OS_LIBINT2_VERSION;
    bi->libxc = os_xc_library_version();
    /* e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64" */
    bi->openblas = openblas_get_config();
}
