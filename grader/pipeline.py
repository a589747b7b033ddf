"""The grading pipeline as data: a list of steps, each in its own module under grader/steps/.

A step takes the context (grader/context.py) and fills in what the next one needs; it stops the
run by raising ``Stop`` with a status (not gradable, or an infrastructure error) and a message for
the learner.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from grader.context import Context, Stop
from grader.model import LabReport, Status
from grader.steps import draw_work, judge, locate_lab, prepare_notebook, run_job, stage_submission

STEPS: list[Callable[[Context], None]] = [
    locate_lab.run,
    stage_submission.run,
    prepare_notebook.run,
    run_job.run,
    judge.run,
    draw_work.run,
]


def grade_lab(ctx: Context, *, keep_work: bool = False) -> LabReport:
    start = time.monotonic()
    ctx.work_dir = Path(tempfile.mkdtemp(prefix=f"grader-{ctx.spec.id}-"))
    status = Status.GRADED
    try:
        ctx.options = ctx.spec.options()  # the lab's plan data, built now rather than at import
        for step in STEPS:
            step(ctx)
    except Stop as stop:
        status = stop.status
        ctx.problems.append(stop.message)
    finally:
        if not keep_work:
            shutil.rmtree(ctx.work_dir, ignore_errors=True)
    return LabReport(
        lab=ctx.spec.id,
        workspace=ctx.shown_workspace,
        isolation=ctx.isolation,
        status=status,
        tests=tuple(ctx.results) if status is Status.GRADED else (),
        duration_s=time.monotonic() - start,
        problems=tuple(ctx.problems),
        steps=tuple(ctx.job_steps),
        work=ctx.work if status is Status.GRADED else None,
    )
