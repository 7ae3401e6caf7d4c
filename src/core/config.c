/* config.c - configuration keys, defaults, YAML loading and -o overrides (see config.h).
 * One table lists every key with its type, location in struct config and default; defaults,
 * the file and overrides all go through the same setter, so they are validated alike. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <yaml.h>

#include "core/config.h"
#include "core/log.h"
#include "core/strnum.h"

enum ckind { CK_BOOL, CK_STRING, CK_INT, CK_LIST };

struct ckey {
	const char *path;
	enum ckind kind;
	size_t off;
	const char *def;                 /* default, in the same text form as -o takes */
	const char *const *choices;      /* CK_STRING: allowed values, NULL = any */
	size_t count_off;                /* CK_LIST: where the item count lives */
	int64_t min, max;                /* CK_INT */
	bool absolute;                   /* CK_STRING: "" or an absolute path */
};

static const char *const prio_choices[] = {
	"emergency", "alert", "critical", "error", "warning", "notice", "informational", "info",
	"debug", NULL,
};
static const char *const matching_choices[] = { "all", "first", NULL };
/* In enum log_level order: config_log_level() is the index. */
static const char *const log_choices[] = {
	[LOG_LVL_ERR] = "error", [LOG_LVL_WARN] = "warning", [LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug", [LOG_LVL_DEBUG + 1] = NULL,
};
static const char *const audit_choices[] = { "auto", "unicast", "multicast", NULL };

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
	{ "daemon", LOG_DAEMON }, { "kern", LOG_KERN }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
	{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
	{ "uucp", LOG_UUCP },
};

#define KL(p, field, d) { .path = p, .kind = CK_LIST, .off = offsetof(struct config, field), \
	.def = d, .count_off = offsetof(struct config, n##field) }
#define K(p, k, field, d) { .path = p, .kind = k, .off = offsetof(struct config, field), .def = d }
#define KI(p, field, d, lo, hi) { .path = p, .kind = CK_INT, \
	.off = offsetof(struct config, field), .def = d, .min = lo, .max = hi }
#define KC(p, field, d, c) { .path = p, .kind = CK_STRING, .off = offsetof(struct config, field), \
	.def = d, .choices = c }

static const struct ckey keys[] = {
	KL("rules_files", rules_files,
	    SHIKRA_SYSCONFDIR "/shikra_rules.yaml," SHIKRA_SYSCONFDIR "/rules.d"),
	K("json_output", CK_BOOL, json_output, "false"),
	K("json_include_output_property", CK_BOOL, json_include_output_property, "true"),
	K("json_include_tags_property", CK_BOOL, json_include_tags_property, "true"),
	KC("priority", priority, "debug", prio_choices),
	KC("rule_matching", rule_matching, "all", matching_choices),
	K("time_format_iso_8601", CK_BOOL, time_format_iso_8601, "false"),
	K("stdout_output.enabled", CK_BOOL, stdout_enabled, "true"),
	K("file_output.enabled", CK_BOOL, file_enabled, "false"),
	K("file_output.keep_alive", CK_BOOL, file_keep_alive, "false"),
	K("file_output.filename", CK_STRING, file_filename, "./events.txt"),
	K("syslog_output.enabled", CK_BOOL, syslog_enabled, "false"),
	K("syslog_output.facility", CK_STRING, syslog_facility, "user"),
	K("program_output.enabled", CK_BOOL, program_enabled, "false"),
	K("program_output.keep_alive", CK_BOOL, program_keep_alive, "false"),
	K("program_output.program", CK_STRING, program_program, ""),
	K("http_output.enabled", CK_BOOL, http_enabled, "false"),
	K("http_output.url", CK_STRING, http_url, ""),
	K("http_output.user_agent", CK_STRING, http_user_agent, ""),
	K("http_output.insecure", CK_BOOL, http_insecure, "false"),
	K("http_output.ca_cert", CK_STRING, http_ca_cert, ""),
	K("http_output.ca_path", CK_STRING, http_ca_path, ""),
	KI("http_output.timeout_ms", http_timeout_ms, "5000", 100, 600000),
	K("http_output.keep_alive", CK_BOOL, http_keep_alive, "true"),
	KI("outputs_queue.capacity", outputs_queue_capacity, "10000", 1, 10000000),
	KC("log_level", log_level, "info", log_choices),
	K("log_stderr", CK_BOOL, log_stderr, "true"),
	K("log_syslog", CK_BOOL, log_syslog, "false"),
	KC("audit.mode", audit_mode, "auto", audit_choices),
	KI("audit.backlog_limit", audit_backlog_limit, "8192", 64, 1 << 24),
	K("fanotify.enabled", CK_BOOL, fanotify_enabled, "true"),
	KI("fanotify.max_dir_marks", fanotify_max_dir_marks, "4096", 16, 1 << 20),
	K("containers.enabled", CK_BOOL, containers_enabled, "true"),
	KL("containers.runc_roots", containers_runc_roots,
	    "/run/runc,/run/docker/runtime-runc/moby,/run/containerd/runc/k8s.io,"
	    "/run/containerd/runc/default"),
	K("containers.docker_root", CK_STRING, containers_docker_root, "/var/lib/docker"),
	K("containers.podman_root", CK_STRING, containers_podman_root,
	    "/var/lib/containers/storage"),
	KL("containers.api_sockets", containers_api_sockets,
	    "/var/run/docker.sock,/run/podman/podman.sock"),
	{ .path = "containers.meta_ttl", .kind = CK_INT,
	  .off = offsetof(struct config, containers_meta_ttl), .def = "300",
	  .min = 1, .max = 86400 },
	{ .path = "containers.miss_ttl", .kind = CK_INT,
	  .off = offsetof(struct config, containers_miss_ttl), .def = "30",
	  .min = 1, .max = 86400 },
	{ .path = "host_root", .kind = CK_STRING, .off = offsetof(struct config, host_root),
	  .def = "", .absolute = true },
};

