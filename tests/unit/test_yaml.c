/* test_yaml.c - unit tests for rules/yamldoc: positions, styles, and every limit a hostile
 * file can hit (size, depth, node count, alias bombs, bad UTF-8, NUL, unterminated strings). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/diag.h"
#include "core/sbuf.h"
#include "rules/yamldoc.h"

/* Parse TEXT expecting failure; return the one problem formatted (caller frees). */
static char *
parse_error(const char *text, size_t len)
{
	struct diags d = DIAGS_INIT;
	struct yamldoc *doc = NULL;
	char *s;

	assert_int_equal(yamldoc_parse("t.yaml", text, len, &doc, &d), -EINVAL);
	assert_null(doc);
	assert_int_equal(d.n, 1);
	s = diag_format(&d.v[0]);
	diags_free(&d);
	return s;
}

static void
expect_error(const char *text, const char *want)
{
	char *got = parse_error(text, strlen(text));

	assert_string_equal(got, want);
	free(got);
}

static struct yamldoc *
parse_ok(const char *text)
{
	struct diags d = DIAGS_INIT;
	struct yamldoc *doc = NULL;

	assert_int_equal(yamldoc_parse("t.yaml", text, strlen(text), &doc, &d), 0);
	assert_int_equal(d.n, 0);
	return doc;
}

static void
test_positions_and_styles(void **state)
{
	struct yamldoc *doc = parse_ok(
		"- rule: plain words\n"
		"  desc: 'single'\n"
		"  output: \"double\"\n"
		"  condition: >\n"
		"    evt.type = open\n"
		"    and fd.name = x\n"
		"  tags: [a, b]\n"
		"- macro: m\n"
		"  condition: |\n"
		"      proc.name = sh\n");
	const struct yamldoc_node *root, *r, *n;

	assert_int_equal(doc->ndocs, 1);
	root = doc->docs[0];
	assert_int_equal(root->kind, YAMLDOC_SEQ);
	assert_int_equal(root->n, 2);
	r = root->v[0];
	assert_int_equal(r->kind, YAMLDOC_MAP);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->col, 3);
	n = yamldoc_get(r, "rule");
	assert_string_equal(n->text, "plain words");
	assert_int_equal(n->style, YAMLDOC_PLAIN);
	assert_int_equal(n->text_line, 1);
	assert_int_equal(n->text_col, 9);
	n = yamldoc_get(r, "desc");
	assert_int_equal(n->style, YAMLDOC_SINGLE);
	assert_int_equal(n->col, 9);
	assert_int_equal(n->text_col, 10);
	n = yamldoc_get(r, "output");
	assert_int_equal(n->style, YAMLDOC_DOUBLE);
	assert_int_equal(n->text_col, 12);
	n = yamldoc_get(r, "condition");
	assert_int_equal(n->style, YAMLDOC_FOLDED);
	assert_string_equal(n->text, "evt.type = open and fd.name = x\n");
	assert_int_equal(n->line, 4);
	assert_int_equal(n->text_line, 5);
	assert_int_equal(n->text_col, 5);
	n = yamldoc_get(r, "tags");
	assert_int_equal(n->kind, YAMLDOC_SEQ);
	assert_int_equal(n->n, 2);
	assert_int_equal(n->v[1]->col, 13);
	n = yamldoc_get(root->v[1], "condition");
	assert_int_equal(n->style, YAMLDOC_LITERAL);
	assert_int_equal(n->text_line, 10);
	assert_int_equal(n->text_col, 7);
	assert_null(yamldoc_get(r, "nothing"));
	assert_null(yamldoc_get(n, "x"));      /* not a mapping */
	yamldoc_free(doc);
}

