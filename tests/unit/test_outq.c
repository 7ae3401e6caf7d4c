/* test_outq.c - unit tests for the output queues, their writer threads and the HTTP sink,
 * with real threads, real pipes, real programs and a real HTTP server (a thread listening on
 * 127.0.0.1, port chosen by the kernel).
 * Covered: a sink that never reads (intake stays fast, drops are counted per sink, one
 * "Alerts dropped" report per interval with the counts, the other sinks get everything,
 * shutdown is bounded); the capacity and the internal reserve, exactly; blocking mode
 * (replay) delivering every alert in order through a slow program; HTTP POST bodies and
 * headers byte for byte (JSON and text, keep_alive both ways), an error status counted, an
 * endpoint that never answers (timeout, counted, no stall, bounded shutdown); hostile event
 * data through the program sink arriving as data, never reaching a shell. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/sbuf.h"
#include "output/outq.h"
#include "output/output.h"
#include "rules/ruleset.h"
#include "testutil.h"

#define TS UINT64_C(1767323045123456789)

static const char rule_yaml[] =
	"- rule: Shell spawned\n"
	"  desc: a shell\n"
	"  condition: evt.type = execve\n"
	"  output: Shell spawned (cmd=%proc.cmdline pid=%proc.pid name=%proc.name)\n"
	"  priority: WARNING\n"
	"  tags: [shell]\n";

struct fixture {
	char dir[64];
	char path[128];             /* DIR/alerts */
	struct ruleset *rs;
	const struct rule *rule;
	struct arena scratch;
};

/* ---- helpers ---------------------------------------------------------------------------- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct diags d = DIAGS_INIT;
	char rules[128];
	FILE *fp;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "%s/shikra-outq-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/alerts", f->dir);
	snprintf(rules, sizeof(rules), "%s/rules.yaml", f->dir);
	assert_non_null(fp = fopen(rules, "w"));
	fputs(rule_yaml, fp);
	assert_int_equal(fclose(fp), 0);
	const char *paths[] = { rules };
	assert_int_equal(ruleset_load(paths, 1, NULL, &f->rs, &d), 0);
	assert_int_equal(d.nerrors, 0);
	diags_free(&d);
	unlink(rules);
	f->rule = ruleset_rule(f->rs, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	ruleset_free(f->rs);
	arena_free(&f->scratch);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Emit the fixture's alert for a process COMM running "COMM -c ARG" with PID. */
static void
alert(struct fixture *f, struct outputs *o, const char *comm, const char *arg, int pid)
{
	const char *argv[] = { comm, "-c", arg };
	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	struct proc *p = proc_new(pid);

	p->comm = proc_strdup(p, comm);
	proc_set_argv(p, argv, 3);
	ev->proc = p;
	ev->pid = ev->tid = pid;
	ev->ts_ns = TS;
	ev->success = 1;
	outputs_alert(o, f->rule, ev, &f->scratch);
	arena_reset(&f->scratch);
	event_free(ev);
}

static struct output_stats
stats(struct outputs *o, const char *sink)
{
	struct output_stats st;

	outputs_stats(o, sink, &st);
	return st;
}

/* ---- a sink that never reads -------------------------------------------------------------- */

/* Sum of "dropped" over the "Alerts dropped" JSON lines in TEXT; *REPORTS counts them. */
static uint64_t
reported_drops(const char *text, int *reports)
{
	uint64_t sum = 0;

	*reports = 0;
	for (const char *p = text, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		json_t *j = json_loadb(p, (size_t)(nl - p), 0, NULL);
		assert_non_null(j);
		if (strcmp(json_string_value(json_object_get(j, "rule")), "Alerts dropped") == 0) {
			json_t *fl = json_object_get(j, "output_fields");
			assert_string_equal(json_string_value(json_object_get(j, "source")),
			                    "internal");
			assert_string_equal(json_string_value(json_object_get(j, "priority")),
			                    "Critical");
			assert_int_equal(json_integer_value(json_object_get(fl, "dropped")),
			                 json_integer_value(json_object_get(fl, "dropped_program")));
			sum += (uint64_t)json_integer_value(json_object_get(fl, "dropped"));
			(*reports)++;
		}
		json_decref(j);
	}
	return sum;
}

