/* loop.h - the one event loop: epoll over sources, signals and timers, one thread.
 * Each source registers a file descriptor and a callback.  A callback does a bounded amount of
 * work (its own budget: e.g. at most 256 netlink messages) and returns, so no source starves
 * another; if it left work behind it returns LOOP_MORE and is called again before the loop
 * sleeps.  Signals arrive through a signalfd and timers through timerfds, as ordinary sources:
 * nothing runs in a signal handler.  All descriptors are O_NONBLOCK | O_CLOEXEC. */
#ifndef SHIKRA_LOOP_H
#define SHIKRA_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>

struct loop;

enum loop_result {
	LOOP_DONE = 0,      /* nothing more to do until the fd is ready again */
	LOOP_MORE = 1,      /* the budget ran out with work left: call again soon */
};

/* Called when FD is readable (or has an error).  Return LOOP_DONE, LOOP_MORE, or -errno to
 * have the source removed (the loop logs it). */
typedef int loop_fd_fn(int fd, uint32_t events, void *arg);
typedef void loop_signal_fn(int signo, void *arg);
typedef void loop_timer_fn(void *arg);

/* Create a loop.  SIGNALS (NULL-terminated list of signal numbers, may be NULL) are blocked
 * and delivered to FN through a signalfd.  0 or -errno. */
int  loop_new(const int *signals, loop_signal_fn *fn, void *arg, struct loop **out);
void loop_free(struct loop *l);        /* NULL-safe; closes the loop's own fds, not sources' */

/* Watch FD for input.  The loop does not own FD.  0 or -errno. */
int  loop_add_fd(struct loop *l, int fd, loop_fd_fn *fn, void *arg);
void loop_del_fd(struct loop *l, int fd);

/* Call FN every INTERVAL_MS milliseconds.  0 or -errno. */
int  loop_add_timer(struct loop *l, uint32_t interval_ms, loop_timer_fn *fn, void *arg);

/* Run until loop_stop().  Returns 0, or -errno if epoll itself fails. */
int  loop_run(struct loop *l);
void loop_stop(struct loop *l);        /* callable from any callback */

#endif