static void
test_documents_nulls_bools(void **state)
{
	struct yamldoc *doc = parse_ok("a: ~\nb:\nc: null\nd: 'null'\ne: True\nf: off\n"
	                               "g: tRUE\n---\n---\n- 1\n");
	const struct yamldoc_node *m;
	bool v = false;

	assert_int_equal(doc->ndocs, 3);
	m = doc->docs[0];
	assert_true(yamldoc_is_null(yamldoc_get(m, "a")));
	assert_true(yamldoc_is_null(yamldoc_get(m, "b")));
	assert_true(yamldoc_is_null(yamldoc_get(m, "c")));
	assert_false(yamldoc_is_null(yamldoc_get(m, "d")));
	assert_int_equal(yamldoc_bool(yamldoc_get(m, "e"), &v), 0);
	assert_true(v);
	assert_int_equal(yamldoc_bool(yamldoc_get(m, "f"), &v), 0);
	assert_false(v);
	assert_int_equal(yamldoc_bool(yamldoc_get(m, "g"), &v), -EINVAL);
	assert_int_equal(yamldoc_bool(yamldoc_get(m, "d"), &v), -EINVAL);
	assert_true(doc->docs[1] == NULL || yamldoc_is_null(doc->docs[1]));
	assert_int_equal(doc->docs[2]->kind, YAMLDOC_SEQ);
	yamldoc_free(doc);
	yamldoc_free(NULL);
}

static void
test_aliases_are_shared(void **state)
{
	struct yamldoc *doc = parse_ok("base: &b [x, y]\nuse: *b\n");
	const struct yamldoc_node *m = doc->docs[0];

	assert_ptr_equal(yamldoc_get(m, "base"), yamldoc_get(m, "use"));
	yamldoc_free(doc);
	expect_error("a: *nope\n", "t.yaml:1:4: error: undefined alias '*nope'");
	/* An anchor cannot be used inside itself: no cycles. */
	expect_error("a: &x [1, *x]\n", "t.yaml:1:11: error: undefined alias '*x'");
}

/* The classic "billion laughs": each level holds nine aliases of the one before. */
static void
test_alias_bomb_stops_at_the_limit(void **state)
{
	struct sbuf b = SBUF_INIT;
	char *err;

	sbuf_puts(&b, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 10; i++)
		sbuf_printf(&b, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n",
		            i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	err = parse_error(b.buf, b.len);
	/* Level 5 weighs 597871 nodes: its seventh alias of level 4 crosses the limit. */
	assert_string_equal(err, "t.yaml:6:40: error: more than 500000 nodes, counting what "
	                    "aliases expand to; refusing the file");
	free(err);
	sbuf_free(&b);
}

static void
test_size_limit_10mb(void **state)
{
	size_t len = 10u << 20;
	char *big = malloc(len), path[] = "/tmp/shikra-test-yaml-XXXXXX";
	struct diags d = DIAGS_INIT;
	struct yamldoc *doc = NULL;
	char *msg;
	int fd;

	assert_non_null(big);
	/* Valid YAML all the way: a comment line repeated. */
	for (size_t i = 0; i < len; i++)
		big[i] = (i % 64 == 63) ? '\n' : (i % 64 == 0 ? '#' : 'x');
	assert_int_equal(yamldoc_parse("big.yaml", big, len, &doc, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	msg = diag_format(&d.v[0]);
	assert_string_equal(msg, "big.yaml: error: file is too large (10485760 bytes; "
	                    "the limit is 8388608)");
	free(msg);
	diags_free(&d);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, len), (ssize_t)len);
	close(fd);
	assert_int_equal(yamldoc_load(path, &doc, &d), -EINVAL);
	assert_null(doc);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.v[0].msg, "file is too large"));
	diags_free(&d);
	unlink(path);
	free(big);
}

