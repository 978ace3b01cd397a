/* orbscreen: frontier orbitals of a batch of molecules, anions ranked.
 * The command line is a thin layer over liborbscreen (orbscreen.h). */
#include "cli/cli.h"

#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "merge") == 0) return cli_run_merge(argc - 1, argv + 1);
    cli_options o;
    int rc = cli_parse(argc, argv, &o);
    if (rc >= 0) return rc;
    /* orbscreen's threads sit around BLAS calls: BLAS itself runs on one. */
    os_blas_set_threads(1);
    if (o.qcschema_in) return cli_run_qcschema(&o);
    return cli_run_batch(&o, argc, argv);
}
