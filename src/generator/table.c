/* table.c - every action: its name, the default rule it should make fire, where it applies,
 * and what an own container needs.  Order is the order of `list` and `run`.
 *
 * Own containers hold what the real attack needs, no more.  kernel_module, open_by_handle and
 * bpf_prog_load get the one capability their attack needs (CAP_SYS_MODULE,
 * CAP_DAC_READ_SEARCH, CAP_SYS_ADMIN): under the runtime's default seccomp profile
 * init_module/finit_module, open_by_handle_at and bpf are refused (EPERM) before audit sees
 * them unless the container holds that capability, and without it the attack cannot succeed
 * either, so an alert there would prove nothing.  (podman's profile admits them with the
 * capability; --security-opt seccomp=unconfined alone would let the calls through to fail
 * with EPERM.)  debugfs and release_agent need a privileged container, sensitive_mount its
 * host mount, single_program its image's name. */
#include "config.h"

#include "generator/gen.h"
#include "generator/actions.h"

#define A(n, r, w, f) { .name = n, .rule = r, .where = w, .run = f }
#define C(n, r, flags, image, f) \
	{ .name = n, .rule = r, .where = GEN_CONTAINER, .ctr_flags = flags, .ctr_image = image, \
	  .run = f }
/* An action that runs on the host as it is, and in a container of its own with FLAGS. */
#define B(n, r, flags, f) \
	{ .name = n, .rule = r, .where = GEN_BOTH, .ctr_flags = flags, .run = f }

const struct gen_action gen_actions[] = {
	A("terminal_shell", "Terminal shell in container", GEN_CONTAINER, act_terminal_shell),
	A("shell_from_server", "Run shell untrusted", GEN_BOTH, act_shell_from_server),
	A("system_user_login", "System user interactive", GEN_BOTH, act_system_user_login),
	A("read_shadow", "Read sensitive file untrusted", GEN_BOTH, act_read_shadow),
	A("late_read_shadow", "Read sensitive file trusted after startup", GEN_HOST,
	  act_late_read_shadow),
	A("traversal_read", "Directory traversal monitored file read", GEN_HOST,
	  act_traversal_read),
	A("clear_log", "Clear Log Activities", GEN_HOST, act_clear_log),
	A("symlink_sensitive", "Create Symlink Over Sensitive Files", GEN_BOTH,
	  act_symlink_sensitive),
	A("hardlink_sensitive", "Create Hardlink Over Sensitive Files", GEN_BOTH,
	  act_hardlink_sensitive),
	A("netcat_exec", "Netcat Remote Code Execution in Container", GEN_CONTAINER,
	  act_netcat_exec),
	A("search_private_keys", "Search Private Keys or Passwords", GEN_BOTH,
	  act_search_private_keys),
	A("find_aws_credentials", "Find AWS Credentials", GEN_BOTH, act_find_aws_credentials),
	A("remove_bulk_data", "Remove Bulk Data from Disk", GEN_BOTH, act_remove_bulk_data),
	A("packet_socket", "Packet socket created in container", GEN_CONTAINER,
	  act_packet_socket),
	A("redirect_stdio", "Redirect STDOUT/STDIN to Network Connection in Container",
	  GEN_CONTAINER, act_redirect_stdio),
	B("kernel_module", "Linux Kernel Module Injection Detected", "--cap-add=SYS_MODULE",
	  act_kernel_module),
	C("debugfs", "Debugfs Launched in Privileged Container", "--privileged", NULL,
	  act_debugfs),
	C("release_agent", "Detect release_agent File Container Escapes", "--privileged", NULL,
	  act_release_agent),
	A("ptrace_attach", "PTRACE attached to process", GEN_BOTH, act_ptrace_attach),
	A("ptrace_traceme", "PTRACE anti-debug attempt", GEN_BOTH, act_ptrace_traceme),
	A("exec_dev_shm", "Execution from /dev/shm", GEN_HOST, act_exec_dev_shm),
	A("drop_and_exec", "Drop and execute new binary in container", GEN_CONTAINER,
	  act_drop_and_exec),
	A("memfd_exec", "Fileless execution via memfd_create", GEN_BOTH, act_memfd_exec),
	A("ssh_port", "Disallowed SSH Connection Non Standard Port", GEN_BOTH, act_ssh_port),
	A("k8s_api", "Contact K8S API Server From Container", GEN_CONTAINER, act_k8s_api),
	C("single_program", "Unexpected process in single-program container", NULL,
	  "localhost/nginx:shikra-test", act_single_program),
	A("write_system_dir", "Write to non-user-data directory in container", GEN_CONTAINER,
	  act_write_system_dir),
	C("sensitive_mount", "Launch Sensitive Mount Container", "--volume=/proc:/host/proc:ro",
	  NULL, act_sensitive_mount),
	A("write_bin_dir", "Write below binary dir", GEN_HOST, act_write_bin_dir),
	A("write_etc", "Write below etc", GEN_HOST, act_write_etc),
	A("write_root", "Write below root", GEN_HOST, act_write_root),
	A("create_dev", "Create files below dev", GEN_HOST, act_create_dev),
	A("modify_bin_dir", "Modify binary dirs", GEN_HOST, act_modify_bin_dir),
	A("change_namespace", "Change thread namespace", GEN_BOTH, act_change_namespace),
	A("mount_in_container", "Mount inside container", GEN_CONTAINER, act_mount_in_container),
	A("container_client", "Container management client executed in container",
	  GEN_CONTAINER, act_container_client),
	A("db_spawn", "DB program spawned process", GEN_BOTH, act_db_spawn),
	A("reverse_shell", "Reverse shell through /dev/tcp", GEN_HOST, act_reverse_shell),
	C("open_by_handle", "Container escape via open_by_handle_at", "--cap-add=DAC_READ_SEARCH",
	  NULL, act_open_by_handle),
	B("bpf_prog_load", "Load BPF program", "--cap-add=SYS_ADMIN", act_bpf_prog_load),
	A("shikra_config", "Shikra configuration or binary modified", GEN_HOST,
	  act_shikra_config),
	A("auditctl", "Audit configuration changed by another process", GEN_HOST, act_auditctl),
};

const unsigned gen_nactions = sizeof(gen_actions) / sizeof(gen_actions[0]);
_Static_assert(sizeof(gen_actions) / sizeof(gen_actions[0]) == 42, "one action per rule");
