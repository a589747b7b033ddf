"""The grading pipeline as data: a list of steps, each in its own module under grader/steps/.

A step takes the context and fills in what the next one needs; it stops the run by raising
``Stop`` with a status (not gradable, or an infrastructure error) and a message for the learner.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.labs import LabSpec
from grader.model import LabReport, Status, TestResult
from grader.runners import Runner


class Stop(Exception):
    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Context:
    spec: LabSpec
    workspace: Path
    isolation: str
    runner: Runner
    on_progress: Callable[[str], None]
    extra_check_modules: list[Any] = field(default_factory=list)
    work_dir: Path | None = None
    lab_dir: Path | None = None
    staged_lab: Path | None = None
    out_dir: Path | None = None
    artifacts: Any = None
    results: list[TestResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    job_steps: list[dict] = field(default_factory=list)
    job_options: dict[str, Any] = field(default_factory=dict)  # added to the job's plan by earlier steps


def steps() -> list[Callable[[Context], None]]:
    from grader.steps import judge, locate_lab, prepare_notebook, run_job, stage_submission

    return [locate_lab.run, stage_submission.run, prepare_notebook.run, run_job.run, judge.run]


def grade_lab(ctx: Context, *, keep_work: bool = False) -> LabReport:
    start = time.monotonic()
    ctx.work_dir = Path(tempfile.mkdtemp(prefix=f"grader-{ctx.spec.id}-"))
    status = Status.GRADED
    try:
        for step in steps():
            step(ctx)
    except Stop as stop:
        status = stop.status
        ctx.problems.append(stop.message)
    finally:
        if not keep_work:
            shutil.rmtree(ctx.work_dir, ignore_errors=True)
    return LabReport(
        lab=ctx.spec.id,
        workspace=str(ctx.workspace),
        isolation=ctx.isolation,
        status=status,
        tests=tuple(ctx.results) if status is Status.GRADED else (),
        duration_s=time.monotonic() - start,
        problems=tuple(ctx.problems),
        steps=tuple(ctx.job_steps),
    )
