"""Stop a server when the process that started it is gone without stopping it.

An embedded PostgreSQL or Redis, or a component of lab 05's Airflow cluster, outlives its owner
when the owner is killed (a notebook kernel restarted, a grading stopped with SIGKILL): no
``atexit`` runs. The owner starts this small process beside each server, in a session of its
own; it checks every second whether the owner still lives, and when it does not, it stops the
server (or the component's process group) and removes its folder. A clean stop ends it first.

    python -m grader.sandbox.watchdog --owner 4242 --pidfile /tmp/grader-pg-x/postmaster.pid --remove /tmp/grader-pg-x
    python -m grader.sandbox.watchdog --owner 4242 --group 5151 --remove /tmp/grader-redis-y
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def start(
    owner: int, *, pidfile: Path | None = None, group: int | None = None, remove: Path | None = None
) -> subprocess.Popen[bytes]:
    """The watchdog of one server, started detached (it must survive its owner's process group)."""
    command = [sys.executable, "-m", "grader.sandbox.watchdog", "--owner", str(owner)]
    if remove is not None:
        command += ["--remove", str(remove)]
    if pidfile is not None:
        command += ["--pidfile", str(pidfile)]
    if group is not None:
        command += ["--group", str(group)]
    return subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def stop(watchdog: subprocess.Popen[bytes] | None) -> None:
    """The owner stopped its server itself: the watchdog has nothing left to do."""
    if watchdog is not None and watchdog.poll() is None:
        watchdog.kill()
        watchdog.wait()


def _answers(send: Callable[[int, int], None], target: int) -> bool:
    """Whether a process (``os.kill``) or a process group (``os.killpg``) exists: signal 0 tells."""
    try:
        send(target, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive(pid: int) -> bool:
    if not _answers(os.kill, pid):
        return False
    # a zombie still answers: read its state where /proc has it
    with contextlib.suppress(OSError, IndexError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1] != "Z"
    return True


def _server_pid(pidfile: Path) -> int | None:
    """The postmaster's pid: the first line of its postmaster.pid."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(pidfile.read_text().splitlines()[0])
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grader.sandbox.watchdog", description=__doc__.splitlines()[0])
    parser.add_argument("--owner", type=int, required=True)
    parser.add_argument("--pidfile", type=Path, help="stop the process whose pid is this file's first line")
    parser.add_argument("--group", type=int, help="stop this process group")
    parser.add_argument("--remove", type=Path, help="the server's folder, removed after it stops")
    args = parser.parse_args(argv)
    while _alive(args.owner):
        time.sleep(1)
    server = _server_pid(args.pidfile) if args.pidfile else None
    # PostgreSQL's fast shutdown (SIGINT) first, then SIGKILL for what is left
    for sig, wait_s in ((signal.SIGINT, 10.0), (signal.SIGKILL, 2.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if server is not None:
                os.kill(server, sig)
            if args.group is not None:
                os.killpg(args.group, sig)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and (
            (server is not None and _alive(server)) or (args.group is not None and _answers(os.killpg, args.group))
        ):
            time.sleep(0.2)
    if args.remove is not None:
        shutil.rmtree(args.remove, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
