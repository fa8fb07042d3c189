"""The sandbox's bot processes die with it, and a port it finds taken is
traced to the process holding it.

A sandbox killed hard (SIGKILL, a closed terminal's SIGHUP to a parent that
cannot forward it, an OOM kill) used to leave its `web` and `worker` running
as orphans, logging "unreachable" every 3 s, and the next `make demo` was told
to press Ctrl-C in a terminal that no longer existed. So each child is started
through this module: `python -m sandbox.children PARENT_PID program args…` asks
Linux to send it SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG, which
survives the exec), then becomes the program. A wrapper that execs rather than
subprocess's preexec_fn: the sandbox has threads running when it starts its
children, and preexec_fn is not safe then (it runs Python between fork and
exec). Linux sends the signal when the *thread* that started the child ends,
so run_sandbox starts them from the thread it runs in and stops them before it
returns. Elsewhere than Linux there is no such call; the children are stopped
only when the sandbox stops normally (Ctrl-C, SIGTERM)."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def guarded(command: list[str]) -> list[str]:
    """`command` run so that it gets SIGTERM when this process dies."""
    return [sys.executable, "-m", "sandbox.children", str(os.getpid()), *command]


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    # The parent may have died before the call above: then nothing will ever send the signal.
    if os.getppid() != parent:
        raise SystemExit(f"sandbox.children: the sandbox (pid {parent}) is gone; not starting {sys.argv[2:]}")


def main(argv: list[str]) -> None:
    parent, command = int(argv[0]), argv[1:]
    _die_with(parent)
    os.execv(command[0], command)


def port_holder(port: int, proc: Path = Path("/proc")) -> tuple[int, str] | None:
    """(pid, command line) of a process listening on TCP `port`, read from
    /proc; None where there is no /proc or the process is not ours to read."""
    inodes = set()
    for table in ("net/tcp", "net/tcp6"):
        try:
            rows = (proc / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return None
    for entry in proc.glob("[0-9]*"):
        try:
            if inodes & set(_links(entry / "fd")):
                words = (entry / "cmdline").read_bytes().rstrip(b"\0").split(b"\0")
                # One line whatever the arguments hold (a `python -c` program has newlines).
                return int(entry.name), " ".join(" ".join(w.decode(errors="replace") for w in words).split())
        except OSError:  # gone meanwhile, or another user's
            continue
    return None


def _links(fds: Path):
    for fd in fds.iterdir():
        try:
            yield os.readlink(fd)
        except OSError:  # closed meanwhile (the listing's own descriptor, for one)
            continue


if __name__ == "__main__":
    main(sys.argv[1:])