/* The file sink's queue is empty, or DEADLINE_S seconds have passed. */
static void
wait_file_drained(struct outputs *o, double deadline_s)
{
	double end = now_s() + deadline_s;

	while (stats(o, "file").queued > 0 && now_s() < end)
		usleep(1000);
}

/* A program that never reads: the pipe fills, then the queue (2000), then alerts are dropped
 * for that sink only.  outputs_alert() never waits for the program (all 6000 calls together
 * take far less than the 30 s the program sleeps); the file sink, fed in batches smaller than
 * its queue and drained between batches (so no scheduling delay can fill it), gets every
 * alert and the drop reports; shutdown gives up on the program within its bound. */
static void
test_slow_program_never_blocks(void **state)
{
	struct fixture *f = *state;
	struct output_config cfg = {
		.json_output = true, .hostname = "testhost",
		.file_enabled = true, .file_name = f->path, .file_keep_alive = true,
		.program_enabled = true, .program = "exec sleep 30", .program_keep_alive = true,
		.queue_capacity = 2000, .flush_timeout_ms = 300, .drop_report_ms = 300,
	};
	struct outputs *o = NULL;
	double in_calls = 0;
	int n = 6000, batch = 1000, reports;

	assert_int_equal(outputs_new(&cfg, &o), 0);
	for (int i = 0; i < n; i++) {
		double t = now_s();
		alert(f, o, "bash", "echo hi", 1000 + i);
		in_calls += now_s() - t;
		assert_true(stats(o, "program").queued <= 2000 + OUTQ_RESERVE);
		if ((i + 1) % batch == 0)
			wait_file_drained(o, 20.0);
	}
	/* Waiting for the program even once would cost the rest of its 30 s sleep. */
	if (in_calls > 15.0)
		fail_msg("intake waited for the program: %d calls took %.3f s", n, in_calls);
	struct output_stats prog = stats(o, "program");
	assert_true(prog.dropped > 0);
	assert_int_equal(prog.queued, 2000 + 1);	/* full, plus the report in the reserve */
	/* The first drop is reported at once; more drops within the interval are not. */
	assert_int_equal(stats(o, NULL).drop_reports, 1);
	alert(f, o, "bash", "echo hi", 1);
	assert_int_equal(stats(o, NULL).drop_reports, 1);
	outputs_tick(o);
	assert_int_equal(stats(o, NULL).drop_reports, 1);
	usleep(350000);
	outputs_tick(o);
	assert_int_equal(stats(o, NULL).drop_reports, 2);
	outputs_tick(o);	/* nothing new dropped: no report */
	assert_int_equal(stats(o, NULL).drop_reports, 2);
	prog = stats(o, "program");
	assert_int_equal(stats(o, "file").dropped, 0);
	/* The program's queue cannot drain: its pipe is full and nobody reads it. */
	assert_int_equal(outputs_flush(o, 50), -ETIMEDOUT);
	/* Shutdown: the file drains, the program's queue is given up after 300 ms (its writer
	 * waits in poll() on a full pipe, and then for a program that will not exit). */
	double t0 = now_s();
	outputs_free(o);
	print_message("shutdown with a stalled program: %.3f s\n", now_s() - t0);
	/* A shutdown that waited for the program would take the rest of its 30 s. */
	if (now_s() - t0 > 10.0)
		fail_msg("shutdown took %.2f s", now_s() - t0);

	char *text = slurp_file(f->path);
	assert_non_null(text);
	/* Every alert, plus the two reports. */
	assert_int_equal(count_lines(text), (size_t)n + 1 + 2);
	assert_int_equal(reported_drops(text, &reports), prog.dropped);
	assert_int_equal(reports, 2);
	free(text);
}

/* The capacity, exactly: with the writer busy on one alert (an HTTP endpoint that never
 * answers), 4 more fit and the rest are dropped; internal alerts have 16 more slots, and
 * their own drops never cause a report. */
static int listen_socket(int *port);

