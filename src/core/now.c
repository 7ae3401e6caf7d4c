/* now.c - clocks in nanoseconds (see now.h). */
#include "config.h"

#include <time.h>

#include "core/now.h"

static uint64_t
read_clock(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

uint64_t
now_wall_ns(void)
{
	return read_clock(CLOCK_REALTIME);
}

uint64_t
now_mono_ns(void)
{
	return read_clock(CLOCK_MONOTONIC);
}
