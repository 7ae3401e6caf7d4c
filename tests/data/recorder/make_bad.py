"""make_bad.py - write the synthetic bad-input logs in tests/data/bad/.

usage: python3 tests/data/recorder/make_bad.py [OUTDIR]     (default: tests/data/bad)

These files are NOT genuine kernel output.  They start from record lines of audit-raw.log
(an execve of cat, a connect() from act64) and then break them on purpose: truncated,
odd-length and non-hex hex, absurd aN_len, a 2 MB line, NUL bytes, missing fields, a serial
that never completes, garbage between good lines, CRLF endings.  Every file but empty.log and
blank-lines.log starts with a good audit line, so a reader that sniffs the first line still takes
it for an audit log, and good events sit between the bad lines, so a reader that skips bad lines
is seen to recover.
"""
import os
import sys

TS = b"1795405471.875"
PT_CAT = (b"636174002F746D702F7368696B72612D676F6C64656E2E3376306270502F746573742F7368656C6C2F"
          b"7265706F727420C3A974C3A920323032342E747874")
NAME_CAT = (b"2F746D702F7368696B72612D676F6C64656E2E3376306270502F746573742F7368656C6C2F"
            b"7265706F727420C3A974C3A920323032342E747874")
KEY_EXEC = b"65786563017368696B72612D676F6C64656E"


def hdr(rtype, serial, ts=TS):
    return b"type=%s msg=audit(%s:%d): " % (rtype, ts, serial)


def syscall_exec(serial, ts=TS, items=2):
    return hdr(b"SYSCALL", serial, ts) + (
        b"arch=c000003e syscall=59 success=yes exit=0 a0=56082f1b8ac0 a1=56082f1edd30 "
        b"a2=56082f1dd9c0 a3=da44cc2e41f3ed5f items=%d ppid=14818 pid=14958 auid=0 uid=0 gid=0 "
        b"euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=2 comm=\"cat\" "
        b"exe=\"/usr/bin/cat\" key=%s" % (items, KEY_EXEC))


def exec_event(serial, ts=TS):
    """The complete execve-of-cat event, one bytes object per record line."""
    return [
        syscall_exec(serial, ts),
        hdr(b"EXECVE", serial, ts) + b"argc=2 a0=\"cat\" a1=" + NAME_CAT,
        hdr(b"CWD", serial, ts) + b"cwd=\"/work/wt/golden\"",
        hdr(b"PATH", serial, ts) + (
            b"item=0 name=\"/usr/bin/cat\" inode=247134 dev=fe:00 mode=0100755 ouid=0 ogid=0 "
            b"rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0"),
        hdr(b"PATH", serial, ts) + (
            b"item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=332383 dev=fe:00 mode=0100755 "
            b"ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
            b"cap_frootid=0"),
        hdr(b"PROCTITLE", serial, ts) + b"proctitle=" + PT_CAT,
    ]


def connect_event(serial, saddr=b"020094BD7F0000010000000000000000"):
    return [
        hdr(b"SYSCALL", serial) + (
            b"arch=c000003e syscall=42 success=yes exit=0 a0=4 a1=7ffec4b7ab70 a2=10 "
            b"a3=7efda8b63a08 items=0 ppid=14818 pid=14965 auid=0 uid=0 gid=0 euid=0 suid=0 "
            b"fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=2 comm=\"act64\" "
            b"exe=\"/tmp/shikra-golden.3v0bpP/bin/act64\" key=\"shikra-golden\""),
        hdr(b"SOCKADDR", serial) + b"saddr=" + saddr,
        hdr(b"PROCTITLE", serial) + b"proctitle=2F746D702F6163743634",
    ]


def lines(*groups):
    out = []
    for g in groups:
        out.extend(g if isinstance(g, list) else [g])
    return b"".join(line + b"\n" for line in out)