static void
test_capacity_exact(void **state)
{
	struct fixture *f = *state;
	char url[64];
	int port, lfd = listen_socket(&port);
	struct output_config cfg = {
		.hostname = "testhost", .http_enabled = true, .http_url = url,
		.http_timeout_ms = 5000, .queue_capacity = 4, .flush_timeout_ms = 100,
	};
	struct outputs *o = NULL;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert(f, o, "bash", "x", 1);
	for (int i = 0; i < 500 && stats(o, "http").queued > 0; i++)
		usleep(10000);
	assert_int_equal(stats(o, "http").queued, 0);	/* the writer holds it */
	for (int i = 0; i < 10; i++)
		alert(f, o, "bash", "x", 2 + i);
	assert_int_equal(stats(o, "http").dropped, 6);
	assert_int_equal(stats(o, NULL).drop_reports, 1);
	/* The report took a reserve slot; 15 internal alerts more fit, then they drop. */
	assert_int_equal(stats(o, "http").queued, 5);
	for (int i = 0; i < 20; i++)
		outputs_internal(o, PRIO_INFORMATIONAL, "test", "internal", NULL, TS);
	assert_int_equal(stats(o, "http").queued, 4 + 16);
	assert_int_equal(stats(o, "http").dropped, 6 + 5);
	outputs_tick(o);
	assert_int_equal(stats(o, NULL).drop_reports, 1);
	double t0 = now_s();
	outputs_free(o);	/* the transfer in progress is aborted by the stop fd */
	print_message("shutdown during a transfer: %.3f s\n", now_s() - t0);
	if (now_s() - t0 > 4.0)	/* waiting out the transfer would take its 5 s timeout */
		fail_msg("shutdown took %.2f s", now_s() - t0);
	close(lfd);
}

/* Blocking mode (replay): a program that starts reading late and a queue of 4; every one
 * of 3000 alerts arrives, in order, and nothing is dropped. */
static void
test_block_delivers_all(void **state)
{
	struct fixture *f = *state;
	char cmd[256];
	struct output_config cfg = {
		.hostname = "testhost", .program_enabled = true, .program = cmd,
		.program_keep_alive = true, .queue_capacity = 4, .queue_block = true,
		.flush_timeout_ms = -1,
	};
	struct outputs *o = NULL;
	int n = 3000;

	snprintf(cmd, sizeof(cmd), "sleep 0.3; exec cat > '%s'", f->path);
	assert_int_equal(outputs_new(&cfg, &o), 0);
	for (int i = 0; i < n; i++)
		alert(f, o, "bash", "x", 100000 + i);
	assert_int_equal(stats(o, NULL).dropped, 0);
	outputs_free(o);
	char *text = slurp_file(f->path), *p = text;
	assert_non_null(text);
	assert_int_equal(count_lines(text), (size_t)n);
	for (int i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "pid=%d ", 100000 + i);
		assert_non_null(p = strstr(p, want));
	}
	free(text);
}

/* ---- HTTP ------------------------------------------------------------------------------- */

static int
listen_socket(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

#define SERVER_MAX_REQ 8

/* A minimal HTTP/1.1 server: one connection at a time, every request kept whole. */
struct server {
	int lfd, port, status;
	pthread_t thread;
	pthread_mutex_t mu;
	char *req[SERVER_MAX_REQ];
	int nreq, nconn;
};

/* Read one request from FD into B: headers, then Content-Length bytes.  0 at EOF. */
static int
server_read(int fd, struct sbuf *b)
{
	char buf[4096];
	const char *end, *cl;
	size_t want = SIZE_MAX;

	while (b->len < want) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return 0;
		sbuf_add(b, buf, (size_t)n);
		end = strstr(sbuf_str(b), "\r\n\r\n");
		if (end != NULL && want == SIZE_MAX) {
			cl = strcasestr(sbuf_str(b), "\r\nContent-Length: ");
			want = (size_t)(end + 4 - b->buf) + (cl ? strtoul(cl + 18, NULL, 10) : 0);
		}
	}
	return 1;
}

static void *
server_main(void *arg)
{
	struct server *sv = arg;
	struct timeval tv = { .tv_sec = 10 };
	int fd;

	while ((fd = accept(sv->lfd, NULL, NULL)) >= 0) {
		struct sbuf b = SBUF_INIT;
		char resp[128];
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		pthread_mutex_lock(&sv->mu);
		sv->nconn++;
		pthread_mutex_unlock(&sv->mu);
		while (server_read(fd, &b)) {
			pthread_mutex_lock(&sv->mu);
			if (sv->nreq < SERVER_MAX_REQ)
				sv->req[sv->nreq++] = strdup(sbuf_str(&b));
			pthread_mutex_unlock(&sv->mu);
			sbuf_reset(&b);
			int len = snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\n"
			                   "Content-Length: 2\r\n\r\nok", sv->status);
			if (write(fd, resp, (size_t)len) != len)
				break;
		}
		sbuf_free(&b);
		close(fd);
	}
	return NULL;
}

