/* gen.h - shikra-event-generator: one harmless, self-cleaning action per default rule.
 * main.c owns the command line and the container launch, util.c the private directory,
 * copies, named programs and the helper modes, actions*.c the actions themselves and their
 * table.  This program links only libc, so that a static build runs inside any container. */
#ifndef SHIKRA_GEN_H
#define SHIKRA_GEN_H

#include <stdbool.h>
#include <sys/types.h>

#define GEN_HELPER_ENV "SHIKRA_GEN_HELPER"
#define GEN_WHY(why, len, ...) snprintf((why), (len), __VA_ARGS__)

enum gen_where { GEN_HOST = 1, GEN_CONTAINER = 2, GEN_BOTH = 3 };

/* What an action may use: the private directory and the generator's own copy in it. */
struct gen_ctx {
	char dir[64];           /* private directory (/var/tmp or /tmp), removed at exit */
	char self[128];         /* copy of this program in DIR, mode 0755 */
	char dropped[256];      /* a copy outside DIR that gen_cleanup() removes, or "" */
	bool inside;            /* running inside the test container */
	const char *image;      /* container image (host side of --container) */
	const char *argv0;      /* how we were started (for the container launch) */
};

/* RUN's result when the action cannot apply to this machine (the attack is impossible here,
 * e.g. no cgroup v1 hierarchy for release_agent): the line says "skip: WHY". */
#define GEN_SKIP 1

/* One action.  RUN performs the triggering syscall and stores in *PID the process that
 * made it (host pid namespace view); 0, GEN_SKIP, or -errno, with a reason in WHY. */
struct gen_action {
	const char *name;
	const char *rule;
	enum gen_where where;
	/* podman run flags for an own container, separated by blanks ("--privileged",
	 * "--cap-add=SYS_MODULE" ...), or NULL: the action then shares the common container. */
	const char *ctr_flags;
	const char *ctr_image;  /* an own container from the image tagged so, or NULL */
	int (*run)(struct gen_ctx *g, pid_t *pid, char *why, size_t whylen);
};

extern const struct gen_action gen_actions[];
extern const unsigned gen_nactions;

/* --- util.c --- */
/* Create the private directory and the copy of this program in it. 0 or -errno.
 * gen_cleanup() removes both, and G->dropped. */
int  gen_setup(struct gen_ctx *g);
void gen_cleanup(struct gen_ctx *g);
/* Copy file SRC to DST with MODE.  0 or -errno. */
int  gen_copy(const char *src, const char *dst, mode_t mode);
/* Run this program's copy under the name NAME (a symlink in the private directory) with
 * ARGS (NULL-terminated, after argv[0]) in helper mode HELPER; wait for it.  The helper's
 * first output line is the pid that made the triggering syscall (its own unless it says
 * otherwise); *PID receives it.  0 or -errno. */
int  gen_run_named(struct gen_ctx *g, const char *name, const char *helper,
                   const char *const *args, pid_t *pid);
/* Run PATH with ARGV (argv[0] included) in helper mode HELPER (NULL: none), wait for it;
 * *PID is the child's pid.  0 or -errno (nonzero exit status: -ECHILD). */
int  gen_spawn(const char *path, char *const argv[], const char *helper, pid_t *pid);
/* A TCP listener on 127.0.0.1 with an ephemeral port: fd and *PORT, or -errno. */
int  gen_listen(int *port);
/* The helper modes (argv is the helper's own); returns the exit status. */
int  gen_helper(const char *mode, int argc, char **argv);

#endif