def truncated():
    return lines(
        exec_event(1001),
        hdr(b"SYSCALL", 1002)[:-2] + b": arch=c000003e syscall=42 succ",
        b"type=SOCKADDR msg=audit(1795405471.8",
        b"type=",
        b"type=SYSCALL msg=audit(",
        connect_event(1003),
        exec_event(1004)[:3],
    ) + hdr(b"PROCTITLE", 1004) + b"proctitle=636174002F746D"      # no final newline


def hex_values():
    ev = exec_event(1101)
    return lines(
        exec_event(1100),
        ev[0],
        hdr(b"EXECVE", 1101) + b"argc=3 a0=\"cat\" a1=2F746D7 a2=ZZ41",      # odd length, non-hex
        ev[2], ev[3], ev[4],
        hdr(b"PROCTITLE", 1101) + b"proctitle=41424",                      # odd length
        syscall_exec(1102, items=1),
        hdr(b"EXECVE", 1102) + b"argc=2 a0=\"cat\" a1=",                     # empty value
        hdr(b"PATH", 1102) + b"item=0 name=2F746D702G nametype=NORMAL",        # non-hex digit
        hdr(b"PROCTITLE", 1102) + b"proctitle=",                           # empty hex
        connect_event(1103, b"0200"),                                      # AF_INET, too short
        connect_event(1104, b"020094BD7F00000"),                           # odd length
        connect_event(1105, b"XYZ"),                                       # not hex at all
        connect_event(1106, b"0a0094bd0000000000000000000000000000000000000001"),  # lower case
        connect_event(1107, b"FFFF" + b"00" * 14),                         # unknown family
        syscall_exec(1108)[:-len(KEY_EXEC)] + b"6578656301",                # key: odd part
        syscall_exec(1109)[:-len(KEY_EXEC)] + b"6G",                        # key: non-hex
        exec_event(1110),
    )


def execve_len():
    def ev(serial, *execve):
        base = exec_event(serial)
        return [base[0]] + [hdr(b"EXECVE", serial) + e for e in execve] + base[2:]

    return lines(
        exec_event(1200),
        ev(1201, b"argc=2 a0=\"cat\" a1_len=99999999999999999999", b" a1[0]=41"),
        ev(1202, b"argc=2 a0=\"cat\" a1_len=-5", b" a1[0]=41"),
        ev(1203, b"argc=2 a0=\"cat\" a1_len=4294967296", b" a1[0]=41"),
        ev(1204, b"argc=2 a0=\"cat\" a1_len=10", b" a1[0]=41424344"),          # short
        ev(1205, b"argc=2 a0=\"cat\" a1_len=2", b" a1[0]=41424344454647484950"),  # long
        ev(1206, b"argc=2 a0=\"cat\" a1_len=4", b" a1[1]=4344", b" a1[0]=4142"),  # order
        ev(1207, b"argc=2 a0=\"cat\" a1_len=4", b" a1[0]=4142", b" a1[0]=4142"),  # duplicate
        ev(1208, b"argc=2 a0=\"cat\" a1_len=4", b" a1[0]=4142", b" a1[7]=4344"),  # gap
        ev(1209, b"argc=2 a0=\"cat\" a1[0]=4142"),                             # no aN_len
        ev(1210, b"argc=100000000 a0=\"cat\" a1=\"x\""),
        ev(1211, b"argc=-1 a0=\"cat\""),
        ev(1212, b"argc=2 a0=\"cat\" a1=\"x\" a5=\"beyond argc\""),
        ev(1213, b"argc=2 a0=\"cat\" a1_len=0"),
        ev(1214, b"argc=2 a0=\"cat\" a1_len=4 a1[99999999999999999999]=41424344"),
        exec_event(1215),
    )


def long_line():
    big = b"41" * (1024 * 1024)                  # 2 MiB of hex on one line
    base = exec_event(1301)
    return lines(
        exec_event(1300),
        base[0],
        hdr(b"EXECVE", 1301) + b"argc=2 a0=\"cat\" a1=" + big,
        base[2:],
        exec_event(1302),
    )


