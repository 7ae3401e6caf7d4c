/* ctrtab_layers.c - a container's root filesystem layers from its mountinfo (see
 * ctrtab_int.h).  The visible mount at "/" (the last one listed there) must be an overlay
 * other than the one the daemon itself runs on (a host booted from an overlay would
 * otherwise lend its layers to the first process seen in a new mount namespace that has not
 * pivoted yet).  Its super options give upperdir and lowerdir.
 *
 * Escapes.  The kernel prints bytes of paths that would break the line or the option list
 * (space, tab, newline, backslash, comma, '=') as a backslash and three octal digits.  For
 * the lower layers, separated by ':', kernels since 6.5 print a colon inside a path as
 * "\072"; older ones print the user's own escape "\:" (with the backslash as "\134"), and a
 * raw "\:" is accepted too.  Newer kernels may list layers one by one as "lowerdir+=" and
 * "datadir+=".  Relative layers (Podman mounts "l/SHORT" from its overlay directory when the
 * option string would be too long) are taken below PODMAN_ROOT/overlay, and every layer is
 * resolved with realpath() (Podman's l/SHORT entries are symlinks to LAYER/diff). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "core/hostpath.h"
#include "core/strnum.h"
#include "state/ctrtab_int.h"

#define MI_FIELDS_MIN 10            /* with the separator and no optional field */
#define MI_FIELDS_MAX 64

struct layers {
	char *upper;
	char **lower;
	uint32_t nlower;
};

/* Decode the octal escape at S ("\ooo"), or -1. */
static int
octal_at(const char *s, const char *end)
{
	uint64_t v;

	if (end - s < 4 || s[0] != '\\' || strnum_u64(s + 1, 3, 8, 255, &v) < 0)
		return -1;
	return (int)v;
}

/* Unescape [S, END) into a new string in C's arena; split at unescaped ':' when SPLIT, and
 * call ADD for each piece. */
static void
unescape_split(struct container *c, const char *s, const char *end, bool split,
               struct layers *ly, void (*add)(struct container *, struct layers *, char *))
{
	char *buf = arena_alloc(&c->mem, (size_t)(end - s) + 1);
	size_t n = 0;

	while (s < end) {
		int ch = octal_at(s, end);
		bool esc = ch >= 0;

		if (esc) {
			s += 4;
		} else if (s[0] == '\\' && s + 1 < end && s[1] == ':') {
			ch = ':';
			esc = true;
			s += 2;
		} else {
			ch = (unsigned char)*s++;
		}
		if (esc && ch == '\\' && s < end && *s == ':') {
			ch = ':';           /* an old kernel's "\134:": the user's "\:" */
			s++;
		} else if (split && !esc && ch == ':') {
			buf[n] = '\0';
			add(c, ly, buf);
			buf += n + 1;
			n = 0;
			continue;
		}
		if (ch == 0)
			ch = '?';           /* never a NUL inside a C string */
		buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	add(c, ly, buf);
}

static void
add_lower(struct container *c, struct layers *ly, char *path)
{
	if (path[0] == '\0' || ly->nlower >= CTR_MAX_LOWER)
		return;
	if ((ly->nlower & (ly->nlower - 1)) == 0) {          /* 0, 1, 2, 4, ...: grow */
		size_t cap = ly->nlower ? 2 * (size_t)ly->nlower : 1;
		char **v = arena_alloc(&c->mem, (cap + 1) * sizeof(char *));

		if (ly->nlower)
			memcpy(v, ly->lower, ly->nlower * sizeof(char *));
		ly->lower = v;
	}
	ly->lower[ly->nlower++] = path;
}

static void
set_upper(struct container *c, struct layers *ly, char *path)
{
	ly->upper = path;
}

/* Walk the super options [S, END) of an overlay mount. */
static void
overlay_options(struct container *c, const char *s, const char *end, struct layers *ly)
{
	static const struct { const char *key; bool split, upper; } opts[] = {
		{ "lowerdir=", true, false }, { "lowerdir+=", false, false },
		{ "datadir+=", false, false }, { "upperdir=", false, true },
	};

	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *oend = comma ? comma : end;

		for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
			size_t kl = strlen(opts[i].key);

			if ((size_t)(oend - s) >= kl && memcmp(s, opts[i].key, kl) == 0)
				unescape_split(c, s + kl, oend, opts[i].split, ly,
				               opts[i].upper ? set_upper : add_lower);
		}
		s = oend + (comma != NULL);
	}
}

/* Split LINE [S, END) into space-separated fields.  The number of fields, or 0. */
static size_t
split_fields(const char *s, const char *end, const char **f, const char **fe)
{
	size_t n = 0;

	while (s < end && n < MI_FIELDS_MAX) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));

		f[n] = s;
		fe[n] = sp ? sp : end;
		n++;
		s = sp ? sp + 1 : end;
	}
	return s < end ? 0 : n;
}

static bool
field_is(const char *f, const char *fe, const char *s)
{
	return (size_t)(fe - f) == strlen(s) && memcmp(f, s, (size_t)(fe - f)) == 0;
}

