/* orbscreen: frontier orbitals of a batch of molecules, anions ranked.
 * The command line is a thin layer over liborbscreen (orbscreen.h). */
#include "cli/cli.h"

#include <string.h>
#ifdef ORBSCREEN_MPI
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#endif

static int run(int argc, char **argv)
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

#ifndef ORBSCREEN_MPI
int main(int argc, char **argv) { return run(argc, argv); }
#else
/* The options parsed with stdout and stderr on /dev/null: rank 0 has said
 * what the user needs to know (usage errors, --help) once. */
static int quiet_parse(int argc, char **argv, cli_options *o)
{
    fflush(stdout);
    fflush(stderr);
    int null = open("/dev/null", O_WRONLY), out = dup(1), err = dup(2);
    if (null < 0 || out < 0 || err < 0) return EXIT_USAGE;
    dup2(null, 1);
    dup2(null, 2);
    int rc = cli_parse(argc, argv, o);
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1);
    dup2(err, 2);
    close(null), close(out), close(err);
    return rc;
}

/* Under mpirun: rank 0 is the orbscreen the user sees; the other ranks
 * compute the batch's molecules it hands out (and say nothing, but for
 * what goes wrong with MPI itself). */
int main(int argc, char **argv)
{
    cli_mpi_init(&argc, &argv);
    int rc = EXIT_ALL_OK;
    if (cli_mpi_rank() == 0) {
        rc = run(argc, argv);
    } else if (!(argc > 1 && strcmp(argv[1], "merge") == 0)) {
        cli_options o;
        int prc = quiet_parse(argc, argv, &o);
        os_blas_set_threads(1);
        if (prc < 0 && !o.qcschema_in) cli_run_batch(&o, argc, argv);
    }
    cli_mpi_finalize();
    return rc;
}
#endif
