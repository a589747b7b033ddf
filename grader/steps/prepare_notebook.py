"""Give the job what nbgrader needs to autograde the lab notebook: a copy of the cached gradebook.

The gradebook holds the hidden tests. It goes into the job's folder, where only the sandbox
reads it; feedback quotes none of it (see grader/notebook_grading.py).
"""

from __future__ import annotations

import shutil

from grader.context import Context, Stop
from grader.model import Status
from grader.notebook_grading import prepare_course


def run(ctx: Context) -> None:
    if not ctx.spec.notebook:
        return
    assert ctx.work_dir is not None
    assert ctx.staged_lab is not None
    try:
        course = prepare_course(ctx.spec.id, ctx.spec.notebook)
    except (RuntimeError, OSError) as exc:  # the grader's own files or nbgrader: never the learner's fault
        raise Stop(Status.ERROR, f"The notebook's gradebook could not be prepared: {exc}") from exc
    job_course = ctx.work_dir / "job" / "nbgrader"
    shutil.copytree(course, job_course)
    ctx.job_options["notebook"] = {
        "path": str(ctx.staged_lab / ctx.spec.notebook),
        "assignment": ctx.spec.id,
        "course_dir": str(job_course),
        "cell_timeout_s": 30,
        "timeout_s": 180,
    }
