/* fuzz_config.c - fuzz the configuration loader (core/config.h).
 * The input up to its first NUL byte is a YAML configuration, written to a memfd and loaded
 * by path over the defaults with config_load(); every later NUL-separated part is a "-o"
 * override.  A failure must leave an error in the diags; a success must leave none.  Either
 * way the configuration must stay whole: every string set, every choice one of its values,
 * the backlog in range, and config_free() releasing it all. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/config.h"
#include "tests/fuzz/fuzz.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static bool
one_of(const char *s, const char *const *set)
{
	for (size_t i = 0; set[i] != NULL; i++)
		if (strcasecmp(s, set[i]) == 0)
			return true;
	return false;
}

static void
check_config(const struct config *c)
{
	static const char *const prios[] = { "emergency", "alert", "critical", "error",
		"warning", "notice", "informational", "info", "debug", NULL };
	static const char *const matching[] = { "all", "first", NULL };
	static const char *const levels[] = { "error", "warning", "info", "debug", NULL };
	static const char *const modes[] = { "auto", "unicast", "multicast", NULL };

	CHECK(c->priority && one_of(c->priority, prios));
	CHECK(c->rule_matching && one_of(c->rule_matching, matching));
	CHECK(c->log_level && one_of(c->log_level, levels));
	CHECK(c->audit_mode && one_of(c->audit_mode, modes));
	CHECK(c->file_filename && c->syslog_facility && c->program_program);
	CHECK(c->audit_backlog_limit >= 64 && c->audit_backlog_limit <= (1 << 24));
	CHECK((c->rules_files == NULL) == (c->nrules_files == 0));
	for (size_t i = 0; i < c->nrules_files; i++)
		CHECK(c->rules_files[i] != NULL && c->rules_files[i][0] != '\0');
	(void)config_syslog_facility(c->syslog_facility);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	const char *end = memchr(data, '\0', size);
	size_t ylen = end ? (size_t)(end - (const char *)data) : size;
	struct diags d = DIAGS_INIT;
	struct config cfg;
	int rc;

	if (fd < 0) {
		fd = memfd_create("fuzz_config.yaml", MFD_CLOEXEC);
		CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, data, ylen, 0) == (ssize_t)ylen);
	config_defaults(&cfg);
	rc = config_load(&cfg, path, &d);
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK((rc == 0) == !diags_has_errors(&d));
	check_config(&cfg);
	/* The overrides: NUL-terminated copies of every part after the first NUL. */
	for (size_t pos = ylen + 1; pos < size + 1 && end != NULL;) {
		const char *p = (const char *)data + pos;
		const char *q = memchr(p, '\0', size - pos);
		size_t len = q ? (size_t)(q - p) : size - pos;
		char *kv = strndup(p, len);

		CHECK(kv != NULL);
		diags_free(&d);
		rc = config_override(&cfg, kv, &d);
		CHECK((rc == 0 && !diags_has_errors(&d)) || (rc == -EINVAL && diags_has_errors(&d)));
		check_config(&cfg);
		free(kv);
		pos += len + 1;
	}
	config_free(&cfg);
	config_free(NULL);
	diags_free(&d);
	return 0;
}