static void
server_start(struct server *sv, int status)
{
	*sv = (struct server){ .status = status };
	sv->lfd = listen_socket(&sv->port);
	pthread_mutex_init(&sv->mu, NULL);
	assert_int_equal(pthread_create(&sv->thread, NULL, server_main, sv), 0);
}

static void
server_stop(struct server *sv)
{
	shutdown(sv->lfd, SHUT_RDWR);	/* wakes accept() */
	pthread_join(sv->thread, NULL);
	close(sv->lfd);
	pthread_mutex_destroy(&sv->mu);
}

static void
server_free(struct server *sv)
{
	for (int i = 0; i < sv->nreq; i++)
		free(sv->req[i]);
}

/* Alerts to a file and to the server; each POST body must be the file's line exactly. */
static void
http_round(struct fixture *f, bool json, bool keep_alive)
{
	struct server sv;
	char url[64];
	struct outputs *o = NULL;

	server_start(&sv, 200);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/alerts", sv.port);
	struct output_config cfg = {
		.json_output = json, .json_include_output_property = true, .hostname = "testhost",
		.file_enabled = true, .file_name = f->path, .file_keep_alive = true,
		.http_enabled = true, .http_url = url, .http_keep_alive = keep_alive,
		.http_user_agent = keep_alive ? NULL : "agent/7",
	};
	assert_int_equal(outputs_new(&cfg, &o), 0);
	for (int i = 0; i < 3; i++)
		alert(f, o, "bash", "echo \"hi\"", 10 + i);
	outputs_free(o);
	server_stop(&sv);

	char *text = slurp_file(f->path), *line = text;
	assert_int_equal(sv.nreq, 3);
	assert_int_equal(sv.nconn, keep_alive ? 1 : 3);
	for (int i = 0; i < 3; i++) {
		char *nl = strchr(line, '\n'), *body = strstr(sv.req[i], "\r\n\r\n") + 4;
		char hdr[64];
		*nl = '\0';
		assert_string_equal(body, line);
		assert_int_equal(strncmp(sv.req[i], "POST /alerts HTTP/1.1\r\n", 23), 0);
		assert_non_null(strstr(sv.req[i], json ? "\r\nContent-Type: application/json\r\n" :
		                       "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
		snprintf(hdr, sizeof(hdr), "\r\nUser-Agent: %s\r\n",
		         keep_alive ? "shikra/" PACKAGE_VERSION : "agent/7");
		assert_non_null(strstr(sv.req[i], hdr));
		snprintf(hdr, sizeof(hdr), "\r\nContent-Length: %zu\r\n", strlen(line));
		assert_non_null(strcasestr(sv.req[i], hdr));
		line = nl + 1;
	}
	if (json) {
		json_t *j = json_loads(strstr(sv.req[2], "\r\n\r\n") + 4, 0, NULL);
		assert_string_equal(json_string_value(json_object_get(json_object_get(j,
		    "output_fields"), "proc.cmdline")), "bash -c echo \"hi\"");
		assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
		    "output_fields"), "proc.pid")), 12);
		json_decref(j);
	}
	server_free(&sv);
	free(text);
	unlink(f->path);
}

static void
test_http_json_keep_alive(void **state)
{
	http_round(*state, true, true);
}

static void
test_http_text_per_connection(void **state)
{
	http_round(*state, false, false);
}

/* An answer outside 2xx is a failed delivery, counted. */
static void
test_http_error_status(void **state)
{
	struct fixture *f = *state;
	struct server sv;
	char url[64];
	struct outputs *o = NULL;

	server_start(&sv, 500);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", sv.port);
	struct output_config cfg = { .http_enabled = true, .http_url = url };
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert(f, o, "bash", "x", 1);
	alert(f, o, "bash", "x", 2);
	assert_int_equal(outputs_flush(o, 10000), 0);
	assert_int_equal(stats(o, "http").write_errors, 2);
	assert_int_equal(stats(o, "http").written, 0);
	outputs_free(o);
	server_stop(&sv);
	assert_int_equal(sv.nreq, 2);
	server_free(&sv);
}

