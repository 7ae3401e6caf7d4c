/* template.h - Falco output templates: "Shell spawned (user=%user.name cmd=%proc.cmdline)".
 * A template is compiled once (field names resolved against the field table, with
 * file:line:column problems) and rendered per alert.  Syntax (template.c has the details):
 * %field, %field[arg], %evt.arg.flags, a width as in %15proc.name, transformers as in
 * %tolower(proc.name) or %basename(fd.name), and %container.info.  A value the event cannot
 * supply renders as <NA> in text and null in JSON. */
#ifndef SHIKRA_TEMPLATE_H
#define SHIKRA_TEMPLATE_H

#include <jansson.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/sbuf.h"
#include "event/event.h"
#include "rules/filter.h"

struct template;

/* Compile TEXT.  On success store it in *OUT and return 0; -EINVAL with problems in DIAGS. */
int  template_compile(const char *text, const struct filter_src *src, struct template **out,
                      struct diags *diags);
void template_free(struct template *t);          /* NULL-safe */

/* Append the rendered text to OUT.  Every value is escaped with sbuf_escape(), so event data
 * can never add a line or forge a field. */
void template_render(const struct template *t, const struct event *ev, struct arena *scratch,
                     struct sbuf *out);

/* Add one member per field of T to OBJ ("proc.name": "bash", "proc.pid": 42, missing: null),
 * typed as the field table says. */
void template_fields_json(const struct template *t, const struct event *ev,
                          struct arena *scratch, json_t *obj);

/* Call FN once per distinct field name in T (for -L). */
void template_fields(const struct template *t, void (*fn)(const char *name, void *arg),
                     void *arg);

#endif