#define CONFIG_MAX_LIST 1024
#define CONFIG_MAX_NODES 100000

int
config_syslog_facility(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(facilities[i].name, name) == 0)
			return facilities[i].value;
	return -EINVAL;
}

int
config_log_level(const char *name)
{
	for (int i = 0; log_choices[i]; i++)
		if (strcasecmp(log_choices[i], name) == 0)
			return i;
	return -EINVAL;
}

static const struct ckey *
config_key(const char *path)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].path, path) == 0)
			return &keys[i];
	return NULL;
}

static int
parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -EINVAL;
}

static void
list_clear(char ***list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

static int
list_append(char ***list, size_t *n, const char *v, size_t len)
{
	if (*n >= CONFIG_MAX_LIST)
		return -E2BIG;
	char **l = realloc(*list, (*n + 1) * sizeof(char *));
	if (l == NULL)
		return -ENOMEM;
	*list = l;
	if ((l[*n] = strndup(v, len)) == NULL)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Set K from text V.  APPEND adds to a list instead of replacing it; a replaced list takes
 * comma-separated items.  Returns 0, or -EINVAL with a static reason in *WHY. */
static int
config_set(struct config *cfg, const struct ckey *k, const char *v, bool append,
           const char **why)
{
	void *field = (char *)cfg + k->off;
	int64_t num;

	switch (k->kind) {
	case CK_BOOL:
		*why = "expected true or false";
		return parse_bool(v, field);
	case CK_INT:
		*why = "expected a whole number in range";
		if (strnum_i64z(v, 10, k->min, k->max, &num) < 0)
			return -EINVAL;
		*(int64_t *)field = num;
		return 0;
	case CK_STRING:
		for (size_t i = 0; k->choices && k->choices[i]; i++)
			if (strcasecmp(v, k->choices[i]) == 0)
				goto ok;
		if (k->choices) {
			*why = "not one of the allowed values";
			return -EINVAL;
		}
		if (k->absolute && v[0] != '\0' && v[0] != '/') {
			*why = "expected an absolute path (or \"\")";
			return -EINVAL;
		}
	ok:
		free(*(char **)field);
		*(char **)field = strdup(v);
		return *(char **)field ? 0 : -ENOMEM;
	case CK_LIST: {
		char ***list = field;
		size_t *n = (size_t *)((char *)cfg + k->count_off);
		int rc = 0;
		*why = "too many items";
		if (!append)
			list_clear(list, n);
		for (const char *p = v; *p && rc == 0;) {
			size_t len = append ? strlen(p) : strcspn(p, ",");
			if (len > 0)
				rc = list_append(list, n, p, len);
			p += len;
			p += *p == ',';
		}
		return rc;
	}
	}
	return -EINVAL;
}

void
config_defaults(struct config *cfg)
{
	const char *why;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (config_set(cfg, &keys[i], keys[i].def, false, &why) < 0)
			abort();	/* a bad built-in default is a programming error */
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		void *field = (char *)cfg + keys[i].off;
		if (keys[i].kind == CK_STRING)
			free(*(char **)field);
		else if (keys[i].kind == CK_LIST)
			list_clear(field, (size_t *)((char *)cfg + keys[i].count_off));
	}
	memset(cfg, 0, sizeof(*cfg));
}

int
config_override(struct config *cfg, const char *kv, struct diags *diags)
{
	const char *eq = strchr(kv, '=');
	char path[128];
	const char *why = "unknown key";
	bool append = false;

	if (eq == NULL || eq == kv || (size_t)(eq - kv) >= sizeof(path)) {
		diags_add(diags, DIAG_ERROR, "-o", 0, 0, "'%s': expected KEY=VALUE", kv);
		return -EINVAL;
	}
	memcpy(path, kv, (size_t)(eq - kv));
	path[eq - kv] = '\0';
	size_t plen = strlen(path);
	if (plen > 2 && strcmp(path + plen - 2, "[]") == 0) {
		path[plen - 2] = '\0';
		append = true;
	}
	const struct ckey *k = config_key(path);
	if (k == NULL || (append && k->kind != CK_LIST) ||
	    config_set(cfg, k, eq + 1, append, &why) < 0) {
		diags_add(diags, DIAG_ERROR, "-o", 0, 0, "'%s': %s", kv,
		    k && append && k->kind != CK_LIST ? "only lists take []" : why);
		return -EINVAL;
	}
	return 0;
}

/* Walking the YAML document.  libyaml's document API keeps aliases as shared nodes, so an
 * alias bomb costs no memory; the walk still counts nodes and bounds its depth. */
struct walk {
	struct config *cfg;
	yaml_document_t *doc;
	const char *file;
	struct diags *diags;
	size_t visited;
};

/* Report "SUBJECT: MSG" (or just MSG) at NODE's position. */
static void
walk_error(struct walk *w, const yaml_node_t *node, const char *subject, const char *msg)
{
	diags_add(w->diags, DIAG_ERROR, w->file, (unsigned)node->start_mark.line + 1,
	    (unsigned)node->start_mark.column + 1, "%s%s%s", subject ? subject : "",
	    subject ? ": " : "", msg);
}

static void
walk_value(struct walk *w, const struct ckey *k, yaml_node_t *val, const char *path)
{
	const char *why = "";

	if (val->type == YAML_SCALAR_NODE) {
		/* A single value for a list key is a list of one: it replaces the default,
		 * as a sequence does (and as Falco reads rules_files), and commas stay. */
		if (k->kind == CK_LIST)
			config_set(w->cfg, k, "", false, &why);
		if (config_set(w->cfg, k, (const char *)val->data.scalar.value,
		    k->kind == CK_LIST, &why) < 0) {
			diags_add(w->diags, DIAG_ERROR, w->file, (unsigned)val->start_mark.line + 1,
			    (unsigned)val->start_mark.column + 1, "%s: %s", path, why);
		}
		return;
	}
	if (val->type != YAML_SEQUENCE_NODE || k->kind != CK_LIST) {
		walk_error(w, val, path, "expected a single value");
		return;
	}
	config_set(w->cfg, k, "", false, &why);		/* a list in the file replaces the default */
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	    it < val->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, *it);
		if (item == NULL || item->type != YAML_SCALAR_NODE) {
			walk_error(w, item ? item : val, path, "list items must be plain values");
			continue;
		}
		if (config_set(w->cfg, k, (const char *)item->data.scalar.value, true, &why) < 0)
			walk_error(w, item, path, "too many items");
	}
}

