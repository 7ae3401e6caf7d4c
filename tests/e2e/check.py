#!/usr/bin/env python3
"""check.py - the end-to-end tests' alert checker (standard library only).

    check.py watch ALERTS OUT
        Follow the daemon's JSON alert file and copy each complete line to OUT, prefixed by
        the wall-clock time (ns) at which it appeared: "NS<TAB>LINE".  Runs until killed.
        That arrival time, not the event's own time stamp, is what the latency column shows.

    check.py actions --alerts OUT --list LIST --host HOST --ctr CTR --containers EVENTS
                     --cofire FILE [--window-ms N]
        Match every action line of `shikra-event-generator run` (HOST, CTR) to the alert its
        rule must raise; print one row per action and a summary; exit 1 on any miss, late or
        wrong alert, on any action that did not run, and on any other alert at Warning or
        above inside an action's window that FILE does not allow.  An action the generator
        skipped ("skip: reason": the attack cannot exist on this machine) is listed with its
        reason and fails nothing.

    check.py baseline --alerts OUT --steps STEPS
        Benign activity: print every alert with the step it fell in; exit 1 if any alert is
        at Warning or above.

Alert lines that are not JSON are a failure everywhere: the daemon must never write one."""
import argparse
import calendar
import json
import os
import re
import sys
import time

# Falco priorities from the most to the least severe; "Warning or above" is index <= 4.
PRIORITIES = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
              "Informational", "Debug"]
SEVERE = set(PRIORITIES[:5])
# Audit stamps records with the kernel's coarse clock (one tick: 4 ms at HZ=250, 10 ms at
# HZ=100), so an event can carry a time up to a tick before the action's START.
SLACK_NS = 20_000_000
DRAIN_MARK = "shikra-e2e-drain"    # the drivers' barrier (e2elib.sh): not part of any check
TIME_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]00:?00)$")


def fail(msg):
    print(f"check.py: {msg}", file=sys.stderr)
    sys.exit(2)


def iso_ns(text):
    """UTC ISO-8601 with up to 9 fractional digits -> ns since the epoch (None if malformed)."""
    m = TIME_RE.match(text or "")
    if not m:
        return None
    secs = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    frac = (m.group(2) or "").ljust(9, "0")
    return secs * 1_000_000_000 + int(frac)


# ---------------------------------------------------------------------------------------------
# watch

def watch(src, dst):
    """Copy complete lines of SRC to DST with their arrival time until killed."""
    buf = b""
    with open(dst, "ab", buffering=0) as out:
        while not os.path.exists(src):
            time.sleep(0.01)
        with open(src, "rb") as fp:
            while True:
                chunk = fp.read(65536)
                if not chunk:
                    time.sleep(0.01)
                    continue
                now = time.time_ns()
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    out.write(b"%d\t%s\n" % (now, line))


# ---------------------------------------------------------------------------------------------
# loading

class Alert:
    """One alert line: its rule, priority, event time, arrival time and output fields."""

    def __init__(self, n, arrival, raw):
        try:
            a = json.loads(raw)
        except ValueError:
            fail(f"alert line {n} is not JSON: {raw[:200]!r}")
        self.n = n
        self.raw = a
        self.rule = a.get("rule", "")
        self.priority = a.get("priority", "")
        self.f = a.get("output_fields") or {}
        self.t = iso_ns(a.get("time"))
        if self.t is None:
            fail(f"alert line {n}: bad time {a.get('time')!r}")
        self.arrival = arrival if arrival is not None else self.t
        self.used = False

    def field(self, name):
        return self.f.get(name)

    def brief(self):
        keys = ("proc.name", "proc.pid", "proc.cmdline", "fd.name", "container.id",
                "container.name")
        shown = " ".join(f"{k}={self.f[k]}" for k in keys if self.f.get(k) is not None)
        return f"[{self.priority}] {self.rule}: {shown}"


