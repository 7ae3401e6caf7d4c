/* fuzz_audit_record.c - fuzz the audit record parser (audit/record.h).
 * Each input is parsed as an auditd log line and, from its first "audit(" on, as a netlink
 * body.  Every parsed record is checked against the contract (NUL-terminated names and values,
 * raw fields before enriched ones, lookups find what the parser produced) and every field goes
 * through every getter.  A rejected record must leave nothing to free and give a reason. */
#include "config.h"

#include <errno.h>
#include <libaudit.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "audit/record.h"
#include "tests/fuzz/fuzz.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void
check_field(const struct audit_record *rec, const struct audit_field *f, struct arena *a)
{
	const struct audit_field *g = audit_record_field(rec, f->name);
	const char *s;
	size_t n;
	uint64_t u;
	int64_t i;

	CHECK(f->name[0] != '\0' && strchr(f->name, ' ') == NULL);
	CHECK(f->value[f->value_len] == '\0');
	CHECK(g != NULL && strcmp(g->name, f->name) == 0);
	CHECK(!g->enriched || f->enriched);	/* a raw field wins over an enriched one */
	int rc = audit_record_get_str(rec, f->name, a, &s, &n);
	if (rc == 0 && s != NULL)
		CHECK(s[n] == '\0');
	if (rc == 0 && s == NULL)
		CHECK(g->kind == AUDIT_VALUE_NULL || g->kind == AUDIT_VALUE_NONE);
	(void)audit_record_get_u64(rec, f->name, 10, &u);
	(void)audit_record_get_u64(rec, f->name, 16, &u);
	(void)audit_record_get_i64(rec, f->name, 10, &i);
	(void)audit_record_get_i64(rec, f->name, 16, &i);
}

static void
check_record(const struct audit_record *rec)
{
	struct arena a = ARENA_INIT;
	bool seen_enriched = false;

	CHECK(rec->type > 0 && rec->type <= 0xffff);
	CHECK(rec->nfields <= AUDIT_RECORD_MAX_FIELDS);
	for (uint32_t i = 0; i < rec->nfields; i++) {
		const struct audit_field *f = &rec->fields[i];

		CHECK(!seen_enriched || f->enriched);
		seen_enriched = f->enriched;
		check_field(rec, f, &a);
	}
	CHECK(audit_record_get_u64(rec, "no such field", 10, &(uint64_t){ 0 }) == -ENOENT);
	arena_free(&a);
}

static void
check_rejected(const struct audit_record *rec, int rc, const char *why)
{
	CHECK(rc == -EINVAL || rc == -E2BIG);
	CHECK(why != NULL && why[0] != '\0');
	CHECK(rec->fields == NULL && rec->nfields == 0 && rec->mem.head == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct audit_record rec;
	const char *why = NULL;
	int rc;

	rc = audit_record_parse_line(s, size, &rec, &why);
	if (rc == 0)
		check_record(&rec);
	else
		check_rejected(&rec, rc, why);
	audit_record_free(&rec);

	const char *body = memmem(s, size, "audit(", 6);
	if (body != NULL) {
		why = NULL;
		rc = audit_record_parse_body(AUDIT_SYSCALL, body, size - (size_t)(body - s), &rec,
		                             &why);
		if (rc == 0)
			check_record(&rec);
		else
			check_rejected(&rec, rc, why);
		audit_record_free(&rec);
	}

	struct arena a = ARENA_INIT;
	char *out;
	size_t n;
	if (audit_hex_decode(s, size, &a, &out, &n) == 0)
		CHECK(n == size / 2 && out[n] == '\0');
	arena_free(&a);
	return 0;
}
