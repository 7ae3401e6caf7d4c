/* yamldoc.c - libyaml events -> a bounded tree of positioned nodes (see yamldoc.h).
 * The builder keeps an explicit stack of open sequences and mappings, so nesting never
 * recurses; every limit is checked as the events arrive, so a hostile file costs at most the
 * limits.  Anchors are registered only when their node is complete, which makes a recursive
 * alias ("&a [*a]") an undefined alias instead of a cycle. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "core/sbuf.h"
#include "rules/yamldoc.h"

#define MAX_ANCHORS 1000u       /* rule files rarely use anchors at all */
#define MAX_ALIASES 10000u

struct frame {
	struct yamldoc_node *node;
	struct yamldoc_node **v;    /* children; for a mapping key, value, key, ... */
	size_t n, cap;
	uint64_t weight;            /* 1 + the weight of every child */
	char *anchor;               /* registered when the node completes */
};

struct anchor {
	char *name;
	struct yamldoc_node *node;
	uint64_t weight;
};

struct builder {
	struct yamldoc *doc;
	const char *buf;
	size_t len;
	struct diags *diags;
	struct frame stack[YAMLDOC_MAX_DEPTH];
	size_t depth;
	struct anchor *anchors;
	size_t nanchors, naliases;
	uint64_t total;             /* nodes so far, aliases counted as what they expand to */
	size_t docs_cap;
	struct yamldoc_node *root;  /* the completed root of the current document */
	size_t line_no, line_off;   /* a forward-only cursor: 0-based line LINE_NO starts at
	                             * byte LINE_OFF */
};

