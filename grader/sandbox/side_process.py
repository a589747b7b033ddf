"""Work a sandbox job runs beside its main build, as a second process: start it, later collect its record.

The PostgreSQL build and the notebook's autograde each run this way, so they overlap the main
build on the machine's cores. The notebook's is a fresh interpreter (``start``); the PostgreSQL
build is a fork of the job (``fork``), which has dbt imported already: a fresh interpreter spent
2.6 s of CPU importing dbt again, on a machine with two cores. Both run niced (``NICE``): the main
build is what the learner waits for, and the side work fills the core it leaves idle. Each writes
one JSON record to the out folder; a process that overruns is killed, and a missing record is a
failed step, never a crash of the job.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.sandbox.recorder import StepFailed

# Below the main build's priority: three busy processes on two cores slowed the main build's parse
# by half, while the side work still finished before the main build needed it.
NICE = 10


def _lower_priority() -> None:
    os.nice(NICE)


def start(module: str, plan_file: Path, log_file: Path) -> subprocess.Popen:
    """``python -I -m grader.sandbox.<module> PLAN``, its output to ``log_file``."""
    with log_file.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-I", "-m", f"grader.sandbox.{module}", str(plan_file)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_lower_priority,
        )


class ForkedChild:
    """A forked child, waited for and killed the way a ``subprocess.Popen`` is."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
            elif deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"fork {self.pid}", timeout or 0)
            else:
                time.sleep(0.05)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, 9)
            self.wait()


def fork(work: Callable[[str], int], plan_file: Path, log_file: Path) -> ForkedChild:
    """``work(plan_file)`` in a forked child, its output to ``log_file``.

    Only for a job with no threads running (dbt starts its threads per command and joins them):
    a fork copies the calling thread alone.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return ForkedChild(pid)
    code = 1
    try:  # the child: never return into the job's own steps
        _lower_priority()
        log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        code = work(str(plan_file))
    except BaseException as exc:  # the record is missing then, and finish() says so
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def finish(proc: subprocess.Popen | ForkedChild, record: Path, *, timeout_s: float, what: str) -> dict[str, Any]:
    """Wait for the process; its record, or StepFailed saying what went wrong."""
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise StepFailed(f"{what} did not finish within {timeout_s:.0f}s.") from None
    if not record.exists():
        raise StepFailed(f"{what} ended without leaving a record (it was killed or crashed).")
    return json.loads(record.read_text())
