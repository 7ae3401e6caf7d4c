/* test_auditrules.c - the open family's per-path audit rules (rules/auditrules.c): paths ->
 * "-F path=" / "-F dir=" rules, grouping, repeats and covered paths, missing directories,
 * unsafe names, the unbounded fallback, and text == kernel data for the file fields. */
#include "config.h"

#include <errno.h>
#include <libaudit.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sbuf.h"
#include "rules/auditrules.h"

struct fixture {
	char dir[32];            /* D: D/f (file), D/sub/, "D/a b/" */
};

static int
setup(void **state)
{
	static struct fixture f;
	char p[96];
	FILE *fp;

	strcpy(f.dir, "/tmp/shikra-ar.XXXXXX");
	if (mkdtemp(f.dir) == NULL)
		return -1;
	snprintf(p, sizeof(p), "%s/f", f.dir);
	if ((fp = fopen(p, "w")) == NULL)
		return -1;
	fclose(fp);
	snprintf(p, sizeof(p), "%s/sub", f.dir);
	if (mkdir(p, 0700) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/a b", f.dir);
	if (mkdir(p, 0700) < 0)
		return -1;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct evtset
types_of(const enum event_type *t, size_t n)
{
	struct evtset set = { { 0 } };

	for (size_t i = 0; i < n; i++)
		evtset_add(&set, t[i]);
	return set;
}

/* The text of AR's lines, one per line; the directory D written as "D". */
static char *
text_of(const struct auditrules *ar, const char *d)
{
	struct sbuf b = SBUF_INIT;
	size_t n = strlen(d);

	for (size_t i = 0; i < ar->n; i++) {
		for (const char *p = ar->lines[i]; *p != '\0'; p++) {
			if (strncmp(p, d, n) == 0) {
				sbuf_puts(&b, "D");
				p += n - 1;
			} else {
				sbuf_printf(&b, "%c", *p);
			}
		}
		sbuf_puts(&b, "\n");
	}
	return sbuf_steal(&b);
}

static char *
build_text(const struct evtset *set, const struct filter_paths *ps, const char *d)
{
	struct auditrules ar = { 0 };
	char *t;

	assert_int_equal(auditrules_build(set, false, ps, MACH_86_64, MACH_X86, &ar), 0);
	t = text_of(&ar, d);
	auditrules_free(&ar);
	return t;
}

static const enum event_type opens_exec[] = { EVT_execve, EVT_open, EVT_openat, EVT_creat };

static void
test_paths_group_and_dedupe(void **state)
{
	struct fixture *f = *state;
	struct evtset set = types_of(opens_exec, 4);
	char file[64], sub[64], pre[64], glob[64], subslash[64];
	char *t;

	snprintf(file, sizeof(file), "%s/f", f->dir);
	snprintf(sub, sizeof(sub), "%s/sub", f->dir);
	snprintf(subslash, sizeof(subslash), "%s/sub///", f->dir);
	snprintf(pre, sizeof(pre), "%s/sub/pre", f->dir);
	snprintf(glob, sizeof(glob), "%s/sub/x*.c", f->dir);
	struct filter_path v[] = {
		{ file, FPATH_EXACT }, { subslash, FPATH_DIR }, { pre, FPATH_PREFIX },
		{ glob, FPATH_GLOB }, { file, FPATH_EXACT }, { sub, FPATH_DIR },
	};
	struct filter_paths ps = { .v = v, .n = 6 };

	t = build_text(&set, &ps, f->dir);
	assert_string_equal(t,
	    "-a always,exit -F arch=b64 -S execve -F key=shikra\n"
	    "-a always,exit -F arch=b64 -S open -S openat -S creat -F path=D/f -F key=shikra\n"
	    "-a always,exit -F arch=b64 -S open -S openat -S creat -F dir=D/sub -F key=shikra\n"
	    "-a always,exit -F arch=b32 -S execve -F key=shikra\n"
	    "-a always,exit -F arch=b32 -S open -S openat -S creat -F path=D/f -F key=shikra\n"
	    "-a always,exit -F arch=b32 -S open -S openat -S creat -F dir=D/sub -F key=shikra\n");
	free(t);

	/* A directory covers the files and directories below it, whatever the order. */
	struct filter_path w[] = { { file, FPATH_EXACT }, { f->dir, FPATH_DIR } };
	ps = (struct filter_paths){ .v = w, .n = 2 };
	t = build_text(&set, &ps, f->dir);
	assert_non_null(strstr(t, "-S creat -F dir=D -F key=shikra\n"));
	assert_null(strstr(t, "path="));
	free(t);
}

static void
test_paths_missing_and_unsafe(void **state)
{
	struct fixture *f = *state;
	struct evtset set = types_of(opens_exec + 1, 1);       /* open only */
	char gone[64], nodir[64], blank[64], prefix[64];
	char *t;

	snprintf(gone, sizeof(gone), "%s/gone/deeper", f->dir);
	snprintf(nodir, sizeof(nodir), "%s/nodir/file", f->dir);
	snprintf(blank, sizeof(blank), "%s/a b", f->dir);
	snprintf(prefix, sizeof(prefix), "%s/sub/pre", f->dir);
	struct filter_path v[] = { { gone, FPATH_DIR } };
	struct filter_paths ps = { .v = v, .n = 1 };

	/* A directory that does not exist: its nearest existing ancestor, with a warning. */
	t = build_text(&set, &ps, f->dir);
	assert_string_equal(t,
	    "# warning: a path of the rules has no existing directory (or a blank in its name): "
	    "opens audited below D\n"
	    "-a always,exit -F arch=b64 -S open -F dir=D -F key=shikra\n"
	    "-a always,exit -F arch=b32 -S open -F dir=D -F key=shikra\n");
	free(t);
	/* A file whose directory does not exist cannot be a watch; a blank cannot be written. */
	v[0] = (struct filter_path){ nodir, FPATH_EXACT };
	t = build_text(&set, &ps, f->dir);
	assert_non_null(strstr(t, "-F dir=D -F key"));
	assert_non_null(strstr(t, "# warning"));
	free(t);
	v[0] = (struct filter_path){ blank, FPATH_DIR };
	t = build_text(&set, &ps, f->dir);
	assert_non_null(strstr(t, "-F dir=D -F key"));
	assert_null(strstr(t, "D/a"));
	free(t);
	/* A prefix without a slash: its parent directory, which exists, so no warning. */
	v[0] = (struct filter_path){ prefix, FPATH_PREFIX };
	t = build_text(&set, &ps, f->dir);
	assert_string_equal(t,
	    "-a always,exit -F arch=b64 -S open -F dir=D/sub -F key=shikra\n"
	    "-a always,exit -F arch=b32 -S open -F dir=D/sub -F key=shikra\n");
	free(t);
}

static void
test_paths_unbounded(void **state)
{
	struct fixture *f = *state;
	struct evtset set = types_of(opens_exec, 4);
	struct evtset noopen = types_of(opens_exec, 1);
	char file[64];
	static const char main64[] =
	    "-a always,exit -F arch=b64 -S execve -S open -S openat -S creat -F key=shikra\n";
	char *t;

	snprintf(file, sizeof(file), "%s/f", f->dir);
	struct filter_path v[] = { { file, FPATH_EXACT }, { "relative/x", FPATH_EXACT } };
	struct filter_paths ps = { .v = v, .n = 1, .unbounded = true };
	const struct filter_paths *cases[] = { NULL, &ps, &ps, &ps };

	for (size_t i = 0; i < 4; i++) {
		if (i == 2)
			ps = (struct filter_paths){ .v = v, .n = 0 };   /* no path at all */
		if (i == 3)
			ps = (struct filter_paths){ .v = v, .n = 2 };   /* a relative one */
		t = build_text(&set, cases[i], f->dir);
		assert_true(strncmp(t, "# warning: some rule matches files on any path", 46) == 0);
		assert_non_null(strstr(t, main64));
		assert_null(strstr(t, "path="));
		assert_null(strstr(t, "dir="));
		free(t);
	}
	/* Without an open-family syscall, paths change nothing and nothing is said. */
	ps = (struct filter_paths){ .v = v, .n = 1 };
	t = build_text(&noopen, &ps, f->dir);
	assert_string_equal(t, "-a always,exit -F arch=b64 -S execve -F key=shikra\n"
	                       "-a always,exit -F arch=b32 -S execve -F key=shikra\n");
	free(t);
}

/* The kernel data of a file rule carries the same field and path as its text. */
static void
test_paths_data_matches_text(void **state)
{
	struct fixture *f = *state;
	struct evtset set = types_of(opens_exec + 1, 3);
	struct auditrules ar = { 0 };
	char file[64];

	snprintf(file, sizeof(file), "%s/f", f->dir);
	struct filter_path v[] = { { file, FPATH_EXACT }, { "/", FPATH_PREFIX } };
	struct filter_paths ps = { .v = v, .n = 1 };

	for (size_t n = 1; n <= 2; n++) {
		ps.n = n;
		assert_int_equal(auditrules_build(&set, false, &ps, MACH_86_64, MACH_X86, &ar), 0);
		assert_int_equal(ar.nrules, 2);
		for (size_t i = 0; i < ar.nrules; i++) {
			const struct auditrule *r = &ar.rules[i];
			const char *value = n == 1 ? file : "/";
			struct audit_rule_data *d;
			const char *why;
			size_t len, k = 0;
			struct sbuf b = SBUF_INIT;

			assert_string_equal(r->file_field, n == 1 ? "path" : "dir");
			assert_string_equal(r->file_value, value);
			auditrule_format(r, &b);
			assert_string_equal(sbuf_str(&b), ar.lines[i]);
			sbuf_free(&b);
			assert_int_equal(auditrule_to_data(r, 77, &d, &len, &why), 0);
			while (k < d->field_count && d->fields[k] != AUDIT_WATCH &&
			       d->fields[k] != AUDIT_DIR)
				k++;
			assert_true(k < d->field_count);
			assert_int_equal(d->fields[k], n == 1 ? AUDIT_WATCH : AUDIT_DIR);
			assert_int_equal(d->values[k], strlen(value));
			assert_memory_equal(d->buf, value, strlen(value));
			assert_int_equal(d->buflen, strlen(value) + strlen(AUDITRULES_KEY));
			assert_int_equal(len, sizeof(*d) + d->buflen);
			free(d);
		}
		auditrules_free(&ar);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_group_and_dedupe),
		cmocka_unit_test(test_paths_missing_and_unsafe),
		cmocka_unit_test(test_paths_unbounded),
		cmocka_unit_test(test_paths_data_matches_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
