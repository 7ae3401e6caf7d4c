/* source_found.c - remembering the audit settings a host had, across a crash (see
 * source_priv.h).  The file holds one line: "enabled backlog_limit backlog_wait_time". */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/source_priv.h"
#include "core/log.h"
#include "core/strnum.h"

/* Read the three numbers; 0 or -EINVAL for anything malformed. */
static int
found_parse(const char *line, uint32_t v[3])
{
	char copy[96];
	char *save = NULL, *tok;
	int i = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	copy[strcspn(copy, "\n")] = '\0';
	for (tok = strtok_r(copy, " ", &save); tok && i < 3; tok = strtok_r(NULL, " ", &save)) {
		uint64_t n;
		if (strnum_u64z(tok, 10, UINT32_MAX, &n) < 0)
			return -EINVAL;
		v[i++] = (uint32_t)n;
	}
	return i == 3 && tok == NULL && v[0] <= 1 ? 0 : -EINVAL;
}

void
asrc_found_recall(struct audit_source *s, bool leftovers)
{
	char line[96];
	uint32_t v[3];
	FILE *fp;

	if (s->cfg.state_file == NULL || (fp = fopen(s->cfg.state_file, "re")) == NULL)
		return;
	bool ok = fgets(line, sizeof(line), fp) != NULL && found_parse(line, v) == 0;
	fclose(fp);
	if (!ok || !leftovers) {
		/* Without our leftover rules the file is from a run whose close did not finish
		 * removing it; the settings we see now are the host's. */
		unlink(s->cfg.state_file);
		return;
	}
	log_info("audit: a previous run did not finish (state in %s); restoring what it found "
	         "at exit: enabled=%u backlog_limit=%u backlog_wait_time=%u",
	         s->cfg.state_file, v[0], v[1], v[2]);
	s->found.enabled = v[0];
	s->found.backlog_limit = v[1];
	s->found.backlog_wait_time = v[2];
}

void
asrc_found_save(const struct audit_source *s)
{
	char tmp[4096];
	int fd;

	if (s->cfg.state_file == NULL || s->changed == 0)
		return;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", s->cfg.state_file) >= (int)sizeof(tmp))
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		log_warn("audit: cannot record the settings found in %s", tmp);
		return;
	}
	dprintf(fd, "%u %u %u\n", s->found.enabled, s->found.backlog_limit,
	        s->found.backlog_wait_time);
	/* Rename over the old file so that a crash never leaves half a line. */
	if (close(fd) < 0 || rename(tmp, s->cfg.state_file) < 0) {
		log_warn("audit: cannot record the settings found in %s", s->cfg.state_file);
		unlink(tmp);
	}
}

void
asrc_found_forget(const struct audit_source *s)
{
	if (s->cfg.state_file != NULL)
		unlink(s->cfg.state_file);
}
