/* testutil.c - small helpers shared by the unit tests (see testutil.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/sbuf.h"
#include "testutil.h"

char *
diags_text(const struct diags *d)
{
	struct sbuf b = SBUF_INIT;

	for (size_t i = 0; i < d->n; i++) {
		char *s = diag_format(&d->v[i]);
		sbuf_printf(&b, "%s\n", s);
		free(s);
	}
	return sbuf_steal(&b);
}

char *
slurp_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct sbuf b = SBUF_INIT;
	char buf[4096];
	size_t n;

	if (fp == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sbuf_add(&b, buf, n);
	fclose(fp);
	sbuf_puts(&b, "");
	return sbuf_steal(&b);
}

char *
read_text_file(const char *path)
{
	char *text = slurp_file(path);

	assert_non_null(text);
	return text;
}

size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}
