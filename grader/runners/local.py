"""The embedded runner: the sandbox job as a subprocess of the course environment.

No Docker needed. The job gets its own session (so the whole process tree can be killed), a
minimal environment, a wall-time limit enforced from here with SIGKILL, and a cap on file sizes.
Memory, process and network limits need the container runner. A lab that needs PostgreSQL gets
an embedded server (grader.services.SERVICES: PostgreSQL from the `pgserver` wheel) started here
and stopped when the job ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.runners.base import JobOutcome, RunnerUnavailable
from grader.services import SERVICES

MAX_FILE_BYTES = 2 * 1024**3  # a job that prints or writes more than this is stopped by the kernel


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class LocalRunner:
    name = "local"

    def run(
        self, plan: dict[str, Any], work_dir: Path, *, timeout_s: float, on_progress: Callable[[str], None]
    ) -> JobOutcome:
        with contextlib.ExitStack() as services:
            for name in plan.get("services", ()):
                plan = {**plan, name: _start(services, name).connection_kwargs()}
            return self._run(plan, work_dir, timeout_s=timeout_s, on_progress=on_progress)

    def _run(
        self, plan: dict[str, Any], work_dir: Path, *, timeout_s: float, on_progress: Callable[[str], None]
    ) -> JobOutcome:
        out_dir = Path(plan["out_dir"])
        out_dir.mkdir(parents=True, exist_ok=True)
        plan_file = work_dir / "plan.json"
        plan_file.write_text(json.dumps(plan, indent=1))
        home = work_dir / "home"
        home.mkdir(exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "TMPDIR": str(work_dir),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        }
        log_path = work_dir / "job-output.log"
        start = time.monotonic()
        with log_path.open("wb") as log:
            # -I: ignore PYTHONPATH, user site and the current folder, so nothing the submission
            # ships (a sitecustomize.py, a fake grader package) is imported by the job itself.
            proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "grader.sandbox", str(plan_file)],
                cwd=work_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_limit_child,
            )
            timed_out = self._wait(proc, out_dir / "progress.log", start + timeout_s, on_progress)
        _kill_group(proc.pid)  # whatever the job left running dies with it
        return JobOutcome(
            exit_code=None if timed_out else proc.returncode,
            timed_out=timed_out,
            duration_s=time.monotonic() - start,
            out_dir=out_dir,
            output_tail=_tail(log_path),
        )

    @staticmethod
    def _wait(proc: subprocess.Popen, progress: Path, deadline: float, on_progress: Callable[[str], None]) -> bool:
        seen = 0
        while True:
            seen = _follow(progress, seen, on_progress)
            if proc.poll() is not None:
                _follow(progress, seen, on_progress)
                return False
            if time.monotonic() > deadline:
                _kill_group(proc.pid)
                proc.wait()
                return True
            time.sleep(0.2)


def _start(services: contextlib.ExitStack, name: str) -> Any:
    """The embedded server of one service kind, stopped when the job ends."""
    kind = SERVICES[name]
    if kind.local is None:
        raise RunnerUnavailable(f"This lab needs {kind.what}, which only --isolation container provides.")
    try:
        return services.enter_context(kind.local())
    except Exception as exc:
        raise RunnerUnavailable(
            f"The embedded {kind.what} server did not start: {exc}. Run `make setup` again, "
            "or grade with --isolation container."
        ) from exc


def _follow(progress: Path, seen: int, on_progress: Callable[[str], None]) -> int:
    if not progress.exists():
        return seen
    with progress.open("rb") as f:
        f.seek(seen)
        chunk = f.read(64 * 1024)
    complete = chunk[: chunk.rfind(b"\n") + 1]
    for line in complete.decode("utf-8", "replace").splitlines():
        on_progress(line)
    return seen + len(complete)


def _kill_group(pid: int) -> None:
    """The job's process group, and every process below the job in a group of its own.

    The job runs risky calls in forked children that lead process groups of their own (so a
    fork bomb can be stopped as one); those groups are found through the job's descendants,
    before the job dies and they are orphaned.
    """
    try:
        import psutil

        family = psutil.Process(pid).children(recursive=True)
    except Exception:  # psutil missing, or the job already gone (its group may still hold members)
        family = []
    groups = {pid}
    for process in family:
        with contextlib.suppress(Exception):
            groups.add(os.getpgid(process.pid))
    groups.discard(os.getpgid(0))  # never the grader's own group
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
    for process in family:
        with contextlib.suppress(Exception):
            process.kill()


def _tail(path: Path, limit: int = 4000) -> str:
    size = path.stat().st_size if path.exists() else 0
    with path.open("rb") as f:
        f.seek(max(0, size - limit))
        return f.read().decode("utf-8", "replace")
