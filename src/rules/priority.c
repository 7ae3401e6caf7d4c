/* priority.c - Falco's priorities by name (declared in ruleset.h).  Kept apart so that the
 * loader can parse priorities without pulling in the compiled ruleset. */
#include "config.h"

#include <errno.h>
#include <strings.h>

#include "rules/ruleset.h"

/* Falco's spelling, as its alerts print it. */
static const char *const priority_names[] = {
	[PRIO_EMERGENCY] = "Emergency",
	[PRIO_ALERT] = "Alert",
	[PRIO_CRITICAL] = "Critical",
	[PRIO_ERROR] = "Error",
	[PRIO_WARNING] = "Warning",
	[PRIO_NOTICE] = "Notice",
	[PRIO_INFORMATIONAL] = "Informational",
	[PRIO_DEBUG] = "Debug",
};
_Static_assert(sizeof(priority_names) / sizeof(priority_names[0]) == PRIO_DEBUG + 1,
               "every priority has a name");

const char *
priority_name(enum priority p)
{
	return (unsigned)p <= PRIO_DEBUG ? priority_names[p] : "Unknown";
}

int
priority_from_name(const char *name, enum priority *out)
{
	for (unsigned p = 0; p <= PRIO_DEBUG; p++) {
		if (strcasecmp(name, priority_names[p]) == 0) {
			*out = (enum priority)p;
			return 0;
		}
	}
	if (strcasecmp(name, "info") == 0) {
		*out = PRIO_INFORMATIONAL;
		return 0;
	}
	return -EINVAL;
}
