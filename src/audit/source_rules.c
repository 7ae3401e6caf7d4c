/* source_rules.c - shikra's audit rules in the kernel (see source.h).
 *
 * This file owns the list of rules the source installed, each kept exactly as it was sent,
 * because the kernel deletes a rule given the same data.  The rules come from
 * rules/auditrules.c, which makes both this data and the text of --print-audit-rules from one
 * description; the only additions here are "-F pid!=OURPID" and the host root in front of
 * the rules' paths (core/hostpath.h: the kernel resolves them in our mount namespace).  A
 * rule is ours when its key is exactly AUDITRULES_KEY: leftovers of an earlier run that was
 * killed are recognized that way, and no other rule is ever deleted.  Settings and reading
 * are not here. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/source_priv.h"
#include "core/hostpath.h"
#include "core/log.h"
#include "core/now.h"
#include "core/sbuf.h"
#include "rules/auditrules.h"

static bool
key_is_ours(const char *key, size_t len)
{
	return key != NULL && len == strlen(AUDITRULES_KEY) &&
	       memcmp(key, AUDITRULES_KEY, len) == 0;
}

static bool
same_rule(const struct asrc_rule *a, const struct asrc_rule *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* --- listing ------------------------------------------------------------------------------- */

struct collect {
	struct asrc_rule *v;
	size_t n;
};

/* Keep a copy of every loaded rule whose key is ours. */
static int
collect_ours(const struct audit_rule_data *d, size_t len, void *arg)
{
	struct collect *c = arg;
	struct asrc_rule *v;
	const char *key;
	size_t klen;

	if (audit_ctl_rule_check(d, len, &key, &klen) < 0 || !key_is_ours(key, klen))
		return 0;
	if ((v = realloc(c->v, (c->n + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	c->v = v;
	if ((v[c->n].data = malloc(len)) == NULL)
		return -ENOMEM;
	memcpy(v[c->n].data, d, len);
	v[c->n++].len = len;
	return 0;
}

static void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].data);
	free(c->v);
}

int
asrc_rules_count_ours(struct audit_source *s, unsigned *n)
{
	struct collect c = { 0 };
	int rc = audit_ctl_rules(s->ctl, collect_ours, &c, NULL);

	*n = (unsigned)c.n;
	collect_free(&c);
	return rc;
}

/* Delete R; count it as our own change for the CONFIG_CHANGE watch. */
static int
delete_rule(struct audit_source *s, const struct asrc_rule *r)
{
	int rc = audit_ctl_rule_del(s->ctl, r->data, r->len);

	if (rc == 0) {
		s->own_removes++;
		s->own_change_ns = now_wall_ns();
	}
	return rc;
}

int
asrc_rules_clear_leftovers(struct audit_source *s)
{
	struct collect c = { 0 };
	size_t deleted = 0;
	int rc = audit_ctl_rules(s->ctl, collect_ours, &c, NULL);

	for (size_t i = 0; rc == 0 && i < c.n; i++) {
		int r = delete_rule(s, &c.v[i]);
		if (r == 0)
			deleted++;
		else if (r != -ENOENT)
			rc = r;
	}
	if (deleted > 0)
		log_info("audit: deleted %zu leftover rules with key %s (an earlier run did not "
		         "exit cleanly)", deleted, AUDITRULES_KEY);
	collect_free(&c);
	return rc;
}

/* --- installing ---------------------------------------------------------------------------- */

static void
log_rule(const char *what, const struct auditrule *r, pid_t self, int rc)
{
	struct sbuf b = SBUF_INIT;

	auditrule_format(r, &b);
	if (rc < 0)
		log_warnx("audit: %s '%s' (all processes but pid %ld): %s", what, sbuf_str(&b),
		          (long)self, strerror(-rc));
	else
		log_debug("audit: %s '%s' (all processes but pid %ld)", what, sbuf_str(&b),
		          (long)self);
	sbuf_free(&b);
}

/* The new list: rules of WANT already installed are kept, the others added; then installed
 * rules WANT lacks are deleted.  Adding first means no type the old and the new set share
 * goes unwatched in between.  NEXT (room for every old and new rule) takes the data of
 * every rule that is in the kernel afterwards, whatever fails; WANT[i].data is taken or
 * freed. */
static int
apply(struct audit_source *s, const struct auditrules *ar, struct asrc_rule *want,
      struct asrc_rule *next)
{
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < ar->nrules; i++) {
		size_t j = 0;
		while (j < s->nrules && (s->rules[j].data == NULL || !same_rule(&s->rules[j], &want[i])))
			j++;
		if (j < s->nrules) {
			next[n++] = s->rules[j];
			s->rules[j].data = NULL;
			free(want[i].data);
			continue;
		}
		int r = rc < 0 ? rc : audit_ctl_rule_add(s->ctl, want[i].data, want[i].len);
		if (rc == 0)
			log_rule(r == 0 || r == -EEXIST ? "installed" : "cannot install", &ar->rules[i],
			         s->self, r == -EEXIST ? 0 : r);
		if (r == 0 || r == -EEXIST) {	/* EEXIST: the same rule, with our pid: ours */
			next[n++] = want[i];
			continue;
		}
		rc = r;
		free(want[i].data);
	}
	for (size_t j = 0; j < s->nrules; j++) {
		if (s->rules[j].data == NULL)
			continue;
		int r = delete_rule(s, &s->rules[j]);
		if (r == 0 || r == -ENOENT)
			free(s->rules[j].data);
		else
			next[n++] = s->rules[j];	/* still in the kernel: delete it at close */
	}
	free(s->rules);
	s->rules = next;
	s->nrules = n;
	s->st.rules_installed = (uint32_t)n;
	return rc;
}

