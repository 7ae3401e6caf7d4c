/* diag.c - positioned problem lists (see diag.h). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/sbuf.h"

#define DIAGS_DEFAULT_MAX 10000

void
diags_add(struct diags *d, enum diag_severity sev, const char *file, unsigned line,
          unsigned col, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	size_t max = d->max ? d->max : DIAGS_DEFAULT_MAX;
	va_list ap;

	if (sev == DIAG_ERROR)
		d->nerrors++;
	if (d->n >= max) {
		/* A hostile input can produce endless problems; memory stays bounded. */
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct diag *v = realloc(d->v, cap * sizeof(*v));
		if (v == NULL)
			abort();
		d->v = v;
		d->cap = cap;
	}
	va_start(ap, fmt);
	sbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	d->v[d->n++] = (struct diag){
		.sev = sev,
		.file = file ? strdup(file) : NULL,
		.line = line,
		.col = col,
		.msg = sbuf_steal(&msg),
	};
}

bool
diags_has_errors(const struct diags *d)
{
	return d->nerrors > 0;
}

char *
diag_format(const struct diag *g)
{
	struct sbuf b = SBUF_INIT;

	if (g->file) {
		sbuf_escape(&b, g->file, strlen(g->file));
		if (g->line) {
			sbuf_printf(&b, ":%u", g->line);
			if (g->col)
				sbuf_printf(&b, ":%u", g->col);
		}
		sbuf_puts(&b, ": ");
	}
	sbuf_puts(&b, g->sev == DIAG_ERROR ? "error: " : "warning: ");
	sbuf_escape(&b, g->msg, strlen(g->msg));
	return sbuf_steal(&b);
}

void
diags_print(const struct diags *d, FILE *fp)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = diag_format(&d->v[i]);
		fprintf(fp, "%s\n", s);
		free(s);
	}
	if (d->dropped)
		fprintf(fp, "(%zu more problems not shown)\n", d->dropped);
}

void
diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	*d = (struct diags)DIAGS_INIT;
}