static void
test_deep_nesting_10000(void **state)
{
	struct sbuf b = SBUF_INIT;
	char *err;

	for (int i = 0; i < 10000; i++)
		sbuf_putc(&b, '[');
	for (int i = 0; i < 10000; i++)
		sbuf_putc(&b, ']');
	sbuf_putc(&b, '\n');
	err = parse_error(b.buf, b.len);
	assert_string_equal(err, "t.yaml:1:65: error: nesting deeper than 64 levels");
	free(err);
	/* Block style: "- - - - x" nests one sequence per dash. */
	sbuf_reset(&b);
	for (int i = 0; i < 10000; i++)
		sbuf_puts(&b, "- ");
	sbuf_puts(&b, "x\n");
	err = parse_error(b.buf, b.len);
	assert_string_equal(err, "t.yaml:1:129: error: nesting deeper than 64 levels");
	free(err);
	sbuf_free(&b);
}

static void
test_node_limit(void **state)
{
	struct sbuf b = SBUF_INIT;
	char *err;

	sbuf_putc(&b, '[');
	for (int i = 0; i < 600000; i++)
		sbuf_puts(&b, "a,");
	sbuf_puts(&b, "a]\n");
	err = parse_error(b.buf, b.len);
	/* The root counts too: node 500001 is item 500000, at column 2 * 499999 + 2. */
	assert_string_equal(err, "t.yaml:1:1000000: error: more than 500000 nodes, counting "
	                    "what aliases expand to; refusing the file");
	free(err);
	sbuf_free(&b);
}

static void
test_bad_utf8_and_control_characters(void **state)
{
	expect_error("a: b\nc: \xff\n", "t.yaml:2:4: error: invalid leading UTF-8 octet (0xff)");
	expect_error("a: caf\xc3", "t.yaml:1:7: error: incomplete UTF-8 octet sequence (0xffffffff)");
	expect_error("a: \xc3\xa9t\xc3\xa9\nb: x\x01y\n",
	             "t.yaml:2:5: error: control characters are not allowed (0x1)");
	{
		char *err = parse_error("a: b\0c\n", 7);
		assert_string_equal(err, "t.yaml:1:5: error: control characters are not allowed (0x0)");
		free(err);
	}
	expect_error("a: \"nul\\0here\"\n", "t.yaml:1:4: error: NUL character in a string");
}

static void
test_syntax_errors(void **state)
{
	expect_error("- rule: x\n  desc: \"never closed\n  output: y\n",
	             "t.yaml:4:1: error: YAML syntax error: found unexpected end of stream "
	             "(while scanning a quoted scalar at line 2, column 9)");
	expect_error("a: [1, 2\n",
	             "t.yaml:2:1: error: YAML syntax error: did not find expected ',' or ']' "
	             "(while parsing a flow sequence at line 1, column 4)");
	expect_error("a: 1\n b: 2\n",
	             "t.yaml:2:3: error: YAML syntax error: mapping values are not allowed in "
	             "this context");
	expect_error("a: 1\nb: 2\na: 3\n", "t.yaml:3:1: error: duplicate key 'a' (first at line 1)");
	expect_error("? [x]\n: 1\n", "t.yaml:1:3: error: mapping keys must be plain strings, "
	             "not a sequence");
}

static void
test_load_missing_file(void **state)
{
	struct diags d = DIAGS_INIT;
	struct yamldoc *doc = NULL;

	assert_int_equal(yamldoc_load("/nonexistent/x.yaml", &doc, &d), -ENOENT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg, "cannot open: No such file or directory");
	diags_free(&d);
	assert_int_equal(yamldoc_load("/", &doc, &d), -EISDIR);
	diags_free(&d);
	/* A device (or a FIFO) is refused without reading: /dev/zero never ends. */
	assert_int_equal(yamldoc_load("/dev/zero", &doc, &d), -EINVAL);
	assert_string_equal(d.v[0].msg, "is not a regular file");
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions_and_styles),
		cmocka_unit_test(test_documents_nulls_bools),
		cmocka_unit_test(test_aliases_are_shared),
		cmocka_unit_test(test_alias_bomb_stops_at_the_limit),
		cmocka_unit_test(test_size_limit_10mb),
		cmocka_unit_test(test_deep_nesting_10000),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_bad_utf8_and_control_characters),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_load_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
