/* filter_test.h - what the two halves of the filter tests share: the events, the
 * environment of lists and macros, and the list of tests in test_filter_errors.c. */
#ifndef SHIKRA_FILTER_TEST_H
#define SHIKRA_FILTER_TEST_H

#include "core/sbuf.h"
#include "rules/filter.h"

enum test_event {
	EV_EXEC,        /* bash -c "echo hi", pid 1234, parent sshd, grandparent systemd */
	EV_OPEN,        /* cat opens /etc/shadow O_RDONLY, fd 3 */
	EV_CONNECT,     /* curl 10.1.2.3:40000 -> 192.168.1.10:443 */
	EV_CONNECT6,    /* curl -> [2001:db8::1]:443 */
	EV_MAPPED,      /* curl -> [::ffff:127.0.0.1]:443 */
	EV_FAN_OPEN,    /* fanotify open of /tmp/x by vi */
	EV_NOPROC,      /* an openat with no process attached */
	EV_CHDIR,       /* a syscall we do not model: EVT_syscall named "chdir" */
};

struct event *test_event(enum test_event k);

/* Lists shell_binaries, shell_plus, ports, nets, empty_list, colors; macros spawned_shell,
 * shell_from_sshd, uses_colors1/2, m_x, never (see test_env_setup()). */
extern struct filter_env *test_env;

void test_evttypes(void **state);
void test_folded_fields(void **state);
void test_paths(void **state);
void test_syntax_errors(void **state);
void test_type_errors(void **state);
void test_definition_errors(void **state);
void test_positions(void **state);
void test_skip_unknown(void **state);
void test_limits(void **state);
void test_ruleset_budget(void **state);

#define TEST_FILTER_MORE_TESTS \
	cmocka_unit_test(test_evttypes), \
	cmocka_unit_test(test_folded_fields), \
	cmocka_unit_test(test_paths), \
	cmocka_unit_test(test_syntax_errors), \
	cmocka_unit_test(test_type_errors), \
	cmocka_unit_test(test_definition_errors), \
	cmocka_unit_test(test_positions), \
	cmocka_unit_test(test_skip_unknown), \
	cmocka_unit_test(test_limits), \
	cmocka_unit_test(test_ruleset_budget),

#endif