def nul_bytes():
    ev = exec_event(1401)
    return lines(
        exec_event(1400),
        ev[0][:60] + b"\0" + ev[0][60:],
        ev[1:],
        b"\0\0\0\0",
        b"\0" + exec_event(1402)[0],
        exec_event(1402)[1:],
        hdr(b"PROCTITLE", 1403) + b"proctitle=\"cat\0evil\"",
        exec_event(1404),
    )


def missing_fields():
    full = syscall_exec(1500)
    body = full[len(hdr(b"SYSCALL", 1500)):]
    return lines(
        exec_event(1500),
        b"msg=audit(1795405471.875:1501): " + body,                        # no type=
        b"type=SYSCALL " + body,                                           # no msg=
        b"type=SYSCALL msg=audit(): " + body,
        b"type=SYSCALL msg=audit(1795405471.875): " + body,                # no serial
        b"type=SYSCALL msg=audit(:1502): " + body,                         # no time
        b"type=SYSCALL msg=audit(abc.def:1503): " + body,
        b"type=SYSCALL msg=audit(1795405471.875:1504) " + body,            # no colon
        b"type=SYSCALL msg=audit(1795405471.875:18446744073709551616): " + body,
        b"type=SYSCALL msg=audit(1795405471.875:1505):",                   # no fields
        b"type= msg=audit(1795405471.875:1506): " + body,
        b"type=SYSCALL msg=audit(1795405471.875:1507): " + body.replace(b"syscall=59 ", b""),
        b"type=SYSCALL msg=audit(1795405471.875:1508): " + body.replace(b"arch=c000003e ", b""),
        b"type=SYSCALL msg=audit(1795405471.875:1509): " + body.replace(b"syscall=59", b"syscall=execve"),
        b"type=SYSCALL msg=audit(1795405471.875:1510): " + body.replace(b"arch=c000003e", b"arch=zzz"),
        b"type=SYSCALL msg=audit(1795405471.875:1511): " + body.replace(b"pid=14958", b"pid="),
        b"type=SYSCALL msg=audit(1795405471.875:1512): " + body.replace(b"pid=14958", b"pid=-1"),
        b"type=SYSCALL msg=audit(1795405471.875:1513): " + body.replace(b" uid=0", b" uid=99999999999999"),
        b"type=SYSCALL msg=audit(1795405471.875:1514): " + body.replace(b"pid=14958", b"pid=1 pid=2"),
        b"type=SYSCALL msg=audit(1795405471.875:1515): " + body.replace(b"arch=c000003e", b"arch c000003e"),
        b"type=SYSCALL msg=audit(1795405471.875:1516): " + body.replace(b"comm=\"cat\"", b"comm=\"cat"),
        b"type=SYSCALL msg=audit(1795405471.875:1517): " + body.replace(b"success=yes", b"success=maybe"),
        syscall_exec(1518, items=2),
        hdr(b"PATH", 1518) + b"name=\"/usr/bin/cat\" nametype=NORMAL",      # no item=
        hdr(b"PATH", 1518) + b"item=-1 name=\"/usr/bin/cat\"",
        connect_event(1519)[0],
        hdr(b"SOCKADDR", 1519) + b"fam=inet",                               # no saddr=
        b"type=UNKNOWN[9999] msg=audit(1795405471.875:1520): something=1",
        exec_event(1521),
    )


