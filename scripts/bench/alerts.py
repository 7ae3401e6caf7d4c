#!/usr/bin/env python3
"""alerts.py FILE [RULE] - summarise a live benchmark's JSON alert file (one alert a line).

Prints one line: ALERTS OVERFLOWS DROPS
  ALERTS     alerts raised by RULE (by any rule when RULE is empty or absent): the rest of
             the machine can trigger other rules during a storm (an LSan ptrace, say)
  OVERFLOWS  fanotify queue overflows shikra reported ("Fanotify events lost")
  DROPS      audit socket overruns plus anything else shikra says it dropped (internal
             alerts whose fields count "overruns", "dropped" or "drops")
The kernel's own audit "lost" counter is read by the driver, not from here.  A line that is
not JSON counts as an alert (it is still output) and is reported on stderr."""
import json
import sys


def count(fields, *keys):
    total = 0
    for k in keys:
        try:
            total += int(fields.get(k, 0))
        except (TypeError, ValueError):
            pass
    return total


def main(path, rule=""):
    alerts = overflows = drops = 0
    with open(path, encoding="utf-8", errors="replace") as fp:
        for n, line in enumerate(fp, 1):
            try:
                a = json.loads(line)
            except ValueError:
                print(f"{path}:{n}: not JSON", file=sys.stderr)
                alerts += 1
                continue
            if a.get("source") != "internal":
                alerts += 1 if not rule or a.get("rule") == rule else 0
                continue
            f = a.get("output_fields") or {}
            if a.get("rule") == "Fanotify events lost":
                overflows = max(overflows, count(f, "overflows"))
            drops += count(f, "overruns", "dropped", "drops")
    print(alerts, overflows, drops)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
