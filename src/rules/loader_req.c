/* loader_req.c - the items that state requirements: required_engine_version (refused when
 * newer than the engine shikra implements) and required_plugin_versions (the container
 * plugin is built in; any other plugin is a warning, since shikra loads none). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/strnum.h"
#include "rules/loader_priv.h"

/* "26" (Falco's old integer versions, which mean 0.26.0) or "x.y.z". */
static int
parse_version(const char *s, uint64_t v[3])
{
	const char *p = s;

	if (strnum_u64z(s, 10, UINT32_MAX, &v[1]) == 0) {
		v[0] = v[2] = 0;
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		size_t len = strcspn(p, ".");
		if (strnum_u64(p, len, 10, UINT32_MAX, &v[i]) < 0)
			return -EINVAL;
		p += len;
		if (i < 2 && *p++ != '.')
			return -EINVAL;
	}
	return *p ? -EINVAL : 0;
}

void
loader_engine_version_item(struct loader_item *it)
{
	static const char *const keys[] = { "required_engine_version", NULL };
	const struct yamldoc_node *n = yamldoc_get(it->node, "required_engine_version");
	static const uint64_t ours[3] = {
		LOADER_ENGINE_MAJOR, LOADER_ENGINE_MINOR, LOADER_ENGINE_PATCH,
	};
	uint64_t v[3];
	bool newer;

	loader_check_keys(it, keys);
	if (n->kind != YAMLDOC_SCALAR || parse_version(n->text, v) < 0) {
		loader_error(it, n, "cannot parse '%s' as an engine version: expected an integer "
		             "or x.y.z", n->kind == YAMLDOC_SCALAR ? n->text : "");
		return;
	}
	newer = v[0] != ours[0] || v[1] > ours[1] || (v[1] == ours[1] && v[2] > ours[2]);
	if (newer) {
		loader_error(it, n, "the file requires engine version %llu.%llu.%llu, but shikra "
		             "implements engine version %s", (unsigned long long)v[0],
		             (unsigned long long)v[1], (unsigned long long)v[2],
		             LOADER_ENGINE_VERSION);
		return;
	}
	uint64_t *max = it->ld->required_engine;
	if (v[1] > max[1] || (v[1] == max[1] && v[2] > max[2]))
		memcpy(max, v, sizeof(v[0]) * 3);
}

/* One requirement {name, version}: check it and say whether it names the container plugin,
 * whose fields shikra supplies itself. */
static bool
plugin_requirement(struct loader_item *it, const struct yamldoc_node *req,
                   const char *const *keys, const char **name)
{
	struct loader_item sub = *it;
	const char *version = NULL;
	uint64_t v[3];

	sub.node = req;
	*name = NULL;
	if (req->kind != YAMLDOC_MAP) {
		loader_error(it, req, "each plugin requirement must be a mapping with a name and "
		             "a version");
		return false;
	}
	loader_check_keys(&sub, keys);
	loader_string(&sub, "name", true, name);
	if (loader_string(&sub, "version", true, &version) == 0 &&
	    (parse_version(version, v) < 0 || strchr(version, '.') == NULL))
		loader_error(&sub, yamldoc_get(req, "version"), "invalid plugin version '%s'",
		             version);
	it->nerrors += sub.nerrors;
	return *name && strcmp(*name, "container") == 0;
}

void
loader_plugin_versions_item(struct loader_item *it)
{
	static const char *const keys[] = { "required_plugin_versions", NULL };
	static const char *const req_keys[] = { "name", "version", "alternatives", NULL };
	static const char *const alt_keys[] = { "name", "version", NULL };
	const struct yamldoc_node *seq = yamldoc_get(it->node, "required_plugin_versions");

	loader_check_keys(it, keys);
	if (seq->kind != YAMLDOC_SEQ) {
		loader_error(it, seq, "the value must be a sequence of plugin requirements");
		return;
	}
	for (size_t i = 0; i < seq->n; i++) {
		const struct yamldoc_node *alts = yamldoc_get(seq->v[i], "alternatives");
		const char *name, *alt;
		bool ok = plugin_requirement(it, seq->v[i], req_keys, &name);
		if (alts && alts->kind != YAMLDOC_SEQ)
			loader_error(it, alts, "'alternatives' must be a sequence");
		for (size_t j = 0; alts && alts->kind == YAMLDOC_SEQ && j < alts->n; j++)
			ok |= plugin_requirement(it, alts->v[j], alt_keys, &alt);
		if (!ok && name)
			loader_warn(it, seq->v[i], "plugin '%s' is required, but shikra loads no "
			            "plugins (only the container plugin's fields are built in); rules "
			            "that need it will not load", name);
	}
}
