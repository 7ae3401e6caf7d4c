/* test_fields_lookup.c - unit tests for rules/fields: lookup of every name, of the fields
 * Falco's default ruleset uses and of bad names; value formatting. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/sbuf.h"
#include "rules/fields.h"

#define TS 1700000000123456789ull   /* 2023-11-14T22:13:20.123456789Z */

/* ---- lookup ---- */

static void
test_lookup_every_name(void **state)
{
	size_t n;
	const struct field_def *t = fields_table(&n);
	struct field_ref ref;
	const char *why = NULL;
	char buf[128];

	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].desc);
		assert_non_null(t[i].extract);
		assert_true(t[i].classes != 0);
		assert_true(field_type_name(t[i].type)[0] != '\0');
		if (t[i].arg == FA_KEY || t[i].arg == FA_INDEX_OR_KEY || t[i].arg == FA_OPT_KEY)
			snprintf(buf, sizeof(buf), "%s[k]", t[i].name);
		else
			snprintf(buf, sizeof(buf), "%s", t[i].name);
		assert_int_equal(field_lookup(buf, strlen(buf), &ref, &why), 0);
		assert_ptr_equal(ref.def, &t[i]);
		field_ref_clear(&ref);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i].name, t[j].name);
	}
}

static void
test_lookup_arguments(void **state)
{
	struct field_ref ref;
	const char *why = NULL;

	assert_int_equal(field_lookup("evt.arg.flags", 13, &ref, &why), 0);
	assert_string_equal(ref.def->name, "evt.arg");
	assert_true(ref.has_arg);
	assert_string_equal(ref.key, "flags");
	assert_int_equal(ref.index, -1);
	field_ref_clear(&ref);
	assert_null(ref.key);

	assert_int_equal(field_lookup("evt.arg[0]", 10, &ref, &why), 0);
	assert_null(ref.key);
	assert_int_equal(ref.index, 0);
	field_ref_clear(&ref);

	assert_int_equal(field_lookup("proc.aname", 10, &ref, &why), 0);
	assert_false(ref.has_arg);
	assert_int_equal(ref.index, -1);
	field_ref_clear(&ref);

	assert_int_equal(field_lookup("proc.aname[65535]", 17, &ref, &why), 0);
	assert_int_equal(ref.index, 65535);
	field_ref_clear(&ref);

	assert_int_equal(field_lookup("container.mount.dest[/proc*]", 28, &ref, &why), 0);
	assert_string_equal(ref.def->name, "container.mount.dest");
	assert_string_equal(ref.key, "/proc*");
	field_ref_clear(&ref);

	/* proc.env takes an optional [NAME]. */
	assert_int_equal(field_lookup("proc.env", 8, &ref, &why), 0);
	assert_false(ref.has_arg);
	assert_null(ref.key);
	field_ref_clear(&ref);
	assert_int_equal(field_lookup("proc.env[HOME]", 14, &ref, &why), 0);
	assert_string_equal(ref.def->name, "proc.env");
	assert_string_equal(ref.key, "HOME");
	field_ref_clear(&ref);

	assert_int_equal(field_lookup("container.label.io.k8s/name", 27, &ref, &why), 0);
	assert_string_equal(ref.key, "io.k8s/name");
	field_ref_clear(&ref);

	/* Longest name wins; the span ends where LEN says, not at a NUL. */
	assert_int_equal(field_lookup("fd.sip.name", 11, &ref, &why), 0);
	assert_string_equal(ref.def->name, "fd.sip.name");
	field_ref_clear(&ref);
	assert_int_equal(field_lookup("fd.sipXYZ", 6, &ref, &why), 0);
	assert_string_equal(ref.def->name, "fd.sip");
	field_ref_clear(&ref);
	field_ref_clear(NULL);
}

static void
check_bad(const char *text, size_t len, int want)
{
	struct field_ref ref;
	const char *why = NULL;

	if (field_lookup(text, len, &ref, &why) != want) {
		print_error("lookup of \"%.*s\" did not return %d\n", (int)len, text, want);
		fail();
	}
	assert_non_null(why);
	assert_null(ref.def);
	assert_null(ref.key);
	assert_false(ref.has_arg);
}

#define BAD(s, want) check_bad(s, sizeof(s) - 1, want)