static void
walk_mapping(struct walk *w, yaml_node_t *map, const char *prefix, int depth)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *val = yaml_document_get_node(w->doc, p->value);
		char path[128];

		if (key == NULL || val == NULL || ++w->visited > CONFIG_MAX_NODES)
			return;
		if (key->type != YAML_SCALAR_NODE) {
			walk_error(w, key, NULL, "keys must be plain names");
			continue;
		}
		int n = snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "",
		    (const char *)key->data.scalar.value);
		const struct ckey *k = n > 0 && (size_t)n < sizeof(path) ? config_key(path) : NULL;
		if (k != NULL)
			walk_value(w, k, val, path);
		else if (val->type == YAML_MAPPING_NODE && depth < 4 && (size_t)n < sizeof(path))
			walk_mapping(w, val, path, depth + 1);
		else
			walk_error(w, key, path, "unknown configuration key");
	}
}

int
config_load(struct config *cfg, const char *path, struct diags *diags)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *fp = fopen(path, "re");
	size_t before = diags->nerrors;
	int rc = 0;

	if (fp == NULL)
		return -errno;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		diags_add(diags, DIAG_ERROR, path, (unsigned)parser.problem_mark.line + 1,
		    (unsigned)parser.problem_mark.column + 1, "%s",
		    parser.problem ? parser.problem : "YAML syntax error");
		rc = -EINVAL;
		goto out;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root != NULL && root->type == YAML_MAPPING_NODE) {
		struct walk w = { .cfg = cfg, .doc = &doc, .file = path, .diags = diags };
		walk_mapping(&w, root, "", 0);
	} else if (root != NULL) {
		walk_error(&(struct walk){ .file = path, .diags = diags }, root, NULL,
		    "the configuration must be a mapping of keys to values");
	}
	yaml_document_delete(&doc);
	if (diags->nerrors > before)
		rc = -EINVAL;
out:
	yaml_parser_delete(&parser);
	fclose(fp);
	return rc;
}
