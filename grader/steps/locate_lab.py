"""Find the lab's folder in the workspace and refuse what cannot be a submission."""

from __future__ import annotations

from grader.context import Context, Stop
from grader.model import Status


def run(ctx: Context) -> None:
    if not ctx.workspace.is_dir():
        raise Stop(Status.NOT_GRADABLE, f"The workspace {ctx.shown_workspace} does not exist or is not a folder.")
    lab_dir = ctx.workspace / ctx.spec.id
    if not lab_dir.is_dir():
        raise Stop(
            Status.NOT_GRADABLE,
            f"No folder {ctx.spec.id}/ in {ctx.shown_workspace}: a workspace is shaped like labs/ "
            f"(one folder per lab, e.g. {ctx.spec.id}/).",
        )
    if not any(p.is_file() for p in lab_dir.rglob("*")):
        raise Stop(Status.NOT_GRADABLE, f"{ctx.spec.id}/ is empty: there is nothing to grade.")
    project = lab_dir / ctx.spec.project
    if not (project / ctx.spec.required).exists():
        where = f"{ctx.spec.project}/{ctx.spec.required}".removeprefix("./")
        raise Stop(
            Status.NOT_GRADABLE,
            f"No {where} in {ctx.spec.id}/: the lab's project is missing "
            f"(restore it from the starter with `git checkout labs/{ctx.spec.id}/{ctx.spec.project}`).",
        )
    ctx.lab_dir = lab_dir
