/* test_proctab_ctr.c - the process table places processes in containers (state/proctab with
 * a state/ctrtab, over a fake /proc with cgroup files): seeding, lazy reads, events for
 * placed processes (no cgroup read), exec (read again: runc joins the cgroup before it
 * execs), children whose /proc is gone (the parent's placement), fork copies, and no
 * placement at all without a container table. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fakeproc.h"
#include "state/ctrtab.h"
#include "state/proctab.h"

#define S_NS UINT64_C(1000000000)
#define T0   ((uint64_t)(FAKE_BTIME + 1000) * S_NS)
#define CTR_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CTR_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define CG_A "0::/libpod_parent/libpod-" CTR_A "\n"
#define CG_B "0::/libpod_parent/libpod-" CTR_B "\n"
#define CG_HOST "0::/user.slice/user-0.slice/session-1.scope\n"

struct fixture {
	struct fakeproc f;
	struct ctrtab *ct;
	struct proctab *pt;
};

static const char *const none[] = { NULL };

static void
add(struct fixture *fx, int64_t pid, int64_t ppid, const char *comm, const char *cgroup)
{
	fake_add(&fx->f, &(struct fake_pid){ .pid = pid, .ppid = ppid, .comm = comm,
	         .start_ticks = 100 + (uint64_t)pid, .cmdline = comm, .exe = "/bin/true" });
	if (cgroup)
		fake_write(&fx->f, pid, "cgroup", cgroup, strlen(cgroup));
}

static int
setup_with(void **state, bool containers)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct ctrtab_config cc = { .runc_roots = none, .docker_root = "", .podman_root = "",
	                            .api_sockets = none };
	struct proctab_config pc = { 0 };

	fake_init(&fx->f);
	add(fx, 1, 0, "init", "0::/init.scope\n");
	add(fx, 100, 1, "conmon", "0::/libpod_parent/conmon\n");
	add(fx, 101, 100, "sleep", CG_A);
	add(fx, 102, 101, "sh", CG_A);
	add(fx, 200, 1, "bash", CG_HOST);
	cc.proc_root = pc.proc_root = fx->f.root;
	assert_int_equal(ctrtab_new(&cc, &fx->ct), 0);
	if (containers)
		pc.containers = fx->ct;
	assert_int_equal(proctab_new(&pc, &fx->pt), 0);
	assert_int_equal(proctab_seed(fx->pt), 0);
	*state = fx;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, true);
}

static int
setup_without(void **state)
{
	return setup_with(state, false);
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	proctab_free(fx->pt);
	ctrtab_free(fx->ct);
	fake_cleanup(&fx->f);
	free(fx);
	return 0;
}

static struct event *
audit_ev(enum event_type type, int64_t pid, int64_t ppid, const char *comm, uint64_t ts)
{
	struct event *ev = event_new(type, EVS_AUDIT);
	struct proc *p = proc_new(pid);

	ev->pid = pid;
	ev->ts_ns = ts;
	ev->success = 1;
	p->ppid = ppid;
	p->comm = proc_strdup(p, comm);
	p->exe = proc_strdup(p, "/bin/true");
	ev->proc = p;
	return ev;
}

/* The full id of PID's container, "host", or "unknown". */
static const char *
placed(struct fixture *fx, int64_t pid)
{
	static char buf[80];
	struct proc *p = proctab_get(fx->pt, pid, T0);

	if (p == NULL)
		return "(none)";
	snprintf(buf, sizeof(buf), "%s", p->in_container < 0 ? "unknown" :
	         p->in_container == 0 ? "host" : p->container->full_id);
	assert_true((p->in_container == 1) == (p->container != NULL));
	proc_unref(p);
	return buf;
}

static uint64_t
reads(struct fixture *fx)
{
	return ctrtab_stats(fx->ct)->cgroup_reads;
}

static void
test_seeded(void **state)
{
	struct fixture *fx = *state;

	assert_string_equal(placed(fx, 1), "host");
	assert_string_equal(placed(fx, 100), "host");         /* conmon is not the container */
	assert_string_equal(placed(fx, 101), CTR_A);
	assert_string_equal(placed(fx, 102), CTR_A);
	assert_string_equal(placed(fx, 200), "host");
	assert_int_equal(ctrtab_stats(fx->ct)->containers, 1);
}