static int fail_at(struct builder *b, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail_at(struct builder *b, yaml_mark_t m, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diags_add(b->diags, DIAG_ERROR, b->doc->file, (unsigned)m.line + 1,
	          (unsigned)m.column + 1, "%s", sbuf_str(&msg));
	sbuf_free(&msg);
	return -EINVAL;
}

/* Position of byte OFF (line and character column, 1-based), by scanning from the start.
 * Used only once per file, for reader errors, which libyaml reports as an offset. */
static void
offset_position(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;

	for (size_t i = 0; i < off && i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static void
report_parser_error(struct builder *b, const yaml_parser_t *p)
{
	unsigned line, col;

	if (p->error == YAML_READER_ERROR) {
		offset_position(b->buf, b->len, p->problem_offset, &line, &col);
		diags_add(b->diags, DIAG_ERROR, b->doc->file, line, col, "%s (0x%x)",
		          p->problem ? p->problem : "unreadable input",
		          (unsigned)p->problem_value);
		return;
	}
	line = (unsigned)p->problem_mark.line + 1;
	col = (unsigned)p->problem_mark.column + 1;
	if (p->context)
		diags_add(b->diags, DIAG_ERROR, b->doc->file, line, col,
		          "YAML syntax error: %s (%s at line %u, column %u)",
		          p->problem ? p->problem : "?", p->context,
		          (unsigned)p->context_mark.line + 1,
		          (unsigned)p->context_mark.column + 1);
	else
		diags_add(b->diags, DIAG_ERROR, b->doc->file, line, col, "YAML syntax error: %s",
		          p->problem ? p->problem : "?");
}

/* Byte offset where 0-based line LINE starts; LINE must not go backwards between calls.
 * Returns LEN when the buffer has fewer lines. */
static size_t
line_start(struct builder *b, size_t line)
{
	while (b->line_no < line && b->line_off < b->len) {
		const char *nl = memchr(b->buf + b->line_off, '\n', b->len - b->line_off);
		b->line_off = nl ? (size_t)(nl - b->buf) + 1 : b->len;
		b->line_no++;
	}
	return b->line_no == line ? b->line_off : b->len;
}

/* For a block scalar starting at M (the | or > indicator), find the first content line and
 * its indentation: the text begins on the next line, indented like its first non-blank line. */
static void
block_text_position(struct builder *b, yaml_mark_t m, struct yamldoc_node *node)
{
	size_t off = line_start(b, m.line + 1);
	size_t i = off, indent = 0;

	node->text_line = (uint32_t)m.line + 2;
	node->text_col = 1;
	while (i < b->len) {
		size_t spaces = 0;
		while (i < b->len && b->buf[i] == ' ') {
			i++;
			spaces++;
		}
		if (i < b->len && b->buf[i] != '\n' && b->buf[i] != '\r') {
			indent = spaces;
			break;
		}
		while (i < b->len && b->buf[i] != '\n')
			i++;
		i++;
	}
	node->text_col = (uint32_t)indent + 1;
}

static struct yamldoc_node *
new_node(struct builder *b, enum yamldoc_kind kind, yaml_mark_t m)
{
	struct yamldoc_node *node = arena_zalloc(&b->doc->mem, sizeof(*node));

	node->kind = kind;
	node->line = (uint32_t)m.line + 1;
	node->col = (uint32_t)m.column + 1;
	return node;
}

static int
count_nodes(struct builder *b, uint64_t weight, yaml_mark_t m)
{
	b->total += weight;
	if (b->total > YAMLDOC_MAX_NODES)
		return fail_at(b, m, "more than %u nodes, counting what aliases expand to; "
		               "refusing the file", YAMLDOC_MAX_NODES);
	return 0;
}

static int
remember_anchor(struct builder *b, const char *name, struct yamldoc_node *node,
                uint64_t weight, yaml_mark_t m)
{
	struct anchor *a;

	if (b->nanchors >= MAX_ANCHORS)
		return fail_at(b, m, "more than %u anchors", MAX_ANCHORS);
	a = realloc(b->anchors, (b->nanchors + 1) * sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	b->anchors = a;
	a[b->nanchors].name = arena_strdup(&b->doc->mem, name);
	a[b->nanchors].node = node;
	a[b->nanchors].weight = weight;
	b->nanchors++;
	return 0;
}

/* Attach a completed NODE of WEIGHT to the open container, or make it the document root. */
static int
add_child(struct builder *b, struct yamldoc_node *node, uint64_t weight, yaml_mark_t m)
{
	struct frame *f;

	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->kind == YAMLDOC_MAP && f->n % 2 == 0 && node->kind != YAMLDOC_SCALAR) {
		diags_add(b->diags, DIAG_ERROR, b->doc->file, node->line, node->col,
		          "mapping keys must be plain strings, not %s", yamldoc_kind_name(node));
		return -EINVAL;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct yamldoc_node **v = realloc(f->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n++] = node;
	f->weight += weight;
	if (f->weight > YAMLDOC_MAX_NODES)
		f->weight = YAMLDOC_MAX_NODES + 1;   /* saturate: the total check fires anyway */
	return 0;
}

static int
on_scalar(struct builder *b, const yaml_event_t *e)
{
	static const enum yamldoc_style styles[] = {
		[YAML_ANY_SCALAR_STYLE] = YAMLDOC_PLAIN,
		[YAML_PLAIN_SCALAR_STYLE] = YAMLDOC_PLAIN,
		[YAML_SINGLE_QUOTED_SCALAR_STYLE] = YAMLDOC_SINGLE,
		[YAML_DOUBLE_QUOTED_SCALAR_STYLE] = YAMLDOC_DOUBLE,
		[YAML_LITERAL_SCALAR_STYLE] = YAMLDOC_LITERAL,
		[YAML_FOLDED_SCALAR_STYLE] = YAMLDOC_FOLDED,
	};
	_Static_assert(sizeof(styles) / sizeof(styles[0]) == YAML_FOLDED_SCALAR_STYLE + 1,
	               "every libyaml scalar style has a yamldoc style");
	const char *val = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	struct yamldoc_node *node;
	int rc;

	if (memchr(val, '\0', len))
		return fail_at(b, e->start_mark, "NUL character in a string");
	if ((rc = count_nodes(b, 1, e->start_mark)) < 0)
		return rc;
	node = new_node(b, YAMLDOC_SCALAR, e->start_mark);
	node->style = (unsigned)e->data.scalar.style <= YAML_FOLDED_SCALAR_STYLE
	              ? styles[e->data.scalar.style] : YAMLDOC_PLAIN;
	node->text = arena_strndup(&b->doc->mem, val, len);
	node->n = len;
	node->text_line = node->line;
	node->text_col = node->col;
	if (node->style == YAMLDOC_SINGLE || node->style == YAMLDOC_DOUBLE)
		node->text_col++;
	else if (node->style == YAMLDOC_LITERAL || node->style == YAMLDOC_FOLDED)
		block_text_position(b, e->start_mark, node);
	if (e->data.scalar.anchor &&
	    (rc = remember_anchor(b, (const char *)e->data.scalar.anchor, node, 1,
	                          e->start_mark)) < 0)
		return rc;
	return add_child(b, node, 1, e->start_mark);
}

static int
on_alias(struct builder *b, const yaml_event_t *e)
{
	const char *name = (const char *)e->data.alias.anchor;
	int rc;

	if (++b->naliases > MAX_ALIASES)
		return fail_at(b, e->start_mark, "more than %u aliases", MAX_ALIASES);
	for (size_t i = b->nanchors; i-- > 0;) {
		if (strcmp(b->anchors[i].name, name) != 0)
			continue;
		if ((rc = count_nodes(b, b->anchors[i].weight, e->start_mark)) < 0)
			return rc;
		return add_child(b, b->anchors[i].node, b->anchors[i].weight, e->start_mark);
	}
	return fail_at(b, e->start_mark, "undefined alias '*%s'", name);
}

static int
on_start(struct builder *b, const yaml_event_t *e, enum yamldoc_kind kind)
{
	const yaml_char_t *anchor = kind == YAMLDOC_SEQ ? e->data.sequence_start.anchor
	                                                : e->data.mapping_start.anchor;
	struct frame *f;
	int rc;

	if (b->depth >= YAMLDOC_MAX_DEPTH)
		return fail_at(b, e->start_mark, "nesting deeper than %u levels", YAMLDOC_MAX_DEPTH);
	if ((rc = count_nodes(b, 1, e->start_mark)) < 0)
		return rc;
	f = &b->stack[b->depth++];
	*f = (struct frame){ .node = new_node(b, kind, e->start_mark), .weight = 1 };
	if (anchor && (f->anchor = strdup((const char *)anchor)) == NULL)
		return -ENOMEM;
	return 0;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct yamldoc_node *x = *(const struct yamldoc_node *const *)a;
	const struct yamldoc_node *y = *(const struct yamldoc_node *const *)b;
	int c = strcmp(x->text, y->text);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* Duplicate keys are an error (libyaml does not check): sort a copy, compare neighbours. */
static int
check_duplicate_keys(struct builder *b, const struct frame *f)
{
	size_t n = f->n / 2;
	struct yamldoc_node **keys;
	int rc = 0;

	if (n < 2)
		return 0;
	if ((keys = malloc(n * sizeof(*keys))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		keys[i] = f->v[2 * i];
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 1; i < n && rc == 0; i++) {
		if (strcmp(keys[i - 1]->text, keys[i]->text) == 0) {
			diags_add(b->diags, DIAG_ERROR, b->doc->file, keys[i]->line, keys[i]->col,
			          "duplicate key '%s' (first at line %u)", keys[i]->text,
			          keys[i - 1]->line);
			rc = -EINVAL;
		}
	}
	free(keys);
	return rc;
}

static int
on_end(struct builder *b, const yaml_event_t *e)
{
	struct frame *f = &b->stack[b->depth - 1];
	struct yamldoc_node *node = f->node;
	uint64_t weight = f->weight;
	int rc = 0;

	if (node->kind == YAMLDOC_MAP)
		rc = check_duplicate_keys(b, f);
	if (rc == 0) {
		node->n = node->kind == YAMLDOC_MAP ? f->n / 2 : f->n;
		node->v = arena_alloc(&b->doc->mem, (f->n ? f->n : 1) * sizeof(*node->v));
		if (f->n)
			memcpy(node->v, f->v, f->n * sizeof(*node->v));
		if (f->anchor)
			rc = remember_anchor(b, f->anchor, node, weight, e->start_mark);
	}
	free(f->v);
	free(f->anchor);
	b->depth--;
	return rc ? rc : add_child(b, node, weight, e->start_mark);
}

static int
on_document_end(struct builder *b)
{
	struct yamldoc *doc = b->doc;

	if (doc->ndocs == b->docs_cap) {
		size_t cap = b->docs_cap ? b->docs_cap * 2 : 4;
		struct yamldoc_node **v = realloc(doc->docs, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		doc->docs = v;
		b->docs_cap = cap;
	}
	doc->docs[doc->ndocs++] = b->root;
	b->root = NULL;
	b->nanchors = 0;      /* anchors do not cross documents */
	return 0;
}

static int
on_event(struct builder *b, const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:         return on_scalar(b, e);
	case YAML_ALIAS_EVENT:          return on_alias(b, e);
	case YAML_SEQUENCE_START_EVENT: return on_start(b, e, YAMLDOC_SEQ);
	case YAML_MAPPING_START_EVENT:  return on_start(b, e, YAMLDOC_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:    return on_end(b, e);
	case YAML_DOCUMENT_END_EVENT:   return on_document_end(b);
	default:                        return 0;
	}
}

static int
run_parser(struct builder *b)
{
	yaml_parser_t parser;
	yaml_event_t event;
	bool done = false;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)b->buf, b->len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &event)) {
			if (parser.error == YAML_MEMORY_ERROR) {
				rc = -ENOMEM;
			} else {
				report_parser_error(b, &parser);
				rc = -EINVAL;
			}
			break;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		rc = on_event(b, &event);
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int
yamldoc_parse(const char *file, const char *buf, size_t len, struct yamldoc **out,
              struct diags *diags)
{
	struct builder b = { .buf = buf, .len = len, .diags = diags };
	int rc = -ENOMEM;

	if ((b.doc = calloc(1, sizeof(*b.doc))) == NULL)
		goto fail;
	if ((b.doc->file = strdup(file ? file : "-")) == NULL)
		goto fail;
	if (len > YAMLDOC_MAX_BYTES) {
		diags_add(diags, DIAG_ERROR, file, 0, 0,
		          "file is too large (%zu bytes; the limit is %u)", len, YAMLDOC_MAX_BYTES);
		rc = -EINVAL;
		goto fail;
	}
	if ((rc = run_parser(&b)) < 0)
		goto fail;
	free(b.anchors);
	*out = b.doc;
	return 0;
fail:
	while (b.depth > 0) {
		b.depth--;
		free(b.stack[b.depth].v);
		free(b.stack[b.depth].anchor);
	}
	free(b.anchors);
	yamldoc_free(b.doc);
	return rc;
}

/* Read at most YAMLDOC_MAX_BYTES + 1 bytes, so that an endless or growing file is refused
 * without reading it all. */
static int
read_bounded(int fd, char **out, size_t *outlen)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t r;
		if (len == cap) {
			char *nb;
			if (cap > YAMLDOC_MAX_BYTES)
				break;
			cap *= 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;
			free(buf);
			return err;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int
yamldoc_load(const char *path, struct yamldoc **out, struct diags *diags)
{
	struct stat st = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer; only regular files are read. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		rc = -errno;
		diags_add(diags, DIAG_ERROR, path, 0, 0, "cannot open: %s", strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		close(fd);
		diags_add(diags, DIAG_ERROR, path, 0, 0, "%s", rc == -EISDIR
		          ? "is a directory, not a file" : "is not a regular file");
		return rc;
	}
	rc = read_bounded(fd, &buf, &len);
	close(fd);
	if (rc < 0) {
		diags_add(diags, DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(-rc));
		return rc;
	}
	rc = yamldoc_parse(path, buf, len, out, diags);
	free(buf);
	return rc;
}

void
yamldoc_free(struct yamldoc *doc)
{
	if (doc == NULL)
		return;
	arena_free(&doc->mem);
	free(doc->docs);
	free(doc->file);
	free(doc);
}

const struct yamldoc_node *
yamldoc_get(const struct yamldoc_node *map, const char *key)
{
	if (map == NULL || map->kind != YAMLDOC_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->v[2 * i]->text, key) == 0)
			return map->v[2 * i + 1];
	return NULL;
}

bool
yamldoc_is_null(const struct yamldoc_node *n)
{
	if (n == NULL || n->kind != YAMLDOC_SCALAR || n->style != YAMLDOC_PLAIN)
		return false;
	return n->n == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
	       strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

/* YAML 1.1 spells a word in lower case, Capitalized or UPPER case, nothing else. */
static bool
yaml11_word(const char *text, const char *word)
{
	size_t i;

	if (strcmp(text, word) == 0)
		return true;
	if (strcasecmp(text, word) != 0)
		return false;
	for (i = 1; word[i] && text[i] == word[i]; i++)
		;
	if (word[i] == '\0')
		return true;       /* only the first letter differs: Capitalized */
	for (i = 0; word[i] && text[i] == toupper((unsigned char)word[i]); i++)
		;
	return word[i] == '\0';
}

int
yamldoc_bool(const struct yamldoc_node *n, bool *out)
{
	static const struct { const char *word; bool val; } words[] = {
		{ "true", true }, { "yes", true }, { "on", true },
		{ "false", false }, { "no", false }, { "off", false },
	};

	if (n == NULL || n->kind != YAMLDOC_SCALAR)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (yaml11_word(n->text, words[i].word)) {
			*out = words[i].val;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
yamldoc_kind_name(const struct yamldoc_node *n)
{
	static const char *const names[] = {
		[YAMLDOC_SCALAR] = "a scalar",
		[YAMLDOC_SEQ] = "a sequence",
		[YAMLDOC_MAP] = "a mapping",
	};
	return n ? names[n->kind] : "nothing";
}
