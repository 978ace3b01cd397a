/* A batch across MPI ranks (built only with -DORBSCREEN_MPI=ON): rank 0
 * hands out one molecule at a time to whichever rank is free, in the order
 * given (batch.c sorts it largest first), and receives each result as a
 * blob (batch.c: the exact record line and the Molden file's text); the
 * other ranks compute with their own OpenMP threads.  Rank 0 computes
 * nothing itself: it reads, hands out and writes.  Only the main thread of
 * each rank calls MPI (MPI_THREAD_FUNNELED).
 *
 * Messages: rank 0 -> worker, TAG_WORK, one int (the molecule's index, -1:
 * stop); worker -> rank 0, TAG_RESULT, the blob as bytes (empty: lost). */
#include "cli/cli.h"

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { TAG_WORK = 1, TAG_RESULT = 2 };

static int mpi_rank, mpi_size = 1, node_size = 1, dispatched;

void cli_mpi_init(int *argc, char ***argv)
{
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &node_size);
        MPI_Comm_free(&node);
    }
}

int cli_mpi_rank(void) { return mpi_rank; }
int cli_mpi_size(void) { return mpi_size; }
int cli_mpi_node_size(void) { return node_size; }

static int send_index(int rank, int k)
{
    return MPI_Send(&k, 1, MPI_INT, rank, TAG_WORK, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

/* Rank 0 that stopped before handing anything out (a usage error, an
 * unusable results folder) still releases the waiting ranks. */
void cli_mpi_finalize(void)
{
    if (mpi_rank == 0 && !dispatched)
        for (int r = 1; r < mpi_size; ++r) send_index(r, -1);
    MPI_Finalize();
}

/* Wait for a result without spinning.  OpenMPI's blocking probe polls, and
 * rank 0, which computes nothing, then takes CPU from the workers on a node
 * it shares with them (measured, 2 workers + rank 0 on 2 cores, molecules/:
 * 86 s of system time in a 234 s run).  Polls, sleeping between polls from
 * 20 us up to 5 ms: at most 5 ms of delay per molecule. */
static int wait_result(MPI_Status *st)
{
    long ns = 20000;
    for (;;) {
        int flag = 0;
        if (MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, st) != MPI_SUCCESS)
            return -1;
        if (flag) return 0;
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        if (ns < 5000000) ns *= 2;
    }
}

/* One result from any rank: its source and the blob (NULL when empty). */
static int receive(int *source, char **blob, size_t *len)
{
    MPI_Status st;
    int count;
    if (wait_result(&st) != 0 || MPI_Get_count(&st, MPI_BYTE, &count) != MPI_SUCCESS)
        return -1;
    *source = st.MPI_SOURCE;
    *len = (size_t)count;
    *blob = malloc(count > 0 ? (size_t)count : 1);
    char dummy;
    int rc = MPI_Recv(*blob ? *blob : &dummy, *blob ? count : 0, MPI_BYTE, st.MPI_SOURCE,
                      TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (count == 0 || !*blob) {
        free(*blob);
        *blob = NULL;
        *len = 0;
    }
    return rc == MPI_SUCCESS ? 0 : -1;
}

int cli_mpi_dispatch(const int *todo, int n, void (*done)(void *ctx, int k, char *blob, size_t len),
                     void *ctx)
{
    dispatched = 1;
    int *working = calloc((size_t)mpi_size, sizeof *working); /* molecule per rank, -1 idle */
    if (!working) return -1;
    int next = 0, busy = 0, rc = 0;
    for (int r = 1; r < mpi_size; ++r) {
        working[r] = next < n ? todo[next++] : -1;
        if (send_index(r, working[r]) != 0) rc = -1;
        if (working[r] >= 0) ++busy;
    }
    while (busy > 0 && rc == 0) {
        int src;
        char *blob;
        size_t len;
        if (receive(&src, &blob, &len) != 0) {
            rc = -1;
            break;
        }
        int k = working[src];
        /* The next molecule first, so that the rank works while we write. */
        working[src] = next < n ? todo[next++] : -1;
        if (send_index(src, working[src]) != 0) rc = -1;
        if (working[src] < 0) --busy;
        done(ctx, k, blob, len);
    }
    free(working);
    return rc;
}

void cli_mpi_serve(char *(*compute)(void *ctx, int k, size_t *len), void *ctx)
{
    for (;;) {
        int k;
        if (MPI_Recv(&k, 1, MPI_INT, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS ||
            k < 0)
            return;
        size_t len = 0;
        char *blob = compute(ctx, k, &len);
        if (!blob || len > (size_t)INT32_MAX) len = 0;
        MPI_Send(blob ? blob : "", (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        free(blob);
    }
}
