"""Grade a cohort: every submission folder, every lab asked for, one gradebook."""

from __future__ import annotations

import csv
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader.grading import grade_workspace, lab_ids
from grader.labs import UnknownLab
from grader.model import LabReport, Tier


def grade_cohort(
    submissions: Path, labs: list[str], *, isolation: str, jobs: int, report_dir: Path, tests: Path | None
) -> int:
    """Returns 0 when every submission was graded (whatever the scores), 2 otherwise."""
    if not submissions.is_dir():
        print(f"grader: {submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    try:
        wanted = [lab for name in labs for lab in lab_ids(name)]
    except UnknownLab as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    learners = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))

    def grade(learner: Path) -> tuple[str, list[LabReport]]:
        reports: list[LabReport] = []
        for lab in wanted:
            reports += (
                grade_workspace(
                    learner, lab, isolation=isolation, report_dir=report_dir / learner.name, tests=tests, quiet=True
                )
                or []
            )
        return learner.name, reports

    results: dict[str, list[LabReport]] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for done, (name, reports) in enumerate(pool.map(grade, learners), start=1):
            results[name] = reports
            scores = ", ".join(f"{r.lab}: {r.score:g}/{r.max_score:g} ({r.status.value})" for r in reports)
            print(f"[{done}/{len(learners)}] {name}: {scores}", file=sys.stderr, flush=True)
    _write_gradebook(report_dir / "gradebook.csv", results, wanted)
    graded = all(r.status.value == "graded" for reports in results.values() for r in reports)
    return 0 if graded else 2


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
                row += [report.score if report else 0, report.status.value if report else "missing"]
                row += [tiers[t.value].score if t.value in tiers else "" for t in Tier]
            row.append(round(sum(r.score for r in reports), 2))
            writer.writerow(row)
