"""Draw the learner's work (lineage, DAGs) from the artifacts, for the feedback page.

A picture is a help, never a grade: anything that goes wrong here leaves the page without it.
"""

from __future__ import annotations

from grader.context import Context


def run(ctx: Context) -> None:
    if ctx.artifacts is None:
        return
    try:
        ctx.work = ctx.artifacts.work_graph()
    except Exception:  # a half-written manifest, a DAG description of another shape: no picture
        ctx.work = None
