/* How much memory the machine can give us now: MemAvailable (free plus
 * reclaimable page cache), not the installed total, so that several runs on
 * one machine do not each plan for half of all of it. */
#include "orbscreen.h"

#include <stdio.h>
#include <unistd.h>

size_t os_memory_available_mb(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        unsigned long long kb = 0;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) break;
        fclose(f);
        if (kb > 0) return (size_t)(kb >> 10);
    }
    long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? ((size_t)pages * (size_t)page) >> 20 : 0;
}
