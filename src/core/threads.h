/* Thread counts for parallel loops.  Every parallel region takes its thread
 * count from the caller (never from process-wide state); tiny loops run on
 * one thread, since waking a team costs more than they do (and, on a loaded
 * machine, far more). */
#ifndef OS_THREADS_H
#define OS_THREADS_H

/* Threads for `work` units when each thread should get at least `grain`. */
static inline int os_threads_for(int nthreads, long work, long grain)
{
    long useful = grain > 0 ? work / grain : work;
    if (useful < 1) useful = 1;
    if (nthreads < 1) nthreads = 1;
    return useful < nthreads ? (int)useful : nthreads;
}

#endif
