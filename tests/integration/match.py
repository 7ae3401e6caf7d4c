#!/usr/bin/env python3
"""match.py ALERTS EXPR: exit 0 if some JSON alert line in ALERTS satisfies EXPR.

EXPR is a Python expression over `a` (the alert) and `f` (its output_fields).  Lines that are
not JSON fail the match loudly: the daemon must never write a broken or forged line."""
import json
import sys

def main():
    path, expr = sys.argv[1], sys.argv[2]
    code = compile(expr, "<expr>", "eval")
    with open(path, encoding="utf-8", errors="strict") as fp:
        for n, line in enumerate(fp, 1):
            try:
                a = json.loads(line)
            except ValueError:
                print(f"{path}:{n}: not a JSON alert: {line[:200]!r}", file=sys.stderr)
                return 2
            f = a.get("output_fields", {})
            try:
                if eval(code, {}, {"a": a, "f": f}):
                    return 0
            except (KeyError, TypeError, AttributeError):
                continue
    return 1

if __name__ == "__main__":
    sys.exit(main())
