/* convert_path.c - the files a syscall names, from its PATH records.
 * The kernel logs one PATH item per name it looked up: the name as the process passed it
 * (relative names stay relative), the inode it found, and a nametype saying what the lookup
 * was for: NORMAL, PARENT (the directory of a name being created or removed), CREATE,
 * DELETE, UNKNOWN (a lookup that failed, or a name copied in and never looked up, such as
 * symlink's target).  A role picks the item a syscall's file is in; the
 * raw name is kept, and a resolved, lexically normalized absolute path is added when the
 * name is absolute or relative to a known cwd.  Symlinks are not followed: this is the path
 * the process named, not necessarily the file's canonical one. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "audit/convert_priv.h"
#include "core/strnum.h"

#ifndef AUDIT_PATH
#define AUDIT_PATH 1302
#endif

static bool
nametype_is(const struct audit_record *rec, const char *want)
{
	const char *nt = conv_raw(rec, "nametype");

	return nt != NULL && strcmp(nt, want) == 0;
}

/* The first (or, with LAST, the last) PATH item of nametype WANT; with WANT NULL, of any
 * nametype but PARENT. */
static const struct audit_record *
find_item(const struct conv *c, const char *want, bool last)
{
	const struct audit_record *found = NULL;

	for (uint32_t i = 0; i < c->n; i++) {
		const struct audit_record *rec = &c->recs[i];

		if (rec->type != AUDIT_PATH)
			continue;
		if (want ? nametype_is(rec, want) : !nametype_is(rec, "PARENT")) {
			found = rec;
			if (!last)
				break;
		}
	}
	return found;
}

static const struct audit_record *
select_item(const struct conv *c, enum conv_path_role role)
{
	const struct audit_record *rec = NULL;

	switch (role) {
	case PATH_NONE:
		return NULL;
	case PATH_FIRST:
		return find_item(c, NULL, false);
	case PATH_CREATE:
		/* Then an existing file (O_CREAT without O_EXCL, EEXIST), then whatever failed;
		 * the last of those, since symlink's target text comes before its new name. */
		if ((rec = find_item(c, "CREATE", true)) == NULL)
			rec = find_item(c, "NORMAL", false);
		return rec ? rec : find_item(c, NULL, true);
	case PATH_DELETE:
		rec = find_item(c, "DELETE", false);
		return rec ? rec : find_item(c, NULL, false);
	case PATH_NEW:
		return find_item(c, "CREATE", true);
	case PATH_OLD:
		return find_item(c, "DELETE", false);
	case PATH_NORMAL:
		return find_item(c, "NORMAL", false);
	case PATH_UNKNOWN:
		return find_item(c, "UNKNOWN", false);
	}
	return NULL;
}

char *
conv_path_normalize(struct conv *c, const char *p, size_t len)
{
	char *out = arena_alloc(&c->scratch, len + 2);
	size_t o = 1, i = 0;

	out[0] = '/';
	while (i < len) {
		size_t s;

		while (i < len && p[i] == '/')
			i++;
		for (s = i; i < len && p[i] != '/'; i++)
			;
		if (i == s || (i - s == 1 && p[s] == '.'))
			continue;
		if (i - s == 2 && p[s] == '.' && p[s + 1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;    /* drop the slash too; ".." at the root stays at the root */
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, p + s, i - s);
		o += i - s;
	}
	out[o] = '\0';
	return out;
}

/* The absolute form of RAW, or NULL when it cannot be known. */
static char *
resolve(struct conv *c, const char *raw, size_t len, int dirfd)
{
	char *joined;
	size_t clen;

	if (len == 0)
		return NULL;    /* AT_EMPTY_PATH: the dirfd itself, which the log does not name */
	if (raw[0] == '/')
		return conv_path_normalize(c, raw, len);
	if (dirfd >= 0 || c->cwd == NULL)
		return NULL;
	clen = strlen(c->cwd);
	joined = arena_alloc(&c->scratch, clen + len + 2);
	memcpy(joined, c->cwd, clen);
	joined[clen] = '/';
	memcpy(joined + clen + 1, raw, len);
	return conv_path_normalize(c, joined, clen + 1 + len);
}

/* dev=MAJOR:MINOR, both hex. */
static void
read_dev(struct conv *c, const struct audit_record *rec, struct event_path *out)
{
	const char *dev = conv_raw(rec, "dev");
	const char *colon = dev ? strchr(dev, ':') : NULL;
	uint64_t maj, min;

	if (dev == NULL)
		return;
	if (colon == NULL || strnum_u64(dev, (size_t)(colon - dev), 16, 0xfff, &maj) < 0 ||
	    strnum_u64z(colon + 1, 16, 0xfffff, &min) < 0) {
		conv_bad(c);
		return;
	}
	out->dev = makedev((unsigned)maj, (unsigned)min);
}

static void
read_attrs(struct conv *c, const struct audit_record *rec, struct event_path *out)
{
	const char *mode = conv_raw(rec, "mode");
	uint64_t v;
	int64_t id;
	int rc;

	if ((rc = audit_record_get_u64(rec, "inode", 10, &v)) == 0)
		out->inode = v;
	else if (rc != -ENOENT && conv_raw(rec, "inode") != NULL)
		conv_bad(c);
	if (mode && strnum_u64z(mode, 8, UINT32_MAX, &v) == 0)     /* octal, 0100644 */
		out->mode = (int64_t)v;
	else if (mode)
		conv_bad(c);
	if (conv_i64(c, rec, "ouid", &id))
		out->ouid = id;
	if (conv_i64(c, rec, "ogid", &id))
		out->ogid = id;
	read_dev(c, rec, out);
}

int
conv_path(struct conv *c, enum conv_path_role role, int dirfd, struct event_path *out)
{
	const struct audit_record *rec = select_item(c, role);
	const char *raw;
	size_t len = 0;

	if (rec == NULL)
		return -ENOENT;
	raw = conv_text(c, rec, "name", &len);
	if (raw && strlen(raw) != len) {
		conv_bad(c);    /* a path cannot hold a NUL byte */
		raw = NULL;
	}
	if (raw) {
		out->raw = event_strndup(c->ev, raw, len);
		out->path = event_strdup(c->ev, resolve(c, raw, len, dirfd));
	}
	read_attrs(c, rec, out);
	return 0;
}
