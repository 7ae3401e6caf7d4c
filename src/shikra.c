/* shikra.c - main(): parse the command line and wire the modules together.  No logic lives
 * here that a test would want to reach; that belongs in the library. */
#include "config.h"

#include <stdio.h>

#include "core/log.h"

int
main(int argc, char *argv[])
{
	log_init("shikra", LOG_LVL_INFO, false);
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	return 0;
}
