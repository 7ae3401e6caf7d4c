/* now.h - the two clocks shikra reads, in nanoseconds.
 * Wall time (CLOCK_REALTIME, ns since the epoch) stamps what happened and is compared with
 * the kernel's event times; monotonic time (CLOCK_MONOTONIC) measures intervals: timeouts,
 * rate limits, progress.  Neither call fails on Linux. */
#ifndef SHIKRA_NOW_H
#define SHIKRA_NOW_H

#include <stdint.h>

uint64_t now_wall_ns(void);
uint64_t now_mono_ns(void);

#define NOW_NS_PER_MS UINT64_C(1000000)

#endif
