/* timefmt.c - time text (see timefmt.h). */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "core/timefmt.h"

#define NS_PER_S 1000000000u

/* The date and time of day of TM in FORM.  (A switch rather than a table: strftime()
 * formats must be literals for -Wformat=2 to check them.) */
static size_t
day_and_time(const struct tm *tm, enum timefmt_form form, char *buf)
{
	switch (form) {
	case TIMEFMT_UTC_ISO:
	case TIMEFMT_LOCAL_ISO:
		return strftime(buf, TIMEFMT_MAX, "%Y-%m-%dT%H:%M:%S", tm);
	case TIMEFMT_LOCAL_CLOCK:
		return strftime(buf, TIMEFMT_MAX, "%H:%M:%S", tm);
	case TIMEFMT_LOCAL_DATE:
		return strftime(buf, TIMEFMT_MAX, "%Y-%m-%d %H:%M:%S", tm);
	}
	return 0;
}

size_t
timefmt_write(uint64_t ts_ns, enum timefmt_form form, bool ns, char *buf)
{
	time_t sec = (time_t)(ts_ns / NS_PER_S);
	struct tm tm;
	size_t n;

	buf[0] = '\0';
	if ((form == TIMEFMT_UTC_ISO ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm)) == NULL ||
	    (n = day_and_time(&tm, form, buf)) == 0)
		return 0;
	/* The longest result, 34 bytes, leaves room: nothing below can be cut. */
	if (ns)
		n += (size_t)snprintf(buf + n, TIMEFMT_MAX - n, ".%09u",
		                      (unsigned)(ts_ns % NS_PER_S));
	if (form == TIMEFMT_UTC_ISO)
		n += (size_t)snprintf(buf + n, TIMEFMT_MAX - n, "Z");
	else if (form == TIMEFMT_LOCAL_ISO)
		n += strftime(buf + n, TIMEFMT_MAX - n, "%z", &tm);
	return n;
}