/* An endpoint that accepts connections but never answers: each request times out and is
 * counted, intake never waits, the queue drops what does not fit, shutdown is bounded. */
static void
test_http_never_answers(void **state)
{
	struct fixture *f = *state;
	char url[64];
	int port, lfd = listen_socket(&port);
	struct output_config cfg = {
		.http_enabled = true, .http_url = url, .http_timeout_ms = 200,
		.queue_capacity = 2, .flush_timeout_ms = 200,
	};
	struct outputs *o = NULL;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	assert_int_equal(outputs_new(&cfg, &o), 0);
	double t0 = now_s();
	for (int i = 0; i < 50; i++)
		alert(f, o, "bash", "x", i);
	if (now_s() - t0 > 6.0)	/* blocking on the endpoint would take 10 s */
		fail_msg("50 alerts took %.2f s", now_s() - t0);
	assert_true(stats(o, "http").dropped >= 47);
	/* The (at most 3) accepted ones time out one after the other. */
	assert_int_equal(outputs_flush(o, 5000), 0);
	struct output_stats st = stats(o, "http");
	assert_int_equal(st.written, 0);
	assert_int_equal(st.write_errors + st.dropped, 50 + 1);	/* + the drop report */
	assert_true(st.write_errors >= 1);
	/* A fresh burst during a request: shutdown gives up on the queue after 200 ms and
	 * aborts the transfer. */
	for (int i = 0; i < 3; i++)
		alert(f, o, "bash", "x", i);
	t0 = now_s();
	outputs_free(o);
	print_message("shutdown with an endpoint that never answers: %.3f s\n", now_s() - t0);
	if (now_s() - t0 > 5.0)	/* a generous bound: only a hang fails it */
		fail_msg("shutdown took %.2f s", now_s() - t0);
	close(lfd);
}

/* The URL is required; a bad one fails at startup. */
static void
test_http_config(void **state)
{
	struct output_config cfg = { .http_enabled = true };
	struct outputs *o = NULL;

	assert_int_equal(outputs_new(&cfg, &o), -EINVAL);
	cfg.http_url = "";
	assert_int_equal(outputs_new(&cfg, &o), -EINVAL);
	assert_null(o);
}

/* ---- hostile data through the program sink ------------------------------------------------- */

/* Event data made to break out of a line and into a shell arrives on the program's stdin
 * as one escaped line per alert (text) or exact JSON strings, and no shell ever runs it. */
static void
test_program_hostile(void **state)
{
	struct fixture *f = *state;
	char cmd[256], pwned[160], comm[200], arg[400];
	struct output_config cfg = {
		.json_output = true, .json_include_output_property = true, .hostname = "testhost",
		.program_enabled = true, .program = cmd, .program_keep_alive = false,
	};
	struct outputs *o = NULL;

	snprintf(cmd, sizeof(cmd), "cat >> '%s'", f->path);
	snprintf(pwned, sizeof(pwned), "%s/pwned", f->dir);
	snprintf(comm, sizeof(comm), "x\n$(touch %s)", pwned);
	snprintf(arg, sizeof(arg), "`touch %s`; touch %s\n'\"", pwned, pwned);
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert(f, o, comm, arg, 7);
	alert(f, o, comm, arg, 8);
	outputs_free(o);

	char *text = slurp_file(f->path), *line = text;
	assert_non_null(text);
	assert_int_equal(count_lines(text), 2);
	for (int i = 0; i < 2; i++) {
		char *nl = strchr(line, '\n');
		json_t *j = json_loadb(line, (size_t)(nl - line), 0, NULL);
		json_t *fl = json_object_get(j, "output_fields");
		char want[640];
		assert_non_null(j);
		snprintf(want, sizeof(want), "%s -c %s", comm, arg);
		assert_string_equal(json_string_value(json_object_get(fl, "proc.cmdline")), want);
		assert_string_equal(json_string_value(json_object_get(fl, "proc.name")), comm);
		assert_null(strchr(json_string_value(json_object_get(j, "output")), '\n'));
		json_decref(j);
		line = nl + 1;
	}
	free(text);
	assert_int_equal(access(pwned, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_slow_program_never_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capacity_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_delivers_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_json_keep_alive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_text_per_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_error_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_never_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_hostile, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
