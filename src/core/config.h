/* config.h - shikra's configuration: built-in defaults, the YAML file, then -o overrides.
 * Every key has a default, so shikra runs with no file at all.  Keys follow Falco's
 * falco.yaml where Falco has them (rules_files, json_output, priority, stdout_output, ...),
 * plus shikra's own sections (audit, fanotify, containers).  Loading collects every problem
 * with file:line:column and fails only after reading the whole file; unknown keys are errors,
 * so a typo never silently falls back to a default. */
#ifndef SHIKRA_CONFIG_H
#define SHIKRA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

struct config {
	char   **rules_files;          /* files or directories, in order */
	size_t   nrules_files;
	bool     json_output;
	bool     json_include_output_property;
	bool     json_include_tags_property;
	char    *priority;             /* minimum rule priority: "debug" .. "emergency" */
	char    *rule_matching;        /* "all" or "first" */
	bool     time_format_iso_8601;
	bool     stdout_enabled;
	bool     file_enabled;
	bool     file_keep_alive;
	char    *file_filename;
	bool     syslog_enabled;
	char    *syslog_facility;      /* "user", "daemon", "local0" .. "local7", ... */
	bool     program_enabled;
	bool     program_keep_alive;
	char    *program_program;
	bool     http_enabled;
	char    *http_url;
	char    *http_user_agent;      /* "" = "shikra/VERSION" */
	bool     http_insecure;
	char    *http_ca_cert;         /* "" = libcurl's default CA bundle */
	char    *http_ca_path;
	int64_t  http_timeout_ms;
	bool     http_keep_alive;
	int64_t  outputs_queue_capacity;   /* alerts per sink queue */
	char    *log_level;            /* "error", "warning", "info", "debug" */
	bool     log_stderr;
	bool     log_syslog;
	char    *audit_mode;           /* "auto", "unicast", "multicast" */
	int64_t  audit_backlog_limit;
	bool     fanotify_enabled;
	int64_t  fanotify_max_dir_marks;   /* directory marks at most (half for the rules' trees) */
	bool     containers_enabled;
	char   **containers_runc_roots;    /* runc state directories, searched in order */
	size_t   ncontainers_runc_roots;
	char    *containers_docker_root;   /* "" = do not read Docker's files */
	char    *containers_podman_root;   /* "" = do not read containers/storage */
	char   **containers_api_sockets;   /* Docker-compatible API sockets; none = no API */
	size_t   ncontainers_api_sockets;
	int64_t  containers_meta_ttl;      /* seconds before metadata is asked for again */
	int64_t  containers_miss_ttl;      /* seconds at most between retries of a miss */
	char    *host_root;                /* where the host's / is mounted ("" = it is ours):
	                                    * see core/hostpath.h */
};

/* Fill CFG with the built-in defaults.  Release with config_free(). */
void config_defaults(struct config *cfg);

/* Read PATH over CFG (keys not in the file keep their values).  Return 0, -EINVAL with every
 * problem in DIAGS, or -errno if the file cannot be read. */
int config_load(struct config *cfg, const char *path, struct diags *diags);

/* Apply one "-o KEY=VALUE" override (KEY dotted: file_output.enabled=true; a list key takes
 * a comma-separated value or KEY[]=VALUE to append).  0 or -EINVAL with a problem in DIAGS. */
int config_override(struct config *cfg, const char *kv, struct diags *diags);

/* Syslog facility number for NAME (LOG_USER, ...), or -EINVAL. */
int config_syslog_facility(const char *name);

/* The enum log_level for a log_level value ("error" .. "debug"), or -EINVAL. */
int config_log_level(const char *name);

void config_free(struct config *cfg);   /* NULL-safe; releases the strings */

#endif