static void
test_lookup_rejects(void **state)
{
	struct field_ref ref;
	const char *why = NULL;
	char longkey[400];

	BAD("", -ENOENT);
	BAD("proc", -ENOENT);
	BAD("proc.nosuch", -ENOENT);
	BAD("Proc.name", -ENOENT);
	BAD("proc.name.x", -ENOENT);
	BAD("proc.aname.x", -ENOENT);
	BAD("fd.sip.nam", -ENOENT);
	BAD("container.mount.sourcex", -ENOENT);
	BAD("proc.name\0x", -ENOENT);
	BAD("proc.name[1]", -EINVAL);
	BAD("proc.aname[", -EINVAL);
	BAD("proc.aname[]", -EINVAL);
	BAD("proc.aname[x]", -EINVAL);
	BAD("proc.aname[-1]", -EINVAL);
	BAD("proc.aname[ 1]", -EINVAL);
	BAD("proc.aname[2]x", -EINVAL);
	BAD("proc.aname[2]]", -EINVAL);
	BAD("proc.aname[65536]", -EINVAL);
	BAD("proc.aname[99999999999999999999]", -EINVAL);
	BAD("evt.arg", -EINVAL);
	BAD("evt.arg.", -EINVAL);
	BAD("evt.arg[]", -EINVAL);
	BAD("evt.arg[-1]", -EINVAL);
	BAD("evt.arg[1x]", -EINVAL);
	BAD("evt.arg.a b", -EINVAL);
	BAD("evt.arg.a\tb", -EINVAL);
	BAD("evt.arg.a\0b", -EINVAL);
	BAD("evt.arg.a[b", -EINVAL);
	BAD("evt.rawarg", -EINVAL);
	BAD("container.label", -EINVAL);
	BAD("container.label[a[b]", -EINVAL);
	BAD("proc.env[]", -EINVAL);
	BAD("proc.env.HOME", -ENOENT);
	memcpy(longkey, "evt.arg.", 8);
	memset(longkey + 8, 'k', sizeof(longkey) - 8);
	check_bad(longkey, sizeof(longkey), -EINVAL);
	check_bad(longkey, 8 + 257, -EINVAL);
	/* 256 bytes is the longest key accepted. */
	assert_int_equal(field_lookup(longkey, 8 + 256, &ref, &why), 0);
	assert_int_equal(strlen(ref.key), 256);
	field_ref_clear(&ref);
}

/* Every field falcosecurity/rules falco_rules.yaml uses in a condition or an output
 * (%container.info is not a field: Falco's output formatter expands it). */
static const char *const falco_ruleset_fields[] = {
	"evt.type", "evt.dir", "evt.num", "evt.res", "evt.rawres", "evt.args", "evt.arg[0]",
	"evt.arg.flags", "evt.arg.target", "evt.arg.linkpath", "evt.arg.oldpath",
	"evt.arg.request", "evt.is_open_read", "evt.is_open_write",
	"proc.name", "proc.pname", "proc.exe", "proc.pexe", "proc.exepath", "proc.pexepath",
	"proc.cmdline", "proc.pcmdline", "proc.args", "proc.cwd", "proc.tty", "proc.sname",
	"proc.duration", "proc.aname", "proc.aname[1]", "proc.aname[2]", "proc.aname[3]",
	"proc.aname[4]", "proc.aname[5]", "proc.aname[6]", "proc.aname[7]", "proc.aexepath[2]",
	"proc.is_exe_upper_layer", "proc.is_exe_from_memfd", "proc.exe_ino.ctime",
	"proc.exe_ino.mtime", "proc.exe_ino.ctime_duration_proc_start", "thread.cap_effective",
	"user.name", "user.uid", "user.loginuid", "user.loginname", "group.gid", "group.name",
	"fd.num", "fd.name", "fd.nameraw", "fd.directory", "fd.filename", "fd.type",
	"fd.typechar", "fd.l4proto", "fd.sip", "fd.sip.name", "fd.sport", "fd.lport",
	"fd.rport", "fd.ip", "fd.net", "fd.snet", "fd.connected", "fd.name_changed",
	"container.id", "container.privileged", "container.image.repository",
	"container.start_ts", "k8s.ns.name",
	/* and those of its older, complete version (with the sandbox and incubating rules) */
	"proc.env", "evt.buffer", "proc.vpid", "thread.cap_permitted", "evt.is_open_exec",
	"evt.arg.uid", "evt.arg.mode", "evt.arg.path", "evt.arg.name", "evt.arg.newpath",
	"evt.arg.filename", "evt.arg.fd", "fd.cip", "fd.cnet", "fd.rnet", "fd.rip",
	"fd.cip.name", "fd.lip.name", "fd.rip.name", "fd.sockfamily", "fd.port",
	"container.mounts", "container.mount.dest[/proc*]", "container.mount.dest[/]",
	"k8s.pod.name",
};

