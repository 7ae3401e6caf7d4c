/* driver.c - run a fuzz target without libFuzzer.
 * Linked into every fuzz target unless configure was given --enable-fuzz.  main() reads each
 * file named on the command line and hands it to LLVMFuzzerTestOneInput() once, so the seed
 * corpora run as ordinary tests with any compiler and under the sanitizer builds.  Each input
 * sits in a heap buffer of exactly its size, so AddressSanitizer catches a read past the end. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

#define DRIVER_MAX_INPUT (64u * 1024 * 1024)

/* Read PATH into a fresh buffer of exactly its size.  0 or -errno. */
static int
read_file(const char *path, uint8_t **out, size_t *out_len)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	uint8_t *buf = NULL;
	int rc = -EIO;

	if (fp == NULL)
		return -errno;
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > DRIVER_MAX_INPUT)
		goto fail;
	/* malloc(0) may return NULL; one spare byte is never read by a correct target. */
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	if (fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size)
		goto fail;
	fclose(fp);
	*out = buf;
	*out_len = (size_t)st.st_size;
	return 0;
fail:
	free(buf);
	fclose(fp);
	return rc;
}

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		int rc = read_file(argv[i], &data, &len);

		if (rc < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(-rc));
			return 2;
		}
		LLVMFuzzerTestOneInput(data, len);
		free(data);
	}
	printf("%s: ran %d inputs\n", argv[0], argc - 1);
	return 0;
}
