"""py_actions.py - network and memfd actions for the golden audit recordings (run by record.sh).

usage: python3 py_actions.py DIR net|memfd

net:   TCP and UDP connects to loopback listeners over IPv4 and IPv6, and a unix socket connect.
memfd: copy /bin/echo into a memfd (os.memfd_create) and exec it through /proc/self/fd/N.
"""
import os
import socket
import sys


def tcp(family, host):
    with socket.socket(family, socket.SOCK_STREAM) as srv:
        srv.bind((host, 0))
        srv.listen(1)
        with socket.create_connection(srv.getsockname()[:2]) as cli:
            conn, peer = srv.accept()
            cli.sendall(b"ping")
            conn.recv(4)
            conn.close()
        print(f"py: tcp {host} ok", file=sys.stderr)


def udp(family, host):
    with socket.socket(family, socket.SOCK_DGRAM) as srv:
        srv.bind((host, 0))
        with socket.socket(family, socket.SOCK_DGRAM) as cli:
            cli.connect(srv.getsockname()[:2])
            cli.send(b"ping")
            srv.recv(4)
        print(f"py: udp {host} ok", file=sys.stderr)


def unix(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as srv:
        srv.bind(path)
        srv.listen(1)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as cli:
            cli.connect(path)
            srv.accept()[0].close()
    os.unlink(path)
    print("py: unix ok", file=sys.stderr)


def memfd():
    fd = os.memfd_create("py memfd echo")
    with open("/bin/echo", "rb") as src:
        os.write(fd, src.read())
    pid = os.fork()
    if pid == 0:
        devnull = os.open("/dev/null", os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execve(f"/proc/self/fd/{fd}", ["memfd-echo", "hello from memfd"], {"PATH": "/usr/bin:/bin"})
    _, status = os.waitpid(pid, 0)
    print(f"py: memfd exec status {status}", file=sys.stderr)


def main():
    d, what = sys.argv[1], sys.argv[2]
    if what == "net":
        tcp(socket.AF_INET, "127.0.0.1")
        tcp(socket.AF_INET6, "::1")
        udp(socket.AF_INET, "127.0.0.1")
        udp(socket.AF_INET6, "::1")
        unix(os.path.join(d, "py unix.sock"))
    elif what == "memfd":
        memfd()
    else:
        sys.exit(f"py_actions: unknown action {what}")


if __name__ == "__main__":
    main()