def load_alerts(path):
    """Alerts from a watch file ("NS<TAB>JSON") or a plain alert file (one JSON per line)."""
    alerts = []
    with open(path, encoding="utf-8", errors="strict") as fp:
        for n, line in enumerate(fp, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            arrival = None
            head, sep, rest = line.partition("\t")
            if sep and head.isdigit():
                arrival, line = int(head), rest
            a = Alert(n, arrival, line)
            if DRAIN_MARK not in str(a.field("proc.cmdline")):
                alerts.append(a)
    return alerts


class Action:
    """One line of `shikra-event-generator run`."""

    def __init__(self, line, in_container):
        cols = line.rstrip("\n").split("\t")
        self.line = line.rstrip("\n")
        self.in_container = in_container
        self.ok = False
        self.skip = None
        self.error = None
        if len(cols) < 7:
            self.name, self.rule = cols[0], cols[1] if len(cols) > 1 else "?"
            self.pid = self.start = self.end = None
            self.error = f"malformed line {self.line!r}"
            return
        self.name, self.rule, self.where = cols[0], cols[1], cols[2]
        self.pid = int(cols[3]) if cols[3].isdigit() and int(cols[3]) > 0 else None
        try:
            self.start, self.end = int(cols[4]), int(cols[5])
        except ValueError:
            self.start = self.end = None
            self.error = f"bad times in {self.line!r}"
            return
        status = "\t".join(cols[6:])
        if status == "ok":
            self.ok = True
        elif status.startswith("skip: "):
            self.skip = status[len("skip: "):]
        else:
            self.error = status or "no status"

    def where_label(self):
        return "container" if self.in_container else "host"


def load_actions(path, in_container):
    acts = []
    with open(path, encoding="utf-8", errors="replace") as fp:
        for line in fp:
            if line.strip():
                acts.append(Action(line, in_container))
    return acts


def load_list(path):
    """`shikra-event-generator list`: ACTION -> (RULE, WHERE)."""
    out = {}
    with open(path, encoding="utf-8", errors="replace") as fp:
        for line in fp:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3:
                out[cols[0]] = (cols[1], cols[2])
    return out


def load_containers(path):
    """podman events (JSON lines) -> {full id: (name, image)} of containers seen starting."""
    ctrs = {}
    if not path or not os.path.exists(path):
        return ctrs
    with open(path, encoding="utf-8", errors="replace") as fp:
        for line in fp:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("Type") == "container" and e.get("ID"):
                ctrs.setdefault(e["ID"], (e.get("Name", ""), e.get("Image", "")))
    return ctrs


def load_cofire(path):
    """Allowed co-firing rules: "ACTION-or-RULE | EXTRA RULE | why" lines, # comments."""
    allow = {}
    with open(path, encoding="utf-8") as fp:
        for n, line in enumerate(fp, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cols = [c.strip() for c in line.split("|")]
            if len(cols) < 3 or not cols[2]:
                fail(f"{path}:{n}: want 'ACTION-or-RULE | EXTRA RULE | why'")
            allow.setdefault(cols[0], set()).add(cols[1])
    return allow


# ---------------------------------------------------------------------------------------------
# actions

HEX12 = re.compile(r"^[0-9a-f]{12}$")


class Matcher:
    """Matches actions to alerts; collects the table rows and the failures."""

    def __init__(self, alerts, containers, window_ns):
        self.alerts = alerts
        self.ctrs = containers
        self.window = window_ns
        self.rows = []
        self.failures = 0
        self.skipped = 0

    def in_window(self, act, a):
        return act.start - SLACK_NS <= a.t <= act.end + self.window

    def container_of(self, a):
        """(full id, name, image) of the started container whose short id the alert names."""
        cid = a.field("container.id")
        if not isinstance(cid, str) or not HEX12.match(cid):
            return None
        for full, (name, image) in self.ctrs.items():
            if full.startswith(cid):
                return full, name, image
        return None

    def place_ok(self, act, a):
        """Did the alert happen where the action ran (host, or one of the run's containers)?"""
        cid = a.field("container.id")
        if not act.in_container:
            return cid == "host"
        if not self.ctrs:   # podman events unavailable: any container id will do
            return isinstance(cid, str) and HEX12.match(cid) is not None
        return self.container_of(a) is not None

    def field_problems(self, act, a):
        """What is wrong with the chosen alert's fields (empty list: nothing)."""
        bad, notes = [], []
        pid = a.field("proc.pid")
        if act.pid is not None and pid is not None and pid != act.pid:
            if act.in_container:
                notes.append(f"proc.pid {pid} != {act.pid} (tolerated in a container)")
            else:
                bad.append(f"proc.pid {pid} != {act.pid}")
        if pid is None:
            notes.append("no proc.pid in output")
        if act.in_container:
            name, image = a.field("container.name"), a.field("container.image")
            known = self.container_of(a)
            if not name:
                bad.append("container.name empty")
            elif known and known[1] and name != known[1]:
                bad.append(f"container.name {name!r} != {known[1]!r}")
            if "container.image" in a.f and not image:
                bad.append("container.image empty")
        return bad, notes

    def pick(self, act):
        """The alert that proves the action: right rule, in the window, in the right place,
        the action's pid first."""
        cands = [a for a in self.alerts if a.rule == act.rule and self.in_window(act, a)]
        placed = [a for a in cands if self.place_ok(act, a)]
        if not placed:
            where = ", ".join(sorted({str(a.field("container.id")) for a in cands}))
            return None, (f"fired with container.id {where}" if cands else "no alert")
        same_pid = [a for a in placed if act.pid is not None and a.field("proc.pid") == act.pid]
        best = min(same_pid or placed, key=lambda a: a.arrival)
        return best, None

    def check(self, act):
        where = act.where_label()
        if act.skip is not None:
            self.skipped += 1
            self.rows.append((act.name, where, act.rule, "-", "-", f"skipped: {act.skip}"))
            return
        if not act.ok:
            self.fail_row(act, where, "-", f"action did not run: {act.error}")
            return
        a, why = self.pick(act)
        if a is None:
            self.fail_row(act, where, "no", why)
            return
        for b in self.alerts:
            if b.rule == act.rule and self.in_window(act, b) and self.place_ok(act, b):
                b.used = True
        lat_ms = (a.arrival - act.end) / 1e6
        bad, notes = self.field_problems(act, a)
        if a.arrival - act.end > self.window:
            bad.append(f"late: {lat_ms:.0f} ms after the action ended")
        if bad:
            self.fail_row(act, where, "yes", "; ".join(bad + notes), lat_ms)
        else:
            self.rows.append((act.name, where, act.rule, "yes", f"{lat_ms:.0f}", "; ".join(notes)))

    def fail_row(self, act, where, fired, why, lat_ms=None):
        lat = "-" if lat_ms is None else f"{lat_ms:.0f}"
        self.rows.append((act.name, where, act.rule, fired, lat, "FAIL: " + why))
        self.failures += 1


def unexpected(matcher, actions, cofire):
    """Alerts at Warning or above inside some action's window that neither prove an action
    nor are allowed to co-fire with one.  Returns (failing lines, informational lines)."""
    bad, outside = [], []
    done = [x for x in actions if x.ok]
    for a in matcher.alerts:
        if a.priority not in SEVERE or a.used:
            continue
        if any(x.rule == a.rule and matcher.in_window(x, a) for x in done):
            continue    # the expected rule of an overlapping window: explained
        inside = [x for x in done if matcher.in_window(x, a)]
        if not inside:
            outside.append(a)
            continue
        if any(a.rule in cofire.get(x.name, ()) or a.rule in cofire.get(x.rule, ())
               for x in inside):
            continue
        owner = max(inside, key=lambda x: x.start)
        bad.append((owner, a))
    return bad, outside


def print_table(rows):
    head = ("ACTION", "WHERE", "RULE", "FIRED", "LAT_MS", "NOTE")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    fmt = "  ".join(f"{{:{w}}}" for w in widths) + "  {}"
    print(fmt.format(*head))
    for r in rows:
        print(fmt.format(*r).rstrip())


def missing_actions(listed, acts, in_container):
    """Listed actions that the run for this place did not report."""
    ran = {x.name for x in acts}
    want = ("container", "both") if in_container else ("host", "both")
    return sorted(n for n, (_, w) in listed.items() if w in want and n not in ran)


def cmd_actions(args):
    alerts = load_alerts(args.alerts)
    listed = load_list(args.list)
    host = load_actions(args.host, False)
    ctr = load_actions(args.ctr, True)
    m = Matcher(alerts, load_containers(args.containers), args.window_ms * 1_000_000)
    for act in host + ctr:
        m.check(act)
    print_table(m.rows)
    nmiss = 0
    for place, acts in (("host", host), ("container", ctr)):
        for name in missing_actions(listed, acts, place == "container"):
            print(f"FAIL: listed action {name} did not run on the {place}")
            nmiss += 1
    bad, outside = unexpected(m, host + ctr, load_cofire(args.cofire))
    for owner, a in bad:
        print(f"FAIL: unexpected alert during {owner.name} ({owner.where_label()}): {a.brief()}")
    for a in outside:
        print(f"note: alert outside every action window: {a.brief()}")
    fired = sum(1 for r in m.rows if r[3] == "yes" and not r[5].startswith("FAIL"))
    total = len(host) + len(ctr)
    print(f"summary: {total} actions ({len(host)} host, {len(ctr)} container), {fired} proved, "
          f"{m.failures} failed, {m.skipped} skipped, {nmiss} not run, "
          f"{len(bad)} unexpected alerts, "
          f"{len(outside)} severe alerts outside windows, {len(alerts)} alerts in all")
    return 1 if (m.failures or nmiss or bad or total == 0) else 0


# ---------------------------------------------------------------------------------------------
# baseline

def load_steps(path):
    steps = []
    with open(path, encoding="utf-8") as fp:
        for line in fp:
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 3:
                steps.append((cols[0], int(cols[1]), int(cols[2])))
    return steps


def step_of(steps, t):
    """The latest step an event time falls in (a step's late alerts count for it for 1 s),
    else None."""
    for name, start, end in reversed(steps):
        if start - SLACK_NS <= t <= end + 1_000_000_000:
            return name
    return None


def cmd_baseline(args):
    """Alerts outside every step come from elsewhere on the machine (the suite may run beside
    other jobs): they are listed but do not fail the test."""
    alerts = load_alerts(args.alerts)
    steps = load_steps(args.steps)
    counts = {}
    severe = []
    for a in alerts:
        step = step_of(steps, a.t)
        key = (a.priority, a.rule, step or "(outside the steps)")
        counts[key] = counts.get(key, 0) + 1
        if step and a.priority in SEVERE:
            severe.append((step, a))
    for name, start, end in steps:
        print(f"step {name}: {(end - start) / 1e9:.1f} s")
    for (prio, rule, step), n in sorted(counts.items()):
        mark = "FAIL" if prio in SEVERE and not step.startswith("(") else "note"
        print(f"{mark} {n:4d} x [{prio}] {rule} during {step}")
    for step, a in severe[:40]:
        print(f"FAIL: {step}: {a.brief()}")
    print(f"summary: {len(steps)} steps, {len(alerts)} alerts, "
          f"{len(severe)} at Warning or above during the steps")
    return 1 if severe or not steps else 0


def main():
    p = argparse.ArgumentParser(description="shikra end-to-end alert checker")
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("watch")
    w.add_argument("src")
    w.add_argument("dst")
    a = sub.add_parser("actions")
    for opt in ("--alerts", "--list", "--host", "--ctr", "--cofire"):
        a.add_argument(opt, required=True)
    a.add_argument("--containers")
    a.add_argument("--window-ms", type=int, default=1000)
    b = sub.add_parser("baseline")
    b.add_argument("--alerts", required=True)
    b.add_argument("--steps", required=True)
    args = p.parse_args()
    if args.cmd == "watch":
        watch(args.src, args.dst)
        return 0
    return cmd_actions(args) if args.cmd == "actions" else cmd_baseline(args)


if __name__ == "__main__":
    sys.exit(main())
