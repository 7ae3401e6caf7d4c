/* loop.c - epoll event loop with signalfd and timerfd sources (see loop.h).
 * Owns the epoll fd, the signalfd and the timerfds; never owns the sources' fds.  Every watched
 * thing is a struct loop_item whose address is the epoll data, so dispatch needs no lookup.
 * Removal during dispatch only marks an item; items are freed between rounds, so a callback
 * may remove itself or another source safely. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"

#define LOOP_MAX_EVENTS 64

enum item_kind { ITEM_FD, ITEM_SIGNAL, ITEM_TIMER };

struct loop_item {
	enum item_kind kind;
	int fd;
	bool more;              /* the callback left work behind: call again before sleeping */
	bool dead;              /* removed; freed after the current round */
	union {
		loop_fd_fn *fd_fn;
		loop_timer_fn *timer_fn;
	};
	void *arg;
	struct loop_item *next;
};

struct loop {
	int epfd;
	bool stop;
	bool have_signals;      /* the mask below is ours to restore */
	sigset_t sigmask;
	sigset_t oldmask;
	loop_signal_fn *sig_fn;
	void *sig_arg;
	struct loop_item *items;
};

static int
loop_watch(struct loop *l, enum item_kind kind, int fd, struct loop_item **out)
{
	struct loop_item *it = calloc(1, sizeof(*it));
	struct epoll_event ev = { .events = EPOLLIN };

	if (it == NULL)
		return -ENOMEM;
	it->kind = kind;
	it->fd = fd;
	ev.data.ptr = it;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;
		free(it);
		return -err;
	}
	it->next = l->items;
	l->items = it;
	*out = it;
	return 0;
}

int
loop_new(const int *signals, loop_signal_fn *fn, void *arg, struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));
	struct loop_item *it;
	int rc = 0, sfd;

	if (l == NULL)
		return -ENOMEM;
	sigemptyset(&l->sigmask);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		rc = -errno;
		goto fail;
	}
	for (size_t i = 0; signals && signals[i]; i++)
		sigaddset(&l->sigmask, signals[i]);
	if (signals && signals[0]) {
		/* Blocked signals queue up for the signalfd instead of running handlers. */
		sigprocmask(SIG_BLOCK, &l->sigmask, &l->oldmask);
		l->have_signals = true;
		sfd = signalfd(-1, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
		if (sfd < 0) {
			rc = -errno;
			goto fail;
		}
		if ((rc = loop_watch(l, ITEM_SIGNAL, sfd, &it)) < 0) {
			close(sfd);
			goto fail;
		}
		l->sig_fn = fn;
		l->sig_arg = arg;
	}
	*out = l;
	return 0;
fail:
	loop_free(l);
	return rc;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	while (l->items) {
		struct loop_item *next = l->items->next;
		if (l->items->kind != ITEM_FD)
			close(l->items->fd);	/* the loop's own signalfd and timerfds */
		free(l->items);
		l->items = next;
	}
	if (l->have_signals)
		sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}

int
loop_add_fd(struct loop *l, int fd, loop_fd_fn *fn, void *arg)
{
	struct loop_item *it;
	int rc = loop_watch(l, ITEM_FD, fd, &it);

	if (rc == 0) {
		it->fd_fn = fn;
		it->arg = arg;
		it->more = true;	/* data may already be waiting: look once before sleeping */
	}
	return rc;
}

void
loop_del_fd(struct loop *l, int fd)
{
	for (struct loop_item *it = l->items; it; it = it->next) {
		if (it->kind == ITEM_FD && it->fd == fd && !it->dead) {
			epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
			it->dead = true;
		}
	}
}

int
loop_add_timer(struct loop *l, uint32_t interval_ms, loop_timer_fn *fn, void *arg)
{
	struct itimerspec ts = {
		.it_interval = { interval_ms / 1000, (long)(interval_ms % 1000) * 1000000 },
	};
	struct loop_item *it;
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	int rc;

	if (tfd < 0)
		return -errno;
	ts.it_value = ts.it_interval;
	if (interval_ms == 0 || timerfd_settime(tfd, 0, &ts, NULL) < 0) {
		rc = interval_ms == 0 ? -EINVAL : -errno;
		close(tfd);
		return rc;
	}
	if ((rc = loop_watch(l, ITEM_TIMER, tfd, &it)) < 0) {
		close(tfd);
		return rc;
	}
	it->timer_fn = fn;
	it->arg = arg;
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = true;
}

static void
loop_signals(struct loop *l, struct loop_item *it)
{
	struct signalfd_siginfo si;

	while (read(it->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (l->sig_fn)
			l->sig_fn((int)si.ssi_signo, l->sig_arg);
}

static void
loop_call_fd(struct loop *l, struct loop_item *it, uint32_t events)
{
	int rc = it->fd_fn(it->fd, events, it->arg);

	it->more = rc == LOOP_MORE;
	if (rc < 0) {
		log_warnx("event source on fd %d failed (%s); it is no longer watched", it->fd,
		    strerror(-rc));
		loop_del_fd(l, it->fd);
	}
}

static void
loop_dispatch(struct loop *l, struct loop_item *it, uint32_t events)
{
	uint64_t ticks;

	if (it->dead)
		return;
	switch (it->kind) {
	case ITEM_SIGNAL:
		loop_signals(l, it);
		break;
	case ITEM_TIMER:
		if (read(it->fd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
			it->timer_fn(it->arg);
		break;
	case ITEM_FD:
		loop_call_fd(l, it, events);
		break;
	}
}

/* Free removed items and say whether any live source still has work left. */
static bool
loop_sweep(struct loop *l)
{
	struct loop_item **pp = &l->items;
	bool more = false;

	while (*pp) {
		struct loop_item *it = *pp;
		if (it->dead) {
			*pp = it->next;
			free(it);
			continue;
		}
		more = more || it->more;
		pp = &it->next;
	}
	return more;
}

int
loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];

	l->stop = false;
	while (!l->stop) {
		/* Sources with work left are served again, but epoll is still polled first
		 * (timeout 0) so that signals and other sources get their turn. */
		int n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS, loop_sweep(l) ? 0 : -1);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n && !l->stop; i++) {
			struct loop_item *it = evs[i].data.ptr;
			it->more = false;
			loop_dispatch(l, it, evs[i].events);
		}
		for (struct loop_item *it = l->items; it && !l->stop; it = it->next)
			if (it->more && !it->dead && it->kind == ITEM_FD)
				loop_call_fd(l, it, EPOLLIN);
	}
	loop_sweep(l);
	return 0;
}
