"""Grade a cohort: every submission folder, every lab asked for, one gradebook."""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader.config import concurrent_gradings
from grader.grading import grade_workspace, lab_ids
from grader.labs import UnknownLab
from grader.model import LabReport, Status, Tier
from grader.reports import write_reports
from grader.reports.cohort_page import cohort_page
from grader.reports.gradescope import to_gradescope
from grader.submissions import Submission, find_submissions


def grade_cohort(
    submissions: Path, labs: list[str], *, isolation: str, jobs: int, report_dir: Path, tests: Path | None
) -> int:
    """Returns 0 when every submission was graded (whatever the scores), 2 otherwise.

    A submission judged not gradable (no lab folder, a broken archive, a project that does not
    parse) was graded: its verdict and reason are in its report and the gradebook. Exit 2 means a
    grading could not reach a verdict: an infrastructure error, or two entries claiming one name.
    """
    if not submissions.is_dir():
        print(f"grader: {submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    try:
        wanted = [lab for name in labs for lab in lab_ids(name)]
    except UnknownLab as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="cohort-") as scratch:
        intake = find_submissions(submissions, Path(scratch))
        found = intake.submissions
        for skipped in intake.skipped:
            print(f"skipped {skipped.entry}: {skipped.reason}", file=sys.stderr)

        def grade(sub: Submission) -> tuple[str, list[LabReport]]:
            return sub.learner, _grade_submission(sub, wanted, isolation, report_dir / sub.learner, tests)

        results: dict[str, list[LabReport]] = {}
        with concurrent_gradings(jobs), ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for done, (name, reports) in enumerate(pool.map(grade, found), start=1):
                results[name] = reports
                (report_dir / name).mkdir(parents=True, exist_ok=True)
                (report_dir / name / "gradescope_results.json").write_text(
                    json.dumps(to_gradescope(reports), indent=2) + "\n"
                )
                scores = ", ".join(f"{r.lab}: {r.score:g}/{r.max_score:g} ({r.status.value})" for r in reports)
                print(f"{_bar(done, len(found))} [{done}/{len(found)}] {name}: {scores}", file=sys.stderr, flush=True)
    _write_gradebook(report_dir / "gradebook.csv", results, wanted)
    (report_dir / "index.html").write_text(cohort_page(results, wanted, skipped=intake.skipped))
    print(f"gradebook: {report_dir / 'gradebook.csv'}; overview: {report_dir / 'index.html'}", file=sys.stderr)
    graded = all(r.status is not Status.ERROR for reports in results.values() for r in reports)
    return 0 if graded else 2


def _grade_submission(
    sub: Submission, labs: list[str], isolation: str, report_dir: Path, tests: Path | None
) -> list[LabReport]:
    if sub.workspace is None:
        status = Status.ERROR if sub.duplicate else Status.NOT_GRADABLE
        unopened = [
            LabReport(lab=lab, workspace=sub.source, isolation=isolation, status=status, problems=(sub.problem,))
            for lab in labs
        ]
        for report in unopened:
            write_reports(report, report_dir / report.lab)
        return unopened
    reports: list[LabReport] = []
    for lab in labs:
        graded = grade_workspace(
            sub.workspace, lab, isolation=isolation, report_dir=report_dir, tests=tests, quiet=True, label=sub.source
        )
        reports += graded or []
    return reports


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else width
    return "[" + "#" * filled + "." * (width - filled) + "]"


def _write_gradebook(path: Path, results: dict[str, list[LabReport]], labs: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = ["learner"]
    for lab in labs:
        columns += [f"{lab}", f"{lab}_status"] + [f"{lab}_{tier.value}" for tier in Tier]
    columns.append("total")
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for name, reports in sorted(results.items()):
            by_lab = {r.lab: r for r in reports}
            row: list[object] = [name]
            for lab in labs:
                report = by_lab.get(lab)
                tiers = report.tiers if report else {}
                row += [f"{report.score if report else 0:g}", report.status.value if report else "missing"]
                row += [f"{tiers[t.value].score:g}" if t.value in tiers else "" for t in Tier]
            row.append(f"{sum(r.score for r in reports):g}")
            writer.writerow(row)