def never_complete():
    ev = exec_event(1600)
    out = [ev[0], ev[1], ev[3]]                  # SYSCALL, EXECVE, PATH item 0 of 1600 ...
    for serial in range(1601, 1641):
        out += exec_event(serial)
    out.append(ev[4])                            # ... PATH item 1 only 40 events later,
    out += [hdr(b"PATH", 1650) + b"item=0 name=\"/orphan\" nametype=NORMAL",
            hdr(b"PROCTITLE", 1650) + b"proctitle=6F727068616E"]       # no SYSCALL at all
    out.append(b"type=EOE msg=audit(1795405471.875:1660): ")               # EOE, never started
    out += exec_event(1661) + [b"type=EOE msg=audit(1795405471.875:1661): "]
    out += exec_event(1662)[:2]                  # last serial: cut off by the end of the file
    return lines(exec_event(1599), out)          # and PROCTITLE of 1600 never comes


def garbage():
    return lines(
        exec_event(1700),
        b"hello world",
        b"",
        b"   \t  ",
        b"\xff\xfe\xfd not utf-8 \xc3\x28",
        b"\x1b[2J\x1b[31mred text\x1b[0m",
        exec_event(1701),
        b"{\"type\": \"json in the middle\"}",
        b"Nov 23 03:44:00 vm audit[123]: " + syscall_exec(1702),
        b"node=vm " + syscall_exec(1703),
        b"=" * 5000,
        b"type=SYSCALL msg=audit(1795405471.875:1704): " + b"x=y " * 4000,
        b"\r",
        exec_event(1705),
    )


def crlf():
    crlf_ev = b"".join(line + b"\r\n" for line in exec_event(1801))
    mixed = exec_event(1802)
    return (lines(exec_event(1800)) + crlf_ev
            + mixed[0] + b"\r\n" + mixed[1] + b"\n" + mixed[2] + b"\r\r\n"
            + b"\n".join(mixed[3:]) + b"\r\n"
            + exec_event(1803)[0].replace(b"comm=\"cat\"", b"comm=\"c\rat\"") + b"\r\n"
            + lines(exec_event(1803)[1:], exec_event(1804)))


def enriched():
    gs = b"\x1d"
    ev = exec_event(1901)
    return lines(
        exec_event(1900)[0] + gs + b"ARCH=x86_64 SYSCALL=execve AUID=\"root\" UID=\"root\"",
        exec_event(1900)[1:],
        ev[0] + gs,                                                        # empty enrichment
        ev[1] + gs + b"A=1" + gs + b"B=2",                                  # two separators
        ev[2][:40] + gs + ev[2][40:],                                      # inside a value
        ev[3] + gs + b"ARCH=x86_64 SYSCALL",                                # field without =
        ev[4] + gs + b"OUID=\"root",                                        # open quote
        gs + ev[5],                                                        # at line start
        exec_event(1902),
    )


def order():
    return lines(
        exec_event(2000, ts=b"1795405471.875"),
        exec_event(2001, ts=b"1795405400.000"),      # time goes backwards
        exec_event(2001, ts=b"1795405472.000"),      # same serial, another time: another event
        exec_event(0, ts=b"1795405472.001"),         # serial 0
        exec_event(4294967295, ts=b"1795405472.002"),
        exec_event(5, ts=b"1795405472.003"),         # serial wraps
        exec_event(2002, ts=b"4102444800.000"),      # the year 2100
        exec_event(2003, ts=b"1795405472.0041"),     # four digits of milliseconds
        exec_event(2004, ts=b"99999999999999999999.000"),
        exec_event(2005, ts=b"1795405472.005"),
    )


FILES = {
    "truncated.log": truncated,
    "hex-values.log": hex_values,
    "execve-len.log": execve_len,
    "long-line.log": long_line,
    "nul-bytes.log": nul_bytes,
    "missing-fields.log": missing_fields,
    "never-complete.log": never_complete,
    "garbage.log": garbage,
    "crlf.log": crlf,
    "enriched-bad.log": enriched,
    "order.log": order,
    "empty.log": lambda: b"",
    "blank-lines.log": lambda: b"\n\n   \n\t\n\n",
}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "tests/data/bad"
    os.makedirs(outdir, exist_ok=True)
    for name, make in FILES.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main()
