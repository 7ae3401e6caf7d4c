/* timefmt.h - event times as text: the one place that turns ns since the epoch into the forms
 * shikra prints (alert lines, Falco's JSON "time", captures, the evt.time* fields). */
#ifndef SHIKRA_TIMEFMT_H
#define SHIKRA_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum timefmt_form {
	TIMEFMT_UTC_ISO,        /* 2026-11-23T03:33:15.123456789Z */
	TIMEFMT_LOCAL_ISO,      /* 2026-11-23T03:33:15.123456789+0100 */
	TIMEFMT_LOCAL_CLOCK,    /* 03:33:15.123456789 */
	TIMEFMT_LOCAL_DATE,     /* 2026-11-23 03:33:15.123456789 */
};

#define TIMEFMT_MAX 48          /* room for every form, NUL included */

/* Write TS_NS in FORM into BUF (TIMEFMT_MAX bytes), with ".nnnnnnnnn" after the seconds when
 * NS.  Return the length, or 0 (BUF then "") when the time cannot be broken down, which no
 * uint64_t count of ns can cause with a 64-bit time_t. */
size_t timefmt_write(uint64_t ts_ns, enum timefmt_form form, bool ns, char *buf);

#endif
