/* auparse_base.c - the replay baseline: parse an audit log with libauparse and walk every
 * event, record and field, interpreting nothing.
 * Usage: bench_auparse FILE
 * Prints one line: "events=N records=N fields=N seconds=S events_per_s=R".  Each field's
 * name and raw value are fetched (and folded into a checksum that is printed, so the compiler
 * cannot drop the walk), which is the least any consumer of the log does. */
#include <auparse.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fold the bytes of S into H; NULL counts as one step. */
static uint64_t
fold(uint64_t h, const char *s)
{
	if (s == NULL)
		return h * 31 + 1;
	return h * 31 + (unsigned char)s[0];
}

int
main(int argc, char **argv)
{
	uint64_t events = 0, records = 0, fields = 0, sum = 0;
	auparse_state_t *au;
	double t0, t;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_auparse FILE\n");
		return 2;
	}
	t0 = now_s();
	au = auparse_init(AUSOURCE_FILE, argv[1]);
	if (au == NULL) {
		perror("bench_auparse: auparse_init");
		return 1;
	}
	while (auparse_next_event(au) > 0) {
		events++;
		do {
			records++;
			do {
				fields++;
				sum = fold(sum, auparse_get_field_name(au));
				sum = fold(sum, auparse_get_field_str(au));
			} while (auparse_next_field(au) > 0);
		} while (auparse_next_record(au) > 0);
	}
	auparse_destroy(au);
	t = now_s() - t0;
	printf("events=%llu records=%llu fields=%llu seconds=%.3f events_per_s=%.0f sum=%llu\n",
	    (unsigned long long)events, (unsigned long long)records,
	    (unsigned long long)fields, t, t > 0 ? (double)events / t : 0.0,
	    (unsigned long long)sum);
	return events > 0 ? 0 : 1;
}
