"""Grade the labs of one workspace: the function behind `grader check`."""

from __future__ import annotations

import sys
from pathlib import Path

from grader.checks import import_pack
from grader.context import Context
from grader.labs import UnknownLab, graded_lab_ids, load_spec, resolve_lab_id
from grader.model import LabReport, Status
from grader.pipeline import grade_lab
from grader.reports import write_reports
from grader.reports.console import progress, summary
from grader.runners import RunnerUnavailable, get_runner


def lab_ids(name: str) -> list[str]:
    if name == "all":
        return graded_lab_ids()
    return [resolve_lab_id(name)]


def grade_workspace(
    workspace: Path,
    lab: str,
    *,
    isolation: str,
    report_dir: Path,
    tests: Path | None = None,
    keep_work: bool = False,
    quiet: bool = False,
    label: str = "",
) -> list[LabReport] | None:
    """Grade and write the reports of one lab (or all); ``label`` names the workspace in messages."""
    try:
        labs = lab_ids(lab)
    except UnknownLab as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return None
    pack = import_pack(tests) if tests else []
    reports = []
    for lab_id in labs:
        spec = load_spec(lab_id)
        if spec is None:
            print(f"grader: lab {lab_id} has no grader yet", file=sys.stderr)
            return None
        emit = progress(lab_id) if not quiet else (lambda _line: None)
        try:
            runner = get_runner(isolation)
        except RunnerUnavailable as exc:
            report = LabReport(
                lab=lab_id,
                workspace=label or str(workspace),
                isolation=isolation,
                status=Status.ERROR,
                problems=(str(exc),),
            )
        else:
            emit(f"Grading {workspace / lab_id} ({isolation})")
            ctx = Context(
                spec=spec,
                workspace=workspace.resolve(),
                isolation=isolation,
                runner=runner,
                on_progress=emit,
                extra_check_modules=pack,
                label=label,
            )
            report = grade_lab(ctx, keep_work=keep_work)
        path = write_reports(report, report_dir / lab_id)
        if not quiet:
            print(summary(report, str(path.parent / "feedback.md")))
        reports.append(report)
    return reports