/* Whether the device "MAJ:MIN" in [F, FE) is the one the daemon's own root is on. */
static bool
our_root_dev(const char *f, const char *fe)
{
	const char *colon = memchr(f, ':', (size_t)(fe - f));
	uint64_t ma, mi;
	struct stat st;

	if (colon == NULL || strnum_u64(f, (size_t)(colon - f), 10, UINT32_MAX, &ma) < 0 ||
	    strnum_u64(colon + 1, (size_t)(fe - colon - 1), 10, UINT32_MAX, &mi) < 0 ||
	    stat("/", &st) < 0)
		return false;
	return major(st.st_dev) == ma && minor(st.st_dev) == mi;
}

/* The last line whose mount point is "/": its fields. 1, 0 when none, -EINVAL. */
static int
root_line(const char *text, size_t len, const char **f, const char **fe, size_t *nf)
{
	const char *s = text, *end = text + len;
	const char *lf[MI_FIELDS_MAX], *lfe[MI_FIELDS_MAX];
	bool any = false;

	*nf = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		size_t n = split_fields(s, le, lf, lfe);

		s = nl ? nl + 1 : end;
		if (n < MI_FIELDS_MIN)
			continue;
		any = true;
		if (field_is(lf[4], lfe[4], "/")) {
			memcpy(f, lf, n * sizeof(*f));
			memcpy(fe, lfe, n * sizeof(*fe));
			*nf = n;
		}
	}
	return *nf ? 1 : any ? 0 : -EINVAL;
}

/* The absolute, resolved form of layer P (in C's arena), by its host name.  P is a host
 * name or relative to SRC's podman root, which is already behind the host root. */
static char *
resolve(struct container *c, const char *p, const struct ctr_src *src)
{
	char joined[PATH_MAX], real[PATH_MAX];
	const char *local = joined;
	int n = 0;

	if (p[0] == '/')
		n = hostpath_to(src->host_root, p, joined, sizeof(joined), &local) < 0 ? -1 : 0;
	else if (src->podman_root)
		n = snprintf(joined, sizeof(joined), "%s/overlay/%s", src->podman_root, p);
	else
		return NULL;
	if (n < 0 || (size_t)n >= sizeof(joined))
		return NULL;
	return container_strdup(c, hostpath_from(src->host_root,
	                                          realpath(local, real) ? real : local));
}

/* MERGED: the overlay's mount point as the host sees it, from the layout Docker's overlay2
 * and containers/storage share: LAYER/diff is the upper directory, LAYER/merged the mount. */
static void
sibling_merged(struct container *c, const char *host_root)
{
	char path[PATH_MAX], buf[PATH_MAX];
	size_t n = c->upperdir ? strlen(c->upperdir) : 0;
	const char *local;
	struct stat st;

	if (c->merged || n < 5 || strcmp(c->upperdir + n - 5, "/diff") != 0 ||
	    n - 5 + sizeof("/merged") > sizeof(path))
		return;
	memcpy(path, c->upperdir, n - 5);
	memcpy(path + n - 5, "/merged", sizeof("/merged"));
	if (hostpath_to(host_root, path, buf, sizeof(buf), &local) == 0 &&
	    stat(local, &st) == 0 && S_ISDIR(st.st_mode))
		c->merged = container_strdup(c, path);
}

int
ctr_layers_parse(const char *text, size_t len, const struct ctr_src *src, struct container *c)
{
	const char *f[MI_FIELDS_MAX], *fe[MI_FIELDS_MAX];
	struct layers ly = { 0 };
	size_t nf, sep;
	int rc = root_line(text, len, f, fe, &nf);

	if (rc <= 0)
		return rc;
	for (sep = 6; sep < nf && !field_is(f[sep], fe[sep], "-"); sep++)
		;
	if (sep + 3 >= nf)
		return -EINVAL;
	if (!field_is(f[sep + 1], fe[sep + 1], "overlay") ||
	    our_root_dev(f[2], fe[2]))
		return 0;
	overlay_options(c, f[sep + 3], fe[sep + 3], &ly);
	if (ly.upper == NULL && ly.nlower == 0)
		return 0;
	c->upperdir = ly.upper ? resolve(c, ly.upper, src) : NULL;
	c->lowerdirs = arena_alloc(&c->mem, ((size_t)ly.nlower + 1) * sizeof(char *));
	c->nlower = 0;
	for (uint32_t i = 0; i < ly.nlower; i++) {
		char *r = resolve(c, ly.lower[i], src);

		if (r)
			c->lowerdirs[c->nlower++] = r;
	}
	c->lowerdirs[c->nlower] = NULL;
	sibling_merged(c, src->host_root);
	c->meta |= CTR_META_LAYERS;
	return 1;
}

int
ctr_layers_read(const char *proc_root, int64_t pid, const struct ctr_src *src,
                struct container *c)
{
	char path[PATH_MAX], *text;
	size_t len;
	int n = snprintf(path, sizeof(path), "%s/%lld/mountinfo", proc_root, (long long)pid);
	int rc;

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if ((rc = ctr_read_file(path, CTR_FILE_MAX, &text, &len)) < 0)
		return rc;
	rc = ctr_layers_parse(text, len, src, c);
	free(text);
	return rc;
}