static void
test_falco_ruleset_fields_resolve(void **state)
{
	struct field_ref ref;
	const char *why = NULL;
	size_t n = sizeof(falco_ruleset_fields) / sizeof(falco_ruleset_fields[0]);

	for (size_t i = 0; i < n; i++) {
		const char *f = falco_ruleset_fields[i];
		if (field_lookup(f, strlen(f), &ref, &why) != 0) {
			print_error("%s: %s\n", f, why);
			fail();
		}
		field_ref_clear(&ref);
	}
}

/* ---- formatting ---- */

static void
check_format(const struct fvalue *v, const char *want, size_t wantlen)
{
	struct sbuf b = SBUF_INIT;

	fvalue_format(v, &b);
	assert_int_equal(b.len, wantlen);
	assert_memory_equal(sbuf_str(&b), want, wantlen);
	sbuf_free(&b);
}

#define FMT(v, s) check_format(v, s, sizeof(s) - 1)

static void
test_fvalue_format(void **state)
{
	struct fvalue v;

	v = (struct fvalue){ .type = FT_STRING, .str = { "a\0b", 3 } };
	FMT(&v, "a\0b");
	v = (struct fvalue){ .type = FT_STRING, .str = { "", 0 } };
	FMT(&v, "");
	v = (struct fvalue){ .type = FT_INT64, .i = INT64_MIN };
	FMT(&v, "-9223372036854775808");
	v = (struct fvalue){ .type = FT_UINT64, .u = UINT64_MAX };
	FMT(&v, "18446744073709551615");
	v = (struct fvalue){ .type = FT_BOOL, .b = true };
	FMT(&v, "true");
	v = (struct fvalue){ .type = FT_BOOL, .b = false };
	FMT(&v, "false");
	v = (struct fvalue){ .type = FT_PORT, .u = 65535 };
	FMT(&v, "65535");
	v = (struct fvalue){ .type = FT_RELTIME, .u = 5 };
	FMT(&v, "5");
	v = (struct fvalue){ .type = FT_ABSTIME, .u = 0 };
	FMT(&v, "0");
	v = (struct fvalue){ .type = FT_ABSTIME, .u = TS };
	FMT(&v, "1700000000123456789");
	v = (struct fvalue){ .type = FT_IPADDR, .ip = { .family = 4, .addr = { 127, 0, 0, 1 } } };
	FMT(&v, "127.0.0.1");
	v = (struct fvalue){ .type = FT_IPNET, .ip = { .family = 4, .prefix = 8, .addr = { 10 } } };
	FMT(&v, "10.0.0.0/8");
	v = (struct fvalue){ .type = FT_IPADDR, .ip = { .family = 6, .addr = { [15] = 1 } } };
	FMT(&v, "::1");
	v = (struct fvalue){ .type = FT_IPNET, .ip = { .family = 6, .prefix = 32,
	                                               .addr = { 0x20, 0x01, 0x0d, 0xb8 } } };
	FMT(&v, "2001:db8::/32");
	v = (struct fvalue){ .type = FT_IPADDR, .ip = { .family = 5 } };
	FMT(&v, "?");
	assert_string_equal(field_type_name(FT_STRING), "string");
	assert_string_equal(field_type_name(FT_IPNET), "ipnet");
	assert_string_equal(field_type_name(FT_RELTIME), "reltime");
	assert_string_equal(field_type_name((enum field_type)99), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_every_name),
		cmocka_unit_test(test_lookup_arguments),
		cmocka_unit_test(test_lookup_rejects),
		cmocka_unit_test(test_falco_ruleset_fields_resolve),
		cmocka_unit_test(test_fvalue_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