/* PATHS as the kernel must resolve them from our mount namespace: each path behind ROOT
 * (core/hostpath.h) in OUT, whose vector and strings are malloc'd (release them with
 * rebased_free()).  With ROOT off OUT is a plain copy of the vector.  0 or -ENOMEM. */
static int
rebase(const struct filter_paths *paths, const char *root, struct filter_paths *out)
{
	struct filter_path *v;

	*out = (struct filter_paths){ .unbounded = paths->unbounded };
	if ((v = calloc(paths->n + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	out->v = v;
	for (; out->n < paths->n; out->n++) {
		char *p;

		if (hostpath_dup(root, paths->v[out->n].path, &p) < 0)
			return -ENOMEM;
		v[out->n] = (struct filter_path){ .path = p, .kind = paths->v[out->n].kind };
	}
	return 0;
}

static void
rebased_free(struct filter_paths *fp)
{
	for (size_t i = 0; fp->v && i < fp->n; i++)
		free((char *)fp->v[i].path);
	free((struct filter_path *)fp->v);
	*fp = (struct filter_paths){ 0 };
}

/* The rules for TYPES, ANY and PATHS, with the paths behind S's host root. */
static int
build(struct audit_source *s, const struct evtset *types, bool any,
      const struct filter_paths *paths, struct auditrules *ar)
{
	struct filter_paths local = { 0 };
	int m64, m32, rc;

	if ((rc = auditrules_host(&m64, &m32)) < 0)
		return rc;
	if (paths != NULL && (rc = rebase(paths, s->host_root, &local)) < 0)
		goto out;
	rc = auditrules_build(types, any, paths ? &local : NULL, m64, m32, ar);
out:
	rebased_free(&local);
	return rc;
}

int
asrc_rules_install(struct audit_source *s, const struct evtset *types, bool any,
                   const struct filter_paths *paths)
{
	struct auditrules ar = { 0 };
	struct asrc_rule *want = NULL, *next = NULL;
	const char *why = NULL;
	size_t made = 0;
	int rc;

	if ((rc = build(s, types, any, paths, &ar)) < 0)
		goto fail;
	want = calloc(ar.nrules + 1, sizeof(*want));
	next = calloc(ar.nrules + s->nrules + 1, sizeof(*next));
	rc = -ENOMEM;
	if (want == NULL || next == NULL)
		goto fail;
	for (; made < ar.nrules; made++) {
		rc = auditrule_to_data(&ar.rules[made], s->self, &want[made].data, &want[made].len,
		                       &why);
		if (rc < 0) {
			log_rule(why, &ar.rules[made], s->self, rc);
			goto fail;
		}
	}
	if (ar.nrules == 0)
		log_warnx("audit: the rules need no syscall: no audit rule installed");
	for (size_t i = 0; i < ar.n; i++)
		if (strncmp(ar.lines[i], "# warning: ", 11) == 0)
			log_warnx("audit: %s", ar.lines[i] + 11);
	rc = apply(s, &ar, want, next);
	free(want);
	auditrules_free(&ar);
	return rc;
fail:
	for (size_t i = 0; i < made; i++)
		free(want[i].data);
	free(want);
	free(next);
	auditrules_free(&ar);
	return rc;
}

void
asrc_rules_remove(struct audit_source *s)
{
	for (size_t i = 0; i < s->nrules; i++) {
		int rc = audit_ctl_rule_del(s->ctl, s->rules[i].data, s->rules[i].len);
		if (rc < 0 && rc != -ENOENT)
			log_warnx("audit: cannot delete one of our audit rules: %s", strerror(-rc));
		free(s->rules[i].data);
	}
	free(s->rules);
	s->rules = NULL;
	s->nrules = 0;
	s->st.rules_installed = 0;
}
