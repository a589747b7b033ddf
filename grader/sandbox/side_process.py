"""Work a sandbox job runs beside its main build, as a second process: start it, later collect its record.

The PostgreSQL build and the notebook's autograde each run this way, so they overlap the main
build on the machine's cores. Each writes one JSON record to the out folder; a process that
overruns is killed, and a missing record is a failed step, never a crash of the job.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from grader.sandbox.recorder import StepFailed


def start(module: str, plan_file: Path, log_file: Path) -> subprocess.Popen:
    """``python -I -m grader.sandbox.<module> PLAN``, its output to ``log_file``."""
    with log_file.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-I", "-m", f"grader.sandbox.{module}", str(plan_file)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def finish(proc: subprocess.Popen, record: Path, *, timeout_s: float, what: str) -> dict[str, Any]:
    """Wait for the process; its record, or StepFailed saying what went wrong."""
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise StepFailed(f"{what} did not finish within {timeout_s:.0f}s.") from None
    if not record.exists():
        raise StepFailed(f"{what} ended without leaving a record (it was killed or crashed).")
    return json.loads(record.read_text())