static void
test_events_do_not_read(void **state)
{
	struct fixture *fx = *state;
	uint64_t before = reads(fx);
	struct event *ev = audit_ev(EVT_openat, 102, 101, "sh", T0);

	proctab_enrich(fx->pt, ev, T0);
	assert_int_equal(ev->proc->in_container, 1);
	assert_string_equal(ev->proc->container->full_id, CTR_A);
	event_free(ev);
	ev = event_new(EVT_open, EVS_FANOTIFY);
	ev->pid = 101;
	ev->ts_ns = T0;
	proctab_enrich(fx->pt, ev, T0);
	assert_int_equal(ev->proc->in_container, 1);
	event_free(ev);
	assert_true(reads(fx) == before);
}

static void
test_exec_reads_again(void **state)
{
	struct fixture *fx = *state;
	uint64_t before = reads(fx);
	struct event *ev;

	/* `podman exec` / runc: a host process joins the container's cgroup, then execs. */
	fake_write(&fx->f, 200, "cgroup", CG_B, strlen(CG_B));
	assert_string_equal(placed(fx, 200), "host");          /* not until it execs */
	ev = audit_ev(EVT_execve, 200, 1, "ps", T0 + S_NS);
	proctab_enrich(fx->pt, ev, T0 + S_NS);
	assert_int_equal(ev->proc->in_container, 1);
	assert_string_equal(ev->proc->container->full_id, CTR_B);
	event_free(ev);
	assert_true(reads(fx) == before + 1);
	assert_string_equal(placed(fx, 200), CTR_B);
	assert_int_equal(ctrtab_stats(fx->ct)->containers, 2);
}

static void
test_exec_of_gone_process(void **state)
{
	struct fixture *fx = *state;
	struct event *ev;

	/* Exited before its exec was seen: the image before the exec tells. */
	fake_remove(&fx->f, 102);
	ev = audit_ev(EVT_execve, 102, 101, "true", T0 + S_NS);
	proctab_enrich(fx->pt, ev, T0 + S_NS);
	assert_int_equal(ev->proc->in_container, 1);
	assert_string_equal(ev->proc->container->full_id, CTR_A);
	event_free(ev);
}

static void
test_child_gone(void **state)
{
	struct fixture *fx = *state;
	struct event *ev;

	/* A child that ran and exited before shikra read /proc: its parent's placement. */
	ev = audit_ev(EVT_execve, 150, 101, "id", T0 + S_NS);
	proctab_enrich(fx->pt, ev, T0 + S_NS);
	assert_int_equal(ev->proc->in_container, 1);
	assert_string_equal(ev->proc->container->full_id, CTR_A);
	event_free(ev);
	ev = audit_ev(EVT_execve, 151, 200, "id", T0 + S_NS);
	proctab_enrich(fx->pt, ev, T0 + S_NS);
	assert_int_equal(ev->proc->in_container, 0);
	assert_null(ev->proc->container);
	event_free(ev);
	/* An orphan with no known parent stays unknown. */
	ev = audit_ev(EVT_execve, 152, 9999, "id", T0 + S_NS);
	proctab_enrich(fx->pt, ev, T0 + S_NS);
	assert_int_equal(ev->proc->in_container, -1);
	event_free(ev);
}

static void
test_lazy_and_fork(void **state)
{
	struct fixture *fx = *state;
	struct event *ev;

	add(fx, 300, 101, "worker", CG_B);
	assert_string_equal(placed(fx, 300), CTR_B);            /* lazy read */
	ev = audit_ev(EVT_clone, 101, 100, "sleep", T0 + S_NS);
	ev->res = 310;
	event_set_arg(ev, "flags", NULL, 0x11);                /* SIGCHLD, no CLONE_THREAD */
	proctab_enrich(fx->pt, ev, T0 + S_NS);
	event_free(ev);
	assert_string_equal(placed(fx, 310), CTR_A);            /* the fork's copy */
}

static void
test_without_table(void **state)
{
	struct fixture *fx = *state;
	struct event *ev;

	assert_string_equal(placed(fx, 101), "unknown");
	assert_string_equal(placed(fx, 1), "unknown");
	ev = audit_ev(EVT_execve, 102, 101, "true", T0 + S_NS);
	proctab_enrich(fx->pt, ev, T0 + S_NS);
	assert_int_equal(ev->proc->in_container, -1);
	event_free(ev);
	assert_int_equal(reads(fx), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seeded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_do_not_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_reads_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_of_gone_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lazy_and_fork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_table, setup_without, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
