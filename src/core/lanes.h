/* Reproducible parallel sums.
 *
 * A sum split among threads as the work comes (dynamic scheduling, one
 * partial sum per thread) depends in its last bits on which thread took
 * which item.  An SCF between two close-lying states can amplify those bits
 * into a different state: the triflate radical dianion in DME/DOL landed in
 * three states, 0.09 eV apart, in three runs of the same binary.
 *
 * So items are dealt to a fixed number of lanes instead: item i goes to lane
 * i % lanes.  Whichever thread takes a lane sums its items in item order,
 * and the lanes are then added in lane order.  The lane count depends on
 * the problem's size only, never on the thread count, so a sum is bitwise
 * the same on any number of threads. */
#ifndef OS_LANES_H
#define OS_LANES_H

#include <stddef.h>

/* Enough lanes to keep 16 threads busy on uneven items; the partial sums
 * of all lanes together stay under OS_LANES_BYTES (fewer lanes for very
 * large partial sums, so a run of many threads then shares fewer lanes). */
#define OS_LANES_MAX 16
#define OS_LANES_BYTES ((size_t)256 << 20)

/* Lanes for `items` work items whose partial sums take lane_bytes each. */
static inline int os_lanes(long items, size_t lane_bytes)
{
    long l = OS_LANES_MAX;
    if (lane_bytes > 0 && OS_LANES_BYTES / lane_bytes < (size_t)l) l = (long)(OS_LANES_BYTES / lane_bytes);
    if (l > items) l = items;
    return l < 1 ? 1 : (int)l;
}

/* sum[i] += part[0][i], then += part[1][i], ...: lanes added in order;
 * lane l's len values start at part + l * stride. */
static inline void os_lanes_add(int lanes, size_t len, size_t stride, const double *part,
                                double *sum)
{
    for (int l = 0; l < lanes; ++l)
        for (size_t i = 0; i < len; ++i) sum[i] += part[(size_t)l * stride + i];
}

/* sum[i] = part[0][i] + part[1][i] + ... (os_lanes_add onto lane 0). */
static inline void os_lanes_sum(int lanes, size_t len, size_t stride, const double *part,
                                double *sum)
{
    for (size_t i = 0; i < len; ++i) sum[i] = part[i];
    os_lanes_add(lanes - 1, len, stride, part + stride, sum);
}

#endif
