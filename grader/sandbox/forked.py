"""Run risky calls in a forked child, with a deadline per call enforced from the parent.

Forking after Airflow is imported costs milliseconds (the child shares the parent's memory until
it writes). A child that loops forever (even with SIGALRM ignored) is killed at the deadline, one
that calls ``sys.exit()`` or ``os._exit()`` ends only itself. The parent learns what happened to
each call and goes on grading the rest.

``map_in_fork`` makes the calls one after another in one child, so what the first call warms up
(Airflow's first ``dag.test()`` costs seconds, the next ones a fraction) serves the others; only
after a call that had to be stopped does a new child take over the remaining ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_RESULT = 4 * 1024 * 1024


@dataclass(frozen=True)
class ForkResult:
    value: Any = None
    problem: str | None = None  # what went wrong, in words for the learner; None when value is the answer


def map_in_fork(fn: Callable[[Any], Any], items: list[Any], *, timeout_s: float) -> list[ForkResult]:
    """``[fn(item) for item in items]`` in forked children, each call with its own deadline."""
    results: list[ForkResult] = []
    while len(results) < len(items):
        results += _one_child(fn, items[len(results) :], timeout_s)
    return results


def _one_child(fn: Callable[[Any], Any], items: list[Any], timeout_s: float) -> list[ForkResult]:
    """Results of the calls one child got through, the last one a problem if the child had to stop."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)  # a group of its own: whatever it starts (a fork bomb too) goes with it
        os.close(read_end)
        with os.fdopen(write_end, "wb", buffering=0) as pipe:
            for item in items:
                pipe.write(_payload(fn, item) + b"\n")
        os._exit(0)
    with contextlib.suppress(OSError):  # set on both sides, so no kill can come before the child's own call
        os.setpgid(pid, pid)
    os.close(write_end)
    results: list[ForkResult] = []
    buffer = b""
    deadline = time.monotonic() + timeout_s
    try:
        while len(results) < len(items):
            chunk = _read_some(read_end, deadline)
            if chunk is None:
                _kill_tree(pid)
                return [*results, ForkResult(problem=f"did not finish within {timeout_s:.0f} s and was stopped")]
            if not chunk:  # the child is gone before answering this call
                return [*results, ForkResult(problem="ended the process before finishing")]
            buffer += chunk
            while b"\n" in buffer and len(results) < len(items):
                line, buffer = buffer.split(b"\n", 1)
                results.append(_result(line))
                deadline = time.monotonic() + timeout_s
        return results
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
        _kill_group(pid)  # what the child left running when it ended, stopped or not


def _kill_tree(pid: int) -> None:
    """The child and every process it started, even one in a session of its own (which the runner's
    kill of the job's process group would miss): found before the child dies and its own are orphaned."""
    try:
        import psutil

        family = psutil.Process(pid).children(recursive=True)
    except Exception:  # psutil missing or the child already gone: the child alone
        family = []
    _kill_group(pid)
    for process in family:
        with contextlib.suppress(Exception):
            process.kill()


def _kill_group(pgid: int) -> None:
    """SIGKILL the child's process group until no member is left.

    A fork bomb forks between two kills, so one kill is not enough; a killed process forks no
    more, so a few rounds empty the group.
    """
    for _ in range(1000):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.005)


def _payload(fn: Callable[[Any], Any], item: Any) -> bytes:
    try:
        payload = {"value": fn(item)}
    except BaseException as exc:  # SystemExit too: the learner's code may raise anything
        payload = {"problem": f"{type(exc).__name__}: {exc}"[:600]}
    data = json.dumps(payload, default=str).encode()
    return data if len(data) < MAX_RESULT else json.dumps({"problem": "returned too much to read"}).encode()


def _result(line: bytes) -> ForkResult:
    payload = json.loads(line)
    return ForkResult(value=payload.get("value"), problem=payload.get("problem"))


def _read_some(fd: int, deadline: float) -> bytes | None:
    """The next bytes from the child; b"" when it closed the pipe, None at the deadline."""
    while (remaining := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
        if ready:
            return os.read(fd, 1 << 20)
    return None
