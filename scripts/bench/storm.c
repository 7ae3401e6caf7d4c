/* storm.c - the live benchmark's workload: one storm of a fixed number of operations.
 * Usage:
 *   bench_storm [-r RATE] exec COUNT PROGRAM   fork + execve PROGRAM (argv[0] its name), wait
 *   bench_storm [-r RATE] open COUNT FILE...   open O_RDONLY, read 4 KiB, close, cycling FILEs
 *   bench_storm [-r RATE] connect COUNT PORT   TCP connect to a listener on 127.0.0.1:PORT
 *                                              (a child of this program), then close
 * -r RATE paces the storm to at most RATE operations per second (default: flat out).
 * Prints one line: "storm=NAME count=N seconds=S ops_per_s=R".  Only the storm loop is timed:
 * the listener and the files are set up before the clock starts.  Exits 1 when an operation
 * fails, so that a broken storm is never reported as a fast one. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Pacing: operation I may not start before T0 + I / RATE. */
static double pace_rate, pace_t0;

static void
pace(long i)
{
	double due, now;

	if (pace_rate <= 0)
		return;
	due = pace_t0 + (double)i / pace_rate;
	if ((now = now_s()) < due) {
		struct timespec ts = { .tv_sec = (time_t)(due - now),
		                       .tv_nsec = (long)((due - now - (double)(time_t)(due - now)) *
		                                         1e9) };
		nanosleep(&ts, NULL);
	}
}

static int
storm_exec(long count, const char *program)
{
	const char *name = strrchr(program, '/') ? strrchr(program, '/') + 1 : program;
	char *const args[] = { (char *)name, NULL };
	char *const env[] = { NULL };

	for (long i = 0; i < count; i++) {
		int status;
		pid_t pid;

		pace(i);
		pid = fork();

		if (pid < 0)
			return -errno;
		if (pid == 0) {
			execve(program, args, env);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench_storm: %s failed\n", program);
			return -ECHILD;
		}
	}
	return 0;
}

static int
storm_open(long count, char **files, int nfiles)
{
	char buf[4096];

	for (long i = 0; i < count; i++) {
		int fd;

		pace(i);
		fd = open(files[i % nfiles], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "bench_storm: %s: %s\n", files[i % nfiles], strerror(errno));
			return -errno;
		}
		if (read(fd, buf, sizeof(buf)) < 0) {
			close(fd);
			return -errno;
		}
		close(fd);
	}
	return 0;
}

/* The listener: accept and close until killed. */
static void
listener(int lfd)
{
	for (;;) {
		int c = accept(lfd, NULL, NULL);

		if (c >= 0)
			close(c);
		else if (errno != EINTR && errno != ECONNABORTED)
			_exit(1);
	}
}

static int
listen_on(int port, struct sockaddr_in *sa)
{
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*sa = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)sa, sizeof(*sa)) < 0 || listen(lfd, 4096) < 0) {
		fprintf(stderr, "bench_storm: listen on port %d: %s\n", port, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	return lfd;
}

static int
storm_connect(long count, int port)
{
	struct sockaddr_in sa;
	/* Reset on close: no TIME_WAIT, so repeated runs never run out of local ports. */
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int rc = 0, lfd = listen_on(port, &sa);
	pid_t child;

	if (lfd < 0)
		return -EADDRINUSE;
	if ((child = fork()) < 0)
		return -errno;
	if (child == 0)
		listener(lfd);
	close(lfd);
	for (long i = 0; i < count && rc == 0; i++) {
		int fd;

		pace(i);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			rc = -errno;
			fprintf(stderr, "bench_storm: connect: %s\n", strerror(errno));
		}
		if (fd >= 0) {
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(fd);
		}
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return rc;
}

int
main(int argc, char **argv)
{
	char *end;
	long count;
	double t0, t;
	int rc;

	if (argc > 2 && strcmp(argv[1], "-r") == 0) {
		pace_rate = strtod(argv[2], &end);
		if (*end != '\0' || pace_rate <= 0) {
			fprintf(stderr, "bench_storm: bad rate %s\n", argv[2]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 4 || (count = strtol(argv[2], &end, 10)) <= 0 || *end != '\0') {
		fprintf(stderr, "usage: bench_storm [-r RATE] exec|open|connect COUNT ARG...\n");
		return 2;
	}
	t0 = pace_t0 = now_s();
	if (strcmp(argv[1], "exec") == 0 && argc == 4)
		rc = storm_exec(count, argv[3]);
	else if (strcmp(argv[1], "open") == 0)
		rc = storm_open(count, argv + 3, argc - 3);
	else if (strcmp(argv[1], "connect") == 0 && argc == 4)
		rc = storm_connect(count, atoi(argv[3]));
	else
		rc = -EINVAL;
	t = now_s() - t0;
	if (rc < 0) {
		fprintf(stderr, "bench_storm: %s storm failed\n", argv[1]);
		return 1;
	}
	printf("storm=%s count=%ld seconds=%.4f ops_per_s=%.0f\n", argv[1], count, t,
	    (double)count / t);
	return 0;
}
