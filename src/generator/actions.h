/* actions.h - the actions (actions_exec.c, actions_file.c, actions_sys.c); see gen.h for
 * their contract. */
#ifndef SHIKRA_GEN_ACTIONS_H
#define SHIKRA_GEN_ACTIONS_H

#include <stddef.h>
#include <sys/types.h>

struct gen_ctx;

#define GEN_ACTION(fn) int fn(struct gen_ctx *g, pid_t *pid, char *why, size_t wl);
GEN_ACTION(act_terminal_shell)
GEN_ACTION(act_shell_from_server)
GEN_ACTION(act_system_user_login)
GEN_ACTION(act_read_shadow)
GEN_ACTION(act_late_read_shadow)
GEN_ACTION(act_traversal_read)
GEN_ACTION(act_clear_log)
GEN_ACTION(act_symlink_sensitive)
GEN_ACTION(act_hardlink_sensitive)
GEN_ACTION(act_netcat_exec)
GEN_ACTION(act_search_private_keys)
GEN_ACTION(act_find_aws_credentials)
GEN_ACTION(act_remove_bulk_data)
GEN_ACTION(act_packet_socket)
GEN_ACTION(act_redirect_stdio)
GEN_ACTION(act_kernel_module)
GEN_ACTION(act_debugfs)
GEN_ACTION(act_release_agent)
GEN_ACTION(act_ptrace_attach)
GEN_ACTION(act_ptrace_traceme)
GEN_ACTION(act_exec_dev_shm)
GEN_ACTION(act_drop_and_exec)
GEN_ACTION(act_memfd_exec)
GEN_ACTION(act_ssh_port)
GEN_ACTION(act_k8s_api)
GEN_ACTION(act_single_program)
GEN_ACTION(act_write_system_dir)
GEN_ACTION(act_sensitive_mount)
GEN_ACTION(act_write_bin_dir)
GEN_ACTION(act_write_etc)
GEN_ACTION(act_write_root)
GEN_ACTION(act_create_dev)
GEN_ACTION(act_modify_bin_dir)
GEN_ACTION(act_change_namespace)
GEN_ACTION(act_mount_in_container)
GEN_ACTION(act_container_client)
GEN_ACTION(act_db_spawn)
GEN_ACTION(act_reverse_shell)
GEN_ACTION(act_open_by_handle)
GEN_ACTION(act_bpf_prog_load)
GEN_ACTION(act_shikra_config)
GEN_ACTION(act_auditctl)
#undef GEN_ACTION

#endif
